/// One pre-decoded instruction: register indices resolved to offsets into the flat memory.
///
/// Vector and matrix element sets compile to a plain store at the element's offset, so the hot
/// loop never multiplies an index by F.
@usableFromInline
struct CompiledInstruction: Sendable {
    @usableFromInline var op: Op
    @usableFromInline var output: Int32
    @usableFromInline var input1: Int32
    @usableFromInline var input2: Int32
    @usableFromInline var constant1: Double
    @usableFromInline var constant2: Double
}

/// A program translated once into the compact form the ``Machine`` runs.
///
/// Translation validates every register and element index against the memory shape, so that
/// execution needs no checks: a `CompiledProgram` cannot address memory outside its machine.
public struct CompiledProgram: Sendable {
    /// The memory shape the program was compiled for.
    public let shape: MemoryShape
    /// All three components back to back.
    let code: [CompiledInstruction]
    /// Where each component starts and ends in `code`, indexed by ``Component/rawValue``.
    let ranges: [Range<Int>]
    /// Whether any instruction draws random numbers.
    public let usesRandomness: Bool
    /// Whether `predict` leaves what the evaluator writes before every call (`v0` and the
    /// input scalars) as it was, so that `learn` finds the features without a second copy.
    let predictKeepsInputs: Bool
    /// Whether the program is a function of one example under the scalar protocol: nothing
    /// live in `setup` or `learn`, no random draw in `predict`, and no register that `predict`
    /// reads from an earlier call (symbolic regression). Training cannot change what it
    /// predicts, so the evaluator scores it on the scoring split alone.
    public let isFunctionOfOneExample: Bool
    /// The program it was compiled from.
    public let source: Program

    /// Translates a program.
    ///
    /// - Throws: ``GalapagosError/program(_:_:)`` if a register or element index is out of
    ///   range for `shape`.
    public init(_ program: Program, shape: MemoryShape) throws {
        try self.init(program, shape: shape, keeping: nil, scalarLive: nil)
    }

    /// Translates only the instructions that can change what the evaluator observes under
    /// `callProtocol` (see ``Liveness``): predictions, fitness and random draws are bit for bit
    /// those of the whole program, in less time. Random fills always stay, dead or not, so that
    /// every later draw is the same.
    ///
    /// Use it for evaluating learning algorithms and predict-only programs (not losses, which
    /// run under another protocol); ``source`` is still the whole program.
    ///
    /// - Throws: ``GalapagosError/program(_:_:)`` if a register or element index is out of
    ///   range for `shape`, dead instruction or not.
    public init(_ program: Program, shape: MemoryShape, keepingLiveFor callProtocol: CallProtocol) throws {
        if let masks = ProtocolMasks(callProtocol, shape: shape) {
            try self.init(program, shape: shape, keepingLiveFor: masks)
            return
        }
        let live = Liveness.liveInstructions(program, shape: shape, protocol: callProtocol)
        try self.init(program, shape: shape, keeping: live, scalarLive: callProtocol.outputs == [.prediction] ? live : nil)
    }

    /// ``init(_:shape:keepingLiveFor:)`` with the protocol's masks for `shape` made already
    /// (the engine makes them once and compiles every child under them).
    init(_ program: Program, shape: MemoryShape, keepingLiveFor masks: ProtocolMasks) throws {
        let live = Liveness.liveInstructions(program, masks: masks)
        try self.init(program, shape: shape, keeping: live, scalarLive: masks.readsPredictionOnly ? live : nil,
                      scalarMasks: masks.scalar)
    }

    /// The program compiled for evaluation: live instructions only under `pruning`, or whole
    /// when it is `nil` (losses, which run under their own protocol).
    static func forEvaluation(_ program: Program, shape: MemoryShape, pruning: CallProtocol?) throws -> CompiledProgram {
        guard let pruning else { return try CompiledProgram(program, shape: shape) }
        return try CompiledProgram(program, shape: shape, keepingLiveFor: pruning)
    }

    /// - Parameters:
    ///   - keeping: one flag per instruction (setup, predict, learn back to back): which to
    ///     translate besides random fills; `nil` for all.
    ///   - scalarLive: the same flags under the scalar protocol, when already computed.
    ///   - scalarMasks: the scalar protocol's masks for `shape`, when already made.
    private init(
        _ program: Program, shape: MemoryShape, keeping: [Bool]?, scalarLive: [Bool]?,
        scalarMasks: ProtocolMasks.ScalarMasks? = nil
    ) throws {
        let layout = MemoryLayout(shape: shape)
        var flat = 0
        var code: [CompiledInstruction] = []
        code.reserveCapacity(program.instructionCount)
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(Component.allCases.count)  // one allocation, not one per growth
        var usesRandomness = false
        for component in Component.allCases {
            let start = code.count
            for (position, instruction) in program.instructions(of: component).enumerated() {
                guard let compiled = layout.compile(instruction) else {
                    throw GalapagosError.program(
                        SourceLocation(file: "<program>"),
                        "\(component.name) instruction \(position + 1)"
                            + " '\(ProgramPrinter.format(instruction))' does not fit memory"
                            + " F=\(shape.features), \(shape.scalars) scalars,"
                            + " \(shape.vectors) vectors, \(shape.matrices) matrices")
                }
                let isRandom = OpShape.table[Int(instruction.op.rawValue)].isRandom
                if compiled.op != .noOp, isRandom || keeping?[flat] ?? true { code.append(compiled) }
                flat += 1
                usesRandomness = usesRandomness || isRandom
            }
            ranges.append(start..<code.count)
        }
        // Invariant: `code` is never empty, so `withUnsafeBufferPointer` always yields a base
        // address (an all-empty program gets one unreachable no-op).
        if code.isEmpty { code.append(CompiledInstruction(op: .noOp, output: 0, input1: 0, input2: 0, constant1: 0, constant2: 0)) }
        predictKeepsInputs = code[ranges[Component.predict.rawValue]].allSatisfy {
            !layout.writesInputs($0)
        }
        isFunctionOfOneExample = Self.isFunctionOfOneExample(
            program, shape: shape, scalarLive: scalarLive, scalarMasks: scalarMasks)
        self.shape = shape
        self.code = code
        self.ranges = ranges
        self.usesRandomness = usesRandomness
        source = program
    }
}

