// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Galapagos",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Galapagos", targets: ["Galapagos"]),
        .executable(name: "galapagos", targets: ["galapagos"]),
    ],
    traits: [
        .trait(
            name: "Hub",
            description: """
                Runs over PostgreSQL across machines: evolve --hub, worker, resume --hub and \
                postgres:// runs in inspect and export. It brings PostgresNIO, SwiftNIO and \
                BoringSSL, most of a release build's time; `make demo` builds without it.
                """),
        .trait(
            name: "Dashboard",
            description: """
                `galapagos serve`: a local web dashboard over run files, on Hummingbird (SwiftNIO); \
                `make demo` builds without it.
                """),
        .default(enabledTraits: ["Hub", "Dashboard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
    ],
    targets: [
        // GMP, the GNU multiple-precision library, through its system headers (libgmp-dev).
        .systemLibrary(
            name: "CGMP",
            path: "Sources/CGMP",
            pkgConfig: "gmp",
            providers: [.apt(["libgmp-dev"])]
        ),
        // The library: DSL, sandboxed interpreter, tasks, search spaces, evolution.
        .target(
            name: "Galapagos",
            dependencies: [
                "CGMP",
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // Runs spread over many machines, coordinated through PostgreSQL.
        .target(
            name: "GalapagosHub",
            dependencies: [
                "Galapagos",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ]
        ),
        // A read-only web dashboard over run files: run list, live run pages, programs, lineages.
        .target(
            name: "GalapagosDashboard",
            dependencies: [
                "Galapagos",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        // The commands, as a library so that tests can drive them in-process.
        .target(
            name: "GalapagosCLI",
            dependencies: [
                "Galapagos",
                .target(name: "GalapagosHub", condition: .when(traits: ["Hub"])),
                .target(name: "GalapagosDashboard", condition: .when(traits: ["Dashboard"])),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "galapagos", dependencies: ["GalapagosCLI"]),
        .executableTarget(name: "galapagos-fuzz", dependencies: ["Galapagos"], path: "Sources/galapagos-fuzz"),
        // Helpers the test targets share (repository files, temporary directories).
        .target(name: "GalapagosTestSupport", dependencies: ["Galapagos"], path: "Tests/GalapagosTestSupport"),
        .testTarget(
            name: "GalapagosTests", dependencies: ["Galapagos", "GalapagosTestSupport"],
            // Read by path from the repository (GoldenTrajectoryTests), not bundled.
            exclude: ["Evolution/Golden"]),
        .testTarget(
            name: "GalapagosHubTests",
            dependencies: [
                "GalapagosHub", "Galapagos", "GalapagosTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "GalapagosCLITests", dependencies: ["GalapagosCLI", "Galapagos", "GalapagosTestSupport"]),
        .testTarget(
            name: "GalapagosDashboardTests",
            dependencies: [
                "GalapagosDashboard", "GalapagosCLI", "Galapagos", "GalapagosTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)
