/// Runs a scalar-only program on dual numbers (value, derivative with respect to one input),
/// giving exact forward-mode derivatives: no finite differences.
///
/// Only scalar ops are supported; loss-discovery search spaces are validated to use no others.
/// Every rule is total: a derivative that does not exist (e.g. of `abs` at 0) follows a fixed
/// convention, and non-finite results simply propagate.
public struct DualMachine {
    private var value: [Double]
    private var derivative: [Double]
    private let code: [Instruction]

    /// Prepares a program's `predict` component.
    ///
    /// - Returns: `nil` if the component uses a non-scalar or random op, or if there are too
    ///   few scalars to hold the label, the loss and the logit (`s0`, `s1`, `s2`).
    public init?(program: Program, scalars: Int) {
        guard scalars > LossTraining.logitScalar else { return nil }
        for instruction in program.predict {
            let info = instruction.op.info
            guard info.output == .scalar || info.output == nil,
                  info.inputs.allSatisfy({ $0 == .scalar }), !info.isRandom,
                  Int(instruction.output) < scalars, Int(instruction.input1) < scalars,
                  Int(instruction.input2) < scalars
            else { return nil }
        }
        code = program.predict
        value = Array(repeating: 0, count: scalars)
        derivative = Array(repeating: 0, count: scalars)
    }

    /// L(z, y) and dL/dz, with every other register starting at zero.
    public mutating func evaluate(logit z: Double, label y: Double) -> (loss: Double, gradient: Double) {
        for k in value.indices {
            value[k] = 0
            derivative[k] = 0
        }
        value[MemoryShape.labelScalar] = y
        value[LossTraining.logitScalar] = z
        derivative[LossTraining.logitScalar] = 1
        for instruction in code { step(instruction) }
        return (value[MemoryShape.predictionScalar], derivative[MemoryShape.predictionScalar])
    }

    /// J(r, A, t) and ∂J/∂r for a policy objective: r in `s2` (the variable), A in `s3`, t in
    /// `s4`, every other register starting at zero (see ``PolicyObjective``). Registers the
    /// machine does not have are not written.
    public mutating func evaluate(ratio r: Double, advantage a: Double, progress t: Double) -> (value: Double, derivative: Double) {
        for k in value.indices {
            value[k] = 0
            derivative[k] = 0
        }
        value[PolicyObjective.ratioScalar] = r
        derivative[PolicyObjective.ratioScalar] = 1
        if value.count > PolicyObjective.progressScalar {
            value[PolicyObjective.advantageScalar] = a
            value[PolicyObjective.progressScalar] = t
        }
        for instruction in code { step(instruction) }
        return (value[MemoryShape.predictionScalar], derivative[MemoryShape.predictionScalar])
    }

    private mutating func step(_ i: Instruction) {
        let o = Int(i.output), a = Int(i.input1), b = Int(i.input2)
        let x = value[a], dx = derivative[a]
        let y = value[b], dy = derivative[b]
        var v = 0.0, d = 0.0
        switch i.op {
        case .noOp: return
        case .scalarSum: (v, d) = (x + y, dx + dy)
        case .scalarDiff: (v, d) = (x - y, dx - dy)
        case .scalarProduct: (v, d) = (x * y, dx * y + x * dy)
        case .scalarDivision: (v, d) = (x / y, (dx * y - x * dy) / (y * y))
        case .scalarAbs: (v, d) = (abs(x), x > 0 ? dx : (x < 0 ? -dx : 0))
        case .scalarReciprocal: (v, d) = (1 / x, -dx / (x * x))
        case .scalarSin: (v, d) = (Math.sin(x), Math.cos(x) * dx)
        case .scalarCos: (v, d) = (Math.cos(x), -Math.sin(x) * dx)
        case .scalarTan:
            let c = Math.cos(x)
            (v, d) = (Math.tan(x), dx / (c * c))
        case .scalarArcSin: (v, d) = (Math.asin(x), dx / (1 - x * x).squareRoot())
        case .scalarArcCos: (v, d) = (Math.acos(x), -dx / (1 - x * x).squareRoot())
        case .scalarArcTan: (v, d) = (Math.atan(x), dx / (1 + x * x))
        case .scalarExp:
            let e = Math.exp(x)
            (v, d) = (e, e * dx)
        case .scalarLog: (v, d) = (Math.log(x), dx / x)
        case .scalarHeaviside: (v, d) = (x >= 0 ? 1 : 0, 0)
        case .scalarMin: (v, d) = y < x ? (y, dy) : (x, dx)
        case .scalarMax: (v, d) = x < y ? (y, dy) : (x, dx)
        case .scalarSqrt:
            let r = x.squareRoot()
            (v, d) = (r, dx / (2 * r))
        case .scalarSquare: (v, d) = (x * x, 2 * x * dx)
        case .scalarConstSet: (v, d) = (i.constant1, 0)
        default: return  // excluded by init
        }
        value[o] = v
        derivative[o] = d
    }
}
