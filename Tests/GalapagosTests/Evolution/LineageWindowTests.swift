import Testing
@testable import Galapagos

@Suite struct LineageWindowTests {
    @Test func ancestryStaysBoundedByTheWindow() throws {
        let space = try smallLinearSpace(islands: 1, population: 20, migrationEvery: 0)
        let engine = Engine(
            space: space,
            settings: EngineSettings(
                seed: 4, maxIndividuals: 20_000, tracksAncestry: true, lineageWindow: 1_000))
        var largest = 0
        _ = engine.run(onStep: { engine in
            _ = engine.takeAncestryRecords()
            largest = max(largest, engine.ancestry?.count ?? 0)
        })
        // Only the last 1,000 individuals' ancestors (plus the living and kept) remain.
        #expect(largest < 1_500)
        let oldest = engine.ancestry?.links.map(\.birth).min() ?? 0
        let living = Set(engine.islands.flatMap(\.members).map(\.id))
        let kept = Set(engine.hallOfFame.members.map(\.id))
        for link in engine.ancestry?.links ?? [] where !living.contains(link.id) && !kept.contains(link.id) {
            #expect(link.birth >= engine.individuals - 1_000 - 200, "node \(link.id) born at \(link.birth)")
        }
        _ = oldest
    }
}
