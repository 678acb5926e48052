import GalapagosTestSupport
import Testing
@testable import Galapagos

// Term fitting: the prediction rewritten as the least-squares combination of computed values.

private func nguyen(_ problem: Int) throws -> SearchSpace { try nguyenSpace(problem) }

private func parse(_ text: String, _ space: SearchSpace) throws -> Program {
    try parseProgram(text, in: space)
}

private func fitter(_ space: SearchSpace) -> TermFitter {
    TermFitter(shape: space.memory, predict: space.components[Component.predict.rawValue])
}

private func fitness(_ program: Program, _ space: SearchSpace, _ task: TaskDataset) throws -> Double {
    Evaluator(shape: space.memory).fitness(of: try CompiledProgram(program, shape: space.memory), on: task)
}

@Suite struct TermFitterTests {
    /// Nguyen-12 is x⁴ − x³ + ½y² − y. A program that computes x⁴, x³ and y² in dead code and
    /// predicts something else becomes the formula, exact on held-out points, and stays within
    /// the size limit.
    @Test func combinesDeadValuesIntoNguyen12() throws {
        let space = try nguyen(12)
        let program = try parse("""
            def predict():
              s4 = square(s2)
              s5 = s4 * s2
              s4 = square(s4)
              s7 = square(s3)
              s9 = sin(s3)
              s1 = s9 + s2
            """, space)
        let task = space.tasks(.search, runSeed: 1)[0]
        let fitted = try #require(fitter(space).fit(program, on: task))
        #expect(fitted.predict.count <= space.components[Component.predict.rawValue].maximumSize)
        #expect(try fitness(program, space, task) < 0.9)
        #expect(try fitness(fitted, space, task) > 0.999999999)
        let heldOut = space.tasks(.final, runSeed: 1)[0]
        let r2 = Evaluator(shape: space.memory).coefficientOfDetermination(
            of: try CompiledProgram(fitted, shape: space.memory), on: heldOut, scoring: .test)
        #expect(try #require(r2) > 0.999999999)
        // Least-squares noise (0.49999999999999994) is rounded to the fractions it stands for,
        // so the program is the formula exactly, without snapping in the identity test.
        let constants = fitted.predict.filter { $0.op == .scalarConstSet }.map(\.constant1)
        #expect(constants.sorted() == [-1, -1, 0, 0.5, 1])  // the intercept is the 0
        let formula = try Formula(parsing: "x0^4 - x0^3 + x1^2/2 - x1")
        #expect(try ExactEquivalence.matches(program: fitted, formula: formula, shape: space.memory))
        // The rewrite does not read what an earlier prediction left behind.
        #expect(!Liveness.predictCarriesState(fitted, shape: space.memory, protocol: space.callProtocol))
    }

    /// Products of two registers are terms too: from x² and y² alone (and the inputs), the
    /// fitter writes x⁴ − x³ + ½y² − y, with x⁴ = x²·x² and x³ = x²·x computed by the rewrite.
    @Test func multipliesRegistersIntoTheTermsAFormulaNeeds() throws {
        let space = try nguyen(12)
        let program = try parse("""
            def predict():
              s4 = square(s2)
              s7 = square(s3)
              s1 = s4 + s7
            """, space)
        let task = space.tasks(.search, runSeed: 1)[0]
        let fitted = try #require(fitter(space).fit(program, on: task))
        #expect(fitted.predict.count <= space.components[Component.predict.rawValue].maximumSize)
        let formula = try Formula(parsing: "x0^4 - x0^3 + x1^2/2 - x1")
        #expect(try ExactEquivalence.matches(program: fitted, formula: formula, shape: space.memory))
        let registersOnly = TermFitter(
            shape: space.memory, predict: space.components[Component.predict.rawValue], products: false)
        if let linear = registersOnly.fit(program, on: task) {
            #expect(try !ExactEquivalence.matches(program: linear, formula: formula, shape: space.memory))
        }
    }

