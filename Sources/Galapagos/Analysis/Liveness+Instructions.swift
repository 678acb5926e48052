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
        var flags = Array(repeating: false, count: program.instructionCount)
        let predictStart = program.setup.count, learnStart = predictStart + program.predict.count
        OpShape.table.withUnsafeBufferPointer { table in
            flags.withUnsafeMutableBufferPointer { flags in
                // `predict` and `learn` feed each other until nothing changes; `setup` only
                // feeds `predict`, so one pass after the fixed point settles it.
                var predictIn = RegisterMask(), learnIn = RegisterMask()
                while true {
                    let predictNeeds = predictIn.subtracting(predictInputs)
                    let learnNeeds = learnIn.subtracting(learnInputs)
                    let nextPredict = backward(
                        program.predict, table, flags, predictStart,
                        liveOut: predictNeeds.union(learnNeeds).union(outputs))
                    let nextLearn = backward(program.learn, table, flags, learnStart, liveOut: predictNeeds)
                    if nextPredict == predictIn && nextLearn == learnIn { break }
                    predictIn = nextPredict
                    learnIn = nextLearn
                }
                _ = backward(program.setup, table, flags, 0, liveOut: predictIn.subtracting(predictInputs))
            }
        }
        return flags
    }

    /// One backward pass over a component on bit masks: sets its instructions' flags (from
    /// `start` in `flags`) and returns the registers it reads before writing.
    @inline(__always)
    private static func backward(
        _ instructions: [Instruction], _ table: UnsafeBufferPointer<OpShape>,
        _ flags: UnsafeMutableBufferPointer<Bool>, _ start: Int, liveOut: RegisterMask
    ) -> RegisterMask {
        var live = liveOut
        instructions.withUnsafeBufferPointer { instructions in
            for position in instructions.indices.reversed() {
                let instruction = instructions[position]
                let shape = table[Int(instruction.op.rawValue)]
                guard let kind = shape.output, live.contains(kind, Int(instruction.output)) else {
                    flags[start + position] = false
                    continue
                }
                flags[start + position] = true
                if !shape.isElementWrite { live.remove(kind, Int(instruction.output)) }
                if let input = shape.input1 { live.insert(input, Int(instruction.input1)) }
                if let input = shape.input2 { live.insert(input, Int(instruction.input2)) }
            }
        }
        return live
    }
}
