import Foundation
import Galapagos

/// Search-space YAML through ``SearchSpace/parse(_:file:baseDirectory:)``.
///
/// Seeds are the shipped search spaces (`searchspaces/*.yaml`, `searchspaces/symbolic/*.yaml`)
/// with their dataset pointed at the corpus's tiny CSV (`data/tiny.csv`, 24 rows), plus the
/// hand-made seeds in `Tests/Fuzz/corpus/searchspace/`; `baseDirectory` is that corpus folder,
/// so dataset paths resolve cheaply. Every error must be one line naming the file. For every
/// accepted space: random programs of the space, and their mutants, must respect its bounds,
/// print, parse back under its strict limits and compile for its memory; the exact size of the
/// program space (GMP) is computed when the sizes are small; small task sets are built and
/// hashed, and the random program is evaluated on them (fitness in [0, 1]).
final class SearchSpaceTarget: PooledFuzzTarget {
    let name = "searchspace"
    var pool: InputPool
    let mutator: ByteMutator
    private let baseDirectory: String

    static var vocabulary: [String] {
        var words = [
            "name", "description", "memory", "features", "scalars", "vectors", "matrices", "inputs",
            "vector", "ops", "all", "setup", "predict", "learn", "min", "max", "initial", "size",
            "mutation", "probability", "operators", "adaptive", "evolution", "population",
            "tournament", "islands", "selector", "power-law", "ucb", "thompson", "batch",
            "restart_after_individuals", "migration", "every", "count", "topology", "ring",
            "random", "select", "best", "fec", "enabled", "train", "valid", "test", "cache", "tasks",
            "search", "final", "generator", "scalar_linear_regression", "nonlinear_teacher",
            "projected_binary", "formula", "epochs", "metric", "rms", "accuracy", "data_seed",
            "param_seed", "hidden", "dataset", "label", "classes", "projection", "split",
            "aggregation", "mean", "median", "objective", "kind", "loss", "program", "model",
            "logistic", "mlp", "learning_rate", "data/tiny.csv", "data/missing.csv", "data",
            "tiny.csv", "[[0, 1], [1, 2]]", "[[0, 0]]", "[]", "{}", "{min: 0, max: 3}",
            ": ", "- ", "-", "[", "]", "{", "}", ", ", "&a ", "*a", "<<: ", "!!str ", "!!int ",
            "!!binary ", "!!float ", "!!map ", "!!seq ", "!custom ", "'", "\"", "|", ">", "---",
            "...", "? ", "%YAML 1.2\n", "%TAG ! tag:x,2000:\n", "~", "null", "true", "false", "yes",
            "no", "0x1F", "0o17", ".inf", "-.inf", ".nan", "1e3", "\n", "\n  ", "  ", "\t", "#",
            "\u{FEFF}", "\u{85}", "\u{2028}", "'it''s'", "\"\\u0000\"", "\"\\x41\"",
        ]
        for index in 1...12 { words.append("nguyen-\(index)") }
        for op in Op.allCases { words.append(op.name) }
        for kind in MutationKind.allCases { words.append(kind.rawValue) }
        return words
    }

    init(locations: Locations) {
        let corpus = locations.corpusDirectory("searchspace")
        baseDirectory = corpus
        var seeds: [[UInt8]] = []
        let shipped = Locations.files(in: "\(locations.root)/searchspaces", extensions: [".yaml"])
            + Locations.files(in: "\(locations.root)/searchspaces/symbolic", extensions: [".yaml"])
        for path in shipped {
            guard let bytes = Locations.read(path) else { continue }
            let text = String(decoding: bytes, as: UTF8.self)
                .replacingOccurrences(of: "data/digits.csv", with: "data/tiny.csv")
                .replacingOccurrences(of: "data/iris.csv", with: "data/tiny.csv")
            seeds.append(Array(text.utf8))
        }
        for path in Locations.files(in: corpus, extensions: [".yaml"]) {
            if let bytes = Locations.read(path) { seeds.append(bytes) }
        }
        pool = InputPool(seeds: seeds)
        mutator = ByteMutator(dictionary: Self.vocabulary, maximumSize: 64 * 1024)
    }

    func execute(_ input: [UInt8]) -> Outcome {
        let file = "fuzz.yaml"
        // As `SearchSpace.load` does: bytes that are not UTF-8 are refused before parsing.
        guard let text = String(bytes: input, encoding: .utf8) else { return .rejected }
        let space: SearchSpace
        do {
            space = try SearchSpace.parse(text, file: file, baseDirectory: baseDirectory)
        } catch {
            // Dataset problems name the CSV file: under the base directory, or an absolute path.
            if let problem = checkError(error, file: file, others: [baseDirectory + "/", "/"]) {
                return .violation(problem)
            }
            return .rejected
        }
        if let problem = check(space, text: text) { return .violation(problem) }
        return .accepted
    }

