/// Reads programs in the `.gal` text format (see ``ProgramPrinter``).
///
/// The parser works line by line with no recursion, caps the file size, the line length and the
/// number of instructions, and reports the first problem as
/// `file:line:column: expected …, found …`. It never traps, whatever the input.
public struct ProgramParser: Sendable {
    /// The largest file accepted, in bytes.
    public static let maximumFileSize = 4 * 1024 * 1024
    /// The longest line accepted, in bytes.
    public static let maximumLineLength = 1_000

    /// The limits the program must respect.
    public var limits: ProgramLimits

    public init(limits: ProgramLimits = .none) {
        self.limits = limits
    }

    /// Parses program text.
    ///
    /// - Parameters:
    ///   - text: The program text.
    ///   - file: The name to use in error messages.
    /// - Throws: ``GalapagosError/program(_:_:)`` naming the line and column of the problem.
    public func parse(_ text: String, file: String = "<text>") throws -> Program {
        try parse(bytes: Array(text.utf8), file: file)
    }

    /// Parses program text given as raw bytes, which need not be valid UTF-8.
    public func parse(bytes: [UInt8], file: String) throws -> Program {
        guard bytes.count <= Self.maximumFileSize else {
            throw GalapagosError.program(
                SourceLocation(file: file),
                "file is \(bytes.count) bytes, larger than the \(Self.maximumFileSize)-byte limit"
                    + " for program files")
        }
        var state = State(file: file, limits: limits)
        var lineStart = 0
        var lineNumber = 1
        while lineStart <= bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            if lineStart == bytes.count && lineEnd == lineStart { break }
            var contentEnd = lineEnd
            if contentEnd > lineStart && bytes[contentEnd - 1] == UInt8(ascii: "\r") {
                contentEnd -= 1
            }
            let line = bytes[lineStart..<contentEnd]
            try state.consume(line: line, number: lineNumber)
            lineStart = lineEnd + 1
            lineNumber += 1
        }
        return try state.finish(lineCount: lineNumber)
    }
}

