/// Parent selection, in all four strategies, with the state that snapshots must keep.
///
/// - `tournament`: regularized evolution; each island breeds `batch` children per step, each
///   parent the fittest of `tournament` members drawn with replacement (AutoML-Zero).
/// - `power-law`: each island breeds `batch` children per step; the parent of rank r (1 = best)
///   is drawn with probability ∝ r^−α.
/// - `ucb`, `thompson`: bandits learn twice: which island breeds next (one arm per island) and,
///   within an island, from which fitness-rank stratum (top 1 %, 1–10 %, 10–50 %, the rest)
///   the parent is drawn. Strata and islands get enough pulls to learn from, unlike single
///   members, which live too briefly.
public struct ParentSelection: Sendable, Equatable, Codable {
    public let kind: SelectorKind
    public let tournamentSize: Int
    /// The exponent α of power-law rank selection.
    public var powerLawExponent: Double = 1.0
    /// Which island breeds next (bandit selectors only).
    public var islandBandit: Bandit?
    /// Which stratum of each island breeds (bandit selectors only).
    public var strataBandits: [Bandit]

    /// The upper rank fractions of the strata.
    public static let strata: [Double] = [0.01, 0.10, 0.50, 1.0]

    public init(kind: SelectorKind, islands: Int, tournamentSize: Int) {
        self.kind = kind
        self.tournamentSize = tournamentSize
        switch kind {
        case .tournament, .powerLaw:
            islandBandit = nil
            strataBandits = []
        case .ucb, .thompson:
            let policy: BanditPolicy = kind == .ucb ? .ucb : .thompson
            islandBandit = Bandit(arms: islands, policy: policy)
            strataBandits = Array(
                repeating: Bandit(arms: Self.strata.count, policy: policy), count: islands)
        }
    }

    /// The island of every child of the next step, in proposal order.
    ///
    /// Islands that are still filling their population get `batch` slots each (for random
    /// programs); the other slots go to breeding islands, round robin or by bandit.
    public func plan(
        islands: [Island], batch: Int, using random: inout RandomGenerator
    ) -> [Int] {
        var plan: [Int] = []
        let breeding = islands.indices.filter { !islands[$0].isInitializing }
        for index in islands.indices where islands[index].isInitializing {
            plan.append(contentsOf: repeatElement(index, count: batch))
        }
        guard !breeding.isEmpty else { return plan }
        if let islandBandit {
            var allowed = Array(repeating: false, count: islands.count)
            for index in breeding { allowed[index] = true }
            for _ in 0..<(breeding.count * batch) {
                plan.append(islandBandit.choose(using: &random, allowed: allowed))
            }
        } else {
            for index in breeding { plan.append(contentsOf: repeatElement(index, count: batch)) }
        }
        return plan
    }

    /// Chooses a parent in a full island.
    ///
    /// - Parameters:
    ///   - ranking: storage indices from fittest to least fit.
    /// - Returns: the parent's storage index and the stratum arm (−1 when no bandit chose).
    ///   - cumulativeWeights: ``powerLawWeights(n:alpha:)`` for the island's size, computed once
    ///     per step by the caller (power-law selection only).
    public func chooseParent(
        in island: Island, index: Int, ranking: [Int], cumulativeWeights: [Double]? = nil,
        parsimony: Double = 0, using random: inout RandomGenerator
    ) -> (member: Int, arm: Int) {
        let members = island.members
        let n = members.count
        switch kind {
        case .tournament:
            var best = random.nextInt(below: n)
            if parsimony > 0 {
                // Size pressure: fitness minus `parsimony` per instruction decides.
                func score(_ member: Member) -> Double {
                    member.fitness - parsimony * Double(member.program.instructionCount)
                }
                var bestScore = score(members[best])
                for _ in 1..<max(1, tournamentSize) {
                    let candidate = random.nextInt(below: n)
                    let candidateScore = score(members[candidate])
                    if candidateScore > bestScore { (best, bestScore) = (candidate, candidateScore) }
                }
                return (best, -1)
            }
            // Fitness side by side: a tournament reads a few random members of a large island.
            let fitness = island.fitnessBySlot
            for _ in 1..<max(1, tournamentSize) {
                let candidate = random.nextInt(below: n)
                if fitness[candidate] > fitness[best] { best = candidate }
            }
            return (best, -1)
        case .powerLaw:
            let weights = cumulativeWeights ?? Self.powerLawWeights(n: n, alpha: powerLawExponent)
            return (ranking[Self.powerLawRank(cumulative: weights, using: &random)], -1)
        case .ucb, .thompson:
            let bounds = Self.stratumBounds(n: n)
            var allowed = bounds.map { $0.count > 0 }
            if !allowed.contains(true) { allowed[0] = true }
            let arm = strataBandits[index].choose(using: &random, allowed: allowed)
            let range = bounds[arm]
            let rank = range.lowerBound + random.nextInt(below: max(1, range.count))
            return (ranking[min(rank, n - 1)], arm)
        }
    }

    /// Records the reward of a child bred from `island` (and from stratum `arm`, if any).
    public mutating func reward(island: Int, arm: Int, reward: Double) {
        islandBandit?.update(arm: island, reward: reward)
        if arm >= 0 && island < strataBandits.count {
            strataBandits[island].update(arm: arm, reward: reward)
        }
    }

    /// Rank ranges of the strata for a population of n.
    static func stratumBounds(n: Int) -> [Range<Int>] {
        var lower = 0
        return strata.map { fraction in
            let upper = max(lower, min(n, max(1, Int((Double(n) * fraction).rounded(.up)))))
            defer { lower = upper }
            return lower..<upper
        }
    }

    /// Cumulative weights (rank + 1)^−α for ranks 0..<n.
    public static func powerLawWeights(n: Int, alpha: Double) -> [Double] {
        var cumulative = [Double](repeating: 0, count: n)
        var total = 0.0
        for r in 0..<n {
            total += Math.exp(-alpha * Math.log(Double(r + 1)))
            cumulative[r] = total
        }
        return cumulative
    }

    /// A rank drawn with probability ∝ (rank + 1)^−α, by binary search in the cumulative
    /// weights.
    static func powerLawRank(cumulative: [Double], using random: inout RandomGenerator) -> Int {
        guard let total = cumulative.last else { return 0 }
        let target = random.nextDouble() * total
        var low = 0, high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] > target { high = mid } else { low = mid + 1 }
        }
        return low
    }

    /// A rank in 0..<n drawn with probability ∝ (rank + 1)^−α.
    static func powerLawRank(n: Int, alpha: Double, using random: inout RandomGenerator) -> Int {
        powerLawRank(cumulative: powerLawWeights(n: n, alpha: alpha), using: &random)
    }
}
