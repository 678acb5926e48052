/// Which held-out split scores a program after training.
///
/// Either split is scored once, after the last epoch: the score of the trained program, exactly
/// what `galapagos predict` reproduces. (Taking the best score over epochs instead rewards
/// programs whose predictions change at random from epoch to epoch: evolution finds them, and
/// their validation score says nothing about their test score.)
public enum ScoringSplit: Sendable {
    /// The validation examples: what search and selection use.
    case validation
    /// The test examples, which search never sees.
    case test
}

/// The outcome of evaluating a program on a set of tasks.
public struct Evaluation: Sendable, Equatable {
    /// Fitness on each task, in task order.
    public var taskFitness: [Double]
    /// The combined fitness.
    public var fitness: Double
}

/// Runs programs on tasks exactly as AutoML-Zero does and scores them.
///
/// For each task: memory is wiped and `setup` runs once; for each epoch, for each training
/// example in that epoch's order, the features go to `v0`, `s0` is zeroed (a program never sees
/// the label it must predict), `predict` runs, a classifier's `s1` is replaced by its sigmoid,
/// then the features are written to `v0` again, the label to `s0`, and `learn` runs. After the
/// last epoch the held-out examples are scored with `predict` alone. A prediction that is NaN
/// or misses its label by more than ``maximumAbsoluteError`` ends the task with fitness 0.
///
/// An evaluator owns a ``Machine``: make one per thread.
public final class Evaluator {
    /// AutoML-Zero's early-stopping bound on |label − prediction|.
    public static let maximumAbsoluteError = 100.0

    /// The machine programs run on.
    public let machine: Machine
    /// What programs are for; losses are scored by ``LossEvaluator``, policy objectives by
    /// ``PolicyEvaluator``.
    public let objective: Objective
    /// When set, each validation pass records its predictions here (the last pass wins).
    private var recorded: [Double]?

    /// Creates an evaluator for programs of the given shape.
    public init(shape: MemoryShape, objective: Objective = .program) {
        machine = Machine(shape: shape)
        self.objective = objective
        featureTarget = machine.memory + machine.layout.offset(.vector, MemoryShape.featuresVector)
        inputScalars = shape.inputScalarRegisters.count
    }

    /// Where `v0` lives, and how many scalars also receive the features: fixed per evaluator,
    /// so the per-example load does no address arithmetic or shape look-up.
    private let featureTarget: UnsafeMutablePointer<Double>
    private let inputScalars: Int

    /// Evaluates a program on every task and combines the fitnesses.
    public func evaluate(
        _ program: CompiledProgram, on tasks: [TaskDataset],
        aggregation: FitnessAggregation = .mean, scoring: ScoringSplit = .validation
    ) -> Evaluation {
        let fitness = tasks.map { self.fitness(of: program, on: $0, scoring: scoring) }
        return Evaluation(taskFitness: fitness, fitness: aggregation.combine(fitness))
    }

    /// The fitness of a program on one task.
    public func fitness(
        of program: CompiledProgram, on task: TaskDataset, scoring: ScoringSplit = .validation
    ) -> Double {
        precondition(program.shape == machine.shape, "program compiled for another shape")
        precondition(task.features == machine.shape.features, "task has another feature size")
        if let training = objective.lossTraining {
            return LossEvaluator(training: training).fitness(
                of: program.source, scalars: machine.shape.scalars, on: task, scoring: scoring)
        }
        if let training = objective.policyTraining {
            return PolicyEvaluator(training: training).fitness(
                of: program.source, scalars: machine.shape.scalars, on: task)
        }
        return program.code.withUnsafeBufferPointer { code in
            let base = code.baseAddress!  // non-nil: CompiledProgram keeps `code` non-empty
            let setup = Segment(base, program.ranges[Component.setup.rawValue])
            let predict = Segment(base, program.ranges[Component.predict.rawValue])
            let learn = Segment(base, program.ranges[Component.learn.rawValue])
            let reload = !program.predictKeepsInputs
            // Training cannot change what a function of one example predicts.
            let trains = !(program.isFunctionOfOneExample && !task.isMulticlass)
            // One copy of the loops per common feature size: F is then a constant, the loads
            // unroll and each call goes straight to its interpreter loop.
            switch task.features {
            case 4: return run(setup, predict, learn, reload, trains, task, scoring, width: Width4.self)
            case 8: return run(setup, predict, learn, reload, trains, task, scoring, width: Width8.self)
            case 16: return run(setup, predict, learn, reload, trains, task, scoring, width: Width16.self)
            default: return run(setup, predict, learn, reload, trains, task, scoring, width: AnyWidth.self)
            }
        }
    }

