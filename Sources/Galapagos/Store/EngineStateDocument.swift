import Foundation

/// An engine's state as one self-contained JSON document, with programs as text: how a
/// distributed run stores an island so that any machine can adopt it.
///
/// It leaves out what only makes a run faster or traceable: the FEC cache (an adopted island
/// starts with an empty one) and the family tree (distributed runs do not track lineage).
public struct EngineStateDocument: Sendable, Codable {
    /// One member, its program printed.
    public struct MemberRecord: Sendable, Codable, Equatable {
        public var id: Int
        public var program: String
        public var fitness: Double
        public var fingerprint: UInt64
        public var parentID: Int?
        public var origin: String
        public var birth: Int

        public init(_ member: Member, searchSpace: String) {
            id = member.id
            program = ProgramPrinter.print(member.program, searchSpace: searchSpace)
            fitness = member.fitness
            fingerprint = member.fingerprint
            parentID = member.parentID
            origin = member.origin.rawValue
            birth = member.birth
        }

        func member(_ parser: ProgramParser, _ source: String) throws -> Member {
            Member(
                id: id, program: try parser.parse(program, file: source), fitness: fitness,
                fingerprint: fingerprint, parentID: parentID,
                origin: try MemberOrigin(stored: origin, source: source), birth: birth)
        }
    }

    /// One island's population.
    public struct IslandRecord: Sendable, Codable {
        public var members: [MemberRecord]
        public var oldest: Int
        public var individualsSinceStart: Int
    }

    /// The format's version; documents of another version are refused.
    public var format: Int
    public var islands: [IslandRecord]
    public var scalars: EngineState.Scalars
    public var hallOfFame: [MemberRecord]
    public var paretoMembers: [MemberRecord]
    public var bestSelected: MemberRecord?
    var pending: [PendingRecord]

    /// The format this build writes.
    public static let currentFormat = 1

    /// Captures a state; `searchSpace` names the search space in the programs' headers.
    public init(_ state: EngineState, searchSpace: String) {
        func record(_ member: Member) -> MemberRecord { MemberRecord(member, searchSpace: searchSpace) }
        format = Self.currentFormat
        islands = state.islands.map {
            IslandRecord(
                members: $0.members.map(record), oldest: $0.oldest,
                individualsSinceStart: $0.individualsSinceStart)
        }
        scalars = state.scalars
        hallOfFame = state.hallOfFame.map(record)
        paretoMembers = state.paretoMembers.map(record)
        bestSelected = state.bestSelected.map(record)
        pending = state.pending.map {
            PendingRecord($0, text: ProgramPrinter.print($0.program, searchSpace: searchSpace))
        }
    }

    /// The state, every program parsed and checked against `limits`.
    ///
    /// - Parameter source: names the document in error messages (e.g. "hub run r1, island 3").
    /// - Throws: ``GalapagosError`` when the format differs or a program does not parse.
    public func state(limits: ProgramLimits, source: String) throws -> EngineState {
        guard format == Self.currentFormat else {
            throw GalapagosError.run(
                "\(source): state format \(format), this build reads format \(Self.currentFormat)")
        }
        let parser = ProgramParser(limits: limits)
        func member(_ record: MemberRecord, _ what: String) throws -> Member {
            try record.member(parser, "\(source) \(what)")
        }
        return EngineState(
            islands: try islands.enumerated().map { index, island in
                EngineState.IslandState(
                    members: try island.members.enumerated().map {
                        try member($1, "island \(index) slot \($0)")
                    },
                    oldest: island.oldest, individualsSinceStart: island.individualsSinceStart)
            },
            scalars: scalars, fec: [],
            hallOfFame: try hallOfFame.enumerated().map { try member($1, "hall of fame #\($0 + 1)") },
            paretoMembers: try paretoMembers.enumerated().map { try member($1, "Pareto member \($0 + 1)") },
            bestSelected: try bestSelected.map { try member($0, "selected member") },
            pending: try pending.enumerated().map { index, record in
                try record.child(
                    program: parser.parse(record.program, file: "\(source) pending child \(index)"),
                    source: "\(source) pending child \(index)")
            },
            ancestry: nil)
    }

    /// The document as compact JSON text.
    public func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Reads a document from JSON text.
    public static func decode(_ text: String, source: String) throws -> EngineStateDocument {
        do {
            return try JSONDecoder().decode(EngineStateDocument.self, from: Data(text.utf8))
        } catch {
            throw GalapagosError.run("\(source): the stored state is damaged (\(error))")
        }
    }
}
