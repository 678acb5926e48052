import Foundation
import GRDB
import GalapagosTestSupport
import Testing
@testable import Galapagos

private func configuration(seed: UInt64, path: String = "small_linear.yaml") -> RunConfiguration {
    RunConfiguration(
        searchSpacePath: path, overrides: SearchSpaceOverrides(), seed: seed, targetFitness: 2,
        selectEvery: 20_000, hallOfFameSize: 20, seedPrograms: [], maxIndividuals: nil,
        maxSeconds: nil)
}

@Suite struct RunStoreTests {
    @Test func resumedRunEndsWhereAnUninterruptedRunEnds() throws {
        let directory = try temporaryDirectory()
        let space = try smallLinearSpace(islands: 2, population: 30, adaptive: true, migrationEvery: 150)
        let whole = Engine(
            space: space,
            settings: EngineSettings(seed: 5, workers: 1, maxIndividuals: 1_205, targetFitness: 2,
                                     tracksAncestry: true))
        _ = whole.run()

        let path = directory + "/run.sqlite"
        let first = try RecordedRun.start(
            space: space, configuration: configuration(seed: 5, path: directory + "/absent.yaml"),
            settings: EngineSettings(seed: 5, workers: 2, maxIndividuals: 603, targetFitness: 2),
            path: path, name: "run", policy: .individuals(100))
        _ = try first.run()
        #expect(first.engine.pendingCount > 0)
        first.close()
        let outcome = try RecordedRun.resume(
            path: path, workers: 3, additionalIndividuals: 602, policy: .individuals(250))
        guard case let .resumed(second) = outcome else {
            Issue.record("expected the run to resume")
            return
        }
        #expect(second.engine.individuals == 603)
        _ = try second.run()
        let a = whole.state, b = second.engine.state
        #expect(a.islands.map(\.members) == b.islands.map(\.members))
        #expect(a.scalars == b.scalars)
        #expect(a.fec.map(\.key) == b.fec.map(\.key))
        #expect(a.hallOfFame == b.hallOfFame)
        #expect(whole.finish()?.best == second.engine.finish()?.best)
    }

    @Test func lineageIsStoredBackToARandomProgram() throws {
        let directory = try temporaryDirectory()
        let space = try smallLinearSpace(islands: 1, population: 20)
        let path = directory + "/run.sqlite"
        let recorded = try RecordedRun.start(
            space: space, configuration: configuration(seed: 2),
            settings: EngineSettings(seed: 2, maxIndividuals: 1_500), path: path, name: "run",
            policy: .individuals(200))
        _ = try recorded.run()
        recorded.close()
        let reader = try RunReader(path: path)
        let best = try #require(try reader.hallOfFame(limit: 1).first)
        let lineage = try reader.lineage(of: best.id)
        #expect(lineage.first?.id == best.id)
        #expect(lineage.last?.origin == "random")
        for (child, parent) in zip(lineage, lineage.dropFirst()) {
            #expect(child.parentID == parent.id)
        }
    }

