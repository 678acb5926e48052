import Galapagos

/// Where a dashboard's runs come from: the run files of a directory (``RunDirectory``), or a
/// run on a PostgreSQL hub (the command line provides that source when built with the hub).
///
/// A source names its runs; a name is all a request can give, so a source opens only the runs
/// it lists and refuses everything else.
public protocol RunSource: Sendable {
    /// What the run list says is served: a directory, or a hub's address without its password.
    var servedDescription: String { get }
    /// The runs' names, most recently updated first.
    func names() async -> [String]
    /// The run called `name`, read-only; `nil` when the source holds no such run.
    ///
    /// - Throws: when the run exists but cannot be read.
    func open(_ name: String) async throws -> (any RunRecords)?
}

extension RunDirectory: RunSource {
    public var servedDescription: String {
        onlyFile.map { directory + "/" + $0 } ?? directory
    }

    public func open(_ name: String) async throws -> (any RunRecords)? {
        try path(of: name).map { try RunReader(path: $0) }
    }
}
