import GalapagosTestSupport
import Testing
@testable import Galapagos

/// A linear-regression search space small enough for debug-build tests.
func smallLinearSpace(
    islands: Int = 2, population: Int = 50, selector: String = "tournament",
    adaptive: Bool = false, migrationEvery: Int = 200, batch: Int = 8, fec: Bool = true,
    hurdle: Double? = nil, retries: Int = 0
) throws -> SearchSpace {
    try SearchSpace.parse("""
        name: small_linear
        memory: {features: 4, scalars: 4, vectors: 3, matrices: 1}
        ops: [scalar_const_set, vector_inner_product, scalar_diff, scalar_product,
              scalar_vector_product, vector_sum]
        setup: {min: 1, max: 4, initial: 2}
        predict: {min: 1, max: 3, initial: 1}
        learn: {min: 1, max: 6, initial: 4}
        mutation:
          probability: 0.9
          operators: [alter_argument, randomize_instruction, insert_instruction,
                      remove_instruction, randomize_component]
          adaptive: \(adaptive)
          retries: \(retries)
        evolution:
          population: \(population)
          tournament: 5
          islands: \(islands)
          selector: \(selector)
          batch: \(batch)
          migration: {every: \(migrationEvery), count: 2, topology: ring}
          \(hurdle.map { "hurdle: \($0)" } ?? "")
        fec: {enabled: \(fec), train: 5, valid: 5, cache: 500}
        tasks:
          search: {generator: scalar_linear_regression, count: 2, train: 20, valid: 20}
          select: {generator: scalar_linear_regression, count: 3, train: 50, valid: 20}
          final: {generator: scalar_linear_regression, count: 2, train: 50, valid: 20,
                  data_seed: 7, param_seed: 8}
        """, file: "small_linear.yaml")
}

/// What a run did, step by step: enough to tell two runs apart.
private struct Trajectory: Equatable {
    var steps: [[Double?]] = []
    var individuals: [Int] = []
    var fecHits: [Int] = []
}

private func runEngine(
    space: SearchSpace, seed: UInt64, workers: Int, maxIndividuals: Int
) -> (Trajectory, RunSummary?) {
    let engine = Engine(
        space: space,
        settings: EngineSettings(seed: seed, workers: workers, maxIndividuals: maxIndividuals))
    var trajectory = Trajectory()
    _ = engine.run(onStep: { engine in
        let progress = engine.progress
        trajectory.steps.append(progress.islandBest)
        trajectory.individuals.append(progress.individuals)
        trajectory.fecHits.append(progress.fecHits)
    })
    return (trajectory, engine.finish())
}

@Suite struct EngineTests {
    @Test(arguments: ["tournament", "power-law", "ucb", "thompson"])
    func resultsDoNotDependOnWorkers(selector: String) throws {
        let space = try smallLinearSpace(selector: selector, adaptive: selector == "ucb")
        let (one, summaryOne) = runEngine(space: space, seed: 11, workers: 1, maxIndividuals: 1_500)
        let (four, summaryFour) = runEngine(space: space, seed: 11, workers: 4, maxIndividuals: 1_500)
        #expect(one == four)
        let a = try #require(summaryOne), b = try #require(summaryFour)
        #expect(a.best.program == b.best.program)
        #expect(a.searchFitness.bitPattern == b.searchFitness.bitPattern)
        #expect(a.selectFitness.bitPattern == b.selectFitness.bitPattern)
        #expect(a.testFitness?.bitPattern == b.testFitness?.bitPattern)
        #expect(a.individuals == 1_500 && b.individuals == 1_500)
    }

    @Test func hurdlesAndRetriesKeepRunsIndependentOfWorkers() throws {
        let space = try smallLinearSpace(hurdle: 0.5, retries: 3)
        let (one, summaryOne) = runEngine(space: space, seed: 4, workers: 1, maxIndividuals: 1_200)
        let (three, summaryThree) = runEngine(space: space, seed: 4, workers: 3, maxIndividuals: 1_200)
        #expect(one == three)
        #expect(summaryOne?.best.program == summaryThree?.best.program)
    }

