import Foundation
import GRDB
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The durable record of one run: `populations/<run>.sqlite`, written by exactly one process.
///
/// The file holds the run's definition (search-space text, configuration, dataset hashes), the
/// latest checkpoint (everything that determines the future), the populations, the hall of
/// fame, the lineage of what the run holds, and per-checkpoint statistics. Each checkpoint is
/// one transaction: a crash, `kill -9` or full disk leaves the previous checkpoint intact.
///
/// An exclusive `flock` on the file keeps a second writer out; the kernel drops it when the
/// process dies, so a killed run never leaves a stale lock.
// @unchecked: every stored property is immutable; DatabasePool is itself thread-safe.
public final class RunStore: @unchecked Sendable {
    /// The file's path.
    public let path: String
    /// The search space's name, for the headers of stored programs.
    let searchSpaceName: String
    let database: DatabasePool
    private let lock: Int32
    private let closed = Mutex(false)

    private init(path: String, searchSpaceName: String, database: DatabasePool, lock: Int32) {
        self.path = path
        self.searchSpaceName = searchSpaceName
        self.database = database
        self.lock = lock
    }

    deinit {
        close()
    }

    /// Closes the file and releases the lock. The file is left in rollback-journal mode, a
    /// single self-contained file (WAL is used only while a process writes it).
    public func close() {
        let alreadyClosed = closed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !alreadyClosed else { return }
        try? database.close()
        if let queue = try? DatabaseQueue(path: path) {
            _ = try? queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = DELETE")
            }
            try? queue.close()
        }
        flock(lock, LOCK_UN)
        Glibc.close(lock)
    }

    // MARK: Opening

    /// Creates a new run file; fails if the file exists.
    public static func create(
        path: String, name: String, space: SearchSpace, configuration: RunConfiguration,
        datasetHashes: [String: String]
    ) throws -> RunStore {
        let directory = directoryPart(of: path)
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        // O_EXCL reserves the name: two runs can never write the same file. A file left empty
        // by a process killed right after reserving it (and not locked by anyone) is reused.
        var descriptor = open(path, O_CREAT | O_EXCL | O_RDWR, 0o644)
        var failure = descriptor < 0 ? errno : 0
        if failure == EEXIST, isAbandonedReservation(path) {
            unlink(path)
            descriptor = open(path, O_CREAT | O_EXCL | O_RDWR, 0o644)
            failure = descriptor < 0 ? errno : 0
        }
        guard descriptor >= 0 else {
            let reason = failure == EEXIST ? "a run file already exists there" : String(cString: strerror(failure))
            throw GalapagosError.io(path: path, "cannot create run file: \(reason)")
        }
        Glibc.close(descriptor)
        let lock = try acquireLock(path)
        do {
            let database = try openPool(path: path, readonly: false)
            try StoreSchema.migrator.migrate(database)
            try database.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO run (id, name, searchspace_name, searchspace_path, searchspace_text,
                            configuration, seed, product_version, schema_version, created_at,
                            dataset_hashes, status)
                        VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')
                        """,
                    arguments: [
                        name, space.name, configuration.searchSpacePath, space.sourceText,
                        try JSONText.encode(configuration), configuration.seed, ProductVersion.current,
                        StoreSchema.version, Timestamp.now(), try JSONText.encode(datasetHashes),
                    ])
                for file in space.dataFiles {
                    try db.execute(
                        sql: "INSERT INTO data_file (path, content) VALUES (?, ?)",
                        arguments: [file.path, Data(file.content)])
                }
            }
            return RunStore(path: path, searchSpaceName: space.name, database: database, lock: lock)
        } catch {
            Glibc.close(lock)
            throw StoreError.wrap(error, path: path)
        }
    }

    /// Whether `path` is an empty file nobody holds the lock of: the trace of a run killed
    /// between reserving its name and writing its first record.
    private static func isAbandonedReservation(_ path: String) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              (attributes[.size] as? Int) == 0
        else { return false }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return false }
        defer { Glibc.close(descriptor) }
        return flock(descriptor, LOCK_EX | LOCK_NB) == 0
    }

    /// Opens an existing run to continue writing it.
    public static func openForWriting(path: String) throws -> (RunStore, StoredRun) {
        try StoreError.requireFile(path)
        let lock = try acquireLock(path)
        do {
            let database = try openPool(path: path, readonly: false)
            try StoreSchema.check(database, path: path)
            try StoreSchema.migrator.migrate(database)
            let run = try database.read { try StoredRun.fetch($0, path: path) }
            try database.write { db in
                try db.execute(sql: "UPDATE run SET status = 'running', stop_reason = NULL")
            }
            let name = (try? database.read { db in
                try String.fetchOne(db, sql: "SELECT searchspace_name FROM run WHERE id = 1")
            }) ?? nil
            return (RunStore(path: path, searchSpaceName: name ?? "?", database: database, lock: lock), run)
        } catch {
            Glibc.close(lock)
            throw StoreError.wrap(error, path: path)
        }
    }

    static func openPool(path: String, readonly: Bool) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.readonly = readonly
        configuration.busyMode = .timeout(10)
        configuration.label = "galapagos-run"
        return try DatabasePool(path: path, configuration: configuration)
    }

    private static func acquireLock(_ path: String) throws -> Int32 {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw GalapagosError.io(path: path, "cannot open run file: \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            Glibc.close(descriptor)
            throw GalapagosError.run(
                "\(path): another galapagos process is writing this run (the file is locked);"
                    + " wait for it to stop, or inspect it read-only with `galapagos inspect`")
        }
        return descriptor
    }

    // MARK: Writing

    /// Writes a checkpoint in one transaction.
    public func write(_ checkpoint: Checkpoint) throws {
        do {
            try database.write { db in try checkpoint.insert(into: db) }
        } catch {
            throw StoreError.wrap(error, path: path)
        }
    }

    /// Records the run's status, why it stopped, and the program its session reported; the
    /// file stays resumable unless the run is finished.
    public func record(status: RunStatus, reason: String?, result: RunSummary? = nil) throws {
        do {
            try database.write { db in
                try db.execute(
                    sql: "UPDATE run SET status = ?, stop_reason = ?",
                    arguments: [status.rawValue, reason])
                guard let result else { return }
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO result (id, individuals, member_id, program, parent_id,
                            origin, birth, search_fitness, select_fitness, test_fitness,
                            reached_target, stop_reason, created_at)
                        VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        result.individuals, result.best.id,
                        ProgramPrinter.print(result.best.program, searchSpace: searchSpaceName),
                        result.best.parentID, result.best.origin.rawValue, result.best.birth,
                        result.searchFitness, result.selectFitness, result.testFitness,
                        result.reachedTarget, reason ?? "", Timestamp.now(),
                    ])
            }
        } catch {
            throw StoreError.wrap(error, path: path)
        }
    }

    /// Reads the latest checkpoint back as an engine state.
    public func loadState(limits: ProgramLimits) throws -> (EngineState, seconds: Double)? {
        do {
            return try database.read { db in try Checkpoint.load(from: db, path: path, limits: limits) }
        } catch {
            throw StoreError.wrap(error, path: path)
        }
    }
}

/// The run's definition as stored.
public struct StoredRun: Sendable {
    public var name: String
    public var searchSpaceText: String
    public var configuration: RunConfiguration
    public var productVersion: String
    public var datasetHashes: [String: String]
    public var status: RunStatus
    public var stopReason: String?
    /// The contents of the data files the search space reads (empty for run files written
    /// before runs kept their data: those read it from the search space's directory).
    public var dataFiles: [DataFile]

    public init(
        name: String, searchSpaceText: String, configuration: RunConfiguration,
        productVersion: String, datasetHashes: [String: String], status: RunStatus,
        stopReason: String?, dataFiles: [DataFile]
    ) {
        self.name = name
        self.searchSpaceText = searchSpaceText
        self.configuration = configuration
        self.productVersion = productVersion
        self.datasetHashes = datasetHashes
        self.status = status
        self.stopReason = stopReason
        self.dataFiles = dataFiles
    }

    /// The search space as the run was started with it (before command-line overrides), its
    /// data read from the run's stored copies, so it loads from any directory.
    ///
    /// - Parameter location: the run's path or hub address, for messages.
    public func searchSpace(location: String) throws -> SearchSpace {
        try SearchSpace.parse(
            searchSpaceText, file: "\(location) (stored search space)",
            data: .stored(dataFiles, in: location, fallback: configuration.searchSpaceDirectory))
    }

    /// The search space the run searches: the stored one with the run's overrides applied.
    public func effectiveSearchSpace(location: String) throws -> SearchSpace {
        configuration.overrides.apply(to: try searchSpace(location: location))
    }

    static func fetch(_ db: Database, path: String) throws -> StoredRun {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM run WHERE id = 1") else {
            throw GalapagosError.run("\(path): not a Galapagos run (the run record is missing)")
        }
        let configurationText: String = try row.value("configuration")
        let hashesText: String = try row.value("dataset_hashes")
        guard let configuration = try? JSONText.decode(RunConfiguration.self, configurationText),
              let hashes = try? JSONText.decode([String: String].self, hashesText)
        else {
            throw GalapagosError.run("\(path): the run record is damaged (configuration unreadable)")
        }
        let statusText: String = try row.value("status")
        guard let status = RunStatus(rawValue: statusText) else {
            throw GalapagosError.run(
                "\(path): the run record is damaged (status '\(statusText)', expected one of"
                    + " \(RunStatus.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        var files: [DataFile] = []
        if try db.tableExists("data_file") {
            files = try Row.fetchAll(db, sql: "SELECT path, content FROM data_file ORDER BY rowid").map {
                let content: Data = try $0.value("content")
                return try DataFile(path: $0.value("path"), content: [UInt8](content))
            }
        }
        return try StoredRun(
            name: row.value("name"), searchSpaceText: row.value("searchspace_text"),
            configuration: configuration, productVersion: row.value("product_version"),
            datasetHashes: hashes, status: status, stopReason: row.value("stop_reason"),
            dataFiles: files)
    }
}

/// JSON as text columns (sorted keys, so equal values give equal text).
public enum JSONText {
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    public static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}

/// ISO-8601 times for records.
enum Timestamp {
    static func now() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}
