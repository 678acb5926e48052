import GalapagosTestSupport
import Testing
@testable import Galapagos

// Constant fitting: Levenberg–Marquardt with dual-number derivatives on predict-only programs.

private func nguyen(_ problem: Int) throws -> SearchSpace { try nguyenSpace(problem) }

private func parse(_ text: String, _ space: SearchSpace) throws -> Program {
    try parseProgram(text, in: space)
}

@Suite struct ConstantFitterTests {
    /// Nguyen-5 is sin(x²)·cos(x) − 1: the right structure with a wrong constant fits to −1
    /// exactly, and the fitted program scores 1 on held-out points.
    @Test func recoversTheConstantOfNguyen5() throws {
        let space = try nguyen(5)
        let program = try parse("""
            def predict():
              s3 = square(s2)
              s3 = sin(s3)
              s4 = cos(s2)
              s3 = s3 * s4
              s5 = -0.3
              s1 = s3 + s5
            """, space)
        let task = space.tasks(.search, runSeed: 1)[0]
        let fitted = try #require(ConstantFitter(shape: space.memory).fit(program, on: task))
        #expect(abs(fitted.predict[4].constant1 - -1) < 1e-9)
        let evaluator = Evaluator(shape: space.memory)
        let before = evaluator.fitness(of: try CompiledProgram(program, shape: space.memory), on: task)
        let after = evaluator.fitness(of: try CompiledProgram(fitted, shape: space.memory), on: task)
        #expect(before < 0.9)
        #expect(after > 0.999999)
    }

    /// Several constants at once, one of them inside a nonlinearity: a·x⁴ − x³ + y²·b − y
    /// (Nguyen-12, whose b is 1/2) from a = 0.2, b = −0.7.
    @Test func fitsSeveralConstantsTogether() throws {
        let space = try nguyen(12)
        let program = try parse("""
            def predict():
              s4 = square(s2)
              s4 = square(s4)
              s5 = 0.2
              s4 = s4 * s5
              s6 = square(s2)
              s6 = s6 * s2
              s4 = s4 - s6
              s7 = square(s3)
              s8 = -0.7
              s7 = s7 * s8
              s4 = s4 + s7
              s1 = s4 - s3
            """, space)
        let task = space.tasks(.search, runSeed: 2)[0]
        let fitted = try #require(ConstantFitter(shape: space.memory).fit(program, on: task))
        #expect(abs(fitted.predict[2].constant1 - 1) < 1e-8)
        #expect(abs(fitted.predict[8].constant1 - 0.5) < 1e-8)
    }

    @Test func leavesAloneWhatItCannotFollow() throws {
        let space = try nguyen(5)
        let task = space.tasks(.search, runSeed: 1)[0]
        let fitter = ConstantFitter(shape: space.memory)
        // Nothing to fit.
        #expect(fitter.fit(try parse("def predict():\n  s1 = sin(s2)\n", space), on: task) == nil)
        // A dead constant is not a parameter.
        #expect(fitter.fit(try parse("def predict():\n  s3 = 0.5\n  s1 = sin(s2)\n", space), on: task) == nil)
        // Already exact: the fit cannot lower the error.
        let exact = try parse("""
            def predict():
              s3 = square(s2)
              s3 = sin(s3)
              s4 = cos(s2)
              s3 = s3 * s4
              s5 = -1.0
              s1 = s3 + s5
            """, space)
        let refit = fitter.fit(exact, on: task)
        #expect(refit == nil || abs(refit!.predict[4].constant1 + 1) < 1e-12)
    }

    /// With fitting on, a run is still a function of its seed, whatever the number of workers.
    @Test func runsWithFittingAreDeterministic() throws {
        var overrides = SearchSpaceOverrides()
        overrides.fitConstants = 0.5
        overrides.population = 50
        let space = overrides.apply(to: try nguyen(5))
        func best(workers: Int) -> (Double, String) {
            let engine = Engine(space: space, settings: EngineSettings(seed: 7, workers: workers, maxIndividuals: 3_000))
            _ = engine.run()
            let member = engine.islands.flatMap(\.members).max { $0.fitness < $1.fitness }!
            return (member.fitness, ProgramPrinter.print(member.program))
        }
        let one = best(workers: 1), two = best(workers: 2)
        #expect(one.0 == two.0 && one.1 == two.1)
    }
}
