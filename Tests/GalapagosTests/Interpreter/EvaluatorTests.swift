import Foundation
import Galapagos
import GalapagosTestSupport
import Testing

// The evaluation protocol (AutoML-Zero's executor) and fitness.

/// A shipped example program, parsed with linear_demo's strict limits.
private func example(_ name: String, in space: SearchSpace) throws -> CompiledProgram {
    let url = try packageRoot().appendingPathComponent("searchspaces/examples/\(name)")
    let text = try String(contentsOf: url, encoding: .utf8)
    let program = try ProgramParser(limits: space.programLimits(strictOps: true)).parse(text, file: name)
    return try CompiledProgram(program, shape: space.memory)
}

private func compile(_ text: String, shape: MemoryShape) throws -> CompiledProgram {
    try CompiledProgram(ProgramParser(limits: ProgramLimits(shape: shape)).parse(text), shape: shape)
}

/// AutoML-Zero's squash, written out independently: 1 − (2/π)·arctan(x).
private func squashed(_ x: Double) -> Double { 1 - 2 / Double.pi * Foundation.atan(x) }

/// A small memory for hand-built tasks.
private let smallShape = MemoryShape(features: 2, scalars: 6, vectors: 3, matrices: 0)

/// A hand-built task with F = 2; features default to a fixed pattern.
private func task(
    metric: FitnessMetric = .rms, trainLabels: [Double], validLabels: [Double],
    testLabels: [Double] = [], trainFeatures: [Double]? = nil, validFeatures: [Double]? = nil,
    epochs: Int = 1
) -> TaskDataset {
    func pattern(_ n: Int) -> [Double] { (0..<(2 * n)).map { Double($0 % 7) - 3 } }
    return TaskDataset(
        name: "hand-built", metric: metric, features: 2,
        train: .init(features: trainFeatures ?? pattern(trainLabels.count), labels: trainLabels),
        valid: .init(features: validFeatures ?? pattern(validLabels.count), labels: validLabels),
        test: .init(features: pattern(testLabels.count), labels: testLabels),
        epochs: epochs, shuffleSeed: 1, programSeed: 2)
}

/// A program that always predicts the constant `value` (kept in s2; s3 stays 0).
private func constantPredictor(_ value: Double) -> String {
    """
    # galapagos program v1
    def setup():
      s2 = \(value)
    def predict():
      s1 = s2 - s3
    def learn():
    """
}

@Suite("Evaluator")
struct EvaluatorTests {
    // MARK: the shipped examples on linear_demo

    @Test("the SGD regressor scores ≥ 0.999 on linear_demo's search tasks; predicting 0 scores < 0.9",
          arguments: [1, 2, 12_345] as [UInt64])
    func sgdBeatsConstantZero(seed: UInt64) throws {
        let space = try linearDemoSpace()
        let tasks = space.tasks(.search, runSeed: seed)
        #expect(tasks.count == 10)
        let evaluator = Evaluator(shape: space.memory)
        let sgd = evaluator.evaluate(try example("sgd_linear_regression.gal", in: space), on: tasks)
        let zero = evaluator.evaluate(try example("constant_zero.gal", in: space), on: tasks)
        #expect(sgd.taskFitness.count == 10)
        #expect(sgd.fitness >= 0.999, "SGD fitness \(sgd.fitness)")
        #expect(sgd.taskFitness.allSatisfy { $0 >= 0.99 && $0 <= 1 }, "\(sgd.taskFitness)")
        #expect(zero.fitness < 0.9, "zero fitness \(zero.fitness)")
        #expect(zero.fitness > 0)
        // The combined fitness is the mean of the task fitnesses.
        let mean = sgd.taskFitness.reduce(0, +) / Double(sgd.taskFitness.count)
        #expect(abs(sgd.fitness - mean) < 1e-15)
    }

