/// Fits the constants of a predict-only scalar program to a task's training examples, as
/// Operon and PySR do for symbolic regression: Levenberg–Marquardt on the squared error, with
/// exact derivatives from forward-mode dual numbers (one derivative per constant).
///
/// The parameters are the constants of the live `s = c` instructions of `predict`. The fit
/// runs `predict`'s live instructions over the training examples (at most
/// ``maximumExamples``, spread evenly) in their stored order, carrying registers from one
/// example to the next as the evaluator does, with `s0` = 0 and the features in `v0` and the
/// input scalars. Only programs the dual numbers can follow are fitted: empty `setup` and
/// `learn`, and only scalar, non-random ops in `predict`. The fit only proposes constants: the
/// engine scores the fitted program with the real evaluator like any other child.
public struct ConstantFitter: Sendable {
    /// The memory shape programs use.
    public let shape: MemoryShape
    /// Levenberg–Marquardt iterations (each one or more passes over the training examples).
    public let iterations: Int
    /// At most this many constants are fitted (the normal equations are P × P).
    public static let maximumParameters = 24
    /// The most training examples a fit uses.
    public static let maximumExamples = 64

    /// The training examples a fit uses: all of them up to ``maximumExamples``, else that many
    /// spread evenly over the split (a few constants need few points; the fitness that judges
    /// the fit is still computed on the whole scoring split).
    static func fitExamples(count: Int) -> [Int] {
        count <= maximumExamples ? Array(0..<count) : (0..<maximumExamples).map { $0 * count / maximumExamples }
    }

    public init(shape: MemoryShape, iterations: Int = 10) {
        self.shape = shape
        self.iterations = iterations
    }

    /// The program with its constants fitted to `task`'s training examples, or `nil` when it has
    /// no constant to fit, cannot be followed by dual numbers, or the fit did not lower the
    /// training error.
    public func fit(_ program: Program, on task: TaskDataset) -> Program? {
        guard program.setup.isEmpty, program.learn.isEmpty, task.trainCount > 0,
              task.features == shape.features else { return nil }
        let code = program.predict
        for instruction in code {
            let info = instruction.op.info
            guard info.output == .scalar || info.output == nil, !info.isRandom,
                  info.inputs.allSatisfy({ $0 == .scalar }),
                  Int(instruction.output) < shape.scalars, Int(instruction.input1) < shape.scalars,
                  Int(instruction.input2) < shape.scalars
            else { return nil }
        }
        let live = Liveness(program).isLive[Component.predict.rawValue]
        let positions = code.indices.filter { live[$0] && code[$0].op == .scalarConstSet }
        guard !positions.isEmpty, positions.count <= Self.maximumParameters else { return nil }

        // Dead instructions cannot change the prediction or its derivatives: the passes run the
        // live ones only (most of a bloated program).
        let liveCode = code.indices.filter { live[$0] }
        let parameterIndex = positions.map { position in liveCode.firstIndex(of: position) ?? 0 }
        var pass = Pass(code: liveCode.map { code[$0] }, parameters: parameterIndex, shape: shape, task: task)
        var theta = positions.map { code[$0].constant1 }
        guard var cost = pass.run(theta), cost.isFinite else { return nil }
        let initialCost = cost
        let p = theta.count
        var lambda = 1e-3
        iterating: for _ in 0..<iterations {
            let (normal, gradient) = pass.normalEquations()
            while true {
                var system = normal
                for k in 0..<p { system[k * p + k] += lambda * Swift.max(normal[k * p + k], 1e-12) }
                guard let step = Self.solve(system, gradient.map { -$0 }, size: p) else {
                    lambda *= 10
                    if lambda > 1e12 { break iterating }
                    continue
                }
                let candidate = zip(theta, step).map { $0 + $1 }
                if let newCost = pass.run(candidate), newCost < cost {
                    let improvement = cost - newCost
                    theta = candidate
                    cost = newCost
                    lambda = Swift.max(lambda / 10, 1e-12)
                    if improvement <= 1e-14 * Swift.max(cost, 1e-300) { break iterating }
                    break
                }
                lambda *= 10
                if lambda > 1e12 { break iterating }
            }
            if cost == 0 { break }
        }
        guard cost < initialCost else { return nil }
        var fitted = program
        for (position, value) in zip(positions, theta) {
            fitted[.predict, position].constant1 = value
        }
        return fitted
    }