extension ProgramParser {
    /// The parser's progress through a file.
    fileprivate struct State {
        let file: String
        let limits: ProgramLimits
        var program = Program()
        var sawHeader = false
        var current: Component?
        var seen: Set<Component> = []

        init(file: String, limits: ProgramLimits) {
            self.file = file
            self.limits = limits
        }

        func error(_ line: Int, _ column: Int, _ message: String) -> GalapagosError {
            .program(SourceLocation(file: file, line: line, column: column), message)
        }

        mutating func consume(line: ArraySlice<UInt8>, number: Int) throws {
            guard line.count <= ProgramParser.maximumLineLength else {
                throw error(
                    number, ProgramParser.maximumLineLength + 1,
                    "expected a line of at most \(ProgramParser.maximumLineLength) bytes,"
                        + " found \(line.count) bytes")
            }
            // Only printable ASCII, tabs and valid UTF-8 in comments are text.
            if let (offset, byte) = firstNonText(line) {
                throw error(
                    number, offset + 1,
                    "expected program text, found byte 0x\(String(byte, radix: 16, uppercase: true))"
                        + " (binary data?)")
            }
            var lexer = Lexer(bytes: line, line: number, file: file)
            let tokens = try lexer.tokenize()
            if !sawHeader {
                try expectHeader(line, tokens: tokens, number: number)
                return
            }
            guard let first = tokens.first else { return }
            if case .word("def") = first.kind, first.column == 1 {
                try startComponent(tokens, number: number)
                return
            }
            guard let component = current else {
                throw error(
                    number, first.column,
                    "expected 'def setup():', 'def predict():' or 'def learn():',"
                        + " found \(first.kind)")
            }
            guard first.column > 1 else {
                throw error(
                    number, 1, "expected an indented instruction or 'def …():', found \(first.kind)")
            }
            var reader = InstructionReader(tokens: tokens, line: number, file: file, limits: limits)
            let instruction = try reader.read()
            try admit(instruction, into: component, line: number, column: first.column)
        }

        private func firstNonText(_ line: ArraySlice<UInt8>) -> (Int, UInt8)? {
            var index = line.startIndex
            while index < line.endIndex {
                let byte = line[index]
                if byte == 9 || (byte >= 32 && byte < 127) {
                    index += 1
                    continue
                }
                if byte >= 0xC2 && byte <= 0xF4, let length = utf8Length(line, at: index) {
                    index += length
                    continue
                }
                return (index - line.startIndex, byte)
            }
            return nil
        }

        private func utf8Length(_ line: ArraySlice<UInt8>, at index: Int) -> Int? {
            let lead = line[index]
            let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            guard index + length <= line.endIndex else { return nil }
            for offset in 1..<length where line[index + offset] & 0xC0 != 0x80 { return nil }
            return length
        }

        private mutating func expectHeader(
            _ line: ArraySlice<UInt8>, tokens: [Token], number: Int
        ) throws {
            let text = String(decoding: line, as: UTF8.self)
            let trimmed = text.drop(while: { $0 == " " || $0 == "\t" })
            if trimmed.isEmpty { return }
            guard trimmed.hasPrefix(ProgramPrinter.header) else {
                throw error(
                    number, 1,
                    "expected the header '\(ProgramPrinter.header)', found '\(text.prefix(40))'")
            }
            let rest = trimmed.dropFirst(ProgramPrinter.header.count)
            if let next = rest.first, next != " " {
                throw error(
                    number, ProgramPrinter.header.count + 1,
                    "expected format version 1 ('\(ProgramPrinter.header)'), found '\(text)'")
            }
            sawHeader = true
        }

        private mutating func startComponent(_ tokens: [Token], number: Int) throws {
            // def NAME ( ) :
            guard tokens.count >= 2, case let .word(name) = tokens[1].kind,
                  let component = Component(name: name)
            else {
                let found = tokens.count >= 2 ? "\(tokens[1].kind)" : "end of line"
                throw error(
                    number, tokens.count >= 2 ? tokens[1].column : 4,
                    "expected 'setup', 'predict' or 'learn' after 'def', found \(found)")
            }
            let expected: [Token.Kind] = [.symbol("("), .symbol(")"), .symbol(":")]
            for (offset, kind) in expected.enumerated() {
                let position = 2 + offset
                guard position < tokens.count, tokens[position].kind == kind else {
                    let column = position < tokens.count
                        ? tokens[position].column : (tokens.last.map { $0.column + 1 } ?? 1)
                    let found = position < tokens.count ? "\(tokens[position].kind)" : "end of line"
                    throw error(number, column, "expected \(kind) in 'def \(name)():', found \(found)")
                }
            }
            if tokens.count > 5 {
                throw error(
                    number, tokens[5].column, "expected end of line, found \(tokens[5].kind)")
            }
            guard !seen.contains(component) else {
                throw error(number, tokens[1].column, "component '\(name)' is defined twice")
            }
            seen.insert(component)
            current = component
        }

        private mutating func admit(
            _ instruction: Instruction, into component: Component, line: Int, column: Int
        ) throws {
            let maximum = min(
                limits.maximumSizes[component.rawValue], ProgramLimits.hardMaximumSize)
            guard program[component].count < maximum else {
                throw error(
                    line, column,
                    "expected at most \(maximum) instructions in '\(component.name)',"
                        + " found more")
            }
            if let allowed = limits.allowedOps?[component.rawValue],
               !allowed.contains(instruction.op) {
                let names = allowed.map(\.name).sorted().joined(separator: ", ")
                throw error(
                    line, column,
                    "expected one of the ops the search space allows in '\(component.name)'"
                        + " (\(names)), found \(instruction.op.name)")
            }
            program[component].append(instruction)
        }

        func finish(lineCount: Int) throws -> Program {
            guard sawHeader else {
                throw error(
                    max(1, lineCount - 1), 1,
                    "expected the header '\(ProgramPrinter.header)', found end of file")
            }
            return program
        }
    }
}
