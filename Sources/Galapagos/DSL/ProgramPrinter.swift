/// Writes programs in the canonical `.gal` text format.
///
/// ```
/// # galapagos program v1 · searchspace linear_demo
/// def setup():
///   s2 = 0.2
/// def predict():
///   s1 = dot(v0, v1)
/// def learn():
///   s3 = s0 - s1
/// ```
///
/// Constants print in Swift's shortest round-trip form, so parsing the text gives back the same
/// bits. Printing is canonical: `print(parse(text))` is stable.
public enum ProgramPrinter {
    /// The first line of every program file, before the optional search-space name.
    public static let header = "# galapagos program v1"

    /// The full text of a program, header included.
    ///
    /// - Parameters:
    ///   - program: The program to print.
    ///   - searchSpace: A search-space name for the header, if known.
    public static func print(_ program: Program, searchSpace: String? = nil) -> String {
        // Built as UTF-8 bytes and turned into a String once: checkpoints print thousands of
        // programs, and byte appends are several times cheaper than String appends.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64 + 24 * program.instructionCount)
        bytes.append(contentsOf: header.utf8)
        if let searchSpace, !searchSpace.isEmpty {
            bytes.append(contentsOf: " · searchspace ".utf8)
            bytes.append(contentsOf: searchSpace.utf8)
        }
        bytes.append(newline)
        for component in Component.allCases {
            bytes.append(contentsOf: "def ".utf8)
            bytes.append(contentsOf: component.name.utf8)
            bytes.append(contentsOf: "():".utf8)
            bytes.append(newline)
            for instruction in program[component] {
                bytes.append(space)
                bytes.append(space)
                append(instruction, to: &bytes)
                bytes.append(newline)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// One instruction as it appears in program text, without indentation.
    public static func format(_ instruction: Instruction) -> String {
        var bytes: [UInt8] = []
        append(instruction, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let newline = UInt8(ascii: "\n")
    private static let space = UInt8(ascii: " ")

    /// Appends one instruction's text.
    static func append(_ instruction: Instruction, to bytes: inout [UInt8]) {
        let info = instruction.op.info
        guard let outKind = info.output else {
            bytes.append(contentsOf: "nop".utf8)
            return
        }
        appendRegister(outKind, instruction.output, to: &bytes)
        switch info.syntax {
        case .nothing:
            break  // handled above: only nop has no output
        case let .infix(symbol):
            bytes.append(contentsOf: " = ".utf8)
            appendRegister(info.inputs[0], instruction.input1, to: &bytes)
            bytes.append(space)
            bytes.append(contentsOf: symbol.utf8)
            bytes.append(space)
            appendRegister(info.inputs[1], instruction.input2, to: &bytes)
        case let .call(name):
            bytes.append(contentsOf: " = ".utf8)
            bytes.append(contentsOf: name.utf8)
            bytes.append(UInt8(ascii: "("))
            appendRegister(info.inputs[0], instruction.input1, to: &bytes)
            if info.inputs.count > 1 {
                bytes.append(contentsOf: ", ".utf8)
                appendRegister(info.inputs[1], instruction.input2, to: &bytes)
            }
            bytes.append(UInt8(ascii: ")"))
        case .constant:
            bytes.append(contentsOf: " = ".utf8)
            bytes.append(contentsOf: constant(instruction.constant1).utf8)
        case .elementConstant:
            bytes.append(UInt8(ascii: "["))
            appendDecimal(instruction.index1, to: &bytes)
            if info.indexCount == 2 {
                bytes.append(contentsOf: ", ".utf8)
                appendDecimal(instruction.index2, to: &bytes)
            }
            bytes.append(contentsOf: "] = ".utf8)
            bytes.append(contentsOf: constant(instruction.constant1).utf8)
        case let .random(name):
            bytes.append(contentsOf: " = ".utf8)
            bytes.append(contentsOf: name.utf8)
            bytes.append(UInt8(ascii: "("))
            bytes.append(contentsOf: constant(instruction.constant1).utf8)
            bytes.append(contentsOf: ", ".utf8)
            bytes.append(contentsOf: constant(instruction.constant2).utf8)
            bytes.append(UInt8(ascii: ")"))
        }
    }

    private static func appendRegister(_ kind: ValueKind, _ index: UInt16, to bytes: inout [UInt8]) {
        switch kind {
        case .scalar: bytes.append(UInt8(ascii: "s"))
        case .vector: bytes.append(UInt8(ascii: "v"))
        case .matrix: bytes.append(UInt8(ascii: "m"))
        }
        appendDecimal(index, to: &bytes)
    }

    private static func appendDecimal(_ value: UInt16, to bytes: inout [UInt8]) {
        if value >= 10 { appendDecimal(value / 10, to: &bytes) }
        bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// A register name such as `s1`, `v0` or `m2`.
    public static func register(_ kind: ValueKind, _ index: UInt16) -> String {
        "\(kind.letter)\(index)"
    }

    /// A constant in its shortest form that parses back to the same bits.
    public static func constant(_ value: Double) -> String {
        value.description
    }
}
