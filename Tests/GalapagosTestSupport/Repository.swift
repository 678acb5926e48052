import Foundation
import Galapagos

// Helpers every test target shares: the repository's files and fresh temporary directories.

/// The repository has no `Package.swift` above this file (the tests were moved).
public struct PackageRootNotFound: Error, CustomStringConvertible {
    public let start: String
    public var description: String { "package root not found above \(start)" }
}

/// The package's root directory (the one holding Package.swift), found from this file.
public func packageRoot() throws -> URL {
    var url = URL(fileURLWithPath: #filePath)
    while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        let parent = url.deletingLastPathComponent()
        guard parent.path != url.path else { throw PackageRootNotFound(start: #filePath) }
        url = parent
    }
    return url
}

/// A repository file's absolute path.
public func repositoryPath(_ relative: String) throws -> String {
    try packageRoot().appendingPathComponent(relative).path
}

/// A repository file, read as text.
public func repositoryText(_ relative: String) throws -> String {
    try String(contentsOf: packageRoot().appendingPathComponent(relative), encoding: .utf8)
}

/// `searchspaces/linear_demo.yaml`: F = 4, 4 scalars, 3 vectors, 1 matrix; six ops.
public func linearDemoSpace() throws -> SearchSpace {
    try SearchSpace.load(path: repositoryPath("searchspaces/linear_demo.yaml"))
}

/// A fresh temporary directory per call.
public func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "galapagos-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
