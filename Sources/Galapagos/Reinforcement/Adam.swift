/// The Adam optimiser (Kingma and Ba 2015) over a flat parameter vector, with bias-corrected
/// moments and an optional clip of the gradient's global norm.
struct Adam {
    static let beta1 = 0.9
    static let beta2 = 0.999
    // PPO implementations (baselines, CleanRL) use 1e-5 rather than the paper's 1e-8.
    static let epsilon = 1e-5

    private var firstMoment: [Double]
    private var secondMoment: [Double]
    private var steps = 0
    private var beta1Power = 1.0
    private var beta2Power = 1.0

    init(count: Int) {
        firstMoment = Array(repeating: 0, count: count)
        secondMoment = Array(repeating: 0, count: count)
    }

    /// Moves `parameters` down `gradient` (a loss to minimise) with step size `rate`, after
    /// scaling the gradient to global norm `maximumNorm` when it is longer (no clip when
    /// `maximumNorm` is infinite).
    ///
    /// - Returns: `false`, leaving everything unchanged, when the gradient is not finite.
    @inline(__always)
    mutating func step(
        _ parameters: inout [Double], gradient: [Double], rate: Double, maximumNorm: Double
    ) -> Bool {
        var squaredNorm = 0.0
        for g in gradient { squaredNorm += g * g }
        guard squaredNorm.isFinite else { return false }
        let norm = squaredNorm.squareRoot()
        let scale = norm > maximumNorm ? maximumNorm / norm : 1
        steps += 1
        beta1Power *= Self.beta1
        beta2Power *= Self.beta2
        let rate = rate * (1 - beta2Power).squareRoot() / (1 - beta1Power)
        for i in 0..<parameters.count {
            let g = gradient[i] * scale
            let m = Self.beta1 * firstMoment[i] + (1 - Self.beta1) * g
            let v = Self.beta2 * secondMoment[i] + (1 - Self.beta2) * g * g
            firstMoment[i] = m
            secondMoment[i] = v
            parameters[i] -= rate * m / (v.squareRoot() + Self.epsilon)
        }
        return true
    }
}
