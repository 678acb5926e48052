import Foundation
import Galapagos
import Logging
import PostgresNIO

/// An island a worker has just leased.
public struct ClaimedIsland: Sendable {
    public var index: Int
    /// Identifies this lease: checkpoints and releases must show it, so that a worker whose
    /// lease expired and was granted anew (to another worker or to itself) cannot write with
    /// the old one.
    public var leaseToken: String
    /// The island's last checkpoint (an ``EngineStateDocument``), or `nil` before its first.
    public var state: StoredCheckpoint?
    /// Per sending island, the sender's individual count of the last migrants taken in;
    /// `nil` when the stored cursors are damaged (the island is then set aside).
    public var migrationCursors: [Int: Int]?
    /// Island individuals at which it next sends migrants.
    public var nextMigrationAt: Int
    /// The worker that held it before, when it is adopted.
    public var previousOwner: String?
    /// Individuals in its last checkpoint.
    public var individuals: Int
}

/// A member sent to another island.
public struct Emigrant: Sendable {
    public var to: Int
    public var memberID: Int
    public var program: String
    public var fitness: Double
    public var fingerprint: UInt64
    public var individuals: Int
}

/// A member waiting in an island's inbox.
public struct Arrival: Sendable {
    public var id: Int
    public var from: Int
    /// The sender's individual count when it sent the member.
    public var individuals: Int
    public var memberID: Int
    public var program: String
    public var fitness: Double
    public var fingerprint: UInt64
}

/// A program offered to the shared hall of fame.
public struct HallOfFameEntry: Sendable {
    public var program: String
    public var fitness: Double
    public var fingerprint: UInt64
    public var island: Int
    public var memberID: Int
    public var individuals: Int
    public var size: Int
    /// The program's lineage records, itself first, back to the first ancestor the hub has
    /// already (or as far as the island's family tree reaches); written only when the program
    /// enters the hall of fame.
    public var lineage: [LineageRecord] = []

    public init(
        program: String, fitness: Double, fingerprint: UInt64, island: Int, memberID: Int,
        individuals: Int, size: Int, lineage: [LineageRecord] = []
    ) {
        self.program = program
        self.fitness = fitness
        self.fingerprint = fingerprint
        self.island = island
        self.memberID = memberID
        self.individuals = individuals
        self.size = size
        self.lineage = lineage
    }
}

/// One step of a lineage as the hub stores it (a run file's `individual` row): the member with
/// run-wide ids (its parent's, for a migrant, the member it copies on the island it came from),
/// `birth` counting the island's individuals.
public struct LineageRecord: Sendable, Equatable {
    public var island: Int
    public var member: EngineStateDocument.MemberRecord
}

/// What a worker writes for one island at a sync.
public struct IslandCheckpoint: Sendable {
    public var island: Int
    public var leaseToken: String
    /// The island's ``EngineStateDocument``, compressed.
    public var state: StoredCheckpoint
    public var individuals: Int
    public var fecHits: Int
    public var best: Double?
    public var selectFitness: Double?
    public var migrationCursors: [Int: Int]
    public var nextMigrationAt: Int
    public var emigrants: [Emigrant]
    public var hallOfFame: [HallOfFameEntry]
    /// A statistics row for the island (its `island` field is ignored: the checkpoint says which).
    public var statistic: RunReader.Statistic?
}

