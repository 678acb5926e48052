import Foundation
import Galapagos
import PostgresNIO

/// A hub run as it was when read: what `inspect`, reports and `export` show, through the same
/// ``RunRecords`` interface as a run file.
///
/// Member ids are run-wide: island engines number their own members, and member `m` of island
/// `i` in a run of `n` islands is `m × n + i`. Lineages are recorded for the programs that
/// entered the hall of fame (`galapagos_lineage`), back through the island that found them and
/// the migrants it took in as far as those were recorded; a lineage of a population member ends
/// at its first ancestor the hub does not have. Statistics rows carry the run's individuals
/// (as a run file's do), and their seconds run from the run's creation.
public struct HubSnapshot: RunRecords, Sendable {
    public var location: String
    var stored: StoredRun
    var status: HubRun.Status
    var checkpointedAt: String
    var migrationCount: Int
    /// Per island: its members (global ids), the selected member and its select fitness.
    var populations: [[RunReader.StoredMember]]
    var selectedMembers: [(member: RunReader.StoredMember, selectFitness: Double)]
    var fame: [RunReader.StoredMember]
    /// Lineage records by run-wide id (the newest ``lineageLimit``).
    var lineageRecords: [Int: RunReader.StoredMember]
    var statisticRows: [RunReader.Statistic]
    /// Each island's bandits as of its last checkpoint.
    var banditArms: [RunReader.BanditArm]
    var migrationRows: [MigrationEvent]
    /// Per island: the worker holding it (`nil`: free or lease expired).
    public var owners: [String?]

    /// The most lineage records a snapshot reads (the newest first).
    public static let lineageLimit = 200_000

    /// Reads a run from its hub.
    public static func read(_ run: HubRun) async throws -> HubSnapshot {
        let (_, definition) = try await HubRun.open(run.name, on: run.hub)
        let status = try await run.status()
        let name = run.name
        let location = "hub \(run.hub.address) run \(name)"
        let islands = definition.islands
        let rows = try await run.hub.transaction("reading run \(name)") { connection, logger in
            var islandRows: [(Int, String?, StoredCheckpoint?)] = []
            for try await row in try await connection.query("""
                SELECT island, CASE WHEN lease_expires > now() THEN owner END, state, state_compressed
                FROM galapagos_island WHERE run = \(name) ORDER BY island
                """, logger: logger).decode((Int, String?, String?, ByteBuffer?).self) {
                islandRows.append((row.0, row.1, StoredCheckpoint(text: row.2, compressed: row.3)))
            }
            var fame: [RunReader.StoredMember] = []
            for try await row in try await connection.query("""
                SELECT member_id, fitness, island, individuals, program FROM galapagos_hall_of_fame
                WHERE run = \(name) ORDER BY fitness DESC, found_at, program LIMIT 10000
                """, logger: logger).decode((Int, Double, Int, Int, String).self) {
                fame.append(RunReader.StoredMember(
                    id: row.0, fitness: row.1, parentID: nil, origin: "island \(row.2)", birth: row.3,
                    program: row.4, island: nil))
            }
            var lineage: [Int: RunReader.StoredMember] = [:]
            for try await row in try await connection.query("""
                SELECT id, fitness, parent_id, origin, birth, program, island FROM galapagos_lineage
                WHERE run = \(name) ORDER BY id DESC LIMIT \(lineageLimit)
                """, logger: logger).decode((Int, Double, Int?, String, Int, String, Int).self) {
                lineage[row.0] = RunReader.StoredMember(
                    id: row.0, fitness: row.1, parentID: row.2, origin: "\(row.3) on island \(row.6)",
                    birth: row.4, program: row.5, island: nil)
            }
            var statistics: [RunReader.Statistic] = []
            for try await row in try await connection.query("""
                SELECT COALESCE(run_individuals, individuals), EXTRACT(EPOCH FROM (at - (SELECT created_at FROM galapagos_run WHERE name = \(name))))::DOUBLE PRECISION,
                       island, size, best, mean, median, diversity, individuals_per_second, fec_hits
                FROM galapagos_statistic WHERE run = \(name) ORDER BY at, island
                """, logger: logger).decode((Int, Double, Int, Int, Double?, Double?, Double?, Int, Double, Int).self) {
                statistics.append(RunReader.Statistic(
                    individuals: row.0, seconds: row.1, island: row.2, size: row.3, best: row.4,
                    mean: row.5, median: row.6, diversity: row.7, individualsPerSecond: row.8,
                    fecHits: row.9))
            }
            // Each migrant with its sending time, to place it at the run's count (a migrant row
            // holds the sender's own count).
            var migrations: [(event: MigrationEvent, seconds: Double)] = []
            for try await row in try await connection.query("""
                SELECT individuals, from_island, to_island, member_id, fitness,
                       EXTRACT(EPOCH FROM (sent_at - (SELECT created_at FROM galapagos_run WHERE name = \(name))))::DOUBLE PRECISION
                FROM galapagos_migrant WHERE run = \(name) ORDER BY id LIMIT 10000
                """, logger: logger).decode((Int, Int, Int, Int, Double, Double).self) {
                migrations.append((MigrationEvent(
                    individuals: row.0, from: row.1, to: row.2, memberID: row.3, originalID: row.3,
                    fitness: row.4), row.5))
            }
            var count = 0
            var checkpointed = ""
            for try await row in try await connection.query("""
                SELECT (SELECT COALESCE(SUM(migrants_sent), 0) FROM galapagos_island WHERE run = \(name))::BIGINT,
                       COALESCE((SELECT to_char(MAX(checkpointed_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                                 FROM galapagos_island WHERE run = \(name)), '')
                """, logger: logger).decode((Int, String).self) {
                (count, checkpointed) = row
            }
            return (islandRows, fame, statistics, migrations, count, checkpointed, lineage)
        }
        var populations: [[RunReader.StoredMember]] = []
        var selected: [(RunReader.StoredMember, Double)] = []
        var bandits: [RunReader.BanditArm] = []
        let stored = StoredRun(
            name: name, searchSpaceText: definition.searchSpaceText,
            configuration: definition.configuration, productVersion: definition.productVersion,
            datasetHashes: definition.datasetHashes, status: status.status, stopReason: status.stopReason,
            dataFiles: definition.dataFiles)
        let operatorNames = (try? stored.effectiveSearchSpace(location: location))?
            .mutation.operators.map(\.rawValue) ?? []
        var owners: [String?] = []
        for (index, owner, checkpoint) in rows.0 {
            owners.append(owner)
            guard let checkpoint else {
                populations.append([])
                continue
            }
            guard let document = try? checkpoint.document(source: "\(location), island \(index)") else {
                populations.append([])  // a damaged checkpoint: workers set the island aside
                continue
            }
            func stored(_ record: EngineStateDocument.MemberRecord, island: Int?) -> RunReader.StoredMember {
                RunReader.StoredMember(
                    id: record.id &* islands &+ index, fitness: record.fitness,
                    parentID: record.parentID.map { $0 &* islands &+ index }, origin: record.origin,
                    birth: record.birth, program: record.program, island: island)
            }
            populations.append((document.islands.first?.members ?? []).map { stored($0, island: index) })
            bandits += Self.arms(of: document.scalars, island: index, operatorNames: operatorNames)
            if let best = document.bestSelected, let fitness = document.scalars.selectFitness[best.id] {
                selected.append((stored(best, island: nil), fitness))
            }
        }
        let statistics = Self.withRunRates(rows.2)
        return HubSnapshot(
            location: location, stored: stored, status: status, checkpointedAt: rows.5,
            migrationCount: rows.4, populations: populations, selectedMembers: selected, fame: rows.1,
            lineageRecords: rows.6, statisticRows: statistics, banditArms: bandits,
            migrationRows: Self.atRunCounts(rows.3, statistics: statistics), owners: owners)
    }

