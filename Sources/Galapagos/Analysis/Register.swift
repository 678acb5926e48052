/// One register of a program's memory, such as `s2` or `v1`.
public struct Register: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var kind: ValueKind
    public var index: Int

    public init(_ kind: ValueKind, _ index: Int) {
        self.kind = kind
        self.index = index
    }

    /// `s0`: the label during `learn`, zero during `predict`.
    public static let label = Register(.scalar, MemoryShape.labelScalar)
    /// `s1`: the prediction after `predict`.
    public static let prediction = Register(.scalar, MemoryShape.predictionScalar)
    /// `v0`: the features.
    public static let features = Register(.vector, MemoryShape.featuresVector)

    /// The registers whose role the evaluation protocol fixes; renaming never moves them.
    public static let roles: Set<Register> = [.label, .prediction, .features]

    /// `s0` and `v0`: the evaluator writes them before every `predict` and `learn`, so their
    /// values never carry from one call to the next.
    static let definedAtEntry: Set<Register> = [.label, .features]

    public var description: String { ProgramPrinter.register(kind, UInt16(truncatingIfNeeded: index)) }

    public static func < (lhs: Register, rhs: Register) -> Bool {
        (lhs.kind.rawValue, lhs.index) < (rhs.kind.rawValue, rhs.index)
    }
}

extension Instruction {
    /// The register the instruction writes, or `nil` for `nop`.
    var outputRegister: Register? {
        op.info.output.map { Register($0, Int(output)) }
    }

    /// The registers the instruction reads, in operand order.
    var inputRegisters: [Register] {
        inputs.map { Register($0.kind, $0.index) }
    }

    /// Whether the instruction writes one element (`v1[2] = c`) and leaves the rest of its
    /// register as it was.
    var isElementWrite: Bool { op.info.indexCount > 0 }

    /// Whether the instruction draws from the random generator.
    var isRandomFill: Bool { op.info.isRandom }

    /// The instruction with its registers renamed.
    func renamed(_ rename: (Register) -> Register) -> Instruction {
        var copy = self
        if let out = outputRegister { copy.output = UInt16(truncatingIfNeeded: rename(out).index) }
        for (position, register) in inputRegisters.enumerated() {
            let index = UInt16(truncatingIfNeeded: rename(register).index)
            if position == 0 { copy.input1 = index } else { copy.input2 = index }
        }
        return copy
    }
}
