/// Reads formulas such as `x0^4 - x0^3 + x1^2 / 2 - x1`.
///
/// Grammar, loosest first: `+ -` (left to right), `* /` (left to right), unary `-`, `^` (right to
/// left: `2^3^2` is `2^9`, and `-x0^2` is `-(x0^2)`), then numbers, features `x0, x1, …`,
/// calls `sin(…) cos tan exp log sqrt abs` and parentheses.
///
/// An integer literal is exact; a literal with a decimal point or an exponent (`0.1`, `1e-3`)
/// denotes the double nearest to it, as in program text, since that is all a program can hold;
/// write `1/10` for exactly one tenth.
///
/// Errors are one line naming the column: `formula 'x0 +': column 5: expected a number, a
/// feature such as x0, a function call or '(', found the end`. The parser never traps: input
/// length and nesting depth are bounded.
public struct FormulaParser {
    /// The longest formula accepted, in characters.
    public static let maximumLength = 10_000
    /// The deepest nesting of parentheses, calls and unary operators.
    public static let maximumDepth = 200

    private let text: String
    private let tokens: [Token]
    private var position = 0
    private var depth = 0

    private struct Token {
        enum Kind: Equatable {
            case number(String)
            case name(String)
            case symbol(Character)
            case end
        }

        var kind: Kind
        var column: Int
    }

    /// Prepares to parse `text`; lexical errors surface from ``parse()``.
    public init(_ text: String) {
        self.text = text
        tokens = Self.tokenize(text)
    }

    /// Parses the whole text.
    ///
    /// - Throws: ``GalapagosError/invalidArgument(_:)`` naming the column of the first problem.
    public mutating func parse() throws -> Formula {
        guard text.count <= Self.maximumLength else {
            throw error(1, "expected at most \(Self.maximumLength) characters, found \(text.count)")
        }
        if let bad = tokens.first(where: { if case .symbol("?") = $0.kind { true } else { false } }) {
            throw error(
                bad.column,
                "expected a number, a feature, an operator or a parenthesis, found '\(character(at: bad.column))'")
        }
        let formula = try sum()
        guard case .end = current.kind else {
            throw error(current.column, "expected an operator or the end, found \(describe(current))")
        }
        return formula
    }

    // MARK: Grammar

    private var current: Token { tokens[min(position, tokens.count - 1)] }

    private mutating func advance() { position += 1 }

    private mutating func sum() throws -> Formula {
        var result = try product()
        while case let .symbol(symbol) = current.kind, symbol == "+" || symbol == "-" {
            advance()
            let rhs = try product()
            result = symbol == "+" ? .add(result, rhs) : .subtract(result, rhs)
        }
        return result
    }

    private mutating func product() throws -> Formula {
        var result = try unary()
        while case let .symbol(symbol) = current.kind, symbol == "*" || symbol == "/" {
            advance()
            let rhs = try unary()
            result = symbol == "*" ? .multiply(result, rhs) : .divide(result, rhs)
        }
        return result
    }

    private mutating func unary() throws -> Formula {
        try nested {
            if case let .symbol(symbol) = $0.current.kind, symbol == "-" || symbol == "+" {
                $0.advance()
                let operand = try $0.unary()
                return symbol == "-" ? .negate(operand) : operand
            }
            return try $0.power()
        }
    }

    private mutating func power() throws -> Formula {
        let base = try primary()
        guard case .symbol("^") = current.kind else { return base }
        advance()
        return .power(base, try unary())
    }

