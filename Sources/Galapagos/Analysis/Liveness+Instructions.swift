extension Liveness {
    /// Which instructions can influence what the evaluator observes, as one flag per
    /// instruction of `setup`, `predict` and `learn` back to back: ``isLive`` by the same fixed
    /// point, on bit masks.
    ///
    /// The engine asks this of every child it compiles (``CompiledProgram/init(_:shape:keepingLiveFor:)``),
    /// so it allocates only the result; shapes with more than 64 registers of a kind fall back
    /// to the full analysis.
    static func liveInstructions(
        _ program: Program, shape: MemoryShape, protocol callProtocol: CallProtocol
    ) -> [Bool] {
        let callProtocol = callProtocol.feeding(shape)
        guard RegisterMask.fits(shape) else {
            return Liveness(program, protocol: callProtocol).isLive.flatMap { $0 }
        }
        let predictInputs = RegisterMask(callProtocol.predictInputs)
        let learnInputs = RegisterMask(callProtocol.learnInputs)
        let outputs = RegisterMask(callProtocol.outputs)
        let components = [program.setup, program.predict, program.learn]
        let starts = [0, program.setup.count, program.setup.count + program.predict.count]
        var flags = Array(repeating: false, count: program.instructionCount)
        var liveIn = [RegisterMask(), RegisterMask(), RegisterMask()]
        while true {
            let predictIn = liveIn[1].subtracting(predictInputs)
            let learnIn = liveIn[2].subtracting(learnInputs)
            let liveOut = [predictIn, predictIn.union(learnIn).union(outputs), predictIn]
            var next = liveIn
            for component in 0..<3 {
                var live = liveOut[component]
                let instructions = components[component]
                for position in instructions.indices.reversed() {
                    let instruction = instructions[position]
                    let shape = OpShape.table[Int(instruction.op.rawValue)]
                    guard let kind = shape.output, live.contains(kind, Int(instruction.output)) else {
                        flags[starts[component] + position] = false
                        continue
                    }
                    flags[starts[component] + position] = true
                    if !shape.isElementWrite { live.remove(kind, Int(instruction.output)) }
                    if let input = shape.input1 { live.insert(input, Int(instruction.input1)) }
                    if let input = shape.input2 { live.insert(input, Int(instruction.input2)) }
                }
                next[component] = live
            }
            if next == liveIn { return flags }
            liveIn = next
        }
    }
}

/// What the liveness analyses need of an op, in plain values (``OpInfo`` holds a name and an
/// array, whose copies cost reference counting).
struct OpShape {
    var output: ValueKind?
    var input1: ValueKind?
    var input2: ValueKind?
    var isElementWrite: Bool
    var isRandom: Bool

    /// One row per ``Op``, indexed by raw value.
    static let table: [OpShape] = Op.allCases.map { op in
        let info = op.info
        return OpShape(
            output: info.output, input1: info.inputs.first, input2: info.inputs.count > 1 ? info.inputs[1] : nil,
            isElementWrite: info.indexCount > 0, isRandom: info.isRandom)
    }
}
