import Foundation
import Galapagos
import NIOCore

/// A process taking part in a hub run: it leases islands, evolves them, and at every sync
/// checkpoints them, exchanges migrants and offers its best programs to the shared hall of
/// fame. Workers come and go as they like: islands of a worker that stops answering are
/// adopted by the others from their last checkpoint once its lease expires.
///
/// Without `maxIslands`, a worker holds its fair share, ⌈islands / live workers⌉, and hands
/// back what is above it when more workers join.
public final class HubWorker {
    public struct Options: Sendable {
        /// Islands to hold at most (`nil`: a fair share of the run's).
        public var maxIslands: Int?
        /// Threads that evaluate children.
        public var threads: Int
        /// A local search-space file that must match the run's (`nil`: use the run's copy).
        public var searchSpacePath: String?
        /// Where the run's data files are written (a cache; any empty directory).
        public var cacheDirectory: String
        /// This worker's name on the hub.
        public var workerID: String
        /// How long to wait for the run to be created (`nil`: it must exist already).
        public var waitForRun: Duration?

        public init(
            maxIslands: Int?, threads: Int, searchSpacePath: String?, cacheDirectory: String,
            workerID: String, waitForRun: Duration? = nil
        ) {
            self.maxIslands = maxIslands
            self.threads = threads
            self.searchSpacePath = searchSpacePath
            self.cacheDirectory = cacheDirectory
            self.workerID = workerID
            self.waitForRun = waitForRun
        }
    }

    /// What a worker did. Encoded with snake-case keys it is `worker --json`'s object.
    public struct Summary: Sendable, Codable {
        public var worker: String
        public var run: String
        /// The run's status when the worker left.
        public var runStatus = RunStatus.running
        public var stopReason: String?
        public var individuals = 0
        public var islandsClaimed = 0
        public var islandsAdopted = 0
        public var leasesLost = 0
        public var syncs = 0
        /// Mean seconds of one sync of one island (checkpoint, migrants, hall of fame): the
        /// database's time, spent beside evolution (the worker waits only when a sync takes
        /// longer than a sync period).
        public var meanSyncSeconds = 0.0
        /// Syncs that sent migrants, and their mean seconds: the coordination cost of a migration.
        public var migrationSyncs = 0
        public var meanMigrationSyncSeconds = 0.0
        public var migrantsSent = 0
        public var migrantsReceived = 0
        /// FEC cache entries taken from the stored caches of the workers whose islands this
        /// one adopted (or of its own earlier life).
        public var fecEntriesAdopted = 0
        public var seconds = 0.0
    }

    let run: HubRun
    let definition: HubRunDefinition
    let options: Options
    let factory: IslandFactory
    let log: @Sendable (String) -> Void
    var islands: [IslandRunner] = []
    var summary: Summary
    /// One FEC cache for every island held: they score on the same tasks, and a cache shared
    /// by ten islands hits as often as a one-process run's (a cache per island hits less).
    private var sharedFEC: FECDoubleBuffer?
    /// When the shared cache was last stored for adopters.
    private var fecSavedAt: ContinuousClock.Instant
    /// Workers whose stored caches were merged into the shared one.
    private var fecLoadedFrom = Set<String>()
    private var syncSeconds = 0.0
    private var migrationSyncSeconds = 0.0
    private let clock = ContinuousClock()
    /// When this worker joined: statistics rows thin out as its session ages, as run files' do.
    private let sessionStart = ContinuousClock.now

    /// Joins a run: reads it from the hub, checks this machine can reproduce its tasks, and
    /// registers.
    public static func join(
        run name: String, hub: HubConnection, options: Options,
        log: @escaping @Sendable (String) -> Void
    ) async throws -> HubWorker {
        if let wait = options.waitForRun {
            // Workers started by a scheduler may come up before the run is created.
            let clock = ContinuousClock()
            let deadline = clock.now + wait
            var told = false
            while try await !HubRun.exists(name, on: hub), clock.now < deadline {
                if !told { log("waiting for run \(name) to be created") }
                told = true
                try await Task.sleep(for: .seconds(1))
            }
        }
        let (run, definition) = try await HubRun.open(name, on: hub)
        let address = hub.address.description
        guard definition.productVersion == ProductVersion.current else {
            throw GalapagosError.hub(
                address, "run \(name) was started by galapagos \(definition.productVersion); this is"
                    + " \(ProductVersion.current): use the same version on every machine")
        }
        if let path = options.searchSpacePath {
            try definition.checkLocalCopy(path: path, hub: address)
        }
        let space = try definition.materialize(in: options.cacheDirectory, hub: address)
        guard space.evolution.islands == definition.islands else {
            throw GalapagosError.hub(address, "run \(name): the stored search space has"
                + " \(space.evolution.islands) islands but the run \(definition.islands)")
        }
        let factory = try IslandFactory(
            space: space, configuration: definition.configuration, threads: options.threads,
            source: "hub \(address) run \(name)")
        try await run.join(
            worker: options.workerID, host: ProcessInfo.processInfo.hostName,
            pid: Int(ProcessInfo.processInfo.processIdentifier), threads: options.threads,
            maxIslands: options.maxIslands)
        return HubWorker(run: run, definition: definition, options: options, factory: factory, log: log)
    }

