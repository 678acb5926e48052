/// Scores an evolved loss by training a fixed model with it (see ``Objective/loss(_:)``).
struct LossEvaluator {
    let training: LossTraining

    /// The validation (or test) accuracy of a model trained with the loss, scored once after
    /// the last epoch (as ``Evaluator`` scores programs); 0 when the loss is not usable or any
    /// derivative or logit is not finite.
    func fitness(of program: Program, scalars: Int, on task: TaskDataset, scoring: ScoringSplit) -> Double {
        guard var loss = DualMachine(program: program, scalars: scalars) else { return 0 }
        var model = TrainableModel(training.model, features: task.features, seed: task.programSeed)
        let rate = training.learningRate
        let f = task.features
        for epoch in 0..<task.epochs {
            let order = task.epochOrder + epoch * task.trainCount
            for step in 0..<task.trainCount {
                let example = Int(order[step])
                let x = UnsafeBufferPointer(start: task.trainFeatures + example * f, count: f)
                let z = model.forward(x)
                let g = loss.evaluate(logit: z, label: task.trainLabels[example]).gradient
                guard z.isFinite, g.isFinite else { return 0 }
                model.backward(x, gradient: g, rate: rate)
            }
        }
        return accuracy(model: &model, task: task, scoring: scoring)
    }

    private func accuracy(model: inout TrainableModel, task: TaskDataset, scoring: ScoringSplit) -> Double {
        let (xs, ys, count) = scoring == .validation
            ? (task.validFeatures, task.validLabels, task.validCount)
            : (task.testFeatures, task.testLabels, task.testCount)
        guard count > 0 else { return 0 }
        var correct = 0
        for example in 0..<count {
            let z = model.forward(UnsafeBufferPointer(start: xs + example * task.features, count: task.features))
            guard z.isFinite else { return 0 }
            if (z > 0) == (ys[example] > 0.5) { correct += 1 }
        }
        return Double(correct) / Double(count)
    }

    /// A fingerprint of the loss's gradient on a fixed grid of logits and labels.
    func fingerprint(of program: Program, scalars: Int) -> UInt64 {
        guard var loss = DualMachine(program: program, scalars: scalars) else { return 0xBAD }
        var hash: UInt64 = 0x1F2E_3D4C_5B6A_7988
        for y in [0.0, 1.0] {
            for z in stride(from: -4.0, through: 4.0, by: 0.5) {
                var x = hash ^ UInt64(Float(loss.evaluate(logit: z, label: y).gradient).bitPattern)
                hash = RandomGenerator.splitMix(&x)
            }
        }
        return hash
    }
}

/// The model a loss trains: logistic regression or a one-hidden-layer ReLU network.
struct TrainableModel {
    let features: Int
    let hidden: Int
    var w1: [Double]
    var b1: [Double]
    var w2: [Double]
    var b2 = 0.0
    private var activation: [Double]

    init(_ model: LossTraining.Model, features: Int, seed: UInt64) {
        self.features = features
        switch model {
        case .logistic:
            hidden = 0
            w1 = []
            b1 = []
            w2 = Array(repeating: 0, count: features)
        case let .mlp(width):
            hidden = width
            var random = RandomGenerator(seed: RandomGenerator.derive(seed, 0x4D4C50))
            let scale1 = 1 / Double(features).squareRoot(), scale2 = 1 / Double(width).squareRoot()
            w1 = (0..<(width * features)).map { _ in random.nextGaussian() * scale1 }
            b1 = Array(repeating: 0, count: width)
            w2 = (0..<width).map { _ in random.nextGaussian() * scale2 }
        }
        activation = Array(repeating: 0, count: hidden)
    }

    /// The logit for an example (keeps the hidden activations for `backward`).
    mutating func forward(_ x: UnsafeBufferPointer<Double>) -> Double {
        if hidden == 0 {
            var z = b2
            for k in 0..<features { z += w2[k] * x[k] }
            return z
        }
        var z = b2
        for h in 0..<hidden {
            var a = b1[h]
            for k in 0..<features { a += w1[h * features + k] * x[k] }
            activation[h] = a
            z += w2[h] * max(0, a)
        }
        return z
    }

    /// One SGD step given dL/dz for the example last passed to `forward`.
    mutating func backward(_ x: UnsafeBufferPointer<Double>, gradient g: Double, rate: Double) {
        if hidden == 0 {
            for k in 0..<features { w2[k] -= rate * g * x[k] }
            b2 -= rate * g
            return
        }
        for h in 0..<hidden {
            let a = activation[h]
            let upstream = a > 0 ? g * w2[h] : 0
            w2[h] -= rate * g * max(0, a)
            if upstream != 0 {
                for k in 0..<features { w1[h * features + k] -= rate * upstream * x[k] }
                b1[h] -= rate * upstream
            }
        }
        b2 -= rate * g
    }
}
