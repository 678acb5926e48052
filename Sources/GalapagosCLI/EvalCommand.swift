import ArgumentParser
import Galapagos

/// `galapagos eval`: scores a program file on a search space's tasks.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a program on a search space's tasks.",
        discussion: """
            Prints each task's fitness and the combined fitness. With --json, the last line of \
            stdout is {"tasks": [fitness, …], "fitness": x, "searchspace": name, "role": \
            "search|select|final", "seed": n, "split": "validation|test", "seconds": t, \
            "r2": [R² per task] (regression tasks only), "returns": [mean return per task] \
            (policy objectives only: the trained policy's greedy mean return)}.

            Examples:
              galapagos eval searchspaces/examples/sgd_linear_regression.gal \\
                  --searchspace searchspaces/linear_demo.yaml
              galapagos eval my.gal --searchspace searchspaces/linear_demo.yaml \\
                  --tasks final --json
            """
    )

    @Argument(help: "The program file (.gal).")
    var program: String

    @Option(help: "The search-space file (.yaml).")
    var searchspace: String

    @Option(help: "Seed for tasks whose seeds the search space does not fix.")
    var seed: UInt64 = 1

    @Option(help: "Which tasks: search, select or final.")
    var tasks: TaskRoleArgument = .search

    @Flag(help: "Score on the held-out test split (never seen in search) instead of validation.")
    var test = false

    @Flag(help: "Print one JSON object as the last line of stdout.")
    var json = false

    func run() throws {
        let space = try Inputs.searchSpace(searchspace)
        let parsed = try Inputs.program(program, in: space, strictOps: false)
        let compiled = try CompiledProgram(parsed, shape: space.memory)
        let taskSet = space.tasks(tasks.role, runSeed: seed)
        guard !taskSet.isEmpty else {
            throw GalapagosError.invalidArgument(
                "\(searchspace): the search space defines no \(tasks.role.rawValue) tasks")
        }
        if test, taskSet.contains(where: { $0.testCount == 0 }) {
            throw GalapagosError.invalidArgument(
                "\(searchspace): the \(tasks.role.rawValue) tasks have no test split"
                    + " (give them 'test:' examples or a split with test > 0)")
        }
        let clock = ContinuousClock()
        let start = clock.now
        let evaluation = space.makeEvaluator().evaluate(
            compiled, on: taskSet, aggregation: space.aggregation, scoring: test ? .test : .validation)
        let seconds = (clock.now - start).seconds
        var r2: [Double?]?
        if space.objective == .program, taskSet.allSatisfy({ $0.metric == .rms }) {
            let evaluator = space.makeEvaluator()
            r2 = taskSet.map {
                evaluator.coefficientOfDetermination(of: compiled, on: $0, scoring: test ? .test : .validation)
            }
        }
        // A policy objective's fitness is the return over the task's reference return.
        let returns: [Double]? = space.objective.policyTraining == nil ? nil
            : zip(taskSet, evaluation.taskFitness).map { $1 * ($0.policy?.referenceReturn ?? 0) }
        if json {
            try Console.json(EvalReport(
                tasks: evaluation.taskFitness, fitness: evaluation.fitness,
                searchspace: space.name, role: tasks.role.rawValue, seed: seed,
                split: test ? "test" : "validation", seconds: seconds, r2: r2, returns: returns))
        } else {
            let width = max(10, taskSet.map(\.name.count).max() ?? 0) + 2
            func row(_ name: String, _ fitness: String, _ policyReturn: String?) {
                print(Console.pad(name, width) + (policyReturn.map { Console.pad(fitness, 22) + $0 } ?? fitness))
            }
            row("task", "fitness", returns == nil ? nil : "return")
            for (index, (task, fitness)) in zip(taskSet, evaluation.taskFitness).enumerated() {
                row(task.name, format(fitness), returns.map { format($0[index]) })
            }
            print(Console.pad(space.aggregation.rawValue, width) + format(evaluation.fitness))
            if let r2 {
                let values = r2.compactMap { $0 }
                let mean = values.isEmpty ? Double.nan : values.reduce(0, +) / Double(values.count)
                print(Console.pad("mean R²", width) + format(mean))
            }
        }
    }

    private func format(_ value: Double) -> String {
        String(describing: value)
    }
}

/// The `--json` object of `galapagos eval`.
struct EvalReport: Encodable {
    var tasks: [Double]
    var fitness: Double
    var searchspace: String
    var role: String
    var seed: UInt64
    var split: String
    var seconds: Double
    /// R² per task on the scored split (regression tasks only; null where evaluation stopped).
    var r2: [Double?]?
    /// The trained policy's greedy mean return per task (policy objectives only).
    var returns: [Double]?
}

/// A task role as a command-line value.
struct TaskRoleArgument: ExpressibleByArgument {
    var role: TaskRole

    static let search = TaskRoleArgument(role: .search)

    init(role: TaskRole) {
        self.role = role
    }

    init?(argument: String) {
        guard let role = TaskRole(rawValue: argument) else { return nil }
        self.role = role
    }

    static var allValueStrings: [String] { TaskRole.allCases.map(\.rawValue) }

    /// How `--help` shows the default.
    var defaultValueDescription: String { role.rawValue }
}
