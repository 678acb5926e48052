import Galapagos

/// Whether this build runs hub runs (the package's `Hub` trait, on by default), and what the
/// hub's commands say in a build without it (`make demo` builds without it to build fast).
enum HubSupport {
    #if Hub
    static let isBuilt = true
    #else
    static let isBuilt = false
    #endif

    /// Whether a command-line argument names a hub (`postgres://…`) rather than a file.
    static func isHubURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// The error of a hub operation in a build without the `Hub` trait.
    static var unavailable: GalapagosError {
        .invalidArgument(
            "this galapagos was built without hub support (the Hub package trait);"
                + " build it with `swift build -c release` (or `make release`) to use hub runs")
    }
}