    /// A child below the hurdle on its first task keeps that score; one above it is scored on
    /// every task.
    @Test func aChildBelowTheHurdleKeepsItsFirstTaskScore() throws {
        let space = try smallLinearSpace(islands: 1, population: 30, fec: false, hurdle: 1.0)
        let engine = Engine(space: space, settings: EngineSettings(seed: 6, maxIndividuals: 600))
        while !engine.isFinished { engine.step() }
        let evaluator = space.makeEvaluator()
        var stopped = 0, full = 0
        for member in engine.islands[0].members {
            let compiled = try CompiledProgram(member.program, shape: space.memory)
            let all = evaluator.evaluate(compiled, on: engine.searchTasks, aggregation: space.aggregation)
            if member.fitness == all.fitness {
                full += 1
            } else {
                #expect(member.fitness == all.taskFitness[0], "member \(member.id): \(member.fitness) is neither score")
                stopped += 1
            }
        }
        #expect(stopped > 0)
        #expect(full > 0)
    }

    /// Redrawing mutations whose children behave like known programs leaves fewer cache hits.
    @Test func retriesMakeFewerCacheHits() throws {
        func hitRate(_ retries: Int) throws -> Double {
            let space = try smallLinearSpace(islands: 1, population: 200, retries: retries)
            let engine = Engine(space: space, settings: EngineSettings(seed: 9, maxIndividuals: 3_000))
            while !engine.isFinished { engine.step() }
            return Double(engine.fecHits) / Double(engine.individuals)
        }
        let without = try hitRate(0), with = try hitRate(5)
        #expect(with < without * 0.8, "hit rate \(with) with retries, \(without) without")
    }

    /// `initial: reading_features` draws first populations whose prediction reads `v0`; plain
    /// random programs (with every op) mostly do not.
    @Test func initialProgramsCanBeMadeToReadTheFeatures() throws {
        let space = try SearchSpace.parse("""
            name: wide
            memory: {features: 4, scalars: 6, vectors: 4, matrices: 2}
            ops: [all]
            setup: {min: 0, max: 8, initial: 4}
            predict: {min: 1, max: 8, initial: 3}
            learn: {min: 0, max: 8, initial: 4}
            evolution: {population: 50, tournament: 5, initial: reading_features}
            tasks:
              search: {generator: scalar_linear_regression, count: 2, train: 10, valid: 10}
            """, file: "wide.yaml")
        #expect(space.evolution.initialPrograms == .readingFeatures)
        let mutator = Mutator(space: space)
        var random = RandomGenerator(seed: 12)
        func readsFeatures(_ program: Program) -> Bool {
            Liveness(program).liveIn[Component.predict.rawValue].contains(.features)
        }
        let plain = (0..<200).filter { _ in readsFeatures(mutator.randomProgram(using: &random)) }.count
        let reading = (0..<200).filter { _ in
            readsFeatures(mutator.randomProgramReadingFeatures(protocol: .scalar, using: &random))
        }.count
        #expect(plain < 120, "\(plain) of 200 plain random programs read the features")
        #expect(reading == 200)
        // The engine's first population is drawn that way.
        let engine = Engine(space: space, settings: EngineSettings(seed: 3, maxIndividuals: 50))
        while !engine.isFinished { engine.step() }
        #expect(engine.islands[0].members.allSatisfy { readsFeatures($0.program) })
    }

    @Test func fitnessQuantilesOfAnIsland() throws {
        var island = Island(capacity: 5)
        #expect(island.fitnessQuantile(0.5) == -Double.infinity)
        for (id, fitness) in [0.3, 0.1, 0.5, 0.2, 0.4].enumerated() {
            _ = island.add(Member(id: id, program: Program(), fitness: fitness, fingerprint: 0, parentID: nil, origin: .random, birth: id))
        }
        #expect(island.fitnessQuantile(0) == 0.1)
        #expect(island.fitnessQuantile(0.5) == 0.3)
        #expect(island.fitnessQuantile(0.75) == 0.4)
        #expect(island.fitnessQuantile(1) == 0.5)
    }

