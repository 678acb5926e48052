import Foundation
import Galapagos
import PostgresNIO

/// One run on a hub: the operations the coordinator, the workers and the readers perform on
/// its rows. Every operation is one transaction, safe to repeat after a lost connection.
public struct HubRun: Sendable {
    public let hub: HubConnection
    public let name: String

    var address: String { hub.address.description }

    /// A run by name (see ``open(_:on:)`` to check that it exists).
    public init(hub: HubConnection, name: String) {
        self.hub = hub
        self.name = name
    }

    /// The run's state as the hub sees it.
    public struct Status: Sendable, Equatable {
        /// Running, stopped (interrupted; can resume) or finished.
        public var status: RunStatus
        public var stopReason: String?
        /// Individuals checkpointed by every island.
        public var individuals: Int
        public var fecHits: Int
        /// The best select fitness any island reached.
        public var bestSelectFitness: Double?
        /// Islands held by a worker whose lease has not expired.
        public var leasedIslands: Int
        /// Workers seen within the lease time.
        public var liveWorkers: Int
        /// Live workers without an island limit (`--islands`), and the islands leased by the
        /// others: the fair share of an unlimited worker is the rest divided among them.
        public var unlimitedWorkers: Int
        public var islandsOfLimitedWorkers: Int
        /// Seconds since the run (last) started, by the hub's clock.
        public var seconds: Double
        /// Seconds the run may last (`nil`: no limit) and individuals it may use.
        public var maxSeconds: Double?
        public var maxIndividuals: Int?
        /// Seconds after which a silent worker's islands may be adopted.
        public var leaseSeconds: Double

        /// The budget the run has spent, if any: why it should end now.
        public var spentBudget: StopReason? {
            if let maxIndividuals, individuals >= maxIndividuals { return .maxIndividuals }
            if let maxSeconds, seconds >= maxSeconds { return .maxTime }
            return nil
        }
    }

    // MARK: Creating and opening

    /// Creates a run; refuses a name already taken.
    public static func create(
        _ definition: HubRunDefinition, on hub: HubConnection, maxIndividuals: Int?, maxSeconds: Double?
    ) async throws -> HubRun {
        try await HubSchema.prepare(hub)
        let configuration = try JSONText.encode(definition.configuration)
        let hashes = try JSONText.encode(definition.datasetHashes)
        let address = hub.address.description
        // Marks this creation, so that a retry after a COMMIT whose answer was lost recognises
        // its own run instead of reporting the name as taken.
        let creator = UUID().uuidString
        let created = try await hub.transaction("creating run \(definition.name)") { connection, logger in
            var earlier: String?
            for try await (owner) in try await connection.query(
                "SELECT creator FROM galapagos_run WHERE name = \(definition.name)", logger: logger
            ).decode(String.self) {
                earlier = owner
            }
            if let earlier { return earlier == creator }
            let rows = try await connection.query("""
                INSERT INTO galapagos_run (name, searchspace_name, searchspace_path, searchspace_text,
                    configuration, seed, product_version, schema_version, dataset_hashes, islands,
                    lease_seconds, sync_seconds, max_individuals, max_seconds, status, creator)
                VALUES (\(definition.name), \(definition.searchSpaceName),
                    \(definition.configuration.searchSpacePath), \(definition.searchSpaceText),
                    \(configuration), \(definition.configuration.seed), \(definition.productVersion),
                    \(HubSchema.version), \(hashes), \(definition.islands), \(definition.leaseSeconds),
                    \(definition.syncSeconds), \(maxIndividuals), \(maxSeconds), 'running', \(creator))
                ON CONFLICT (name) DO NOTHING
                RETURNING name
                """, logger: logger).collect()
            guard !rows.isEmpty else { return false }
            for file in definition.dataFiles {
                try await connection.query("""
                    INSERT INTO galapagos_dataset (run, path, content_hash, content)
                    VALUES (\(definition.name), \(file.path), \(file.contentHash), \(Data(file.content)))
                    """, logger: logger)
            }
            try await connection.query("""
                INSERT INTO galapagos_island (run, island)
                SELECT \(definition.name), generate_series(0, \(definition.islands - 1))
                """, logger: logger)
            try await connection.query("""
                INSERT INTO galapagos_event (run, kind, detail)
                VALUES (\(definition.name), 'created', \("\(definition.islands) islands"))
                """, logger: logger)
            return true
        }
        guard created else {
            throw GalapagosError.hub(
                address, "a run named \(definition.name) already exists; choose another --run name,"
                    + " join it with `galapagos worker`, or continue it with `galapagos resume`")
        }
        return HubRun(hub: hub, name: definition.name)
    }

