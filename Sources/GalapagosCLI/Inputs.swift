import Foundation
import Galapagos

/// Reading the files commands take.
enum Inputs {
    /// Loads a search-space file.
    static func searchSpace(_ path: String) throws -> SearchSpace {
        try SearchSpace.load(path: path)
    }

    /// Loads and parses a program file against a search space.
    ///
    /// - Parameter strictOps: also reject ops the search space does not allow in a component.
    static func program(_ path: String, in space: SearchSpace, strictOps: Bool) throws -> Program {
        let bytes = try readBytes(path, limit: ProgramParser.maximumFileSize, what: "program")
        return try ProgramParser(limits: space.programLimits(strictOps: strictOps))
            .parse(bytes: bytes, file: path)
    }

    /// The best programs of another run, for a warm start; they must fit this search space.
    static func hallOfFamePrograms(_ path: String, top: Int, in space: SearchSpace) throws -> [Program] {
        let reader = try RunReader(path: path)
        let parser = ProgramParser(limits: space.programLimits(strictOps: false))
        let entries = try reader.hallOfFame(limit: max(1, top))
        guard !entries.isEmpty else {
            throw GalapagosError.run("\(path): the run has no hall of fame yet to warm-start from")
        }
        return try entries.map { entry in
            do {
                return try parser.parse(entry.program, file: "\(path) (member \(entry.id))")
            } catch {
                throw GalapagosError.run(
                    "\(path): member \(entry.id) does not fit the search space \(space.name): \(error)")
            }
        }
    }

    /// Reads a whole file, refusing it before reading if it is larger than `limit`.
    static func readBytes(_ path: String, limit: Int, what: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw GalapagosError.io(path: path, "no such \(what) file")
        }
        guard !isDirectory.boolValue else {
            throw GalapagosError.io(path: path, "expected a \(what) file, found a directory")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw GalapagosError.io(path: path, "cannot open \(what) file")
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: limit + 1)) ?? Data()
        guard data.count <= limit else {
            throw GalapagosError.program(
                SourceLocation(file: path),
                "file is larger than the \(limit)-byte limit for \(what) files")
        }
        return [UInt8](data)
    }
}