    @Test func anIslandsBestIsItsFittestOldestMemberAfterEveryArrival() {
        // The reference: scan storage order, keep the first member that no later one is fitter
        // than or as fit and older than (NaN compares false, as in the engine's scan).
        func scanned(_ members: [Member]) -> Int? {
            guard !members.isEmpty else { return nil }
            var best = 0
            for index in members.indices.dropFirst() {
                let a = members[index], b = members[best]
                if a.fitness > b.fitness || (a.fitness == b.fitness && a.birth < b.birth) { best = index }
            }
            return best
        }
        var random = RandomGenerator(seed: 11)
        var island = Island(capacity: 7)
        let fitnesses = [0.1, 0.5, 0.9, .nan]
        for step in 0..<3_000 {
            if step % 997 == 996 { island.restart() }
            // Many ties on fitness and on birth, so that storage order decides too.
            let fitness = fitnesses[random.nextInt(below: random.nextBool(probability: 0.02) ? 4 : 3)]
            let birth = random.nextInt(below: 3)
            island.add(Member(
                id: step, program: Program(), fitness: fitness, fingerprint: 0, parentID: nil,
                origin: .random, birth: birth))
            if random.nextBool(probability: 0.5) { island.settleBest() }
            #expect(island.bestIndex == scanned(island.members), "after \(step) arrivals")
            if step % 500 == 0 {
                let restored = Island(
                    capacity: 7, members: island.members, oldest: island.oldest,
                    individualsSinceStart: island.individualsSinceStart)
                #expect(restored.bestIndex == scanned(island.members))
            }
        }
    }

    @Test func differentSeedsGiveDifferentRuns() throws {
        let space = try smallLinearSpace()
        let (a, _) = runEngine(space: space, seed: 1, workers: 1, maxIndividuals: 600)
        let (b, _) = runEngine(space: space, seed: 2, workers: 1, maxIndividuals: 600)
        #expect(a != b)
    }

    @Test func maxIndividualsIsExact() throws {
        let space = try smallLinearSpace(batch: 7)
        let (trajectory, summary) = runEngine(space: space, seed: 3, workers: 2, maxIndividuals: 333)
        #expect(trajectory.individuals.last == 333)
        #expect(summary?.individuals == 333)
    }

    @Test func populationsStayAtCapacityAndOldestDies() throws {
        let space = try smallLinearSpace(islands: 1, population: 20, migrationEvery: 0, batch: 5)
        let engine = Engine(space: space, settings: EngineSettings(seed: 5, maxIndividuals: 200))
        while !engine.isFinished { engine.step() }
        let island = engine.islands[0]
        #expect(island.members.count == 20)
        // Regularized evolution keeps exactly the 20 youngest individuals.
        let births = island.members.map(\.birth).sorted()
        #expect(births == Array(180..<200))
    }

    @Test func fecCountsHitsAndKeepsFitnessConsistent() throws {
        let space = try smallLinearSpace(islands: 1, population: 30)
        let engine = Engine(space: space, settings: EngineSettings(seed: 9, maxIndividuals: 1_000))
        while !engine.isFinished { engine.step() }
        #expect(engine.fecHits > 0)
        #expect(engine.fecHits < engine.individuals)
        // Members sharing a fingerprint share a fitness: the cache decided it.
        var fitnessByFingerprint: [UInt64: Double] = [:]
        for member in engine.islands[0].members {
            if let known = fitnessByFingerprint[member.fingerprint] {
                #expect(known == member.fitness)
            }
            fitnessByFingerprint[member.fingerprint] = member.fitness
        }
    }

    @Test func fecOffEvaluatesEveryChild() throws {
        let space = try smallLinearSpace(fec: false)
        let engine = Engine(space: space, settings: EngineSettings(seed: 9, maxIndividuals: 300))
        while !engine.isFinished { engine.step() }
        #expect(engine.fecHits == 0)
        #expect(engine.fec == nil)
    }

    @Test func migrationMovesCopiesOfTheBest() throws {
        let space = try smallLinearSpace(islands: 3, population: 20, migrationEvery: 100)
        let engine = Engine(space: space, settings: EngineSettings(seed: 4, maxIndividuals: 500))
        var sawMigrants = false
        var migrantsHaveParents = true
        var lastMigrations = 0
        _ = engine.run(onStep: { engine in
            guard engine.migrations > lastMigrations else { return }
            lastMigrations = engine.migrations
            let migrants = engine.islands.flatMap(\.members).filter { $0.origin == .migration }
            sawMigrants = sawMigrants || !migrants.isEmpty
            migrantsHaveParents = migrantsHaveParents && migrants.allSatisfy { $0.parentID != nil }
        })
        #expect(engine.migrations >= 4)
        #expect(sawMigrants)
        #expect(migrantsHaveParents)
    }

