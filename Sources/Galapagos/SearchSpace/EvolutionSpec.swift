/// How parents are chosen.
public enum SelectorKind: String, Sendable, Codable, CaseIterable {
    /// Regularized evolution: the best of a random sample of `tournament` members.
    case tournament
    /// Rank-based selection with probability proportional to rank^−α.
    case powerLaw = "power-law"
    /// UCB1 over islands and fitness-rank strata.
    case ucb
    /// Thompson sampling over islands and fitness-rank strata.
    case thompson
}

/// Where migrants go.
public enum MigrationTopology: String, Sendable, Codable, CaseIterable {
    /// To the next island on a ring.
    case ring
    /// To a random other island.
    case random
}

/// How the first members of an island are drawn.
public enum InitialPrograms: String, Sendable, Codable, CaseIterable {
    /// Every component random, at its initial size (AutoML-Zero).
    case random
    /// Random, redrawn until the prediction reads the features (a live `predict` instruction
    /// reads `v0`), so that the first population does not predict constants.
    case readingFeatures = "reading_features"
    /// Random, redrawn until the prediction depends both on the features and on state that
    /// `learn` moves with the labels (see ``Mutator/randomLearningProgram(protocol:attempts:using:)``):
    /// first populations of programs that can learn, for spaces that evolve a learning rule.
    case learning
}

/// Which members an island sends when it migrates.
public enum MigrantSelection: String, Sendable, Codable, CaseIterable {
    /// Its fittest members.
    case best
    /// A uniform random sample.
    case random
}

/// The island-model settings of a search.
public struct EvolutionSpec: Sendable, Equatable {
    /// Members of each island's population.
    public var populationSize: Int
    /// Sample size of tournament selection.
    public var tournamentSize: Int
    /// Number of islands.
    public var islands: Int
    /// Parent-selection strategy.
    public var selector: SelectorKind
    /// Children proposed per island per engine step (a constant of the search space, never the
    /// worker count, so that results do not depend on threads): the search space's `batch`,
    /// or else ``defaultBatchSize(forPopulation:)``.
    public var batchSize: Int {
        get { explicitBatchSize ?? Self.defaultBatchSize(forPopulation: populationSize) }
        set { explicitBatchSize = newValue }
    }
    /// The batch size the search space or the command line set, if any.
    public var explicitBatchSize: Int?

    /// A sixth of the population, at least 4 and at most 32. The engine proposes each batch
    /// from the populations as they were before the previous one was applied, so parents are
    /// up to two batches old: a batch must stay a small share of an island, and large enough to
    /// keep the workers busy.
    public static func defaultBatchSize(forPopulation population: Int) -> Int {
        min(32, max(4, population / 6))
    }
    /// Evaluations between migrations (0 disables migration).
    public var migrationInterval: Int
    /// Members each island sends per migration.
    public var migrants: Int
    /// Where migrants go.
    public var topology: MigrationTopology
    /// Which members migrate (copies: the sending island keeps them, so its best survives).
    public var migrantSelection: MigrantSelection = .best
    /// Restart an island from random programs after this many individuals without reaching the
    /// target (0 never restarts).
    public var restartAfterIndividuals: Int
    /// Restart an island from random programs once its best fitness has not improved for this
    /// many of its individuals: a population stuck on a plateau (0 never restarts). The hall of
    /// fame and the selected best keep what the island found.
    public var restartStagnantAfterIndividuals: Int = 0
    /// Progressive evaluation: a child is first scored on its first search task alone, and the
    /// other tasks run only when that score reaches this quantile of its island's fitness
    /// (0.75: the top quarter). A child stopped there keeps its first-task score, which is
    /// below the hurdle, so it rarely becomes a parent. `nil` evaluates every task always.
    public var hurdle: Double?
    /// How initial (and restarted) populations are drawn.
    public var initialPrograms: InitialPrograms = .random
    /// The probability that a child's constants are fitted to the first search task's training
    /// examples before it is scored (``ConstantFitter``; predict-only scalar programs), and the
    /// fitted values kept. `nil` never fits.
    public var fitConstants: Double?
    /// The probability that a child's prediction is rewritten as the least-squares linear
    /// combination of values its `predict` computes (``TermFitter``; predict-only programs),
    /// before constant fitting. `nil` never rewrites.
    public var fitTerms: Double?
    /// Size pressure: tournaments compare members by fitness minus this much per instruction
    /// (gplearn's `parsimony_coefficient`), so that of two nearly equally fit programs the
    /// shorter one breeds. Fitness itself, the hall of fame and selection are unchanged; 0 (the
    /// default) compares fitness alone. Tournament selection only.
    public var parsimony: Double = 0

    public init(
        populationSize: Int = 1_000, tournamentSize: Int = 10, islands: Int = 1,
        selector: SelectorKind = .tournament, batchSize: Int? = nil, migrationInterval: Int = 0,
        migrants: Int = 1, topology: MigrationTopology = .ring, restartAfterIndividuals: Int = 0
    ) {
        self.populationSize = populationSize
        self.tournamentSize = tournamentSize
        self.islands = islands
        self.selector = selector
        self.explicitBatchSize = batchSize
        self.migrationInterval = migrationInterval
        self.migrants = migrants
        self.topology = topology
        self.restartAfterIndividuals = restartAfterIndividuals
    }
}