    @Test("the constant-zero program scores exactly squash(RMS of the labels) on each task")
    func constantZeroIsSquashedLabelRMS() throws {
        let space = try linearDemoSpace()
        let tasks = space.tasks(.search, runSeed: 3)
        let evaluator = Evaluator(shape: space.memory)
        let zero = evaluator.evaluate(try example("constant_zero.gal", in: space), on: tasks)
        for (task, fitness) in zip(tasks, zero.taskFitness) {
            let labels = task.valid.labels
            let rms = (labels.map { $0 * $0 }.reduce(0, +) / Double(labels.count)).squareRoot()
            #expect(abs(fitness - squashed(rms)) < 1e-12)
        }
    }

    // MARK: determinism

    @Test("the same seed gives the same fitness bit for bit, twice and on a fresh evaluator")
    func sameSeedSameFitness() throws {
        let space = try linearDemoSpace()
        let sgd = try example("sgd_linear_regression.gal", in: space)
        // A program with random fills too: the generator is reseeded for every task.
        let noisy = try compile(
            """
            # galapagos program v1
            def setup():
              v1 = gaussian(0.0, 0.5)
            def predict():
              s1 = dot(v0, v1)
            def learn():
              s2 = uniform(0.05, 0.15)
              s3 = s0 - s1
              s3 = s2 * s3
              v2 = s3 * v0
              v1 = v1 + v2
            """, shape: space.memory)
        for program in [sgd, noisy] {
            let evaluator = Evaluator(shape: space.memory)
            let first = evaluator.evaluate(program, on: space.tasks(.search, runSeed: 42))
            let second = evaluator.evaluate(program, on: space.tasks(.search, runSeed: 42))
            let fresh = Evaluator(shape: space.memory).evaluate(program, on: space.tasks(.search, runSeed: 42))
            for other in [second, fresh] {
                #expect(other.fitness.bitPattern == first.fitness.bitPattern)
                #expect(other.taskFitness.map(\.bitPattern) == first.taskFitness.map(\.bitPattern))
            }
        }
    }

    @Test("a task's fitness does not depend on which tasks were evaluated before it")
    func taskOrderIndependence() throws {
        let space = try linearDemoSpace()
        let noisy = try compile(
            """
            # galapagos program v1
            def setup():
              v1 = gaussian(0.0, 0.5)
            def predict():
              s1 = dot(v0, v1)
            def learn():
              v1 = uniform(-0.1, 0.1)
            """, shape: space.memory)
        let tasks = space.tasks(.search, runSeed: 8)
        let evaluator = Evaluator(shape: space.memory)
        let forward = evaluator.evaluate(noisy, on: tasks).taskFitness
        let backward = evaluator.evaluate(noisy, on: tasks.reversed()).taskFitness
        #expect(forward.map(\.bitPattern) == backward.reversed().map(\.bitPattern))
    }

    @Test("different seeds give different tasks; fixed data seeds give the same tasks")
    func seedsAndTasks() throws {
        let space = try linearDemoSpace()
        let a = space.tasks(.search, runSeed: 1)
        let b = space.tasks(.search, runSeed: 2)
        let again = space.tasks(.search, runSeed: 1)
        for i in 0..<a.count {
            #expect(a[i].train.features != b[i].train.features)
            #expect(a[i].valid.labels != b[i].valid.labels)
            #expect(a[i].train.features == again[i].train.features)
            #expect(a[i].valid.labels == again[i].valid.labels)
        }
        // The tasks of one set differ from each other.
        #expect(Set(a.map { $0.train.labels.first! }).count == a.count)
        // Search and select tasks of the same run are different data.
        let select = space.tasks(.select, runSeed: 1)
        #expect(select[0].train.features.prefix(8) != a[0].train.features.prefix(8))
        // Final tasks have fixed seeds in linear_demo: the run seed does not matter.
        let final1 = space.tasks(.final, runSeed: 1)
        let final2 = space.tasks(.final, runSeed: 999)
        #expect(final1.count == 100)
        #expect(final1[0].train.features == final2[0].train.features)
        #expect(final1[99].valid.labels == final2[99].valid.labels)
        // Different seeds, different fitness for the same program.
        let evaluator = Evaluator(shape: space.memory)
        let zero = try example("constant_zero.gal", in: space)
        #expect(evaluator.evaluate(zero, on: a).fitness != evaluator.evaluate(zero, on: b).fitness)
    }

