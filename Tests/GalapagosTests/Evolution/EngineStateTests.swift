import Testing
@testable import Galapagos

private func expectSameState(_ a: EngineState, _ b: EngineState) {
    #expect(a.islands.map(\.members) == b.islands.map(\.members))
    #expect(a.islands.map(\.oldest) == b.islands.map(\.oldest))
    #expect(a.islands.map(\.individualsSinceStart) == b.islands.map(\.individualsSinceStart))
    #expect(a.scalars == b.scalars)
    #expect(a.fec.map(\.key) == b.fec.map(\.key))
    #expect(a.fec.map(\.value.bitPattern) == b.fec.map(\.value.bitPattern))
    #expect(a.hallOfFame == b.hallOfFame)
    #expect(a.paretoMembers == b.paretoMembers)
    #expect(a.bestSelected == b.bestSelected)
    #expect(a.pending.count == b.pending.count)
}

@Suite struct EngineStateTests {
    @Test(arguments: ["tournament", "thompson"])
    func stoppingAndResumingChangesNothing(selector: String) throws {
        let space = try smallLinearSpace(
            islands: 3, population: 30, selector: selector, adaptive: true, migrationEvery: 150,
            batch: 8)
        // 2N individuals in one go …
        let whole = Engine(
            space: space,
            settings: EngineSettings(seed: 21, workers: 2, maxIndividuals: 1_003, targetFitness: 2))
        _ = whole.run()
        // … and N (not a batch multiple), then N more from the captured state.
        let first = Engine(
            space: space,
            settings: EngineSettings(seed: 21, workers: 1, maxIndividuals: 501, targetFitness: 2))
        _ = first.run()
        #expect(first.pendingCount > 0)
        _ = first.finish()  // finishing must not disturb the state
        let resumed = try Engine(
            space: space,
            settings: EngineSettings(seed: 21, workers: 3, maxIndividuals: 1_003, targetFitness: 2),
            state: first.state)
        _ = resumed.run()
        #expect(resumed.individuals == 1_003)
        expectSameState(whole.state, resumed.state)
        #expect(whole.finish()?.best == resumed.finish()?.best)
    }

    @Test func aStateCapturedWhileTheNextBatchIsProposedResumesExactly() throws {
        // With more than one worker the engine proposes the batch after next while the workers
        // score: a state taken then must not carry those proposals' draws or family-tree pins.
        let space = try smallLinearSpace(islands: 2, population: 40, migrationEvery: 400, batch: 8)
        let settings = EngineSettings(
            seed: 33, workers: 2, maxIndividuals: 1_200, targetFitness: 2, tracksAncestry: true)
        let whole = Engine(space: space, settings: settings)
        _ = whole.run()
        let first = Engine(space: space, settings: settings)
        var proposedEarly = 0
        while first.individuals < 320 {
            first.step()
            if first.early != nil { proposedEarly += 1 }
        }
        #expect(proposedEarly > 10)
        let resumed = try Engine(space: space, settings: settings, state: first.state)
        #expect(resumed.state.ancestry == first.state.ancestry)
        _ = resumed.run()
        expectSameState(whole.state, resumed.state)
        #expect(whole.state.ancestry == resumed.state.ancestry)
    }

    @Test func migrantsAdmittedBetweenStepsLandAsWithOneWorker() throws {
        // A hub worker admits migrants between steps: early proposals made before them are
        // dropped, so two workers follow one worker exactly.
        let space = try smallLinearSpace(islands: 2, population: 30, migrationEvery: 0, batch: 6)
        let engines = [1, 2].map {
            Engine(space: space, settings: EngineSettings(seed: 5, workers: $0, maxIndividuals: 900, targetFitness: 2))
        }
        for engine in engines {
            while !engine.isFinished {
                engine.step()
                if engine.individuals % 120 < 12, !engine.islands[1].isInitializing {
                    engine.immigrate(engine.emigrants(from: 1), to: 0, from: 1)
                }
            }
        }
        #expect(engines[0].migrations > 0)
        expectSameState(engines[0].state, engines[1].state)
    }

    @Test func ancestryKeepsLineageOfLivingMembers() throws {
        let space = try smallLinearSpace(islands: 2, population: 20, migrationEvery: 100)
        let engine = Engine(
            space: space,
            settings: EngineSettings(seed: 8, maxIndividuals: 2_000, tracksAncestry: true))
        var records: [Int: Member] = [:]
        _ = engine.run(onStep: { engine in
            for record in engine.takeAncestryRecords() { records[record.id] = record }
        })
        let ancestry = try #require(engine.ancestry)
        // Every living member's chain of parents is on record (dead ancestors) or alive, back
        // to a random program.
        let living = engine.islands.flatMap(\.members)
        for member in living { records[member.id] = member }
        for member in living {
            var current: Member? = records[member.id]
            var steps = 0
            while let node = current, let parent = node.parentID {
                #expect(ancestry.contains(parent))
                current = records[parent]
                #expect(current != nil)
                steps += 1
            }
            #expect(current?.origin == .random)
            _ = steps
        }
        // The tree holds far fewer nodes than individuals were born.
        #expect(ancestry.count < engine.individuals / 2)
    }
}
