/// What a search space allows in one component function.
public struct ComponentSpec: Sendable, Equatable {
    /// The ops mutation and random initialisation may use.
    public var ops: [Op]
    /// The fewest instructions mutation may leave.
    public var minimumSize: Int
    /// The most instructions mutation may create; program files may not exceed it either.
    public var maximumSize: Int
    /// The number of instructions of a random initial program.
    public var initialSize: Int

    public init(ops: [Op], minimumSize: Int, maximumSize: Int, initialSize: Int) {
        self.ops = ops
        self.minimumSize = minimumSize
        self.maximumSize = maximumSize
        self.initialSize = initialSize
    }
}

/// The mutation operators of AutoML-Zero.
public enum MutationKind: String, Sendable, Codable, CaseIterable {
    /// Change one input or output register, or perturb one constant or element index.
    case alterArgument = "alter_argument"
    /// Replace one instruction by a random one.
    case randomizeInstruction = "randomize_instruction"
    /// Insert a random instruction at a random position.
    case insertInstruction = "insert_instruction"
    /// Remove one instruction.
    case removeInstruction = "remove_instruction"
    /// Replace a whole component by random instructions.
    case randomizeComponent = "randomize_component"
    /// Leave the program unchanged.
    case identity
    /// Recombine with a second parent from the same island: a block of instructions of one
    /// component, or (half the time, when the program has several) a whole component, replaced
    /// by the donor's (two-point crossover of linear genetic programming).
    case crossover
}

/// How children are made from parents.
public struct MutationSpec: Sendable, Equatable {
    /// The chance that a child is mutated at all; otherwise it is an exact copy (AutoML-Zero's
    /// `mutate_prob`).
    public var probability: Double
    /// The operators to choose from.
    public var operators: [MutationKind]
    /// Whether a bandit chooses the operator (adaptive operator selection) instead of a uniform
    /// draw.
    public var adaptive: Bool
    /// How many times a mutation is drawn again when its child behaves like a program the
    /// functional-equivalence cache already holds (same fingerprint): a neutral change to dead
    /// code, or a behaviour already tried. 0 keeps the first child, as AutoML-Zero does.
    public var retries: Int

    public init(probability: Double, operators: [MutationKind], adaptive: Bool = false, retries: Int = 0) {
        self.probability = probability
        self.operators = operators
        self.adaptive = adaptive
        self.retries = retries
    }
}

/// The functional-equivalence cache: candidates that predict the same on a small probe share a
/// fitness without being evaluated.
public struct FECSpec: Sendable, Equatable {
    /// Whether the cache is used.
    public var enabled: Bool
    /// Training examples in the probe.
    public var trainSteps: Int
    /// Validation examples in the probe.
    public var validSteps: Int
    /// The most fingerprints kept (least recently used leave first).
    public var capacity: Int
    /// Whether the fingerprint probes every search task (AutoML-Zero's rule: a hit needs the
    /// same predictions on all of them) rather than the first only (cheaper, a weaker check).
    public var probesEveryTask: Bool
    /// The share of cache hits also evaluated in full to measure how often a hit carries a
    /// wrong fitness (``FECAudit``); 0 for none. Audits never change the search.
    public var audit: Double

    public init(
        enabled: Bool = true, trainSteps: Int = 10, validSteps: Int = 10, capacity: Int = 100_000,
        probesEveryTask: Bool = false, audit: Double = 0
    ) {
        self.enabled = enabled
        self.trainSteps = trainSteps
        self.validSteps = validSteps
        self.capacity = capacity
        self.probesEveryTask = probesEveryTask
        self.audit = audit
    }
}
