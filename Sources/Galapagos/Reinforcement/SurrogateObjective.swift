import Foundation  // tanh: `Math` has no hyperbolic functions

/// The per-sample surrogate objective that ``PolicyTrainer`` maximises: the hook through which
/// an evolved objective (Lu et al. 2022, "Discovered Policy Optimisation"; Jackson et al. 2024,
/// temporally-aware objectives) drives a fixed policy-gradient trainer.
///
/// For a sample with probability ratio r = π(a|s) / π_old(a|s) and normalised advantage A, the
/// objective returns J(r, A, t) and ∂J/∂r. The trainer ascends the minibatch mean of J with
/// ∂J/∂θ = ∂J/∂r · r · ∇θ log π(a|s). `progress` t ∈ [0, 1) is the fraction of the training
/// budget's minibatch updates already done, for objectives that change over training.
///
/// `evaluate` is `mutating` so that a conformer can be a stateful machine (an interpreter with
/// registers); the three objectives here are stateless.
///
/// ## Topics
/// - ``ClippedSurrogate``
/// - ``ImportanceSurrogate``
/// - ``DriftSurrogate``
public protocol SurrogateObjective {
    /// J(r, A, t) and ∂J/∂r for one sample. A non-finite value or derivative stops training,
    /// which then reports failure.
    mutating func evaluate(
        ratio r: Double, advantage a: Double, progress t: Double
    ) -> (value: Double, derivative: Double)
}

/// PPO's clipped surrogate (Schulman et al. 2017): J = min(r·A, clip(r, 1 − ε, 1 + ε)·A).
///
/// ∂J/∂r is A where the unclipped term is the smaller (ties included) and 0 where the clipped
/// term is: a positive advantage stops pulling once r > 1 + ε, a negative one once r < 1 − ε.
public struct ClippedSurrogate: SurrogateObjective, Sendable, Equatable {
    /// The clip range ε.
    public var epsilon: Double

    /// PPO's objective with clip range `epsilon` (0.2, the paper's value, by default).
    public init(epsilon: Double = 0.2) {
        self.epsilon = epsilon
    }

    @inline(__always)
    public func evaluate(
        ratio r: Double, advantage a: Double, progress t: Double
    ) -> (value: Double, derivative: Double) {
        let unclipped = r * a
        let clipped = min(max(r, 1 - epsilon), 1 + epsilon) * a
        return unclipped <= clipped ? (unclipped, a) : (clipped, 0)
    }
}

/// The importance-weighted ("vanilla") policy-gradient surrogate J = r·A, whose gradient at
/// r = 1 is REINFORCE's with a baseline. Nothing limits how far the epochs of one batch move
/// the policy.
public struct ImportanceSurrogate: SurrogateObjective, Sendable, Equatable {
    public init() {}

    @inline(__always)
    public func evaluate(
        ratio r: Double, advantage a: Double, progress t: Double
    ) -> (value: Double, derivative: Double) {
        (r * a, a)
    }
}

/// The objective discovered by Lu et al. (2022, "Discovered Policy Optimisation", DPO), in
/// the mirror-learning form J = r·A − drift(r, A) with
///
///     drift = relu((r − 1)·A − α·tanh((r − 1)·A / α))   if A ≥ 0
///     drift = relu(log(r)·A − β·tanh(log(r)·A / β))     if A < 0
///
/// and α = 2, β = 0.6, the paper's values. Since |tanh x| ≤ |x|, the relu is active exactly
/// when its argument u = (r − 1)·A, resp. log(r)·A, is positive: when r moves in the direction
/// the advantage asks for (r > 1 for A > 0, r < 1 for A < 0). There the drift grows like
/// u³/(3α²) near 0 and like u far away, so that J flattens out: ∂drift/∂u = tanh²(u/α) (resp.
/// β), times ∂u/∂r = A (resp. A/r).
public struct DriftSurrogate: SurrogateObjective, Sendable, Equatable {
    /// The drift scale α for non-negative advantages.
    public var alpha: Double
    /// The drift scale β for negative advantages.
    public var beta: Double

    /// DPO's objective with the paper's α = 2 and β = 0.6 by default.
    public init(alpha: Double = 2, beta: Double = 0.6) {
        self.alpha = alpha
        self.beta = beta
    }

    @inline(__always)
    public func evaluate(
        ratio r: Double, advantage a: Double, progress t: Double
    ) -> (value: Double, derivative: Double) {
        var drift = 0.0, driftSlope = 0.0
        if a >= 0 {
            let u = (r - 1) * a
            if u > 0 {
                let h = tanh(u / alpha)
                drift = max(0, u - alpha * h)  // ≥ 0 in exact arithmetic
                driftSlope = h * h * a
            }
        } else {
            let u = Math.log(r) * a
            if u > 0 {
                let h = tanh(u / beta)
                drift = max(0, u - beta * h)
                driftSlope = h * h * a / r
            }
        }
        return (r * a - drift, a - driftSlope)
    }
}
