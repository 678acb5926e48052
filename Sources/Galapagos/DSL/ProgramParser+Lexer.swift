/// A token of one line of program text.
struct Token: Sendable {
    enum Kind: Equatable, Sendable, CustomStringConvertible {
        /// A name: a register (`s0`), an op (`dot`) or a keyword (`def`, `nop`).
        case word(String)
        /// A numeric literal, with the text it was read from.
        case number(Double, String)
        /// One of `= + - * / @ ( ) [ ] , :`.
        case symbol(String)

        var description: String {
            switch self {
            case let .word(text): "'\(text)'"
            case let .number(_, text): "number \(text)"
            case let .symbol(text): "'\(text)'"
            }
        }
    }

    var kind: Kind
    /// 1-based column of the token's first byte.
    var column: Int
}

/// Splits one line into tokens; a `#` starts a comment that runs to the end of the line.
struct Lexer {
    let bytes: ArraySlice<UInt8>
    let line: Int
    let file: String

    private static let symbols: Set<UInt8> = Set("=+-*/@()[],:".utf8)

    mutating func tokenize() throws -> [Token] {
        var tokens: [Token] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            let column = index - bytes.startIndex + 1
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                index += 1
            } else if byte == UInt8(ascii: "#") {
                break
            } else if isLetter(byte) {
                let start = index
                while index < bytes.endIndex, isLetter(bytes[index]) || isDigit(bytes[index]) {
                    index += 1
                }
                let word = text(start, index)
                // No register or op is spelled like this: the writer meant a constant.
                if ["inf", "infinity", "nan"].contains(word.lowercased()) {
                    throw GalapagosError.program(
                        SourceLocation(file: file, line: line, column: column),
                        "expected a finite constant, found \(word)")
                }
                tokens.append(Token(kind: .word(word), column: column))
            } else if isDigit(byte) || byte == UInt8(ascii: ".")
                || (isSign(byte) && startsSignedNumber(at: index, after: tokens.last)) {
                let start = index
                if isSign(byte) { index += 1 }
                index = scanNumber(from: index)
                let literal = text(start, index)
                guard let value = Double(literal) else {
                    throw GalapagosError.program(
                        SourceLocation(file: file, line: line, column: column),
                        "expected a number, found '\(literal)'")
                }
                tokens.append(Token(kind: .number(value, literal), column: column))
            } else if Self.symbols.contains(byte) {
                tokens.append(Token(kind: .symbol(String(UnicodeScalar(byte))), column: column))
                index += 1
            } else {
                throw GalapagosError.program(
                    SourceLocation(file: file, line: line, column: column),
                    "expected a register, op, number or one of = + - * / @ ( ) [ ] ,"
                        + " found '\(String(decoding: [byte], as: UTF8.self))'")
            }
        }
        return tokens
    }

    private func text(_ start: Int, _ end: Int) -> String {
        String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) || byte == 95
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    private func isSign(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
    }

    /// A sign starts a number only where an operand is expected and a digit follows.
    private func startsSignedNumber(at index: Int, after previous: Token?) -> Bool {
        guard index + 1 < bytes.endIndex else { return false }
        let next = bytes[index + 1]
        guard isDigit(next) || next == UInt8(ascii: ".") else { return false }
        guard let previous else { return false }
        switch previous.kind {
        case .symbol("="), .symbol("("), .symbol(","), .symbol("["): return true
        default: return false
        }
    }

    private func scanNumber(from start: Int) -> Int {
        var index = start
        while index < bytes.endIndex, isDigit(bytes[index]) || bytes[index] == UInt8(ascii: ".") {
            index += 1
        }
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            var next = index + 1
            if next < bytes.endIndex, isSign(bytes[next]) { next += 1 }
            if next < bytes.endIndex, isDigit(bytes[next]) {
                index = next
                while index < bytes.endIndex, isDigit(bytes[index]) { index += 1 }
            }
        }
        return index
    }
}
