import GalapagosTestSupport
import Testing
@testable import Galapagos

// In predict-only spaces a prediction may not depend on the examples predicted before.

private func nguyen5() throws -> SearchSpace {
    try SearchSpace.load(path: repositoryPath("searchspaces/symbolic/nguyen-5.yaml"))
}

private func parse(_ text: String, _ space: SearchSpace) throws -> Program {
    try ProgramParser(limits: space.programLimits(strictOps: false)).parse("# galapagos program v1\n" + text)
}

@Suite struct PredictOnlyTests {
    @Test func registersCarriedFromOnePredictionToTheNext() throws {
        let space = try nguyen5()
        #expect(space.isPredictOnly)
        // s4 is read, then written: the next prediction reads this one's value.
        let carried = try parse("def predict():\n  s1 = s2 + s4\n  s4 = sin(s2)\n", space)
        #expect(Liveness.carriedAcrossPredictions(carried, shape: space.memory) == [Register(.scalar, 4)])
        // The input scalar s2 and s0 are rewritten before every prediction; s5 is never written
        // (always 0): neither carries anything.
        let stateless = try parse("def predict():\n  s3 = s2 + s5\n  s2 = sin(s3)\n  s1 = s2 + s0\n", space)
        #expect(Liveness.carriedAcrossPredictions(stateless, shape: space.memory).isEmpty)
    }

    /// The engine's fast check (one backward pass on bit masks) agrees with the full analysis.
    @Test func theFastCheckAgreesWithTheFullAnalysis() throws {
        let space = try nguyen5()
        let mutator = Mutator(space: space)
        var random = RandomGenerator(seed: 4)
        var carrying = 0
        for _ in 0..<5_000 {
            var program = mutator.randomProgram(using: &random)
            for _ in 0..<random.nextInt(below: 4) {
                mutator.mutate(&program, kind: .insertInstruction, using: &random)
            }
            let full = !Liveness.carriedAcrossPredictions(program, shape: space.memory).isEmpty
            #expect(Liveness.predictCarriesState(program, shape: space.memory) == full, "\(ProgramPrinter.print(program))")
            if full { carrying += 1 }
        }
        #expect(carrying > 500 && carrying < 4_500, "\(carrying) of 5,000 random programs carry state")
    }

    @Test func theEngineScoresCarryingProgramsZero() throws {
        let space = try nguyen5()
        let carried = try parse("def predict():\n  s1 = s2 + s4\n  s4 = sin(s2)\n", space)
        let stateless = try parse("def predict():\n  s4 = sin(s2)\n  s1 = s2 + s4\n", space)
        var settings = EngineSettings(seed: 1, maxIndividuals: 2)
        settings.seedPrograms = [carried, stateless]
        var overrides = SearchSpaceOverrides()
        overrides.population = 10
        overrides.islands = 1
        let engine = Engine(space: overrides.apply(to: space), settings: settings)
        while !engine.isFinished { engine.step() }
        let members = engine.islands[0].members
        #expect(members.count == 2)
        #expect(members.first { $0.program == carried }?.fitness == 0)
        #expect((members.first { $0.program == stateless }?.fitness ?? 0) > 0.1)
        // Learning spaces keep AutoML-Zero's memory: state is what a learner is made of.
        #expect(!(try SearchSpace.load(path: repositoryPath("searchspaces/linear_demo.yaml"))).isPredictOnly)
        #expect(!(try SearchSpace.load(path: repositoryPath("searchspaces/loss_discovery.yaml"))).isPredictOnly)
    }
}
