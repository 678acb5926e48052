/// The memory of one running program and the loop that executes its instructions.
///
/// A machine owns a flat buffer of `Double`s laid out by ``MemoryLayout`` plus an F × F scratch
/// area for ops whose output may alias an input (matrix products, transpose). It is reused
/// across evaluations: create one per worker thread, never share it between threads.
///
/// Every op is total: IEEE-754 arithmetic never traps, indices were validated when the program
/// was compiled, and no op allocates. Non-finite values simply propagate; the evaluator stops a
/// candidate whose prediction is not finite.
public final class Machine {
    /// The memory shape this machine holds.
    public let shape: MemoryShape
    /// The register file followed by the scratch area.
    @usableFromInline let memory: UnsafeMutablePointer<Double>
    @usableFromInline let scratch: UnsafeMutablePointer<Double>
    let layout: MemoryLayout
    /// The generator that random-fill ops draw from, behind a pointer so that the hot loop pays
    /// no dynamic exclusivity check (a class's stored `var` would).
    @usableFromInline let generator: UnsafeMutablePointer<RandomGenerator>

    /// The generator that random-fill ops draw from; the evaluator reseeds it for every task.
    public var random: RandomGenerator {
        get { generator.pointee }
        set { generator.pointee = newValue }
    }

    /// Creates a machine with zeroed memory.
    public init(shape: MemoryShape) {
        self.shape = shape
        layout = MemoryLayout(shape: shape)
        let total = shape.doubleCount + shape.features * shape.features
        memory = .allocate(capacity: total)
        memory.initialize(repeating: 0, count: total)
        scratch = memory + shape.doubleCount
        generator = .allocate(capacity: 1)
        generator.initialize(to: RandomGenerator(seed: 0))
    }

    deinit {
        generator.deinitialize(count: 1)
        generator.deallocate()
        memory.deallocate()
    }

    /// Sets every register to zero.
    @inline(__always)
    public func wipe() {
        memory.update(repeating: 0, count: shape.doubleCount)
    }

    /// Reads a scalar register.
    public func scalar(_ index: Int) -> Double { memory[layout.offset(.scalar, index)] }

    /// Writes a scalar register.
    public func setScalar(_ index: Int, _ value: Double) {
        memory[layout.offset(.scalar, index)] = value
    }

    /// Reads a vector register.
    public func vector(_ index: Int) -> [Double] {
        let base = layout.offset(.vector, index)
        return (0..<shape.features).map { memory[base + $0] }
    }

    /// Writes a vector register.
    public func setVector(_ index: Int, _ values: [Double]) {
        let base = layout.offset(.vector, index)
        for k in 0..<min(values.count, shape.features) { memory[base + k] = values[k] }
    }

    /// Reads a matrix register, row-major.
    public func matrix(_ index: Int) -> [Double] {
        let base = layout.offset(.matrix, index)
        return (0..<(shape.features * shape.features)).map { memory[base + $0] }
    }

    /// Writes a matrix register, row-major.
    public func setMatrix(_ index: Int, _ values: [Double]) {
        let base = layout.offset(.matrix, index)
        for k in 0..<min(values.count, shape.features * shape.features) {
            memory[base + k] = values[k]
        }
    }

    /// Runs one component of a compiled program.
    public func run(_ program: CompiledProgram, _ component: Component) {
        program.code.withUnsafeBufferPointer { code in
            let range = program.ranges[component.rawValue]
            // Non-nil: CompiledProgram keeps `code` non-empty.
            execute(code.baseAddress! + range.lowerBound, count: range.count)
        }
    }

    /// Executes `count` instructions starting at `code`.
    ///
    /// Common feature sizes get their own specialised copy of the loop, in which F is a
    /// compile-time constant, so vector and matrix loops unroll and vectorise.
    @usableFromInline
    func execute(_ code: UnsafePointer<CompiledInstruction>, count: Int) {
        switch shape.features {
        case 4: execute(code, count: count, width: Width4.self)
        case 8: execute(code, count: count, width: Width8.self)
        case 16: execute(code, count: count, width: Width16.self)
        default: execute(code, count: count, width: AnyWidth.self)
        }
    }

    // The loop entry is not inlined so that its callers stay small; every handler is.
    @inline(never)
    func execute<W: FeatureWidth>(
        _ code: UnsafePointer<CompiledInstruction>, count: Int, width: W.Type
    ) {
        executeInline(code, count: count, width: W.self)
    }

    /// The interpreter loop, inlined into its caller: the evaluator's per-example calls of
    /// `predict` and `learn` (a few instructions each) then pay no call, register saves or
    /// reloads of the machine's fields.
    @inline(__always)
    func executeInline<W: FeatureWidth>(
        _ code: UnsafePointer<CompiledInstruction>, count: Int, width: W.Type
    ) {
        let m = memory
        let f = W.count > 0 ? W.count : shape.features
        let ff = f * f
        let random = generator
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

/// A feature size known at compile time (or `AnyWidth`, known only at run time), so that the
/// interpreter loop can be specialised for the sizes most search spaces use.
protocol FeatureWidth {
    /// The feature size, or 0 for "read it from the machine".
    static var count: Int { get }
}

enum Width4: FeatureWidth { static var count: Int { 4 } }
enum Width8: FeatureWidth { static var count: Int { 8 } }
enum Width16: FeatureWidth { static var count: Int { 16 } }
enum AnyWidth: FeatureWidth { static var count: Int { 0 } }
