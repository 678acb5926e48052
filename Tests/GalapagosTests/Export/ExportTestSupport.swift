import Foundation
import GalapagosTestSupport
import Testing
@testable import Galapagos

// Shared by the export, simplifier and exact-arithmetic suites.

/// The hand-written SGD regressor, parsed for linear_demo.
func sgdRegressor() throws -> Program {
    try ProgramParser().parse(repositoryText("searchspaces/examples/sgd_linear_regression.gal"))
}

/// Random valid programs over every op (nop included), with component sizes drawn per program.
struct RandomPrograms {
    let shape: MemoryShape
    let mutator: Mutator
    let sizes: [ClosedRange<Int>]

    init(shape: MemoryShape, ops: [Op] = Op.allCases, sizes: [ClosedRange<Int>] = [0...8, 1...8, 0...10]) {
        self.shape = shape
        self.sizes = sizes
        let spec = ComponentSpec(ops: ops, minimumSize: 0, maximumSize: 100, initialSize: 1)
        mutator = Mutator(shape: shape, components: [spec, spec, spec])
    }

    func make(using random: inout RandomGenerator) -> Program {
        var program = Program()
        for component in Component.allCases {
            let range = sizes[component.rawValue]
            let count = range.lowerBound + random.nextInt(below: range.count)
            program[component] = mutator.randomComponent(component, count: count, using: &random)
        }
        return program
    }
}

/// Per op, a program in which that op is live: `setup` fills registers with random values,
/// `predict` applies the op and folds its result into `s1`, `learn` updates a weight. Random
/// programs rarely keep every op live; these make sure each helper is compiled and checked.
func probePrograms() -> [Program] {
    let setup = [
        Instruction(.scalarUniformSet, output: 2, constant1: -1, constant2: 1),
        Instruction(.scalarGaussianSet, output: 3, constant1: 0.5, constant2: 0.25),
        Instruction(.vectorGaussianSet, output: 1, constant1: 0, constant2: 1),
        Instruction(.vectorUniformSet, output: 2, constant1: 0.25, constant2: 1),
        Instruction(.matrixGaussianSet, output: 0, constant1: 0, constant2: 1),
        Instruction(.matrixUniformSet, output: 1, constant1: 0.5, constant2: 1),
    ]
    let learn = [
        Instruction(.scalarDiff, output: 5, input1: 0, input2: 1),
        Instruction(.scalarVectorProduct, output: 4, input1: 5, input2: 0),
        Instruction(.vectorSum, output: 1, input1: 1, input2: 4),
    ]
    return Op.allCases.filter { $0 != .noOp }.map { op in
        let info = op.info
        var instruction = Instruction(op, index1: 1, index2: 2, constant1: 0.375, constant2: 0.5)
        let inputs: [ValueKind: [Int]] = [.scalar: [2, 3], .vector: [0, 1], .matrix: [0, 1]]
        for (position, kind) in info.inputs.enumerated() {
            let register = inputs[kind]?[position] ?? 0
            if position == 0 { instruction.input1 = UInt16(register) } else { instruction.input2 = UInt16(register) }
        }
        var predict: [Instruction] = []
        switch info.output {
        case .scalar?:
            instruction.output = 4
            predict = [instruction, Instruction(.scalarSum, output: 1, input1: 4, input2: 3)]
        case .vector?:
            instruction.output = 3
            if info.indexCount > 0 { predict.append(Instruction(.vectorSum, output: 3, input1: 1, input2: 2)) }
            predict += [instruction, Instruction(.vectorInnerProduct, output: 1, input1: 3, input2: 1)]
        case .matrix?:
            instruction.output = 2
            if info.indexCount > 0 { predict.append(Instruction(.matrixSum, output: 2, input1: 0, input2: 1)) }
            predict += [
                instruction, Instruction(.matrixVectorProduct, output: 3, input1: 2, input2: 1),
                Instruction(.vectorInnerProduct, output: 1, input1: 3, input2: 2),
            ]
        case nil:
            break
        }
        return Program(setup: setup, predict: predict, learn: learn)
    }
}

/// Examples to run programs on: features and labels.
struct ExampleData {
    var features: [[Double]]
    var labels: [Double]

    init(features: Int, count: Int, seed: UInt64) {
        var random = RandomGenerator(seed: seed)
        self.features = (0..<count).map { _ in (0..<features).map { _ in random.uniform(-1.5, 1.5) } }
        labels = (0..<count).map { _ in random.uniform(-1, 1) }
    }
}

/// The protocol both the interpreter and exported code are driven with: `trainCount` steps of
/// predict then learn, predictions on the remaining examples, then `train` over the first four
/// examples for two epochs (a classifier's prediction replaced by its sigmoid before learn, as
/// the evaluator does) and one last prediction. Returns every prediction's bits.
func interpreterTrace(
    _ program: Program, shape: MemoryShape, seed: UInt64, classification: Bool,
    data: ExampleData, trainCount: Int
) throws -> [UInt64] {
    let compiled = try CompiledProgram(program, shape: shape)
    let machine = Machine(shape: shape)
    machine.wipe()
    machine.random = RandomGenerator(seed: seed)
    machine.run(compiled, .setup)
    var bits: [UInt64] = []
    func predict(_ k: Int) -> Double {
        machine.setVector(MemoryShape.featuresVector, data.features[k])
        for (feature, register) in shape.inputScalarRegisters.enumerated() {
            machine.setScalar(register.index, data.features[k][feature])
        }
        machine.setScalar(MemoryShape.labelScalar, 0)
        machine.run(compiled, .predict)
        return machine.scalar(MemoryShape.predictionScalar)
    }
    func learn(_ k: Int) {
        machine.setVector(MemoryShape.featuresVector, data.features[k])
        for (feature, register) in shape.inputScalarRegisters.enumerated() {
            machine.setScalar(register.index, data.features[k][feature])
        }
        machine.setScalar(MemoryShape.labelScalar, data.labels[k])
        machine.run(compiled, .learn)
    }
    for k in 0..<trainCount {
        bits.append(predict(k).bitPattern)
        learn(k)
    }
    for k in trainCount..<data.labels.count { bits.append(predict(k).bitPattern) }
    for _ in 0..<2 {
        for k in 0..<4 {
            _ = predict(k)
            if classification {
                let logit = machine.scalar(MemoryShape.predictionScalar)
                machine.setScalar(MemoryShape.predictionScalar, 1.0 / (1.0 + Math.exp(-logit)))
            }
            learn(k)
        }
    }
    bits.append(predict(0).bitPattern)
    return bits
}

/// Per-task fitness of a program on tasks, as the evaluator computes it.
func taskFitness(_ program: Program, shape: MemoryShape, tasks: [TaskDataset], evaluator: Evaluator) throws -> [Double] {
    let compiled = try CompiledProgram(program, shape: shape)
    return tasks.map { evaluator.fitness(of: compiled, on: $0) }
}

/// Runs a command and returns its exit status and combined output.
func runProcess(_ executable: String, _ arguments: [String], in directory: URL? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    if let directory { process.currentDirectoryURL = directory }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// A fresh temporary directory.
func makeTemporaryDirectory(_ prefix: String) throws -> URL {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
}
