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
        InterpreterLoop.run(code, count: count, on: InterpreterLoop.Registers(of: self), width: W.self)
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
