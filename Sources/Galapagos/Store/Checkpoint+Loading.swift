import Foundation
import GRDB

extension Checkpoint {
    /// Reads the latest checkpoint; `nil` when the file has none yet. Every program is parsed
    /// and checked against `limits`, so a damaged or hostile file is refused, never run.
    static func load(
        from db: Database, path: String, limits: ProgramLimits
    ) throws -> (EngineState, seconds: Double)? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM checkpoint WHERE id = 1") else {
            return nil
        }
        func damaged(_ what: String) -> GalapagosError {
            .run("\(path): the checkpoint is damaged (\(what))")
        }
        let parser = ProgramParser(limits: limits)
        func program(_ text: String, _ what: String) throws -> Program {
            do {
                return try parser.parse(text, file: "\(path) \(what)")
            } catch {
                throw damaged("\(what): \(error)")
            }
        }
        func member(_ row: Row, _ what: String) throws -> Member {
            try Member(
                id: row.value("id"), program: program(row.value("program"), what),
                fitness: row.value("fitness"), fingerprint: UInt64(bitPattern: row.value("fingerprint")),
                parentID: row.value("parent_id"),
                origin: MemberOrigin(stored: row.value("origin"), source: "\(path) \(what)"),
                birth: row.value("birth"))
        }
        let scalarsText: String = try row.value("scalars")
        guard let scalars = try? JSONText.decode(EngineState.Scalars.self, scalarsText) else {
            throw damaged("engine scalars unreadable")
        }
        let fecData: Data = try row.value("fec")
        guard let fec = BlobCoding.fecEntries(fecData) else { throw damaged("FEC cache") }
        var ancestry: [Ancestry.Link]?
        if let data: Data = try row.value("ancestry") {
            guard let links = BlobCoding.ancestryLinks(data) else { throw damaged("ancestry") }
            ancestry = links
        }
        let pendingText: String = try row.value("pending")
        guard let pendingRecords = try? JSONText.decode([PendingRecord].self, pendingText) else {
            throw damaged("pending children")
        }
        let pending = try pendingRecords.enumerated().map { index, record in
            try record.child(
                program: program(record.program, "pending child \(index)"),
                source: "\(path) pending child \(index)")
        }
        var islands: [EngineState.IslandState] = []
        for islandRow in try Row.fetchAll(db, sql: "SELECT * FROM island ORDER BY island") {
            let index: Int = try islandRow.value("island")
            guard index == islands.count else { throw damaged("island \(index) out of order") }
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM member WHERE island = ? ORDER BY slot", arguments: [index])
            var members: [Member] = []
            for (slot, memberRow) in rows.enumerated() {
                guard try memberRow.value("slot") as Int == slot else { throw damaged("island \(index) slot \(slot) missing") }
                members.append(try member(memberRow, "island \(index) slot \(slot)"))
            }
            islands.append(EngineState.IslandState(
                members: members, oldest: try islandRow.value("oldest"),
                individualsSinceStart: try islandRow.value("individuals_since_start")))
        }
        var kept: [String: [Member]] = [:]
        for keptRow in try Row.fetchAll(db, sql: "SELECT * FROM kept ORDER BY role, rank") {
            let role: String = try keptRow.value("role")
            let rank: Int = try keptRow.value("rank")
            kept[role, default: []].append(try member(keptRow, "\(role) #\(rank)"))
        }
        let state = EngineState(
            islands: islands, scalars: scalars, fec: fec, hallOfFame: kept["hall_of_fame"] ?? [],
            paretoMembers: kept["pareto"] ?? [], bestSelected: kept["selected"]?.first,
            pending: pending, ancestry: ancestry)
        return (state, try row.value("seconds"))
    }
}
