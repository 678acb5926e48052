import Foundation

/// The records of CSV text, one at a time: comma-separated cells, optionally in double quotes
/// (`""` inside quotes is one quote; a quoted cell may hold commas), `\n` or `\r\n` line ends.
/// Blank lines are skipped. Cells are trimmed of spaces and tabs outside quotes.
///
/// It validates the bytes as it goes: NUL bytes and invalid UTF-8 are refused as binary data,
/// and an unterminated quote names its line.
struct CSVRecords {
    private let bytes: [UInt8]
    private let path: String
    private var position = 0
    /// The 1-based line the next record starts on.
    private(set) var line = 1

    /// - Throws: ``GalapagosError/data(_:_:)`` for empty or binary data.
    init(data: Data, path: String) throws {
        guard !data.isEmpty else {
            throw GalapagosError.data(SourceLocation(file: path), "expected a header row and examples, found an empty file")
        }
        if data.contains(0) {
            throw GalapagosError.data(SourceLocation(file: path), "expected CSV text, found binary data (NUL bytes)")
        }
        guard String(data: data, encoding: .utf8) != nil else {
            throw GalapagosError.data(SourceLocation(file: path), "expected UTF-8 CSV text, found binary data")
        }
        bytes = [UInt8](data)
        self.path = path
        // A byte-order mark is not part of the first column's name.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }

    /// The next non-blank record and the line it starts on, or `nil` at the end.
    mutating func next() throws -> (line: Int, cells: [String])? {
        while position < bytes.count {
            let start = line
            var cells: [String] = []
            var cell: [UInt8] = []
            var quoted = false
            var wasQuoted = false
            var blank = true
            func finishCell() {
                var text = String(decoding: cell, as: UTF8.self)
                if !wasQuoted { text = text.trimmingCharacters(in: CharacterSet(charactersIn: " \t")) }
                cells.append(text)
                cell.removeAll(keepingCapacity: true)
                wasQuoted = false
            }
            recordLoop: while position < bytes.count {
                let byte = bytes[position]
                position += 1
                if quoted {
                    if byte == UInt8(ascii: "\"") {
                        if position < bytes.count, bytes[position] == UInt8(ascii: "\"") {
                            cell.append(byte)
                            position += 1
                        } else {
                            quoted = false
                        }
                    } else {
                        if byte == UInt8(ascii: "\n") { line += 1 }
                        cell.append(byte)
                    }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\n"):
                    line += 1
                    break recordLoop
                case UInt8(ascii: "\r") where position < bytes.count && bytes[position] == UInt8(ascii: "\n"):
                    continue  // a CRLF line end; a lone CR stays in the cell (and fails as a number)
                case UInt8(ascii: ","):
                    blank = false
                    finishCell()
                case UInt8(ascii: "\""):
                    blank = false
                    if cell.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
                        cell.removeAll()
                        quoted = true
                        wasQuoted = true
                    } else {
                        cell.append(byte)
                    }
                default:
                    if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") { blank = false }
                    cell.append(byte)
                }
            }
            if quoted {
                throw GalapagosError.data(
                    SourceLocation(file: path, line: start), "expected a closing quote (\") for a quoted cell")
            }
            if blank { continue }
            finishCell()
            return (start, cells)
        }
        return nil
    }
}
