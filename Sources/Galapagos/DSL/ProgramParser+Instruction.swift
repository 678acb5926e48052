/// The key under which the parser finds an op from what it reads on a line.
private struct OpSignature: Hashable {
    var spelling: String
    var output: ValueKind
    var inputs: [ValueKind]
}

/// Reads one instruction from the tokens of a line.
struct InstructionReader {
    let tokens: [Token]
    let line: Int
    let file: String
    let limits: ProgramLimits
    private var position = 0

    init(tokens: [Token], line: Int, file: String, limits: ProgramLimits) {
        self.tokens = tokens
        self.line = line
        self.file = file
        self.limits = limits
    }

    private static let opsBySignature: [OpSignature: Op] = {
        var table: [OpSignature: Op] = [:]
        for op in Op.allCases {
            let info = op.info
            guard let output = info.output else { continue }
            switch info.syntax {
            case let .infix(symbol):
                table[OpSignature(spelling: symbol, output: output, inputs: info.inputs)] = op
            case let .call(name), let .random(name):
                table[OpSignature(spelling: name, output: output, inputs: info.inputs)] = op
            case .nothing, .constant, .elementConstant:
                break
            }
        }
        return table
    }()

    /// Every spelling (op name or infix symbol) with its signatures, for error messages.
    private static let signaturesBySpelling: [String: [OpSignature]] = Dictionary(
        grouping: opsBySignature.keys, by: \.spelling)

    private func error(_ column: Int, _ message: String) -> GalapagosError {
        .program(SourceLocation(file: file, line: line, column: column), message)
    }

    private var endColumn: Int {
        guard let last = tokens.last else { return 1 }
        switch last.kind {
        case let .word(text), let .symbol(text), let .number(_, text):
            return last.column + text.utf8.count
        }
    }

    private func describeCurrent() -> String {
        position < tokens.count ? "\(tokens[position].kind)" : "end of line"
    }

    private var currentColumn: Int {
        position < tokens.count ? tokens[position].column : endColumn
    }

    private mutating func expect(_ symbol: String) throws {
        guard position < tokens.count, tokens[position].kind == .symbol(symbol) else {
            throw error(currentColumn, "expected '\(symbol)', found \(describeCurrent())")
        }
        position += 1
    }

    private mutating func expectEnd() throws {
        guard position == tokens.count else {
            throw error(currentColumn, "expected end of line, found \(describeCurrent())")
        }
    }

    /// Reads `s3`, `v0`, `m1`; checks the index against the memory shape.
    private mutating func register() throws -> (kind: ValueKind, index: Int) {
        let column = currentColumn
        guard position < tokens.count, case let .word(text) = tokens[position].kind,
              let parsed = Self.parseRegister(text)
        else {
            throw error(
                column, "expected a register such as s1, v0 or m0, found \(describeCurrent())")
        }
        position += 1
        let limit = limits.shape?.count(of: parsed.kind) ?? MemoryShape.maximumRegisters
        guard parsed.index < limit else {
            throw error(
                column,
                "expected a \(parsed.kind) register \(parsed.kind.letter)0…\(parsed.kind.letter)"
                    + "\(limit - 1), found \(text) (out of range)")
        }
        return parsed
    }

    static func parseRegister(_ text: String) -> (kind: ValueKind, index: Int)? {
        guard let letter = text.first, text.count >= 2, text.count <= 6 else { return nil }
        let kind: ValueKind
        switch letter {
        case "s": kind = .scalar
        case "v": kind = .vector
        case "m": kind = .matrix
        default: return nil
        }
        let digits = text.dropFirst()
        guard digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
              digits.count == 1 || digits.first != "0", let index = Int(digits)
        else { return nil }
        return (kind, index)
    }

    /// Reads a finite numeric constant.
    private mutating func constant() throws -> Double {
        let column = currentColumn
        guard position < tokens.count, case let .number(value, text) = tokens[position].kind else {
            throw error(column, "expected a number, found \(describeCurrent())")
        }
        guard value.isFinite else {
            throw error(column, "expected a finite constant, found \(text)")
        }
        position += 1
        return value
    }

    /// Reads an element index and checks it against the feature size.
    private mutating func elementIndex() throws -> Int {
        let column = currentColumn
        let features = limits.shape?.features ?? MemoryShape.maximumFeatures
        guard position < tokens.count, case let .number(value, text) = tokens[position].kind,
              value >= 0, value < Double(features), value == value.rounded(),
              !text.contains("."), !text.contains("e"), !text.contains("E")
        else {
            throw error(
                column,
                "expected an element index 0…\(features - 1), found \(describeCurrent())")
        }
        position += 1
        return Int(value)
    }

