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
        var text = header
        if let searchSpace, !searchSpace.isEmpty { text += " · searchspace \(searchSpace)" }
        text += "\n"
        for component in Component.allCases {
            text += "def \(component.name)():\n"
            for instruction in program[component] {
                text += "  \(format(instruction))\n"
            }
        }
        return text
    }

    /// One instruction as it appears in program text, without indentation.
    public static func format(_ instruction: Instruction) -> String {
        let info = instruction.op.info
        guard let outKind = info.output else { return "nop" }
        let out = register(outKind, instruction.output)
        let args = instruction.inputs.map { register($0.kind, UInt16($0.index)) }
        switch info.syntax {
        case .nothing:
            return "nop"
        case let .infix(symbol):
            return "\(out) = \(args[0]) \(symbol) \(args[1])"
        case let .call(name):
            return "\(out) = \(name)(\(args.joined(separator: ", ")))"
        case .constant:
            return "\(out) = \(constant(instruction.constant1))"
        case .elementConstant:
            let index = info.indexCount == 1
                ? "\(instruction.index1)" : "\(instruction.index1), \(instruction.index2)"
            return "\(out)[\(index)] = \(constant(instruction.constant1))"
        case let .random(name):
            return "\(out) = \(name)(\(constant(instruction.constant1)), "
                + "\(constant(instruction.constant2)))"
        }
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
