import Foundation
import GalapagosTestSupport
import Testing
@testable import Galapagos

/// The engine compiles children with their dead instructions left out
/// (``CompiledProgram/init(_:shape:keepingLiveFor:)``). These checks hold that to the standard
/// of the whole program: the same fitness and FEC fingerprint, bit for bit, on every task.
@Suite("Live-only compilation")
struct LiveCompilationTests {
    /// The search spaces' three protocols: AutoML-Zero's scalar one, multi-class logits in
    /// `v1`, and features also in `s2…` (symbolic regression).
    static func cases() throws -> [(name: String, space: SearchSpace, generator: RandomPrograms)] {
        let linear = try linearDemoSpace()
        let iris = try SearchSpace.load(path: repositoryPath("searchspaces/iris_classification.yaml"))
        let nguyen = try SearchSpace.load(path: repositoryPath("searchspaces/symbolic/nguyen-12.yaml"))
        // Random programs over every op (random fills included) need a matrix and vectors.
        var symbolic = nguyen
        symbolic.memory = MemoryShape(features: 2, scalars: 10, vectors: 3, matrices: 1, inputScalars: 2)
        return [
            ("linear_demo", linear, RandomPrograms(shape: linear.memory)),
            ("iris", iris, RandomPrograms(shape: iris.memory)),
            ("nguyen-12 with every op", symbolic, RandomPrograms(shape: symbolic.memory)),
        ]
    }

    @Test("the bit-mask liveness agrees with the full analysis on 6,000 random programs")
    func masksAgreeWithFullLiveness() throws {
        for (name, space, generator) in try Self.cases() {
            var random = RandomGenerator(seed: 31)
            for index in 0..<2_000 {
                let program = generator.make(using: &random)
                let full = Liveness(program, protocol: space.callProtocol).isLive.flatMap { $0 }
                let masks = Liveness.liveInstructions(program, shape: space.memory, protocol: space.callProtocol)
                guard full == masks else {
                    Issue.record("\(name) program \(index): \(masks) instead of \(full)\n\(ProgramPrinter.print(program))")
                    return
                }
            }
        }
    }

    /// The engine's path (bit masks made once per run) against the full set-based analysis
    /// (the instructions kept) and against masks made from the protocol's sets on each call
    /// (state carried across predictions, depending on one example only).
    @Test("compiling under protocol masks keeps what the full liveness analysis keeps")
    func protocolMasksAgreeWithTheFullAnalysis() throws {
        for (name, space, generator) in try Self.cases() {
            let shape = space.memory
            let masks = try #require(ProtocolMasks(space.callProtocol, shape: shape))
            let layout = MemoryLayout(shape: shape)
            var random = RandomGenerator(seed: 5)
            for index in 0..<2_000 {
                let program = generator.make(using: &random)
                let compiled = try CompiledProgram(program, shape: shape, keepingLiveFor: masks)
                let live = Liveness(program, protocol: space.callProtocol.feeding(shape)).isLive.flatMap { $0 }
                let instructions = Component.allCases.flatMap { program[$0] }
                var kept = zip(instructions, live).compactMap { instruction, isLive -> Op? in
                    guard let op = layout.compile(instruction)?.op else {
                        Issue.record("\(name) program \(index): an instruction in range did not compile")
                        return nil
                    }
                    let isRandom = OpShape.table[Int(instruction.op.rawValue)].isRandom
                    return op != .noOp && (isRandom || isLive) ? op : nil
                }
                if kept.isEmpty { kept = [.noOp] }
                let carries = Liveness.predictCarriesState(program, shape: shape, protocol: space.callProtocol)
                let carriesFromMasks = Liveness.predictCarriesState(
                    program, outputs: masks.outputs, provided: masks.predictInputs)
                let oneExample = CompiledProgram.isFunctionOfOneExample(program, shape: shape, scalarLive: nil)
                guard compiled.code.map(\.op) == kept, carries == carriesFromMasks,
                      compiled.isFunctionOfOneExample == oneExample else {
                    Issue.record("\(name) program \(index) differs with masks\n\(ProgramPrinter.print(program))")
                    return
                }
            }
        }
    }

    @Test("live-only programs score as the whole program, bit for bit, and are shorter")
    func liveOnlyScoresLikeWholeProgram() throws {
        for (name, space, generator) in try Self.cases() {
            let tasks = Array(space.tasks(.search, runSeed: 2).prefix(3))
            try #require(!tasks.isEmpty)
            let evaluator = Evaluator(shape: space.memory)
            var random = RandomGenerator(seed: 7)
            var whole = 0, live = 0
            for index in 0..<1_500 {
                let program = generator.make(using: &random)
                let full = try CompiledProgram(program, shape: space.memory)
                let pruned = try space.compileForEvaluation(program)
                whole += full.code.count
                live += pruned.code.count
                for task in tasks {
                    let expected = evaluator.fitness(of: full, on: task)
                    let actual = evaluator.fitness(of: pruned, on: task)
                    let expectedPrint = evaluator.fingerprint(of: full, on: task, trainSteps: 10, validSteps: 10)
                    let actualPrint = evaluator.fingerprint(of: pruned, on: task, trainSteps: 10, validSteps: 10)
                    guard expected.bitPattern == actual.bitPattern, expectedPrint == actualPrint else {
                        Issue.record("\(name) program \(index): \(expected) → \(actual)\n\(ProgramPrinter.print(program))")
                        return
                    }
                }
            }
            // Random programs are mostly dead code: the check compares different code.
            #expect(live * 3 < whole * 2, "\(name): \(live) of \(whole) instructions kept")
        }
    }

    @Test("losses run under their own protocol: their programs compile whole")
    func lossesCompileWhole() throws {
        let space = try SearchSpace.load(path: repositoryPath("searchspaces/loss_discovery.yaml"))
        #expect(space.pruningProtocol == nil)
        // Under the scalar protocol the first instruction would be dead (s3 is never read).
        let program = try ProgramParser().parse("""
            # galapagos program v1
            def setup():
            def predict():
              s3 = s2 * s2
              s1 = s2 - s0
            def learn():
            """)
        #expect(try space.compileForEvaluation(program).code.count == 2)
        #expect(try CompiledProgram(program, shape: space.memory, keepingLiveFor: .scalar).code.count == 1)
    }
}
