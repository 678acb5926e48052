import Foundation

/// One data file a search space reads: the path the search space names it by, and its bytes.
///
/// A search space keeps the files it read (``SearchSpace/dataFiles``) and a run file stores
/// them, so that a run can be inspected, exported and resumed after its CSV moved, from any
/// directory.
public struct DataFile: Sendable, Equatable {
    /// The path as written in the search space (relative to the search-space file, or absolute).
    public var path: String
    /// The file's bytes.
    public var content: [UInt8]

    public init(path: String, content: [UInt8]) {
        self.path = path
        self.content = content
    }

    /// A short hash of the contents, to tell a changed copy from the original.
    public var contentHash: String { ContentHash.hex(content) }
}

/// Where the data files a search space names are read from: copies held in memory (a run's
/// stored data), else a directory on disk that relative paths start from.
public struct DataSource: Sendable {
    /// Copies that take precedence over the disk, by ``DataFile/path``.
    public var stored: [String: DataFile]
    /// Where relative paths start; `nil` when only stored copies may be read.
    public var directory: String?
    /// How stored copies are named in messages (e.g. the run file's path).
    public var storedIn: String?

    /// Data read from disk, relative paths starting at `directory`.
    public static func directory(_ directory: String) -> DataSource {
        DataSource(stored: [:], directory: directory, storedIn: nil)
    }

    /// Data from stored copies; paths without a copy are read relative to `directory` (run
    /// files written before data was stored in them).
    public static func stored(_ files: [DataFile], in location: String, fallback directory: String?) -> DataSource {
        DataSource(
            stored: Dictionary(files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first }),
            directory: directory, storedIn: location)
    }

    /// The path on disk a search-space path names, or `nil` when only stored copies are read.
    public func diskPath(of path: String) -> String? {
        if path.hasPrefix("/") { return path }
        guard let directory else { return nil }
        return ((directory as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }

    /// The name messages use for a data file: the stored copy, or the path on disk.
    public func displayName(of path: String) -> String {
        if stored[path] != nil, let storedIn { return "\(storedIn) (stored copy of \(path))" }
        return diskPath(of: path) ?? path
    }

    /// Reads one data file, refusing one larger than `limit` bytes before reading it.
    ///
    /// - Throws: ``GalapagosError`` naming the file when it is missing, unreadable or too large.
    public func read(_ path: String, limit: Int) throws -> DataFile {
        if let copy = stored[path] { return copy }
        guard let resolved = diskPath(of: path) else {
            throw GalapagosError.io(path: path, "no stored copy of this dataset in \(storedIn ?? "the run")")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory) else {
            throw GalapagosError.io(path: resolved, "no such dataset file")
        }
        guard !isDirectory.boolValue else {
            throw GalapagosError.io(path: resolved, "expected a dataset file, found a directory")
        }
        if let size = (try? FileManager.default.attributesOfItem(atPath: resolved))?[.size] as? Int,
           size > limit {
            throw GalapagosError.data(
                SourceLocation(file: resolved),
                "file is \(size / 1_048_576) MiB, larger than the \(limit / 1_048_576) MiB limit for datasets")
        }
        guard let data = FileManager.default.contents(atPath: resolved) else {
            throw GalapagosError.io(path: resolved, "cannot read dataset file")
        }
        return DataFile(path: path, content: [UInt8](data))
    }
}

/// A 64-bit FNV-1a hash of file contents, as hex: enough to tell a changed copy from the
/// original (not a defence against forgery).
public enum ContentHash {
    public static func hex(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return String(hash, radix: 16)
    }
}
