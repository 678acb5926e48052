/// The settings of one run that are not part of the search space.
public struct EngineSettings: Sendable, Equatable {
    /// The seed every random choice of the run derives from.
    public var seed: UInt64
    /// The seed the tasks' data derive from, when it differs from ``seed``: the islands of a
    /// distributed run each have their own seed but must score programs on the same tasks.
    public var taskSeed: UInt64?
    /// Worker threads for evaluation. Results do not depend on it.
    public var workers: Int
    /// Stop after this many individuals (every child counts, FEC hits included).
    public var maxIndividuals: Int?
    /// Stop as soon as the select fitness (search fitness when the search space has no select
    /// tasks) reaches this value.
    public var targetFitness: Double?
    /// At most one select evaluation per this many individuals, when an island's best improved.
    public var selectEvery: Int
    /// Size of the best-N hall of fame.
    public var hallOfFameSize: Int
    /// Programs that start the population (copies, then mutants); empty for random programs.
    public var seedPrograms: [Program]
    /// Whether the engine keeps the family tree of what it holds (for lineage in snapshots).
    public var tracksAncestry: Bool
    /// How far back lineages reach, in individuals (0: all the way, at the cost of a run file
    /// that grows with the run).
    public var lineageWindow: Int
    /// Whether lineage records are read on request (``Engine/lineage(of:until:)``) instead of
    /// taken at every checkpoint (``Engine/takeAncestryRecords()``): how a hub run writes the
    /// lineage of the programs it keeps without writing every ancestor of every island.
    public var lineageOnRequest: Bool

    public init(
        seed: UInt64 = 1, workers: Int = 1, maxIndividuals: Int? = nil,
        targetFitness: Double? = nil, selectEvery: Int = 20_000, hallOfFameSize: Int = 20,
        seedPrograms: [Program] = [], tracksAncestry: Bool = false, lineageWindow: Int = 2_000_000,
        taskSeed: UInt64? = nil, lineageOnRequest: Bool = false
    ) {
        self.seed = seed
        self.taskSeed = taskSeed
        self.workers = workers
        self.maxIndividuals = maxIndividuals
        self.targetFitness = targetFitness
        self.selectEvery = selectEvery
        self.hallOfFameSize = hallOfFameSize
        self.seedPrograms = seedPrograms
        self.tracksAncestry = tracksAncestry
        self.lineageWindow = lineageWindow
        self.lineageOnRequest = lineageOnRequest
    }
}
