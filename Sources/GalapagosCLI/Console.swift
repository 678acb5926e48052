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
}
