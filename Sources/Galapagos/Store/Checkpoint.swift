import Foundation
import GRDB

/// One checkpoint: the engine's state plus what accumulated since the previous checkpoint
/// (lineage records, migrations), ready to be written in one transaction.
public struct Checkpoint: Sendable {
    public var state: EngineState
    /// Lineage records not yet in the file.
    public var records: [Member]
    /// Lineage records in the file that left the family tree.
    public var forgotten: [Int]
    public var migrations: [MigrationEvent]
    /// Seconds of search so far (across resumes).
    public var seconds: Double
    /// Individuals per second since the previous checkpoint.
    public var individualsPerSecond: Double
    /// The search-space name, written into program headers.
    public var searchSpaceName: String
    /// The names of the mutation operators (for the operator bandit's arms).
    public var operatorNames: [String]
    /// Lineage records born before this are deleted (the lineage window), or `nil`.
    public var lineageCutoff: Int?
    /// Statistics sampled since the previous checkpoint (the checkpoint adds its own).
    public var samples: [StatisticSample] = []

    /// Captures a checkpoint from an engine (taking its pending lineage and migration records).
    public init(engine: Engine, seconds: Double, individualsPerSecond: Double) {
        records = engine.takeAncestryRecords()
        forgotten = engine.takeForgottenRecords()
        migrations = engine.takeMigrationEvents()
        state = engine.state
        self.seconds = seconds
        self.individualsPerSecond = individualsPerSecond
        searchSpaceName = engine.space.name
        operatorNames = engine.space.mutation.operators.map(\.rawValue)
        let window = engine.settings.lineageWindow
        lineageCutoff = window > 0 && engine.individuals > window ? engine.individuals - window : nil
    }

    /// Program texts by member id, so that a member written as a population row and as a
    /// lineage record in the same checkpoint is printed once.
    private final class TextCache {
        var texts: [Int: String] = [:]
    }

    private func text(_ member: Member, _ cache: TextCache) -> String {
        if let text = cache.texts[member.id] { return text }
        let text = ProgramPrinter.print(member.program, searchSpace: searchSpaceName)
        cache.texts[member.id] = text
        return text
    }

    private func text(_ program: Program) -> String {
        ProgramPrinter.print(program, searchSpace: searchSpaceName)
    }

