/// A set of registers of at most 64 per kind, as three bit masks: the allocation-free register
/// set of the analyses the engine runs on every child.
struct RegisterMask: Equatable {
    private var bits: (UInt64, UInt64, UInt64) = (0, 0, 0)

    /// Whether every kind of `shape` fits in 64 bits.
    static func fits(_ shape: MemoryShape) -> Bool {
        shape.scalars <= 64 && shape.vectors <= 64 && shape.matrices <= 64
    }

    init() {}

    init(_ registers: some Sequence<Register>) {
        for register in registers { insert(register.kind, register.index) }
    }

    private static func bit(_ index: Int) -> UInt64 { index >= 0 && index < 64 ? 1 << UInt64(index) : 0 }

    mutating func insert(_ kind: ValueKind, _ index: Int) {
        switch kind {
        case .scalar: bits.0 |= Self.bit(index)
        case .vector: bits.1 |= Self.bit(index)
        case .matrix: bits.2 |= Self.bit(index)
        }
    }

    mutating func remove(_ kind: ValueKind, _ index: Int) {
        switch kind {
        case .scalar: bits.0 &= ~Self.bit(index)
        case .vector: bits.1 &= ~Self.bit(index)
        case .matrix: bits.2 &= ~Self.bit(index)
        }
    }

    func contains(_ kind: ValueKind, _ index: Int) -> Bool {
        switch kind {
        case .scalar: bits.0 & Self.bit(index) != 0
        case .vector: bits.1 & Self.bit(index) != 0
        case .matrix: bits.2 & Self.bit(index) != 0
        }
    }

    func union(_ other: RegisterMask) -> RegisterMask {
        var result = self
        result.bits = (bits.0 | other.bits.0, bits.1 | other.bits.1, bits.2 | other.bits.2)
        return result
    }

    func subtracting(_ other: RegisterMask) -> RegisterMask {
        var result = self
        result.bits = (bits.0 & ~other.bits.0, bits.1 & ~other.bits.1, bits.2 & ~other.bits.2)
        return result
    }

    func intersects(_ other: RegisterMask, excluding excluded: RegisterMask) -> Bool {
        (bits.0 & other.bits.0 & ~excluded.bits.0) | (bits.1 & other.bits.1 & ~excluded.bits.1)
            | (bits.2 & other.bits.2 & ~excluded.bits.2) != 0
    }

    static func == (lhs: RegisterMask, rhs: RegisterMask) -> Bool {
        lhs.bits == rhs.bits
    }
}
