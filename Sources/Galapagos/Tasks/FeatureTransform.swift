/// How one task turns a table row into the F features a program sees, fitted on the task's
/// training rows: z-scoring, an optional Gaussian random projection (then z-scoring again),
/// an optional permutation of the features, and zero padding up to F. Regression targets are
/// z-scored on the training rows too; ``target(fromScaled:)`` maps predictions back to the
/// target's units.
public struct FeatureTransform: Sendable, Equatable {
    /// Columns of the table.
    public let inputWidth: Int
    /// Features the program sees (F).
    public let outputWidth: Int
    let mean: [Double]
    let scale: [Double]
    /// `projected × inputWidth`, row-major, already divided by √inputWidth; empty: none.
    let projection: [Double]
    let projectedMean: [Double]
    let projectedScale: [Double]
    /// Output position k takes intermediate feature `permutation[k]` (or 0 when past the end).
    let permutation: [Int]
    /// Regression targets: mean and standard deviation on the training rows (0 and 1 for
    /// class indices).
    public let targetMean: Double
    public let targetScale: Double

    /// Fits a transform on training rows.
    ///
    /// - Parameters:
    ///   - rows: the training rows, `count × inputWidth`.
    ///   - targets: their targets (regression) or `nil` to leave targets as they are.
    ///   - standardize: z-score features and targets; `false` keeps the table's units (symbolic
    ///     regression, where the formula should read in them).
    ///   - project: project to `outputWidth` features by a Gaussian matrix from `random`.
    ///   - permute: shuffle the output features with `random`.
    public init(
        fittingRows rows: [[Double]], inputWidth: Int, outputWidth: Int, targets: [Double]?,
        standardize: Bool = true, project: Bool, permute: Bool, random: inout RandomGenerator
    ) {
        self.inputWidth = inputWidth
        self.outputWidth = outputWidth
        let (mean, scale) = standardize
            ? Self.moments(rows, width: inputWidth)
            : ([Double](repeating: 0, count: inputWidth), [Double](repeating: 1, count: inputWidth))
        self.mean = mean
        self.scale = scale
        var width = inputWidth
        if project {
            let normalizer = 1 / Double(inputWidth).squareRoot()
            let matrix = (0..<(outputWidth * inputWidth)).map { _ in random.nextGaussian() * normalizer }
            projection = matrix
            width = outputWidth
            let projected = rows.map { row in
                Self.project(row.indices.map { (row[$0] - mean[$0]) * scale[$0] }, matrix, rows: outputWidth)
            }
            (projectedMean, projectedScale) = Self.moments(projected, width: outputWidth)
        } else {
            projection = []
            projectedMean = []
            projectedScale = []
        }
        var order = Array(0..<max(width, outputWidth))
        if permute, width > 1 {
            // Only the real features move; padding stays at the end.
            for i in stride(from: width - 1, to: 0, by: -1) { order.swapAt(i, random.nextInt(below: i + 1)) }
        }
        permutation = Array(order.prefix(outputWidth))
        if let targets, standardize {
            let (m, s) = Self.moments(targets.map { [$0] }, width: 1)
            targetMean = m[0]
            targetScale = 1 / s[0]
        } else {
            targetMean = 0
            targetScale = 1
        }
    }

    /// The F features of one table row.
    public func features(_ row: ArraySlice<Double>) -> [Double] {
        var z = [Double](repeating: 0, count: inputWidth)
        var k = 0
        for value in row {
            z[k] = (value - mean[k]) * scale[k]
            k += 1
        }
        if !projection.isEmpty {
            let p = Self.project(z, projection, rows: outputWidth)
            z = (0..<outputWidth).map { (p[$0] - projectedMean[$0]) * projectedScale[$0] }
        }
        return permutation.map { $0 < z.count ? z[$0] : 0 }
    }

    /// A target as the program sees it.
    public func scaledTarget(_ value: Double) -> Double { (value - targetMean) / targetScale }

    /// A prediction in the target's units.
    public func target(fromScaled value: Double) -> Double { value * targetScale + targetMean }

    private static func project(_ z: [Double], _ matrix: [Double], rows: Int) -> [Double] {
        let width = z.count
        return (0..<rows).map { r in
            var sum = 0.0
            for c in 0..<width { sum += matrix[r * width + c] * z[c] }
            return sum
        }
    }

    /// Column means and inverse standard deviations (1 for constant columns).
    static func moments(_ rows: [[Double]], width: Int) -> (mean: [Double], scale: [Double]) {
        var mean = [Double](repeating: 0, count: width)
        for row in rows { for k in 0..<width { mean[k] += row[k] } }
        let count = Double(max(1, rows.count))
        for k in 0..<width { mean[k] /= count }
        var variance = [Double](repeating: 0, count: width)
        for row in rows { for k in 0..<width { variance[k] += (row[k] - mean[k]) * (row[k] - mean[k]) } }
        let scale = variance.map { v -> Double in
            let sd = (v / count).squareRoot()
            return sd > 1e-12 ? 1 / sd : 1
        }
        return (mean, scale)
    }
}
