import Foundation
import Testing
@testable import Galapagos

/// `restart_stagnant_after`: an island whose best has not improved for N of its individuals
/// restarts from random programs; deterministic, and carried through a checkpoint.
@Suite("Stagnation restarts")
struct StagnationRestartTests {
    @Test("an island record moves only on strict improvement, counted in the island's individuals")
    func records() {
        var record = IslandRecord()
        record.offer(0.5, at: 1)
        record.offer(0.5, at: 2)
        record.offer(0.4, at: 3)
        #expect(record == IslandRecord(fitness: 0.5, at: 1))
        record.offer(0.6, at: 4)
        #expect(record == IslandRecord(fitness: 0.6, at: 4))
    }

    @Test("stagnant islands restart, the same on 1 and 3 workers; without the setting none do")
    func stagnantIslandsRestart() throws {
        var space = try smallLinearSpace(islands: 2, population: 20, migrationEvery: 0)
        let plain = Engine(space: space, settings: EngineSettings(seed: 3, workers: 1, maxIndividuals: 3_000, targetFitness: 2))
        _ = plain.run()
        #expect(plain.restarts == 0)
        space.evolution.restartStagnantAfterIndividuals = 150
        let one = Engine(space: space, settings: EngineSettings(seed: 3, workers: 1, maxIndividuals: 3_000, targetFitness: 2))
        _ = one.run()
        let three = Engine(space: space, settings: EngineSettings(seed: 3, workers: 3, maxIndividuals: 3_000, targetFitness: 2))
        _ = three.run()
        #expect(one.restarts > 0)
        #expect(one.restarts == three.restarts)
        #expect(one.state.islands.map(\.members) == three.state.islands.map(\.members))
        // Every island improved within the last 150 of its individuals, or restarted since.
        for (island, record) in zip(one.islands, one.islandRecords) {
            #expect(island.individualsSinceStart - record.at < 150 + space.evolution.batchSize)
        }
        // What the islands found before restarting is kept.
        #expect((one.finish()?.searchFitness ?? 0) > 0)
    }

    @Test("a run resumed from its JSON-encoded state restarts exactly as an uninterrupted one")
    func resumeKeepsRecords() throws {
        var space = try smallLinearSpace(islands: 2, population: 20, migrationEvery: 0)
        space.evolution.restartStagnantAfterIndividuals = 120
        let whole = Engine(space: space, settings: EngineSettings(seed: 9, workers: 1, maxIndividuals: 2_400, targetFitness: 2))
        _ = whole.run()
        let first = Engine(space: space, settings: EngineSettings(seed: 9, workers: 1, maxIndividuals: 1_200, targetFitness: 2))
        _ = first.run()
        var state = first.state
        // The checkpoint stores the scalars as JSON.
        state.scalars = try JSONDecoder().decode(EngineState.Scalars.self, from: JSONEncoder().encode(state.scalars))
        #expect(state.scalars.islandRecords == first.islandRecords)
        let resumed = try Engine(
            space: space, settings: EngineSettings(seed: 9, workers: 2, maxIndividuals: 2_400, targetFitness: 2), state: state)
        _ = resumed.run()
        #expect(whole.restarts > 0 && resumed.restarts == whole.restarts)
        #expect(resumed.state.islands.map(\.members) == whole.state.islands.map(\.members))
    }
}
