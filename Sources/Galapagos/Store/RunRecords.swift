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
