/// Which inputs a program's prediction can depend on: the current example's features, and
/// labels seen by earlier `learn` calls.
///
/// A learner's prediction depends on both: the features of the example it predicts, and state
/// that `learn` moved with the labels. Most random programs have neither (they predict a
/// constant), or only the first (a fixed function of the features, which cannot adapt to a
/// task). This analysis lets the engine draw first populations that can learn at all.
///
/// It is a forward taint analysis over the evaluation protocol (see ``Liveness`` for the order
/// of calls): a register carries the *feature* mark while it holds a value computed from this
/// call's `v0`, and the *label* mark while it holds a value computed from a label given to
/// `learn`. An instruction's output takes the marks of its inputs (an element write keeps its
/// register's own marks too); the label marks that survive `learn` are fed to the next
/// `predict`, until nothing changes. It over-approximates (a product with zero still depends on
/// its inputs), which is what a filter for initial programs needs.
struct InformationFlow {
    /// Whether the prediction after `predict` can depend on the example's features.
    let predictionReadsFeatures: Bool
    /// Whether the prediction after `predict` can depend on labels that `learn` saw.
    let predictionReadsLabels: Bool

    /// Whether the program can be a learner: its prediction depends on both.
    var canLearn: Bool { predictionReadsFeatures && predictionReadsLabels }

    private static let feature: UInt8 = 1
    private static let label: UInt8 = 2

    init(_ program: Program, shape: MemoryShape, protocol callProtocol: CallProtocol = .scalar) {
        let counts = ValueKind.allCases.map { shape.count(of: $0) }
        let offsets = counts.indices.map { counts[..<$0].reduce(0, +) }
        func slot(_ register: Register) -> Int? {
            let kind = Int(register.kind.rawValue)
            guard counts.indices.contains(kind), register.index >= 0, register.index < counts[kind] else {
                return nil
            }
            return offsets[kind] + register.index
        }
        var marks = [UInt8](repeating: 0, count: counts.reduce(0, +))

        func run(_ instructions: [Instruction]) {
            for instruction in instructions {
                guard let output = instruction.outputRegister, let target = slot(output) else { continue }
                var mark: UInt8 = instruction.isElementWrite ? marks[target] : 0
                for input in instruction.inputRegisters {
                    if let source = slot(input) { mark |= marks[source] }
                }
                marks[target] = mark
            }
        }
        func set(_ registers: Set<Register>, to mark: UInt8) {
            for register in registers { if let index = slot(register) { marks[index] = mark } }
        }
        func outputMarks() -> UInt8 {
            callProtocol.outputs.reduce(0) { result, register in result | (slot(register).map { marks[$0] } ?? 0) }
        }

        // Setup reads nothing the evaluator provides, so it leaves no marks.
        var carried = [UInt8](repeating: 0, count: marks.count)
        var prediction: UInt8 = 0
        for _ in 0..<(marks.count + 2) {
            // predict: label marks carried from learn; feature marks only from this call's v0.
            marks = carried.map { $0 & Self.label }
            set(callProtocol.predictInputs, to: 0)
            set([.features], to: Self.feature)
            run(program.predict)
            prediction = outputMarks()
            // learn: the evaluator rewrites its inputs; the label is the one marked source.
            set(callProtocol.learnInputs.subtracting(callProtocol.outputs), to: 0)
            set([.features], to: Self.feature)
            set([.label], to: Self.label)
            if callProtocol.learnInputs.contains(.oneHot) { set([.oneHot], to: Self.label) }
            run(program.learn)
            // Marks only accumulate, so this reaches a fixed point.
            let next = zip(carried, marks).map { $0 | ($1 & Self.label) }
            if next == carried { break }
            carried = next
        }
        predictionReadsFeatures = prediction & Self.feature != 0
        predictionReadsLabels = prediction & Self.label != 0
    }
}
