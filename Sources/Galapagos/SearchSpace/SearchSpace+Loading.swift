import Foundation
import Yams

extension SearchSpace {
    /// The largest search-space file accepted, in bytes.
    public static let maximumFileSize = 1024 * 1024

    /// Reads and validates a search-space file.
    ///
    /// - Throws: ``GalapagosError`` naming the file, line and field of the first problem.
    public static func load(path: String) throws -> SearchSpace {
        let url = URL(fileURLWithPath: path)
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let attributes else {
            throw GalapagosError.io(path: path, "no such search-space file")
        }
        if let size = attributes[.size] as? Int, size > maximumFileSize {
            throw GalapagosError.searchSpace(
                SourceLocation(file: path),
                "file is \(size) bytes, larger than the \(maximumFileSize)-byte limit")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw GalapagosError.io(path: path, "cannot read search-space file (\(error.localizedDescription))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw GalapagosError.searchSpace(
                SourceLocation(file: path), "expected UTF-8 YAML text, found binary data")
        }
        let directory = directoryPart(of: path)
        return try parse(text, file: path, baseDirectory: directory.isEmpty ? "." : directory)
    }

    /// Parses and validates search-space YAML text.
    ///
    /// - Parameter baseDirectory: where relative dataset paths start (the file's directory).
    public static func parse(
        _ text: String, file: String = "<searchspace>", baseDirectory: String = "."
    ) throws -> SearchSpace {
        try parse(text, file: file, data: .directory(baseDirectory))
    }

    /// Parses and validates search-space YAML text, reading the data files it names from
    /// `data` (a directory, or a run's stored copies).
    public static func parse(_ text: String, file: String, data: DataSource) throws -> SearchSpace {
        guard text.utf8.count <= maximumFileSize else {
            throw GalapagosError.searchSpace(
                SourceLocation(file: file), "text is larger than the \(maximumFileSize)-byte limit")
        }
        try YAMLPreScan.check(text, file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw GalapagosError.searchSpace(
                SourceLocation(file: file, line: Self.line(of: error)),
                "expected YAML: \(Self.problem(of: error))")
        } catch {
            throw GalapagosError.searchSpace(SourceLocation(file: file), "expected YAML: \(error)")
        }
        guard let root else {
            throw GalapagosError.searchSpace(
                SourceLocation(file: file, line: 1), "expected a search space, found an empty file")
        }
        var reader = try YAMLReader(file: file, path: "", node: root)
        let space = try SearchSpaceDecoder(file: file, text: text, data: data)
            .decode(&reader)
        try reader.finish()
        return space
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _):
            return mark.line
        default:
            return nil
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case let .scanner(context, problem, _, _), let .parser(context, problem, _, _),
             let .composer(context, problem, _, _):
            if let context { return "\(problem) \(context.text)" }
            return problem
        case let .reader(problem, _, _, _):
            return problem
        case let .duplicatedKeysInMapping(duplicates, _):
            return "duplicated keys \(duplicates.joined(separator: ", "))"
        default:
            return "\(error)"
        }
    }
}

/// Turns a YAML document into a validated ``SearchSpace``.
struct SearchSpaceDecoder {
    let file: String
    let text: String
    let data: DataSource

