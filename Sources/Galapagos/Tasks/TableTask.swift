/// Tasks cut from a CSV table: regression, binary or multi-class classification.
///
/// Each task shuffles the rows with its data seed and splits them by fractions into
/// train/validation/test, so tasks see different resamples of the data. The features are then
/// transformed as fitted on the task's training rows (``FeatureTransform``): z-scored,
/// optionally projected to F dimensions and, for learning-algorithm search spaces, permuted per
/// task, so that a program cannot score by memorising which feature is which: it has to learn
/// from the examples. Regression targets are z-scored on the training rows.
///
/// Two classes use AutoML-Zero's binary protocol (`s1` through a sigmoid, label 0 or 1 in
/// `s0`); more classes use the multi-class protocol (logits in `v1`, see ``Evaluator``).
public struct TableTaskSpec: Sendable, Equatable {
    /// What the columns are for.
    public var data: DataSpec
    /// The file's bytes as read (stored with runs).
    public var file: DataFile
    /// The examples.
    public var table: Table
    /// Project the features to F dimensions by a Gaussian random matrix per task.
    public var project: Bool
    /// Shuffle the order of the features per task.
    public var permute: Bool
    /// z-score features and targets on each task's training rows (`false`: the table's units).
    public var standardize: Bool
    public var trainFraction: Double
    public var validFraction: Double
    public var testFraction: Double

    public static func == (lhs: TableTaskSpec, rhs: TableTaskSpec) -> Bool {
        lhs.data == rhs.data && lhs.file.contentHash == rhs.file.contentHash && lhs.project == rhs.project
            && lhs.permute == rhs.permute && lhs.standardize == rhs.standardize && lhs.trainFraction == rhs.trainFraction
            && lhs.validFraction == rhs.validFraction && lhs.testFraction == rhs.testFraction
    }

    /// Number of classes (0 for regression).
    public var classCount: Int { table.classNames.count }

    /// The rows of each split and the transform of one task, from its seeds.
    public struct Layout: Sendable {
        public var train: [Int]
        public var valid: [Int]
        public var test: [Int]
        public var transform: FeatureTransform
    }

    /// Rows in each task's train, validation and test split.
    public var splitSizes: (train: Int, valid: Int, test: Int) {
        let n = table.count
        let train = max(1, Int((Double(n) * trainFraction).rounded()))
        let valid = max(1, min(n - train, Int((Double(n) * validFraction).rounded())))
        let test = testFraction > 0 ? max(0, n - train - valid) : 0
        return (train, valid, test)
    }

    /// One line on the data, for `searchspace info`.
    public var summary: String {
        let sizes = splitSizes
        let dropped = table.droppedRows > 0 ? " (\(table.droppedRows) with missing cells left out)" : ""
        let target = data.kind == .regression
            ? "target '\(data.target)' (regression)"
            : "label '\(data.target)', \(classCount) classes: \(table.classNames.prefix(12).joined(separator: ", "))\(classCount > 12 ? ", …" : "")"
        var options: [String] = []
        if project { options.append("projected") }
        if permute { options.append("permuted per task") }
        if !standardize { options.append("in the table's units") }
        return "\(data.path): \(table.count) rows\(dropped), \(table.featureCount) features"
            + " (\(table.featureNames.prefix(8).joined(separator: ", "))\(table.featureCount > 8 ? ", …" : "")),"
            + " \(target); split \(sizes.train)/\(sizes.valid)/\(sizes.test) rows"
            + (options.isEmpty ? "" : "; features \(options.joined(separator: ", "))")
    }

    /// How task seeds cut and transform the table.
    public func layout(features f: Int, dataSeed: UInt64, paramSeed: UInt64) -> Layout {
        var rows = Array(0..<table.count)
        var shuffle = RandomGenerator(seed: dataSeed)
        if rows.count > 1 {
            for i in stride(from: rows.count - 1, to: 0, by: -1) { rows.swapAt(i, shuffle.nextInt(below: i + 1)) }
        }
        let (trainCount, validCount, testCount) = splitSizes
        let d = table.featureCount
        let train = Array(rows[0..<trainCount])
        var parameters = RandomGenerator(seed: paramSeed)
        let transform = FeatureTransform(
            fittingRows: train.map { Array(row($0)) }, inputWidth: d, outputWidth: f,
            targets: data.kind == .regression ? train.map { table.targets[$0] } : nil,
            standardize: standardize, project: project, permute: permute, random: &parameters)
        return Layout(
            train: train, valid: Array(rows[trainCount..<(trainCount + validCount)]),
            test: Array(rows[(trainCount + validCount)..<(trainCount + validCount + testCount)]),
            transform: transform)
    }

    /// One row's raw feature values.
    public func row(_ index: Int) -> ArraySlice<Double> {
        let d = table.featureCount
        return table.features[(index * d)..<((index + 1) * d)]
    }

    func makeTask(spec: TaskSpec, name: String, features f: Int, dataSeed: UInt64, paramSeed: UInt64) -> TaskDataset {
        let layout = layout(features: f, dataSeed: dataSeed, paramSeed: paramSeed)
        func split(_ rows: [Int]) -> TaskDataset.Split {
            var xs: [Double] = []
            xs.reserveCapacity(rows.count * f)
            var ys: [Double] = []
            for index in rows {
                xs.append(contentsOf: layout.transform.features(row(index)))
                ys.append(layout.transform.scaledTarget(table.targets[index]))
            }
            return TaskDataset.Split(features: xs, labels: ys)
        }
        return TaskDataset(
            name: name, metric: spec.metric, features: f, train: split(layout.train),
            valid: split(layout.valid), test: split(layout.test), epochs: spec.epochs,
            shuffleSeed: RandomGenerator.derive(dataSeed, 0x5348_5546),
            programSeed: RandomGenerator.derive(dataSeed, 0x5052_4F47),
            classes: data.kind == .classification ? classCount : 0)
    }
}
