import Foundation
import GRDB
import GalapagosTestSupport
import Testing
@testable import Galapagos

/// A full disk during a checkpoint (simulated with SQLite's `max_page_count`: tests run as
/// root, so permissions prove nothing) leaves the previous checkpoint intact.
@Suite struct WriteFaultTests {
    private func start(_ directory: String, policy: WriteErrorPolicy) throws -> RecordedRun {
        let space = try smallLinearSpace(islands: 2, population: 40)
        let recorded = try RecordedRun.start(
            space: space,
            configuration: RunConfiguration(
                searchSpacePath: directory + "/absent.yaml", overrides: SearchSpaceOverrides(),
                seed: 3, targetFitness: 2, selectEvery: 20_000, hallOfFameSize: 20,
                seedPrograms: [], maxIndividuals: nil, maxSeconds: nil),
            settings: EngineSettings(seed: 3, maxIndividuals: 3_000, targetFitness: 2),
            path: directory + "/run.sqlite", name: "run", policy: .individuals(500))
        recorded.writeErrorPolicy = policy
        return recorded
    }

    /// Fills the disk once the file holds a checkpoint of `individuals`.
    private func fillDisk(_ store: RunStore) throws {
        try store.database.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
    }

    @Test func diskFullStopsTheRunAndKeepsThePreviousCheckpoint() throws {
        let directory = try temporaryDirectory()
        let recorded = try start(directory, policy: .stop)
        var failures = 0
        recorded.onWriteError = { _ in failures += 1 }
        var filled = false
        #expect {
            _ = try recorded.run(onStep: { engine in
                if !filled, engine.individuals >= 1_000 {
                    filled = true
                    try? fillDisk(recorded.store)
                }
            })
        } throws: { error in
            "\(error)".contains("disk is full") && "\(error)".contains("previous checkpoint is intact")
        }
        #expect(failures >= 1)
        recorded.close()
        // The file still opens, holds a consistent earlier checkpoint, and resumes.
        let reader = try RunReader(path: directory + "/run.sqlite")
        let progress = try #require(try reader.progress())
        #expect(progress.individuals > 0 && progress.individuals < 3_000)
        #expect(try reader.islands().map(\.size) == [40, 40])
        guard case let .resumed(resumed) = try RecordedRun.resume(
            path: directory + "/run.sqlite", workers: 1, additionalIndividuals: 500,
            policy: .seconds(60))
        else {
            Issue.record("expected the run to resume")
            return
        }
        #expect(resumed.engine.individuals == progress.individuals)
        _ = try resumed.run()
        resumed.close()
    }

    @Test func retryKeepsSearchingAndSavesOnceThereIsRoomAgain() throws {
        let directory = try temporaryDirectory()
        let recorded = try start(directory, policy: .retry)
        var failures = 0
        recorded.onWriteError = { _ in failures += 1 }
        var filled = false, freed = false
        let reason = try recorded.run(onStep: { engine in
            if !filled, engine.individuals >= 1_000 {
                filled = true
                try? fillDisk(recorded.store)
            }
            if filled, !freed, failures > 0 {
                freed = true
                try? recorded.store.database.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA max_page_count = 1073741823")
                }
            }
        })
        #expect(reason.reason == .maxIndividuals)
        #expect(failures >= 1)
        recorded.close()
        let progress = try #require(try RunReader(path: directory + "/run.sqlite").progress())
        #expect(progress.individuals == 3_000)
    }
}
