/// Training a program on a task and predicting new examples, for `galapagos predict`.
extension Evaluator {
    /// What a trained program predicts for one example.
    public enum Prediction: Sendable, Equatable {
        /// Regression: `s1`, in the task's (scaled) target units.
        case value(Double)
        /// Binary classification: sigmoid(`s1`), the probability of class 1.
        case probability(Double)
        /// Multi-class: the softmax of the logits in `v1`, one probability per class.
        case probabilities([Double])
    }

    /// Runs `setup`, then every training epoch of `task` (predict and learn, as evaluation
    /// does, without early stopping), then `predict` alone on each of `inputs` (F features
    /// each, as the task's transform makes them).
    public func predictions(
        of program: CompiledProgram, trainedOn task: TaskDataset, inputs: [[Double]]
    ) -> [Prediction] {
        precondition(program.shape == machine.shape, "program compiled for another shape")
        precondition(task.features == machine.shape.features, "task has another feature size")
        let multiclass = task.isMulticlass
        if multiclass, !Self.supportsMulticlass(machine.shape, classes: task.classes) {
            return inputs.map { _ in .probabilities([]) }
        }
        return program.code.withUnsafeBufferPointer { code in
            let base = code.baseAddress!  // non-nil: CompiledProgram keeps `code` non-empty
            let setup = Segment(base, program.ranges[Component.setup.rawValue])
            let predict = Segment(base, program.ranges[Component.predict.rawValue])
            let learn = Segment(base, program.ranges[Component.learn.rawValue])
            let memory = machine.memory
            let f = task.features
            let label = MemoryShape.labelScalar
            let prediction = MemoryShape.predictionScalar
            let classify = task.metric.isClassification
            machine.wipe()
            machine.random = RandomGenerator(seed: task.programSeed)
            machine.execute(setup.start, count: setup.count)
            for epoch in 0..<task.epochs {
                let order = task.epochOrder + epoch * task.trainCount
                for step in 0..<task.trainCount {
                    let example = Int(order[step])
                    let x = task.trainFeatures + example * f
                    let y = task.trainLabels[example]
                    load(x, f)
                    memory[label] = 0
                    if multiclass { hideOneHot(f) }
                    machine.execute(predict.start, count: predict.count)
                    if multiclass {
                        _ = softmaxLogits(task.classes, f)
                    } else if classify {
                        memory[prediction] = Self.sigmoid(memory[prediction])
                    }
                    load(x, f)
                    memory[label] = y
                    if multiclass { showOneHot(y, f) }
                    machine.execute(learn.start, count: learn.count)
                }
            }
            let logits = memory + machine.layout.offset(.vector, Self.logitsVector)
            var input = [Double](repeating: 0, count: f)
            return inputs.map { row in
                for k in 0..<f { input[k] = k < row.count ? row[k] : 0 }
                // non-nil: `input` holds f ≥ 1 values (the task's feature size).
                input.withUnsafeMutableBufferPointer { load($0.baseAddress!, f) }
                memory[label] = 0
                if multiclass { hideOneHot(f) }
                machine.execute(predict.start, count: predict.count)
                if multiclass {
                    // Read the logits without writing their softmax back: evaluation leaves
                    // `v1` as predict wrote it between held-out examples, and so must this.
                    let values = (0..<task.classes).map { logits[$0] }
                    guard let largest = values.max(), values.allSatisfy(\.isFinite) else {
                        return .probabilities([Double](repeating: .nan, count: task.classes))
                    }
                    let exponentials = values.map { Math.exp($0 - largest) }
                    let sum = exponentials.reduce(0, +)
                    return .probabilities(exponentials.map { $0 / sum })
                }
                return classify ? .probability(Self.sigmoid(memory[prediction])) : .value(memory[prediction])
            }
        }
    }
}
