import Foundation
import Galapagos

/// Random programs over every op, with extreme constants, through the interpreter.
///
/// Each input is a memory shape (F in {1, 2, 3, 4, 5, 8, 16, 17}, which covers the interpreter's
/// specialised widths 4, 8, 16 and the generic loop; 2–8 scalars, 1–4 vectors, 0–3 matrices,
/// inputs in vectors or in scalars) and a program made by ``Mutator`` over all ops (sizes 0–12
/// per component, then 0–3 mutations), with extreme constants patched in (±1.7976931348623157e308,
/// ±5e-324, ±0.0, ±1e-300, ±1e300, exp's overflow edges …) and, one time in eight, a register or
/// element index out of range. The input is written as a first line
/// `# executor features=F scalars=S vectors=V matrices=M inputs=vector|scalars` followed by the
/// program in `.gal` text, so that a failure replays from its text.
///
/// Properties: the printed program parses back to itself (extreme constants included);
/// ``CompiledProgram`` accepts it exactly when every index is in range; the ``Evaluator`` gives
/// every task (regression, classification, and a regression task with extreme features and
/// labels), on validation and test, a fitness in [0, 1], never NaN, and so does the mean and the
/// median; fingerprints and R² run; for programs whose `predict` is scalar-only, the loss
/// objective (logistic and MLP trainers) gives a fitness in [0, 1] and ``DualMachine`` runs on
/// extreme logits and labels. Nothing may trap.
final class ExecutorTarget: FuzzTarget {
    let name = "executor"
    private static let featureSizes = [1, 2, 3, 4, 5, 8, 16, 17]
    static let extremes: [Double] = [
        1.7976931348623157e308, -1.7976931348623157e308, .leastNonzeroMagnitude,
        -.leastNonzeroMagnitude, -0.0, 0.0, 1e-300, -1e-300, 1e300, -1e300, 709.79, -745.2, 1e16,
        2.220446049250313e-16, 1, -1, 0.5, 100, -100, 1e154, 3.141592653589793,
    ]
    private var tasks: [Int: [TaskDataset]] = [:]
    private var evaluators: [MemoryShape: Evaluator] = [:]
    private var lossEvaluators: [MemoryShape: [Evaluator]] = [:]

    let initialInputs: [[UInt8]]

    init(locations: Locations) {
        initialInputs = Locations.files(in: locations.corpusDirectory("executor"), extensions: [".txt"])
            .compactMap(Locations.read)
        for f in Self.featureSizes { tasks[f] = Self.makeTasks(features: f) }
    }

    /// Three small tasks per feature size: regression, classification, and regression on
    /// extreme values. Six training examples, two epochs, three validation and three test.
    private static func makeTasks(features f: Int) -> [TaskDataset] {
        var random = RandomGenerator(seed: UInt64(f) * 7_919)
        func split(_ count: Int, extreme: Bool, classify: Bool) -> TaskDataset.Split {
            var xs: [Double] = [], ys: [Double] = []
            for _ in 0..<count {
                for _ in 0..<f {
                    xs.append(extreme
                        ? extremes[random.nextInt(below: extremes.count)]
                        : random.gaussian(0, 1))
                }
                if classify {
                    ys.append(Double(random.nextInt(below: 2)))
                } else {
                    ys.append(extreme ? extremes[random.nextInt(below: extremes.count)] : random.gaussian(0, 2))
                }
            }
            return TaskDataset.Split(features: xs, labels: ys)
        }
        return [(false, false, "regression"), (false, true, "classification"), (true, false, "extreme")]
            .enumerated().map { index, kind in
                TaskDataset(
                    name: kind.2, metric: kind.1 ? .accuracy : .rms, features: f,
                    train: split(6, extreme: kind.0, classify: kind.1),
                    valid: split(3, extreme: kind.0, classify: kind.1),
                    test: split(3, extreme: kind.0, classify: kind.1),
                    epochs: 2, shuffleSeed: UInt64(index + 1), programSeed: UInt64(index + 11))
            }
    }

