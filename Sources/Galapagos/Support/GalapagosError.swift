/// A place in an input file that an error points at.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    /// The file's path as the user gave it, or a stand-in such as `<text>`.
    public var file: String
    /// 1-based line, or `nil` when the error concerns the whole file.
    public var line: Int?
    /// 1-based column, or `nil` when unknown.
    public var column: Int?

    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`, leaving out what is unknown.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if line != nil, let column { text += ":\(column)" }
        return text
    }
}

/// Every error Galapagos reports to a user.
///
/// Each case prints as one line that names the file (and line, column or field where known) and
/// says what was expected.
public enum GalapagosError: Error, Sendable, CustomStringConvertible, Equatable {
    /// Program text that does not parse or does not fit the search space.
    case program(SourceLocation, String)
    /// A search-space file that is malformed or inconsistent.
    case searchSpace(SourceLocation, String)
    /// A data file (CSV) that cannot be used.
    case data(SourceLocation, String)
    /// A file that cannot be read or written.
    case io(path: String, String)
    /// A run or snapshot that cannot be used.
    case run(String)
    /// A command-line value that makes no sense.
    case invalidArgument(String)
    /// A coordination database (hub) that cannot be reached or used; `hub` is its address
    /// without the password.
    case hub(String, String)

    public var description: String {
        let text = switch self {
        case let .program(location, message): "\(location): \(message)"
        case let .searchSpace(location, message): "\(location): \(message)"
        case let .data(location, message): "\(location): \(message)"
        case let .io(path, message): "\(path): \(message)"
        case let .run(message): message
        case let .invalidArgument(message): message
        case let .hub(hub, message): "hub \(hub): \(message)"
        }
        return Self.oneLine(text)
    }

    /// Escapes line breaks and other control characters that messages quote from the input (a
    /// newline inside a YAML value or a CSV cell), so that every error prints as one line.
    static func oneLine(_ text: String) -> String {
        func breaks(_ scalar: Unicode.Scalar) -> Bool {
            (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F || scalar.value == 0x85
                || scalar.value == 0x2028 || scalar.value == 0x2029
        }
        guard text.unicodeScalars.contains(where: breaks) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                result.append(contentsOf: "\\n".unicodeScalars)
            } else if scalar == "\r" {
                result.append(contentsOf: "\\r".unicodeScalars)
            } else if breaks(scalar) {
                result.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }
}
