/// Where an episode stands after a step.
public enum EpisodeStatus: Sendable, Equatable {
    /// The episode goes on.
    case running
    /// The episode reached a terminal state: the future is worth nothing.
    case terminated
    /// The episode was cut at its horizon: the future would have been worth something, so
    /// value estimates bootstrap from the last observation.
    case truncated

    /// Whether the episode is over (terminated or truncated).
    @inline(__always)
    public var isOver: Bool { self != .running }
}

/// An environment of the policy trainer: which one, its parameters and its current state.
///
/// A closed enum rather than a protocol, so that the trainer's loop switches over two cases
/// instead of calling through an existential. Create one with ``cartPole(horizon:)`` or
/// ``chain(length:horizon:)``; the payloads carry the parameters (and, between calls, the
/// state).
///
/// ```swift
/// var environment = PolicyEnvironment.cartPole(horizon: 200)
/// var random = RandomGenerator(seed: 7)
/// environment.reset(random: &random)
/// var observation = [Double](repeating: 0, count: environment.observationCount)
/// environment.observe(into: &observation, at: 0)
/// let (reward, status) = environment.step(action: 0, random: &random)
/// ```
///
/// ## Topics
/// - ``CartPole``
/// - ``Chain``
/// - ``EpisodeStatus``
public enum PolicyEnvironment: Sendable, Equatable {
    /// Gym's `CartPole-v1`.
    case cartPole(CartPole)
    /// Strens's N-chain.
    case chain(Chain)

    /// A cart-pole whose episodes are truncated after `horizon` steps (see ``CartPole``).
    public static func cartPole(horizon: Int = 500) -> PolicyEnvironment {
        .cartPole(CartPole(horizon: horizon))
    }

    /// An N-chain of `length` states whose episodes last `horizon` steps (see ``Chain``).
    public static func chain(length: Int = 5, horizon: Int = 100) -> PolicyEnvironment {
        .chain(Chain(length: length, horizon: horizon))
    }

    /// The number of values in an observation.
    public var observationCount: Int {
        switch self {
        case .cartPole: CartPole.observationCount
        case let .chain(chain): chain.length
        }
    }

    /// The number of actions, `0..<actionCount`.
    public var actionCount: Int {
        switch self {
        case .cartPole: CartPole.actionCount
        case .chain: Chain.actionCount
        }
    }

    /// The number of steps after which an episode is truncated.
    public var horizon: Int {
        switch self {
        case let .cartPole(cartPole): cartPole.horizon
        case let .chain(chain): chain.horizon
        }
    }

    /// Starts an episode, drawing any random start from `random`.
    @inline(__always)
    public mutating func reset(random: inout RandomGenerator) {
        switch self {
        case var .cartPole(cartPole):
            cartPole.reset(random: &random)
            self = .cartPole(cartPole)
        case var .chain(chain):
            chain.reset(random: &random)
            self = .chain(chain)
        }
    }

    /// Takes an action in `0..<actionCount`, drawing any randomness of the transition from
    /// `random`.
    ///
    /// - Returns: The reward and where the episode stands. After an episode ends, call
    ///   ``reset(random:)`` before the next step.
    @inline(__always)
    public mutating func step(
        action: Int, random: inout RandomGenerator
    ) -> (reward: Double, status: EpisodeStatus) {
        switch self {
        case var .cartPole(cartPole):
            let outcome = cartPole.step(action: action)
            self = .cartPole(cartPole)
            return outcome
        case var .chain(chain):
            let outcome = chain.step(action: action, random: &random)
            self = .chain(chain)
            return outcome
        }
    }

    /// Writes the current observation (``observationCount`` values) into `buffer` from
    /// `offset`.
    ///
    /// - Precondition: `buffer` holds at least `offset + observationCount` values.
    @inline(__always)
    public func observe(into buffer: inout [Double], at offset: Int) {
        switch self {
        case let .cartPole(cartPole): cartPole.observe(into: &buffer, at: offset)
        case let .chain(chain): chain.observe(into: &buffer, at: offset)
        }
    }
}