    init(run: HubRun, definition: HubRunDefinition, options: Options, factory: IslandFactory,
         log: @escaping @Sendable (String) -> Void) {
        self.run = run
        self.definition = definition
        self.options = options
        self.factory = factory
        self.log = log
        sharedFEC = factory.islandSpace.fec.enabled
            ? FECDoubleBuffer(FECCache(capacity: factory.islandSpace.fec.capacity)) : nil
        summary = Summary(worker: options.workerID, run: run.name)
        fecSavedAt = clock.now
    }

    var source: String { "hub \(run.hub.address) run \(run.name)" }

    /// Works until the run ends or `shouldStop` returns true, then checkpoints and hands back
    /// its islands.
    public func work(shouldStop: @escaping @Sendable () -> Bool) async throws -> Summary {
        let start = clock.now
        let interval = Duration.milliseconds(Int64(max(0.05, definition.syncSeconds) * 1000))
        var status = try await run.status()
        // Syncs overlap evolution: the checkpoints taken after one period are written (and the
        // islands' migrants read) on a second connection while the next period evolves; what
        // they bring is applied before the islands are touched again.
        let writer = HubRun(hub: run.hub.sibling(), name: run.name)
        defer { Task { await writer.hub.close() } }
        var inFlight: Task<[SyncOutcome], any Error>?
        while status.status == .running, !shouldStop() {
            if let pending = inFlight {
                inFlight = nil
                try await apply(try await pending.value)
            }
            try await rebalance(status)
            if islands.isEmpty {
                try await Task.sleep(for: interval)
            } else {
                let checkpoints = try prepareSync()
                let cache = storedCacheIfDue()
                let worker = options.workerID, lease = definition.leaseSeconds
                inFlight = Task {
                    let outcomes = try await writer.sync(checkpoints, worker: worker, leaseSeconds: lease)
                    if let cache {
                        try await writer.saveWorkerCache(worker: worker, entries: cache.entries, cache: cache.bytes)
                    }
                    return outcomes
                }
                evolve(for: interval, shouldStop: shouldStop)
            }
            try await run.heartbeat(
                worker: options.workerID, individuals: summary.individuals, syncs: summary.syncs,
                syncSeconds: syncSeconds)
            status = try await run.status()
            // Any participant may end the run when a budget is spent, the coordinator or not.
            if status.status == .running, let spent = status.spentBudget {
                try await run.end(status: .finished, reason: spent.rawValue, worker: options.workerID)
                status = try await run.status()
            }
        }
        if let pending = inFlight { try await apply(try await pending.value) }
        // The last checkpoint, so that what was found since the previous sync is kept.
        if !islands.isEmpty {
            try await sync()
            try await saveCache()
        }
        try await run.leave(
            worker: options.workerID, leaseTokens: islands.map(\.leaseToken),
            individuals: summary.individuals, syncs: summary.syncs, syncSeconds: syncSeconds)
        islands.removeAll()
        summary.runStatus = status.status
        summary.stopReason = status.stopReason ?? (shouldStop() ? "interrupted" : nil)
        summary.meanSyncSeconds = summary.syncs > 0 ? syncSeconds / Double(summary.syncs) : 0
        summary.meanMigrationSyncSeconds = summary.migrationSyncs > 0
            ? migrationSyncSeconds / Double(summary.migrationSyncs) : 0
        summary.seconds = (clock.now - start).seconds
        return summary
    }

    // MARK: Leases