    mutating func read() throws -> Instruction {
        if tokens.count == 1, case .word("nop") = tokens[0].kind { return .nop }
        let target = try register()
        var indices: [Int] = []
        if position < tokens.count, tokens[position].kind == .symbol("[") {
            let column = tokens[position].column
            position += 1
            indices.append(try elementIndex())
            if position < tokens.count, tokens[position].kind == .symbol(",") {
                position += 1
                indices.append(try elementIndex())
            }
            try expect("]")
            let wanted = target.kind == .vector ? 1 : target.kind == .matrix ? 2 : 0
            guard indices.count == wanted else {
                throw error(
                    column,
                    target.kind == .scalar
                        ? "expected '=' after a scalar register, found '[' (scalars have no elements)"
                        : "expected \(wanted) index\(wanted == 1 ? "" : "es") for a \(target.kind),"
                            + " found \(indices.count)")
            }
        }
        try expect("=")
        let instruction = try readRightSide(target: target, indices: indices)
        try expectEnd()
        return instruction
    }

    private mutating func readRightSide(
        target: (kind: ValueKind, index: Int), indices: [Int]
    ) throws -> Instruction {
        let column = currentColumn
        guard position < tokens.count else {
            throw error(column, "expected an expression after '=', found end of line")
        }
        if !indices.isEmpty {
            let value = try constant()
            let op: Op = target.kind == .vector ? .vectorConstSet : .matrixConstSet
            return Instruction(
                op, output: target.index, index1: indices[0],
                index2: indices.count > 1 ? indices[1] : 0, constant1: value)
        }
        switch tokens[position].kind {
        case .number:
            guard target.kind == .scalar else {
                throw error(
                    column,
                    "expected an expression for \(target.kind) register"
                        + " \(target.kind.letter)\(target.index), found a constant"
                        + " (constants go into scalars or elements such as v1[0])")
            }
            return Instruction(.scalarConstSet, output: target.index, constant1: try constant())
        case let .word(name) where Self.parseRegister(name) == nil:
            return try readCall(name: name, target: target)
        case .word:
            let first = try register()
            let symbolColumn = currentColumn
            guard position < tokens.count, case let .symbol(symbol) = tokens[position].kind,
                  ["+", "-", "*", "/", "@"].contains(symbol)
            else {
                throw error(
                    symbolColumn,
                    "expected an operator (+ - * / @), found \(describeCurrent())"
                        + " (copying a register is written as a function such as abs)")
            }
            position += 1
            let second = try register()
            return try resolve(
                spelling: symbol, display: "'\(symbol)'", column: symbolColumn, target: target,
                inputs: [first, second], constants: [])
        default:
            throw error(
                column, "expected a register, op or number after '=', found \(describeCurrent())")
        }
    }

    private mutating func readCall(
        name: String, target: (kind: ValueKind, index: Int)
    ) throws -> Instruction {
        let nameColumn = currentColumn
        guard Self.signaturesBySpelling[name] != nil else {
            let known = Set(Self.signaturesBySpelling.keys.filter { $0.first?.isLetter == true })
            throw error(
                nameColumn,
                "expected an op (\(known.sorted().joined(separator: ", "))), found unknown op"
                    + " '\(name)'")
        }
        position += 1
        try expect("(")
        var inputs: [(kind: ValueKind, index: Int)] = []
        var constants: [Double] = []
        while true {
            guard position < tokens.count else {
                throw error(currentColumn, "expected an argument or ')', found end of line")
            }
            if tokens[position].kind == .symbol(")"), inputs.isEmpty, constants.isEmpty { break }
            if case .number = tokens[position].kind {
                constants.append(try constant())
            } else {
                inputs.append(try register())
            }
            guard inputs.count + constants.count <= 2 else {
                throw error(currentColumn, "expected at most two arguments to '\(name)'")
            }
            if position < tokens.count, tokens[position].kind == .symbol(",") {
                position += 1
                continue
            }
            break
        }
        try expect(")")
        return try resolve(
            spelling: name, display: "'\(name)'", column: nameColumn, target: target,
            inputs: inputs, constants: constants)
    }

    private func resolve(
        spelling: String, display: String, column: Int, target: (kind: ValueKind, index: Int),
        inputs: [(kind: ValueKind, index: Int)], constants: [Double]
    ) throws -> Instruction {
        let signature = OpSignature(
            spelling: spelling, output: target.kind, inputs: inputs.map(\.kind))
        guard let op = Self.opsBySignature[signature],
              constants.count == op.info.constantCount
        else {
            let found = signature.inputs.map(\.description)
                + constants.map { _ in "constant" }
            let options = (Self.signaturesBySpelling[spelling] ?? []).map { known in
                let args = known.inputs.isEmpty
                    ? "constant, constant" : known.inputs.map(\.description).joined(separator: ", ")
                return "(\(args)) → \(known.output)"
            }.sorted()
            throw error(
                column,
                "expected \(display) with operands \(options.joined(separator: " or ")),"
                    + " found (\(found.joined(separator: ", "))) → \(target.kind)")
        }
        return Instruction(
            op, output: target.index, input1: inputs.count > 0 ? inputs[0].index : 0,
            input2: inputs.count > 1 ? inputs[1].index : 0,
            constant1: constants.count > 0 ? constants[0] : 0,
            constant2: constants.count > 1 ? constants[1] : 0)
    }
}