    private mutating func primary() throws -> Formula {
        let token = current
        switch token.kind {
        case let .number(literal):
            advance()
            return .constant(try number(literal, column: token.column))
        case let .name(name):
            advance()
            if let function = FormulaFunction(rawValue: name) {
                return .function(function, try parenthesized(after: name))
            }
            if name.hasPrefix("x"), let index = Int(name.dropFirst()), index >= 0,
               name.dropFirst().allSatisfy(\.isASCII), index < 1_000 {
                return .feature(index)
            }
            throw error(
                token.column,
                "expected a feature x0, x1, … or one of "
                    + FormulaFunction.allCases.map(\.rawValue).joined(separator: ", ")
                    + ", found '\(name)'")
        case .symbol("("):
            return try parenthesized(after: nil)
        default:
            throw error(
                token.column,
                "expected a number, a feature such as x0, a function call or '(', found \(describe(token))")
        }
    }

    private mutating func parenthesized(after name: String?) throws -> Formula {
        guard case .symbol("(") = current.kind else {
            throw error(current.column, "expected '(' after \(name ?? "the operator"), found \(describe(current))")
        }
        let open = current.column
        advance()
        let inner = try nested { try $0.sum() }
        guard case .symbol(")") = current.kind else {
            throw error(current.column, "expected ')' to close the '(' at column \(open), found \(describe(current))")
        }
        advance()
        return inner
    }

    private mutating func nested(_ body: (inout FormulaParser) throws -> Formula) throws -> Formula {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else {
            throw error(current.column, "expected at most \(Self.maximumDepth) levels of nesting")
        }
        return try body(&self)
    }

    private func number(_ literal: String, column: Int) throws -> BigRational {
        let isInteger = literal.allSatisfy(\.isNumber)
        if isInteger, literal.count <= 1_000, let value = BigRational(literal) { return value }
        guard let double = Double(literal), let value = BigRational(exactly: double) else {
            throw error(column, "expected a finite number, found '\(literal)'")
        }
        return value
    }

    // MARK: Tokens

    private static func tokenize(_ text: String) -> [Token] {
        var tokens: [Token] = []
        let characters = Array(text.prefix(maximumLength + 1))
        var index = 0
        while index < characters.count {
            let c = characters[index]
            let column = index + 1
            if c == " " || c == "\t" {
                index += 1
            } else if c.isASCII && (c.isNumber || c == ".") {
                var end = index
                while end < characters.count, characters[end].isASCII,
                      characters[end].isNumber || characters[end] == "." {
                    end += 1
                }
                // An exponent: e or E, an optional sign, digits.
                if end < characters.count, characters[end] == "e" || characters[end] == "E" {
                    var next = end + 1
                    if next < characters.count, characters[next] == "+" || characters[next] == "-" { next += 1 }
                    if next < characters.count, characters[next].isASCII, characters[next].isNumber {
                        end = next
                        while end < characters.count, characters[end].isASCII, characters[end].isNumber { end += 1 }
                    }
                }
                tokens.append(Token(kind: .number(String(characters[index..<end])), column: column))
                index = end
            } else if c.isASCII && (c.isLetter || c == "_") {
                var end = index
                while end < characters.count, characters[end].isASCII,
                      characters[end].isLetter || characters[end].isNumber || characters[end] == "_" {
                    end += 1
                }
                tokens.append(Token(kind: .name(String(characters[index..<end])), column: column))
                index = end
            } else if "+-*/^()".contains(c) {
                tokens.append(Token(kind: .symbol(c), column: column))
                index += 1
            } else {
                tokens.append(Token(kind: .symbol("?"), column: column))
                index += 1
            }
        }
        tokens.append(Token(kind: .end, column: characters.count + 1))
        return tokens
    }

    private func character(at column: Int) -> String {
        let characters = Array(text)
        return column - 1 < characters.count ? String(characters[column - 1]) : ""
    }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case let .number(literal): "'\(literal)'"
        case let .name(name): "'\(name)'"
        case let .symbol(symbol): "'\(symbol)'"
        case .end: "the end"
        }
    }

    private func error(_ column: Int, _ message: String) -> GalapagosError {
        let shown = text.count <= 60 ? text : String(text.prefix(57)) + "..."
        return .invalidArgument("formula '\(shown)': column \(column): \(message)")
    }
}