    @Test("task data is AutoML-Zero's: label = w·x with x ~ N(0, 1)")
    func taskData() throws {
        let space = try linearDemoSpace()
        let task = space.tasks(.search, runSeed: 5)[0]
        #expect(task.features == 4)
        #expect(task.trainCount == 100 && task.validCount == 100 && task.epochs == 1)
        // The labels are linear in the features: solve for w from 4 examples, check the rest.
        let x = task.train.features, y = task.train.labels
        #expect(x.count == 400 && y.count == 100)
        let xs = stride(from: 0, to: x.count, by: 4).map { Array(x[$0..<($0 + 4)]) }
        let w = try #require(solve4(Array(xs[0..<4]), Array(y[0..<4])))
        for i in 4..<100 {
            let predicted = zip(w, xs[i]).map(*).reduce(0, +)
            #expect(abs(predicted - y[i]) < 1e-8 * max(1, abs(y[i])))
        }
        let mean = x.reduce(0, +) / Double(x.count)
        let variance = x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(x.count)
        #expect(abs(mean) < 0.2 && abs(variance - 1) < 0.25)
    }

    // MARK: the protocol

    @Test("predict never sees the label: copying s0 to s1 scores like predicting 0")
    func predictCannotReadLabel() throws {
        let space = try linearDemoSpace()
        let tasks = space.tasks(.search, runSeed: 11)
        let evaluator = Evaluator(shape: space.memory)
        let cheat = try compile(
            """
            # galapagos program v1
            def setup():
            def predict():
              s1 = s0 - s2
            def learn():
            """, shape: space.memory)
        let zero = try example("constant_zero.gal", in: space)
        let cheated = evaluator.evaluate(cheat, on: tasks)
        let honest = evaluator.evaluate(zero, on: tasks)
        #expect(cheated.fitness.bitPattern == honest.fitness.bitPattern)
        #expect(cheated.fitness < 0.9)
    }

    @Test("a function of one example is scored without training; a program that learns is trained")
    func functionsOfOneExampleSkipTraining() throws {
        // A training label far beyond the error bound stops any program that is trained.
        let trainLabels: [Double] = [1, 2, 1e300, 3]
        let data = task(trainLabels: trainLabels, validLabels: [0, 0, 0])
        let evaluator = Evaluator(shape: smallShape)
        let pure = try compile(
            """
            # galapagos program v1
            def setup():
            def predict():
              s3 = dot(v0, v0)
              s1 = s3 - s3
            def learn():
              s4 = s0 - s1
            """, shape: smallShape)
        #expect(pure.isFunctionOfOneExample)
        #expect(evaluator.fitness(of: pure, on: data) == 1)  // predicts 0 = every validation label
        // The same prediction, but learn feeds the next prediction: trained, stopped by the label.
        let learning = try compile(
            """
            # galapagos program v1
            def setup():
            def predict():
              s3 = dot(v0, v0)
              s1 = s3 - s3
              s1 = s1 * s4
            def learn():
              s4 = s0 - s0
            """, shape: smallShape)
        #expect(!learning.isFunctionOfOneExample)
        #expect(evaluator.fitness(of: learning, on: data) == 0)
        // A draw in predict makes the examples before matter (the generator advances).
        let drawing = try compile(
            """
            # galapagos program v1
            def setup():
            def predict():
              s1 = gaussian(0, 1)
            def learn():
            """, shape: smallShape)
        #expect(!drawing.isFunctionOfOneExample)
    }

