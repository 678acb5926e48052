import Galapagos
import Testing
@testable import GalapagosHub

@Suite struct HubAddressTests {
    @Test func parsesAFullURL() throws {
        let address = try HubAddress("postgres://ann:s%40cret@db.example:6543/runs?sslmode=require", environment: [:])
        #expect(address.host == "db.example")
        #expect(address.port == 6543)
        #expect(address.username == "ann")
        #expect(address.password == "s@cret")
        #expect(address.database == "runs")
        #expect(address.tls == .require)
        #expect(address.description == "postgres://ann@db.example:6543/runs?sslmode=require")
    }

    @Test func defaultsAndThePasswordFromTheEnvironment() throws {
        let address = try HubAddress("postgresql://ann@10.0.0.7/galapagos", environment: ["PGPASSWORD": "pw"])
        #expect(address.port == 5432)
        #expect(address.password == "pw")
        #expect(address.tls == .disable)
        #expect(!address.description.contains("pw"))
        #expect(HubAddress.isHubURL("postgres://x@y/z"))
        #expect(!HubAddress.isHubURL("populations/run.sqlite"))
    }

    @Test(arguments: [
        ("mysql://ann@host/db", "scheme"),
        ("postgres://ann@/db", "no host"),
        ("postgres://host/db", "no user name"),
        ("postgres://ann@host", "no database"),
        ("postgres://ann@host/db?sslmode=maybe", "sslmode must be one of"),
        ("postgres://ann@host/db?timeout=3", "unknown parameter timeout"),
        ("postgres://ann:hunter2@host", "no database"),
    ])
    func refusesBadURLsSayingWhy(url: String, expected: String) {
        #expect {
            try HubAddress(url, environment: [:])
        } throws: { error in
            let text = "\(error)"
            return text.contains(expected) && text.contains("expected postgres://") && !text.contains("hunter2")
        }
    }
}

@Suite struct HubAddressRedactionTests {
    @Test(arguments: [
        "postgres://ann:se cret@db/x", "postgres://ann:s%zz@db/x", "postgres://ann:p#w@db/x",
        "postgres://ann:pw@db:99999/x", "postgres:/ann:pw@db/x",
    ])
    func malformedURLsNeverShowTheirPassword(url: String) {
        let shown = HubAddress.redacted(url)
        #expect(shown.hasPrefix("postgres://ann:***@") || shown.hasPrefix("postgres:/ann:***@"))
        #expect(!shown.contains("cret") && !shown.contains("%zz") && !shown.contains("p#w") && !shown.contains(":pw@"))
    }

    @Test func percentEscapesAreDecodedOnce() throws {
        let address = try HubAddress("postgres://ann:%2541@db/x", environment: [:])
        #expect(address.password == "%41")
    }
}

@Suite struct IslandFactoryTests {
    @Test func islandsShareTasksAndSplitTheMigrationInterval() throws {
        let space = try HubFixtures.space(islands: 4, migrationEvery: 400)
        let configuration = HubFixtures.configuration(seed: 7)
        let factory = try IslandFactory(space: space, configuration: configuration, threads: 1, source: "test")
        #expect(factory.migrationInterval == 100)
        #expect(factory.islandSpace.evolution.islands == 1)
        #expect(factory.islandSpace.evolution.migrationInterval == 0)
        let a = factory.settings(island: 0), b = factory.settings(island: 1)
        #expect(a.seed != b.seed)
        #expect(a.taskSeed == 7 && b.taskSeed == 7)
        #expect((0..<4).map { factory.destination(of: $0, migration: 100) } == [1, 2, 3, 0])
        let ids = (0..<4).flatMap { island in (0..<50).map { factory.globalID($0, island: island) } }
        #expect(Set(ids).count == ids.count)
    }

    @Test func oneIslandOrNoMigrantsMeansNoMigration() throws {
        let configuration = HubFixtures.configuration(seed: 1)
        let single = try IslandFactory(
            space: HubFixtures.space(islands: 1, migrationEvery: 400), configuration: configuration,
            threads: 1, source: "test")
        #expect(single.migrationInterval == 0)
        let never = try IslandFactory(
            space: HubFixtures.space(islands: 3, migrationEvery: 0), configuration: configuration,
            threads: 1, source: "test")
        #expect(never.migrationInterval == 0)
    }
}

@Suite struct HubRunDefinitionTests {
    @Test func carriesTheDataAndRefusesChangedLocalCopies() throws {
        let folder = try HubFixtures.folder()
        let path = try HubFixtures.datasetSpaceFile(in: folder)
        let space = try SearchSpace.load(path: path)
        let configuration = HubFixtures.configuration(seed: 3, path: path)
        let definition = try HubRunDefinition(
            name: "d", space: space, searchSpacePath: path, configuration: configuration,
            leaseSeconds: 10, syncSeconds: 1)
        #expect(definition.dataFiles.map(\.path) == ["data/points.csv"])
        try definition.checkLocalCopy(path: path, hub: "h")
        let cache = folder + "/cache"
        let materialized = try definition.materialize(in: cache, hub: "h")
        #expect(materialized.datasetHashes(runSeed: 3) == definition.datasetHashes)

        try HubFixtures.write("x0,x1,label\n1,2,0\n2,1,1\n", to: folder + "/data/points.csv")
        #expect {
            try definition.checkLocalCopy(path: path, hub: "h")
        } throws: { "\($0)".contains("data/points.csv") && "\($0)".contains("refusing to join") }
        var changed = definition
        changed.datasetHashes["search"] = "0"
        #expect {
            try changed.materialize(in: cache, hub: "h")
        } throws: { "\($0)".contains("refusing to join") }
    }

    @Test func refusesAbsoluteDataPaths() throws {
        let folder = try HubFixtures.folder()
        let path = try HubFixtures.datasetSpaceFile(in: folder, absolute: true)
        let space = try SearchSpace.load(path: path)
        #expect {
            try HubRunDefinition(
                name: "d", space: space, searchSpacePath: path,
                configuration: HubFixtures.configuration(seed: 1, path: path), leaseSeconds: 10, syncSeconds: 1)
        } throws: { "\($0)".contains("absolute path") }
    }
}