    /// Solves the symmetric system A x = b (P × P, row-major) by Gaussian elimination with
    /// partial pivoting; `nil` when it is singular or the solution is not finite.
    static func solve(_ matrix: [Double], _ vector: [Double], size n: Int) -> [Double]? {
        var a = matrix, b = vector
        for column in 0..<n {
            var pivot = column
            for row in (column + 1)..<Swift.max(column + 1, n) where abs(a[row * n + column]) > abs(a[pivot * n + column]) {
                pivot = row
            }
            guard abs(a[pivot * n + column]) > 1e-300 else { return nil }
            if pivot != column {
                for k in 0..<n { a.swapAt(column * n + k, pivot * n + k) }
                b.swapAt(column, pivot)
            }
            for row in (column + 1)..<Swift.max(column + 1, n) {
                let factor = a[row * n + column] / a[column * n + column]
                if factor == 0 { continue }
                for k in column..<n { a[row * n + k] -= factor * a[column * n + k] }
                b[row] -= factor * b[column]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = b[row]
            for k in (row + 1)..<Swift.max(row + 1, n) { sum -= a[row * n + k] * x[k] }
            x[row] = sum / a[row * n + row]
        }
        return x.allSatisfy(\.isFinite) ? x : nil
    }
}

/// One evaluation of the residuals and their Jacobian over the training examples.
private struct Pass {
    let code: [Instruction]
    /// For each instruction, the index of its parameter, or −1.
    let parameterOf: [Int]
    let p: Int
    let scalars: Int
    let features: Int
    let inputScalars: Int
    let task: TaskDataset
    /// The training examples fitted: all of them up to ``ConstantFitter/maximumExamples``, else
    /// that many spread evenly over the split (a few constants need few points; the fitness
    /// that judges the fit is still computed on the whole scoring split).
    let examples: [Int]
    /// Register values and derivatives (scalars × p, row per register).
    var value: [Double]
    var derivative: [Double]
    var scratch: [Double]
    /// Residuals and Jacobian (trainCount × p) of the last `run`.
    var residuals: [Double]
    var jacobian: [Double]

    init(code: [Instruction], parameters: [Int], shape: MemoryShape, task: TaskDataset) {
        self.code = code
        var parameterOf = [Int](repeating: -1, count: code.count)
        for (index, position) in parameters.enumerated() { parameterOf[position] = index }
        self.parameterOf = parameterOf
        p = parameters.count
        scalars = shape.scalars
        features = shape.features
        inputScalars = shape.inputScalarRegisters.count
        self.task = task
        examples = ConstantFitter.fitExamples(count: task.trainCount)
        value = [Double](repeating: 0, count: shape.scalars)
        derivative = [Double](repeating: 0, count: shape.scalars * parameters.count)
        scratch = [Double](repeating: 0, count: parameters.count)
        residuals = [Double](repeating: 0, count: examples.count)
        jacobian = [Double](repeating: 0, count: examples.count * parameters.count)
    }

    /// The sum of squared residuals with constants `theta`; `nil` when any is not finite.
    mutating func run(_ theta: [Double]) -> Double? {
        for k in value.indices { value[k] = 0 }
        for k in derivative.indices { derivative[k] = 0 }
        var cost = 0.0
        let train = task.trainFeatures
        for (row, example) in examples.enumerated() {
            value[MemoryShape.labelScalar] = 0
            for k in 0..<p { derivative[MemoryShape.labelScalar * p + k] = 0 }
            for k in 0..<inputScalars {
                let register = MemoryShape.firstInputScalar + k
                value[register] = train[example * features + k]
                for j in 0..<p { derivative[register * p + j] = 0 }
            }
            let p = self.p
            value.withUnsafeMutableBufferPointer { value in
                derivative.withUnsafeMutableBufferPointer { derivative in
                    scratch.withUnsafeMutableBufferPointer { scratch in
                        for (position, instruction) in code.enumerated() {
                            Self.step(
                                instruction, parameter: parameterOf[position], theta: theta, p: p,
                                value: value, derivative: derivative, scratch: scratch)
                        }
                    }
                }
            }
            let prediction = MemoryShape.predictionScalar
            let residual = value[prediction] - task.trainLabels[example]
            guard residual.isFinite else { return nil }
            residuals[row] = residual
            for j in 0..<p {
                let d = derivative[prediction * p + j]
                guard d.isFinite else { return nil }
                jacobian[row * p + j] = d
            }
            cost += residual * residual
        }
        return cost.isFinite ? cost : nil
    }