    /// The best select fitness any island reached, with its member.
    public var bestSelected: (member: RunReader.StoredMember, selectFitness: Double)? {
        selectedMembers.max { a, b in
            a.selectFitness != b.selectFitness ? a.selectFitness < b.selectFitness : a.member.id > b.member.id
        }
    }

    public func run() throws -> StoredRun { stored }

    public func progress() throws -> RunReader.Progress? {
        RunReader.Progress(
            individuals: status.individuals, seconds: status.seconds, fecHits: status.fecHits,
            migrations: migrationCount, checkpointedAt: checkpointedAt,
            selectedFitness: bestSelected?.selectFitness)
    }

    public func islands() throws -> [RunReader.IslandSummary] {
        populations.enumerated().map { index, members in
            RunReader.IslandSummary(
                island: index, size: members.count, best: members.map(\.fitness).max(),
                mean: members.isEmpty ? nil : members.map(\.fitness).reduce(0, +) / Double(members.count),
                diversity: Set(members.map(\.program)).count)
        }
    }

    public func hallOfFame(limit: Int) throws -> [RunReader.StoredMember] {
        Array(fame.prefix(max(0, limit)))
    }

    public func paretoFront() throws -> [RunReader.StoredMember] {
        RunReader.paretoFront(of: fame)
    }

    public func selected() throws -> RunReader.StoredMember? {
        bestSelected?.member
    }

    /// Hub runs do not record a result: the coordinator computes it when the run ends.
    public func result() throws -> RunReader.StoredResult? {
        nil
    }

    public func members(island: Int, limit: Int) throws -> [RunReader.StoredMember] {
        guard populations.indices.contains(island) else { return [] }
        let sorted = populations[island].sorted {
            $0.fitness != $1.fitness ? $0.fitness > $1.fitness : $0.birth < $1.birth
        }
        return Array(sorted.prefix(max(0, limit)))
    }