    // MARK: Properties of accepted search spaces

    private func check(_ space: SearchSpace, text: String) -> String? {
        guard space.sourceText == text else { return "sourceText differs from the parsed text" }
        let memory = space.memory
        guard memory.doubleCount <= MemoryShape.maximumDoubles, memory.scalars >= 2,
              memory.vectors >= 1, memory.features >= 1,
              memory.features <= MemoryShape.maximumFeatures
        else { return "accepted a memory outside the documented bounds: \(memory)" }
        for component in Component.allCases {
            let spec = space[component]
            guard spec.minimumSize <= spec.initialSize, spec.initialSize <= spec.maximumSize,
                  spec.maximumSize <= ProgramLimits.hardMaximumSize
            else { return "accepted inconsistent sizes for \(component.name): \(spec)" }
            for op in spec.ops {
                let kinds = [op.info.output].compactMap { $0 } + op.info.inputs
                if kinds.contains(where: { memory.count(of: $0) == 0 }) {
                    return "accepted op \(op.name) in \(component.name) without registers for it"
                }
            }
            _ = space.distinctInstructions(in: component)
        }
        let sizes = space.components.reduce(0) { $0 + $1.maximumSize }
        if sizes <= 64 { _ = space.programStructureCount.description }
        return checkPrograms(space) ?? checkTasks(space)
    }

    private func checkPrograms(_ space: SearchSpace) -> String? {
        let initial = space.components.reduce(0) { $0 + $1.initialSize }
        guard initial <= 300 else { return nil }
        let mutator = Mutator(space: space)
        var random = RandomGenerator(seed: UInt64(truncatingIfNeeded: space.sourceText.utf8.count))
        var program = mutator.randomProgram(using: &random)
        let limits = space.programLimits(strictOps: true)
        for round in 0..<4 {
            if round > 0 {
                let kinds = space.mutation.operators
                mutator.mutate(&program, kind: kinds[random.nextInt(below: kinds.count)], using: &random)
            }
            for component in Component.allCases {
                let spec = space[component]
                let count = program[component].count
                guard count >= spec.minimumSize, count <= spec.maximumSize else {
                    return "Mutator made \(count) instructions in \(component.name), outside"
                        + " \(spec.minimumSize)…\(spec.maximumSize)"
                }
            }
            let text = ProgramPrinter.print(program, searchSpace: space.name)
            do {
                let parsed = try ProgramParser(limits: limits).parse(text, file: "random.gal")
                guard parsed == program else { return "a random program does not round-trip" }
                _ = try CompiledProgram(parsed, shape: space.memory)
            } catch {
                return "a random program of the space is refused: \(error)\n\(text)"
            }
        }
        return nil
    }

    /// Builds the tasks when they are small, hashes them, and evaluates a random program.
    private func checkTasks(_ space: SearchSpace) -> String? {
        let f = Double(space.memory.features)
        var doubles = 0.0
        for spec in [space.searchTasks, space.selectTasks, space.finalTasks].compactMap({ $0 }) {
            var rows = Double(spec.trainExamples + spec.validExamples + spec.testExamples)
            var extra = 0.0
            switch spec.generator {
            case let .dataset(dataset):
                rows = Double(dataset.table.count)
                extra = Double(dataset.table.featureCount) * f
            case let .nonlinearTeacher(hidden):
                extra = Double(hidden) * (f + 1)
            default:
                break
            }
            doubles += Double(spec.count) * (rows * (f + 1) + extra) * Double(max(1, spec.epochs))
        }
        guard doubles <= 20_000, space.memory.doubleCount <= 20_000 else { return nil }
        _ = space.datasetHashes(runSeed: 7)
        let tasks = space.tasks(.search, runSeed: 7)
        for task in tasks where task.features != space.memory.features {
            return "task \(task.name) has \(task.features) features, memory has \(space.memory.features)"
        }
        let mutator = Mutator(space: space)
        var random = RandomGenerator(seed: 11)
        let program = mutator.randomProgram(using: &random)
        guard let compiled = try? CompiledProgram(program, shape: space.memory) else {
            return "a random program does not compile for the space's memory"
        }
        let evaluation = space.makeEvaluator().evaluate(
            compiled, on: tasks, aggregation: space.aggregation)
        // A policy objective's fitness is a return over a reference return (CartPole's horizon,
        // always-forward on a chain): a policy that beats always-forward on a short chain scores
        // above 1 (PPO's clipped objective: 1.11 on a chain of 3). Every other fitness is in [0, 1].
        let ceiling = space.objective.policyTraining == nil ? 1.0 : .infinity
        for fitness in evaluation.taskFitness + [evaluation.fitness]
        where !(fitness >= 0 && fitness <= ceiling && fitness.isFinite) {
            return "fitness \(fitness) outside [0, \(ceiling == 1 ? "1" : "∞")) on the space's own tasks"
        }
        return nil
    }
}
