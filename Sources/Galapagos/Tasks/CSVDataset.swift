import Foundation

/// A table of examples read from a CSV file: a header row, then one example per row, every cell
/// a finite number; one column is the class label.
///
/// Reading validates everything and names the file and line of the first problem: ragged rows,
/// cells that are not numbers, NaN or infinite values, a missing label column, a single class,
/// no rows, binary data.
public struct CSVDataset: Sendable {
    /// The file it was read from.
    public let path: String
    /// Feature column names, in file order.
    public let featureNames: [String]
    /// Row-major features, `count × featureNames.count`.
    public let features: [Double]
    /// The class of each row.
    public let labels: [Int]
    /// The distinct classes, ascending.
    public let classes: [Int]

    /// The largest file accepted, in bytes.
    public static let maximumFileSize = 256 * 1024 * 1024
    /// The most cells accepted (rows × columns).
    public static let maximumCells = 50_000_000

    public var count: Int { labels.count }
    public var featureCount: Int { featureNames.count }

    /// Reads and validates a CSV file.
    public static func load(path: String, labelColumn: String = "label") throws -> CSVDataset {
        let file = try DataSource.directory(".").read(path, limit: maximumFileSize)
        return try parse(data: Data(file.content), path: path, labelColumn: labelColumn)
    }

    /// Parses CSV bytes (exposed for tests and fuzzing): every column but `labelColumn` is a
    /// feature. Classes are whole numbers as written, or class indices for text labels.
    public static func parse(data: Data, path: String, labelColumn: String = "label") throws -> CSVDataset {
        let table = try Table.parse(
            data: data, path: path, spec: DataSpec(path: path, target: labelColumn, kind: .classification))
        let values = table.classNames.compactMap { Double($0) }
        var classes = Array(table.classNames.indices)
        if values.count == table.classNames.count {
            if let bad = values.indices.first(where: { !values[$0].isFinite || values[$0] != values[$0].rounded() || abs(values[$0]) >= 1e9 }) {
                let row = table.targets.firstIndex(of: Double(bad))
                throw GalapagosError.data(
                    SourceLocation(file: path, line: row.map { Int(table.lines[$0]) }),
                    "column '\(labelColumn)': expected a whole-number class, found \(table.classNames[bad])")
            }
            classes = values.map { Int($0) }
        }
        return CSVDataset(
            path: path, featureNames: table.featureNames, features: table.features,
            labels: table.targets.map { classes[Int($0)] }, classes: classes)
    }
}
