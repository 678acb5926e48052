import ArgumentParser
import Foundation
import Galapagos

/// `galapagos bench`: throughput figures in a fixed machine-readable format.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure interpreter and search throughput (build with -c release).",
        discussion: """
            Prints one line per figure, `name value unit`, and with --json one object \
            {"figures": {name: value}, "units": {name: unit}} as the last line. Figures: DSL \
            instructions/s and scalar-op equivalents/s of the SGD regressor on linear_demo, \
            evaluations/s of the SGD regressor (linear_demo) and of a 2-layer NN \
            (digits_binary_full), and evolve throughput on linear_demo from seed 1 with and without \
            FEC, on 1 worker and on all cores.

            Example:
              swift run -c release galapagos bench --json
            """
    )

    @Option(help: "The directory holding linear_demo.yaml, digits_binary_full.yaml and examples/.")
    var searchspaces = "searchspaces"

    @Option(help: "Seconds to spend on each interpreter figure.")
    var seconds: Double = 2

    @Option(name: .customLong("evolve-individuals"), help: "Individuals per evolve figure.")
    var evolveIndividuals: Int = 300_000

    @Flag(help: "Print one JSON object as the last line of stdout.")
    var json = false

    private struct Figure {
        var name: String
        var value: Double
        var unit: String
    }

    func run() throws {
        var figures: [Figure] = []
        func report(_ name: String, _ value: Double, _ unit: String) {
            figures.append(Figure(name: name, value: value, unit: unit))
            print("\(name) \(String(format: "%.1f", value)) \(unit)")
        }
        let linear = try SearchSpace.load(path: "\(searchspaces)/linear_demo.yaml")
        let sgd = try Inputs.program("\(searchspaces)/examples/sgd_linear_regression.gal", in: linear, strictOps: false)
        let (sgdRate, sgdInstructions, sgdScalarOps) = try measure(program: sgd, space: linear)
        report("linear_demo.sgd.evaluations_per_second", sgdRate, "evaluations/s")
        report("linear_demo.sgd.instructions_per_second", sgdRate * sgdInstructions, "instructions/s")
        report("linear_demo.sgd.scalar_ops_per_second", sgdRate * sgdScalarOps, "scalar-ops/s")

        let digits = try SearchSpace.load(path: "\(searchspaces)/digits_binary_full.yaml")
        let network = try Inputs.program("\(searchspaces)/examples/two_layer_nn.gal", in: digits, strictOps: false)
        let (nnRate, nnInstructions, nnScalarOps) = try measure(program: network, space: digits)
        report("digits_binary.two_layer_nn.evaluations_per_second", nnRate, "evaluations/s")
        report("digits_binary.two_layer_nn.instructions_per_second", nnRate * nnInstructions, "instructions/s")
        report("digits_binary.two_layer_nn.scalar_ops_per_second", nnRate * nnScalarOps, "scalar-ops/s")

        let cores = ProcessInfo.processInfo.activeProcessorCount
        for (fec, workers) in [(true, 1), (false, 1), (true, cores), (false, cores)] {
            var overrides = SearchSpaceOverrides()
            overrides.fec = fec
            let space = overrides.apply(to: linear)
            let engine = Engine(
                space: space,
                settings: EngineSettings(seed: 1, workers: workers, maxIndividuals: evolveIndividuals))
            let clock = ContinuousClock()
            let start = clock.now
            _ = engine.run()
            let elapsed = (clock.now - start).seconds
            let name = "linear_demo.evolve.fec_\(fec ? "on" : "off").workers_\(workers)"
            report(name + ".individuals_per_second", Double(engine.individuals) / elapsed, "individuals/s")
            report(name + ".fec_hit_rate", 100 * Double(engine.fecHits) / Double(engine.individuals), "%")
        }
        if json {
            try Console.json([
                "figures": Dictionary(uniqueKeysWithValues: figures.map { ($0.name, $0.value) }),
            ])
        }
    }

    /// Evaluations per second of a program on the search tasks (seed 1), single thread, and
    /// the instructions and scalar-op equivalents one evaluation executes.
    private func measure(program: Program, space: SearchSpace) throws -> (Double, Double, Double) {
        let compiled = try CompiledProgram(program, shape: space.memory)
        let tasks = space.tasks(.search, runSeed: 1)
        let evaluator = space.makeEvaluator()
        var instructions = 0.0, scalarOps = 0.0
        for task in tasks {
            let steps = Double(task.trainCount * task.epochs)
            let validations = Double(task.validCount * task.epochs)
            for (component, calls) in [(Component.setup, 1.0), (.predict, steps + validations), (.learn, steps)] {
                instructions += calls * Double(program[component].count)
                scalarOps += calls * program[component].reduce(0) { $0 + Self.scalarOps($1.op, f: space.memory.features) }
            }
        }
        let clock = ContinuousClock()
        let start = clock.now
        var evaluations = 0
        var sink = 0.0
        while (clock.now - start).seconds < seconds {
            sink += evaluator.evaluate(compiled, on: tasks).fitness
            evaluations += 1
        }
        if sink.isNaN { print("") }  // keeps the work observable
        return (Double(evaluations) / (clock.now - start).seconds, instructions, scalarOps)
    }

    /// The scalar operations one instruction stands for.
    static func scalarOps(_ op: Op, f: Int) -> Double {
        let n = Double(f)
        switch op {
        case .matrixMatrixProduct: return n * n * n
        case .matrixVectorProduct, .vectorOuterProduct, .matrixTranspose, .vectorColumnBroadcast,
             .vectorRowBroadcast, .matrixNorm, .matrixColumnNorm, .matrixRowNorm, .matrixMean,
             .matrixRowMean, .matrixStDev, .matrixRowStDev, .matrixUniformSet, .matrixGaussianSet:
            return n * n
        default:
            let info = op.info
            if info.output == .matrix || info.inputs.contains(.matrix) { return n * n }
            if info.output == .vector || info.inputs.contains(.vector) { return n }
            return 1
        }
    }
}
