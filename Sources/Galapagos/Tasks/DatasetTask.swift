/// Binary classification tasks cut from a CSV dataset (AutoML-Zero's projected binary tasks):
/// each task takes a pair of classes, shuffles their rows with the data seed and splits them
/// by fractions into train/validation/test; columns are z-scored on the training split, then
/// (optionally) projected to F dimensions by a Gaussian random matrix drawn from the parameter
/// seed, then standardised again on the training split. The first class of the pair is label 0.
public struct DatasetTaskSpec: Sendable, Equatable {
    /// The path as written in the search space.
    public var path: String
    /// The file's bytes as read (stored with runs).
    public var file: DataFile
    /// The rows.
    public var table: CSVDataset
    /// The class pairs tasks are drawn from.
    public var classPairs: [[Int]]
    /// Whether features are randomly projected to F dimensions.
    public var project: Bool
    /// Fractions of each pair's rows for training, validation and test.
    public var trainFraction: Double
    public var validFraction: Double
    public var testFraction: Double

    public static func == (lhs: DatasetTaskSpec, rhs: DatasetTaskSpec) -> Bool {
        lhs.path == rhs.path && lhs.classPairs == rhs.classPairs && lhs.project == rhs.project
            && lhs.trainFraction == rhs.trainFraction && lhs.validFraction == rhs.validFraction
            && lhs.testFraction == rhs.testFraction && lhs.table.count == rhs.table.count
    }

    /// Every pair of distinct classes, in order.
    public static func allPairs(_ classes: [Int]) -> [[Int]] {
        var pairs: [[Int]] = []
        for (i, a) in classes.enumerated() {
            for b in classes[(i + 1)...] { pairs.append([a, b]) }
        }
        return pairs
    }

    func makeTask(
        spec: TaskSpec, name: String, features f: Int, index: Int, dataSeed: UInt64,
        paramSeed: UInt64
    ) -> TaskDataset {
        var parameters = RandomGenerator(seed: paramSeed)
        let pair = classPairs[parameters.nextInt(below: classPairs.count)]
        var rows = table.labels.indices.filter { pair.contains(table.labels[$0]) }
        var data = RandomGenerator(seed: dataSeed)
        if rows.count > 1 {
            for i in stride(from: rows.count - 1, to: 0, by: -1) {
                rows.swapAt(i, data.nextInt(below: i + 1))
            }
        }
        let n = rows.count
        let trainCount = max(1, Int((Double(n) * trainFraction).rounded()))
        let validCount = max(1, min(n - trainCount, Int((Double(n) * validFraction).rounded())))
        let testCount = testFraction > 0 ? max(0, n - trainCount - validCount) : 0
        let d = table.featureCount
        func raw(_ row: Int) -> [Double] { Array(table.features[(row * d)..<((row + 1) * d)]) }

        // z-score the columns on the training rows.
        let trainRows = Array(rows[0..<trainCount])
        let (mean, scale) = Self.moments(trainRows.map(raw), width: d)
        var transform: ([Double]) -> [Double] = { x in (0..<d).map { (x[$0] - mean[$0]) * scale[$0] } }
        if project {
            let matrix = (0..<(f * d)).map { _ in parameters.nextGaussian() }
            let normalizer = 1 / Double(d).squareRoot()
            let standardized = transform
            let projected: ([Double]) -> [Double] = { x in
                let z = standardized(x)
                return (0..<f).map { r in
                    var sum = 0.0
                    for c in 0..<d { sum += matrix[r * d + c] * z[c] }
                    return sum * normalizer
                }
            }
            let (mean2, scale2) = Self.moments(trainRows.map { projected(raw($0)) }, width: f)
            transform = { x in
                let p = projected(x)
                return (0..<f).map { (p[$0] - mean2[$0]) * scale2[$0] }
            }
        }
        func split(_ range: Range<Int>) -> TaskDataset.Split {
            var xs: [Double] = []
            var ys: [Double] = []
            for row in rows[range] {
                xs.append(contentsOf: transform(raw(row)))
                ys.append(table.labels[row] == pair[0] ? 0 : 1)
            }
            return TaskDataset.Split(features: xs, labels: ys)
        }
        let train = split(0..<trainCount)
        let valid = split(trainCount..<(trainCount + validCount))
        let test = split((trainCount + validCount)..<(trainCount + validCount + testCount))
        return TaskSpec.task(
            spec: spec, name: "\(name) (\(pair[0]) vs \(pair[1]))", features: f, train: train,
            valid: valid, test: test, dataSeed: dataSeed)
    }

    /// Column means and inverse standard deviations (1 for constant columns).
    static func moments(_ rows: [[Double]], width: Int) -> (mean: [Double], scale: [Double]) {
        FeatureTransform.moments(rows, width: width)
    }
}
