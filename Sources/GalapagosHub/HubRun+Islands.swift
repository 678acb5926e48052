import Foundation
import Galapagos
import PostgresNIO

/// An island a worker has just leased.
public struct ClaimedIsland: Sendable {
    public var index: Int
    /// The island's last checkpoint (an ``EngineStateDocument``), or `nil` before its first.
    public var state: String?
    /// The last migrant the island took in.
    public var migrationCursor: Int
    /// Island individuals at which it next sends migrants.
    public var nextMigrationAt: Int
    /// The worker that held it before, when it is adopted.
    public var previousOwner: String?
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
}

/// What a worker writes for one island at a sync.
public struct IslandCheckpoint: Sendable {
    public var island: Int
    public var state: String
    public var individuals: Int
    public var fecHits: Int
    public var best: Double?
    public var selectFitness: Double?
    public var migrationCursor: Int
    public var nextMigrationAt: Int
    public var emigrants: [Emigrant]
    public var hallOfFame: [HallOfFameEntry]
    public var statistic: HubStatistic?
}

/// One row of per-island statistics.
public struct HubStatistic: Sendable {
    public var individuals: Int
    public var seconds: Double
    public var size: Int
    public var best: Double?
    public var mean: Double?
    public var median: Double?
    public var diversity: Int
    public var individualsPerSecond: Double
    public var fecHits: Int
}

extension HubRun {
    /// Registers a worker.
    public func join(worker: String, host: String, pid: Int, threads: Int) async throws {
        let name = self.name
        try await hub.transaction("joining run \(name)") { connection, logger in
            try await connection.query("""
                INSERT INTO galapagos_worker (run, id, host, pid, threads)
                VALUES (\(name), \(worker), \(host), \(pid), \(threads))
                ON CONFLICT (run, id) DO UPDATE SET heartbeat_at = now(), left_at = NULL
                """, logger: logger)
            try await connection.query("""
                INSERT INTO galapagos_event (run, worker, kind, detail)
                VALUES (\(name), \(worker), 'joined', \("\(host) pid \(pid), \(threads) threads"))
                """, logger: logger)
        }
    }