    /// Whether a run of this name exists (preparing the tables if needed).
    public static func exists(_ name: String, on hub: HubConnection) async throws -> Bool {
        try await HubSchema.prepare(hub)
        return try await hub.perform("looking for run \(name)") { connection, logger in
            try await !connection.query(
                "SELECT 1 FROM galapagos_run WHERE name = \(name)", logger: logger
            ).collect().isEmpty
        }
    }

    /// Opens an existing run and reads its definition.
    public static func open(_ name: String, on hub: HubConnection) async throws -> (HubRun, HubRunDefinition) {
        try await HubSchema.prepare(hub)
        let address = hub.address.description
        let definition = try await hub.transaction("reading run \(name)") { connection, logger -> HubRunDefinition? in
            let rows = try await connection.query("""
                SELECT searchspace_name, searchspace_text, configuration, dataset_hashes, islands,
                       lease_seconds, sync_seconds, product_version
                FROM galapagos_run WHERE name = \(name)
                """, logger: logger)
            var found: (String, String, String, String, Int, Double, Double, String)?
            for try await row in rows.decode((String, String, String, String, Int, Double, Double, String).self) {
                found = row
            }
            guard let found else { return nil }
            var files: [DataFile] = []
            for try await (path, hash, content) in try await connection.query("""
                SELECT path, content_hash, content FROM galapagos_dataset WHERE run = \(name) ORDER BY path
                """, logger: logger).decode((String, String, Data).self) {
                let file = DataFile(path: path, content: [UInt8](content))
                guard file.contentHash == hash else {
                    throw GalapagosError.hub(address, "run \(name): dataset \(path) is damaged (hash mismatch)")
                }
                files.append(file)
            }
            guard let configuration = try? JSONText.decode(RunConfiguration.self, found.2),
                  let hashes = try? JSONText.decode([String: String].self, found.3)
            else {
                throw GalapagosError.hub(address, "run \(name): the run record is damaged (configuration unreadable)")
            }
            guard (1...100_000).contains(found.4), (0.05...604_800).contains(found.5),
                  (0.05...604_800).contains(found.6)
            else {
                throw GalapagosError.hub(address, "run \(name): the run record is damaged (islands \(found.4),"
                    + " lease \(found.5) s, sync \(found.6) s)")
            }
            return HubRunDefinition(
                name: name, searchSpaceName: found.0, searchSpaceText: found.1,
                configuration: configuration, dataFiles: files, datasetHashes: hashes,
                islands: found.4, leaseSeconds: found.5, syncSeconds: found.6, productVersion: found.7)
        }
        guard let definition else {
            throw GalapagosError.hub(address, "no run named \(name) (list them with `psql -c 'SELECT name, status FROM galapagos_run'`)")
        }
        return (HubRun(hub: hub, name: name), definition)
    }

    // MARK: Status

