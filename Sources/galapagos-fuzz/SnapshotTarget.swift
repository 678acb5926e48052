import Foundation
import Galapagos
import GRDB

/// Damaged run files through ``RunReader`` and ``RecordedRun/resume(path:workers:additionalIndividuals:policy:searchSpacePath:)``.
///
/// At start a small run is recorded with the library in a temporary directory, from
/// `Tests/Fuzz/corpus/snapshot/space.yaml` and `seed.gal` (two islands of 12, 243 individuals so that children are pending,
/// a seed program, select tasks, lineage): that file is the base. Inputs are
/// copies of it, damaged in one of two ways:
/// - bytes: flipped bits and bytes, zeroed or duplicated 4 KiB pages, a damaged header page,
///   truncation at a random offset (page-aligned or not);
/// - records (through SQLite): a column set to NULL (after dropping the schema's `NOT NULL`),
///   to a value of another type or an extreme one, or to a mutated copy of its program text or
///   blob; one value inside a JSON column (engine scalars, pending children, configuration)
///   changed so that the JSON still decodes; rows duplicated or deleted; tables dropped;
///   columns renamed.
/// Each input is written to a file that is then read with every ``RunReader`` query and resumed
/// for 24 more individuals. Errors must be one line naming the file. Slow per input (two SQLite
/// opens, a resume with its checkpoint writes), so the default count is 2,000.
final class SnapshotTarget: FuzzTarget {
    let name = "snapshot"
    private let directory: String
    private let base: [UInt8]
    private let workPath: String
    private let scratchPath: String
    private let textMutator: ByteMutator
    private var structural: InputPool
    private let seedProgram: String

    static let tables: [String: [String]] = [
        "run": ["id", "name", "searchspace_name", "searchspace_path", "searchspace_text",
                "configuration", "seed", "product_version", "schema_version", "created_at",
                "dataset_hashes", "status", "stop_reason"],
        "checkpoint": ["id", "individuals", "seconds", "created_at", "scalars", "fec", "ancestry", "pending"],
        "member": ["island", "slot", "id", "program", "fitness", "fingerprint", "parent_id", "origin", "birth"],
        "island": ["island", "oldest", "individuals_since_start"],
        "kept": ["role", "rank", "id", "program", "fitness", "fingerprint", "parent_id", "origin", "birth"],
        "individual": ["id", "program", "fitness", "fingerprint", "parent_id", "origin", "birth"],
        "statistic": ["individuals", "seconds", "island", "size", "best", "mean", "median",
                      "diversity", "individuals_per_second", "fec_hits"],
        "migration": ["individuals", "from_island", "to_island", "member_id", "original_id", "fitness"],
        "bandit": ["individuals", "name", "arm", "pulls", "mean"],
        "grdb_migrations": ["identifier"],
    ]