    /// Rational models are fitted too, as FFX does (least squares on y·(1 + Σ cⱼ gⱼ) = b₀ + Σ bᵢ fᵢ):
    /// Keijzer-14, 8 / (2 + x² + y²), from a program that only reads its inputs, is written
    /// exactly as 4 / (1 + ½x² + ½y²).
    @Test func fitsRationalFunctionsAsFFXDoes() throws {
        let space = try nguyen(12)
        var random = RandomGenerator(seed: 14)
        func split(_ count: Int) -> TaskDataset.Split {
            let xs = (0..<(2 * count)).map { _ in random.uniform(-3, 3) }
            let ys = (0..<count).map { row -> Double in
                let x: Double = xs[2 * row], y: Double = xs[2 * row + 1]
                return 8 / (2 + x * x + y * y)
            }
            return TaskDataset.Split(features: xs, labels: ys)
        }
        let task = TaskSpec.task(
            spec: space.searchTasks, name: "keijzer-14", features: 2, train: split(20), valid: split(50),
            test: split(0), dataSeed: 14)
        let program = try parse("def predict():\n  s4 = s2 + s3\n  s1 = s4 * s2\n", space)
        let fitted = try #require(fitter(space).fit(program, on: task))
        #expect(fitted.predict.count <= space.components[Component.predict.rawValue].maximumSize)
        #expect(fitted.predict.last?.op == .scalarDivision)
        let formula = try Formula(parsing: "8 / (2 + x0^2 + x1^2)")
        #expect(try ExactEquivalence.matches(program: fitted, formula: formula, shape: space.memory))
        var linearOnly = space.components[Component.predict.rawValue]
        linearOnly.ops = linearOnly.ops.filter { $0 != .scalarDivision }
        if let linear = TermFitter(shape: space.memory, predict: linearOnly).fit(program, on: task) {
            #expect(!linear.predict.contains { $0.op == .scalarDivision })
        }
    }

    /// Registers that accumulate across examples are not terms: the rewrite would be a function
    /// of the order of the examples, which predict-only spaces reject.
    @Test func neverChoosesAStateCarryingRegister() throws {
        let space = try nguyen(5)
        let program = try parse("""
            def predict():
              s6 = s6 + s2
              s4 = square(s2)
              s1 = s4 + s2
            """, space)
        let task = space.tasks(.search, runSeed: 1)[0]
        if let fitted = fitter(space).fit(program, on: task) {
            #expect(!Liveness.predictCarriesState(fitted, shape: space.memory, protocol: space.callProtocol))
            #expect(!fitted.predict.contains { $0.input1 == 6 || $0.input2 == 6 })
        }
    }

    /// No rewrite when nothing beats the program's own prediction, when the rewrite would not
    /// fit in `predict`, or when the space cannot express it.
    @Test func leavesAloneWhatItCannotImprove() throws {
        let space = try nguyen(5)
        let task = space.tasks(.search, runSeed: 1)[0]
        let exact = try parse("""
            def predict():
              s3 = square(s2)
              s3 = sin(s3)
              s4 = cos(s2)
              s3 = s3 * s4
              s5 = -1.0
              s1 = s3 + s5
            """, space)
        #expect(fitter(space).fit(exact, on: task) == nil)
        var small = space.components[Component.predict.rawValue]
        small.maximumSize = 6
        let noRoom = TermFitter(shape: space.memory, predict: small)
        let poor = try parse("def predict():\n  s4 = square(s2)\n  s5 = s4 * s2\n  s6 = sin(s4)\n  s1 = s2 + s2\n", space)
        if let fitted = noRoom.fit(poor, on: task) { #expect(fitted.predict.count <= 6) }
        small.maximumSize = 20
        small.ops = small.ops.filter { $0 != .scalarProduct }
        #expect(TermFitter(shape: space.memory, predict: small).fit(poor, on: task) == nil)
    }

    /// With term fitting on, a run is still a function of its seed, whatever the number of
    /// workers, and every member is a valid program of the space.
    @Test func runsWithTermFittingAreDeterministic() throws {
        var overrides = SearchSpaceOverrides()
        overrides.fitTerms = 0.5
        overrides.population = 50
        let space = overrides.apply(to: try nguyen(12))
        func members(workers: Int) throws -> [String] {
            let engine = Engine(space: space, settings: EngineSettings(seed: 7, workers: workers, maxIndividuals: 3_000))
            _ = engine.run()
            let limits = space.programLimits(strictOps: true)
            for member in engine.islands.flatMap(\.members) {
                _ = try ProgramParser(limits: limits).parse(ProgramPrinter.print(member.program))
            }
            return engine.islands.flatMap(\.members).map { "\($0.fitness) " + ProgramPrinter.print($0.program) }
        }
        let one = try members(workers: 1), two = try members(workers: 2)
        #expect(one == two)
    }
}