extension HubRun {
    /// Registers a worker; refuses a name another live worker uses.
    public func join(worker: String, host: String, pid: Int, threads: Int, maxIslands: Int?) async throws {
        let name = self.name
        let address = self.address
        // Marks this join, so that a retry after a lost COMMIT reply is not taken for a rival.
        let joinToken = UUID().uuidString
        try await hub.transaction("joining run \(name)") { connection, logger in
            let rows = try await connection.query("""
                INSERT INTO galapagos_worker (run, id, host, pid, threads, max_islands, join_token)
                VALUES (\(name), \(worker), \(host), \(pid), \(threads), \(maxIslands), \(joinToken))
                ON CONFLICT (run, id) DO UPDATE SET heartbeat_at = now(), left_at = NULL,
                    host = EXCLUDED.host, pid = EXCLUDED.pid, threads = EXCLUDED.threads,
                    max_islands = EXCLUDED.max_islands, join_token = EXCLUDED.join_token, joined_at = now()
                WHERE galapagos_worker.left_at IS NOT NULL
                   OR galapagos_worker.join_token = EXCLUDED.join_token
                   OR galapagos_worker.heartbeat_at < now() - make_interval(secs =>
                        (SELECT lease_seconds FROM galapagos_run WHERE name = \(name)))
                RETURNING id
                """, logger: logger).collect()
            guard !rows.isEmpty else {
                throw GalapagosError.hub(
                    address, "run \(name): a live worker is already named \(worker); choose another --name"
                        + " (or wait one lease time if that worker has died)")
            }
            try await connection.query("""
                INSERT INTO galapagos_event (run, worker, kind, detail)
                VALUES (\(name), \(worker), 'joined', \("\(host) pid \(pid), \(threads) threads"))
                """, logger: logger)
        }
    }

    /// Marks a worker gone and frees the leases it still holds.
    public func leave(
        worker: String, leaseTokens: [String], individuals: Int, syncs: Int, syncSeconds: Double
    ) async throws {
        let name = self.name
        try await hub.transaction("leaving run \(name)") { connection, logger in
            try await connection.query("""
                UPDATE galapagos_island SET owner = NULL, lease_token = NULL, lease_expires = NULL
                WHERE run = \(name) AND lease_token = ANY(\(leaseTokens)::TEXT[])
                """, logger: logger)
            try await connection.query("""
                UPDATE galapagos_worker SET left_at = now(), heartbeat_at = now(),
                    individuals = \(individuals), syncs = \(syncs), sync_seconds = \(syncSeconds)
                WHERE run = \(name) AND id = \(worker)
                """, logger: logger)
            try await connection.query("""
                INSERT INTO galapagos_event (run, worker, kind) VALUES (\(name), \(worker), 'left')
                """, logger: logger)
        }
    }

    /// Records that a worker is alive.
    public func heartbeat(worker: String, individuals: Int, syncs: Int, syncSeconds: Double) async throws {
        let name = self.name
        try await hub.perform("sending a heartbeat") { connection, logger in
            try await connection.query("""
                UPDATE galapagos_worker SET heartbeat_at = now(), left_at = NULL,
                    individuals = \(individuals), syncs = \(syncs), sync_seconds = \(syncSeconds)
                WHERE run = \(name) AND id = \(worker)
                """, logger: logger)
        }
    }

    /// Leases up to `count` islands that nobody holds, whose lease expired, or that this worker
    /// held before and does not run now (`holding` lists those it runs), lowest index first.
    /// Islands marked damaged are left alone.
    public func claim(
        worker: String, count: Int, leaseSeconds: Double, holding: [Int]
    ) async throws -> [ClaimedIsland] {
        guard count > 0 else { return [] }
        let name = self.name
        return try await hub.transaction("claiming islands") { connection, logger in
            var claimed: [ClaimedIsland] = []
            for try await row in try await connection.query("""
                WITH free AS (
                    SELECT island, owner AS previous FROM galapagos_island
                    WHERE run = \(name) AND damaged IS NULL
                      AND NOT (island = ANY(\(holding)::BIGINT[]))
                      AND (owner IS NULL OR owner = \(worker) OR lease_expires < now())
                    ORDER BY island LIMIT \(count)
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE galapagos_island i
                SET owner = \(worker), lease_token = gen_random_uuid()::TEXT,
                    lease_expires = now() + make_interval(secs => \(leaseSeconds))
                FROM free
                WHERE i.run = \(name) AND i.island = free.island
                RETURNING i.island, i.lease_token, i.state, i.state_compressed, i.migration_cursors,
                          i.next_migration_at, free.previous, i.individuals
                """, logger: logger).decode((Int, String, String?, ByteBuffer?, String, Int, String?, Int).self) {
                let cursors = (try? JSONText.decode([String: Int].self, row.4)).map { stored in
                    Dictionary(stored.compactMap { key, value in Int(key).map { ($0, value) } }, uniquingKeysWith: max)
                }
                claimed.append(ClaimedIsland(
                    index: row.0, leaseToken: row.1, state: StoredCheckpoint(text: row.2, compressed: row.3),
                    migrationCursors: cursors, nextMigrationAt: row.5, previousOwner: row.6, individuals: row.7))
            }
            for island in claimed {
                let kind = island.previousOwner == nil ? "claimed"
                    : island.previousOwner == worker ? "reclaimed" : "adopted"
                try await connection.query("""
                    INSERT INTO galapagos_event (run, worker, kind, island, detail)
                    VALUES (\(name), \(worker), \(kind), \(island.index),
                            \(island.previousOwner.map { "from \($0) at \(island.individuals) individuals" } ?? ""))
                    """, logger: logger)
            }
            return claimed.sorted { $0.index < $1.index }
        }
    }

