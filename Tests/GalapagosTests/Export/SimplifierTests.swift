import Foundation
import GalapagosTestSupport
import Testing
@testable import Galapagos

private let shape = MemoryShape(features: 4, scalars: 6, vectors: 4, matrices: 2)

private func parse(_ body: String) throws -> Program {
    try ProgramParser().parse("# galapagos program v1\n" + body)
}

private func simplified(_ body: String, shape: MemoryShape = shape) throws -> String {
    let result = try ProgramSimplifier(shape: shape).simplify(try parse(body))
    return ProgramPrinter.print(result.program).split(separator: "\n").dropFirst().joined(separator: "\n")
}

@Suite("Simplifier")
struct SimplifierTests {
    @Test("the SGD regressor is already minimal")
    func sgdUnchanged() throws {
        let space = try linearDemoSpace()
        let result = try ProgramSimplifier(shape: space.memory).simplify(try sgdRegressor())
        #expect(result.program == (try sgdRegressor()))
        #expect(result.summary == "instructions: 6 → 6")
    }

    @Test("dead code goes, across components and calls; state that later calls read stays")
    func liveness() throws {
        // s3 is never read; s4 is read by predict (written by learn: kept); s5 only feeds s3.
        let text = try simplified("""
            def setup():
              s2 = 0.5
            def predict():
              s1 = s4 * s2
            def learn():
              s5 = s0 - s1
              s3 = s5 * s5
              s4 = s0 + s4
            """)
        #expect(text == """
            def setup():
              s2 = 0.5
            def predict():
              s1 = s3 * s2
            def learn():
              s3 = s0 + s3
            """)
    }

    @Test("learn may read what predict leaves; s1 after predict is always live")
    func predictFeedsLearn() throws {
        let text = try simplified("""
            def setup():
            def predict():
              s3 = s0 + s0
              v2 = s1 * v0
              s1 = dot(v0, v1)
            def learn():
              v1 = v1 + v2
            """)
        // s3 = 0 + 0 is dead; v2 (read by learn, from the previous s1) stays; v2 is used
        // first, so it becomes v1.
        #expect(text == """
            def setup():
            def predict():
              v1 = s1 * v0
              s1 = dot(v0, v2)
            def learn():
              v2 = v2 + v1
            """)
    }

    @Test("constants fold in the interpreter's arithmetic; redundant writes and nops go")
    func folding() throws {
        let text = try simplified("""
            def setup():
              nop
              s2 = 0.1
              s3 = 0.2
              s4 = s2 + s3
              s5 = 0
              v1[2] = 0
            def predict():
              s1 = s4 * s0
              s1 = s1 + s4
            def learn():
            """)
        // 0.1 + 0.2 is 0.30000000000000004 in doubles; s0 is 0 during predict; s5 and v1[2]
        // already hold 0 after the wipe.
        #expect(text == """
            def setup():
            def predict():
              s1 = 0.30000000000000004
            def learn():
            """)
    }

    @Test("rewrites that are not exact under IEEE-754 are left alone")
    func inexactRewritesAreNotMade() throws {
        let text = try simplified("""
            def setup():
              s3 = 1
              s4 = -0.0
            def predict():
              s2 = dot(v0, v0)
              s5 = s2 - s2
              s1 = s5 * s2
              s1 = s1 + s4
              s1 = s1 * s3
            def learn():
            """)
        // x − x is not 0 for infinities and NaN: kept. x + (−0) and x · 1 are exact: removed.
        #expect(text == """
            def setup():
            def predict():
              s2 = dot(v0, v0)
              s3 = s2 - s2
              s1 = s3 * s2
            def learn():
            """)
    }

    @Test("random fills keep the generator's stream: dead draws before a live one stay")
    func randomFills() throws {
        let text = try simplified("""
            def setup():
              v3 = gaussian(0.0, 1.0)
              s5 = uniform(-1.0, 1.0)
              v1 = uniform(-1.0, 1.0)
              m1 = gaussian(0.0, 1.0)
            def predict():
              s1 = dot(v0, v1)
            def learn():
            """)
        // v3 and s5 are dead but draw before v1; m1 draws after the last live fill: gone.
        #expect(text == """
            def setup():
              v1 = gaussian(0.0, 1.0)
              s2 = uniform(-1.0, 1.0)
              v1 = uniform(-1.0, 1.0)
            def predict():
              s1 = dot(v0, v1)
            def learn():
            """)
        // A live draw in learn keeps every fill, in every component.
        let looping = try simplified("""
            def setup():
              s4 = gaussian(0.0, 1.0)
            def predict():
              s1 = dot(v0, v1)
              s5 = uniform(0.0, 1.0)
            def learn():
              v1 = uniform(-1.0, 1.0)
            """)
        #expect(looping == """
            def setup():
              s2 = gaussian(0.0, 1.0)
            def predict():
              s1 = dot(v0, v1)
              s2 = uniform(0.0, 1.0)
            def learn():
              v1 = uniform(-1.0, 1.0)
            """)
    }

    @Test("registers are renamed densely in order of use; s0, s1 and v0 keep their roles")
    func renaming() throws {
        let text = try simplified("""
            def setup():
              s5 = 0.5
              m1[0, 1] = 2
            def predict():
              v3 = m1 @ v0
              s1 = dot(v3, v3)
              s1 = s1 * s5
            def learn():
              s4 = s0 - s1
            """)
        #expect(text == """
            def setup():
              s2 = 0.5
              m0[0, 1] = 2.0
            def predict():
              v1 = m0 @ v0
              s1 = dot(v1, v1)
              s1 = s1 * s2
            def learn():
            """)
    }

    @Test("a program that does not fit the memory is an error naming the instruction")
    func invalidProgram() throws {
        let program = Program(predict: [Instruction(.scalarSum, output: 9, input1: 0, input2: 1)])
        #expect(throws: GalapagosError.self) { try ProgramSimplifier(shape: shape).simplify(program) }
    }

    /// Per-task fitness before and after simplification, bit for bit, on every linear_demo
    /// search task for seed 1 (10 tasks of 100 + 100 examples). Programs: 5,000 of linear_demo's
    /// own kind (its six ops, 10/2/8 instructions) and 5,000 over all 69 ops with a larger memory,
    /// checked on two threads.
    @Test("simplify preserves behaviour on 10,000 random programs, on every linear_demo task, bit for bit")
    func preservesFitness() throws {
        let space = try linearDemoSpace()
        let tasks = space.tasks(.search, runSeed: 1)
        try #require(tasks.count == 10)
        let bigShape = MemoryShape(features: 4, scalars: 6, vectors: 4, matrices: 3)
        let kinds: [(shape: MemoryShape, generator: RandomPrograms)] = [
            (space.memory, RandomPrograms(
                shape: space.memory, ops: space[.setup].ops, sizes: [10...10, 2...2, 8...8])),
            (bigShape, RandomPrograms(shape: bigShape)),
        ]
        final class Outcome: @unchecked Sendable {
            let lock = NSLock()
            var checked = 0, instructions = 0, removed = 0
            var failures: [String] = []
        }
        let outcome = Outcome()
        DispatchQueue.concurrentPerform(iterations: kinds.count) { kind in
            let (shape, generator) = kinds[kind]
            let evaluator = Evaluator(shape: shape)
            let simplifier = ProgramSimplifier(shape: shape)
            var random = RandomGenerator(seed: 77 + UInt64(kind))
            var checked = 0, instructions = 0, removed = 0
            var failures: [String] = []
            for index in 0..<5_000 {
                let program = generator.make(using: &random)
                do {
                    let result = try simplifier.simplify(program)
                    instructions += result.instructionsBefore
                    removed += result.instructionsBefore - result.instructionsAfter
                    let before = try taskFitness(program, shape: shape, tasks: tasks, evaluator: evaluator)
                    let after = try taskFitness(result.program, shape: shape, tasks: tasks, evaluator: evaluator)
                    checked += 1
                    if before.map(\.bitPattern) != after.map(\.bitPattern) {
                        failures.append("program \(kind).\(index): \(before) → \(after)\n" + ProgramPrinter.print(program)
                            + "simplified:\n" + ProgramPrinter.print(result.program))
                    }
                } catch {
                    failures.append("program \(kind).\(index): \(error)")
                }
                if failures.count >= 3 { break }
            }
            outcome.lock.lock()
            outcome.checked += checked
            outcome.instructions += instructions
            outcome.removed += removed
            outcome.failures += failures
            outcome.lock.unlock()
        }
        if !outcome.failures.isEmpty {
            Issue.record("simplification changed fitness:\n\(outcome.failures.joined(separator: "\n"))")
        }
        #expect(outcome.checked == 10_000)
        // Random programs are mostly dead code.
        #expect(outcome.removed * 2 > outcome.instructions)
    }

    /// Multi-class tasks read logits from `v1` and write the one-hot label to `v2`: the
    /// simplifier must keep what writes `v1` and never fold or move `v2`. Checked on iris's
    /// search tasks (3 classes, log-loss, so any change of a logit shows).
    @Test("simplify preserves multi-class behaviour on 2,000 random programs, bit for bit")
    func preservesMulticlassFitness() throws {
        let space = try SearchSpace.load(path: repositoryPath("searchspaces/iris_classification.yaml"))
        #expect(space.callProtocol == .multiclass)
        let tasks = space.tasks(.search, runSeed: 1)
        let shape = space.memory
        let generator = RandomPrograms(shape: shape)
        let evaluator = Evaluator(shape: shape)
        let simplifier = ProgramSimplifier(shape: shape, protocol: space.callProtocol)
        var random = RandomGenerator(seed: 4)
        var differing = 0, scalarWouldDiffer = 0
        for index in 0..<2_000 {
            let program = generator.make(using: &random)
            let before = try taskFitness(program, shape: shape, tasks: tasks, evaluator: evaluator)
            let after = try taskFitness(try simplifier.simplify(program).program, shape: shape, tasks: tasks, evaluator: evaluator)
            if before.map(\.bitPattern) != after.map(\.bitPattern) {
                differing += 1
                if differing <= 2 {
                    Issue.record("program \(index): \(before) → \(after)\n\(ProgramPrinter.print(program))")
                }
            }
            let scalar = try taskFitness(try ProgramSimplifier(shape: shape).simplify(program).program, shape: shape, tasks: tasks, evaluator: evaluator)
            if before.map(\.bitPattern) != scalar.map(\.bitPattern) { scalarWouldDiffer += 1 }
        }
        #expect(differing == 0)
        // The check has teeth: simplifying as if s1 were the prediction changes many of them.
        #expect(scalarWouldDiffer > 20)
    }

    /// A stronger check than fitness for a sample: every prediction of the evaluation protocol,
    /// bit for bit, for regression and classification.
    @Test("simplified programs give the same predictions, bit for bit, call by call")
    func preservesPredictions() throws {
        // The second shape also feeds the features to s2, s3, s4 (symbolic regression): those
        // registers are inputs, rewritten before every call, and renaming must not move them.
        let shapes = [
            MemoryShape(features: 3, scalars: 5, vectors: 4, matrices: 3),
            MemoryShape(features: 3, scalars: 8, vectors: 2, matrices: 1, inputScalars: 3),
        ]
        let generators = shapes.map { RandomPrograms(shape: $0) }
        let data = ExampleData(features: 3, count: 20, seed: 5)
        var random = RandomGenerator(seed: 99)
        for index in 0..<1_500 {
            let shape = shapes[index % 3 == 2 ? 1 : 0]
            let program = generators[index % 3 == 2 ? 1 : 0].make(using: &random)
            let result = try ProgramSimplifier(shape: shape).simplify(program)
            let classification = index % 2 == 1
            let before = try interpreterTrace(program, shape: shape, seed: UInt64(index), classification: classification, data: data, trainCount: 14)
            let after = try interpreterTrace(result.program, shape: shape, seed: UInt64(index), classification: classification, data: data, trainCount: 14)
            guard before == after else {
                Issue.record("program \(index) changed:\n\(ProgramPrinter.print(program))simplified:\n\(ProgramPrinter.print(result.program))")
                return
            }
        }
    }
}
