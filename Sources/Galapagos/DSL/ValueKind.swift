/// The three kinds of register a program's memory holds.
///
/// Scalars are written `s0, s1, …`, vectors `v0, v1, …` (each of length F, the feature size)
/// and matrices `m0, m1, …` (each F × F, stored row-major).
public enum ValueKind: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case scalar
    case vector
    case matrix

    /// The letter that starts a register name of this kind: `s`, `v` or `m`.
    public var letter: Character {
        switch self {
        case .scalar: "s"
        case .vector: "v"
        case .matrix: "m"
        }
    }

    public var description: String {
        switch self {
        case .scalar: "scalar"
        case .vector: "vector"
        case .matrix: "matrix"
        }
    }
}