    /// Gives islands back (after their last checkpoint) so that other workers can take them.
    public func release(islands: [(index: Int, leaseToken: String)], worker: String) async throws {
        guard !islands.isEmpty else { return }
        let name = self.name
        let leases = islands.map { (index: $0.index, token: $0.leaseToken) }
        try await hub.transaction("releasing islands") { connection, logger in
            for lease in leases {
                try await connection.query("""
                    UPDATE galapagos_island SET owner = NULL, lease_token = NULL, lease_expires = NULL
                    WHERE run = \(name) AND island = \(lease.index) AND lease_token = \(lease.token)
                    """, logger: logger)
                try await connection.query("""
                    INSERT INTO galapagos_event (run, worker, kind, island)
                    VALUES (\(name), \(worker), 'released', \(lease.index))
                    """, logger: logger)
            }
        }
    }

    /// Vacuums the checkpoint table (see ``HubRetention/vacuumCheckpoints``).
    public func vacuumCheckpoints() async throws {
        try await hub.perform("vacuuming the checkpoints") { connection, logger in
            try await connection.query(HubRetention.vacuumCheckpoints, logger: logger)
        }
    }

    /// Stores a worker's FEC cache (``StoredFECCache``), replacing the one it stored before.
    func saveWorkerCache(worker: String, entries: Int, cache: ByteBuffer) async throws {
        let name = self.name
        try await hub.perform("saving worker \(worker)'s FEC cache") { connection, logger in
            try await connection.query("""
                INSERT INTO galapagos_worker_cache (run, worker, entries, cache)
                VALUES (\(name), \(worker), \(entries), \(cache))
                ON CONFLICT (run, worker) DO UPDATE SET
                    entries = EXCLUDED.entries, cache = EXCLUDED.cache, saved_at = now()
                """, logger: logger)
        }
    }

    /// A worker's stored FEC cache, or (`worker` nil) the most recently saved one of the run;
    /// `nil` when there is none.
    func workerCache(of worker: String?) async throws -> (worker: String, cache: ByteBuffer)? {
        let name = self.name
        return try await hub.perform("reading a stored FEC cache") { connection, logger in
            var found: (String, ByteBuffer)?
            for try await row in try await connection.query("""
                SELECT worker, cache FROM galapagos_worker_cache
                WHERE run = \(name) AND (\(worker)::TEXT IS NULL OR worker = \(worker))
                ORDER BY saved_at DESC LIMIT 1
                """, logger: logger).decode((String, ByteBuffer).self) {
                found = row
            }
            return found
        }
    }

    /// Sets an island aside whose checkpoint cannot be restored, so that no worker tries again.
    public func markDamaged(island: Int, leaseToken: String, worker: String, reason: String) async throws {
        let name = self.name
        try await hub.transaction("setting island \(island) aside") { connection, logger in
            try await connection.query("""
                UPDATE galapagos_island SET damaged = \(reason), owner = NULL, lease_token = NULL,
                    lease_expires = NULL
                WHERE run = \(name) AND island = \(island) AND lease_token = \(leaseToken)
                """, logger: logger)
            try await connection.query("""
                INSERT INTO galapagos_event (run, worker, kind, island, detail)
                VALUES (\(name), \(worker), 'damaged', \(island), \(reason))
                """, logger: logger)
        }
    }

