import Foundation

/// The examples of a CSV file, read as a ``DataSpec`` says: numeric feature columns and a
/// target (a number, or a class index with the class's name as the file writes it).
///
/// Reading validates everything and names the file, line and column of the first problem:
/// ragged rows, text in a feature column, NaN or infinite values, missing cells (unless the
/// spec drops such rows), a missing or constant target, a single class, no rows, binary data,
/// too many columns or cells.
public struct Table: Sendable {
    /// The file, as messages name it.
    public let path: String
    public let featureNames: [String]
    /// Row-major features, `count × featureNames.count`.
    public let features: [Double]
    /// Per row: the value (regression) or the class index into ``classNames``.
    public let targets: [Double]
    /// Classification: the classes as the file writes them, in index order (numerically
    /// sorted when every class is a number, else alphabetically). Empty for regression.
    public let classNames: [String]
    /// The file line of each row (1-based; the header is line 1).
    public let lines: [Int32]
    /// Rows left out for missing cells (``DataSpec/MissingPolicy/drop``).
    public let droppedRows: Int

    /// The most columns a file may have.
    public static let maximumColumns = 10_000

    public var count: Int { lines.count }
    public var featureCount: Int { featureNames.count }

    /// Cells that stand for a missing value.
    static let missingTokens: Set<String> = ["", "NA", "N/A", "na", "n/a", "?", "null", "NULL", "None", "NaN", "nan"]

    /// Parses CSV bytes as `spec` says.
    ///
    /// - Parameter targetRequired: `false` reads a file without the target column (new rows to
    ///   predict): ``targets`` is then empty unless the column is there.
    public static func parse(
        data: Data, path: String, spec: DataSpec, targetRequired: Bool = true
    ) throws -> Table {
        func fail(_ line: Int?, _ message: String) -> GalapagosError {
            .data(SourceLocation(file: path, line: line), message)
        }
        var records = try CSVRecords(data: data, path: path)
        guard let header = try records.next() else {
            throw fail(nil, "expected a header row and examples, found an empty file")
        }
        let names = header.cells
        guard names.count <= maximumColumns else {
            throw fail(header.line, "expected at most \(maximumColumns) columns, found \(names.count)")
        }
        func index(of name: String, _ role: String) throws -> Int {
            guard let found = names.firstIndex(of: name) else {
                let shown = names.prefix(8).joined(separator: ", ") + (names.count > 8 ? ", …" : "")
                throw fail(header.line, "expected a '\(name)' column in the header (\(role)), found columns \(shown)")
            }
            return found
        }
        let hasTarget = targetRequired || names.contains(spec.target)
        let targetIndex = hasTarget ? try index(of: spec.target, "the target") : -1
        let dropped = Set(try spec.drop.map { try index(of: $0, "listed under drop") })
        let featureIndices: [Int]
        if let listed = spec.features {
            featureIndices = try listed.map { try index(of: $0, "listed under features") }
            if let clash = featureIndices.first(where: { $0 == targetIndex }) {
                throw fail(header.line, "column '\(names[clash])' is the target; it cannot also be a feature")
            }
        } else {
            featureIndices = names.indices.filter { $0 != targetIndex && !dropped.contains($0) }
        }
        guard !featureIndices.isEmpty else {
            throw fail(header.line, "expected at least one feature column besides '\(spec.target)'")
        }
        let used = (hasTarget ? [targetIndex] : []) + featureIndices
        let columns = names.count
        var features: [Double] = []
        var targets: [Double] = []
        var classTexts: [String] = []
        var lines: [Int32] = []
        var droppedRows = 0
        var row = [Double](repeating: 0, count: featureIndices.count)
        rows: while let (line, cells) = try records.next() {
            guard cells.count == columns else {
                throw fail(line, "expected \(columns) cells as in the header, found \(cells.count)")
            }
            guard (targets.count + 1) * columns <= CSVDataset.maximumCells else {
                throw fail(line, "expected at most \(CSVDataset.maximumCells) cells, found more")
            }
            for column in used where missingTokens.contains(cells[column]) {
                if spec.missing == .drop {
                    droppedRows += 1
                    continue rows
                }
                throw fail(line, "column '\(names[column])': missing value '\(cells[column])'"
                    + " (set missing: drop in the data section to leave such rows out)")
            }
            for (k, column) in featureIndices.enumerated() {
                row[k] = try number(cells[column], names[column], path, line, isFeature: true)
            }
            switch hasTarget ? spec.kind : nil {
            case nil:
                break
            case .regression:
                targets.append(try number(cells[targetIndex], names[targetIndex], path, line, isFeature: false))
            case .classification:
                classTexts.append(cells[targetIndex])
                targets.append(0)
            }
            features.append(contentsOf: row)
            lines.append(Int32(clamping: line))
        }
        if !hasTarget {
            guard !lines.isEmpty else { throw fail(header.line + 1, "expected examples after the header, found none") }
            return Table(
                path: path, featureNames: featureIndices.map { names[$0] }, features: features,
                targets: [], classNames: [], lines: lines, droppedRows: droppedRows)
        }
        guard !targets.isEmpty else {
            if droppedRows > 0 {
                throw fail(nil, "every one of the \(droppedRows) rows has a missing cell; no examples are left")
            }
            throw fail(header.line + 1, "expected examples after the header, found none")
        }
        var classNames: [String] = []
        if spec.kind == .classification {
            (classNames, targets) = classIndices(classTexts)
            guard classNames.count >= 2 else {
                throw fail(nil, "expected at least two classes in '\(spec.target)', found only \(classNames.first ?? "none")")
            }
        } else if let first = targets.first, targets.allSatisfy({ $0 == first }) {
            throw fail(nil, "column '\(spec.target)': the target is \(first) in every row; there is nothing to learn")
        }
        return Table(
            path: path, featureNames: featureIndices.map { names[$0] }, features: features,
            targets: targets, classNames: classNames, lines: lines, droppedRows: droppedRows)
    }

    /// A cell as a finite number, or an error naming its line and column.
    private static func number(
        _ cell: String, _ column: String, _ path: String, _ line: Int, isFeature: Bool
    ) throws -> Double {
        guard let value = Double(cell) else {
            let hint = isFeature ? " (a text column? list it under drop: in the data section)" : ""
            throw GalapagosError.data(
                SourceLocation(file: path, line: line),
                "column '\(column)': expected a number, found '\(cell.prefix(30))'\(hint)")
        }
        guard value.isFinite else {
            throw GalapagosError.data(
                SourceLocation(file: path, line: line), "column '\(column)': expected a finite number, found \(cell)")
        }
        return value
    }

    /// Class names in index order and each row's class index. Numeric classes ("1", "1.0")
    /// are one class per value, sorted by value; when any label is not a finite number
    /// ("nan", "inf", text) every label is a name, sorted alphabetically.
    private static func classIndices(_ texts: [String]) -> ([String], [Double]) {
        let values = texts.compactMap { Double($0) }.filter(\.isFinite)
        if values.count == texts.count {
            var nameOf: [Double: String] = [:]
            for (text, value) in zip(texts, values) where nameOf[value] == nil { nameOf[value] = text }
            let sorted = nameOf.keys.sorted()
            let index = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1, Double($0)) })
            return (sorted.map { nameOf[$0] ?? "\($0)" }, values.map { index[$0] ?? 0 })
        }
        let sorted = Array(Set(texts)).sorted()
        let index = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1, Double($0)) })
        return (sorted, texts.map { index[$0] ?? 0 })
    }
}
