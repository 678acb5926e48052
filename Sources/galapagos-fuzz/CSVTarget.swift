import Foundation
import Galapagos

/// CSV bytes through ``CSVDataset/parse(data:path:labelColumn:)``.
///
/// Seeds: slices of `searchspaces/data/*.csv` (the header and a few rows from several places),
/// plus the hand-made files in `Tests/Fuzz/corpus/csv/`. Each input is parsed with the label
/// column `label` and again with the header's first column as the label. Accepted tables must be
/// consistent: `count × featureCount` finite features, whole-number labels, at least two
/// distinct classes listed in ascending order, the label column removed from the feature names.
final class CSVTarget: PooledFuzzTarget {
    let name = "csv"
    var pool: InputPool
    let mutator: ByteMutator

    init(locations: Locations) {
        var seeds: [[UInt8]] = []
        for path in Locations.files(in: "\(locations.root)/searchspaces/data", extensions: [".csv"]) {
            guard let bytes = Locations.read(path) else { continue }
            let lines = bytes.split(separator: 10, omittingEmptySubsequences: false)
            guard let header = lines.first, lines.count > 2 else { continue }
            // Slices: the header with 3, 10 and 30 rows from the start, the middle and the end.
            for count in [3, 10, 30] {
                for start in [1, max(1, lines.count / 2), max(1, lines.count - count - 1)] {
                    let rows = lines[start..<min(lines.count, start + count)]
                    seeds.append(Array(([header] + rows).joined(separator: [10])) + [10])
                }
            }
        }
        for path in Locations.files(in: locations.corpusDirectory("csv"), extensions: [".csv"]) {
            if let bytes = Locations.read(path) { seeds.append(bytes) }
        }
        pool = InputPool(seeds: seeds)
        mutator = ByteMutator(
            dictionary: [
                "label", "Label", " label ", "\"label\"", ",", ",,", ", ", ";", "\t", "\n", "\r\n", "\r",
                "\u{FEFF}", "0", "1", "2", "-1", "1.0", "0.5", "1e9", "-1e9", "999999999",
                "1000000000", "NaN", "inf", "-inf", "nan", "1e400", "-0", "0x1p3", " ", "\"\"",
                "a,b,label\n", "x,label\n1,0\n2,1\n", "\u{0}", "\u{85}", "\u{2028}",
            ],
            maximumSize: 16 * 1024)
    }

    func execute(_ input: [UInt8]) -> Outcome {
        let file = "fuzz.csv"
        let data = Data(input)
        var columns = ["label"]
        if let newline = input.firstIndex(of: 10) ?? (input.isEmpty ? nil : input.count),
           let comma = input[..<newline].firstIndex(of: 44) {
            let first = String(decoding: input[..<comma], as: UTF8.self)
                .trimmingCharacters(in: .whitespaces)
            if first != "label" { columns.append(first) }
        }
        var accepted = false
        for column in columns {
            do {
                let table = try CSVDataset.parse(data: data, path: file, labelColumn: column)
                if let problem = check(table, labelColumn: column) { return .violation(problem) }
                accepted = true
            } catch {
                if let problem = checkError(error, file: file) { return .violation(problem) }
            }
        }
        return accepted ? .accepted : .rejected
    }

    private func check(_ table: CSVDataset, labelColumn: String) -> String? {
        guard table.count >= 1, table.featureCount >= 1 else {
            return "accepted a table with \(table.count) rows and \(table.featureCount) features"
        }
        guard table.features.count == table.count * table.featureCount else {
            return "\(table.features.count) features for \(table.count) rows × \(table.featureCount) columns"
        }
        guard table.features.allSatisfy(\.isFinite) else { return "accepted a non-finite feature" }
        guard table.classes.count >= 2 else { return "accepted a single class" }
        guard table.classes == Array(Set(table.labels)).sorted() else {
            return "classes \(table.classes.prefix(10)) are not the sorted distinct labels"
        }
        guard table.labels.allSatisfy({ abs($0) < 1_000_000_000 }) else {
            return "accepted a label of 10⁹ or more"
        }
        return nil
    }
}