    @Test func seedProgramsStartThePopulation() throws {
        let space = try smallLinearSpace(islands: 1, population: 10)
        let sgd = try ProgramParser().parse(repositoryText("searchspaces/examples/sgd_linear_regression.gal"))
        let engine = Engine(
            space: space,
            settings: EngineSettings(
                seed: 1, maxIndividuals: 10, targetFitness: 0.95, seedPrograms: [sgd]))
        let reason = engine.run()
        let summary = try #require(engine.finish())
        #expect(summary.selectFitness >= 0.95)
        #expect(reason == .target || reason == .maxIndividuals)
        #expect(engine.islands[0].members.contains { $0.program == sgd && $0.origin == .seed })
    }

    @Test func evolutionImprovesFitness() throws {
        let space = try smallLinearSpace(islands: 1, population: 40, migrationEvery: 0)
        let engine = Engine(space: space, settings: EngineSettings(seed: 2, maxIndividuals: 3_000))
        engine.step()
        let initialBest = engine.hallOfFame.members.first?.fitness ?? 0
        while !engine.isFinished { engine.step() }
        let finalBest = try #require(engine.hallOfFame.members.first).fitness
        #expect(finalBest > initialBest)
    }
}

@Suite struct FECCacheTests {
    @Test func evictsLeastRecentlyUsed() {
        var cache = FECCache(capacity: 3)
        cache.insert(1, 0.1)
        cache.insert(2, 0.2)
        cache.insert(3, 0.3)
        #expect(cache.lookup(1) == 0.1)  // 1 is now most recent; 2 is the oldest
        cache.insert(4, 0.4)
        #expect(cache.peek(2) == nil)
        #expect(cache.peek(1) == 0.1 && cache.peek(3) == 0.3 && cache.peek(4) == 0.4)
        #expect(cache.entriesByRecency.map(\.key) == [3, 1, 4])
        #expect(cache.count == 3)
    }

    @Test func replayingEntriesRebuildsTheSameCache() {
        var random = RandomGenerator(seed: 1)
        var cache = FECCache(capacity: 50)
        for _ in 0..<1_000 {
            let key = UInt64(random.nextInt(below: 120))
            if cache.lookup(key) == nil { cache.insert(key, Double(key)) }
        }
        var copy = FECCache(capacity: 50)
        for entry in cache.entriesByRecency { copy.insert(entry.key, entry.value) }
        #expect(copy.entriesByRecency.map(\.key) == cache.entriesByRecency.map(\.key))
    }
}

@Suite struct BanditTests {
    @Test(arguments: [BanditPolicy.ucb, .thompson])
    func learnsTheBetterArm(policy: BanditPolicy) {
        var bandit = Bandit(arms: 3, policy: policy, decay: 0.999)
        var random = RandomGenerator(seed: 42)
        var pulls = [0, 0, 0]
        let payoff = [0.1, 0.6, 0.2]
        for _ in 0..<3_000 {
            let arm = bandit.choose(using: &random)
            pulls[arm] += 1
            bandit.update(arm: arm, reward: random.nextBool(probability: payoff[arm]) ? 1 : 0)
        }
        #expect(pulls[1] > pulls[0] + pulls[2])
    }

    @Test func respectsAllowedArms() {
        let bandit = Bandit(arms: 4, policy: .thompson)
        var random = RandomGenerator(seed: 1)
        for _ in 0..<100 {
            let arm = bandit.choose(using: &random, allowed: [false, true, false, true])
            #expect(arm == 1 || arm == 3)
        }
    }
}

@Suite struct HallOfFameTests {
    private func member(_ id: Int, fitness: Double, fingerprint: UInt64, size: Int) -> Member {
        Member(
            id: id, program: Program(predict: Array(repeating: .nop, count: size)),
            fitness: fitness, fingerprint: fingerprint, parentID: nil, origin: .random, birth: id)
    }

