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

    /// Parses CSV bytes (exposed for tests and fuzzing).
    public static func parse(data: Data, path: String, labelColumn: String = "label") throws -> CSVDataset {
        func fail(_ line: Int?, _ message: String) -> GalapagosError {
            .data(SourceLocation(file: path, line: line), message)
        }
        guard !data.isEmpty else { throw fail(nil, "expected a header row and examples, found an empty file") }
        if data.contains(0) { throw fail(nil, "expected CSV text, found binary data (NUL bytes)") }
        guard let text = String(data: data, encoding: .utf8) else {
            throw fail(nil, "expected UTF-8 CSV text, found binary data")
        }
        // "\r\n" is a single Character in Swift: split on it too, or a CRLF file is one line.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        while let last = lines.last, last.allSatisfy({ $0 == " " || $0 == "\t" }) { lines.removeLast() }
        guard let headerLine = lines.first else {
            throw fail(nil, "expected a header row and examples, found an empty file")
        }
        let header = headerLine.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard let labelIndex = header.firstIndex(of: labelColumn) else {
            throw fail(1, "expected a '\(labelColumn)' column in the header, found columns \(header.prefix(8).joined(separator: ", "))\(header.count > 8 ? ", …" : "")")
        }
        guard header.count >= 2 else { throw fail(1, "expected at least one feature column besides '\(labelColumn)'") }
        let columns = header.count
        guard lines.count >= 2 else { throw fail(2, "expected examples after the header, found none") }
        guard (lines.count - 1) * columns <= maximumCells else {
            throw fail(nil, "expected at most \(maximumCells) cells, found \((lines.count - 1) * columns)")
        }
        var features: [Double] = []
        features.reserveCapacity((lines.count - 1) * (columns - 1))
        var labels: [Int] = []
        labels.reserveCapacity(lines.count - 1)
        for (offset, line) in lines.enumerated().dropFirst() {
            let number = offset + 1
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            guard cells.count == columns else {
                throw fail(number, "expected \(columns) cells as in the header, found \(cells.count)")
            }
            for (column, cell) in cells.enumerated() {
                let trimmed = cell.trimmingCharacters(in: .whitespaces)
                guard let value = Double(trimmed) else {
                    throw fail(number, "column '\(header[column])': expected a number, found '\(trimmed.prefix(30))'")
                }
                guard value.isFinite else {
                    throw fail(number, "column '\(header[column])': expected a finite number, found \(trimmed)")
                }
                if column == labelIndex {
                    guard value == value.rounded(), abs(value) < 1e9 else {
                        throw fail(number, "column '\(labelColumn)': expected a whole-number class, found \(trimmed)")
                    }
                    labels.append(Int(value))
                } else {
                    features.append(value)
                }
            }
        }
        let classes = Array(Set(labels)).sorted()
        guard classes.count >= 2 else {
            throw fail(nil, "expected at least two classes in '\(labelColumn)', found only \(classes.first.map(String.init) ?? "none")")
        }
        var names = header
        names.remove(at: labelIndex)
        return CSVDataset(path: path, featureNames: names, features: features, labels: labels, classes: classes)
    }
}
