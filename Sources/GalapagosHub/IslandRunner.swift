import Foundation
import Galapagos

/// One island a worker holds: a one-island engine plus what the hub needs to know about it.
///
/// Every island of a hub run is its own engine, seeded from the run's seed and the island's
/// index, scoring on the run's tasks (the same for every island). Migration is done by the
/// worker through the hub, at island-individual counts that add up to the search space's
/// migration interval.
final class IslandRunner {
    let index: Int
    let engine: Engine
    /// The lease under which this worker may write the island.
    var leaseToken: String
    /// Per sending island, the sender's individual count of the last migrants taken in.
    var migrationCursors: [Int: Int]
    /// Island individuals at which the island next sends migrants.
    var nextMigrationAt: Int
    /// Hall-of-fame members already offered to the hub, by local member id.
    var offered = Set<Int>()
    /// Individuals and time at the last statistics row (or when the island was taken).
    var statisticsAt: (individuals: Int, time: ContinuousClock.Instant)
    /// Whether a statistics row was written under this lease (the first one comes sooner; see
    /// ``HubRetention/firstStatisticsDelay(island:islands:interval:)``).
    var hasWrittenStatistics = false
    /// Migrants sent since the last checkpoint.
    var outbox: [Emigrant] = []
    /// Run-wide ids of the lineage records the hub has from this island (this lease's).
    var lineageWritten = Set<Int>()
    /// Per migrant taken in (local id), the run-wide id of the member it copies.
    var migrantOrigins: [Int: Int] = [:]

    init(index: Int, engine: Engine, leaseToken: String, migrationCursors: [Int: Int], nextMigrationAt: Int) {
        self.index = index
        self.engine = engine
        self.leaseToken = leaseToken
        self.migrationCursors = migrationCursors
        self.nextMigrationAt = nextMigrationAt
        statisticsAt = (engine.individuals, ContinuousClock().now)
    }

    /// Remembers where migrants came from (for their lineage records), forgetting migrants
    /// that left the island's family tree.
    func noteMigrations(_ events: [MigrationEvent]) {
        for event in events { migrantOrigins[event.memberID] = event.originalID }
        if migrantOrigins.count > 4 * max(1, engine.islands[0].members.count) {
            migrantOrigins = migrantOrigins.filter { engine.ancestry?.contains($0.key) ?? false }
        }
    }
}

/// How the islands of a hub run are made from the run's search space and settings.
struct IslandFactory {
    /// The run's search space with its overrides applied.
    let space: SearchSpace
    /// The same, as one island with no migration of its own.
    let islandSpace: SearchSpace
    let configuration: RunConfiguration
    let seedPrograms: [Program]
    let threads: Int
    let islands: Int

    init(space: SearchSpace, configuration: RunConfiguration, threads: Int, source: String) throws {
        self.space = space
        var single = space
        single.evolution.islands = 1
        single.evolution.migrationInterval = 0
        islandSpace = single
        self.configuration = configuration
        self.threads = threads
        islands = space.evolution.islands
        let parser = ProgramParser(limits: space.programLimits(strictOps: false))
        seedPrograms = try configuration.seedPrograms.enumerated().map { index, text in
            try parser.parse(text, file: "\(source) (seed program \(index + 1))")
        }
    }

    /// Island individuals between two migrations (0: no migration).
    var migrationInterval: Int {
        let evolution = space.evolution
        guard islands > 1, evolution.migrants > 0, evolution.migrationInterval > 0 else { return 0 }
        return max(1, evolution.migrationInterval / islands)
    }

    func settings(island: Int) -> EngineSettings {
        let runSeed = configuration.seedValue
        return EngineSettings(
            seed: RandomGenerator.derive(runSeed, 0x15_1A4D, UInt64(island)), workers: threads,
            maxIndividuals: nil, targetFitness: configuration.targetFitness,
            // Per island, of its own individuals: the run as a whole selects as often as one
            // process does.
            selectEvery: configuration.selectEvery,
            hallOfFameSize: configuration.hallOfFameSize, seedPrograms: seedPrograms,
            // Lineages are written for the programs that enter the hall of fame, not for every
            // ancestor of every island (see HubRun.checkpoint).
            tracksAncestry: true, taskSeed: runSeed, lineageOnRequest: true)
    }

    /// An island as claimed: fresh, or restored from its last checkpoint.
    func runner(for claimed: ClaimedIsland, source: String) throws -> IslandRunner {
        guard let cursors = claimed.migrationCursors else {
            throw GalapagosError.run("\(source), island \(claimed.index): its migration cursors are damaged")
        }
        let settings = settings(island: claimed.index)
        let engine: Engine
        if let stored = claimed.state {
            let where_ = "\(source), island \(claimed.index)"
            let document = try stored.document(source: where_)
            let state = try document.state(limits: islandSpace.programLimits(strictOps: false), source: where_)
            do {
                engine = try Engine(space: islandSpace, settings: settings, state: state)
            } catch {
                throw GalapagosError.run("\(where_): cannot restore the island: \(error)")
            }
        } else {
            engine = Engine(space: islandSpace, settings: settings)
        }
        // The worker lends the island its shared FEC cache for each step (see HubWorker).
        var ownCache: FECDoubleBuffer?
        engine.swapFECCache(&ownCache)
        let interval = migrationInterval
        let next = claimed.nextMigrationAt > 0 ? claimed.nextMigrationAt : interval
        return IslandRunner(
            index: claimed.index, engine: engine, leaseToken: claimed.leaseToken,
            migrationCursors: cursors,
            nextMigrationAt: interval > 0 ? next : .max)
    }

    /// A run-wide id for an island's member (island engines number their members from 0).
    /// Ids only label members; wrapping arithmetic keeps a damaged checkpoint's huge id from
    /// trapping.
    func globalID(_ localID: Int, island: Int) -> Int {
        localID &* islands &+ island
    }

    /// Where an island sends its migrants.
    func destination(of island: Int, migration: Int) -> Int {
        switch space.evolution.topology {
        case .ring:
            return (island + 1) % islands
        case .random:
            var random = RandomGenerator(
                seed: RandomGenerator.derive(configuration.seedValue, 0x3A16, UInt64(island), UInt64(migration)))
            return (island + 1 + random.nextInt(below: islands - 1)) % islands
        }
    }
}
