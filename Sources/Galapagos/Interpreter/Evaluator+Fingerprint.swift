extension Evaluator {
    /// A hash of what a program predicts on the first steps of a task: the functional
    /// fingerprint the FEC cache keys on.
    ///
    /// Runs `setup`, then `trainSteps` training steps (predict and learn, in the first epoch's
    /// order) and `validSteps` validation predictions, exactly as a full evaluation would begin,
    /// and hashes each prediction rounded to single precision (so that programs that differ
    /// only in rounding share a fingerprint). Early stopping is part of the fingerprint.
    public func fingerprint(
        of program: CompiledProgram, on task: TaskDataset, trainSteps: Int, validSteps: Int
    ) -> UInt64 {
        if let training = objective.lossTraining {
            return LossEvaluator(training: training).fingerprint(
                of: program.source, scalars: machine.shape.scalars)
        }
        if let training = objective.policyTraining {
            return PolicyEvaluator(training: training).fingerprint(
                of: program.source, scalars: machine.shape.scalars)
        }
        return program.code.withUnsafeBufferPointer { code in
            let base = code.baseAddress!  // non-nil: CompiledProgram keeps `code` non-empty
            let setup = Segment(base, program.ranges[Component.setup.rawValue])
            let predict = Segment(base, program.ranges[Component.predict.rawValue])
            let learn = Segment(base, program.ranges[Component.learn.rawValue])
            return probe(
                setup: setup, predict: predict, learn: learn, task: task,
                trainSteps: min(trainSteps, task.trainCount),
                validSteps: min(validSteps, task.validCount))
        }
    }

    private func probe(
        setup: Segment, predict: Segment, learn: Segment, task: TaskDataset, trainSteps: Int,
        validSteps: Int
    ) -> UInt64 {
        let memory = machine.memory
        let f = task.features
        let label = MemoryShape.labelScalar
        let prediction = MemoryShape.predictionScalar
        let classify = task.metric.isClassification
        let multiclass = task.isMulticlass
        var hash: UInt64 = 0x243F_6A88_85A3_08D3
        if multiclass, !Self.supportsMulticlass(machine.shape, classes: task.classes) { return hash }
        let logits = memory + machine.layout.offset(.vector, Self.logitsVector)

        machine.wipe()
        machine.random = RandomGenerator(seed: task.programSeed)
        machine.execute(setup.start, count: setup.count)
        for step in 0..<trainSteps {
            let example = Int(task.epochOrder[step])
            let x = task.trainFeatures + example * f
            let y = task.trainLabels[example]
            load(x, f)
            memory[label] = 0
            if multiclass {
                hideOneHot(f)
                machine.execute(predict.start, count: predict.count)
                guard softmaxLogits(task.classes, f) else { return mix(hash, 0xDEAD_0000 &+ UInt64(step)) }
                for k in 0..<task.classes { hash = mix(hash, UInt64(Float(logits[k]).bitPattern)) }
                load(x, f)
                memory[label] = y
                showOneHot(y, f)
                machine.execute(learn.start, count: learn.count)
                continue
            }
            machine.execute(predict.start, count: predict.count)
            if classify { memory[prediction] = Self.sigmoid(memory[prediction]) }
            let output = memory[prediction]
            if !(abs(y - output) <= Self.maximumAbsoluteError) {
                return mix(hash, 0xDEAD_0000 &+ UInt64(step))
            }
            hash = mix(hash, UInt64(Float(output).bitPattern))
            load(x, f)
            memory[label] = y
            machine.execute(learn.start, count: learn.count)
        }
        for example in 0..<validSteps {
            load(task.validFeatures + example * f, f)
            memory[label] = 0
            if multiclass {
                hideOneHot(f)
                machine.execute(predict.start, count: predict.count)
                guard scoreLogits(task.classes, label: 0) != nil else { return mix(hash, 0xBEEF_0000 &+ UInt64(example)) }
                for k in 0..<task.classes { hash = mix(hash, UInt64(Float(logits[k]).bitPattern)) }
                continue
            }
            machine.execute(predict.start, count: predict.count)
            let output = memory[prediction]
            if output.isNaN || (!classify && !(abs(task.validLabels[example] - output) <= Self.maximumAbsoluteError)) {
                return mix(hash, 0xBEEF_0000 &+ UInt64(example))
            }
            hash = mix(hash, UInt64(Float(output).bitPattern))
        }
        return hash
    }

    @inline(__always)
    private func mix(_ hash: UInt64, _ value: UInt64) -> UInt64 {
        var x = hash ^ value
        return RandomGenerator.splitMix(&x)
    }
}