extension CompiledProgram {
    /// See ``isFunctionOfOneExample``.
    static func isFunctionOfOneExample(
        _ program: Program, shape: MemoryShape, scalarLive: [Bool]?, scalarMasks: ProtocolMasks.ScalarMasks? = nil
    ) -> Bool {
        guard !program.instructions(of: .predict).contains(where: { OpShape.table[Int($0.op.rawValue)].isRandom }) else { return false }
        let live = scalarLive ?? Liveness.liveInstructions(program, shape: shape, protocol: .scalar)
        guard !live[program.range(of: .setup)].contains(true), !live[program.range(of: .learn)].contains(true) else { return false }
        if let scalarMasks {
            return !Liveness.predictCarriesState(program, outputs: scalarMasks.outputs, provided: scalarMasks.predictInputs)
        }
        return !Liveness.predictCarriesState(program, shape: shape, protocol: .scalar)
    }
}

/// Where each register lives in a machine's flat memory: scalars first, then vectors, then
/// matrices (row-major).
struct MemoryLayout {
    let shape: MemoryShape
    let vectorBase: Int
    let matrixBase: Int

    init(shape: MemoryShape) {
        self.shape = shape
        vectorBase = shape.scalars
        matrixBase = shape.scalars + shape.vectors * shape.features
    }

    /// Whether a compiled instruction writes `v0` or an input scalar (`s2…`).
    func writesInputs(_ instruction: CompiledInstruction) -> Bool {
        guard let kind = OpShape.table[Int(instruction.op.rawValue)].output else { return false }
        let start = Int(instruction.output)
        // Element writes compile to a scalar store at the element's offset.
        let width: Int = switch kind {
        case .scalar: 1
        case .vector: instruction.op == .scalarConstSet ? 1 : shape.features
        case .matrix: instruction.op == .scalarConstSet ? 1 : shape.features * shape.features
        }
        let features = offset(.vector, MemoryShape.featuresVector)
        let inputs = MemoryShape.firstInputScalar..<(MemoryShape.firstInputScalar + shape.inputScalarRegisters.count)
        func overlaps(_ range: Range<Int>) -> Bool { !range.isEmpty && range.overlaps(start..<(start + width)) }
        return overlaps(features..<(features + shape.features)) || overlaps(inputs)
    }

    func offset(_ kind: ValueKind, _ index: Int) -> Int {
        switch kind {
        case .scalar: index
        case .vector: vectorBase + index * shape.features
        case .matrix: matrixBase + index * shape.features * shape.features
        }
    }

    /// The compiled form, or `nil` if an index is out of range.
    func compile(_ instruction: Instruction) -> CompiledInstruction? {
        let info = OpShape.table[Int(instruction.op.rawValue)]
        var result = CompiledInstruction(
            op: instruction.op, output: 0, input1: 0, input2: 0,
            constant1: instruction.constant1, constant2: instruction.constant2)
        guard let outKind = info.output else { return result }
        guard Int(instruction.output) < shape.count(of: outKind) else { return nil }
        var out = offset(outKind, Int(instruction.output))
        if info.indexCount >= 1 {
            guard Int(instruction.index1) < shape.features else { return nil }
            out += Int(instruction.index1) * (info.indexCount == 2 ? shape.features : 1)
        }
        if info.indexCount == 2 {
            guard Int(instruction.index2) < shape.features else { return nil }
            out += Int(instruction.index2)
        }
        result.output = Int32(out)
        if let kind = info.input1 {
            guard Int(instruction.input1) < shape.count(of: kind) else { return nil }
            result.input1 = Int32(offset(kind, Int(instruction.input1)))
        }
        if let kind = info.input2 {
            guard Int(instruction.input2) < shape.count(of: kind) else { return nil }
            result.input2 = Int32(offset(kind, Int(instruction.input2)))
        }
        // Element sets are plain scalar stores once the offset is known.
        if instruction.op == .vectorConstSet || instruction.op == .matrixConstSet {
            result.op = .scalarConstSet
        }
        return result
    }
}
