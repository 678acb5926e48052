import Foundation
import GalapagosTestSupport
import Testing
@testable import Galapagos

// `galapagos predict --split test` must score exactly what evaluation scores on the test split:
// the same training, the same rows, the same predictions. Checked on random programs, whose
// predictions change with every epoch and whose predict may write state.

@Suite struct TablePredictorTests {
    @Test(arguments: ["iris_classification.yaml", "concrete_regression.yaml"])
    func heldOutPredictionsScoreWhatEvaluationScores(file: String) throws {
        let space = try SearchSpace.load(path: repositoryPath("searchspaces/" + file))
        let predictor = try TablePredictor(space: space, runSeed: 1)
        let held = predictor.rows(of: .test)
        let targets = try #require(held.targets)
        let evaluator = space.makeEvaluator()
        let generator = RandomPrograms(shape: space.memory, ops: space[.learn].ops, sizes: [0...4, 1...5, 0...6])
        var random = RandomGenerator(seed: 21)
        var compared = 0
        for index in 0..<300 {
            let program = generator.make(using: &random)
            let compiled = try CompiledProgram(program, shape: space.memory)
            let outputs = try predictor.predict(program, rows: held.features)
            let score = predictor.score(outputs, targets: targets)
            if space.callProtocol == .multiclass {
                let fitness = evaluator.fitness(of: compiled, on: predictor.task, scoring: .test)
                // A non-finite logit stops evaluation at 0; predict then writes NaN probabilities.
                guard fitness > 0, outputs.allSatisfy({ $0.probabilities.allSatisfy(\.isFinite) }) else { continue }
                let accuracy = try #require(score["accuracy"])
                #expect(abs(accuracy - fitness) < 1e-12, "program \(index): predict \(accuracy), eval \(fitness)\n\(ProgramPrinter.print(program))")
            } else {
                guard let r2 = evaluator.coefficientOfDetermination(of: compiled, on: predictor.task, scoring: .test),
                      r2.isFinite, let predicted = score["r2"], predicted.isFinite else { continue }
                #expect(abs(predicted - r2) < 1e-6 * max(1, abs(r2)), "program \(index): predict \(predicted), eval \(r2)\n\(ProgramPrinter.print(program))")
            }
            compared += 1
        }
        #expect(compared > 50)
    }
}
