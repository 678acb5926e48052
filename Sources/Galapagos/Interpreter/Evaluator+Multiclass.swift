/// The multi-class protocol: a task with K > 2 classes reads the program's logits from the
/// first K entries of `v1` after `predict`, replaces them by their softmax (the other entries
/// by 0) before `learn`, and gives `learn` the label both as the class index in `s0` and one-hot
/// in `v2` (both zero while `predict` runs, so that a program never sees the label it must
/// predict).
extension Evaluator {
    /// The register the logits are read from.
    public static let logitsVector = 1
    /// The register the one-hot label is written to during `learn`.
    public static let oneHotVector = 2

    /// Whether a machine of this shape can run multi-class tasks of `classes` classes.
    static func supportsMulticlass(_ shape: MemoryShape, classes: Int) -> Bool {
        shape.vectors > oneHotVector && classes <= shape.features
    }

    /// Clears the one-hot label before `predict`.
    @inline(__always)
    func hideOneHot(_ f: Int) {
        let target = machine.memory + machine.layout.offset(.vector, Self.oneHotVector)
        for k in 0..<f { target[k] = 0 }
    }

    /// Writes the one-hot label before `learn`.
    @inline(__always)
    func showOneHot(_ label: Double, _ f: Int) {
        let target = machine.memory + machine.layout.offset(.vector, Self.oneHotVector)
        for k in 0..<f { target[k] = 0 }
        let index = Int(label)
        if index >= 0 && index < f { target[index] = 1 }
    }

    /// Replaces the logits by their softmax; `false` when a logit is not finite (the task
    /// stops, as a NaN prediction does).
    @inline(__always)
    func softmaxLogits(_ classes: Int, _ f: Int) -> Bool {
        let logits = machine.memory + machine.layout.offset(.vector, Self.logitsVector)
        var largest = -Double.infinity
        for k in 0..<classes {
            guard logits[k].isFinite else { return false }
            largest = max(largest, logits[k])
        }
        var sum = 0.0
        for k in 0..<classes {
            logits[k] = Math.exp(logits[k] - largest)
            sum += logits[k]
        }
        for k in 0..<classes { logits[k] /= sum }
        for k in classes..<f { logits[k] = 0 }
        return true
    }

    /// The class with the largest logit and the log-loss of `label`, or `nil` when a logit is
    /// not finite.
    @inline(__always)
    func scoreLogits(_ classes: Int, label: Double) -> (predicted: Int, logLoss: Double)? {
        let logits = machine.memory + machine.layout.offset(.vector, Self.logitsVector)
        var largest = -Double.infinity
        var predicted = 0
        for k in 0..<classes {
            guard logits[k].isFinite else { return nil }
            if logits[k] > largest {
                largest = logits[k]
                predicted = k
            }
        }
        var sum = 0.0
        for k in 0..<classes { sum += Math.exp(logits[k] - largest) }
        let index = min(max(Int(label), 0), classes - 1)
        return (predicted, largest + Math.log(sum) - logits[index])
    }
}