    @Test("during training, predict sees s0 = 0, and learn sees the label")
    func trainingPredictSeesZeroLabel() throws {
        // predict stashes s0 in s3; learn copies that stash into s5 and its own s0 into s4.
        // Validation runs only predict, so after the evaluation s5 holds what the last
        // training predict saw in s0, and s4 the label learn saw. (predict reads s4 and s5, so
        // learn is live and the program is trained: not a function of one example.)
        let program = try compile(
            """
            # galapagos program v1
            def setup():
            def predict():
              s3 = s0 - s2
              s1 = s4 + s5
            def learn():
              s5 = s3 - s2
              s4 = s0 - s2
            """, shape: smallShape)
        let labels: [Double] = [3, -1, 4, 1.5, -9]
        let evaluator = Evaluator(shape: smallShape)
        _ = evaluator.fitness(of: program, on: task(trainLabels: labels, validLabels: [0, 0]))
        #expect(evaluator.machine.scalar(5) == 0)
        #expect(labels.contains(evaluator.machine.scalar(4)))

        // On linear_demo: a predict that amplifies s0 a thousandfold would be stopped early if
        // it saw the label; seeing 0 it scores exactly like the zero predictor.
        let space = try linearDemoSpace()
        let amplifier = try compile(
            """
            # galapagos program v1
            def setup():
              s2 = 1000.0
            def predict():
              s1 = s0 * s2
            def learn():
            """, shape: space.memory)
        let tasks = space.tasks(.search, runSeed: 13)
        let demo = Evaluator(shape: space.memory)
        let amplified = demo.evaluate(amplifier, on: tasks)
        let zero = demo.evaluate(try example("constant_zero.gal", in: space), on: tasks)
        #expect(amplified.fitness.bitPattern == zero.fitness.bitPattern)
        #expect(amplified.fitness > 0)
    }

    @Test("learn sees the features again, even if predict overwrote v0")
    func learnSeesFeatures() throws {
        let space = try linearDemoSpace()
        // predict zeroes v0 after using it (s0 is 0 during predict); SGD still works only if
        // the features are written to v0 again before learn.
        let program = try compile(
            """
            # galapagos program v1
            def setup():
              s2 = 0.2
            def predict():
              s1 = dot(v0, v1)
              v0 = s0 * v0
            def learn():
              s3 = s0 - s1
              s3 = s2 * s3
              v2 = s3 * v0
              v1 = v1 + v2
            """, shape: space.memory)
        let fitness = Evaluator(shape: space.memory).evaluate(program, on: space.tasks(.search, runSeed: 4)).fitness
        #expect(fitness >= 0.999)
    }

    @Test("learn sees the label in s0 and the prediction in s1")
    func learnSeesLabelAndPrediction() throws {
        // learn copies s0 and s1 into s4 and s5; validation runs only predict, so after the
        // evaluation they hold the last training example's label and prediction.
        let program = try compile(
            """
            # galapagos program v1
            def setup():
              s2 = 0.75
            def predict():
              s1 = s2 - s3
            def learn():
              s4 = s0 - s3
              s5 = s1 - s3
            """, shape: smallShape)
        let labels: [Double] = [3, -1, 4, 1.5, -9]
        let t = task(trainLabels: labels, validLabels: [0, 0])
        let evaluator = Evaluator(shape: smallShape)
        _ = evaluator.fitness(of: program, on: t)
        #expect(labels.contains(evaluator.machine.scalar(4)))
        #expect(evaluator.machine.scalar(5) == 0.75)
    }

    @Test("a NaN prediction gives fitness 0")
    func nanPrediction() throws {
        // 0 / 0 in predict.
        let program = try compile(
            """
            # galapagos program v1
            def setup():
            def predict():
              s1 = s2 / s3
            def learn():
            """, shape: smallShape)
        let t = task(trainLabels: [0, 0, 0], validLabels: [0, 0])
        #expect(Evaluator(shape: smallShape).fitness(of: program, on: t) == 0)
    }