    init(seed: UInt64, locations: Locations) throws {
        let corpus = locations.corpusDirectory("snapshot")
        guard let spaceBytes = Locations.read(corpus + "/space.yaml"),
              let seedBytes = Locations.read(corpus + "/seed.gal")
        else { throw GalapagosError.io(path: corpus, "expected space.yaml and seed.gal in the snapshot corpus") }
        let spaceText = String(decoding: spaceBytes, as: UTF8.self)
        seedProgram = String(decoding: seedBytes, as: UTF8.self)
        // On tmpfs when there is one: every input is written and resumed (fsyncs), and a disk
        // makes that several times slower.
        let temporary = FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm/" : NSTemporaryDirectory()
        directory = temporary + "galapagos-fuzz-\(getpid())-\(seed)"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        workPath = directory + "/run.sqlite"
        scratchPath = directory + "/mutating.sqlite"
        let basePath = directory + "/base.sqlite"
        let space = try SearchSpace.parse(spaceText, file: "fuzz_snapshot.yaml", baseDirectory: directory)
        let configuration = RunConfiguration(
            searchSpacePath: directory + "/absent.yaml", overrides: SearchSpaceOverrides(), seed: 3,
            targetFitness: 2, selectEvery: 50, hallOfFameSize: 8, seedPrograms: [seedProgram],
            maxIndividuals: 243, maxSeconds: nil)
        let program = try ProgramParser(limits: space.programLimits(strictOps: false))
            .parse(seedProgram, file: "seed.gal")
        let run = try RecordedRun.start(
            space: space, configuration: configuration,
            settings: EngineSettings(
                seed: 3, workers: 1, maxIndividuals: 243, targetFitness: 2, selectEvery: 50,
                hallOfFameSize: 8, seedPrograms: [program]),
            path: basePath, name: "base", policy: .individuals(80))
        _ = try run.run()
        run.close()
        guard let bytes = Locations.read(basePath), bytes.count >= 4_096 else {
            throw GalapagosError.run("\(basePath): the base run file was not written")
        }
        base = bytes
        structural = InputPool(seeds: [bytes], capacity: 64)
        textMutator = ByteMutator(
            dictionary: ParserTarget.vocabulary + [
                "\"island\":", "\"individuals\":", "\"random\":", "\"arm\":", "\"fitness\":",
                "\"parentID\":", "\"selection\":", "\"operatorBandit\":", "null", "true", "[]", "{}",
                "-1", "1e308", "9223372036854775807", "\"\"", ",", ":",
            ],
            maximumSize: 256 * 1024)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    var baseSize: Int { base.count }

    // MARK: Making inputs

    func next(using random: inout RandomGenerator) -> [UInt8] {
        if random.nextInt(below: 10) < 6 {
            let start = random.nextInt(below: 4) == 0 ? structural.pick(using: &random) : base
            return damageBytes(start, using: &random)
        }
        return damageRecords(using: &random) ?? damageBytes(base, using: &random)
    }

    func record(_ input: [UInt8], outcome: Outcome, using random: inout RandomGenerator) {
        if case .accepted = outcome, input.count >= 4_096 { structural.add(input, using: &random) }
    }

    private func damageBytes(_ start: [UInt8], using random: inout RandomGenerator) -> [UInt8] {
        var data = start
        let page = 4_096
        for _ in 0..<(1 + random.nextInt(below: 3)) {
            guard !data.isEmpty else { break }
            let pages = max(1, data.count / page)
            switch random.nextInt(below: 8) {
            case 0, 1:  // a few random bytes anywhere
                for _ in 0..<(1 + random.nextInt(below: 8)) {
                    data[random.nextInt(below: data.count)] = UInt8(truncatingIfNeeded: random.next())
                }
            case 2:  // one bit
                data[random.nextInt(below: data.count)] ^= UInt8(1) << UInt8(random.nextInt(below: 8))
            case 3:  // the header page's first 100 bytes (page size, counts, schema cookie)
                let index = random.nextInt(below: min(100, data.count))
                data[index] = UInt8(truncatingIfNeeded: random.next())
            case 4:  // zero a page
                let first = random.nextInt(below: pages) * page
                for index in first..<max(first, min(data.count, first + page)) { data[index] = 0 }
            case 5:  // copy a page over another
                let from = random.nextInt(below: pages) * page, to = random.nextInt(below: pages) * page
                for offset in 0..<page where from + offset < data.count && to + offset < data.count {
                    data[to + offset] = data[from + offset]
                }
            case 6:  // truncate
                let cut = random.nextInt(below: 2) == 0
                    ? random.nextInt(below: pages) * page : random.nextInt(below: data.count)
                data.removeLast(data.count - cut)
            default:  // a run of random bytes inside one page's cell area
                let first = random.nextInt(below: pages) * page + 100 + random.nextInt(below: page - 200)
                for index in first..<max(first, min(data.count, first + 1 + random.nextInt(below: 32))) {
                    data[index] = UInt8(truncatingIfNeeded: random.next())
                }
            }
        }
        return data
    }

    /// Damages records through SQLite, so that the file stays a valid database with hostile
    /// content; `nil` if SQLite refused the change (the caller falls back to byte damage).
    private func damageRecords(using random: inout RandomGenerator) -> [UInt8]? {
        let start = random.nextInt(below: 3) == 0 ? structural.pick(using: &random) : base
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(scratchPath + suffix) }
        guard FileManager.default.createFile(atPath: scratchPath, contents: Data(start)) else { return nil }
        do {
            if random.nextInt(below: 2) == 0 {
                // Drop NOT NULL (and CHECK) so that NULLs can be stored where the schema forbids.
                let queue = try DatabaseQueue(path: scratchPath)
                try queue.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA writable_schema = ON")
                    try db.execute(sql: """
                        UPDATE sqlite_master SET sql = replace(replace(sql, 'NOT NULL', ''), 'CHECK (id = 1)', '')
                        WHERE type = 'table'
                        """)
                    try db.execute(sql: "PRAGMA writable_schema = OFF")
                }
                try queue.close()
            }
            let queue = try DatabaseQueue(path: scratchPath)
            for _ in 0..<(1 + random.nextInt(below: 3)) {
                try? queue.writeWithoutTransaction { db in try damageOne(db, using: &random) }
            }
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            try queue.close()
        } catch {
            return nil
        }
        return Locations.read(scratchPath)
    }

    private func damageOne(_ db: Database, using random: inout RandomGenerator) throws {
        let names = Self.tables.keys.sorted()
        let table = names[random.nextInt(below: names.count)]
        guard let columns = Self.tables[table] else { return }
        let column = columns[random.nextInt(below: columns.count)]
        let rows = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
        let row = rows > 0 ? random.nextInt(below: rows) : 0
        let target = "rowid = (SELECT rowid FROM \(table) LIMIT 1 OFFSET \(row))"
        switch random.nextInt(below: 15) {
        case 12...14:  // one value inside a JSON column
            let columns = [("checkpoint", "scalars"), ("checkpoint", "pending"), ("run", "configuration"),
                           ("run", "dataset_hashes")]
            let (table, column) = columns[random.nextInt(below: columns.count)]
            guard let text = try String.fetchOne(db, sql: "SELECT \(column) FROM \(table)"),
                  let mutated = Self.mutateJSON(text, using: &random)
            else { return }
            try db.execute(sql: "UPDATE \(table) SET \(column) = ?", arguments: [mutated])
        case 0...5:
            let value = try newValue(db, table: table, column: column, target: target, using: &random)
            try db.execute(sql: "UPDATE \(table) SET \(column) = ? WHERE \(target)", arguments: [value])
        case 6:
            try db.execute(sql: "DELETE FROM \(table) WHERE \(target)")
        case 7:
            try db.execute(sql: "DELETE FROM \(table)")
        case 8:
            try db.execute(sql: "DROP TABLE \(table)")
        case 9:
            try db.execute(sql: "ALTER TABLE \(table) RENAME COLUMN \(column) TO renamed_\(column)")
        case 10:  // duplicate a row with a shifted key (island, slot, rank, id …)
            let shifted = columns.map { name in
                name == column ? "\(name) + \(1 + random.nextInt(below: 40))" : name
            }.joined(separator: ", ")
            try db.execute(sql: "INSERT OR IGNORE INTO \(table) SELECT \(shifted) FROM \(table) WHERE \(target)")
        default:  // the same value everywhere in a column
            let value = try newValue(db, table: table, column: column, target: target, using: &random)
            try db.execute(sql: "UPDATE \(table) SET \(column) = ?", arguments: [value])
        }
    }

    private func newValue(
        _ db: Database, table: String, column: String, target: String, using random: inout RandomGenerator
    ) throws -> DatabaseValue {
        let current = try DatabaseValue.fetchOne(db, sql: "SELECT \(column) FROM \(table) WHERE \(target)")
        switch random.nextInt(below: 14) {
        case 0, 1: return .null
        case 2: return [0, -1, 1, 2, 3, Int64.max, Int64.min, 1 << 40][random.nextInt(below: 8)].databaseValue
        case 3: return [1e308, -1e308, 0.5, -0.0, Double.leastNonzeroMagnitude, 1e15][random.nextInt(below: 6)].databaseValue
        case 4: return ["", "x", "{}", "[]", "null", "{\"a\":1}", "running", "finished", "hall_of_fame",
                        "pareto", "selected", "v999"][random.nextInt(below: 12)].databaseValue
        case 5: return Data([0, 255, 1, 2, 3]).databaseValue
        case 6: return Data((0..<random.nextInt(below: 600)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
            .databaseValue
        case 7, 8:
            // JSON (engine scalars, pending children, configuration): one value changed in a
            // structure that still decodes, so that the damage reaches the engine.
            guard let current, let text = String.fromDatabaseValue(current),
                  let mutated = Self.mutateJSON(text, using: &random)
            else { return .null }
            return mutated.databaseValue
        default:
            // A mutated copy of what is there: JSON, program text, search space, blob.
            guard let current else { return .null }
            let bytes: [UInt8]
            if let text = String.fromDatabaseValue(current) {
                bytes = Array(text.utf8)
            } else if let data = Data.fromDatabaseValue(current) {
                bytes = [UInt8](data)
            } else {
                return .null
            }
            var mutated = bytes
            if column == "searchspace_text" {
                // Same length only: a longer text could ask for gigabytes of tasks, which is
                // slow, not wrong.
                for _ in 0..<(1 + random.nextInt(below: 4)) where !mutated.isEmpty {
                    mutated[random.nextInt(below: mutated.count)] = UInt8(32 + random.nextInt(below: 95))
                }
            } else {
                mutated = textMutator.mutate(bytes, other: Array(seedProgram.utf8), using: &random)
            }
            if case .blob = current.storage { return Data(mutated).databaseValue }
            return String(decoding: mutated, as: UTF8.self).databaseValue
        }
    }

    /// A JSON text with one value replaced (a number by an edge value, an array shortened,
    /// lengthened or emptied, a boolean flipped, a string or null swapped in); `nil` if the text
    /// is not a JSON object or array. Keys are visited and written sorted, for determinism.
    static func mutateJSON(_ text: String, using random: inout RandomGenerator) -> String? {
        guard let root = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]),
              root is [String: Any] || root is [Any]
        else { return nil }
        var leaves = 0
        func count(_ value: Any) {
            leaves += 1
            if let object = value as? [String: Any] {
                for key in object.keys.sorted() { if let child = object[key] { count(child) } }
            } else if let array = value as? [Any] {
                array.forEach(count)
            }
        }
        count(root)
        var target = random.nextInt(below: leaves)
        let choice = random.nextInt(below: 16)
        func replace(_ value: Any) -> Any {
            let edges: [Any] = [0, -1, 1, 2, 9, 99, 1_000_000, Int.max, Int.min, 1e308, -0.5, 0.5]
            switch value {
            case let array as [Any]:
                switch choice % 4 {
                case 0: return Array(array.dropLast())
                case 1: return array + array.prefix(1)
                case 2: return [Any]()
                default: return NSNull()
                }
            case is [String: Any]:
                return choice % 2 == 0 ? [String: Any]() : NSNull()
            case let flag as Bool where choice % 2 == 0:
                return !flag
            case is String:
                return choice % 3 == 0 ? NSNull() : (choice % 3 == 1 ? "" : "x")
            default:
                return choice < edges.count ? edges[choice] : NSNull()
            }
        }
        func walk(_ value: Any) -> Any {
            if target == 0 {
                target = -1
                return replace(value)
            }
            target -= 1
            if let object = value as? [String: Any] {
                var copy = object
                for key in object.keys.sorted() { if let child = object[key] { copy[key] = walk(child) } }
                return copy
            }
            if let array = value as? [Any] { return array.map(walk) }
            return value
        }
        let mutated = walk(root)
        guard let data = try? JSONSerialization.data(withJSONObject: mutated, options: [.sortedKeys, .fragmentsAllowed])
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: Running

    func execute(_ input: [UInt8]) -> Outcome {
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(workPath + suffix) }
        guard FileManager.default.createFile(atPath: workPath, contents: Data(input)) else {
            return .violation("cannot write \(workPath)")
        }
        var problems: [String] = []
        var readable = true
        func attempt<T>(_ what: String, _ body: () throws -> T) -> T? {
            do {
                return try body()
            } catch {
                readable = false
                if let problem = checkError(error, file: workPath) { problems.append("\(what): \(problem)") }
                return nil
            }
        }
        if let reader = attempt("RunReader", { try RunReader(path: workPath) }) {
            _ = attempt("run", { try reader.run() })
            _ = attempt("progress", { try reader.progress() })
            let islands = attempt("islands", { try reader.islands() }) ?? []
            let hall = attempt("hallOfFame", { try reader.hallOfFame() }) ?? []
            _ = attempt("paretoFront", { try reader.paretoFront() })
            _ = attempt("selected", { try reader.selected() })
            for island in islands.prefix(4) {
                _ = attempt("members", { try reader.members(island: island.island, limit: 50) })
            }
            for member in hall.prefix(3) {
                _ = attempt("member", { try reader.member(id: member.id) })
                _ = attempt("lineage", { try reader.lineage(of: member.id) })
            }
            _ = attempt("statistics", { try reader.statistics() })
            _ = attempt("bandits", { try reader.bandits() })
            _ = attempt("migrations", { try reader.migrations() })
        }
        let outcome = attempt("resume") {
            try RecordedRun.resume(
                path: workPath, workers: 1, additionalIndividuals: 24, policy: .individuals(1_000_000))
        }
        if case let .resumed(run)? = outcome {
            _ = attempt("resumed run", { try run.run() })
            run.close()
        }
        if !problems.isEmpty { return .violation(problems.joined(separator: "\n")) }
        return readable ? .accepted : .rejected
    }
}
