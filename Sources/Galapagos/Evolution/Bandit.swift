/// The bandit algorithms the engine uses to learn which choices pay off.
public enum BanditPolicy: String, Sendable, Codable, CaseIterable {
    /// UCB1 on discounted means.
    case ucb
    /// Thompson sampling from discounted Beta posteriors.
    case thompson
}

/// A multi-armed bandit with rewards in [0, 1] and exponential forgetting, so that it tracks
/// arms whose value drifts as the population improves.
///
/// Statistics are discounted by `decay` at every update: an arm's mean reflects roughly the
/// last 1/(1 − decay) rewards.
public struct Bandit: Sendable, Codable, Equatable {
    public var policy: BanditPolicy
    /// Discounted number of pulls per arm.
    public private(set) var pulls: [Double]
    /// Discounted sum of rewards per arm.
    public private(set) var rewards: [Double]
    /// Undiscounted number of pulls per arm, for reports.
    public private(set) var totalPulls: [Int]
    /// The forgetting factor in (0, 1].
    public var decay: Double
    /// The weight of UCB's exploration term.
    public var exploration: Double

    public init(arms: Int, policy: BanditPolicy, decay: Double = 0.995, exploration: Double = 0.5) {
        self.policy = policy
        pulls = Array(repeating: 0, count: arms)
        rewards = Array(repeating: 0, count: arms)
        totalPulls = Array(repeating: 0, count: arms)
        self.decay = decay
        self.exploration = exploration
    }

    /// The number of arms.
    public var arms: Int { pulls.count }

    /// The discounted mean reward of each arm (0 for arms never pulled).
    public var means: [Double] {
        zip(rewards, pulls).map { $1 > 0 ? $0 / $1 : 0 }
    }

    /// Chooses an arm among those `allowed` (all when `nil`).
    public func choose(using random: inout RandomGenerator, allowed: [Bool]? = nil) -> Int {
        let candidates = (0..<arms).filter { allowed?[$0] ?? true }
        guard !candidates.isEmpty else { return 0 }
        switch policy {
        case .ucb:
            // Arms never (or hardly) tried first, in random order among themselves.
            let fresh = candidates.filter { pulls[$0] < 1e-9 }
            if !fresh.isEmpty { return fresh[random.nextInt(below: fresh.count)] }
            let total = candidates.reduce(0) { $0 + pulls[$1] }
            var bestArm = candidates[0]
            var bestScore = -Double.infinity
            for arm in candidates {
                let mean = rewards[arm] / pulls[arm]
                let score = mean + exploration * (2 * Math.log(max(total, 1)) / pulls[arm]).squareRoot()
                if score > bestScore {
                    bestScore = score
                    bestArm = arm
                }
            }
            return bestArm
        case .thompson:
            var bestArm = candidates[0]
            var bestSample = -Double.infinity
            for arm in candidates {
                let alpha = 1 + rewards[arm]
                let beta = 1 + max(0, pulls[arm] - rewards[arm])
                let sample = Self.betaSample(alpha, beta, using: &random)
                if sample > bestSample {
                    bestSample = sample
                    bestArm = arm
                }
            }
            return bestArm
        }
    }

    /// Records a reward (clipped to [0, 1]) for an arm.
    public mutating func update(arm: Int, reward: Double) {
        guard arm >= 0 && arm < arms else { return }
        let r = reward.isFinite ? min(1, max(0, reward)) : 0
        for k in 0..<arms {
            pulls[k] *= decay
            rewards[k] *= decay
        }
        pulls[arm] += 1
        rewards[arm] += r
        totalPulls[arm] += 1
    }

    /// A Beta(α, β) deviate from two Gamma deviates.
    static func betaSample(_ alpha: Double, _ beta: Double, using random: inout RandomGenerator) -> Double {
        let x = gammaSample(alpha, using: &random)
        let y = gammaSample(beta, using: &random)
        return x + y > 0 ? x / (x + y) : 0.5
    }

    /// A Gamma(shape, 1) deviate by Marsaglia and Tsang's method (shape < 1 boosted by
    /// U^(1/shape)).
    static func gammaSample(_ shape: Double, using random: inout RandomGenerator) -> Double {
        if shape < 1 {
            let u = 1 - random.nextDouble()
            return gammaSample(shape + 1, using: &random) * Math.exp(Math.log(u) / shape)
        }
        let d = shape - 1.0 / 3.0
        let c = 1.0 / (9 * d).squareRoot()
        for _ in 0..<1_000 {
            var x: Double
            var v: Double
            repeat {
                x = random.nextGaussian()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = 1 - random.nextDouble()
            if Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v) { return d * v }
        }
        return d
    }
}
