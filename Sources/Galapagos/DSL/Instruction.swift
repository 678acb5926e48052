/// One instruction of a program: `output = op(input1, input2)`, with constants and element
/// indices for the ops that take them.
///
/// The struct is trivially copyable, so mutation and storage cost no reference counting.
/// Fields an op does not use are kept at zero, so that two instructions that print alike are
/// equal. Equality compares constants bit for bit (`-0.0` differs from `0.0`), which is what
/// "the text round trip is exact" means.
public struct Instruction: Sendable {
    /// The operation.
    public var op: Op
    /// The register written (its index among registers of the op's output kind).
    public var output: UInt16
    /// The first register read, or 0 when the op reads none.
    public var input1: UInt16
    /// The second register read, or 0 when the op reads fewer than two.
    public var input2: UInt16
    /// The element index of `v[i] = c`, or the row of `m[i, j] = c`.
    public var index1: UInt16
    /// The column of `m[i, j] = c`.
    public var index2: UInt16
    /// The constant of a constant set, or the first parameter of a random fill.
    public var constant1: Double
    /// The second parameter of a random fill.
    public var constant2: Double

    /// Creates an instruction; pass only the fields the op uses.
    public init(
        _ op: Op, output: Int = 0, input1: Int = 0, input2: Int = 0,
        index1: Int = 0, index2: Int = 0, constant1: Double = 0, constant2: Double = 0
    ) {
        self.op = op
        self.output = UInt16(truncatingIfNeeded: output)
        self.input1 = UInt16(truncatingIfNeeded: input1)
        self.input2 = UInt16(truncatingIfNeeded: input2)
        self.index1 = UInt16(truncatingIfNeeded: index1)
        self.index2 = UInt16(truncatingIfNeeded: index2)
        self.constant1 = constant1
        self.constant2 = constant2
    }

    /// The do-nothing instruction.
    public static let nop = Instruction(.noOp)

    /// The registers read, as (kind, index) pairs, in operand order.
    public var inputs: [(kind: ValueKind, index: Int)] {
        let kinds = op.info.inputs
        let indices = [Int(input1), Int(input2)]
        return kinds.indices.map { (kinds[$0], indices[$0]) }
    }
}

extension Instruction: Hashable {
    public static func == (lhs: Instruction, rhs: Instruction) -> Bool {
        lhs.op == rhs.op && lhs.output == rhs.output && lhs.input1 == rhs.input1
            && lhs.input2 == rhs.input2 && lhs.index1 == rhs.index1 && lhs.index2 == rhs.index2
            && lhs.constant1.bitPattern == rhs.constant1.bitPattern
            && lhs.constant2.bitPattern == rhs.constant2.bitPattern
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(op)
        hasher.combine(output)
        hasher.combine(input1)
        hasher.combine(input2)
        hasher.combine(index1)
        hasher.combine(index2)
        hasher.combine(constant1.bitPattern)
        hasher.combine(constant2.bitPattern)
    }
}