    /// JᵀJ and Jᵀr of the last `run`.
    func normalEquations() -> (normal: [Double], gradient: [Double]) {
        var normal = [Double](repeating: 0, count: p * p)
        var gradient = [Double](repeating: 0, count: p)
        for example in examples.indices {
            let row = example * p
            for i in 0..<p {
                let ji = jacobian[row + i]
                gradient[i] += ji * residuals[example]
                for k in i..<p { normal[i * p + k] += ji * jacobian[row + k] }
            }
        }
        for i in 0..<p { for k in 0..<i { normal[i * p + k] = normal[k * p + i] } }
        return (normal, gradient)
    }

    /// One instruction on dual numbers: the value, and its derivative with respect to every
    /// parameter from the op's partial derivatives. (Buffers rather than arrays: this loop is
    /// most of a symbolic search's time, and arrays would check bounds and uniqueness per step.)
    @inline(__always)
    private static func step(
        _ instruction: Instruction, parameter: Int, theta: [Double], p: Int,
        value: UnsafeMutableBufferPointer<Double>, derivative: UnsafeMutableBufferPointer<Double>,
        scratch: UnsafeMutableBufferPointer<Double>
    ) {
        // `fit` runs passes only with at least one parameter, so no buffer is empty.
        guard OpShape.table[Int(instruction.op.rawValue)].output != nil,
              let value = value.baseAddress, let derivative = derivative.baseAddress,
              let scratch = scratch.baseAddress
        else { return }
        let o = Int(instruction.output), a = Int(instruction.input1), b = Int(instruction.input2)
        if instruction.op == .scalarConstSet {
            value[o] = parameter >= 0 ? theta[parameter] : instruction.constant1
            for j in 0..<p { derivative[o * p + j] = j == parameter ? 1 : 0 }
            return
        }
        let x = value[a], y = value[b]
        let (v, dx, dy) = Self.partials(instruction.op, x, y)
        let da = derivative + a * p, db = derivative + b * p
        for j in 0..<p {
            var d = 0.0
            if dx != 0 { d += dx * da[j] }
            if dy != 0 { d += dy * db[j] }
            scratch[j] = d
        }
        value[o] = v
        let target = derivative + o * p
        for j in 0..<p { target[j] = scratch[j] }
    }

    /// An op's value and its partial derivatives with respect to its two inputs.
    private static func partials(_ op: Op, _ x: Double, _ y: Double) -> (Double, Double, Double) {
        switch op {
        case .scalarSum: return (x + y, 1, 1)
        case .scalarDiff: return (x - y, 1, -1)
        case .scalarProduct: return (x * y, y, x)
        case .scalarDivision: return (x / y, 1 / y, -x / (y * y))
        case .scalarAbs: return (abs(x), x > 0 ? 1 : (x < 0 ? -1 : 0), 0)
        case .scalarReciprocal: return (1 / x, -1 / (x * x), 0)
        case .scalarSin: return (Math.sin(x), Math.cos(x), 0)
        case .scalarCos: return (Math.cos(x), -Math.sin(x), 0)
        case .scalarTan:
            let c = Math.cos(x)
            return (Math.tan(x), 1 / (c * c), 0)
        case .scalarArcSin: return (Math.asin(x), 1 / (1 - x * x).squareRoot(), 0)
        case .scalarArcCos: return (Math.acos(x), -1 / (1 - x * x).squareRoot(), 0)
        case .scalarArcTan: return (Math.atan(x), 1 / (1 + x * x), 0)
        case .scalarExp:
            let e = Math.exp(x)
            return (e, e, 0)
        case .scalarLog: return (Math.log(x), 1 / x, 0)
        case .scalarHeaviside: return (x >= 0 ? 1 : 0, 0, 0)
        case .scalarMin: return y < x ? (y, 0, 1) : (x, 1, 0)
        case .scalarMax: return x < y ? (y, 0, 1) : (x, 1, 0)
        case .scalarSqrt:
            let r = x.squareRoot()
            return (r, 1 / (2 * r), 0)
        case .scalarSquare: return (x * x, 2 * x, 0)
        default: return (0, 0, 0)  // no other op reaches here: `fit` checks the program first
        }
    }
}
