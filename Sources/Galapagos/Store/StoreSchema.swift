import GRDB

/// The snapshot schema and its migrations. Migrations are frozen once shipped: add new ones,
/// never edit old ones.
enum StoreSchema {
    /// The newest schema version this build writes.
    static let version = 2

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE run (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    name TEXT NOT NULL,
                    searchspace_name TEXT NOT NULL,
                    searchspace_path TEXT NOT NULL,
                    searchspace_text TEXT NOT NULL,
                    configuration TEXT NOT NULL,
                    seed TEXT NOT NULL,
                    product_version TEXT NOT NULL,
                    schema_version INTEGER NOT NULL,
                    created_at TEXT NOT NULL,
                    dataset_hashes TEXT NOT NULL,
                    status TEXT NOT NULL,
                    stop_reason TEXT
                );
                CREATE TABLE checkpoint (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    individuals INTEGER NOT NULL,
                    seconds REAL NOT NULL,
                    created_at TEXT NOT NULL,
                    scalars TEXT NOT NULL,
                    fec BLOB NOT NULL,
                    ancestry BLOB,
                    pending TEXT NOT NULL
                );
                CREATE TABLE member (
                    island INTEGER NOT NULL,
                    slot INTEGER NOT NULL,
                    id INTEGER NOT NULL,
                    program TEXT NOT NULL,
                    fitness REAL NOT NULL,
                    fingerprint INTEGER NOT NULL,
                    parent_id INTEGER,
                    origin TEXT NOT NULL,
                    birth INTEGER NOT NULL,
                    PRIMARY KEY (island, slot)
                );
                CREATE TABLE island (
                    island INTEGER PRIMARY KEY,
                    oldest INTEGER NOT NULL,
                    individuals_since_start INTEGER NOT NULL
                );
                CREATE TABLE kept (
                    role TEXT NOT NULL,
                    rank INTEGER NOT NULL,
                    id INTEGER NOT NULL,
                    program TEXT NOT NULL,
                    fitness REAL NOT NULL,
                    fingerprint INTEGER NOT NULL,
                    parent_id INTEGER,
                    origin TEXT NOT NULL,
                    birth INTEGER NOT NULL,
                    PRIMARY KEY (role, rank)
                );
                CREATE TABLE individual (
                    id INTEGER PRIMARY KEY,
                    program TEXT NOT NULL,
                    fitness REAL NOT NULL,
                    fingerprint INTEGER NOT NULL,
                    parent_id INTEGER,
                    origin TEXT NOT NULL,
                    birth INTEGER NOT NULL
                );
                CREATE TABLE statistic (
                    individuals INTEGER NOT NULL,
                    seconds REAL NOT NULL,
                    island INTEGER NOT NULL,
                    size INTEGER NOT NULL,
                    best REAL,
                    mean REAL,
                    median REAL,
                    diversity INTEGER NOT NULL,
                    individuals_per_second REAL NOT NULL,
                    fec_hits INTEGER NOT NULL,
                    PRIMARY KEY (individuals, island)
                );
                CREATE TABLE migration (
                    individuals INTEGER NOT NULL,
                    from_island INTEGER NOT NULL,
                    to_island INTEGER NOT NULL,
                    member_id INTEGER NOT NULL,
                    original_id INTEGER NOT NULL,
                    fitness REAL NOT NULL
                );
                CREATE TABLE bandit (
                    individuals INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    arm TEXT NOT NULL,
                    pulls INTEGER NOT NULL,
                    mean REAL NOT NULL,
                    PRIMARY KEY (individuals, name, arm)
                );
                """)
        }
        // v2: a run file is self-contained (the contents of every data file its search space
        // reads) and keeps the program its last session reported.
        migrator.registerMigration("v2") { db in
            try db.execute(sql: """
                CREATE TABLE data_file (
                    path TEXT PRIMARY KEY,
                    content BLOB NOT NULL
                );
                CREATE TABLE result (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    individuals INTEGER NOT NULL,
                    member_id INTEGER NOT NULL,
                    program TEXT NOT NULL,
                    parent_id INTEGER,
                    origin TEXT NOT NULL,
                    birth INTEGER NOT NULL,
                    search_fitness REAL NOT NULL,
                    select_fitness REAL NOT NULL,
                    test_fitness REAL,
                    reached_target INTEGER NOT NULL,
                    stop_reason TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );
                """)
        }
        return migrator
    }
}
