/// Everything that defines a search: memory, allowed ops and sizes per component, mutation,
/// evolution settings and the tasks candidates are judged on.
///
/// Search spaces are read from YAML files with ``SearchSpace/load(path:)`` or
/// ``SearchSpace/parse(_:file:)``; see `searchspaces/linear_demo.yaml` for a documented example.
public struct SearchSpace: Sendable {
    /// A short name (the file's `name` field), written in program headers.
    public var name: String
    /// A sentence or two on what the search space is for.
    public var summary: String
    /// The text the search space was read from, stored with runs so they can be resumed.
    public var sourceText: String
    /// Registers and feature size.
    public var memory: MemoryShape
    /// What each component may contain, indexed by ``Component/rawValue``.
    public var components: [ComponentSpec]
    /// How children are made.
    public var mutation: MutationSpec
    /// Islands, population, selection and migration.
    public var evolution: EvolutionSpec
    /// The functional-equivalence cache.
    public var fec: FECSpec
    /// Tasks every candidate is evaluated on.
    public var searchTasks: TaskSpec
    /// Fresh tasks that re-evaluate promising candidates; `nil` skips selection.
    public var selectTasks: TaskSpec?
    /// Fixed tasks for the final, reported score; `nil` reports none.
    public var finalTasks: TaskSpec?
    /// How per-task fitnesses combine.
    public var aggregation: FitnessAggregation
    /// What programs are for: learning algorithms (the default) or losses.
    public var objective: Objective = .program

    /// An evaluator for this search space's programs.
    public func makeEvaluator() -> Evaluator {
        Evaluator(shape: memory, objective: objective)
    }

    /// The specification of one component.
    public subscript(component: Component) -> ComponentSpec {
        get { components[component.rawValue] }
        set { components[component.rawValue] = newValue }
    }

    /// The limits a program of this search space must respect, for the parser.
    ///
    /// - Parameter strictOps: also require every op to be one the component allows.
    public func programLimits(strictOps: Bool) -> ProgramLimits {
        ProgramLimits(
            shape: memory, maximumSizes: components.map(\.maximumSize),
            allowedOps: strictOps ? components.map { Set($0.ops) } : nil)
    }

    /// How the tasks of one role are built, or `nil` if the search space has none for it.
    /// How the evaluator calls this space's programs: the multi-class protocol when a task
    /// has more than two classes, AutoML-Zero's scalar one otherwise; with the input scalars
    /// of ``memory`` among the inputs.
    public var callProtocol: CallProtocol {
        if objective.policyTraining != nil {
            // r, A and t are written before every call (which starts from zeroed registers).
            let inputs: Set<Register> = [
                .label, Register(.scalar, PolicyObjective.ratioScalar),
                Register(.scalar, PolicyObjective.advantageScalar), Register(.scalar, PolicyObjective.progressScalar),
            ]
            return CallProtocol(outputs: [.prediction], predictInputs: inputs, learnInputs: inputs)
        }
        let multiclass = TaskRole.allCases.contains { role in
            guard case let .table(table)? = taskSpec(role)?.generator else { return false }
            return table.data.kind == .classification && table.classCount > 2
        }
        return (multiclass ? CallProtocol.multiclass : .scalar).feeding(memory)
    }

    /// The protocol under which only live instructions need to run: ``callProtocol`` for
    /// learning algorithms; `nil` for losses and policy objectives, which a fixed trainer runs
    /// under its own rules.
    public var pruningProtocol: CallProtocol? {
        objective == .program ? callProtocol : nil
    }

    /// A program compiled for this space's evaluator: with its dead instructions left out when
    /// ``pruningProtocol`` allows (same fitness, bit for bit, in less time).
    ///
    /// - Throws: ``GalapagosError/program(_:_:)`` if the program does not fit ``memory``.
    public func compileForEvaluation(_ program: Program) throws -> CompiledProgram {
        try CompiledProgram.forEvaluation(program, shape: memory, pruning: pruningProtocol)
    }

    public func taskSpec(_ role: TaskRole) -> TaskSpec? {
        switch role {
        case .search: searchTasks
        case .select: selectTasks
        case .final: finalTasks
        }
    }

    /// Whether programs are functions of one example: `setup` and `learn` can hold no
    /// instruction (symbolic regression; losses are evaluated on fresh memory anyway). The
    /// engine then scores 0 any program whose prediction reads what an earlier prediction left
    /// in memory: with nothing learned, that can only depend on the order of the examples,
    /// which search would otherwise exploit.
    public var isPredictOnly: Bool {
        objective == .program
            && components[Component.setup.rawValue].maximumSize == 0
            && components[Component.learn.rawValue].maximumSize == 0
    }

    /// The tasks of one role, or an empty list if the search space has none for it.
    public func tasks(_ role: TaskRole, runSeed: UInt64) -> [TaskDataset] {
        taskSpec(role)?.makeTasks(features: memory.features, runSeed: runSeed, role: role) ?? []
    }
}
