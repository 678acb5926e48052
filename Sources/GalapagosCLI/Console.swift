import Foundation

/// Where commands write: results to stdout, progress and diagnostics to stderr.
enum Console {
    /// Writes one line to stderr.
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Prints a value as one line of JSON on stdout (the last line of a `--json` command).
    ///
    /// - Parameter snakeCase: turn camel-case property names into snake-case keys.
    static func json<T: Encodable>(_ value: T, snakeCase: Bool = false) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if snakeCase { encoder.keyEncodingStrategy = .convertToSnakeCase }
        let data = try encoder.encode(value)
        print(String(decoding: data, as: UTF8.self))
    }

    /// Pads `text` on the right to `width` characters.
    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// A fitness or other measure for people to read: six significant digits, `-` for none.
    /// (JSON and CSV keep every digit.)
    static func number(_ value: Double?) -> String {
        guard let value else { return "-" }
        guard value.isFinite else { return "\(value)" }
        return String(format: "%.6g", value)
    }

    /// A CSV cell: quoted (with doubled quotes) when it holds a comma, quote or line break.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
