import Foundation
import Testing
@testable import Galapagos

/// The repository's `searchspaces/` folder.
private let searchSpacesDirectory: String = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        url.deleteLastPathComponent()
    }
    return url.appendingPathComponent("searchspaces").path
}()

private let shippedFiles: [String] = {
    let enumerator = FileManager.default.enumerator(atPath: searchSpacesDirectory)
    return (enumerator?.compactMap { $0 as? String } ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
}()

@Suite struct ShippedSearchSpaceTests {
    @Test func theIssueListIsShipped() {
        for name in [
            "linear_demo.yaml", "nonlinear_teacher.yaml", "digits_binary.yaml",
            "symbolic_regression.yaml", "loss_discovery.yaml", "concrete_regression.yaml",
            "auto_mpg_regression.yaml", "penguins_classification.yaml", "iris_classification.yaml",
            "digits_multiclass.yaml", "symbolic_csv.yaml", "policy_objective.yaml",
        ] {
            #expect(shippedFiles.contains(name))
        }
        for problem in [1, 5, 7, 8, 10, 12] {
            #expect(shippedFiles.contains("symbolic/nguyen-\(problem).yaml"))
        }
    }

    /// Every shipped search space loads and a 2,000-individual run of it completes (with a
    /// smaller population, so that the debug-build suite stays fast).
    @Test(arguments: shippedFiles)
    func smokeRun(file: String) throws {
        let space = try SearchSpace.load(path: searchSpacesDirectory + "/" + file)
        var overrides = SearchSpaceOverrides()
        overrides.population = 100
        var small = overrides.apply(to: space)
        // A policy objective trains a policy per task: a short trainer and run keep it fast.
        var individuals = 2_000
        if var training = small.objective.policyTraining {
            training.totalSteps = 2_000
            small.objective = .policy(training)
            individuals = 200
        }
        let engine = Engine(space: small, settings: EngineSettings(seed: 1, workers: 2, maxIndividuals: individuals))
        let reason = engine.run()
        #expect(reason == .maxIndividuals)
        #expect(engine.individuals == individuals)
        let summary = try #require(engine.finish())
        #expect(summary.searchFitness >= 0 && summary.searchFitness <= 1)
        #expect(summary.testFitness != nil)
    }

    @Test func handWrittenBaselinesBeatChance() throws {
        let root = searchSpacesDirectory
        let pairs = [
            ("digits_binary.yaml", "logistic_regression.gal", 0.9),
            ("digits_binary_full.yaml", "two_layer_nn.gal", 0.85),
            ("loss_discovery.yaml", "cross_entropy.gal", 0.9),
            ("loss_discovery.yaml", "squared_error.gal", 0.85),
            // Tables: a constant prediction scores 0.5 on z-scored targets (RMSE 1).
            ("concrete_regression.yaml", "sgd_table_regression.gal", 0.6),
            ("auto_mpg_regression.yaml", "sgd_table_regression.gal", 0.65),
            ("iris_classification.yaml", "softmax_regression.gal", 0.75),
            ("penguins_classification.yaml", "softmax_regression.gal", 0.9),
            ("digits_multiclass.yaml", "softmax_regression.gal", 0.7),
        ]
        for (spaceFile, programFile, floor) in pairs {
            let space = try SearchSpace.load(path: "\(root)/\(spaceFile)")
            let text = try String(contentsOfFile: "\(root)/examples/\(programFile)", encoding: .utf8)
            let program = try ProgramParser(limits: space.programLimits(strictOps: false)).parse(text)
            let compiled = try CompiledProgram(program, shape: space.memory)
            let tasks = Array(space.tasks(.final, runSeed: 1).prefix(5))
            let accuracy = space.makeEvaluator().evaluate(compiled, on: tasks, scoring: .test).fitness
            #expect(accuracy >= floor, "\(programFile) on \(spaceFile): \(accuracy)")
        }
    }

    @Test func lossGradientsAreExact() throws {
        // Cross-entropy on the logit has dL/dz = σ(z) − y exactly.
        let text = try String(contentsOfFile: searchSpacesDirectory + "/examples/cross_entropy.gal", encoding: .utf8)
        let program = try ProgramParser().parse(text)
        var machine = try #require(DualMachine(program: program, scalars: 10))
        for z in [-3.0, -0.5, 0, 0.7, 2.5] {
            for y in [0.0, 1.0] {
                let sigma = 1 / (1 + Math.exp(-z))
                let (loss, gradient) = machine.evaluate(logit: z, label: y)
                #expect(abs(gradient - (sigma - y)) < 1e-12)
                let expected = -(y * Math.log(sigma) + (1 - y) * Math.log(1 - sigma))
                #expect(abs(loss - expected) < 1e-12)
            }
        }
    }

    @Test func symbolicInputsReachScalarRegisters() throws {
        let space = try SearchSpace.load(path: searchSpacesDirectory + "/symbolic/nguyen-1.yaml")
        // x³ + x² + x with x in s2.
        let program = try ProgramParser().parse("""
            # galapagos program v1
            def predict():
              s3 = square(s2)
              s4 = s3 * s2
              s5 = s3 + s2
              s1 = s4 + s5
            """)
        let compiled = try CompiledProgram(program, shape: space.memory)
        let fitness = space.makeEvaluator().evaluate(compiled, on: space.tasks(.final, runSeed: 1)).fitness
        #expect(fitness > 0.999_999)
    }

    @Test func theSymbolicCSVFormulaScoresPerfectly() throws {
        let space = try SearchSpace.load(path: searchSpacesDirectory + "/symbolic_csv.yaml")
        // y = x0·x1 + sin(x2), with x0, x1, x2 in s2, s3, s4 (the table's own units).
        let program = try ProgramParser().parse("""
            # galapagos program v1
            def predict():
              s5 = s2 * s3
              s6 = sin(s4)
              s1 = s5 + s6
            """)
        let compiled = try CompiledProgram(program, shape: space.memory)
        let tasks = space.tasks(.final, runSeed: 1)
        #expect(space.makeEvaluator().evaluate(compiled, on: tasks, scoring: .test).fitness > 0.999_999)
        let r2 = space.makeEvaluator().coefficientOfDetermination(of: compiled, on: tasks[0], scoring: .test)
        #expect((r2 ?? 0) > 0.999_999)
    }

    /// Without `batch`, a batch is a sixth of an island's population (4 to 32), also when the
    /// command line changes the population; a `batch` set in the file or on the command line wins.
    @Test func theDefaultBatchFollowsThePopulation() throws {
        let linear = try SearchSpace.load(path: searchSpacesDirectory + "/linear_demo.yaml")
        #expect(linear.evolution.explicitBatchSize == nil)
        #expect(linear.evolution.batchSize == 16)
        var overrides = SearchSpaceOverrides()
        overrides.population = 1_000
        #expect(overrides.apply(to: linear).evolution.batchSize == 32)
        overrides.population = 12
        #expect(overrides.apply(to: linear).evolution.batchSize == 4)
        overrides.batch = 7
        #expect(overrides.apply(to: linear).evolution.batchSize == 7)
        let symbolic = try SearchSpace.load(path: searchSpacesDirectory + "/symbolic_regression.yaml")
        #expect(symbolic.evolution.batchSize == 16 && symbolic.evolution.explicitBatchSize == 16)
    }
}