    func decode(_ root: inout YAMLReader) throws -> SearchSpace {
        guard let name = try root.string("name"), !name.isEmpty else {
            throw root.error("name", nil, "expected a name for the search space")
        }
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw root.error("name", root.mapping["name"], "expected letters, digits, '_' or '-', found '\(name)'")
        }
        let summary = try root.string("description") ?? ""
        let memory = try decodeMemory(&root)
        let defaultOps = try decodeOps(&root, key: "ops")
        var components: [ComponentSpec] = []
        for component in Component.allCases {
            components.append(
                try decodeComponent(&root, component: component, defaultOps: defaultOps,
                                    memory: memory))
        }
        let mutation = try decodeMutation(&root)
        let evolution = try decodeEvolution(&root)
        let fec = try decodeFEC(&root)
        let shared = try decodeDataSection(&root)
        guard var tasks = try root.object("tasks") else {
            throw root.error("tasks", nil, "expected a 'tasks' section with at least 'search'")
        }
        let context = TaskContext(
            memory: memory, shared: shared,
            learns: components[Component.learn.rawValue].maximumSize > 0)
        guard tasks.has("search") else {
            for key in ["search", "select", "final"] { _ = tasks.node(key) }
            try tasks.finish()  // a misspelled 'search' is an unknown field
            throw tasks.error("search", nil, "expected the search tasks")
        }
        guard let search = try decodeTasks(&tasks, key: "search", context: context) else {
            throw tasks.error("search", nil, "expected the search tasks")
        }
        let select = try decodeTasks(&tasks, key: "select", context: context)
        let final = try decodeTasks(&tasks, key: "final", context: context)
        try tasks.finish()
        let aggregation = try root.choice("aggregation", FitnessAggregation.self) ?? .mean
        let objective = try decodeObjective(&root, components: components)
        if objective.lossTraining != nil, memory.scalars <= LossTraining.logitScalar {
            throw root.error(
                "memory", root.mapping["memory"],
                "a loss reads the logit z from s\(LossTraining.logitScalar): needs at least"
                    + " \(LossTraining.logitScalar + 1) scalars, found \(memory.scalars)")
        }
        if objective.policyTraining != nil, memory.scalars < PolicyObjective.minimumScalars {
            throw root.error(
                "memory", root.mapping["memory"],
                "a policy objective reads r, A and t from s2, s3 and s4: needs at least"
                    + " \(PolicyObjective.minimumScalars) scalars, found \(memory.scalars)")
        }
        var space = SearchSpace(
            name: name, summary: summary.trimmingCharacters(in: .whitespacesAndNewlines),
            sourceText: text, memory: memory, components: components, mutation: mutation,
            evolution: evolution, fec: fec, searchTasks: search, selectTasks: select,
            finalTasks: final, aggregation: aggregation)
        space.objective = objective
        for spec in [search, select, final].compactMap({ $0 }) {
            switch (objective, spec.generator) {
            case (.loss, .dataset), (.policy, .environment), (.program, _): break
            case (.loss, _):
                throw root.error("objective", root.mapping["objective"], "loss discovery needs projected_binary (classification) tasks")
            case (.policy, _):
                throw root.error("objective", root.mapping["objective"], "a policy objective needs environment tasks (generator: environment)")
            }
            if case .environment = spec.generator, objective.policyTraining == nil {
                throw root.error("tasks", root.mapping["tasks"], "environment tasks score a policy objective: add objective: {kind: policy}")
            }
        }
        return space
    }

    private func decodeObjective(_ root: inout YAMLReader, components: [ComponentSpec]) throws -> Objective {
        guard var reader = try root.object("objective") else { return .program }
        let kind = try reader.string("kind") ?? "program"
        guard ["loss", "program", "policy"].contains(kind) else {
            throw reader.error("kind", reader.mapping["kind"], "expected program, loss or policy, found '\(kind)'")
        }
        if kind == "policy" {
            let objective = Objective.policy(try decodePolicyTraining(&reader))
            try reader.finish()
            try requireScalarObjective(&root, components: components, what: "a policy objective")
            return objective
        }
        guard kind == "loss" else {
            try reader.finish()
            return .program
        }
        let modelName = try reader.string("model") ?? "logistic"
        let model: LossTraining.Model
        switch modelName {
        case "logistic": model = .logistic
        case "mlp": model = .mlp(hidden: try reader.int("hidden", in: 1...1_024) ?? 16)
        default:
            throw reader.error("model", reader.mapping["model"], "expected logistic or mlp, found '\(modelName)'")
        }
        let rate = try reader.double("learning_rate", in: 1e-9...100) ?? 0.05
        try reader.finish()
        try requireScalarObjective(&root, components: components, what: "a loss")
        return .loss(LossTraining(model: model, learningRate: rate))
    }

    /// Losses and policy objectives are one `predict` of deterministic scalar ops.
    private func requireScalarObjective(_ root: inout YAMLReader, components: [ComponentSpec], what: String) throws {
        for component in [Component.setup, .learn] where components[component.rawValue].maximumSize > 0 {
            throw root.error(component.name, root.mapping[component.name], "\(what) has only 'predict': set \(component.name): 0")
        }
        for op in components[Component.predict.rawValue].ops {
            let info = op.info
            guard info.output == .scalar, info.inputs.allSatisfy({ $0 == .scalar }), !info.isRandom else {
                throw root.error("predict", root.mapping["predict"] ?? root.mapping["ops"], "\(what) may use deterministic scalar ops only, found \(op.name)")
            }
        }
    }

    /// The trainer settings of `objective: {kind: policy, …}`; every key is optional.
    private func decodePolicyTraining(_ reader: inout YAMLReader) throws -> PolicyTraining {
        var training = PolicyTraining()
        func network(_ key: String, hiddenKey: String, default value: PolicyTraining.Network) throws -> PolicyTraining.Network {
            let name = try reader.string(key)
            let hidden = try reader.int(hiddenKey, in: 1...256)
            switch name {
            case nil: return hidden.map { .tanh(hidden: $0) } ?? value
            case "linear": return .linear
            case "tanh": return .tanh(hidden: hidden ?? 16)
            case let other?:
                throw reader.error(key, reader.mapping[key], "expected linear or tanh, found '\(other)'")
            }
        }
        training.policy = try network("policy", hiddenKey: "policy_hidden", default: training.policy)
        training.value = try network("value", hiddenKey: "value_hidden", default: training.value)
        training.totalSteps = try reader.int("steps", in: 0...10_000_000) ?? training.totalSteps
        training.rolloutSteps = try reader.int("rollout", in: 1...100_000) ?? training.rolloutSteps
        training.epochs = try reader.int("epochs", in: 1...100) ?? training.epochs
        training.minibatchSize = try reader.int("minibatch", in: 1...100_000) ?? training.minibatchSize
        training.policyLearningRate = try reader.double("learning_rate", in: 1e-9...10) ?? training.policyLearningRate
        training.valueLearningRate = try reader.double("value_learning_rate", in: 1e-9...10) ?? training.valueLearningRate
        training.discount = try reader.double("discount", in: 0...1) ?? training.discount
        training.lambda = try reader.double("lambda", in: 0...1) ?? training.lambda
        training.evaluationEpisodes = try reader.int("evaluation_episodes", in: 1...10_000) ?? training.evaluationEpisodes
        return training
    }

    private func decodeMemory(_ root: inout YAMLReader) throws -> MemoryShape {
        guard var reader = try root.object("memory") else {
            throw root.error("memory", nil, "expected a 'memory' section (features, scalars, vectors, matrices)")
        }
        let limit = MemoryShape.maximumRegisters
        let features = try reader.int("features", in: 1...MemoryShape.maximumFeatures)
        let scalars = try reader.int("scalars", in: 2...limit)
        let vectors = try reader.int("vectors", in: 1...limit)
        let matrices = try reader.int("matrices", in: 0...limit) ?? 0
        let inputs = try reader.string("inputs") ?? "vector"
        guard inputs == "vector" || inputs == "scalars" else {
            throw reader.error("inputs", reader.mapping["inputs"], "expected vector or scalars, found '\(inputs)'")
        }
        guard let features, let scalars, let vectors else {
            let missing = ["features": features, "scalars": scalars, "vectors": vectors]
                .filter { $0.value == nil }.keys.sorted().joined(separator: ", ")
            throw root.error("memory", root.mapping["memory"], "missing \(missing)")
        }
        try reader.finish()
        if inputs == "scalars", scalars < MemoryShape.firstInputScalar + features {
            throw reader.error(
                "scalars", reader.mapping["scalars"],
                "inputs: scalars needs at least \(MemoryShape.firstInputScalar + features) scalars (s0, s1 and one per feature), found \(scalars)")
        }
        let shape = MemoryShape(
            features: features, scalars: scalars, vectors: vectors, matrices: matrices,
            inputScalars: inputs == "scalars" ? features : 0)
        guard shape.doubleCount <= MemoryShape.maximumDoubles else {
            throw root.error(
                "memory", root.mapping["memory"],
                "needs \(shape.doubleCount * 8 / 1_048_576) MiB per program, more than the"
                    + " \(MemoryShape.maximumDoubles * 8 / 1_048_576) MiB limit")
        }
        return shape
    }

    private func decodeOps(_ reader: inout YAMLReader, key: String) throws -> [Op]? {
        guard let names = try reader.strings(key, maximumCount: 500) else { return nil }
        var ops: [Op] = []
        for (name, mark) in names {
            if name == "all" {
                ops.append(contentsOf: Op.allCases.filter { $0 != .noOp })
                continue
            }
            guard let op = Op(name: name) else {
                throw YAMLReader.error(
                    file: file, mark: mark, path: reader.fieldPath(key),
                    "unknown op '\(name)' (expected an op name such as scalar_sum, vector_inner_product, or 'all')")
            }
            ops.append(op)
        }
        var seen = Set<Op>()
        ops = ops.filter { seen.insert($0).inserted }
        guard !ops.isEmpty else {
            throw reader.error(key, reader.mapping[key], "expected at least one op")
        }
        return ops
    }

    private func decodeComponent(
        _ root: inout YAMLReader, component: Component, defaultOps: [Op]?, memory: MemoryShape
    ) throws -> ComponentSpec {
        guard let node = root.node(component.name) else {
            throw root.error(component.name, nil, "expected a '\(component.name)' section with its size")
        }
        var minimum = 0, maximum = 0, initial = 0
        var ops = defaultOps
        if case let .scalar(scalar) = node {
            guard let size = Int(scalar.string), (0...ProgramLimits.hardMaximumSize).contains(size) else {
                throw root.error(component.name, node, "expected a size 0…\(ProgramLimits.hardMaximumSize) or a mapping, found '\(scalar.string)'")
            }
            (minimum, maximum, initial) = (size, size, size)
        } else {
            var reader = try YAMLReader(file: file, path: component.name, node: node)
            let range = 0...ProgramLimits.hardMaximumSize
            if let size = try reader.int("size", in: range) {
                (minimum, maximum, initial) = (size, size, size)
                for key in ["min", "max", "initial"] where reader.has(key) {
                    throw reader.error(key, reader.mapping[key], "give either 'size' or min/max/initial, not both")
                }
            } else {
                guard let max = try reader.int("max", in: range) else {
                    throw reader.error("max", nil, "expected 'size' or 'max'")
                }
                maximum = max
                minimum = try reader.int("min", in: range) ?? 0
                initial = try reader.int("initial", in: range) ?? minimum
                guard minimum <= maximum else {
                    throw reader.error("min", reader.mapping["min"], "expected min ≤ max, found \(minimum) > \(maximum)")
                }
                guard (minimum...maximum).contains(initial) else {
                    throw reader.error("initial", reader.mapping["initial"], "expected min ≤ initial ≤ max, found \(initial)")
                }
            }
            if let own = try decodeOps(&reader, key: "ops") { ops = own }
            try reader.finish()
        }
        guard let ops else {
            throw root.error(component.name, node, "expected 'ops' here or at the top level")
        }
        for op in ops {
            for kind in [op.info.output].compactMap({ $0 }) + op.info.inputs
            where memory.count(of: kind) == 0 {
                let plural = kind == .matrix ? "matrices" : "\(kind)s"
                throw root.error(component.name, node, "op \(op.name) needs a \(kind) register but memory has no \(plural)")
            }
        }
        return ComponentSpec(ops: ops, minimumSize: minimum, maximumSize: maximum, initialSize: initial)
    }

    private func decodeMutation(_ root: inout YAMLReader) throws -> MutationSpec {
        guard var reader = try root.object("mutation") else {
            return MutationSpec(probability: 0.9, operators: [.alterArgument, .randomizeInstruction, .randomizeComponent])
        }
        let probability = try reader.double("probability", in: 0...1) ?? 0.9
        var operators: [MutationKind] = []
        if let names = try reader.strings("operators", maximumCount: 20) {
            for (name, mark) in names {
                guard let kind = MutationKind(rawValue: name) else {
                    throw YAMLReader.error(
                        file: file, mark: mark, path: reader.fieldPath("operators"),
                        "unknown mutation '\(name)' (expected one of \(MutationKind.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                operators.append(kind)
            }
        } else {
            operators = [.alterArgument, .randomizeInstruction, .randomizeComponent]
        }
        guard !operators.isEmpty else {
            throw reader.error("operators", reader.mapping["operators"], "expected at least one operator")
        }
        let adaptive = try reader.bool("adaptive") ?? false
        let retries = try reader.int("retries", in: 0...100) ?? 0
        try reader.finish()
        return MutationSpec(probability: probability, operators: operators, adaptive: adaptive, retries: retries)
    }

    private func decodeEvolution(_ root: inout YAMLReader) throws -> EvolutionSpec {
        var spec = EvolutionSpec()
        guard var reader = try root.object("evolution") else { return spec }
        spec.populationSize = try reader.int("population", in: 2...10_000_000) ?? spec.populationSize
        spec.tournamentSize = try reader.int("tournament", in: 1...10_000_000) ?? spec.tournamentSize
        spec.islands = try reader.int("islands", in: 1...10_000) ?? spec.islands
        spec.selector = try reader.choice("selector", SelectorKind.self) ?? spec.selector
        if let batch = try reader.int("batch", in: 1...100_000) { spec.batchSize = batch }
        spec.restartAfterIndividuals = try reader.int("restart_after_individuals", in: 0...Int.max) ?? 0
        spec.restartStagnantAfterIndividuals = try reader.int("restart_stagnant_after", in: 0...Int.max) ?? 0
        spec.hurdle = try reader.double("hurdle", in: 0...1)
        spec.initialPrograms = try reader.choice("initial", InitialPrograms.self) ?? spec.initialPrograms
        spec.fitConstants = try reader.double("fit_constants", in: 0...1)
        spec.fitTerms = try reader.double("fit_terms", in: 0...1)
        spec.parsimony = try reader.double("parsimony", in: 0...1) ?? 0
        if var migration = try reader.object("migration") {
            spec.migrationInterval = try migration.int("every", in: 0...Int.max) ?? spec.migrationInterval
            spec.migrants = try migration.int("count", in: 0...100_000) ?? spec.migrants
            spec.topology = try migration.choice("topology", MigrationTopology.self) ?? spec.topology
            spec.migrantSelection = try migration.choice("select", MigrantSelection.self) ?? spec.migrantSelection
            try migration.finish()
        }
        let members = Double(spec.populationSize) * Double(spec.islands)
        guard members <= 10_000_000 else {
            throw reader.error(
                "population", reader.mapping["population"],
                "\(spec.islands) islands × \(spec.populationSize) members would hold"
                    + " \(Int(members)) programs (about \(Int(members * 1_000 / 1_048_576)) MiB); the limit is 10,000,000")
        }
        guard spec.tournamentSize <= spec.populationSize else {
            throw reader.error("tournament", reader.mapping["tournament"], "expected tournament ≤ population (\(spec.populationSize)), found \(spec.tournamentSize)")
        }
        try reader.finish()
        return spec
    }

    private func decodeFEC(_ root: inout YAMLReader) throws -> FECSpec {
        var spec = FECSpec()
        guard var reader = try root.object("fec") else { return spec }
        spec.enabled = try reader.bool("enabled") ?? true
        spec.trainSteps = try reader.int("train", in: 0...100_000) ?? spec.trainSteps
        spec.validSteps = try reader.int("valid", in: 0...100_000) ?? spec.validSteps
        spec.capacity = try reader.int("cache", in: 1...100_000_000) ?? spec.capacity
        if let tasks = try reader.string("tasks") {
            guard tasks == "first" || tasks == "all" else {
                throw reader.error(
                    "tasks", reader.mapping["tasks"],
                    "expected first or all (the search tasks the fingerprint probes), found '\(tasks)'")
            }
            spec.probesEveryTask = tasks == "all"
        }
        spec.audit = try reader.double("audit", in: 0...1) ?? 0
        try reader.finish()
        return spec
    }

    /// What every task section may need besides its own fields.
    struct TaskContext {
        var memory: MemoryShape
        /// The top-level `data:` section, if any.
        var shared: SharedData?
        /// Whether programs have a `learn` component (learning-algorithm search spaces).
        var learns: Bool
    }

    /// The `data:` section as read, with the table it names.
    struct SharedData {
        var spec: DataSpec
        var file: DataFile
        var table: Table
        /// Where the section is, for messages.
        var reader: YAMLReader
    }

    private func decodeDataSection(_ root: inout YAMLReader) throws -> SharedData? {
        guard var reader = try root.object("data") else { return nil }
        let spec = try decodeDataSpec(&reader, inheriting: nil)
        try reader.finish()
        let (file, table) = try readTable(spec, reader)
        return SharedData(spec: spec, file: file, table: table, reader: reader)
    }

    /// The fields of a data spec: `dataset`, `target` (or `label`), `kind`, `features`, `drop`,
    /// `missing`; a task section's fields override the `data:` section's.
    private func decodeDataSpec(_ reader: inout YAMLReader, inheriting base: DataSpec?) throws -> DataSpec {
        guard let path = try reader.string("dataset") ?? base?.path, !path.isEmpty else {
            throw reader.error("dataset", nil, "expected a CSV file (absolute, or relative to the search-space file)")
        }
        let target = try reader.string("target")
        let label = try reader.string("label")
        if target != nil, label != nil {
            throw reader.error("label", reader.mapping["label"], "give the column to predict as target or as label, not both")
        }
        var kind = try reader.choice("kind", DataSpec.Kind.self)
        if kind == nil {
            // `label:` names classes and `target:` a value, unless `kind:` says otherwise.
            kind = label != nil ? .classification : (target != nil ? .regression : base?.kind)
        }
        guard let column = target ?? label ?? base?.target else {
            throw reader.error("target", nil, "expected the column to predict (target: for regression, label: for classes)")
        }
        let features = try reader.strings("features", maximumCount: Table.maximumColumns)?.map(\.0)
        let drop = try reader.strings("drop", maximumCount: Table.maximumColumns)?.map(\.0)
        let missing = try reader.choice("missing", DataSpec.MissingPolicy.self)
        return DataSpec(
            path: path, target: column, kind: kind ?? .regression, features: features ?? base?.features,
            drop: drop ?? base?.drop ?? [], missing: missing ?? base?.missing ?? .error)
    }

    private func readTable(_ spec: DataSpec, _ reader: YAMLReader) throws -> (DataFile, Table) {
        let file = try data.read(spec.path, limit: CSVDataset.maximumFileSize)
        let table = try Table.parse(data: Data(file.content), path: data.displayName(of: spec.path), spec: spec)
        return (file, table)
    }

    /// A section's `split: {train, valid, test}` fractions of the rows (default 0.6/0.2/0.2).
    private func decodeSplit(_ reader: inout YAMLReader) throws -> (train: Double, valid: Double, test: Double) {
        var fractions = (train: 0.6, valid: 0.2, test: 0.2)
        guard var split = try reader.object("split") else { return fractions }
        fractions.train = try split.double("train", in: 0.01...0.99) ?? fractions.train
        fractions.valid = try split.double("valid", in: 0.01...0.99) ?? fractions.valid
        fractions.test = try split.double("test", in: 0...0.98) ?? fractions.test
        guard fractions.train + fractions.valid + fractions.test <= 1.0 + 1e-9 else {
            throw split.error("train", split.mapping["train"], "expected train + valid + test ≤ 1, found \(fractions.train + fractions.valid + fractions.test)")
        }
        try split.finish()
        return fractions
    }

    /// A `generator: csv` section: regression or classification on a table.
    private func decodeTable(_ reader: inout YAMLReader, context: TaskContext) throws -> TableTaskSpec {
        let overrides = ["dataset", "target", "label", "kind", "features", "drop", "missing"].contains(where: reader.has)
        let spec: DataSpec
        let file: DataFile
        let table: Table
        if let shared = context.shared, !overrides {
            (spec, file, table) = (shared.spec, shared.file, shared.table)
        } else {
            spec = try decodeDataSpec(&reader, inheriting: context.shared?.spec)
            (file, table) = try readTable(spec, reader)
        }
        let f = context.memory.features
        let project = try reader.bool("projection") ?? (table.featureCount > f)
        if !project, table.featureCount > f {
            throw reader.error(
                "projection", reader.mapping["projection"],
                "\(spec.path) has \(table.featureCount) features but memory.features is \(f): set projection: true, or features: \(table.featureCount) (at most \(MemoryShape.maximumFeatures))")
        }
        if spec.kind == .classification, table.classNames.count > 2 {
            guard table.classNames.count <= f, context.memory.vectors >= 3 else {
                throw reader.error(
                    "dataset", reader.mapping["dataset"],
                    "\(spec.path) has \(table.classNames.count) classes: multi-class tasks write logits to v1 and the one-hot label to v2, so they need memory.features ≥ \(table.classNames.count) and memory.vectors ≥ 3 (found \(f) and \(context.memory.vectors))")
            }
        }
        let permute = try reader.bool("permute") ?? context.learns
        let standardize = try reader.bool("standardize") ?? context.learns
        let fractions = try decodeSplit(&reader)
        guard Double(table.count) * fractions.train >= 2, Double(table.count) * fractions.valid >= 1 else {
            throw reader.error("split", reader.mapping["split"], "\(spec.path) has only \(table.count) rows, too few for the split")
        }
        return TableTaskSpec(
            data: spec, file: file, table: table, project: project, permute: permute,
            standardize: standardize, trainFraction: fractions.train, validFraction: fractions.valid, testFraction: fractions.test)
    }

    private func decodeTasks(_ parent: inout YAMLReader, key: String, context: TaskContext) throws -> TaskSpec? {
        let memory = context.memory
        guard var reader = try parent.object(key) else { return nil }
        guard let generatorName = try reader.string("generator") else {
            throw reader.error("generator", nil, "expected a task generator (\(TaskGenerator.names.joined(separator: ", ")))")
        }
        let limit = 10_000_000
        let count = try reader.int("count", in: 1...100_000) ?? 1
        let epochs = try reader.int("epochs", in: 1...100_000) ?? 1
        let dataSeed = try reader.seed("data_seed")
        let paramSeed = try reader.seed("param_seed")
        var train = 0, valid = 0, test = 0
        var metric = FitnessMetric.rms
        let generator: TaskGenerator
        switch generatorName {
        case "scalar_linear_regression", "nonlinear_teacher", "formula":
            guard let t = try reader.int("train", in: 1...limit) else {
                throw reader.error("train", nil, "expected the number of training examples")
            }
            guard let v = try reader.int("valid", in: 1...limit) else {
                throw reader.error("valid", nil, "expected the number of validation examples")
            }
            (train, valid, test) = (t, v, try reader.int("test", in: 0...limit) ?? 0)
            metric = try reader.choice("metric", FitnessMetric.self) ?? .rms
            if generatorName == "nonlinear_teacher" {
                generator = .nonlinearTeacher(hidden: try reader.int("hidden", in: 1...1_024) ?? memory.features)
            } else if generatorName == "formula" {
                guard let name = try reader.string("formula") else {
                    throw reader.error("formula", nil, "expected a formula name (\(FormulaTask.nguyen.keys.sorted().joined(separator: ", ")))")
                }
                guard let formula = FormulaTask.nguyen[name] else {
                    throw reader.error("formula", reader.mapping["formula"], "unknown formula '\(name)' (expected one of \(FormulaTask.nguyen.keys.sorted().joined(separator: ", ")))")
                }
                guard formula.variables == memory.features else {
                    throw reader.error("formula", reader.mapping["formula"], "\(name) has \(formula.variables) variable(s) but memory.features is \(memory.features)")
                }
                generator = .formula(formula)
            } else {
                generator = .linearRegression
            }
        case "projected_binary":
            generator = .dataset(try decodeDataset(&reader, memory: memory, shared: context.shared?.spec))
            metric = try reader.choice("metric", FitnessMetric.self) ?? .accuracy
        case "environment":
            generator = .environment(try decodeEnvironments(&reader))
        case "csv":
            let table = try decodeTable(&reader, context: context)
            generator = .table(table)
            metric = try reader.choice("metric", FitnessMetric.self)
                ?? (table.data.kind == .classification ? .accuracy : .rms)
        default:
            throw reader.error("generator", reader.mapping["generator"], "unknown task generator '\(generatorName)' (expected one of \(TaskGenerator.names.joined(separator: ", ")))")
        }
        let classifies: Bool = switch generator {
        case .dataset: true
        case let .table(table): table.data.kind == .classification
        default: false
        }
        let scoresExamples = if case .environment = generator { false } else { true }
        if scoresExamples, metric.isClassification != classifies {
            let allowed: [FitnessMetric] = classifies ? [.accuracy, .logLoss] : [.rms, .r2, .mae]
            throw reader.error(
                "metric", reader.mapping["metric"],
                "expected a \(classifies ? "classification" : "regression") metric (\(allowed.map(\.rawValue).joined(separator: ", "))), found \(metric.rawValue)")
        }
        try reader.finish()
        let doubles = Double(count) * Double(train + valid + test) * Double(memory.features + 1)
        guard doubles <= 512 * 1024 * 1024 / 8 else {
            throw parent.error(key, parent.mapping[key], "needs \(Int(doubles * 8 / 1_048_576)) MiB of examples, more than the 512 MiB limit")
        }
        return TaskSpec(
            generator: generator, count: count, trainExamples: train, validExamples: valid,
            testExamples: test, epochs: epochs, metric: metric, dataSeed: dataSeed,
            paramSeed: paramSeed)
    }

    /// A `generator: environment` section: `environment: cartpole` (or a list such as
    /// `[cartpole, chain]`, cycled through by task), `steps:` of training per task, and the
    /// environments' `horizon:` (episode length) and `length:` (chain states).
    private func decodeEnvironments(_ reader: inout YAMLReader) throws -> EnvironmentTaskSpec {
        guard let names = try reader.strings("environment", maximumCount: 100), !names.isEmpty else {
            throw reader.error("environment", nil, "expected an environment (cartpole, chain) or a list of them")
        }
        let steps = try reader.int("steps", in: 0...10_000_000)
        let horizon = try reader.int("horizon", in: 1...100_000)
        let length = try reader.int("length", in: 2...1_000)
        let environments = try names.map { name, mark -> PolicyEnvironment in
            switch name {
            case "cartpole": return .cartPole(horizon: horizon ?? 500)
            case "chain": return .chain(length: length ?? 5, horizon: horizon ?? 100)
            default:
                throw reader.error("environment", reader.mapping["environment"], "unknown environment '\(name)' (expected cartpole or chain)")
            }
        }
        return EnvironmentTaskSpec(environments: environments, trainingSteps: steps)
    }

    private func decodeDataset(
        _ reader: inout YAMLReader, memory: MemoryShape, shared: DataSpec?
    ) throws -> DatasetTaskSpec {
        guard let path = try reader.string("dataset") ?? shared?.path, !path.isEmpty else {
            throw reader.error("dataset", nil, "expected a CSV file (absolute, or relative to the search-space file)")
        }
        let labelColumn = try reader.string("label") ?? shared?.target ?? "label"
        let file = try data.read(path, limit: CSVDataset.maximumFileSize)
        let table = try CSVDataset.parse(
            data: Data(file.content), path: data.displayName(of: path), labelColumn: labelColumn)
        var pairs = DatasetTaskSpec.allPairs(table.classes)
        if let node = reader.node("classes") {
            guard case let .sequence(items) = node, !items.isEmpty else {
                throw reader.error("classes", node, "expected a list of class pairs such as [[0, 1], [3, 8]]")
            }
            pairs = try items.map { item in
                guard case let .sequence(pair) = item, pair.count == 2,
                      let a = pair[0].int, let b = pair[1].int, a != b,
                      table.classes.contains(a), table.classes.contains(b)
                else {
                    throw reader.error("classes", item, "expected a pair of two different classes of \(table.classes), found \(YAMLReader.describe(item))")
                }
                return [a, b]
            }
        }
        let project = try reader.bool("projection") ?? (table.featureCount != memory.features)
        if !project, table.featureCount != memory.features {
            throw reader.error("projection", reader.mapping["projection"], "\(path) has \(table.featureCount) features but memory.features is \(memory.features): set projection: true or features: \(table.featureCount)")
        }
        let fractions = try decodeSplit(&reader)
        let smallest = pairs.map { pair in table.labels.filter { pair.contains($0) }.count }.min() ?? 0
        guard Double(smallest) * fractions.valid >= 1, Double(smallest) * fractions.train >= 2 else {
            throw reader.error("dataset", reader.mapping["dataset"], "\(path): a class pair has only \(smallest) rows, too few for the split")
        }
        return DatasetTaskSpec(
            path: path, file: file, table: table, classPairs: pairs, project: project,
            trainFraction: fractions.train, validFraction: fractions.valid, testFraction: fractions.test)
    }
}
