/// A program: three straight-line component functions.
///
/// Programs are plain values: copy one, mutate the copy, and the original is untouched.
/// ``ProgramPrinter`` writes the canonical `.gal` text, ``ProgramParser`` reads it back, and
/// `ProgramParser.parse(ProgramPrinter.print(p)) == p` holds bit for bit.
public struct Program: Hashable, Sendable {
    /// The instructions of each component, indexed by ``Component/rawValue``.
    public var components: [[Instruction]]

    /// Creates a program from its three components.
    public init(setup: [Instruction] = [], predict: [Instruction] = [], learn: [Instruction] = []) {
        components = [setup, predict, learn]
    }

    /// The instructions of one component.
    public subscript(component: Component) -> [Instruction] {
        get { components[component.rawValue] }
        set { components[component.rawValue] = newValue }
    }

    public var setup: [Instruction] {
        get { self[.setup] }
        set { self[.setup] = newValue }
    }

    public var predict: [Instruction] {
        get { self[.predict] }
        set { self[.predict] = newValue }
    }

    public var learn: [Instruction] {
        get { self[.learn] }
        set { self[.learn] = newValue }
    }

    /// The total number of instructions.
    public var instructionCount: Int { components.reduce(0) { $0 + $1.count } }
}
