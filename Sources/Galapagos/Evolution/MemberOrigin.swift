/// How a member came to be: drawn at random, copied from a seed program, made from its parent
/// by a mutation, or copied in from another island.
///
/// Run files and hub documents store it as its ``rawValue``: `random`, `seed`, `migration`, or
/// the mutation's name (`identity` for an unchanged copy).
public enum MemberOrigin: Hashable, Sendable, CustomStringConvertible {
    case random
    case seed
    case migration
    case mutation(MutationKind)

    /// The stored name.
    public var rawValue: String {
        switch self {
        case .random: "random"
        case .seed: "seed"
        case .migration: "migration"
        case let .mutation(kind): kind.rawValue
        }
    }

    /// The origin a stored name gives, or `nil` for a name no version wrote.
    public init?(rawValue: String) {
        switch rawValue {
        case "random": self = .random
        case "seed": self = .seed
        case "migration": self = .migration
        default:
            guard let kind = MutationKind(rawValue: rawValue) else { return nil }
            self = .mutation(kind)
        }
    }

    public var description: String { rawValue }
}

extension MemberOrigin {
    /// The origin a stored name gives.
    ///
    /// - Throws: ``GalapagosError`` naming `source` for a name no version wrote.
    public init(stored name: String, source: String) throws {
        guard let origin = MemberOrigin(rawValue: name) else {
            throw GalapagosError.run("\(source): unknown member origin '\(name)'")
        }
        self = origin
    }
}
