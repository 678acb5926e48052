/// The interpreter loop: runs compiled instructions on a machine's memory.
///
/// Always inlined into its caller (`@_transparent`): the evaluator's per-example calls of
/// `predict` and `learn`, a few instructions each, then pay no call, no register saves and no
/// reloads of the machine's fields, and each call site has its own dispatch jump for the branch
/// predictor. (`@inline(__always)` on a method of `Machine` was not honoured once the loop grew:
/// the optimizer kept one outlined copy that every call site called.) The one non-inlined entry
/// is ``Machine/execute(_:count:width:)``, for setup and for callers that run a component once.
enum InterpreterLoop {
    /// What the loop touches of a machine, read once by the caller: the loop's stores go
    /// through raw pointers, so the optimizer could not keep the machine's fields in registers
    /// across calls itself.
    struct Registers {
        let memory: UnsafeMutablePointer<Double>
        let scratch: UnsafeMutablePointer<Double>
        let generator: UnsafeMutablePointer<RandomGenerator>
        let features: Int

        init(of machine: Machine) {
            memory = machine.memory
            scratch = machine.scratch
            generator = machine.generator
            features = machine.shape.features
        }
    }

    @_transparent
    static func run<W: FeatureWidth>(
        _ code: UnsafePointer<CompiledInstruction>, count: Int, on registers: Registers, width: W.Type
    ) {
        let m = registers.memory
        let scratch = registers.scratch
        let f = W.count > 0 ? W.count : registers.features
        let ff = f * f
        let random = registers.generator
        var pc = code
        let end = code + count
        while pc < end {
            let i = pc.pointee
            pc += 1
            let o = Int(i.output), a = Int(i.input1), b = Int(i.input2)
            switch i.op {
            case .noOp:
                break
            // MARK: scalar arithmetic
            case .scalarSum: m[o] = m[a] + m[b]
            case .scalarDiff: m[o] = m[a] - m[b]
            case .scalarProduct: m[o] = m[a] * m[b]
            case .scalarDivision: m[o] = m[a] / m[b]
            case .scalarAbs: m[o] = abs(m[a])
            case .scalarReciprocal: m[o] = 1.0 / m[a]
            case .scalarSin: m[o] = Math.sin(m[a])
            case .scalarCos: m[o] = Math.cos(m[a])
            case .scalarTan: m[o] = Math.tan(m[a])
            case .scalarArcSin: m[o] = Math.asin(m[a])
            case .scalarArcCos: m[o] = Math.acos(m[a])
            case .scalarArcTan: m[o] = Math.atan(m[a])
            case .scalarExp: m[o] = Math.exp(m[a])
            case .scalarLog: m[o] = Math.log(m[a])
            case .scalarHeaviside: m[o] = m[a] >= 0 ? 1 : 0
            case .scalarMin: m[o] = Kernels.minimum(m[a], m[b])
            case .scalarMax: m[o] = Kernels.maximum(m[a], m[b])
            case .scalarSqrt: m[o] = m[a].squareRoot()
            case .scalarSquare: m[o] = m[a] * m[a]
            case .scalarConstSet: m[o] = i.constant1
            // MARK: element-wise vector and matrix ops
            case .vectorHeaviside: Kernels.heaviside(m, o, a, f)
            case .matrixHeaviside: Kernels.heaviside(m, o, a, ff)
            case .vectorReciprocal: Kernels.map(m, o, a, f) { 1.0 / $0 }
            case .matrixReciprocal: Kernels.map(m, o, a, ff) { 1.0 / $0 }
            case .vectorAbs: Kernels.map(m, o, a, f) { abs($0) }
            case .matrixAbs: Kernels.map(m, o, a, ff) { abs($0) }
            case .vectorSqrt: Kernels.map(m, o, a, f) { $0.squareRoot() }
            case .vectorSquare: Kernels.map(m, o, a, f) { $0 * $0 }
            case .vectorSum: Kernels.zip(m, o, a, b, f) { $0 + $1 }
            case .matrixSum: Kernels.zip(m, o, a, b, ff) { $0 + $1 }
            case .vectorDiff: Kernels.zip(m, o, a, b, f) { $0 - $1 }
            case .matrixDiff: Kernels.zip(m, o, a, b, ff) { $0 - $1 }
            case .vectorProduct: Kernels.zip(m, o, a, b, f) { $0 * $1 }
            case .matrixProduct: Kernels.zip(m, o, a, b, ff) { $0 * $1 }
            case .vectorDivision: Kernels.zip(m, o, a, b, f) { $0 / $1 }
            case .matrixDivision: Kernels.zip(m, o, a, b, ff) { $0 / $1 }
            case .vectorMin: Kernels.zip(m, o, a, b, f, Kernels.minimum)
            case .matrixMin: Kernels.zip(m, o, a, b, ff, Kernels.minimum)
            case .vectorMax: Kernels.zip(m, o, a, b, f, Kernels.maximum)
            case .matrixMax: Kernels.zip(m, o, a, b, ff, Kernels.maximum)
            // MARK: scalar–vector/matrix and broadcasts
            case .scalarVectorProduct: Kernels.scale(m, o, a, b, f)
            case .scalarMatrixProduct: Kernels.scale(m, o, a, b, ff)
            case .scalarBroadcast:
                let s = m[a]
                for k in 0..<f { m[o + k] = s }
            case .vectorColumnBroadcast:
                // Every column is the vector: M[r][c] = v[r].
                for r in 0..<f {
                    let value = m[a + r]
                    for c in 0..<f { m[o + r * f + c] = value }
                }
            case .vectorRowBroadcast:
                // Every row is the vector: M[r][c] = v[c].
                for r in 0..<f {
                    for c in 0..<f { m[o + r * f + c] = m[a + c] }
                }
            // MARK: linear algebra
            case .vectorInnerProduct: m[o] = Kernels.dot(m + a, m + b, f)
            case .vectorOuterProduct:
                for r in 0..<f {
                    let x = m[a + r]
                    for c in 0..<f { m[o + r * f + c] = x * m[b + c] }
                }
            case .matrixVectorProduct:
                for r in 0..<f { scratch[r] = Kernels.dot(m + a + r * f, m + b, f) }
                (m + o).update(from: scratch, count: f)
            case .matrixMatrixProduct:
                for r in 0..<f {
                    for c in 0..<f {
                        var sum = 0.0
                        for k in 0..<f { sum += m[a + r * f + k] * m[b + k * f + c] }
                        scratch[r * f + c] = sum
                    }
                }
                (m + o).update(from: scratch, count: ff)
            case .matrixTranspose:
                for r in 0..<f {
                    for c in 0..<f { scratch[c * f + r] = m[a + r * f + c] }
                }
                (m + o).update(from: scratch, count: ff)
            // MARK: reductions
            case .vectorNorm: m[o] = Kernels.dot(m + a, m + a, f).squareRoot()
            case .matrixNorm: m[o] = Kernels.dot(m + a, m + a, ff).squareRoot()
            case .matrixColumnNorm:
                for c in 0..<f {
                    var sum = 0.0
                    for r in 0..<f { sum += m[a + r * f + c] * m[a + r * f + c] }
                    m[o + c] = sum.squareRoot()
                }
            case .matrixRowNorm:
                for r in 0..<f { m[o + r] = Kernels.dot(m + a + r * f, m + a + r * f, f).squareRoot() }
            case .vectorMean: m[o] = Kernels.mean(m + a, f)
            case .matrixMean: m[o] = Kernels.mean(m + a, ff)
            case .matrixRowMean:
                for r in 0..<f { m[o + r] = Kernels.mean(m + a + r * f, f) }
            case .vectorStDev: m[o] = Kernels.standardDeviation(m + a, f)
            case .matrixStDev: m[o] = Kernels.standardDeviation(m + a, ff)
            case .matrixRowStDev:
                for r in 0..<f { m[o + r] = Kernels.standardDeviation(m + a + r * f, f) }
            // MARK: constants and randomness
            case .vectorConstSet, .matrixConstSet:
                // Compiled to .scalarConstSet at the element's offset; kept for completeness.
                m[o] = i.constant1
            case .scalarUniformSet: m[o] = random.pointee.uniform(i.constant1, i.constant2)
            case .vectorUniformSet:
                for k in 0..<f { m[o + k] = random.pointee.uniform(i.constant1, i.constant2) }
            case .matrixUniformSet:
                for k in 0..<ff { m[o + k] = random.pointee.uniform(i.constant1, i.constant2) }
            case .scalarGaussianSet: m[o] = random.pointee.gaussian(i.constant1, i.constant2)
            case .vectorGaussianSet:
                for k in 0..<f { m[o + k] = random.pointee.gaussian(i.constant1, i.constant2) }
            case .matrixGaussianSet:
                for k in 0..<ff { m[o + k] = random.pointee.gaussian(i.constant1, i.constant2) }
            }
        }
    }
}
