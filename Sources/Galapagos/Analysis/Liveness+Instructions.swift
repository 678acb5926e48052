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
        guard let masks = ProtocolMasks(callProtocol, shape: shape) else {
            return Liveness(program, protocol: callProtocol.feeding(shape)).isLive.flatMap { $0 }
        }
        return liveInstructions(program, masks: masks)
    }

    /// ``liveInstructions(_:shape:protocol:)`` with the protocol's masks made already.
    static func liveInstructions(_ program: Program, masks: ProtocolMasks) -> [Bool] {
        let predictInputs = masks.predictInputs
        let learnInputs = masks.learnInputs
        let outputs = masks.outputs
        // Not `Array(repeating:count:)`: its unspecialized allocation looks up type metadata in
        // the runtime's shared table at every call (contended when several workers compile).
        var flags: [Bool] = []
        flags.reserveCapacity(program.instructionCount)
        flags.append(contentsOf: repeatElement(false, count: program.instructionCount))
        let setup = program.range(of: .setup), predict = program.range(of: .predict)
        let learn = program.range(of: .learn)
        OpShape.table.withUnsafeBufferPointer { table in
            flags.withUnsafeMutableBufferPointer { flags in
                program.instructions.withUnsafeBufferPointer { instructions in
                    // `predict` and `learn` feed each other until nothing changes; `setup` only
                    // feeds `predict`, so one pass after the fixed point settles it.
                    var predictIn = RegisterMask(), learnIn = RegisterMask()
                    while true {
                        let predictNeeds = predictIn.subtracting(predictInputs)
                        let learnNeeds = learnIn.subtracting(learnInputs)
                        let nextPredict = backward(
                            instructions, predict, table, flags,
                            liveOut: predictNeeds.union(learnNeeds).union(outputs))
                        let nextLearn = backward(instructions, learn, table, flags, liveOut: predictNeeds)
                        if nextPredict == predictIn && nextLearn == learnIn { break }
                        predictIn = nextPredict
                        learnIn = nextLearn
                    }
                    _ = backward(instructions, setup, table, flags, liveOut: predictIn.subtracting(predictInputs))
                }
            }
        }
        return flags
    }

    /// One backward pass over a component (its `range` of the program's instructions) on bit
    /// masks: sets its instructions' flags and returns the registers it reads before writing.
    @inline(__always)
    private static func backward(
        _ instructions: UnsafeBufferPointer<Instruction>, _ range: Range<Int>,
        _ table: UnsafeBufferPointer<OpShape>, _ flags: UnsafeMutableBufferPointer<Bool>,
        liveOut: RegisterMask
    ) -> RegisterMask {
        var live = liveOut
        for position in range.reversed() {
            let instruction = instructions[position]
            let shape = table[Int(instruction.op.rawValue)]
            guard let kind = shape.output, live.contains(kind, Int(instruction.output)) else {
                flags[position] = false
                continue
            }
            flags[position] = true
            if !shape.isElementWrite { live.remove(kind, Int(instruction.output)) }
            if let input = shape.input1 { live.insert(input, Int(instruction.input1)) }
            if let input = shape.input2 { live.insert(input, Int(instruction.input2)) }
        }
        return live
    }
}
