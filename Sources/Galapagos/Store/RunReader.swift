import Foundation
import GRDB

/// Reads a run file without ever writing it: for `inspect`, reports and exports. Works while
/// another process is still writing the run (SQLite's WAL lets readers see the last committed
/// checkpoint).
public final class RunReader {
    public let path: String
    let database: DatabaseQueue

    /// Opens a run file read-only; never creates one.
    public init(path: String) throws {
        try StoreError.requireFile(path)
        self.path = path
        do {
            var configuration = Configuration()
            configuration.readonly = true
            configuration.busyMode = .timeout(10)
            database = try DatabaseQueue(path: path, configuration: configuration)
            try StoreSchema.check(database, path: path)
        } catch {
            throw StoreError.wrap(error, path: path)
        }
    }

    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try database.read(body)
        } catch {
            throw StoreError.wrap(error, path: path)
        }
    }

    /// One member as stored, with its program text.
    public struct StoredMember: Sendable, Codable, Equatable {
        public var id: Int
        public var fitness: Double
        public var parentID: Int?
        public var origin: String
        public var birth: Int
        public var program: String
        /// Number of instructions.
        public var size: Int
        /// The island it lives on, when it is alive.
        public var island: Int?

        init(row: Row, island: Int? = nil) throws {
            id = try row.value("id")
            fitness = try row.value("fitness")
            parentID = try row.value("parent_id")
            origin = try row.value("origin")
            birth = try row.value("birth")
            program = try row.value("program")
            size = program.split(separator: "\n").filter { $0.hasPrefix("  ") }.count
            self.island = island
        }
    }

    /// The run's definition.
    public func run() throws -> StoredRun {
        try read { try StoredRun.fetch($0, path: path) }
    }

    /// Facts about the latest checkpoint.
    public struct Progress: Sendable, Codable {
        public var individuals: Int
        public var seconds: Double
        public var fecHits: Int
        public var migrations: Int
        public var checkpointedAt: String
        /// The select fitness of the member selected so far (``RunRecords/selected()``).
        public var selectedFitness: Double?

        public init(
            individuals: Int, seconds: Double, fecHits: Int, migrations: Int, checkpointedAt: String,
            selectedFitness: Double? = nil
        ) {
            self.individuals = individuals
            self.seconds = seconds
            self.fecHits = fecHits
            self.migrations = migrations
            self.checkpointedAt = checkpointedAt
            self.selectedFitness = selectedFitness
        }
    }

    /// The latest checkpoint's counters, or `nil` before the first checkpoint.
    public func progress() throws -> Progress? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM checkpoint WHERE id = 1") else {
                return nil
            }
            let scalarsText: String = try row.value("scalars")
            guard let scalars = try? JSONText.decode(EngineState.Scalars.self, scalarsText) else {
                throw GalapagosError.run("\(path): the checkpoint is damaged (engine scalars unreadable)")
            }
            return try Progress(
                individuals: row.value("individuals"), seconds: row.value("seconds"),
                fecHits: scalars.fecHits, migrations: scalars.migrations,
                checkpointedAt: row.value("created_at"),
                selectedFitness: scalars.bestSelectedID.flatMap { scalars.selectFitness[$0] })
        }
    }

    /// Per-island facts from the latest checkpoint.
    public struct IslandSummary: Sendable, Codable {
        public var island: Int
        public var size: Int
        public var best: Double?
        public var mean: Double?
        public var diversity: Int

        public init(island: Int, size: Int, best: Double?, mean: Double?, diversity: Int) {
            self.island = island
            self.size = size
            self.best = best
            self.mean = mean
            self.diversity = diversity
        }
    }

    public func islands() throws -> [IslandSummary] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT island, COUNT(*) AS size, MAX(fitness) AS best, AVG(fitness) AS mean,
                       COUNT(DISTINCT fingerprint) AS diversity
                FROM member GROUP BY island ORDER BY island
                """).map {
                try IslandSummary(
                    island: $0.value("island"), size: $0.value("size"), best: $0.value("best"),
                    mean: $0.value("mean"), diversity: $0.value("diversity"))
            }
        }
    }

    /// The best-N hall of fame, best first.
    public func hallOfFame(limit: Int = .max) throws -> [StoredMember] {
        try kept(role: "hall_of_fame", limit: limit)
    }

    /// The best member of each program size that beats every smaller size.
    public func paretoFront() throws -> [StoredMember] {
        Self.paretoFront(of: try kept(role: "pareto", limit: .max))
    }

    /// The members that beat every smaller program: per size the fittest, kept only when it is
    /// fitter than the front so far.
    public static func paretoFront(of members: [StoredMember]) -> [StoredMember] {
        let bySize = members.sorted { $0.size != $1.size ? $0.size < $1.size : $0.fitness > $1.fitness }
        var front: [StoredMember] = []
        for member in bySize where front.last.map({ member.fitness > $0.fitness }) ?? true {
            front.append(member)
        }
        return front
    }

    /// The member chosen on the select tasks so far, if any.
    public func selected() throws -> StoredMember? {
        try kept(role: "selected", limit: 1).first
    }

    /// What the last session of the run reported when it stopped: the program `evolve` or
    /// `resume` printed, with its fitness on the search, select and test data. `nil` while the
    /// first session runs, and for run files written before runs kept their result.
    public func result() throws -> StoredResult? {
        try read { db in
            guard try db.tableExists("result"),
                  let row = try Row.fetchOne(db, sql: "SELECT * FROM result WHERE id = 1")
            else { return nil }
            return try StoredResult(row: row)
        }
    }

    /// The program a session reported when it stopped (see ``result()``).
    public struct StoredResult: Sendable, Codable, Equatable {
        public var member: StoredMember
        /// Individuals produced when it was chosen.
        public var individuals: Int
        public var searchFitness: Double
        public var selectFitness: Double
        public var testFitness: Double?
        public var reachedTarget: Bool
        public var stopReason: String

        init(row: Row) throws {
            member = try StoredMember(
                id: row.value("member_id"), fitness: row.value("search_fitness"),
                parentID: row.value("parent_id"), origin: row.value("origin"),
                birth: row.value("birth"), program: row.value("program"), island: nil)
            individuals = try row.value("individuals")
            searchFitness = try row.value("search_fitness")
            selectFitness = try row.value("select_fitness")
            testFitness = try row.value("test_fitness")
            reachedTarget = try row.value("reached_target")
            stopReason = try row.value("stop_reason")
        }

        public init(
            member: StoredMember, individuals: Int, searchFitness: Double, selectFitness: Double,
            testFitness: Double?, reachedTarget: Bool, stopReason: String
        ) {
            self.member = member
            self.individuals = individuals
            self.searchFitness = searchFitness
            self.selectFitness = selectFitness
            self.testFitness = testFitness
            self.reachedTarget = reachedTarget
            self.stopReason = stopReason
        }
    }

    private func kept(role: String, limit: Int) throws -> [StoredMember] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM kept WHERE role = ? ORDER BY rank LIMIT ?",
                arguments: [role, min(limit, 1_000_000)]
            ).map { try StoredMember(row: $0) }
        }
    }

    /// The members of an island, fittest first.
    public func members(island: Int, limit: Int = .max) throws -> [StoredMember] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM member WHERE island = ? ORDER BY fitness DESC, birth LIMIT ?",
                arguments: [island, min(limit, 1_000_000)]
            ).map { try StoredMember(row: $0, island: island) }
        }
    }

    /// A member by id: alive, kept, or on record as an ancestor.
    public func member(id: Int) throws -> StoredMember? {
        try read { db in
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM member WHERE id = ?", arguments: [id]) {
                return try StoredMember(row: row, island: row.value("island"))
            }
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM kept WHERE id = ?", arguments: [id]) {
                return try StoredMember(row: row)
            }
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM individual WHERE id = ?", arguments: [id]) {
                return try StoredMember(row: row)
            }
            if try db.tableExists("result"),
               let row = try Row.fetchOne(db, sql: "SELECT * FROM result WHERE member_id = ?", arguments: [id]) {
                return try StoredResult(row: row).member
            }
            return nil
        }
    }

    /// The member and its ancestors, child first, as far back as the record goes.
    public func lineage(of id: Int) throws -> [StoredMember] {
        var chain: [StoredMember] = []
        var next: Int? = id
        var seen = Set<Int>()
        while let current = next, !seen.contains(current), let member = try member(id: current) {
            seen.insert(current)
            chain.append(member)
            next = member.parentID
        }
        return chain
    }

    /// One row of per-island statistics.
    public typealias Statistic = StatisticSample

    public func statistics() throws -> [Statistic] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM statistic ORDER BY individuals, island").map {
                try Statistic(
                    individuals: $0.value("individuals"), seconds: $0.value("seconds"),
                    island: $0.value("island"), size: $0.value("size"), best: $0.value("best"),
                    mean: $0.value("mean"), median: $0.value("median"),
                    diversity: $0.value("diversity"),
                    individualsPerSecond: $0.value("individuals_per_second"),
                    fecHits: $0.value("fec_hits"))
            }
        }
    }

    /// Bandit arms at one checkpoint.
    public struct BanditArm: Sendable, Codable {
        public var individuals: Int
        public var bandit: String
        public var arm: String
        public var pulls: Int
        public var mean: Double

        public init(individuals: Int, bandit: String, arm: String, pulls: Int, mean: Double) {
            self.individuals = individuals
            self.bandit = bandit
            self.arm = arm
            self.pulls = pulls
            self.mean = mean
        }
    }

    /// Bandit arms per checkpoint, in the order they were written: bandits as the engine lists
    /// them, arms by index (not by name: "island 10" follows "island 9", "top 1%" comes first).
    public func bandits() throws -> [BanditArm] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM bandit ORDER BY individuals, rowid").map {
                try BanditArm(
                    individuals: $0.value("individuals"), bandit: $0.value("name"),
                    arm: $0.value("arm"), pulls: $0.value("pulls"), mean: $0.value("mean"))
            }
        }
    }

    /// Migrations, oldest first.
    public func migrations(limit: Int = 10_000) throws -> [MigrationEvent] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM migration ORDER BY rowid LIMIT ?", arguments: [limit]).map {
                try MigrationEvent(
                    individuals: $0.value("individuals"), from: $0.value("from_island"),
                    to: $0.value("to_island"), memberID: $0.value("member_id"),
                    originalID: $0.value("original_id"), fitness: $0.value("fitness"))
            }
        }
    }
}