    /// Hands back islands above this worker's share and claims free ones below it.
    ///
    /// A worker without `--islands` takes an even part of the islands that workers with a
    /// limit do not hold. An island whose checkpoint cannot be restored is set aside (event
    /// `damaged`) rather than taken down with each worker that tries it.
    func rebalance(_ status: HubRun.Status) async throws {
        let cap: Int
        if let limit = options.maxIslands {
            cap = limit
        } else {
            let open = max(0, definition.islands - status.islandsOfLimitedWorkers)
            let sharers = max(1, status.unlimitedWorkers)
            cap = max(1, (open + sharers - 1) / sharers)
        }
        if islands.count > cap {
            let extra = islands.suffix(islands.count - cap)
            try await run.release(islands: extra.map { ($0.index, $0.leaseToken) }, worker: options.workerID)
            log("released islands \(extra.map(\.index)) (share \(cap))")
            islands.removeLast(islands.count - cap)
        } else if islands.count < cap {
            let claimed = try await run.claim(
                worker: options.workerID, count: cap - islands.count, leaseSeconds: definition.leaseSeconds,
                holding: islands.map(\.index))
            for island in claimed {
                do {
                    islands.append(try factory.runner(for: island, source: source))
                } catch {
                    log("island \(island.index) cannot be restored, set aside: \(error)")
                    try await run.markDamaged(
                        island: island.index, leaseToken: island.leaseToken, worker: options.workerID,
                        reason: "\(error)")
                    continue
                }
                summary.islandsClaimed += 1
                if let previous = island.previousOwner, previous != options.workerID {
                    summary.islandsAdopted += 1
                    log("adopted island \(island.index) from \(previous)")
                }
            }
            islands.sort { $0.index < $1.index }
            try await adoptCaches(for: claimed)
        }
    }

    // MARK: FEC cache

    /// Stores the shared cache's most recent entries now, for whoever adopts this worker's
    /// islands.
    func saveCache() async throws {
        if let cache = storedCacheIfDue(force: true) {
            try await run.saveWorkerCache(worker: options.workerID, entries: cache.entries, cache: cache.bytes)
        }
    }

    /// The shared cache's most recent entries, encoded, when a save is due (or `force`d).
    private func storedCacheIfDue(force: Bool = false) -> (entries: Int, bytes: ByteBuffer)? {
        guard sharedFEC != nil, force || (clock.now - fecSavedAt).seconds >= StoredFECCache.saveEvery
        else { return nil }
        fecSavedAt = clock.now
        guard let entries = sharedFEC?.mostRecentEntries(StoredFECCache.entries), !entries.isEmpty,
              let bytes = try? StoredFECCache.encode(entries) else { return nil }
        return (entries.count, bytes)
    }

    /// Merges into the shared cache the stored caches of the workers that held the claimed
    /// islands (this worker's own, when it held them before a restart), or, for islands that
    /// were handed back, the run's most recently stored cache once: an island continues with
    /// the cache it was evolving with, not an empty one.
    private func adoptCaches(for claimed: [ClaimedIsland]) async throws {
        guard sharedFEC != nil else { return }
        let restored = claimed.filter { $0.state != nil }
        var owners: [String?] = []
        for island in restored {
            guard let owner = island.previousOwner else { continue }
            if !fecLoadedFrom.contains(owner), !owners.contains(owner) { owners.append(owner) }
        }
        if owners.isEmpty, !restored.isEmpty, fecLoadedFrom.isEmpty { owners.append(nil) }
        for owner in owners {
            guard let (worker, stored) = try await run.workerCache(of: owner) else {
                if let owner { fecLoadedFrom.insert(owner) }
                continue
            }
            fecLoadedFrom.insert(worker)
            if let owner { fecLoadedFrom.insert(owner) }
            do {
                let entries = try StoredFECCache.decode(stored, source: "\(source), worker \(worker)'s FEC cache")
                let added = sharedFEC?.merge(entries) ?? 0
                summary.fecEntriesAdopted += added
                log("took \(added) cached fitness values from \(worker)'s stored FEC cache")
            } catch {
                log("ignored \(worker)'s stored FEC cache: \(error)")
            }
        }
    }

    // MARK: Evolution

    /// Steps the held islands in turn for about `duration`.
    func evolve(for duration: Duration, shouldStop: () -> Bool) {
        let deadline = clock.now + duration
        repeat {
            for island in islands {
                let before = island.engine.individuals
                island.engine.swapFECCache(&sharedFEC)
                island.engine.step()
                island.engine.swapFECCache(&sharedFEC)
                summary.individuals += island.engine.individuals - before
                if island.engine.reachedTarget { return }
            }
        } while clock.now < deadline && !shouldStop()
    }

    // MARK: Sync

