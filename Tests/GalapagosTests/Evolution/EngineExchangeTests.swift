import Testing
@testable import Galapagos

@Suite struct EngineExchangeTests {
    private func filledEngine(seed: UInt64 = 3) throws -> Engine {
        let space = try smallLinearSpace(islands: 1, population: 20, migrationEvery: 0, batch: 10)
        let engine = Engine(space: space, settings: EngineSettings(seed: seed))
        while engine.islands[0].isInitializing || engine.individuals < 200 { engine.step() }
        return engine
    }

    @Test func emigrantsAreTheFittestAndStayHome() throws {
        let engine = try filledEngine()
        let before = engine.islands[0].members
        let emigrants = engine.emigrants(from: 0)
        #expect(emigrants.count == engine.space.evolution.migrants)
        let best = before.map(\.fitness).sorted(by: >).prefix(emigrants.count)
        #expect(emigrants.map(\.fitness) == Array(best))
        #expect(engine.islands[0].members == before)
    }

    @Test func arrivalsReplaceTheOldestWithFreshIDs() throws {
        let engine = try filledEngine()
        let donor = try filledEngine(seed: 9)
        let arrivals = donor.emigrants(from: 0)
        let oldest = engine.islands[0].membersByAge.prefix(arrivals.count).map(\.id)
        let nextID = engine.state.scalars.nextMemberID
        let taken = engine.immigrate(arrivals, to: 0, from: 4)
        #expect(taken == arrivals.count)
        let ids = Set(engine.islands[0].members.map(\.id))
        #expect(oldest.allSatisfy { !ids.contains($0) })
        let newcomers = engine.islands[0].members.filter { $0.origin == .migration }
        #expect(newcomers.map(\.id).sorted() == Array(nextID..<(nextID + arrivals.count)))
        #expect(newcomers.map(\.program) == arrivals.map(\.program))
        #expect(newcomers.allSatisfy { $0.parentID == nil })
        let events = engine.takeMigrationEvents()
        #expect(events.map(\.from) == Array(repeating: 4, count: arrivals.count))
        #expect(events.map(\.originalID) == arrivals.map(\.id))
    }

    @Test func anIslandStillFillingTurnsArrivalsAway() throws {
        let space = try smallLinearSpace(islands: 1, population: 20, migrationEvery: 0, batch: 5)
        let engine = Engine(space: space, settings: EngineSettings(seed: 1))
        engine.step()
        #expect(engine.islands[0].isInitializing)
        let arrivals = try filledEngine().emigrants(from: 0)
        #expect(engine.immigrate(arrivals, to: 0, from: 1) == 0)
        #expect(engine.emigrants(from: 0).isEmpty)
        #expect(engine.immigrate(arrivals, to: 7, from: 1) == 0)
    }

    @Test func aTaskSeedSharesTasksAcrossEngineSeeds() throws {
        let space = try smallLinearSpace(islands: 1)
        let a = Engine(space: space, settings: EngineSettings(seed: 11, taskSeed: 5))
        let b = Engine(space: space, settings: EngineSettings(seed: 12, taskSeed: 5))
        let c = Engine(space: space, settings: EngineSettings(seed: 5))
        #expect(a.searchTasks.map(\.train.features) == b.searchTasks.map(\.train.features))
        #expect(a.selectTasks.map(\.valid.labels) == c.selectTasks.map(\.valid.labels))
        let d = Engine(space: space, settings: EngineSettings(seed: 11))
        #expect(a.searchTasks.map(\.train.features) != d.searchTasks.map(\.train.features))
    }
}

@Suite struct EngineStateDocumentTests {
    @Test func aDocumentRestoresAnEngineThatContinuesIdentically() throws {
        // FEC off: documents leave the cache out, and with it on only the hit counts differ.
        let space = try smallLinearSpace(islands: 1, population: 30, migrationEvery: 0, batch: 7, fec: false)
        let settings = EngineSettings(seed: 21, targetFitness: 2, selectEvery: 50, taskSeed: 4)
        let original = Engine(space: space, settings: settings)
        while original.individuals < 400 { original.step() }
        let text = try EngineStateDocument(original.state, searchSpace: space.name).jsonText()
        let document = try EngineStateDocument.decode(text, source: "test")
        let state = try document.state(limits: space.programLimits(strictOps: false), source: "test")
        let restored = try Engine(space: space, settings: settings, state: state)
        #expect(restored.islands[0].members == original.islands[0].members)
        #expect(restored.hallOfFame.members == original.hallOfFame.members)
        #expect(restored.bestSelected == original.bestSelected)
        for _ in 0..<30 {
            original.step()
            restored.step()
        }
        #expect(restored.individuals == original.individuals)
        #expect(restored.islands[0].members == original.islands[0].members)
        #expect(restored.state.scalars == original.state.scalars)
    }

    @Test func damagedOrForeignDocumentsAreRefused() throws {
        let space = try smallLinearSpace(islands: 1)
        #expect(throws: GalapagosError.self) { try EngineStateDocument.decode("{\"format\": 1", source: "x") }
        let engine = Engine(space: space, settings: EngineSettings(seed: 1))
        engine.step()
        var document = EngineStateDocument(engine.state, searchSpace: space.name)
        document.format = 99
        #expect {
            try document.state(limits: space.programLimits(strictOps: false), source: "hub island 3")
        } throws: { "\($0)".contains("hub island 3") && "\($0)".contains("format 99") }
        document.format = EngineStateDocument.currentFormat
        document.islands[0].members[0].program = "def setup():\n  s9 = bogus\n"
        #expect {
            try document.state(limits: space.programLimits(strictOps: false), source: "hub island 3")
        } throws: { "\($0)".contains("hub island 3 island 0 slot 0") }
    }
}
