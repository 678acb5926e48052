/// Which instructions of a program can influence what the evaluator observes, across components
/// and across calls.
///
/// The evaluation protocol (see ``Evaluator``) fixes the order of calls: `setup` once, then any
/// number of `predict` calls, each of which may be followed by `learn`; `learn` is always
/// followed by `predict` (or by nothing). The evaluator reads `s1` after every `predict` and
/// writes `v0` and `s0` before every `predict` and `learn`. So a register's value at the end of
/// a component matters exactly when the next component that may run can read it:
///
/// - after `setup`: what `predict` reads before writing;
/// - after `predict`: `s1`, and what `predict` or `learn` reads before writing;
/// - after `learn`: what `predict` reads before writing;
///
/// never `v0` or `s0`, which the evaluator overwrites. The sets are the least fixed point of
/// these equations, computed register by register; an element write (`v1[2] = c`) keeps the
/// rest of its register, so it does not end the register's liveness.
struct Liveness {
    /// Whether each instruction's result can be observed, per component.
    let isLive: [[Bool]]
    /// The registers that may be read after each instruction, per component.
    let liveAfter: [[Set<Register>]]
    /// Registers a component reads before writing them, per component (`v0` and `s0`
    /// included, although for `predict` and `learn` the evaluator provides them).
    let liveIn: [Set<Register>]
    /// Registers whose value at the end of a component may be read later, per component.
    let liveOut: [Set<Register>]
    /// What the evaluator writes and reads around the calls.
    let callProtocol: CallProtocol

    init(_ program: Program, protocol callProtocol: CallProtocol = .scalar) {
        self.callProtocol = callProtocol
        var liveIn: [Set<Register>] = [[], [], []]
        var liveOut: [Set<Register>] = [[], [], []]
        var isLive: [[Bool]] = []
        var liveAfter: [[Set<Register>]] = []
        while true {
            let predictIn = liveIn[Component.predict.rawValue].subtracting(callProtocol.predictInputs)
            let learnIn = liveIn[Component.learn.rawValue].subtracting(callProtocol.learnInputs)
            liveOut = [
                predictIn,
                predictIn.union(learnIn).union(callProtocol.outputs),
                predictIn,
            ]
            isLive = []
            liveAfter = []
            var next: [Set<Register>] = []
            for component in Component.allCases {
                let pass = Self.backward(program.instructions(of: component), liveOut: liveOut[component.rawValue])
                isLive.append(pass.isLive)
                liveAfter.append(pass.liveAfter)
                next.append(pass.liveIn)
            }
            if next == liveIn { break }
            liveIn = next
        }
        self.isLive = isLive
        self.liveAfter = liveAfter
        self.liveIn = liveIn
        self.liveOut = liveOut
    }

    /// One backward pass over a component.
    private static func backward(
        _ instructions: ArraySlice<Instruction>, liveOut: Set<Register>
    ) -> (isLive: [Bool], liveAfter: [Set<Register>], liveIn: Set<Register>) {
        var live = liveOut
        var isLive = Array(repeating: false, count: instructions.count)
        var liveAfter = Array(repeating: Set<Register>(), count: instructions.count)
        for (position, instruction) in instructions.enumerated().reversed() {
            liveAfter[position] = live
            guard let output = instruction.outputRegister, live.contains(output) else { continue }
            isLive[position] = true
            if !instruction.isElementWrite { live.remove(output) }
            live.formUnion(instruction.inputRegisters)
        }
        return (isLive, liveAfter, live)
    }

    /// Registers that `predict` reads before writing and also writes, other than what the
    /// evaluator provides (`v0`, `s0` and the input scalars, which it rewrites before every
    /// call): the prediction then depends on the examples predicted before. In a predict-only
    /// program (no `setup`, no `learn`) that is never a model, only a function of the order of
    /// the examples.
    static func carriedAcrossPredictions(
        _ program: Program, shape: MemoryShape, protocol callProtocol: CallProtocol = .scalar
    ) -> Set<Register> {
        let rewritten = callProtocol.feeding(shape)
        let liveness = Liveness(program, protocol: rewritten)
        return liveness.liveIn[Component.predict.rawValue]
            .subtracting(rewritten.predictInputs)
            .intersection(program.predict.compactMap(\.outputRegister))
    }

    /// The registers whose values must survive from one call to the next: what `predict` and
    /// `learn` read before writing (other than `v0` and `s0`) and what each component leaves for
    /// a later one. These are the program's state; every other register is a temporary.
    var state: Set<Register> {
        var result = Set<Register>()
        for set in liveOut { result.formUnion(set) }
        result.formUnion(liveIn[Component.predict.rawValue])
        result.formUnion(liveIn[Component.learn.rawValue])
        return result.subtracting(callProtocol.predictInputs.intersection(callProtocol.learnInputs))
    }
}

extension Liveness {
    /// Whether a predict-only program's prediction reads what an earlier prediction left in
    /// memory: ``carriedAcrossPredictions(_:shape:protocol:)`` is not empty. The engine asks this of every
    /// child in predict-only spaces, so it is one backward pass over `predict` on bit masks
    /// (falling back to the full analysis for register files wider than 64).
    ///
    /// One pass from the outputs suffices: a register carried in the full fixed point is read
    /// before it is written by a live instruction, and a live instruction stays live when the
    /// carried registers are added to the live-out set.
    static func predictCarriesState(
        _ program: Program, shape: MemoryShape, protocol callProtocol: CallProtocol = .scalar
    ) -> Bool {
        guard shape.scalars <= 64, shape.vectors <= 64, shape.matrices <= 64 else {
            return !carriedAcrossPredictions(program, shape: shape, protocol: callProtocol).isEmpty
        }
        return predictCarriesState(
            program, outputs: RegisterMask(callProtocol.outputs),
            provided: RegisterMask(callProtocol.feeding(shape).predictInputs))
    }

    /// ``predictCarriesState(_:shape:protocol:)`` with the protocol's masks made already: its
    /// outputs, and the registers it writes before every `predict` (input scalars included).
    static func predictCarriesState(_ program: Program, outputs: RegisterMask, provided: RegisterMask) -> Bool {
        var live = outputs, written = RegisterMask()
        for instruction in program.instructions(of: .predict).reversed() {
            let info = instruction.op.info
            guard let kind = info.output else { continue }
            let output = Int(instruction.output)
            written.insert(kind, output)
            guard live.contains(kind, output) else { continue }
            if info.indexCount == 0 { live.remove(kind, output) }
            for (position, input) in info.inputs.enumerated() {
                live.insert(input, Int(position == 0 ? instruction.input1 : instruction.input2))
            }
        }
        return live.intersects(written, excluding: provided)
    }
}
