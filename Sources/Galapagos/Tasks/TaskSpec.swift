/// The role a set of tasks plays in a search.
public enum TaskRole: String, Sendable, CaseIterable {
    /// Tasks every candidate is evaluated on during search.
    case search
    /// Fresh, larger tasks that re-evaluate promising candidates (AutoML-Zero's select tasks).
    case select
    /// Tasks with fixed seeds, never used in search, for the reported final score.
    case final

    /// A tag mixed into derived seeds so that the three roles never share data.
    var seedTag: UInt64 {
        switch self {
        case .search: 1
        case .select: 2
        case .final: 3
        }
    }
}

/// The family a task is drawn from, with its parameters.
public enum TaskGenerator: Sendable, Equatable {
    /// AutoML-Zero's scalar linear regression: features and teacher weights N(0, 1), label w·x.
    case linearRegression
    /// AutoML-Zero's nonlinear regression: a random 2-layer ReLU teacher,
    /// label = w₂·relu(W₁x), weights N(0, 1), `hidden` hidden units.
    case nonlinearTeacher(hidden: Int)
    /// Binary classification on a CSV dataset: a pair of classes per task, optionally a
    /// Gaussian random projection to F features, standardised on the training split.
    case dataset(DatasetTaskSpec)
    /// A symbolic-regression benchmark formula sampled at random points.
    case formula(FormulaTask)
    /// Regression or classification on a CSV table (see ``TableTaskSpec``).
    case table(TableTaskSpec)
    /// Reinforcement-learning environments a policy is trained on (see ``EnvironmentTaskSpec``).
    case environment(EnvironmentTaskSpec)

    /// The name used in search-space files.
    public var name: String {
        switch self {
        case .linearRegression: "scalar_linear_regression"
        case .nonlinearTeacher: "nonlinear_teacher"
        case .dataset: "projected_binary"
        case .formula: "formula"
        case .table: "csv"
        case .environment: "environment"
        }
    }

    /// Every generator name, for error messages.
    public static let names = ["scalar_linear_regression", "nonlinear_teacher", "projected_binary", "formula", "csv", "environment"]
}

/// How to build one set of tasks (search, select or final).
public struct TaskSpec: Sendable, Equatable {
    public var generator: TaskGenerator
    /// Number of tasks.
    public var count: Int
    /// Examples per split (generated tasks; dataset tasks split by fractions instead).
    public var trainExamples: Int
    public var validExamples: Int
    public var testExamples: Int
    /// Passes over the training examples.
    public var epochs: Int
    /// How a task's validation predictions become its fitness.
    public var metric: FitnessMetric
    /// The seed of the first task's examples; task i uses `dataSeed + i`. When `nil`, seeds are
    /// derived from the run's seed, so every run sees different tasks.
    public var dataSeed: UInt64?
    /// The seed of the first task's teacher parameters; task i uses `paramSeed + i`.
    public var paramSeed: UInt64?

    public init(
        generator: TaskGenerator, count: Int, trainExamples: Int, validExamples: Int,
        testExamples: Int = 0, epochs: Int = 1, metric: FitnessMetric = .rms,
        dataSeed: UInt64? = nil, paramSeed: UInt64? = nil
    ) {
        self.generator = generator
        self.count = count
        self.trainExamples = trainExamples
        self.validExamples = validExamples
        self.testExamples = testExamples
        self.epochs = epochs
        self.metric = metric
        self.dataSeed = dataSeed
        self.paramSeed = paramSeed
    }

    /// The seeds of task `index`: (data, parameters).
    public func seeds(index: Int, runSeed: UInt64, role: TaskRole) -> (data: UInt64, param: UInt64) {
        let i = UInt64(index)
        let data = dataSeed.map { $0 &+ i } ?? RandomGenerator.derive(runSeed, role.seedTag, i, 1)
        let param = paramSeed.map { $0 &+ i } ?? RandomGenerator.derive(runSeed, role.seedTag, i, 2)
        return (data, param)
    }

    /// Builds the tasks.
    ///
    /// - Parameters:
    ///   - features: The feature size F.
    ///   - runSeed: The run's seed, used where the spec fixes no seeds.
    ///   - role: Which set this is; mixed into derived seeds.
    public func makeTasks(features: Int, runSeed: UInt64, role: TaskRole) -> [TaskDataset] {
        (0..<count).map { index in
            let seeds = seeds(index: index, runSeed: runSeed, role: role)
            let name = "\(generator.name) #\(index)"
            switch generator {
            case .linearRegression:
                return TeacherTask.linear(
                    spec: self, name: name, features: features, dataSeed: seeds.data,
                    paramSeed: seeds.param)
            case let .nonlinearTeacher(hidden):
                return TeacherTask.nonlinear(
                    spec: self, name: name, features: features, hidden: hidden,
                    dataSeed: seeds.data, paramSeed: seeds.param)
            case let .dataset(dataset):
                return dataset.makeTask(
                    spec: self, name: name, features: features, index: index, dataSeed: seeds.data,
                    paramSeed: seeds.param)
            case let .formula(formula):
                return formula.makeTask(
                    spec: self, name: "\(formula.name) #\(index)", features: features,
                    dataSeed: seeds.data)
            case let .table(table):
                return table.makeTask(
                    spec: self, name: name, features: features, dataSeed: seeds.data,
                    paramSeed: seeds.param)
            case let .environment(environments):
                return environments.makeTask(spec: self, features: features, index: index, dataSeed: seeds.data)
            }
        }
    }

    /// The generic task constructor the generators share: per-epoch shuffles and the
    /// program's random stream derive from the data seed.
    static func task(
        spec: TaskSpec, name: String, features: Int, train: TaskDataset.Split,
        valid: TaskDataset.Split, test: TaskDataset.Split, dataSeed: UInt64
    ) -> TaskDataset {
        TaskDataset(
            name: name, metric: spec.metric, features: features, train: train, valid: valid,
            test: test, epochs: spec.epochs,
            shuffleSeed: RandomGenerator.derive(dataSeed, 0x5348_5546),
            programSeed: RandomGenerator.derive(dataSeed, 0x5052_4F47))
    }
}
