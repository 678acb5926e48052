import Foundation
import Galapagos
import GalapagosTestSupport
import Testing

// Golden trajectories: for fixed seeds, the best program and its fitness after N individuals
// are pinned in files under Golden/. Any change to what a seed produces (mutation, selection,
// evaluation, task data, random draws) shows up here and must be explained in its commit;
// then re-record with GALAPAGOS_RECORD_GOLDEN=1 swift test --filter GoldenTrajectory.

/// What a run reached: individuals, FEC hits, the hall of fame's best (id, fitness bits and
/// program) and the final choice's select fitness.
private func trajectory(_ space: SearchSpace, seed: UInt64, individuals: Int, workers: Int) throws -> String {
    let engine = Engine(space: space, settings: EngineSettings(
        seed: seed, workers: workers, maxIndividuals: individuals, selectEvery: 1_000))
    _ = engine.run()
    let summary = try #require(engine.finish())
    let best = try #require(engine.hallOfFame.members.first)
    return """
        searchspace \(space.name) seed \(seed) individuals \(engine.individuals) fec_hits \(engine.fecHits)
        hall_of_fame_best member \(best.id) fitness \(best.fitness) (bits \(String(best.fitness.bitPattern, radix: 16)))
        final member \(summary.best.id) select_fitness \(summary.selectFitness)
        \(ProgramPrinter.print(best.program, searchSpace: space.name))
        """
}

/// Compares with the golden file, or writes it when recording.
private func expectGolden(_ name: String, _ actual: String) throws {
    let path = try repositoryPath("Tests/GalapagosTests/Evolution/Golden/\(name).txt")
    if ProcessInfo.processInfo.environment["GALAPAGOS_RECORD_GOLDEN"] == "1" {
        try actual.write(toFile: path, atomically: true, encoding: .utf8)
        return
    }
    let expected = try String(contentsOfFile: path, encoding: .utf8)
    #expect(actual == expected, "trajectory \(name) changed; if intended, re-record (see the file's header comment)")
}

@Suite("Golden trajectories")
struct GoldenTrajectoryTests {
    @Test("linear_demo, seed 1, 25,000 individuals (one migration): the same with 1 and 2 workers, and as recorded")
    func linearDemo() throws {
        let space = try linearDemoSpace()
        let one = try trajectory(space, seed: 1, individuals: 25_000, workers: 1)
        let two = try trajectory(space, seed: 1, individuals: 25_000, workers: 2)
        #expect(one == two)
        try expectGolden("linear_demo-seed1-25000", one)
    }

    @Test("digits_binary (2 islands of 50), seed 4, 1,500 individuals: as recorded")
    func digitsBinary() throws {
        var space = try SearchSpace.load(path: repositoryPath("searchspaces/digits_binary.yaml"))
        space.evolution.populationSize = 50
        space.evolution.tournamentSize = 5
        space.searchTasks.count = 3
        try expectGolden("digits_binary-seed4-1500", try trajectory(space, seed: 4, individuals: 1_500, workers: 2))
    }
}
