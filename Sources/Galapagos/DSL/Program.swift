/// A program: three straight-line component functions.
///
/// Programs are plain values: copy one, mutate the copy, and the original is untouched.
/// ``ProgramPrinter`` writes the canonical `.gal` text, ``ProgramParser`` reads it back, and
/// `ProgramParser.parse(ProgramPrinter.print(p)) == p` holds bit for bit.
///
/// The three components live back to back in one buffer (``instructions``): a child copied
/// from its parent (``init(unsharedCopyOf:)``) and mutated allocates once and shares no
/// storage with the parent.
public struct Program: Hashable, Sendable {
    /// Every instruction: setup, then predict, then learn.
    public private(set) var instructions: [Instruction]
    /// Where predict begins in ``instructions``.
    private var predictStart: Int
    /// Where learn begins in ``instructions``.
    private var learnStart: Int

    /// Creates a program from its three components.
    public init(setup: [Instruction] = [], predict: [Instruction] = [], learn: [Instruction] = []) {
        var instructions: [Instruction] = []
        instructions.reserveCapacity(setup.count + predict.count + learn.count)
        instructions.append(contentsOf: setup)
        instructions.append(contentsOf: predict)
        instructions.append(contentsOf: learn)
        self.instructions = instructions
        predictStart = setup.count
        learnStart = setup.count + predict.count
    }

    /// A program with no instructions, made without allocating.
    static var empty: Program {
        Program(instructions: [], predictStart: 0, learnStart: 0)
    }

    private init(instructions: [Instruction], predictStart: Int, learnStart: Int) {
        self.instructions = instructions
        self.predictStart = predictStart
        self.learnStart = learnStart
    }

    /// A copy of `other` that shares no storage with it, with room for one instruction more
    /// (so that the usual mutations change it in place).
    public init(unsharedCopyOf other: borrowing Program) {
        self = other.instructions.withUnsafeBufferPointer {
            Program(copying: UnsafeView(
                instructions: $0, predictStart: other.predictStart, learnStart: other.learnStart))
        }
    }

    /// A program's instructions through a pointer that does not keep them alive, for copying
    /// them on another thread without touching their storage's reference count (a count
    /// bumped from several cores passes its cache line between them at every bump).
    ///
    /// Valid only while the program it was taken from is alive and unchanged: its owner must
    /// keep it so until every copy through the view is made. (The pointer outlives the
    /// `withUnsafeBufferPointer` call it comes from; a native array's elements stay where they
    /// are for as long as its storage is alive and not mutated, which is what the owner keeps.)
    struct UnsafeView: @unchecked Sendable {
        fileprivate let instructions: UnsafeBufferPointer<Instruction>
        fileprivate let predictStart: Int
        fileprivate let learnStart: Int
    }

    /// This program's instructions through a pointer (see ``UnsafeView``).
    var unsafeView: UnsafeView {
        instructions.withUnsafeBufferPointer {
            UnsafeView(instructions: $0, predictStart: predictStart, learnStart: learnStart)
        }
    }

    /// A copy of the program `view` shows, with room for one instruction more (so that the
    /// usual mutations change it in place).
    init(copying view: UnsafeView) {
        // Reserved and appended rather than `init(unsafeUninitializedCapacity:)`, whose
        // unspecialized allocation looks up the storage's type metadata in the runtime's shared
        // table at every call (a contended atomic when several workers copy at once).
        var instructions: [Instruction] = []
        instructions.reserveCapacity(view.instructions.count + 1)
        instructions.append(contentsOf: view.instructions)
        self.instructions = instructions
        predictStart = view.predictStart
        learnStart = view.learnStart
    }

    /// The positions of one component's instructions in ``instructions``.
    @inline(__always)
    public func range(of component: Component) -> Range<Int> {
        switch component {
        case .setup: 0..<predictStart
        case .predict: predictStart..<learnStart
        case .learn: learnStart..<instructions.count
        }
    }

    /// The number of instructions of one component.
    @inline(__always)
    public func count(of component: Component) -> Int {
        range(of: component).count
    }

    /// The instructions of one component, without copying them.
    @inline(__always)
    public func instructions(of component: Component) -> ArraySlice<Instruction> {
        instructions[range(of: component)]
    }

    /// The instructions of one component, as an array of their own.
    public subscript(component: Component) -> [Instruction] {
        get { Array(instructions(of: component)) }
        set { replace(component, with: newValue) }
    }

    /// One instruction, by its position in its component.
    public subscript(component: Component, position: Int) -> Instruction {
        get { instructions[range(of: component).lowerBound + position] }
        set { instructions[range(of: component).lowerBound + position] = newValue }
    }

    /// Inserts an instruction into a component at `position` (0 through its count).
    public mutating func insert(_ instruction: Instruction, at position: Int, in component: Component) {
        instructions.insert(instruction, at: range(of: component).lowerBound + position)
        shift(after: component, by: 1)
    }

    /// Removes the instruction at `position` of a component.
    public mutating func remove(at position: Int, in component: Component) {
        instructions.remove(at: range(of: component).lowerBound + position)
        shift(after: component, by: -1)
    }

    /// Replaces a component's instructions.
    public mutating func replace<C: Collection<Instruction>>(_ component: Component, with new: C) {
        let old = range(of: component)
        instructions.replaceSubrange(old, with: new)
        shift(after: component, by: new.count - old.count)
    }

    /// Moves the starts of the components after `component` by `delta`.
    private mutating func shift(after component: Component, by delta: Int) {
        switch component {
        case .setup:
            predictStart += delta
            learnStart += delta
        case .predict:
            learnStart += delta
        case .learn:
            break
        }
    }

    /// The instructions of each component, indexed by ``Component/rawValue``. Setting it
    /// replaces all three (components beyond the third are ignored, missing ones are empty).
    public var components: [[Instruction]] {
        get { Component.allCases.map { self[$0] } }
        set {
            self = Program(
                setup: newValue.count > 0 ? newValue[0] : [],
                predict: newValue.count > 1 ? newValue[1] : [],
                learn: newValue.count > 2 ? newValue[2] : [])
        }
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
    public var instructionCount: Int { instructions.count }
}
