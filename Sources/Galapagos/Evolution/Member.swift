/// One program living in an island's population, with its score and provenance.
public struct Member: Sendable, Hashable {
    /// A run-wide unique id, in order of birth.
    public var id: Int
    /// The program.
    public var program: Program
    /// Fitness on the search tasks.
    public var fitness: Double
    /// Functional fingerprint (see ``Evaluator/fingerprint(of:on:trainSteps:validSteps:)``).
    public var fingerprint: UInt64
    /// The member it was copied or mutated from; `nil` for random and seed programs.
    public var parentID: Int?
    /// How it was made (from its parent, when it has one).
    public var origin: MemberOrigin
    /// The number of individuals produced in the run before this one.
    public var birth: Int

    public init(
        id: Int, program: Program, fitness: Double, fingerprint: UInt64, parentID: Int?,
        origin: MemberOrigin, birth: Int
    ) {
        self.id = id
        self.program = program
        self.fitness = fitness
        self.fingerprint = fingerprint
        self.parentID = parentID
        self.origin = origin
        self.birth = birth
    }
}

/// One member copied from an island to another.
public struct MigrationEvent: Sendable, Equatable {
    /// Individuals produced when it happened.
    public var individuals: Int
    public var from: Int
    public var to: Int
    /// The id of the copy in the destination island.
    public var memberID: Int
    /// The id of the original.
    public var originalID: Int
    public var fitness: Double

    public init(individuals: Int, from: Int, to: Int, memberID: Int, originalID: Int, fitness: Double) {
        self.individuals = individuals
        self.from = from
        self.to = to
        self.memberID = memberID
        self.originalID = originalID
        self.fitness = fitness
    }
}

extension Engine {
    /// Migrations since the last call, oldest first.
    public func takeMigrationEvents() -> [MigrationEvent] {
        defer { migrationEvents.removeAll() }
        return migrationEvents
    }
}