    /// Per island: send migrants if due, checkpoint (renewing the lease) and offer new
    /// hall-of-fame members, then take in the migrants that arrived. Islands whose lease was
    /// lost are dropped. (``work(shouldStop:)`` runs the same steps with the writing overlapped
    /// with evolution.)
    func sync() async throws {
        try await apply(try await run.sync(
            try prepareSync(), worker: options.workerID, leaseSeconds: definition.leaseSeconds))
    }

    /// The checkpoints of the held islands, with the migrants that are due (on the worker's
    /// thread: it reads the engines).
    func prepareSync() throws -> [IslandCheckpoint] {
        try islands.map { island in
            let engine = island.engine
            var emigrants: [Emigrant] = []
            if island.nextMigrationAt != .max, engine.individuals >= island.nextMigrationAt {
                let destination = factory.destination(of: island.index, migration: island.nextMigrationAt)
                emigrants = engine.emigrants(from: 0).map { member in
                    Emigrant(
                        to: destination, memberID: factory.globalID(member.id, island: island.index),
                        program: ProgramPrinter.print(member.program, searchSpace: factory.space.name),
                        fitness: member.fitness, fingerprint: member.fingerprint,
                        individuals: engine.individuals)
                }
                while island.nextMigrationAt <= engine.individuals {
                    island.nextMigrationAt += factory.migrationInterval
                }
            }
            return try makeCheckpoint(island, emigrants: emigrants)
        }
    }

    /// Takes in what the syncs brought: migrants into their islands (advancing the cursors),
    /// hall-of-fame members as offered, lost leases dropped, a reached target ends the run.
    func apply(_ outcomes: [SyncOutcome]) async throws {
        var lost: [Int] = []
        for outcome in outcomes {
            let checkpoint = outcome.checkpoint
            guard let island = islands.first(where: { $0.index == checkpoint.island }) else { continue }
            for entry in checkpoint.hallOfFame { island.offered.insert(entry.memberID) }
            let entered = Set(outcome.enteredHallOfFame)
            for entry in checkpoint.hallOfFame where entered.contains(entry.memberID) {
                island.lineageWritten.formUnion(entry.lineage.map(\.member.id))
            }
            summary.syncs += 1
            syncSeconds += outcome.seconds
            if !checkpoint.emigrants.isEmpty {
                summary.migrationSyncs += 1
                migrationSyncSeconds += outcome.seconds
            }
            guard outcome.kept else {
                lost.append(island.index)
                summary.leasesLost += 1
                log("lost the lease on island \(island.index) (another worker adopted it)")
                continue
            }
            summary.migrantsSent += checkpoint.emigrants.count
            if !outcome.arrivals.isEmpty {
                let parser = ProgramParser(limits: factory.islandSpace.programLimits(strictOps: false))
                var bySource: [Int: [Member]] = [:]
                for arrival in outcome.arrivals {
                    island.migrationCursors[arrival.from] = max(
                        island.migrationCursors[arrival.from] ?? -1, arrival.individuals)
                    guard arrival.fitness.isFinite,
                          let program = try? parser.parse(arrival.program, file: "\(source) migrant \(arrival.id)")
                    else {
                        log("ignored migrant \(arrival.id): its program or fitness is not valid")
                        continue
                    }
                    bySource[arrival.from, default: []].append(Member(
                        id: arrival.memberID, program: program, fitness: arrival.fitness,
                        fingerprint: arrival.fingerprint, parentID: nil, origin: .migration, birth: 0))
                }
                for from in bySource.keys.sorted() {
                    summary.migrantsReceived += island.engine.immigrate(bySource[from] ?? [], to: 0, from: from)
                }
            }
            if island.engine.reachedTarget {
                try await run.end(status: .finished, reason: StopReason.target.rawValue, worker: options.workerID)
            }
        }
        islands.removeAll { lost.contains($0.index) }
    }

    /// A member's lineage records with run-wide ids, back to the first one the hub has: the
    /// steps where fitness changed, neutral steps folded (a lineage has one step per ~45
    /// individuals of its island, 96 % of them as fit as their parent on linear_demo; all of
    /// them would be a row per ~2,000 individuals of a run).
    private func lineage(of localID: Int, on island: IslandRunner) -> [LineageRecord] {
        let index = island.index
        let steps = island.engine.lineage(of: localID, foldingNeutralSteps: true) {
            island.lineageWritten.contains(factory.globalID($0, island: index))
        }
        return steps.map { step in
            var record = EngineStateDocument.MemberRecord(step.member, searchSpace: factory.space.name)
            record.id = factory.globalID(step.member.id, island: index)
            record.parentID = step.parentID.map { factory.globalID($0, island: index) }
                ?? island.migrantOrigins[step.member.id]
            if step.neutralSteps > 0 { record.origin += " after \(step.neutralSteps) neutral steps" }
            return LineageRecord(island: index, member: record)
        }
    }