    @Test("a prediction off by more than 100 gives fitness 0; exactly 100 does not")
    func predictionOffByMoreThan100() throws {
        let evaluator = Evaluator(shape: smallShape)
        let t = task(trainLabels: [0, 0, 0, 0], validLabels: [0, 0, 0])
        let off101 = try compile(constantPredictor(101), shape: smallShape)
        #expect(evaluator.fitness(of: off101, on: t) == 0)
        let offMinus101 = try compile(constantPredictor(-101), shape: smallShape)
        #expect(evaluator.fitness(of: offMinus101, on: t) == 0)
        // RMSE 100 is allowed and squashed: 1 − (2/π)·arctan(100) ≈ 0.00637.
        let off100 = try compile(constantPredictor(100), shape: smallShape)
        let fitness = evaluator.fitness(of: off100, on: t)
        #expect(fitness > 0)
        #expect(abs(fitness - squashed(100)) < 1e-15)
        // RMSE 1: squash(1) = 1 − (2/π)(π/4) = 0.5.
        let off1 = try compile(constantPredictor(-1), shape: smallShape)
        #expect(abs(evaluator.fitness(of: off1, on: t) - 0.5) < 1e-15)
    }

    @Test("a prediction that goes wrong only during validation gives fitness 0")
    func divergenceDuringValidation() throws {
        // One training example: predict 0 (fine), then learn sets the prediction to 1000.
        let program = try compile(
            """
            # galapagos program v1
            def setup():
              s4 = 1000.0
            def predict():
              s1 = s2 - s3
            def learn():
              s2 = s4 - s3
            """, shape: smallShape)
        let t = task(trainLabels: [0], validLabels: [0, 0, 0])
        #expect(Evaluator(shape: smallShape).fitness(of: program, on: t) == 0)
        // With two training examples the second prediction (1000) stops training: also 0.
        let t2 = task(trainLabels: [0, 0], validLabels: [0, 0, 0])
        #expect(Evaluator(shape: smallShape).fitness(of: program, on: t2) == 0)
    }

    @Test("with several epochs the trained program is scored after the last; a divergence scores 0")
    func multiEpochLastAndEarlyStop() throws {
        // The prediction starts at 0 and grows by 1 after every training example; the labels
        // are 0. After 1 epoch (50 examples) validation sees a constant 50; after 2 it sees 100
        // (scored, although epoch 1 was better). In epoch 3 the prediction reaches 101: stopped, 0.
        let program = try compile(
            """
            # galapagos program v1
            def setup():
              s4 = 1.0
            def predict():
              s1 = s2 - s3
            def learn():
              s2 = s2 + s4
            """, shape: smallShape)
        let zeros = Array(repeating: 0.0, count: 50)
        let evaluator = Evaluator(shape: smallShape)
        let one = evaluator.fitness(of: program, on: task(trainLabels: zeros, validLabels: [0, 0], epochs: 1))
        #expect(abs(one - squashed(50)) < 1e-15)
        let two = evaluator.fitness(of: program, on: task(trainLabels: zeros, validLabels: [0, 0], epochs: 2))
        #expect(abs(two - squashed(100)) < 1e-15)
        #expect(evaluator.fitness(of: program, on: task(trainLabels: zeros, validLabels: [0, 0], epochs: 3)) == 0)
        // Improving epochs: the prediction moves from 10 towards 0 by 1 per example; with
        // labels 0 and 5 training examples the validation error is 5 after epoch 1, 0 after
        // epoch 2.
        let improving = try compile(
            """
            # galapagos program v1
            def setup():
              s2 = 10.0
              s4 = 1.0
              s5 = 0.0
            def predict():
              s1 = s2 - s3
            def learn():
              s2 = s2 - s4
              s2 = max(s2, s5)
            """, shape: smallShape)
        let five = Array(repeating: 0.0, count: 5)
        #expect(abs(evaluator.fitness(of: improving, on: task(trainLabels: five, validLabels: [0], epochs: 1)) - squashed(5)) < 1e-15)
        #expect(evaluator.fitness(of: improving, on: task(trainLabels: five, validLabels: [0], epochs: 2)) == 1)
    }