    /// The run's status and totals.
    public func status() async throws -> Status {
        let name = self.name
        let address = self.address
        return try await hub.transaction("reading the status of run \(name)") { connection, logger in
            var status: Status?
            for try await row in try await connection.query("""
                SELECT r.status, r.stop_reason,
                       COALESCE((SELECT SUM(individuals) FROM galapagos_island WHERE run = r.name), 0)::BIGINT,
                       COALESCE((SELECT SUM(fec_hits) FROM galapagos_island WHERE run = r.name), 0)::BIGINT,
                       (SELECT MAX(select_fitness) FROM galapagos_island WHERE run = r.name),
                       (SELECT COUNT(*) FROM galapagos_island WHERE run = r.name AND owner IS NOT NULL
                            AND lease_expires > now())::BIGINT,
                       (SELECT COUNT(*) FROM galapagos_worker WHERE run = r.name AND left_at IS NULL
                            AND heartbeat_at > now() - make_interval(secs => r.lease_seconds))::BIGINT,
                       (SELECT COUNT(*) FROM galapagos_worker WHERE run = r.name AND left_at IS NULL
                            AND max_islands IS NULL
                            AND heartbeat_at > now() - make_interval(secs => r.lease_seconds))::BIGINT,
                       (SELECT COUNT(*) FROM galapagos_island i JOIN galapagos_worker w
                            ON w.run = i.run AND w.id = i.owner
                            WHERE i.run = r.name AND i.lease_expires > now()
                            AND w.max_islands IS NOT NULL)::BIGINT,
                       EXTRACT(EPOCH FROM (COALESCE(r.finished_at, now()) - r.started_at))::DOUBLE PRECISION,
                       r.max_seconds, r.max_individuals, r.lease_seconds
                FROM galapagos_run r WHERE r.name = \(name)
                """, logger: logger).decode(
                    (String, String?, Int, Int, Double?, Int, Int, Int, Int, Double, Double?, Int?, Double).self) {
                guard let runStatus = RunStatus(rawValue: row.0) else {
                    throw GalapagosError.hub(address, "run \(name) has an unknown status '\(row.0)'")
                }
                status = Status(
                    status: runStatus, stopReason: row.1, individuals: row.2, fecHits: row.3,
                    bestSelectFitness: row.4, leasedIslands: row.5, liveWorkers: row.6,
                    unlimitedWorkers: row.7, islandsOfLimitedWorkers: row.8, seconds: row.9,
                    maxSeconds: row.10, maxIndividuals: row.11, leaseSeconds: row.12)
            }
            guard let status else { throw GalapagosError.hub(address, "run \(name) disappeared from the hub") }
            return status
        }
    }

    /// Ends the run (if it is still running) for `reason`; returns whether this call ended it.
    @discardableResult
    public func end(status: RunStatus, reason: String, worker: String? = nil) async throws -> Bool {
        let name = self.name
        let status = status.rawValue
        return try await hub.transaction("ending run \(name)") { connection, logger in
            let rows = try await connection.query("""
                UPDATE galapagos_run SET status = \(status), stop_reason = \(reason), finished_at = now()
                WHERE name = \(name) AND status = 'running' RETURNING name
                """, logger: logger).collect()
            guard !rows.isEmpty else { return false }
            try await connection.query("""
                INSERT INTO galapagos_event (run, worker, kind, detail)
                VALUES (\(name), \(worker), \(status), \(reason))
                """, logger: logger)
            return true
        }
    }

    /// Sets a stopped run running again with new budgets (counted from now).
    public func restart(maxIndividuals: Int?, maxSeconds: Double?) async throws -> Bool {
        let name = self.name
        return try await hub.transaction("resuming run \(name)") { connection, logger in
            let rows = try await connection.query("""
                UPDATE galapagos_run SET status = 'running', stop_reason = NULL, finished_at = NULL,
                    started_at = now(),
                    max_individuals = \(maxIndividuals),
                    max_seconds = \(maxSeconds)
                WHERE name = \(name) AND status = 'stopped' RETURNING name
                """, logger: logger).collect()
            guard !rows.isEmpty else { return false }
            try await connection.query(
                "INSERT INTO galapagos_event (run, kind) VALUES (\(name), 'resumed')", logger: logger)
            return true
        }
    }

    /// Records something that happened, for `inspect` and for tests.
    public func event(_ kind: String, worker: String?, island: Int? = nil, detail: String = "") async throws {
        let name = self.name
        try await hub.perform("recording an event") { connection, logger in
            try await connection.query("""
                INSERT INTO galapagos_event (run, worker, kind, island, detail)
                VALUES (\(name), \(worker), \(kind), \(island), \(detail))
                """, logger: logger)
        }
    }

    /// Events, oldest first: (kind, worker, island, detail).
    public func events() async throws -> [HubEvent] {
        let name = self.name
        return try await hub.perform("reading events") { connection, logger in
            var events: [HubEvent] = []
            for try await row in try await connection.query("""
                SELECT kind, worker, island, detail FROM galapagos_event WHERE run = \(name) ORDER BY id
                """, logger: logger).decode((String, String?, Int?, String).self) {
                events.append(HubEvent(kind: row.0, worker: row.1, island: row.2, detail: row.3))
            }
            return events
        }
    }
}

/// Something that happened in a hub run: created, joined, claimed, adopted, released,
/// lease-lost, left, finished, stopped, resumed.
public struct HubEvent: Sendable, Equatable, Codable {
    public var kind: String
    public var worker: String?
    public var island: Int?
    public var detail: String
}
