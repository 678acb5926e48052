import Galapagos
import Logging
import PostgresNIO

/// The hub's tables. They hold the same things as a run file (see `StoreSchema`), with a
/// `run` column so that one database holds many runs, and with what coordination needs:
///
/// | hub table                 | run file                         |
/// |---------------------------|----------------------------------|
/// | `galapagos_run`           | `run`                            |
/// | `galapagos_dataset`       | (files next to the search space) |
/// | `galapagos_island`        | `checkpoint`, `island`, `member` (one compressed JSON state per island, plus its lease) |
/// | `galapagos_hall_of_fame`  | `kept` (never deleted; `HubRetention` says what enters) |
/// | `galapagos_statistic`     | `statistic`                      |
/// | `galapagos_lineage`       | `individual` (the lineages of the hall of fame's programs) |
/// | `galapagos_migrant`       | `migration` (with the programs: the islands pull from it) |
/// | `galapagos_worker`, `galapagos_event` | (coordination only)  |
enum HubSchema {
    /// The newest schema version this build writes. Version 2 adds the counters that survive
    /// retention (`galapagos_island.migrants_sent`) and run-wide individual counts on
    /// statistics rows (`galapagos_statistic.run_individuals`, as run files count); version 3
    /// compressed checkpoints (`galapagos_island.state_compressed`), an index that ranks the
    /// hall of fame, and prompt vacuuming of checkpoint rows; version 4 lineage records
    /// (`galapagos_lineage`) and workers' FEC caches (`galapagos_worker_cache`).
    static let version = 4

    static let statements: [PostgresQuery] = [
        """
        CREATE TABLE IF NOT EXISTS galapagos_schema (version INTEGER NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS galapagos_run (
            name TEXT PRIMARY KEY,
            searchspace_name TEXT NOT NULL,
            searchspace_path TEXT NOT NULL,
            searchspace_text TEXT NOT NULL,
            configuration TEXT NOT NULL,
            seed TEXT NOT NULL,
            product_version TEXT NOT NULL,
            schema_version INTEGER NOT NULL,
            dataset_hashes TEXT NOT NULL,
            islands INTEGER NOT NULL,
            lease_seconds DOUBLE PRECISION NOT NULL,
            sync_seconds DOUBLE PRECISION NOT NULL,
            max_individuals BIGINT,
            max_seconds DOUBLE PRECISION,
            created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            status TEXT NOT NULL,
            stop_reason TEXT,
            finished_at TIMESTAMPTZ,
            creator TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS galapagos_dataset (
            run TEXT NOT NULL REFERENCES galapagos_run (name) ON DELETE CASCADE,
            path TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            content BYTEA NOT NULL,
            PRIMARY KEY (run, path)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS galapagos_island (
            run TEXT NOT NULL REFERENCES galapagos_run (name) ON DELETE CASCADE,
            island INTEGER NOT NULL,
            owner TEXT,
            lease_token TEXT,
            lease_expires TIMESTAMPTZ,
            damaged TEXT,
            state TEXT,
            individuals BIGINT NOT NULL DEFAULT 0,
            fec_hits BIGINT NOT NULL DEFAULT 0,
            best DOUBLE PRECISION,
            select_fitness DOUBLE PRECISION,
            migration_cursors TEXT NOT NULL DEFAULT '{}',
            next_migration_at BIGINT NOT NULL DEFAULT 0,
            checkpoints BIGINT NOT NULL DEFAULT 0,
            checkpointed_at TIMESTAMPTZ,
            PRIMARY KEY (run, island)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS galapagos_migrant (
            id BIGSERIAL PRIMARY KEY,
            run TEXT NOT NULL REFERENCES galapagos_run (name) ON DELETE CASCADE,
            from_island INTEGER NOT NULL,
            to_island INTEGER NOT NULL,
            member_id BIGINT NOT NULL,
            program TEXT NOT NULL,
            fitness DOUBLE PRECISION NOT NULL,
            fingerprint BIGINT NOT NULL,
            individuals BIGINT NOT NULL,
            sent_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            UNIQUE (run, from_island, to_island, individuals, member_id)
        )
        """,
        """
        CREATE INDEX IF NOT EXISTS galapagos_migrant_inbox ON galapagos_migrant (run, to_island, from_island, individuals)
        """,
        """
        CREATE TABLE IF NOT EXISTS galapagos_hall_of_fame (
            run TEXT NOT NULL REFERENCES galapagos_run (name) ON DELETE CASCADE,
            program TEXT NOT NULL,
            fitness DOUBLE PRECISION NOT NULL,
            fingerprint BIGINT NOT NULL,
            island INTEGER NOT NULL,
            member_id BIGINT NOT NULL,
            individuals BIGINT NOT NULL,
            size INTEGER NOT NULL,
            worker TEXT NOT NULL,
            found_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            PRIMARY KEY (run, program)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS galapagos_statistic (
            run TEXT NOT NULL REFERENCES galapagos_run (name) ON DELETE CASCADE,
            island INTEGER NOT NULL,
            individuals BIGINT NOT NULL,
            seconds DOUBLE PRECISION NOT NULL,
            size INTEGER NOT NULL,
            best DOUBLE PRECISION,
            mean DOUBLE PRECISION,
            median DOUBLE PRECISION,
            diversity INTEGER NOT NULL,
            individuals_per_second DOUBLE PRECISION NOT NULL,
            fec_hits BIGINT NOT NULL,
            at TIMESTAMPTZ NOT NULL DEFAULT now(),
            PRIMARY KEY (run, island, individuals)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS galapagos_worker (
            run TEXT NOT NULL REFERENCES galapagos_run (name) ON DELETE CASCADE,
            id TEXT NOT NULL,
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            threads INTEGER NOT NULL,
            max_islands INTEGER,
            join_token TEXT,
            joined_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            left_at TIMESTAMPTZ,
            individuals BIGINT NOT NULL DEFAULT 0,
            syncs BIGINT NOT NULL DEFAULT 0,
            sync_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,
            PRIMARY KEY (run, id)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS galapagos_event (
            id BIGSERIAL PRIMARY KEY,
            run TEXT NOT NULL REFERENCES galapagos_run (name) ON DELETE CASCADE,
            at TIMESTAMPTZ NOT NULL DEFAULT now(),
            worker TEXT,
            kind TEXT NOT NULL,
            island INTEGER,
            detail TEXT NOT NULL DEFAULT ''
        )
        """,
        "ALTER TABLE galapagos_island ADD COLUMN IF NOT EXISTS migrants_sent BIGINT NOT NULL DEFAULT 0",
        "ALTER TABLE galapagos_statistic ADD COLUMN IF NOT EXISTS run_individuals BIGINT",
        // Version 3: checkpoints compressed (`StoredCheckpoint`); offers to the hall of fame
        // ranked against the run's fittest programs.
        "ALTER TABLE galapagos_island ADD COLUMN IF NOT EXISTS state_compressed BYTEA",
        """
        CREATE INDEX IF NOT EXISTS galapagos_hall_of_fame_rank ON galapagos_hall_of_fame (run, fitness DESC, size)
        """,
        // Checkpoints rewrite each island's row at every sync: vacuum the row versions (and TOAST
        // chunks) they leave after a fixed number, not after a fifth of the table.
        """
        ALTER TABLE galapagos_island SET (
            autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 200,
            toast.autovacuum_vacuum_scale_factor = 0, toast.autovacuum_vacuum_threshold = 200)
        """,
        // Version 4: the lineages of the programs that enter the hall of fame (append-only, as
        // the hall of fame), and each worker's FEC cache for whoever adopts its islands.
        """
        CREATE TABLE IF NOT EXISTS galapagos_lineage (
            run TEXT NOT NULL REFERENCES galapagos_run (name) ON DELETE CASCADE,
            id BIGINT NOT NULL,
            island INTEGER NOT NULL,
            program TEXT NOT NULL,
            fitness DOUBLE PRECISION NOT NULL,
            fingerprint BIGINT NOT NULL,
            parent_id BIGINT,
            origin TEXT NOT NULL,
            birth BIGINT NOT NULL,
            PRIMARY KEY (run, id)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS galapagos_worker_cache (
            run TEXT NOT NULL REFERENCES galapagos_run (name) ON DELETE CASCADE,
            worker TEXT NOT NULL,
            entries INTEGER NOT NULL,
            cache BYTEA NOT NULL,
            saved_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            PRIMARY KEY (run, worker)
        )
        """,
    ]