    public func member(id: Int) throws -> RunReader.StoredMember? {
        for population in populations {
            if let found = population.first(where: { $0.id == id }) { return found }
        }
        if let found = selectedMembers.first(where: { $0.member.id == id }) { return found.member }
        if let found = lineageRecords[id] { return found }
        return fame.first { $0.id == id }
    }

    /// The member and its recorded ancestors, child first: each step's parent from the
    /// lineage records, else from the islands' populations.
    public func lineage(of id: Int) throws -> [RunReader.StoredMember] {
        var steps: [RunReader.StoredMember] = []
        var seen = Set<Int>()
        var next: Int? = id
        while let current = next, seen.insert(current).inserted {
            guard let step = try lineageRecords[current] ?? member(id: current) else { break }
            steps.append(step)
            next = step.parentID
        }
        return steps
    }

    public func statistics() throws -> [RunReader.Statistic] { statisticRows }

    /// `rows` (in the order written, each counting the run's individuals at its time since the
    /// run was created) with each row's rate the run's rather than its island's: what a run
    /// file's rows carry. A worker knows only its own islands' rates, so the hub stores those;
    /// the run's is the individuals added since the island's previous row over the time
    /// between them, or since the run's previous row for an island's first (the run's first
    /// row has none: the time since the run was created may include waiting for workers).
    static func withRunRates(_ rows: [RunReader.Statistic]) -> [RunReader.Statistic] {
        var previousOfIsland: [Int: (individuals: Int, seconds: Double)] = [:]
        var previous: (individuals: Int, seconds: Double)?
        return rows.map { row in
            var row = row
            let reference = previousOfIsland[row.island] ?? previous
            previousOfIsland[row.island] = (row.individuals, row.seconds)
            previous = (row.individuals, row.seconds)
            row.individualsPerSecond = 0
            if let reference, row.seconds > reference.seconds {
                row.individualsPerSecond = Double(max(0, row.individuals - reference.individuals))
                    / (row.seconds - reference.seconds)
            }
            return row
        }
    }

    /// Migrations at the run's count of individuals when they were sent, as a run file records
    /// them, rather than the sender's own count: interpolated between the statistics rows (the
    /// run's count over time, in the order written, with the run's rates of
    /// ``withRunRates(_:)``) around the sending time, from zero at the run's creation, and
    /// carried on at the last row's rate after it.
    static func atRunCounts(
        _ migrations: [(event: MigrationEvent, seconds: Double)], statistics: [RunReader.Statistic]
    ) -> [MigrationEvent] {
        guard !statistics.isEmpty else { return migrations.map(\.event) }  // nothing to place them by
        let points = [(seconds: 0.0, individuals: 0.0)]
            + statistics.map { (seconds: $0.seconds, individuals: Double($0.individuals)) }
                .sorted { $0.seconds < $1.seconds }
        let lastRate = statistics.last?.individualsPerSecond ?? 0
        return migrations.map { migration in
            var event = migration.event
            let time = migration.seconds
            guard time.isFinite else { return event }
            let estimate: Double
            if let after = points.firstIndex(where: { $0.seconds >= time }) {
                let high = points[after]
                let low = after > 0 ? points[after - 1] : high
                let span = high.seconds - low.seconds
                estimate = span > 0
                    ? low.individuals + (high.individuals - low.individuals) * (time - low.seconds) / span
                    : high.individuals
            } else {
                let last = points[points.count - 1]
                estimate = last.individuals + lastRate * (time - last.seconds)
            }
            event.individuals = Int(estimate.rounded())
            return event
        }
    }

    /// Each island's operator and parent-strata bandits as of its last checkpoint (every island
    /// of a hub run is an engine of its own, with bandits of its own).
    public func bandits() throws -> [RunReader.BanditArm] { banditArms }

    private static let strata = ["top 1%", "1-10%", "10-50%", "50-100%"]

    static func arms(
        of scalars: EngineState.Scalars, island: Int, operatorNames: [String]
    ) -> [RunReader.BanditArm] {
        var arms: [RunReader.BanditArm] = []
        func record(_ name: String, _ bandit: Bandit?, _ armName: (Int) -> String) {
            guard let bandit else { return }
            for arm in 0..<bandit.arms where bandit.totalPulls.indices.contains(arm) && bandit.means.indices.contains(arm) {
                arms.append(RunReader.BanditArm(
                    individuals: scalars.individuals, bandit: name, arm: armName(arm),
                    pulls: bandit.totalPulls[arm], mean: bandit.means[arm]))
            }
        }
        record("operators island \(island)", scalars.operatorBandit) {
            operatorNames.indices.contains($0) ? operatorNames[$0] : "operator \($0)"
        }
        for strataBandit in scalars.selection.strataBandits.prefix(1) {
            record("strata island \(island)", strataBandit) { strata.indices.contains($0) ? strata[$0] : "\($0)" }
        }
        return arms
    }

    public func migrations(limit: Int) throws -> [MigrationEvent] {
        Array(migrationRows.prefix(max(0, limit)))
    }
}
