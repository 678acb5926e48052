import Foundation

/// What the columns of a CSV file hold, read once without assumptions: for `galapagos init`
/// to suggest a search space that works on the file.
public struct DataProfile: Sendable {
    /// One column.
    public struct Column: Sendable {
        public var name: String
        /// Cells that are finite numbers.
        public var numbers = 0
        /// Cells that are neither numbers nor missing.
        public var texts = 0
        /// Missing cells (empty, NA, …).
        public var missing = 0
        /// Distinct non-missing values, up to 101 (more are not counted).
        public var distinct: Set<String> = []
        /// Whether every value is a whole number.
        public var wholeNumbers = true
        /// Whether the values are the row numbers (1, 2, 3, … or 0, 1, 2, …).
        public var isRowCount = true
        /// Whether the values increase strictly from row to row.
        public var isIncreasing = true
        var last = -Double.infinity

        /// Whether the column numbers the rows rather than describing them: the row count
        /// itself, or increasing whole numbers under a name such as `id` or `rownames`.
        public var isRowIndex: Bool {
            let names: Set<String> = ["", "rownames", "index", "id", "unnamed: 0", "row", "rowid", "row_id"]
            return numbers > 0 && texts == 0 && missing == 0 && wholeNumbers
                && (isRowCount || (isIncreasing && names.contains(name.lowercased())))
        }
    }

    public var path: String
    public var columns: [Column]
    public var rows: Int

    /// Reads the file's cells.
    public static func read(data: Data, path: String) throws -> DataProfile {
        var records = try CSVRecords(data: data, path: path)
        guard let header = try records.next() else {
            throw GalapagosError.data(SourceLocation(file: path), "expected a header row and examples, found an empty file")
        }
        guard header.cells.count <= Table.maximumColumns else {
            throw GalapagosError.data(
                SourceLocation(file: path, line: header.line),
                "expected at most \(Table.maximumColumns) columns, found \(header.cells.count)")
        }
        var columns = header.cells.map { Column(name: $0) }
        var rows = 0
        while let (line, cells) = try records.next() {
            guard cells.count == columns.count else {
                throw GalapagosError.data(
                    SourceLocation(file: path, line: line),
                    "expected \(columns.count) cells as in the header, found \(cells.count)")
            }
            for (k, cell) in cells.enumerated() {
                if Table.missingTokens.contains(cell) {
                    columns[k].missing += 1
                    continue
                }
                if columns[k].distinct.count <= 100 { columns[k].distinct.insert(cell) }
                if let value = Double(cell), value.isFinite {
                    columns[k].numbers += 1
                    if value != value.rounded() { columns[k].wholeNumbers = false }
                    if value != Double(rows) && value != Double(rows + 1) { columns[k].isRowCount = false }
                    if value <= columns[k].last { columns[k].isIncreasing = false }
                    columns[k].last = value
                } else {
                    columns[k].texts += 1
                }
            }
            rows += 1
        }
        guard rows > 0 else {
            throw GalapagosError.data(SourceLocation(file: path, line: header.line + 1), "expected examples after the header, found none")
        }
        return DataProfile(path: path, columns: columns, rows: rows)
    }

    /// What to do with each column when `label` is the column to predict.
    public struct Suggestion: Sendable {
        public var kind: DataSpec.Kind
        /// Text columns and row indices.
        public var drop: [String]
        /// Whether some used column has missing cells.
        public var hasMissing: Bool
        public var features: Int
        /// Classes (classification).
        public var classes: Int
    }

    /// Suggests how to use the file to predict `label`.
    ///
    /// - Parameter kind: the kind asked for; `nil` guesses: text, or at most 20 distinct whole
    ///   numbers, is classification; other numbers are regression.
    /// - Throws: ``GalapagosError`` when `label` is not a column or cannot be the target.
    public func suggestion(label: String, kind asked: DataSpec.Kind?) throws -> Suggestion {
        guard let target = columns.first(where: { $0.name == label }) else {
            let shown = columns.prefix(8).map(\.name).joined(separator: ", ") + (columns.count > 8 ? ", …" : "")
            throw GalapagosError.data(SourceLocation(file: path, line: 1), "expected a '\(label)' column in the header, found columns \(shown)")
        }
        let guessed: DataSpec.Kind = target.texts > 0 || (target.wholeNumbers && target.distinct.count <= 20)
            ? .classification : .regression
        let kind = asked ?? guessed
        if kind == .regression, target.texts > 0 {
            throw GalapagosError.data(
                SourceLocation(file: path),
                "column '\(label)' holds text, so it cannot be a regression target (use --kind classification)")
        }
        let others = columns.filter { $0.name != label }
        let drop = others.filter { $0.texts > 0 || $0.isRowIndex }.map(\.name)
        let used = others.filter { !drop.contains($0.name) }
        guard !used.isEmpty else {
            throw GalapagosError.data(SourceLocation(file: path), "no numeric feature column besides '\(label)'")
        }
        return Suggestion(
            kind: kind, drop: drop, hasMissing: (used + [target]).contains { $0.missing > 0 },
            features: used.count, classes: kind == .classification ? target.distinct.count : 0)
    }
}
