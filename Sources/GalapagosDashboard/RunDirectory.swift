import Foundation

/// The run files a dashboard serves: the `.sqlite` files directly inside one directory, or a
/// single run file. A run is named by its file name; nothing outside the directory is reachable.
public struct RunDirectory: Sendable {
    /// The directory holding the runs.
    public let directory: String
    /// The one file served, when the dashboard was given a file.
    public let onlyFile: String?

    /// - Throws: ``DashboardError/notFound(_:)`` when `path` is neither a directory nor a file.
    public init(path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DashboardError.notFound("\(path): no such directory or run file")
        }
        let url = URL(fileURLWithPath: path).standardizedFileURL
        if isDirectory.boolValue {
            directory = url.path
            onlyFile = nil
        } else {
            directory = url.deletingLastPathComponent().path
            onlyFile = url.lastPathComponent
        }
    }

    /// The runs' names (file names), newest file first.
    public func names() -> [String] {
        if let onlyFile { return [onlyFile] }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let runs = files.filter { $0.hasSuffix(".sqlite") && Self.isPlainName($0) }
        func modified(_ name: String) -> Date {
            let attributes = try? FileManager.default.attributesOfItem(atPath: directory + "/" + name)
            return attributes?[.modificationDate] as? Date ?? .distantPast
        }
        return runs.map { ($0, modified($0)) }.sorted { ($0.1, $1.0) > ($1.1, $0.0) }.map(\.0)
    }

    /// The path of a run by name, or `nil` for a name that is not one of ``names()``: another
    /// extension, a path (`/`, `..`), a hidden file or a file that is not there.
    public func path(of name: String) -> String? {
        guard Self.isPlainName(name), name.hasSuffix(".sqlite") else { return nil }
        if let onlyFile, name != onlyFile { return nil }
        let path = directory + "/" + name
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue
        else { return nil }
        return path
    }

    private static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && !name.contains("/") && !name.contains("\\")
            && !name.contains("\0")
    }
}

/// Why the dashboard cannot answer.
public enum DashboardError: Error, CustomStringConvertible, Sendable {
    case notFound(String)
    case badRequest(String)

    public var description: String {
        switch self {
        case let .notFound(message), let .badRequest(message): message
        }
    }
}