    /// Migrants waiting for an island: from each sender, those sent after its cursor (the
    /// sender's individual count at its last migrants taken in), oldest first.
    ///
    /// Cursors per sender, not one over the table's ids: a sender's migrants are written in its
    /// checkpoint transactions, in the order of its individual counts, while ids from the shared
    /// sequence may commit out of order across senders.
    public func arrivals(island: Int, after cursors: [Int: Int], limit: Int = 1_000) async throws -> [Arrival] {
        let name = self.name
        let senders = cursors.keys.sorted()
        let positions = senders.map { cursors[$0] ?? -1 }
        return try await hub.perform("reading island \(island)'s migrants") { connection, logger in
            var arrivals: [Arrival] = []
            for try await row in try await connection.query("""
                SELECT m.id, m.from_island, m.individuals, m.member_id, m.program, m.fitness, m.fingerprint
                FROM galapagos_migrant m
                LEFT JOIN unnest(\(senders)::BIGINT[], \(positions)::BIGINT[]) AS c(sender, position)
                    ON c.sender = m.from_island
                WHERE m.run = \(name) AND m.to_island = \(island) AND m.individuals > COALESCE(c.position, -1)
                ORDER BY m.from_island, m.individuals, m.id LIMIT \(limit)
                """, logger: logger).decode((Int, Int, Int, Int, String, Double, Int64).self) {
                arrivals.append(Arrival(
                    id: row.0, from: row.1, individuals: row.2, memberID: row.3, program: row.4,
                    fitness: row.5, fingerprint: UInt64(bitPattern: row.6)))
            }
            // A full page may end inside one migration (rows sharing sender and count): leave
            // that migration whole for the next read, or the cursor would pass its rest.
            if arrivals.count == limit, let last = arrivals.last,
               arrivals.contains(where: { $0.from != last.from || $0.individuals != last.individuals }) {
                arrivals.removeAll { $0.from == last.from && $0.individuals == last.individuals }
            }
            return arrivals
        }
    }