    /// A component's instructions inside a compiled program.
    struct Segment {
        let start: UnsafePointer<CompiledInstruction>
        let count: Int

        init(_ base: UnsafePointer<CompiledInstruction>, _ range: Range<Int>) {
            start = base + range.lowerBound
            count = range.count
        }
    }

    /// Writes an example's features to `v0` (and to `s2…` when the shape asks for it); a plain
    /// loop beats `memmove`'s call for the small F of most tasks.
    @inline(__always)
    func load(_ source: UnsafeMutablePointer<Double>, _ count: Int) {
        let target = featureTarget
        var k = 0
        while k + 1 < count {  // pairs, as the kernels read them (see ``Kernels``)
            Kernels.store(Kernels.pair(source, k), target, k)
            k += 2
        }
        if k < count { target[k] = source[k] }
        let scalars = inputScalars
        if scalars > 0 {
            let first = machine.memory + MemoryShape.firstInputScalar
            for k in 0..<min(scalars, count) { first[k] = source[k] }
        }
    }

    @inline(__always)
    static func sigmoid(_ x: Double) -> Double { 1.0 / (1.0 + Math.exp(-x)) }

    /// Trains on the task's examples and scores the validation or test split.
    ///
    /// - Parameters:
    ///   - reloadBeforeLearn: whether `predict` may overwrite `v0` or the input scalars, which
    ///     must then be written again before `learn`.
    ///   - trains: `false` skips the training examples: for a function of one example
    ///     (``CompiledProgram/isFunctionOfOneExample``) they cannot change a prediction.
    func run<W: FeatureWidth>(
        _ setup: Segment, _ predict: Segment, _ learn: Segment, _ reloadBeforeLearn: Bool,
        _ trains: Bool, _ task: TaskDataset, _ scoring: ScoringSplit, width: W.Type
    ) -> Double {
        let machine = self.machine
        let memory = machine.memory
        let registers = InterpreterLoop.Registers(of: machine)
        let f = W.count > 0 ? W.count : task.features
        let label = MemoryShape.labelScalar
        let prediction = MemoryShape.predictionScalar
        let classify = task.metric.isClassification
        let bound = Self.maximumAbsoluteError
        let classes = task.classes
        let multiclass = task.isMulticlass
        if multiclass, !Self.supportsMulticlass(machine.shape, classes: classes) { return 0 }

        machine.wipe()
        machine.random = RandomGenerator(seed: task.programSeed)
        machine.execute(setup.start, count: setup.count, width: W.self)

        for epoch in 0..<(trains ? task.epochs : 0) {
            let order = task.epochOrder + epoch * task.trainCount
            for step in 0..<task.trainCount {
                let example = Int(order[step])
                let x = task.trainFeatures + example * f
                let y = task.trainLabels[example]
                load(x, f)
                memory[label] = 0
                if multiclass {
                    hideOneHot(f)
                    machine.execute(predict.start, count: predict.count, width: W.self)
                    if !softmaxLogits(classes, f) { return 0 }
                    load(x, f)
                    memory[label] = y
                    showOneHot(y, f)
                    machine.execute(learn.start, count: learn.count, width: W.self)
                    continue
                }
                InterpreterLoop.run(predict.start, count: predict.count, on: registers, width: W.self)
                if classify { memory[prediction] = Self.sigmoid(memory[prediction]) }
                let error = abs(y - memory[prediction])
                // `!(error <= bound)` is also true for NaN.
                if !(error <= bound) { return 0 }
                if reloadBeforeLearn { load(x, f) }
                memory[label] = y
                InterpreterLoop.run(learn.start, count: learn.count, on: registers, width: W.self)
            }
        }
        return validate(predict, task, scoring, width: W.self)
    }

