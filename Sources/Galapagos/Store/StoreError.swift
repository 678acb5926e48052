import Foundation
import GRDB

/// Turns SQLite and file-system failures into one-line messages naming the file.
enum StoreError {
    static func requireFile(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw GalapagosError.io(path: path, "no such run file")
        }
        guard !isDirectory.boolValue else {
            throw GalapagosError.io(path: path, "expected a run file (.sqlite), found a directory")
        }
    }

    static func wrap(_ error: Error, path: String) -> Error {
        if error is GalapagosError { return error }
        if let damaged = error as? DamagedRecord {
            return GalapagosError.run(
                "\(path): the run file is damaged (column '\(damaged.column)' is missing, NULL or"
                    + " of the wrong type)")
        }
        guard let error = error as? DatabaseError else {
            return GalapagosError.run("\(path): \(error)")
        }
        switch error.resultCode {
        case .SQLITE_NOTADB:
            return GalapagosError.run("\(path): not a Galapagos run file (not an SQLite database)")
        case .SQLITE_CORRUPT:
            return GalapagosError.run("\(path): the run file is damaged (SQLite reports corruption)")
        case .SQLITE_FULL:
            return GalapagosError.run("\(path): the disk is full; the previous checkpoint is intact")
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
            return GalapagosError.run("\(path): cannot open the run file (\(error.message ?? "permission denied"))")
        case .SQLITE_IOERR:
            return GalapagosError.run("\(path): write error (\(error.message ?? "I/O error")); the previous checkpoint is intact")
        default:
            return GalapagosError.run("\(path): \(error.message ?? "SQLite error \(error.resultCode.rawValue)")")
        }
    }
}

extension StoreSchema {
    /// Refuses files this build cannot read: not a run, or written by a newer schema.
    static func check(_ database: some DatabaseReader, path: String) throws {
        try database.read { db in
            guard try db.tableExists("run") else {
                throw GalapagosError.run("\(path): not a Galapagos run file (no run table)")
            }
            if try migrator.hasBeenSuperseded(db) {
                let applied = try migrator.appliedIdentifiers(db).sorted().joined(separator: ", ")
                throw GalapagosError.run(
                    "\(path): written by a newer Galapagos (schema migrations \(applied); this"
                        + " build knows up to v\(version)); upgrade galapagos to read it")
            }
        }
    }
}

/// A value a run file must hold is missing, NULL or of another type: the file is damaged or
/// was not written by Galapagos.
struct DamagedRecord: Error {
    let column: String
}

extension Row {
    /// A column's value. Reading code uses this instead of GRDB's `row["column"]`, which traps
    /// (`try!`) on a NULL, a missing column or a value of another type: a damaged or hostile run
    /// file must give an error, never a crash.
    func value<Value: DatabaseValueConvertible>(_ column: String) throws -> Value {
        do {
            return try decode(Value.self, forColumn: column)
        } catch {
            throw DamagedRecord(column: column)
        }
    }
}
