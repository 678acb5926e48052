import Foundation

/// A program trained on a run's table and applied to rows: what `galapagos predict` does.
///
/// The program is trained as evaluation trains it (setup, then predict and learn over the
/// training rows for the task's epochs) on the first task of the final tasks (the search tasks
/// when there are no final ones) of a `generator: csv` search space; new rows go through the
/// same transform as that task's rows (z-scoring, projection, feature order) and predictions
/// come back in the user's units and class names.
public struct TablePredictor {
    /// The table the tasks are cut from.
    public let spec: TableTaskSpec
    /// The task the program is trained on.
    public let task: TaskDataset
    /// Its rows and transform.
    public let layout: TableTaskSpec.Layout
    let space: SearchSpace

    /// - Throws: ``GalapagosError`` when the search space has no `generator: csv` tasks.
    public init(space: SearchSpace, runSeed: UInt64) throws {
        for role in [TaskRole.final, .select, .search] {
            guard let taskSpec = space.taskSpec(role), case let .table(table) = taskSpec.generator else { continue }
            let seeds = taskSpec.seeds(index: 0, runSeed: runSeed, role: role)
            self.spec = table
            self.space = space
            layout = table.layout(features: space.memory.features, dataSeed: seeds.data, paramSeed: seeds.param)
            task = table.makeTask(
                spec: taskSpec, name: "\(role.rawValue) task 0", features: space.memory.features,
                dataSeed: seeds.data, paramSeed: seeds.param)
            return
        }
        throw GalapagosError.invalidArgument(
            "search space \(space.name): predict needs tasks with generator: csv (a table to train on)")
    }

    /// One row's prediction, in the user's terms.
    public struct Output: Sendable, Equatable {
        /// The predicted value (regression, in the target's units) or class name.
        public var prediction: String
        /// The value (regression) or class index.
        public var value: Double
        /// Class probabilities, in class order (classification).
        public var probabilities: [Double]
    }

    /// Trains `program` and predicts each row (`table.featureCount` raw values each).
    public func predict(_ program: Program, rows: [ArraySlice<Double>]) throws -> [Output] {
        let compiled = try CompiledProgram(program, shape: space.memory)
        let inputs = rows.map { layout.transform.features($0) }
        let classes = spec.table.classNames
        return space.makeEvaluator().predictions(of: compiled, trainedOn: task, inputs: inputs).map { prediction in
            switch prediction {
            case let .value(scaled):
                let value = layout.transform.target(fromScaled: scaled)
                return Output(prediction: "\(value)", value: value, probabilities: [])
            case let .probability(p):
                let index = p > 0.5 ? 1 : 0
                return Output(prediction: classes.indices.contains(index) ? classes[index] : "\(index)",
                              value: Double(index), probabilities: [1 - p, p])
            case let .probabilities(ps):
                var best = 0
                for k in ps.indices where ps[k] > ps[best] { best = k }
                return Output(prediction: classes.indices.contains(best) ? classes[best] : "\(best)",
                              value: Double(best), probabilities: ps)
            }
        }
    }

    /// A split of the training task's rows.
    public enum Split: String, Sendable, CaseIterable {
        /// The rows the program learns from.
        case train
        /// The held-out rows `eval --test` scores (the validation rows when there is no test split).
        case test
    }

    /// Rows to predict: raw feature values, targets (raw units or class indices, when known)
    /// and the line of the data file each row comes from.
    public struct Rows {
        public var features: [ArraySlice<Double>]
        public var targets: [Double]?
        public var lines: [Int]
    }

    /// The raw rows of one split of the training task, with their targets and file lines.
    public func rows(of split: Split) -> Rows {
        let indices = switch split {
        case .train: layout.train
        case .test: layout.test.isEmpty ? layout.valid : layout.test
        }
        return Rows(
            features: indices.map { spec.row($0) }, targets: indices.map { spec.table.targets[$0] },
            lines: indices.map { Int(spec.table.lines[$0]) })
    }

    /// Scores predictions against known targets (raw units or class indices): accuracy for
    /// classification; RMSE, MAE and R² for regression.
    public func score(_ outputs: [Output], targets: [Double]) -> [String: Double] {
        let n = Double(max(1, targets.count))
        if spec.data.kind == .classification {
            let correct = zip(outputs, targets).filter { $0.value == $1 }.count
            return ["accuracy": Double(correct) / n]
        }
        var squares = 0.0, absolute = 0.0
        for (output, target) in zip(outputs, targets) {
            squares += (output.value - target) * (output.value - target)
            absolute += abs(output.value - target)
        }
        let mean = targets.reduce(0, +) / n
        let total = targets.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return ["rmse": (squares / n).squareRoot(), "mae": absolute / n, "r2": total > 0 ? 1 - squares / total : 0]
    }

    /// Reads rows to predict from CSV bytes: the run's feature columns, by name; the target
    /// column too when the file has it (its values in the user's terms).
    public func readRows(data: Data, path: String) throws -> Rows {
        var dataSpec = spec.data
        dataSpec.features = spec.table.featureNames
        dataSpec.drop = []
        let table = try Table.parse(data: data, path: path, spec: dataSpec, targetRequired: false)
        let features = (0..<table.count).map { i in
            table.features[(i * table.featureCount)..<((i + 1) * table.featureCount)]
        }
        let lines = table.lines.map { Int($0) }
        guard !table.targets.isEmpty else { return Rows(features: features, targets: nil, lines: lines) }
        if spec.data.kind == .classification {
            // Class indices in the run's own class order; a class the run never saw matches nothing.
            let index = Dictionary(uniqueKeysWithValues: spec.table.classNames.enumerated().map { ($1, Double($0)) })
            return Rows(features: features, targets: table.targets.map { index[table.classNames[Int($0)]] ?? -1 }, lines: lines)
        }
        return Rows(features: features, targets: table.targets, lines: lines)
    }
}