    @Test func secondWriterIsRefused() throws {
        let directory = try temporaryDirectory()
        let space = try smallLinearSpace()
        let path = directory + "/run.sqlite"
        let recorded = try RecordedRun.start(
            space: space, configuration: configuration(seed: 1),
            settings: EngineSettings(seed: 1, maxIndividuals: 50), path: path, name: "run",
            policy: .seconds(5))
        #expect {
            _ = try RecordedRun.resume(path: path, workers: 1, additionalIndividuals: 10, policy: .seconds(5))
        } throws: { error in
            "\(error)".contains("another galapagos process is writing this run")
        }
        _ = recorded
    }

    @Test func badFilesGiveOneLineErrors() throws {
        let directory = try temporaryDirectory()
        let garbage = directory + "/garbage.sqlite"
        var random = RandomGenerator(seed: 3)
        let bytes = (0..<8_192).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        #expect(FileManager.default.createFile(atPath: garbage, contents: Data(bytes)))
        let missing = directory + "/missing.sqlite"
        for path in [garbage, missing] {
            #expect {
                _ = try RecordedRun.resume(path: path, workers: 1, additionalIndividuals: 1, policy: .seconds(5))
            } throws: { error in
                let text = "\(error)"
                return text.hasPrefix(path) && !text.contains("\n")
            }
            #expect(throws: (any Error).self) { _ = try RunReader(path: path) }
        }
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    @Test func truncatedFileIsRefused() throws {
        let directory = try temporaryDirectory()
        let path = directory + "/run.sqlite"
        let recorded = try RecordedRun.start(
            space: try smallLinearSpace(), configuration: configuration(seed: 1),
            settings: EngineSettings(seed: 1, maxIndividuals: 300), path: path, name: "run",
            policy: .seconds(5))
        _ = try recorded.run()
        recorded.close()
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let truncated = directory + "/truncated.sqlite"
        #expect(FileManager.default.createFile(atPath: truncated, contents: data.prefix(data.count / 3)))
        #expect {
            let reader = try RunReader(path: truncated)
            _ = try reader.run()
            _ = try reader.members(island: 0)
            _ = try reader.statistics()
        } throws: { error in
            "\(error)".hasPrefix(truncated)
        }
    }

    @Test func newerSchemaIsRefused() throws {
        let directory = try temporaryDirectory()
        let path = directory + "/run.sqlite"
        do {
            let recorded = try RecordedRun.start(
                space: try smallLinearSpace(), configuration: configuration(seed: 1),
                settings: EngineSettings(seed: 1, maxIndividuals: 100), path: path, name: "run",
                policy: .seconds(5))
            _ = try recorded.run()
            recorded.close()
        }
        let database = try DatabaseQueue(path: path)
        try database.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v999')")
        }
        try database.close()
        #expect {
            _ = try RecordedRun.resume(path: path, workers: 1, additionalIndividuals: 1, policy: .seconds(5))
        } throws: { error in
            "\(error)".contains("written by a newer Galapagos")
        }
        #expect {
            _ = try RunReader(path: path)
        } throws: { error in
            "\(error)".contains("written by a newer Galapagos")
        }
    }

    @Test func changedSearchSpaceOrDataIsRefused() throws {
        let directory = try temporaryDirectory()
        let spacePath = directory + "/space.yaml"
        let space = try smallLinearSpace()
        try space.sourceText.write(toFile: spacePath, atomically: true, encoding: .utf8)
        let path = directory + "/run.sqlite"
        do {
            let recorded = try RecordedRun.start(
                space: space, configuration: configuration(seed: 1, path: spacePath),
                settings: EngineSettings(seed: 1, maxIndividuals: 100), path: path, name: "run",
                policy: .seconds(5))
            _ = try recorded.run()
            recorded.close()
        }
        try (space.sourceText + "\n# edited\n").write(toFile: spacePath, atomically: true, encoding: .utf8)
        #expect {
            _ = try RecordedRun.resume(path: path, workers: 1, additionalIndividuals: 1, policy: .seconds(5))
        } throws: { error in
            "\(error)".contains("changed since the run started")
        }
        try space.sourceText.write(toFile: spacePath, atomically: true, encoding: .utf8)
        let database = try DatabaseQueue(path: path)
        try database.write { db in
            try db.execute(sql: #"UPDATE run SET dataset_hashes = '{"search":"0"}'"#)
        }
        try database.close()
        #expect {
            _ = try RecordedRun.resume(path: path, workers: 1, additionalIndividuals: 1, policy: .seconds(5))
        } throws: { error in
            "\(error)".contains("dataset hash mismatch")
        }
    }

    @Test func finishedRunIsNotResumed() throws {
        let directory = try temporaryDirectory()
        let path = directory + "/run.sqlite"
        var config = configuration(seed: 1)
        config.targetFitness = 0.1
        let recorded = try RecordedRun.start(
            space: try smallLinearSpace(), configuration: config,
            settings: EngineSettings(seed: 1, maxIndividuals: 5_000, targetFitness: 0.1),
            path: path, name: "run", policy: .seconds(5))
        #expect(try recorded.run().reason == .target)
        recorded.close()
        let outcome = try RecordedRun.resume(path: path, workers: 1, additionalIndividuals: 1, policy: .seconds(5))
        guard case .finished = outcome else {
            Issue.record("a run that reached its target must not resume")
            return
        }
    }

    /// Statistics are sampled on their own clock: a run whose checkpoints never come between
    /// the first and the last still records a curve.
    @Test func statisticsAreSampledBetweenCheckpoints() throws {
        let directory = try temporaryDirectory()
        let space = try smallLinearSpace(islands: 2, population: 20)
        let path = directory + "/run.sqlite"
        let recorded = try RecordedRun.start(
            space: space, configuration: configuration(seed: 3),
            settings: EngineSettings(seed: 3), path: path, name: "run",
            policy: .individuals(Int.max / 2))
        recorded.statisticsInterval = 0.1
        _ = try recorded.run(until: ContinuousClock().now + .milliseconds(1_500))
        recorded.close()
        let rows = try RunReader(path: path).statistics()
        let moments = Set(rows.map(\.individuals))
        #expect(moments.count >= 6, "\(moments.count) sampling moments in 1.5 s")
        // Each moment has a row for each island, and the curves only move forwards.
        for moment in moments { #expect(rows.filter { $0.individuals == moment }.map(\.island).sorted() == [0, 1]) }
        let island0 = rows.filter { $0.island == 0 }.sorted { $0.individuals < $1.individuals }
        for (earlier, later) in zip(island0, island0.dropFirst()) { #expect(earlier.seconds <= later.seconds) }
    }
}