    /// A program that ignores the labels but predicts by its similarity to the last training
    /// example, with a random sign drawn in `learn`: right on a task about half the time. Best-
    /// of-epochs scoring gave it ≈ 7/8 of the tasks; after the last epoch only its luck counts,
    /// and validation and test agree.
    @Test("a label-blind program gains nothing from several epochs")
    func labelBlindProgramGainsNothingFromEpochs() throws {
        let program = try compile(
            """
            # galapagos program v1
            def predict():
              s1 = dot(v2, v0)
            def learn():
              s3 = gaussian(0.0, 1.0)
              v2 = s3 * v0
            """, shape: smallShape)
        // Two well separated classes: (1, 1) and (−1, −1), alternating.
        func features(_ labels: [Double]) -> [Double] { labels.flatMap { $0 > 0.5 ? [1.0, 1.0] : [-1.0, -1.0] } }
        let labels = (0..<20).map { Double($0 % 2) }
        let evaluator = Evaluator(shape: smallShape)
        var total = 0.0
        for seed in 0..<40 {
            let t = TaskDataset(
                name: "clusters", metric: .accuracy, features: 2,
                train: .init(features: features(labels), labels: labels),
                valid: .init(features: features(labels), labels: labels),
                test: .init(features: [], labels: []),
                epochs: 3, shuffleSeed: UInt64(seed), programSeed: UInt64(1000 + seed))
            let fitness = evaluator.fitness(of: program, on: t)
            #expect(fitness == 0 || fitness == 1)  // all right or all wrong: the sign is luck
            total += fitness
        }
        #expect(total / 40 > 0.2 && total / 40 < 0.8)
    }

    @Test("the test split is scored only when asked for")
    func testSplit() throws {
        let zero = try compile(constantPredictor(0), shape: smallShape)
        let t = task(trainLabels: [0, 0], validLabels: [0, 0], testLabels: [5, -5, 5])
        let evaluator = Evaluator(shape: smallShape)
        #expect(evaluator.fitness(of: zero, on: t) == 1)
        #expect(abs(evaluator.fitness(of: zero, on: t, scoring: .test) - squashed(5)) < 1e-15)
        let combined = evaluator.evaluate(zero, on: [t, t], scoring: .test)
        #expect(abs(combined.fitness - squashed(5)) < 1e-15)
    }

    // MARK: classification

    @Test("classification: validation thresholds sigmoid(s1) at 0.5")
    func classificationAppliesSigmoid() throws {
        let evaluator = Evaluator(shape: smallShape)
        let labels: [Double] = [1, 1, 1, 0]
        let t = task(metric: .accuracy, trainLabels: [1, 0], validLabels: labels)
        // Logit 0.3: sigmoid ≈ 0.574 > 0.5, so every example is called 1: accuracy 3/4. Without
        // the sigmoid, 0.3 < 0.5 would call every example 0: accuracy 1/4.
        #expect(evaluator.fitness(of: try compile(constantPredictor(0.3), shape: smallShape), on: t) == 0.75)
        // Logit -0.3: sigmoid ≈ 0.426: every example called 0.
        #expect(evaluator.fitness(of: try compile(constantPredictor(-0.3), shape: smallShape), on: t) == 0.25)
        // Logit 0: sigmoid 0.5 is not > 0.5.
        #expect(evaluator.fitness(of: try compile(constantPredictor(0), shape: smallShape), on: t) == 0.25)
    }