    /// Marks a worker gone and frees its leases.
    public func leave(worker: String, individuals: Int, syncs: Int, syncSeconds: Double) async throws {
        let name = self.name
        try await hub.transaction("leaving run \(name)") { connection, logger in
            try await connection.query("""
                UPDATE galapagos_island SET owner = NULL, lease_expires = NULL
                WHERE run = \(name) AND owner = \(worker)
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

    /// Leases up to `count` islands that nobody holds or whose holder's lease expired, lowest
    /// index first.
    public func claim(worker: String, count: Int, leaseSeconds: Double) async throws -> [ClaimedIsland] {
        guard count > 0 else { return [] }
        let name = self.name
        return try await hub.transaction("claiming islands") { connection, logger in
            var claimed: [ClaimedIsland] = []
            for try await row in try await connection.query("""
                WITH free AS (
                    SELECT island, owner AS previous FROM galapagos_island
                    WHERE run = \(name) AND (owner IS NULL OR lease_expires < now())
                    ORDER BY island LIMIT \(count)
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE galapagos_island i
                SET owner = \(worker), lease_expires = now() + make_interval(secs => \(leaseSeconds))
                FROM free
                WHERE i.run = \(name) AND i.island = free.island
                RETURNING i.island, i.state, i.migration_cursor, i.next_migration_at, free.previous
                """, logger: logger).decode((Int, String?, Int, Int, String?).self) {
                claimed.append(ClaimedIsland(
                    index: row.0, state: row.1, migrationCursor: row.2, nextMigrationAt: row.3,
                    previousOwner: row.4))
            }
            for island in claimed {
                let adopted = island.previousOwner.map { $0 != worker } ?? false
                try await connection.query("""
                    INSERT INTO galapagos_event (run, worker, kind, island, detail)
                    VALUES (\(name), \(worker), \(adopted ? "adopted" : "claimed"), \(island.index),
                            \(island.previousOwner.map { "from \($0)" } ?? ""))
                    """, logger: logger)
            }
            return claimed.sorted { $0.index < $1.index }
        }
    }

    /// Gives islands back (after their last checkpoint) so that other workers can take them.
    public func release(islands: [Int], worker: String) async throws {
        guard !islands.isEmpty else { return }
        let name = self.name
        try await hub.transaction("releasing islands") { connection, logger in
            for island in islands {
                try await connection.query("""
                    UPDATE galapagos_island SET owner = NULL, lease_expires = NULL
                    WHERE run = \(name) AND island = \(island) AND owner = \(worker)
                    """, logger: logger)
                try await connection.query("""
                    INSERT INTO galapagos_event (run, worker, kind, island)
                    VALUES (\(name), \(worker), 'released', \(island))
                    """, logger: logger)
            }
        }
    }

    /// Migrants waiting for an island after `cursor`, oldest first.
    public func arrivals(island: Int, after cursor: Int, limit: Int = 1_000) async throws -> [Arrival] {
        let name = self.name
        return try await hub.perform("reading island \(island)'s migrants") { connection, logger in
            var arrivals: [Arrival] = []
            for try await row in try await connection.query("""
                SELECT id, from_island, member_id, program, fitness, fingerprint FROM galapagos_migrant
                WHERE run = \(name) AND to_island = \(island) AND id > \(cursor)
                ORDER BY id LIMIT \(limit)
                """, logger: logger).decode((Int, Int, Int, String, Double, Int64).self) {
                arrivals.append(Arrival(
                    id: row.0, from: row.1, memberID: row.2, program: row.3, fitness: row.4,
                    fingerprint: UInt64(bitPattern: row.5)))
            }
            return arrivals
        }
    }

    /// Writes an island's checkpoint, its emigrants, hall-of-fame offers and statistics in one
    /// transaction, and renews its lease. Returns `false` (writing nothing but the hall of fame)
    /// when the worker no longer holds the island: its lease expired and another worker
    /// adopted it.
    public func checkpoint(
        _ checkpoint: IslandCheckpoint, worker: String, leaseSeconds: Double
    ) async throws -> Bool {
        let name = self.name
        return try await hub.transaction("checkpointing island \(checkpoint.island)") { connection, logger in
            // Programs found are kept even when the lease was lost: nothing found is lost.
            for entry in checkpoint.hallOfFame {
                try await connection.query("""
                    INSERT INTO galapagos_hall_of_fame
                        (run, program, fitness, fingerprint, island, member_id, individuals, size, worker)
                    VALUES (\(name), \(entry.program), \(entry.fitness), \(Int64(bitPattern: entry.fingerprint)),
                            \(entry.island), \(entry.memberID), \(entry.individuals), \(entry.size), \(worker))
                    ON CONFLICT (run, program) DO NOTHING
                    """, logger: logger)
            }
            let kept = try await connection.query("""
                UPDATE galapagos_island SET
                    state = \(checkpoint.state), individuals = \(checkpoint.individuals),
                    fec_hits = \(checkpoint.fecHits), best = \(checkpoint.best),
                    select_fitness = \(checkpoint.selectFitness),
                    migration_cursor = \(checkpoint.migrationCursor),
                    next_migration_at = \(checkpoint.nextMigrationAt),
                    checkpoints = checkpoints + 1, checkpointed_at = now(),
                    lease_expires = now() + make_interval(secs => \(leaseSeconds))
                WHERE run = \(name) AND island = \(checkpoint.island) AND owner = \(worker)
                RETURNING island
                """, logger: logger).collect()
            guard !kept.isEmpty else {
                try await connection.query("""
                    INSERT INTO galapagos_event (run, worker, kind, island)
                    VALUES (\(name), \(worker), 'lease-lost', \(checkpoint.island))
                    """, logger: logger)
                return false
            }
            for emigrant in checkpoint.emigrants {
                try await connection.query("""
                    INSERT INTO galapagos_migrant
                        (run, from_island, to_island, member_id, program, fitness, fingerprint, individuals)
                    VALUES (\(name), \(checkpoint.island), \(emigrant.to), \(emigrant.memberID),
                            \(emigrant.program), \(emigrant.fitness), \(Int64(bitPattern: emigrant.fingerprint)),
                            \(emigrant.individuals))
                    """, logger: logger)
            }
            if let statistic = checkpoint.statistic {
                try await connection.query("""
                    INSERT INTO galapagos_statistic (run, island, individuals, seconds, size, best, mean,
                        median, diversity, individuals_per_second, fec_hits)
                    VALUES (\(name), \(checkpoint.island), \(statistic.individuals), \(statistic.seconds),
                            \(statistic.size), \(statistic.best), \(statistic.mean), \(statistic.median),
                            \(statistic.diversity), \(statistic.individualsPerSecond), \(statistic.fecHits))
                    """, logger: logger)
            }
            return true
        }
    }
}