    private func validate<W: FeatureWidth>(
        _ predict: Segment, _ task: TaskDataset, _ scoring: ScoringSplit, width: W.Type
    ) -> Double {
        let machine = self.machine
        let memory = machine.memory
        let registers = InterpreterLoop.Registers(of: machine)
        let f = W.count > 0 ? W.count : task.features
        let (xs, ys, count) = scoring == .validation
            ? (task.validFeatures, task.validLabels, task.validCount)
            : (task.testFeatures, task.testLabels, task.testCount)
        guard count > 0 else { return 0 }
        let metric = task.metric
        let multiclass = task.isMulticlass
        var loss = 0.0
        var labelSum = 0.0, labelSquares = 0.0
        // A local copy: appending to the stored property per example would pay a dynamic
        // exclusivity check each time (a class's stored `var`).
        var predictions: [Double]? = recorded == nil ? nil : []
        defer { if predictions != nil { recorded = predictions } }
        for example in 0..<count {
            load(xs + example * f, f)
            memory[MemoryShape.labelScalar] = 0
            if multiclass { hideOneHot(f) }
            InterpreterLoop.run(predict.start, count: predict.count, on: registers, width: W.self)
            let y = ys[example]
            if multiclass {
                guard let (predicted, logLoss) = scoreLogits(task.classes, label: y) else { return 0 }
                predictions?.append(Double(predicted))
                loss += metric == .logLoss ? logLoss : (predicted == Int(y) ? 0 : 1)
                continue
            }
            let output = memory[MemoryShape.predictionScalar]
            predictions?.append(output)
            let error: Double
            switch metric {
            case .accuracy:
                let probability = Self.sigmoid(output)
                error = probability.isNaN ? .infinity : ((y > 0.5) == (probability > 0.5) ? 0 : 1)
                loss += error
            case .logLoss:
                let probability = Self.sigmoid(output)
                guard !probability.isNaN else { return 0 }
                let p = min(max(y > 0.5 ? probability : 1 - probability, 1e-15), 1)
                error = -Math.log(p)
                loss += error
            case .rms, .r2:
                error = y - output
                loss += error * error
                labelSum += y
                labelSquares += y * y
            case .mae:
                error = y - output
                loss += abs(error)
            }
            if !(abs(error) <= Self.maximumAbsoluteError) { return 0 }
        }
        let n = Double(count)
        switch metric {
        case .accuracy: return 1.0 - loss / n
        case .logLoss: return Self.squash(loss / n)
        case .rms: return Self.squash((loss / n).squareRoot())
        case .mae: return Self.squash(loss / n)
        case .r2:
            let total = labelSquares - labelSum * labelSum / n
            guard total > 0 else { return loss == 0 ? 1 : 0 }
            return min(1, max(0, 1 - loss / total))
        }
    }

    /// The coefficient of determination R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)² of a program's
    /// predictions on a split after training on the task (regression tasks); `nil` when the
    /// evaluation stopped early or the split is empty.
    public func coefficientOfDetermination(
        of program: CompiledProgram, on task: TaskDataset, scoring: ScoringSplit
    ) -> Double? {
        recorded = []
        defer { recorded = nil }
        _ = fitness(of: program, on: task, scoring: scoring)
        let labels = scoring == .validation ? task.valid.labels : task.test.labels
        guard let predictions = recorded, predictions.count == labels.count, !labels.isEmpty else {
            return nil
        }
        let mean = labels.reduce(0, +) / Double(labels.count)
        var residual = 0.0, total = 0.0
        for (y, prediction) in zip(labels, predictions) {
            residual += (y - prediction) * (y - prediction)
            total += (y - mean) * (y - mean)
        }
        return total > 0 ? 1 - residual / total : (residual == 0 ? 1 : -.infinity)
    }

    /// Maps an error in [0, ∞] to a fitness in [0, 1]: 1 − (2/π)·arctan(x); 0 for NaN or ∞.
    @inline(__always)
    public static func squash(_ x: Double) -> Double {
        guard x.isFinite else { return 0 }
        return 1.0 + (-2.0 / Double.pi) * Math.atan(x)
    }
}