    private func makeCheckpoint(_ island: IslandRunner, emigrants: [Emigrant]) throws -> IslandCheckpoint {
        let engine = island.engine
        let name = factory.space.name
        let state = EngineStateDocument(engine.state, searchSpace: name)
        let stored: StoredCheckpoint
        do {
            stored = try StoredCheckpoint(compressing: state.jsonText())
        } catch {
            throw GalapagosError.run("\(source), island \(island.index): cannot encode the checkpoint (\(error))")
        }
        let members = engine.islands[0].members
        let newFame = engine.hallOfFame.members.filter {
            !island.offered.contains(factory.globalID($0.id, island: island.index))
        }
        island.noteMigrations(engine.takeMigrationEvents())
        let fame = newFame.map { member in
            HallOfFameEntry(
                program: ProgramPrinter.print(member.program, searchSpace: name), fitness: member.fitness,
                fingerprint: member.fingerprint, island: island.index,
                memberID: factory.globalID(member.id, island: island.index), individuals: member.birth,
                size: member.program.instructionCount,
                lineage: lineage(of: member.id, on: island))
        }
        engine.pruneLineage()
        var statistic: RunReader.Statistic?
        let now = clock.now
        let elapsed = (now - island.statisticsAt.time).seconds
        let interval = HubRetention.statisticsInterval(
            islands: definition.islands, syncSeconds: definition.syncSeconds,
            sessionSeconds: (now - sessionStart).seconds)
        let due = island.hasWrittenStatistics ? interval : HubRetention.firstStatisticsDelay(
            island: island.index, islands: definition.islands, interval: interval)
        if elapsed >= due, !members.isEmpty {
            let fitness = members.map(\.fitness).sorted()
            statistic = RunReader.Statistic(
                individuals: engine.individuals, seconds: elapsed, island: island.index, size: members.count,
                best: fitness.last, mean: fitness.reduce(0, +) / Double(fitness.count),
                median: fitness[fitness.count / 2],
                diversity: Set(members.map(\.fingerprint)).count,
                individualsPerSecond: Double(engine.individuals - island.statisticsAt.individuals) / elapsed,
                fecHits: engine.fecHits)
            island.statisticsAt = (engine.individuals, now)
            island.hasWrittenStatistics = true
        }
        return IslandCheckpoint(
            island: island.index, leaseToken: island.leaseToken, state: stored, individuals: engine.individuals, fecHits: engine.fecHits,
            best: engine.islands[0].best?.fitness,
            selectFitness: engine.bestSelected.flatMap { engine.selectFitness[$0.id] },
            migrationCursors: island.migrationCursors,
            nextMigrationAt: island.nextMigrationAt == .max ? 0 : island.nextMigrationAt,
            emigrants: emigrants, hallOfFame: fame, statistic: statistic)
    }
}

/// What one island's sync wrote and read: whether its checkpoint was kept (the lease still
/// held) and the migrants waiting for it behind the cursors the checkpoint recorded.
struct SyncOutcome: Sendable {
    var checkpoint: IslandCheckpoint
    var kept: Bool
    /// Run-wide ids of the offered programs that entered the hall of fame.
    var enteredHallOfFame: [Int]
    var arrivals: [Arrival]
    var seconds: Double
}

extension HubRun {
    /// Writes each checkpoint and reads the island's arrivals behind the cursors it recorded
    /// (touches no engine: runs beside evolution).
    func sync(
        _ checkpoints: [IslandCheckpoint], worker: String, leaseSeconds: Double
    ) async throws -> [SyncOutcome] {
        let clock = ContinuousClock()
        var outcomes: [SyncOutcome] = []
        for island in checkpoints {
            let began = clock.now
            let written = try await checkpoint(island, worker: worker, leaseSeconds: leaseSeconds)
            let waiting = written.kept
                ? try await arrivals(island: island.island, after: island.migrationCursors) : []
            outcomes.append(SyncOutcome(
                checkpoint: island, kept: written.kept, enteredHallOfFame: written.enteredHallOfFame,
                arrivals: waiting, seconds: (clock.now - began).seconds))
        }
        return outcomes
    }
}