    // MARK: Making inputs

    func next(using random: inout RandomGenerator) -> [UInt8] {
        let f = Self.featureSizes[random.nextInt(below: Self.featureSizes.count)]
        let scalarInputs = random.nextInt(below: 5) == 0
        let scalars = max(2 + random.nextInt(below: 7), scalarInputs ? 2 + f : 0)
        let vectors = 1 + random.nextInt(below: 4)
        let matrices = random.nextInt(below: 4)
        let shape = MemoryShape(
            features: f, scalars: scalars, vectors: vectors, matrices: matrices,
            inputScalars: scalarInputs ? f : 0)
        let ops = Op.allCases.filter { op in
            ([op.info.output].compactMap { $0 } + op.info.inputs).allSatisfy { shape.count(of: $0) > 0 }
        }
        // One time in four, scalar ops only: the programs the loss objective and DualMachine take.
        let scalarOnly = random.nextInt(below: 4) == 0
        let allowed = scalarOnly
            ? ops.filter { ($0.info.output == .scalar || $0.info.output == nil) && $0.info.inputs.allSatisfy { $0 == .scalar } }
            : ops
        let components = Component.allCases.map { _ in
            ComponentSpec(ops: allowed, minimumSize: 0, maximumSize: 12, initialSize: random.nextInt(below: 13))
        }
        let mutator = Mutator(shape: shape, components: components)
        var program = mutator.randomProgram(using: &random)
        for _ in 0..<random.nextInt(below: 4) {
            let kinds = MutationKind.allCases
            mutator.mutate(&program, kind: kinds[random.nextInt(below: kinds.count)], using: &random)
        }
        // Extreme constants.
        for component in Component.allCases {
            for index in program[component].indices {
                let count = program[component][index].op.info.constantCount
                if count >= 1, random.nextInt(below: 3) == 0 {
                    program[component, index].constant1 =
                        Self.extremes[random.nextInt(below: Self.extremes.count)]
                }
                if count >= 2, random.nextInt(below: 3) == 0 {
                    program[component, index].constant2 =
                        Self.extremes[random.nextInt(below: Self.extremes.count)]
                }
            }
        }
        // One time in eight, an index out of range (still one the text format can write).
        let nonEmpty = Component.allCases.filter { !program[$0].isEmpty }
        if random.nextInt(below: 8) == 0, !nonEmpty.isEmpty {
            let component = nonEmpty[random.nextInt(below: nonEmpty.count)]
            let position = random.nextInt(below: program[component].count)
            var instruction = program[component][position]
            let info = instruction.op.info
            let beyond = random.nextInt(below: 3)
            switch random.nextInt(below: 3) {
            case 0 where info.output != nil:
                instruction.output = UInt16(shape.count(of: info.output ?? .scalar) + beyond)
            case 1 where !info.inputs.isEmpty:
                instruction.input1 = UInt16(shape.count(of: info.inputs[0]) + beyond)
            case 2 where info.indexCount > 0:
                instruction.index1 = UInt16(f + beyond)
            default:
                break
            }
            program[component, position] = instruction
        }
        let header = "# executor features=\(f) scalars=\(scalars) vectors=\(vectors) matrices=\(matrices)"
            + " inputs=\(scalarInputs ? "scalars" : "vector")\n"
        return Array((header + ProgramPrinter.print(program)).utf8)
    }

    // MARK: Running

    /// Reads the shape line back.
    private static func shape(from line: Substring) -> MemoryShape? {
        var values: [String: String] = [:]
        for field in line.split(separator: " ").dropFirst(2) {
            let parts = field.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
        }
        guard let f = values["features"].flatMap({ Int($0) }), (1...64).contains(f),
              let s = values["scalars"].flatMap({ Int($0) }), (2...100).contains(s),
              let v = values["vectors"].flatMap({ Int($0) }), (1...100).contains(v),
              let m = values["matrices"].flatMap({ Int($0) }), (0...100).contains(m)
        else { return nil }
        let scalarInputs = values["inputs"] == "scalars"
        guard !scalarInputs || s >= 2 + f else { return nil }
        return MemoryShape(features: f, scalars: s, vectors: v, matrices: m, inputScalars: scalarInputs ? f : 0)
    }