    /// Writes an island's checkpoint, its emigrants, hall-of-fame offers and statistics in one
    /// transaction, and renews its lease. Returns `false` (writing nothing but the hall of fame)
    /// when the worker no longer holds the island: its lease expired and another worker
    /// adopted it.
    ///
    /// The same transaction keeps the tables bounded (see ``HubRetention``): it deletes the
    /// island's arrived migrants that its committed cursors have passed (each migrant has one
    /// receiver, and no reader goes behind a committed cursor, an adopter included), and every
    /// ``HubRetention/statisticsEvery`` checkpoints it thins the island's older statistics.
    public func checkpoint(
        _ checkpoint: IslandCheckpoint, worker: String, leaseSeconds: Double
    ) async throws -> CheckpointOutcome {
        let name = self.name
        let (stateText, stateCompressed) = checkpoint.state.columns
        let cursors = try JSONText.encode(Dictionary(
            uniqueKeysWithValues: checkpoint.migrationCursors.map { (String($0.key), $0.value) }))
        return try await hub.transaction("checkpointing island \(checkpoint.island)") { connection, logger in
            // Programs found are kept even when the lease was lost: nothing found is lost.
            var entered: [Int] = []
            for entry in checkpoint.hallOfFame {
                let inserted = try await connection.query(
                    HubRetention.offer(entry, run: name, worker: worker), logger: logger).collect()
                guard !inserted.isEmpty else { continue }
                entered.append(entry.memberID)
                try await Self.insertLineage(entry.lineage, run: name, connection: connection, logger: logger)
            }
            let kept = try await connection.query("""
                UPDATE galapagos_island SET
                    state = \(stateText), state_compressed = \(stateCompressed),
                    individuals = \(checkpoint.individuals),
                    fec_hits = \(checkpoint.fecHits), best = \(checkpoint.best),
                    select_fitness = \(checkpoint.selectFitness),
                    migration_cursors = \(cursors),
                    next_migration_at = \(checkpoint.nextMigrationAt),
                    checkpoints = checkpoints + 1, checkpointed_at = now(),
                    migrants_sent = migrants_sent + \(checkpoint.emigrants.count),
                    lease_expires = now() + make_interval(secs => \(leaseSeconds))
                WHERE run = \(name) AND island = \(checkpoint.island) AND lease_token = \(checkpoint.leaseToken)
                RETURNING checkpoints
                """, logger: logger).collect()
            guard !kept.isEmpty else {
                try await connection.query("""
                    INSERT INTO galapagos_event (run, worker, kind, island)
                    VALUES (\(name), \(worker), 'lease-lost', \(checkpoint.island))
                    """, logger: logger)
                return CheckpointOutcome(kept: false, enteredHallOfFame: entered)
            }
            for emigrant in checkpoint.emigrants {
                try await connection.query("""
                    INSERT INTO galapagos_migrant
                        (run, from_island, to_island, member_id, program, fitness, fingerprint, individuals)
                    VALUES (\(name), \(checkpoint.island), \(emigrant.to), \(emigrant.memberID),
                            \(emigrant.program), \(emigrant.fitness), \(Int64(bitPattern: emigrant.fingerprint)),
                            \(emigrant.individuals))
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
            let senders = checkpoint.migrationCursors.keys.sorted()
            if !senders.isEmpty {
                let positions = senders.map { checkpoint.migrationCursors[$0] ?? -1 }
                try await connection.query("""
                    DELETE FROM galapagos_migrant m
                    USING unnest(\(senders)::BIGINT[], \(positions)::BIGINT[]) AS c(sender, position)
                    WHERE m.run = \(name) AND m.to_island = \(checkpoint.island)
                        AND m.from_island = c.sender AND m.individuals <= c.position
                    """, logger: logger)
            }
            if let count = try kept.first?.decode(Int.self), count % HubRetention.statisticsEvery == 0 {
                try await connection.query(
                    HubRetention.thinStatistics(run: name, island: checkpoint.island), logger: logger)
            }
            if let statistic = checkpoint.statistic {
                try await connection.query("""
                    INSERT INTO galapagos_statistic (run, island, individuals, seconds, size, best, mean,
                        median, diversity, individuals_per_second, fec_hits, run_individuals)
                    VALUES (\(name), \(checkpoint.island), \(statistic.individuals), \(statistic.seconds),
                            \(statistic.size), \(statistic.best), \(statistic.mean), \(statistic.median),
                            \(statistic.diversity), \(statistic.individualsPerSecond), \(statistic.fecHits),
                            (SELECT SUM(individuals) FROM galapagos_island WHERE run = \(name))::BIGINT)
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
            return CheckpointOutcome(kept: true, enteredHallOfFame: entered)
        }
    }

    /// Writes lineage records in one statement; records the hub has already are left alone.
    static func insertLineage(
        _ records: [LineageRecord], run: String, connection: PostgresConnection, logger: Logger
    ) async throws {
        guard !records.isEmpty else { return }
        try await connection.query("""
            INSERT INTO galapagos_lineage (run, id, island, program, fitness, fingerprint, parent_id, origin, birth)
            SELECT \(run), r.id, r.island, r.program, r.fitness, r.fingerprint, NULLIF(r.parent_id, -1),
                   r.origin, r.birth
            FROM unnest(
                \(records.map(\.member.id))::BIGINT[], \(records.map(\.island))::INTEGER[],
                \(records.map(\.member.program))::TEXT[], \(records.map(\.member.fitness))::DOUBLE PRECISION[],
                \(records.map { Int64(bitPattern: $0.member.fingerprint) })::BIGINT[],
                \(records.map { $0.member.parentID ?? -1 })::BIGINT[], \(records.map(\.member.origin))::TEXT[],
                \(records.map(\.member.birth))::BIGINT[])
                AS r(id, island, program, fitness, fingerprint, parent_id, origin, birth)
            ON CONFLICT (run, id) DO NOTHING
            """, logger: logger)
    }
}

/// What one island's checkpoint transaction did.
public struct CheckpointOutcome: Sendable {
    /// Whether the worker still held the island (else only the hall of fame was written).
    public var kept: Bool
    /// Run-wide ids of the offered programs that entered the hall of fame (their lineages
    /// were written with them).
    public var enteredHallOfFame: [Int]
}
