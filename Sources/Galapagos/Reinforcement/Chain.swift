/// The N-chain of Strens (2000), as in Gym's `NChain`: a task that punishes short-sighted
/// learners.
///
/// The agent stands on one of `length` states in a row and starts every episode on state 0.
/// Action 0 ("forward") moves one state right and pays 0, except on the last state, where it
/// stays and pays 10. Action 1 ("back") returns to state 0 and pays 2. With probability `slip`
/// (0.2) the other action happens instead. The observation is the state, one-hot. There is no
/// terminal state: an episode is truncated after `horizon` steps.
///
/// Going back pays at once, and going forward pays only after `length − 1` unpaid steps, so a
/// learner that discounts steeply, or that judges forward by its first steps, settles on back.
/// With the defaults (5 states, slip 0.2, 100 steps) the expected returns from state 0, by
/// dynamic programming, are:
///
/// | policy                                            | expected return |
/// |---------------------------------------------------|-----------------|
/// | always back (the greedy, short-sighted policy)    | 160.31          |
/// | uniformly random actions                          | 130.00          |
/// | always forward (the best policy of the state)     | 354.57          |
/// | optimum over policies that also see the time      | 356.71          |
///
/// Always-forward is the best policy that sees only the state (the best of all 32), so 354.57
/// is the optimum for the policies trained here; the time-aware optimum differs only by going
/// back from low states in the last few steps.
///
/// With the default ``PolicyTraining`` (γ = 0.99), PPO, the vanilla policy gradient and DPO
/// all learn always-forward on seeds 1–10; with γ = 0.5, a short-sighted learner, each settles
/// on back (greedy returns 160–198). A chain of 6 states is much harder: always back still
/// earns 160.06 and always forward 289.04, but at the default budget the three objectives
/// find forward on only 1–2 of seeds 1–10.
public struct Chain: Sendable, Equatable {
    /// The number of states, 2...1,000.
    public let length: Int
    /// The number of steps after which an episode is truncated (at least 1).
    public let horizon: Int
    /// The probability that the other action happens, in [0, 1].
    public let slip: Double

    /// The reward of going forward on the last state.
    public static let largeReward = 10.0
    /// The reward of going back.
    public static let smallReward = 2.0
    /// The number of actions: forward (0), back (1).
    public static let actionCount = 2

    /// The agent's state, `0..<length`.
    public private(set) var state = 0
    /// Steps taken since the last reset.
    public private(set) var elapsed = 0

    /// A chain of `length` states whose episodes last `horizon` steps and whose actions slip
    /// with probability `slip`. Out-of-range values are clamped: `length` to 2...1,000,
    /// `horizon` to at least 1, `slip` to [0, 1] (NaN becomes 0).
    public init(length: Int = 5, horizon: Int = 100, slip: Double = 0.2) {
        self.length = min(max(2, length), 1_000)
        self.horizon = max(1, horizon)
        self.slip = slip >= 0 ? min(slip, 1) : 0
    }

    /// Starts an episode on state 0. The start is not random; the generator is taken for
    /// symmetry with ``CartPole/reset(random:)`` and left untouched.
    public mutating func reset(random: inout RandomGenerator) {
        state = 0
        elapsed = 0
    }

    /// Takes action 0 (forward) or any other action (back), each slipping to the other with
    /// probability `slip` (one draw from `random` per step).
    ///
    /// - Returns: The reward and whether the episode goes on or was truncated; it never
    ///   terminates.
    @inline(__always)
    public mutating func step(
        action: Int, random: inout RandomGenerator
    ) -> (reward: Double, status: EpisodeStatus) {
        var forward = action == 0
        if random.nextDouble() < slip { forward.toggle() }
        let reward: Double
        if !forward {
            reward = Self.smallReward
            state = 0
        } else if state < length - 1 {
            reward = 0
            state += 1
        } else {
            reward = Self.largeReward
        }
        elapsed += 1
        return (reward, elapsed >= horizon ? .truncated : .running)
    }

    /// Writes the one-hot state (`length` values) into `buffer` from `offset`.
    @inline(__always)
    public func observe(into buffer: inout [Double], at offset: Int) {
        for i in 0..<length { buffer[offset + i] = 0 }
        buffer[offset + state] = 1
    }
}