    private func tasks(for f: Int) -> [TaskDataset] {
        if let known = tasks[f] { return known }
        let made = Self.makeTasks(features: f)
        tasks[f] = made
        return made
    }

    func execute(_ input: [UInt8]) -> Outcome {
        let text = String(decoding: input, as: UTF8.self)
        guard let newline = text.firstIndex(of: "\n"),
              let shape = Self.shape(from: text[..<newline])
        else { return .rejected }
        let programText = String(text[text.index(after: newline)...])
        let program: Program
        do {
            program = try ProgramParser().parse(programText, file: "executor.gal")
        } catch {
            return .violation("the generated program does not parse back: \(error)")
        }
        let printed = ProgramPrinter.print(program)
        guard (try? ProgramParser().parse(printed, file: "printed.gal")) == program else {
            return .violation("the program does not round-trip through its text")
        }
        let fits = ParserTarget.fits(program, shape)
        let compiled: CompiledProgram
        do {
            compiled = try CompiledProgram(program, shape: shape)
        } catch {
            if fits { return .violation("CompiledProgram refused a program that fits \(shape): \(error)") }
            if let problem = checkError(error, file: "<program>") { return .violation(problem) }
            _ = DualMachine(program: program, scalars: shape.scalars)
            return .rejected
        }
        if !fits { return .violation("CompiledProgram accepted a program with an index outside \(shape)") }
        let taskSet = tasks(for: shape.features)
        let evaluator = evaluators[shape] ?? Evaluator(shape: shape)
        evaluators[shape] = evaluator
        for scoring in [ScoringSplit.validation, .test] {
            for aggregation in FitnessAggregation.allCases {
                let evaluation = evaluator.evaluate(compiled, on: taskSet, aggregation: aggregation, scoring: scoring)
                for (index, fitness) in (evaluation.taskFitness + [evaluation.fitness]).enumerated()
                where !(fitness >= 0 && fitness <= 1) {
                    let task = index < taskSet.count ? taskSet[index].name : "\(aggregation)"
                    return .violation("fitness \(fitness) on \(task) (\(scoring)) is outside [0, 1]")
                }
                if scoring == .test { break }
            }
        }
        for task in taskSet {
            _ = evaluator.fingerprint(of: compiled, on: task, trainSteps: 4, validSteps: 2)
            if !task.metric.isClassification {
                _ = evaluator.coefficientOfDetermination(of: compiled, on: task, scoring: .validation)
            }
        }
        if var dual = DualMachine(program: program, scalars: shape.scalars),
           shape.scalars > LossTraining.logitScalar {
            for z in [0, 1, -1, 1e300, -1e300, .leastNonzeroMagnitude, -0.0, .greatestFiniteMagnitude, 709.79] {
                for y in [0.0, 1.0, -0.0, 1e300] { _ = dual.evaluate(logit: z, label: y) }
            }
            let losses = lossEvaluators[shape] ?? [
                Evaluator(shape: shape, objective: .loss(LossTraining(model: .logistic, learningRate: 0.05))),
                Evaluator(shape: shape, objective: .loss(LossTraining(model: .mlp(hidden: 3), learningRate: 0.5))),
            ]
            lossEvaluators[shape] = losses
            let classification = taskSet.filter { $0.metric.isClassification }
            for loss in losses {
                for task in classification {
                    let fitness = loss.fitness(of: compiled, on: task)
                    guard fitness >= 0 && fitness <= 1 else {
                        return .violation("loss objective fitness \(fitness) is outside [0, 1]")
                    }
                    _ = loss.fingerprint(of: compiled, on: task, trainSteps: 2, validSteps: 2)
                }
            }
        }
        return .accepted
    }
}