    func insert(into db: Database) throws {
        let cache = TextCache()
        let scalars = state.scalars
        let individuals = scalars.individuals
        let encodedScalars = try JSONText.encode(scalars)
        let pending = try JSONText.encode(state.pending.map { PendingRecord($0, text: text($0.program)) })
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO checkpoint
                    (id, individuals, seconds, created_at, scalars, fec, ancestry, pending)
                VALUES (1, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                individuals, seconds, Timestamp.now(), encodedScalars, BlobCoding.fec(state.fec),
                state.ancestry.map(BlobCoding.ancestry), pending,
            ])
        try db.execute(sql: "DELETE FROM member")
        try db.execute(sql: "DELETE FROM island")
        let memberInsert = try db.makeStatement(sql: """
            INSERT INTO member (island, slot, id, program, fitness, fingerprint, parent_id, origin, birth)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let islandInsert = try db.makeStatement(
            sql: "INSERT INTO island (island, oldest, individuals_since_start) VALUES (?, ?, ?)")
        for (index, island) in state.islands.enumerated() {
            try islandInsert.execute(arguments: [index, island.oldest, island.individualsSinceStart])
            for (slot, member) in island.members.enumerated() {
                try memberInsert.execute(arguments: [
                    index, slot, member.id, text(member, cache), member.fitness,
                    Int64(bitPattern: member.fingerprint), member.parentID, member.origin.rawValue, member.birth,
                ])
            }
        }
        try db.execute(sql: "DELETE FROM kept")
        let keptInsert = try db.makeStatement(sql: """
            INSERT INTO kept (role, rank, id, program, fitness, fingerprint, parent_id, origin, birth)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        var kept: [(String, [Member])] = [("hall_of_fame", state.hallOfFame), ("pareto", state.paretoMembers)]
        if let best = state.bestSelected { kept.append(("selected", [best])) }
        for (role, members) in kept {
            for (rank, member) in members.enumerated() {
                try keptInsert.execute(arguments: [
                    role, rank, member.id, text(member, cache), member.fitness,
                    Int64(bitPattern: member.fingerprint), member.parentID, member.origin.rawValue, member.birth,
                ])
            }
        }
        let recordInsert = try db.makeStatement(sql: """
            INSERT OR IGNORE INTO individual (id, program, fitness, fingerprint, parent_id, origin, birth)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        if let cutoff = lineageCutoff {
            try db.execute(sql: "DELETE FROM individual WHERE birth < ?", arguments: [cutoff])
        }
        for member in records {
            try recordInsert.execute(arguments: [
                member.id, text(member, cache), member.fitness,
                Int64(bitPattern: member.fingerprint), member.parentID, member.origin.rawValue, member.birth,
            ])
        }
        // After the inserts, so that a record carried over from a failed checkpoint and
        // forgotten since is removed too.
        let forget = try db.makeStatement(sql: "DELETE FROM individual WHERE id = ?")
        for id in forgotten { try forget.execute(arguments: [id]) }
        let migrationInsert = try db.makeStatement(sql: """
            INSERT INTO migration (individuals, from_island, to_island, member_id, original_id, fitness)
            VALUES (?, ?, ?, ?, ?, ?)
            """)
        for event in migrations {
            try migrationInsert.execute(arguments: [
                event.individuals, event.from, event.to, event.memberID, event.originalID, event.fitness,
            ])
        }
        try insertStatistics(db)
    }

    private func insertStatistics(_ db: Database) throws {
        let individuals = state.scalars.individuals
        let statement = try db.makeStatement(sql: """
            INSERT OR IGNORE INTO statistic (individuals, seconds, island, size, best, mean, median,
                diversity, individuals_per_second, fec_hits)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let own = StatisticSample.of(
            islands: state.islands.map(\.members), individuals: individuals, seconds: seconds,
            individualsPerSecond: individualsPerSecond, fecHits: state.scalars.fecHits)
        for sample in samples + own {
            try statement.execute(arguments: [
                sample.individuals, sample.seconds, sample.island, sample.size, sample.best,
                sample.mean, sample.median, sample.diversity, sample.individualsPerSecond,
                sample.fecHits,
            ])
        }
        let banditInsert = try db.makeStatement(sql: """
            INSERT OR IGNORE INTO bandit (individuals, name, arm, pulls, mean) VALUES (?, ?, ?, ?, ?)
            """)
        func record(_ name: String, _ bandit: Bandit?, _ armName: (Int) -> String) throws {
            guard let bandit else { return }
            for arm in 0..<bandit.arms {
                try banditInsert.execute(arguments: [
                    individuals, name, armName(arm), bandit.totalPulls[arm], bandit.means[arm],
                ])
            }
        }
        let strata = ["top 1%", "1-10%", "10-50%", "50-100%"]
        try record("operators", state.scalars.operatorBandit) { operatorNames[safe: $0] ?? "\($0)" }
        try record("islands", state.scalars.selection.islandBandit) { "island \($0)" }
        for (index, strataBandit) in state.scalars.selection.strataBandits.enumerated() {
            try record("strata island \(index)", strataBandit) { strata[safe: $0] ?? "\($0)" }
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}

/// A pending child as JSON.
struct PendingRecord: Codable {
    var island: Int
    var parentID: Int?
    var parentFitness: Double
    var arm: Int
    var operatorArm: Int
    var rewardScale: Double
    var program: String
    var fingerprint: UInt64
    var fitness: Double
    var cachedAtStart: Bool
    var origin: String

    init(_ child: EngineState.PendingChild, text: String) {
        island = child.island
        parentID = child.parentID
        parentFitness = child.parentFitness
        arm = child.arm
        operatorArm = child.operatorArm
        rewardScale = child.rewardScale
        program = text
        fingerprint = child.fingerprint
        fitness = child.fitness
        cachedAtStart = child.cachedAtStart
        origin = child.origin.rawValue
    }

    /// The child this records, with its program parsed.
    func child(program: Program, source: String) throws -> EngineState.PendingChild {
        EngineState.PendingChild(
            island: island, parentID: parentID, parentFitness: parentFitness, arm: arm,
            operatorArm: operatorArm, rewardScale: rewardScale, program: program,
            fingerprint: fingerprint, fitness: fitness, cachedAtStart: cachedAtStart,
            origin: try MemberOrigin(stored: origin, source: source))
    }
}

/// Compact binary columns: little-endian words.
enum BlobCoding {
    static func fec(_ entries: [(key: UInt64, value: Double)]) -> Data {
        var words: [UInt64] = []
        words.reserveCapacity(entries.count * 2)
        for entry in entries {
            words.append(entry.key.littleEndian)
            words.append(entry.value.bitPattern.littleEndian)
        }
        return words.withUnsafeBytes { Data($0) }
    }

    static func fecEntries(_ data: Data) -> [(key: UInt64, value: Double)]? {
        guard data.count % 16 == 0 else { return nil }
        let words = self.words(data)
        return stride(from: 0, to: words.count, by: 2).map {
            (UInt64(littleEndian: words[$0]), Double(bitPattern: UInt64(littleEndian: words[$0 + 1])))
        }
    }

    static func ancestry(_ links: [Ancestry.Link]) -> Data {
        var words: [UInt64] = []
        words.reserveCapacity(links.count * 4)
        for link in links {
            words.append(UInt64(bitPattern: Int64(link.id)).littleEndian)
            words.append(UInt64(bitPattern: Int64(link.parent)).littleEndian)
            words.append(UInt64(bitPattern: Int64(link.references)).littleEndian)
            words.append(UInt64(bitPattern: Int64(link.birth)).littleEndian)
        }
        return words.withUnsafeBytes { Data($0) }
    }

    static func ancestryLinks(_ data: Data) -> [Ancestry.Link]? {
        guard data.count % 32 == 0 else { return nil }
        let words = self.words(data)
        var links: [Ancestry.Link] = []
        for start in stride(from: 0, to: words.count, by: 4) {
            func int(_ offset: Int) -> Int64 { Int64(bitPattern: UInt64(littleEndian: words[start + offset])) }
            let references = int(2)
            guard references > 0, references <= Int64(Int32.max) else { return nil }
            links.append(Ancestry.Link(
                id: Int(int(0)), parent: Int(int(1)), references: Int32(references), birth: Int(int(3))))
        }
        return links
    }

    private static func words(_ data: Data) -> [UInt64] {
        var words = [UInt64](repeating: 0, count: data.count / 8)
        words.withUnsafeMutableBytes { target in
            data.withUnsafeBytes { source in target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[0..<target.count])) }
        }
        return words
    }
}
