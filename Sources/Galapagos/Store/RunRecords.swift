/// What reports, `inspect` and `export` read from a run, wherever it is stored: a run file
/// (``RunReader``) or a hub shared by many machines.
public protocol RunRecords {
    /// Where the run lives, for messages: a path, or a hub address and run name.
    var location: String { get }
    /// The run's definition.
    func run() throws -> StoredRun
    /// The latest checkpoint's counters, or `nil` before the first checkpoint.
    func progress() throws -> RunReader.Progress?
    /// Per-island facts from the latest checkpoint.
    func islands() throws -> [RunReader.IslandSummary]
    /// The best-N hall of fame, best first.
    func hallOfFame(limit: Int) throws -> [RunReader.StoredMember]
    /// The best member of each program size that beats every smaller size.
    func paretoFront() throws -> [RunReader.StoredMember]
    /// The member chosen on the select tasks so far, if any.
    func selected() throws -> RunReader.StoredMember?
    /// What the last session reported when it stopped, if it was recorded.
    func result() throws -> RunReader.StoredResult?
    /// The members of an island, fittest first.
    func members(island: Int, limit: Int) throws -> [RunReader.StoredMember]
    /// A member by id: alive, kept, or on record as an ancestor.
    func member(id: Int) throws -> RunReader.StoredMember?
    /// The member and its ancestors, child first, as far back as the record goes.
    func lineage(of id: Int) throws -> [RunReader.StoredMember]
    /// Per-island statistics over time.
    func statistics() throws -> [RunReader.Statistic]
    /// Bandit arms per checkpoint.
    func bandits() throws -> [RunReader.BanditArm]
    /// Migrations, oldest first.
    func migrations(limit: Int) throws -> [MigrationEvent]
}

extension RunReader: RunRecords {
    public var location: String { path }
}

extension RunRecords {
    /// The result of a run that is not running: what its last session reported.
    public func currentResult() throws -> RunReader.StoredResult? {
        guard try run().status != .running else { return nil }
        return try result()
    }

    /// The program to show and export when none is named: the one the last session reported
    /// (what `evolve` printed) when no session is running, else the current selection, else
    /// the top of the hall of fame.
    public func reported() throws -> RunReader.StoredMember? {
        if let result = try currentResult() { return result.member }
        if let selected = try selected() { return selected }
        return try hallOfFame(limit: 1).first
    }
}

extension RunReader.StoredMember {
    /// A member read from elsewhere than a run file.
    public init(
        id: Int, fitness: Double, parentID: Int?, origin: String, birth: Int, program: String,
        island: Int?
    ) {
        self.id = id
        self.fitness = fitness
        self.parentID = parentID
        self.origin = origin
        self.birth = birth
        self.program = program
        size = program.split(separator: "\n").filter { $0.hasPrefix("  ") }.count
        self.island = island
    }
}

extension RunRecords {
    /// The run's search space with its overrides, from the run's stored copies; `nil` when the
    /// stored text no longer parses (a run file of another version).
    public func searchSpace() -> SearchSpace? {
        try? run().effectiveSearchSpace(location: location)
    }

    /// The Pareto front by *simplified* size (dead code removed, constants folded): the
    /// programs the run kept for its raw-size front and its hall of fame, each measured after
    /// simplification, then the fittest per size that beats every smaller size. Members whose
    /// program does not parse keep their raw size.
    public func simplifiedParetoFront(in space: SearchSpace) throws -> [RunReader.StoredMember] {
        let parser = ProgramParser(limits: space.programLimits(strictOps: false))
        let simplifier = ProgramSimplifier(shape: space.memory, protocol: space.callProtocol)
        var seen = Set<Int>()
        var candidates: [RunReader.StoredMember] = []
        for member in try paretoFront() + hallOfFame(limit: .max) where seen.insert(member.id).inserted {
            var measured = member
            if let program = try? parser.parse(member.program, file: "\(location) (program \(member.id))"),
               let simplified = try? simplifier.simplify(program) {
                measured.size = simplified.instructionsAfter
            }
            candidates.append(measured)
        }
        return RunReader.paretoFront(of: candidates)
    }
}