    @Test("classification: learn sees sigmoid(s1), and large logits do not stop training")
    func classificationTraining() throws {
        // learn copies s1 into s5; after evaluation s5 holds the last training prediction.
        let program = try compile(
            """
            # galapagos program v1
            def setup():
              s2 = 0.8
            def predict():
              s1 = s2 - s3
            def learn():
              s5 = s1 - s3
            """, shape: smallShape)
        let evaluator = Evaluator(shape: smallShape)
        _ = evaluator.fitness(of: program, on: task(metric: .accuracy, trainLabels: [1, 0, 1], validLabels: [1]))
        let sigmoid = 1 / (1 + Foundation.exp(-0.8))
        #expect(abs(evaluator.machine.scalar(5) - sigmoid) < 1e-15)
        // For regression the same program leaves the raw prediction.
        _ = evaluator.fitness(of: program, on: task(metric: .rms, trainLabels: [1, 0, 1], validLabels: [1]))
        #expect(evaluator.machine.scalar(5) == 0.8)

        // A logit of 1000 is a probability of 1: within 100 of every label, so classification
        // training goes on and all-1 labels are classified perfectly; for regression the same
        // prediction is off by 999 and scores 0.
        let confident = try compile(constantPredictor(1000), shape: smallShape)
        let ones: [Double] = [1, 1, 1, 1]
        #expect(evaluator.fitness(of: confident, on: task(metric: .accuracy, trainLabels: ones, validLabels: ones)) == 1)
        #expect(evaluator.fitness(of: confident, on: task(metric: .rms, trainLabels: ones, validLabels: ones)) == 0)
    }

    @Test("classification: features decide the class through the sigmoid")
    func classificationByFeatures() throws {
        // v1 = [1, 0]: the logit is x0. Labels are 1 exactly when x0 > 0; valid features have
        // x0 in (0, 0.5) for the positives, so only the sigmoid (not the raw logit) gets
        // them right.
        let program = try compile(
            """
            # galapagos program v1
            def setup():
              v1[0] = 1.0
            def predict():
              s1 = dot(v0, v1)
            def learn():
            """, shape: smallShape)
        let t = task(
            metric: .accuracy, trainLabels: [1, 0], validLabels: [1, 1, 0, 0, 1],
            trainFeatures: [2, 0, -2, 0], validFeatures: [0.1, 5, 0.4, -5, -0.2, 1, -3, 0, 0.01, 0])
        #expect(Evaluator(shape: smallShape).fitness(of: program, on: t) == 1)
    }

    // MARK: squash and aggregation

    @Test("squash maps [0, ∞] onto [1, 0]")
    func squash() {
        #expect(Evaluator.squash(0) == 1)
        #expect(abs(Evaluator.squash(1) - 0.5) < 1e-15)  // arctan(1) = π/4
        #expect(abs(Evaluator.squash(Double(3).squareRoot()) - 1.0 / 3.0) < 1e-15)  // arctan(√3) = π/3
        #expect(abs(Evaluator.squash(1 / Double(3).squareRoot()) - 2.0 / 3.0) < 1e-15)  // π/6
        #expect(Evaluator.squash(.infinity) == 0)
        #expect(Evaluator.squash(.nan) == 0)
        #expect(Evaluator.squash(1e300) >= 0 && Evaluator.squash(1e300) < 1e-299)
        var previous = 1.0
        for x in stride(from: 0.0, through: 50, by: 0.25) {
            let y = Evaluator.squash(x)
            #expect(y <= previous && y > 0)
            previous = y
        }
    }

    @Test("mean and median aggregation")
    func aggregation() {
        #expect(FitnessAggregation.mean.combine([0.25, 0.5, 1]) == 1.75 / 3)
        #expect(FitnessAggregation.median.combine([0.9, 0.1, 0.5]) == 0.5)
        #expect(FitnessAggregation.median.combine([0.9, 0.1, 0.5, 0.3]) == 0.4)
        #expect(FitnessAggregation.mean.combine([]) == 0)
        #expect(FitnessAggregation.median.combine([]) == 0)
    }
}

/// Solves a 4 × 4 linear system by Gaussian elimination with partial pivoting.
private func solve4(_ a: [[Double]], _ b: [Double]) -> [Double]? {
    var m = zip(a, b).map { $0 + [$1] }
    let n = 4
    for c in 0..<n {
        guard let p = (c..<n).max(by: { abs(m[$0][c]) < abs(m[$1][c]) }), abs(m[p][c]) > 1e-12 else {
            return nil
        }
        m.swapAt(c, p)
        for r in 0..<n where r != c {
            let factor = m[r][c] / m[c][c]
            for k in c...n { m[r][k] -= factor * m[c][k] }
        }
    }
    return (0..<n).map { m[$0][n] / m[$0][$0] }
}