    @Test func keepsTheBestDistinctPrograms() {
        var hall = HallOfFame(capacity: 2)
        hall.offer(member(0, fitness: 0.5, fingerprint: 1, size: 3))
        hall.offer(member(1, fitness: 0.7, fingerprint: 2, size: 5))
        hall.offer(member(2, fitness: 0.6, fingerprint: 2, size: 2))  // worse twin of 1
        hall.offer(member(3, fitness: 0.9, fingerprint: 3, size: 8))
        #expect(hall.members.map(\.id) == [3, 1])
        #expect(hall.paretoFront.map(\.id) == [2, 1, 3])
    }

    /// The turnover an offer reports is what the kept ids gained and lost, over offers that
    /// enter, displace twins, fill sizes, tie and lose.
    @Test func admittingReportsWhatTheKeptIDsGainedAndLost() {
        var hall = HallOfFame(capacity: 4)
        var random = RandomGenerator(seed: 7)
        var changes = 0
        for id in 0..<2_000 {
            let candidate = member(
                id, fitness: Double(random.nextInt(below: 50)) / 50,
                fingerprint: UInt64(random.nextInt(below: 12)), size: 1 + random.nextInt(below: 6))
            let before = hall.keptIDs
            let turnover = hall.admit(candidate, size: candidate.program.instructionCount)
            let after = hall.keptIDs
            #expect((turnover?.entered ?? []) == after.subtracting(before).sorted())
            #expect((turnover?.left ?? []) == before.subtracting(after).sorted())
            if turnover == nil { #expect(before == after) } else { changes += 1 }
        }
        #expect(changes > 20)
    }
}

@Suite struct ParentSelectionTests {
    @Test func strataCoverThePopulation() {
        for n in [1, 2, 7, 100, 1_000] {
            let bounds = ParentSelection.stratumBounds(n: n)
            #expect(bounds.first?.lowerBound == 0)
            #expect(bounds.last?.upperBound == n)
            for (a, b) in zip(bounds, bounds.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
        }
    }

    @Test func parsimonyTournamentsPreferTheShorterOfEquallyFitPrograms() {
        let noOp = Instruction.nop
        var island = Island(capacity: 2)
        _ = island.add(Member(
            id: 0, program: Program(predict: Array(repeating: noOp, count: 30)), fitness: 0.9,
            fingerprint: 0, parentID: nil, origin: .random, birth: 0))
        _ = island.add(Member(
            id: 1, program: Program(predict: [noOp]), fitness: 0.9 - 1e-6,
            fingerprint: 1, parentID: nil, origin: .random, birth: 1))
        let selection = ParentSelection(kind: .tournament, islands: 1, tournamentSize: 8)
        var random = RandomGenerator(seed: 4)
        var chosen = [0, 0], chosenWithPressure = [0, 0]
        for _ in 0..<200 {
            chosen[selection.chooseParent(in: island, index: 0, ranking: [], using: &random).member] += 1
            chosenWithPressure[selection.chooseParent(
                in: island, index: 0, ranking: [], parsimony: 1e-4, using: &random).member] += 1
        }
        // Without pressure the fitter wins every tournament it enters (all but 1 in 256);
        // with 1e-4 per instruction, 29 more instructions outweigh 1e-6 of fitness.
        #expect(chosen[0] > 190)
        #expect(chosenWithPressure[1] > 190)
    }

    @Test func powerLawPrefersTopRanks() {
        var random = RandomGenerator(seed: 3)
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<10_000 {
            counts[ParentSelection.powerLawRank(n: 10, alpha: 1, using: &random)] += 1
        }
        #expect(counts[0] > counts[1] && counts[1] > counts[4] && counts[4] > counts[9])
        // P(rank 1) = 1 / H(10) ≈ 0.341.
        #expect(abs(Double(counts[0]) / 10_000 - 0.3414) < 0.02)
    }
}

@Suite struct MigrantSelectionTests {
    @Test func randomMigrantsAreCopiesFromTheSendingIsland() throws {
        var space = try smallLinearSpace(islands: 3, population: 20, migrationEvery: 100)
        space.evolution.migrantSelection = .random
        let engine = Engine(space: space, settings: EngineSettings(seed: 6, maxIndividuals: 400))
        var events: [MigrationEvent] = []
        _ = engine.run(onStep: { events += $0.takeMigrationEvents() })
        #expect(engine.migrations >= 3)
        #expect(!events.isEmpty)
        #expect(events.allSatisfy { $0.to == ($0.from + 1) % 3 })
    }
}
