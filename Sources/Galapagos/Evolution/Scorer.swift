/// A search space's tasks for one run seed and a pool of evaluators to score programs on them.
///
/// The engine scores candidates on the select tasks with it, and anything that needs one
/// program's fitness (a hub coordinator's final report, `eval`, `export`) uses it without
/// building an engine. One caller at a time: a pool's evaluators serve one batch at once.
public final class Scorer: Sendable {
    /// The search space the programs belong to (overrides applied).
    public let space: SearchSpace
    public let searchTasks: [TaskDataset]
    public let selectTasks: [TaskDataset]
    public let finalTasks: [TaskDataset]
    let pool: WorkerPool

    /// Builds the tasks of every role from `taskSeed` and a pool of `workers` evaluators.
    public init(space: SearchSpace, taskSeed: UInt64, workers: Int) {
        self.space = space
        searchTasks = space.tasks(.search, runSeed: taskSeed)
        selectTasks = space.tasks(.select, runSeed: taskSeed)
        finalTasks = space.tasks(.final, runSeed: taskSeed)
        pool = WorkerPool(workers: workers, space: space)
    }

    /// The tasks of one role.
    public func tasks(_ role: TaskRole) -> [TaskDataset] {
        switch role {
        case .search: searchTasks
        case .select: selectTasks
        case .final: finalTasks
        }
    }

    /// Scores a program on tasks, one task per job on the worker pool; 0 for a program that
    /// does not fit the search space's memory.
    public func score(_ program: Program, on tasks: [TaskDataset], scoring: ScoringSplit) -> Double {
        guard let compiled = try? space.compileForEvaluation(program) else { return 0 }
        let fitness = pool.map(jobs: tasks.count) { job, evaluator in
            evaluator.fitness(of: compiled, on: tasks[job], scoring: scoring)
        }
        return space.aggregation.combine(fitness)
    }

    /// A program's fitness on the select tasks' validation split; `nil` without select tasks.
    public func selectFitness(of program: Program) -> Double? {
        selectTasks.isEmpty ? nil : score(program, on: selectTasks, scoring: .validation)
    }

    /// A program's fitness on data the search never saw: the final tasks' held-out test split
    /// when they have one (dataset tasks), else their validation split; without final tasks,
    /// the search tasks' test split. `nil` when the search space has none of these.
    public func testFitness(of program: Program) -> Double? {
        if !finalTasks.isEmpty {
            let split: ScoringSplit = finalTasks.allSatisfy({ $0.testCount > 0 }) ? .test : .validation
            return score(program, on: finalTasks, scoring: split)
        }
        if searchTasks.contains(where: { $0.testCount > 0 }) {
            return score(program, on: searchTasks, scoring: .test)
        }
        return nil
    }
}
