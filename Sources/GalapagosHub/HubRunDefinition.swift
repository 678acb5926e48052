import Foundation
import Galapagos

/// Everything a machine needs to take part in a hub run: the search space's text, the contents
/// of the data files it names, and how the run was started. Workers need only the hub's URL.
public struct HubRunDefinition: Sendable {
    public var name: String
    public var searchSpaceName: String
    public var searchSpaceText: String
    public var configuration: RunConfiguration
    public var dataFiles: [DataFile]
    /// Hashes of every example the tasks use, by task role (see `SearchSpace.datasetHashes`).
    public var datasetHashes: [String: String]
    /// Islands in the run (after command-line overrides).
    public var islands: Int
    /// Seconds after which a silent worker's islands may be adopted by another worker.
    public var leaseSeconds: Double
    /// Seconds between a worker's checkpoints of its islands (and migrations).
    public var syncSeconds: Double
    public var productVersion: String

    /// A definition from a search space read from a file.
    ///
    /// - Throws: ``GalapagosError`` when a data file cannot be read or is named by an absolute
    ///   path (other machines would not find it).
    public init(
        name: String, space: SearchSpace, searchSpacePath: String, configuration: RunConfiguration,
        leaseSeconds: Double, syncSeconds: Double
    ) throws {
        self.name = name
        searchSpaceName = space.name
        searchSpaceText = space.sourceText
        self.configuration = configuration
        let effective = configuration.overrides.apply(to: space)
        islands = effective.evolution.islands
        datasetHashes = effective.datasetHashes(runSeed: configuration.seedValue)
        self.leaseSeconds = leaseSeconds
        self.syncSeconds = syncSeconds
        productVersion = ProductVersion.current
        for file in space.dataFiles where file.path.hasPrefix("/") {
            throw GalapagosError.invalidArgument(
                "\(searchSpacePath): dataset \(file.path) is an absolute path; a hub run sends its data"
                    + " to other machines, so name data files relative to the search-space file")
        }
        dataFiles = space.dataFiles
    }

    init(
        name: String, searchSpaceName: String, searchSpaceText: String,
        configuration: RunConfiguration, dataFiles: [DataFile], datasetHashes: [String: String],
        islands: Int, leaseSeconds: Double, syncSeconds: Double, productVersion: String
    ) {
        self.name = name
        self.searchSpaceName = searchSpaceName
        self.searchSpaceText = searchSpaceText
        self.configuration = configuration
        self.dataFiles = dataFiles
        self.datasetHashes = datasetHashes
        self.islands = islands
        self.leaseSeconds = leaseSeconds
        self.syncSeconds = syncSeconds
        self.productVersion = productVersion
    }

    /// The search space with the run's overrides, its data files written under `directory`
    /// (a cache private to this run), checked against the hashes stored with the run.
    ///
    /// - Throws: ``GalapagosError`` when the data does not reproduce the run's tasks.
    public func materialize(in directory: String, hub: String) throws -> SearchSpace {
        let absolute = directory.hasPrefix("/")
            ? directory : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(directory)
        let directory = (absolute as NSString).standardizingPath
        let base = (directory as NSString).appendingPathComponent("searchspace")
        for file in dataFiles {
            let target = ((base as NSString).appendingPathComponent(file.path) as NSString).standardizingPath
            guard target.hasPrefix(directory + "/") else {
                throw GalapagosError.hub(hub, "run \(name): dataset path \(file.path) leaves its directory")
            }
            let folder = (target as NSString).deletingLastPathComponent
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try Data(file.content).write(to: URL(fileURLWithPath: target), options: .atomic)
            } catch {
                throw GalapagosError.io(path: target, "cannot write the run's data (\(error.localizedDescription))")
            }
        }
        let stored = try SearchSpace.parse(
            searchSpaceText, file: "hub \(hub) run \(name) (stored search space)", baseDirectory: base)
        let space = configuration.overrides.apply(to: stored)
        let changed = space.changedDatasets(comparedTo: datasetHashes, runSeed: configuration.seedValue)
        guard changed.isEmpty else {
            throw GalapagosError.hub(
                hub, "run \(name): this machine builds different \(changed.joined(separator: ", ")) tasks"
                    + " from the run's data (its galapagos \(ProductVersion.current) differs from the run's"
                    + " \(productVersion)?); refusing to join")
        }
        return space
    }

    /// Refuses a local search-space file (and the data files it names) that differ from the
    /// run's: a worker told to use a file must use exactly the run's.
    public func checkLocalCopy(path: String, hub: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw GalapagosError.io(path: path, "no such search-space file")
        }
        guard text == searchSpaceText else {
            throw GalapagosError.hub(
                hub, "run \(name): \(path) differs from the search space the run was started with;"
                    + " refusing to join (drop --searchspace to use the run's own copy)")
        }
        let directory = (path as NSString).deletingLastPathComponent
        for file in dataFiles {
            let local = ((directory.isEmpty ? "." : directory) as NSString).appendingPathComponent(file.path)
            guard let data = FileManager.default.contents(atPath: local),
                  ContentHash.hex([UInt8](data)) == file.contentHash
            else {
                throw GalapagosError.hub(
                    hub, "run \(name): the local dataset \(local) differs from the run's (\(file.path));"
                        + " refusing to join")
            }
        }
    }
}
