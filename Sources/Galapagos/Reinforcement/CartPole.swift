/// The classic cart-pole balancing task, with the equations and constants of OpenAI Gym's
/// `CartPole-v1` (Barto, Sutton and Anderson 1983; Florian 2007 for the dynamics).
///
/// A pole is hinged on a cart that moves without friction along a track. Each step the agent
/// pushes the cart left (action 0) or right (action 1) with a force of 10 N; the state advances
/// by one explicit Euler step of τ = 0.02 s. The episode terminates when the cart leaves
/// |x| ≤ 2.4 or the pole leans more than 12° (|θ| > 0.2094 rad), and is truncated after
/// `horizon` steps. Every step pays 1, the terminating one included, so the return is the
/// episode's length: at most `horizon` (500 by default, "solved" at a mean of 475).
///
/// The observation is the state (x, ẋ, θ, θ̇); a reset draws each of them uniformly from
/// [−0.05, 0.05). The dynamics are deterministic.
///
/// ```swift
/// var random = RandomGenerator(seed: 1)
/// var cartPole = CartPole()
/// cartPole.reset(random: &random)
/// let (reward, status) = cartPole.step(action: 1)
/// ```
public struct CartPole: Sendable, Equatable {
    /// Gravity, m/s².
    public static let gravity = 9.8
    /// The cart's mass, kg.
    public static let cartMass = 1.0
    /// The pole's mass, kg.
    public static let poleMass = 0.1
    /// Half the pole's length, m (Gym's `length`).
    public static let halfLength = 0.5
    /// The magnitude of the push, N.
    public static let force = 10.0
    /// The time step, s.
    public static let tau = 0.02
    /// The cart's position limit, m.
    public static let positionLimit = 2.4
    /// The pole's angle limit: 12° in radians, as Gym computes it.
    public static let angleLimit = 12 * 2 * Double.pi / 360
    /// The half-width of the uniform start distribution of every state variable.
    public static let startRange = 0.05

    /// The number of steps after which an episode is truncated.
    public let horizon: Int

    /// The cart's position, m.
    public var x = 0.0
    /// The cart's velocity, m/s.
    public var xDot = 0.0
    /// The pole's angle from upright, rad (positive leans right).
    public var theta = 0.0
    /// The pole's angular velocity, rad/s.
    public var thetaDot = 0.0
    /// Steps taken since the last reset.
    public private(set) var elapsed = 0

    /// The number of observed values: x, ẋ, θ, θ̇.
    public static let observationCount = 4
    /// The number of actions: push left (0), push right (1).
    public static let actionCount = 2

    /// A cart-pole that truncates episodes after `horizon` steps (at least 1: smaller values are
    /// raised to 1).
    public init(horizon: Int = 500) {
        self.horizon = max(1, horizon)
    }

    /// Starts an episode: every state variable uniform in [−0.05, 0.05), in Gym's order
    /// (x, ẋ, θ, θ̇).
    public mutating func reset(random: inout RandomGenerator) {
        let r = Self.startRange
        x = random.uniform(-r, r)
        xDot = random.uniform(-r, r)
        theta = random.uniform(-r, r)
        thetaDot = random.uniform(-r, r)
        elapsed = 0
    }

    /// Pushes the cart right for action 1 and left for any other action, and advances one step.
    ///
    /// - Returns: The reward, always 1, and whether the episode goes on, terminated (the cart
    ///   or the pole out of bounds) or was truncated at the horizon.
    @inline(__always)
    public mutating func step(action: Int) -> (reward: Double, status: EpisodeStatus) {
        let totalMass = Self.cartMass + Self.poleMass
        let poleMassLength = Self.poleMass * Self.halfLength
        let push = action == 1 ? Self.force : -Self.force
        let cosTheta = Math.cos(theta), sinTheta = Math.sin(theta)
        let temp = (push + poleMassLength * thetaDot * thetaDot * sinTheta) / totalMass
        let thetaAcc = (Self.gravity * sinTheta - cosTheta * temp)
            / (Self.halfLength * (4.0 / 3.0 - Self.poleMass * cosTheta * cosTheta / totalMass))
        let xAcc = temp - poleMassLength * thetaAcc * cosTheta / totalMass
        // Gym's "euler" integrator: positions move with the old velocities.
        x += Self.tau * xDot
        xDot += Self.tau * xAcc
        theta += Self.tau * thetaDot
        thetaDot += Self.tau * thetaAcc
        elapsed += 1
        let fallen = x < -Self.positionLimit || x > Self.positionLimit
            || theta < -Self.angleLimit || theta > Self.angleLimit
        if fallen { return (1, .terminated) }
        return (1, elapsed >= horizon ? .truncated : .running)
    }

    /// Writes (x, ẋ, θ, θ̇) into `buffer` from `offset`.
    @inline(__always)
    public func observe(into buffer: inout [Double], at offset: Int) {
        buffer[offset] = x
        buffer[offset + 1] = xDot
        buffer[offset + 2] = theta
        buffer[offset + 3] = thetaDot
    }
}