    /// Creates the tables if missing (under a lock: several processes may start at once) and
    /// refuses a database written by a newer schema.
    static func prepare(_ hub: HubConnection) async throws {
        // Readers and workers usually find the tables in place: then no DDL runs (it would need
        // the tables' owner and would briefly lock them).
        var newest = try await installedVersion(hub)
        if newest < version {
            newest = try await hub.transaction("preparing the hub's tables") { connection, logger in
                try await connection.query("SELECT pg_advisory_xact_lock(7262736)", logger: logger)
                for statement in statements {
                    try await connection.query(statement, logger: logger)
                }
                var newest = 0
                for try await (version) in try await connection.query(
                    "SELECT COALESCE(MAX(version), 0) FROM galapagos_schema", logger: logger
                ).decode(Int.self) {
                    newest = version
                }
                if newest < version {
                    try await connection.query(
                        "INSERT INTO galapagos_schema (version) VALUES (\(version))", logger: logger)
                    newest = version
                }
                return newest
            }
        }
        guard newest <= version else {
            throw GalapagosError.hub(
                hub.address.description,
                "the hub's tables were written by a newer Galapagos (schema \(newest), this build"
                    + " knows \(version)); upgrade this machine's galapagos")
        }
    }

    /// The schema version in the database, 0 when the tables are missing.
    private static func installedVersion(_ hub: HubConnection) async throws -> Int {
        try await hub.perform("reading the hub's schema version") { connection, logger in
            var exists = false
            for try await (found) in try await connection.query(
                "SELECT to_regclass('galapagos_schema') IS NOT NULL", logger: logger
            ).decode(Bool.self) {
                exists = found
            }
            guard exists else { return 0 }
            var installed = 0
            for try await (version) in try await connection.query(
                "SELECT COALESCE(MAX(version), 0) FROM galapagos_schema", logger: logger
            ).decode(Int.self) {
                installed = version
            }
            return installed
        }
    }
}
