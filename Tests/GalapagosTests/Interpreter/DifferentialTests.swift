import Foundation
import Galapagos
import GalapagosTestSupport
import Testing

// Differential tests: the optimised interpreter (`Machine`, flat unsafe memory, loops
// specialised for F = 4, 8, 16) and `Evaluator` against the plain `ReferenceInterpreter` and
// `ReferenceEvaluator` of ReferenceInterpreter.swift. Every register must agree bit for bit
// (so -0.0 ≠ 0.0), except that any NaN equals any NaN; every per-task fitness must agree bit
// for bit.
//
// Why NaN payloads and signs are not compared: in a debug build they do agree, but in an
// optimised build (`swift test -c release -Xswiftc -enable-testing`) they differ on 110 of
// the 3,000 programs, always NaN against NaN, in ops such as matrix @ matrix, outer, dot,
// norm and std. LLVM treats NaN bit patterns as unspecified: it commutes
// `x * y` to `y * x` and vectorises, and x86 propagates the payload of the first NaN operand
// (an invalid operation yields the negative default NaN 0xfff8…). None of this is libm. It is
// harmless by construction: no op reads a NaN's sign or payload (abs clears the sign,
// comparisons treat every NaN alike, and there is no copysign), so no non-NaN value, and no
// fitness, can depend on them.
//
// Seeds are fixed, so a failure reproduces; the message names the program and register.

// MARK: - Search spaces and values

/// A search space over every op (including `no_op`): 68 + 1 = 69 ops.
private func allOpsSpace(
    features: Int, scalars: Int, vectors: Int, matrices: Int, inputScalars: Bool = false,
    maximumSize: Int = 24
) throws -> SearchSpace {
    let yaml = """
        name: differential
        memory: {features: \(features), scalars: \(scalars), vectors: \(vectors), matrices: \(matrices)\
        \(inputScalars ? ", inputs: scalars" : "")}
        ops: [all, no_op]
        setup: {min: 0, max: \(maximumSize), initial: \(maximumSize / 2)}
        predict: {min: 0, max: \(maximumSize), initial: \(maximumSize / 2)}
        learn: {min: 0, max: \(maximumSize), initial: \(maximumSize / 2)}
        mutation:
          operators: [alter_argument, randomize_instruction, insert_instruction, remove_instruction,
                      randomize_component, identity]
        tasks:
          search: {generator: scalar_linear_regression, train: 2, valid: 2}
        """
    return try SearchSpace.parse(yaml, file: "differential.yaml")
}

/// Values that stress IEEE-754 corners: huge, subnormal, signed zeros, NaNs with and without
/// payload and sign, infinities.
private let extremeValues: [Double] = [
    1e300, -1e300, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, -0.0, 0.0, .nan, -Double.nan,
    Double(nan: 0x5A5A, signaling: false), -Double(nan: 0x1234, signaling: false),
    .signalingNaN, .infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
    .leastNormalMagnitude, 1, -1,
]

/// A random register value; `extremeRate` is the chance of a value from ``extremeValues``.
private func randomValue(extremeRate: Double, using random: inout RandomGenerator) -> Double {
    if random.nextBool(probability: extremeRate) {
        return extremeValues[random.nextInt(below: extremeValues.count)]
    }
    switch random.nextInt(below: 10) {
    case 0, 1: return Double(random.nextInt(below: 7) - 3)  // exact ties for min, max, heaviside
    case 2: return random.uniform(-1e3, 1e3)
    case 3: return random.uniform(-1, 1) * 1e-3
    default: return random.gaussian(0, 2)
    }
}

/// The first register on which the machine and the reference differ, or `nil`: bit patterns
/// must be equal, except that two NaNs are equal whatever their payloads and signs.
private func firstDifference(_ machine: Machine, _ reference: ReferenceMemory) -> String? {
    func same(_ x: Double, _ y: Double) -> Bool {
        x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN)
    }
    func show(_ x: Double) -> String { "\(x) (0x\(String(x.bitPattern, radix: 16)))" }
    let shape = machine.shape
    for i in 0..<shape.scalars where !same(machine.scalar(i), reference.scalars[i]) {
        return "s\(i): machine \(show(machine.scalar(i))), reference \(show(reference.scalars[i]))"
    }
    for i in 0..<shape.vectors {
        let values = machine.vector(i)
        for k in 0..<shape.features where !same(values[k], reference.vectors[i][k]) {
            return "v\(i)[\(k)]: machine \(show(values[k])), reference \(show(reference.vectors[i][k]))"
        }
    }
    for i in 0..<shape.matrices {
        let values = machine.matrix(i)
        for r in 0..<shape.features {
            for c in 0..<shape.features where !same(values[r * shape.features + c], reference.matrices[i][r][c]) {
                return "m\(i)[\(r), \(c)]: machine \(show(values[r * shape.features + c])),"
                    + " reference \(show(reference.matrices[i][r][c]))"
            }
        }
    }
    return nil
}

// MARK: - Hand-built tasks

/// A small task: Gaussian features; labels from a random linear teacher, scaled (regression,
/// large scales trip the |error| > 100 stop) or thresholded at 0 (classification).
private func makeTask(
    features f: Int, classification: Bool, train: Int, valid: Int, test: Int, epochs: Int,
    labelScale: Double, seed: UInt64
) -> ReferenceTask {
    var random = RandomGenerator(seed: seed)
    let weights = (0..<f).map { _ in random.gaussian(0, 1) }
    func split(_ n: Int) -> TaskDataset.Split {
        var xs: [Double] = [], ys: [Double] = []
        for _ in 0..<n {
            let x = (0..<f).map { _ in random.gaussian(0, 1) }
            var dot = 0.0
            for k in 0..<f { dot += weights[k] * x[k] }
            xs += x
            ys.append(classification ? (dot > 0 ? 1 : 0) : labelScale * dot + random.gaussian(0, 0.1))
        }
        return TaskDataset.Split(features: xs, labels: ys)
    }
    let shuffleSeed = RandomGenerator.derive(seed, 1)
    let dataset = TaskDataset(
        name: "differential #\(seed)", metric: classification ? .accuracy : .rms, features: f,
        train: split(train), valid: split(valid), test: split(test), epochs: epochs,
        shuffleSeed: shuffleSeed, programSeed: RandomGenerator.derive(seed, 2))
    return ReferenceTask(dataset: dataset, shuffleSeed: shuffleSeed)
}

/// Hand-written learners (the shipped examples), to be mutated into programs that train for
/// a while before they break, so that fitnesses are rarely the trivial 0.
private let seedPrograms = [
    // The shipped SGD regressor (searchspaces/examples/sgd_linear_regression.gal).
    (try? repositoryText("searchspaces/examples/sgd_linear_regression.gal")) ?? "",
    """
    # galapagos program v1
    def setup():
      m0 = gaussian(0.0, 0.25)
      v1 = gaussian(0.0, 0.25)
      s2 = 0.02
    def predict():
      v3 = m0 @ v0
      v4 = heaviside(v3)
      v5 = v4 * v3
      s1 = dot(v1, v5)
    def learn():
      s3 = s0 - s1
      s3 = s2 * s3
      v6 = s3 * v1
      v6 = v6 * v4
      v2 = s3 * v5
      v1 = v1 + v2
      m1 = outer(v6, v0)
      m0 = m0 + m1
    """,
    """
    # galapagos program v1
    def setup():
      s2 = 0.1
      v1 = uniform(-0.5, 0.5)
    def predict():
      s4 = mean(v0)
      s5 = std(v0)
      s1 = dot(v0, v1)
      s1 = s1 + s4
    def learn():
      s3 = s0 - s1
      s3 = s2 * s3
      v2 = s3 * v0
      v1 = v1 + v2
      m0 = row_broadcast(v1)
      m0 = transpose(m0)
    """,
]

// MARK: - Tests

@Suite("Differential: Machine and Evaluator against the reference interpreter")
struct DifferentialTests {
    static let programsPerWidth = 500
    static let widths = [1, 3, 4, 5, 8, 16]

    /// 500 random programs per feature size (3,000 in all) over all 69 ops, on random memory
    /// with extreme values; after each component every register and the generator state must
    /// match.
    @Test("Random programs, register for register", arguments: widths)
    func randomPrograms(features: Int) throws {
        // A roomy shape (few aliased operands) and the tightest one (aliasing everywhere).
        let spaces = [
            try allOpsSpace(features: features, scalars: 6, vectors: 4, matrices: 3),
            try allOpsSpace(features: features, scalars: 2, vectors: 1, matrices: 1),
        ]
        let machines = spaces.map { Machine(shape: $0.memory) }
        var random = RandomGenerator(seed: RandomGenerator.derive(0xD1FF, UInt64(features)))
        var executed = Set<Op>()
        var failures = 0
        let extremeRates = [0.0, 0.01, 0.1]

        for index in 0..<Self.programsPerWidth {
            let space = spaces[index % 2]
            let machine = machines[index % 2]
            let shape = space.memory
            let mutator = Mutator(space: space)

            // A random program; some constants made extreme, some instructions no-ops.
            var program = Program()
            for component in Component.allCases {
                var instructions = mutator.randomComponent(
                    component, count: random.nextInt(below: 25), using: &random)
                for k in instructions.indices {
                    if random.nextBool(probability: 0.02) { instructions[k] = .nop }
                    if instructions[k].op.info.constantCount > 0, random.nextBool(probability: 0.05) {
                        instructions[k].constant1 = extremeValues[random.nextInt(below: extremeValues.count)]
                    }
                    if instructions[k].op.info.constantCount > 1, random.nextBool(probability: 0.05) {
                        instructions[k].constant2 = extremeValues[random.nextInt(below: extremeValues.count)]
                    }
                    executed.insert(instructions[k].op)
                }
                program[component] = instructions
            }
            let compiled = try CompiledProgram(program, shape: shape)

            // The same random memory in both.
            let rate = extremeRates[index % 3]
            var reference = ReferenceInterpreter(shape: shape)
            for i in 0..<shape.scalars {
                let x = randomValue(extremeRate: rate, using: &random)
                reference.memory.scalars[i] = x
                machine.setScalar(i, x)
            }
            for i in 0..<shape.vectors {
                let values = (0..<features).map { _ in randomValue(extremeRate: rate, using: &random) }
                reference.memory.vectors[i] = values
                machine.setVector(i, values)
            }
            for i in 0..<shape.matrices {
                let values = (0..<(features * features)).map { _ in
                    randomValue(extremeRate: rate, using: &random)
                }
                reference.memory.matrices[i] = (0..<features).map {
                    Array(values[($0 * features)..<(($0 + 1) * features)])
                }
                machine.setMatrix(i, values)
            }
            if let difference = firstDifference(machine, reference.memory) {
                Issue.record("F=\(features) program \(index): memory not loaded alike: \(difference)")
                return
            }
            let seed = random.next()
            reference.random = RandomGenerator(seed: seed)
            machine.random = RandomGenerator(seed: seed)

            for component in Component.allCases {
                machine.run(compiled, component)
                reference.run(program[component])
                var difference = firstDifference(machine, reference.memory)
                if difference == nil, machine.random != reference.random {
                    difference = "generator states differ"
                }
                if let difference {
                    failures += 1
                    Issue.record("""
                        F=\(features) program \(index), after \(component.name): \(difference)
                        \(ProgramPrinter.print(program))
                        """)
                    break
                }
            }
            if failures >= 5 { return }
        }
        // Every one of the 69 ops appeared (no_op included).
        let missing = Op.allCases.filter { !executed.contains($0) }
        #expect(missing.isEmpty, "F=\(features): ops never exercised: \(missing.map(\.name))")
    }

    /// 500 programs (random ones, and mutants of hand-written learners) evaluated on small
    /// regression and classification tasks by `Evaluator` and by the reference protocol; every
    /// per-task fitness must match bit for bit.
    @Test("Full evaluations, fitness for fitness")
    func fullEvaluations() throws {
        let spaces = [
            try allOpsSpace(features: 4, scalars: 6, vectors: 7, matrices: 2, maximumSize: 12),
            try allOpsSpace(features: 3, scalars: 6, vectors: 7, matrices: 2, maximumSize: 12),
            try allOpsSpace(features: 8, scalars: 6, vectors: 7, matrices: 2, maximumSize: 12),
            try allOpsSpace(features: 3, scalars: 8, vectors: 7, matrices: 2, inputScalars: true, maximumSize: 12),
        ]
        let programCount = 500
        var random = RandomGenerator(seed: 0xE7A1)
        var compared = 0, nonzero = 0, nonzeroClassification = 0, failures = 0

        for (spaceIndex, space) in spaces.enumerated() {
            let shape = space.memory
            let f = shape.features
            let mutator = Mutator(space: space)
            let evaluator = Evaluator(shape: shape)  // reused, as workers do
            let seeds = try seedPrograms.map {
                try ProgramParser(limits: ProgramLimits(shape: shape)).parse($0)
            }
            let base = UInt64(spaceIndex * 100)
            let tasks = [
                makeTask(features: f, classification: false, train: 12, valid: 6, test: 4, epochs: 2, labelScale: 1, seed: base + 1),
                makeTask(features: f, classification: false, train: 7, valid: 5, test: 0, epochs: 3, labelScale: 40, seed: base + 2),
                makeTask(features: f, classification: false, train: 1, valid: 3, test: 2, epochs: 3, labelScale: 0.5, seed: base + 3),
                makeTask(features: f, classification: true, train: 12, valid: 8, test: 3, epochs: 2, labelScale: 1, seed: base + 4),
                makeTask(features: f, classification: true, train: 9, valid: 0, test: 5, epochs: 1, labelScale: 1, seed: base + 5),
            ]
            let datasets = tasks.map(\.dataset)

            for index in 0..<(programCount / spaces.count) {
                var program: Program
                if index % 4 == 0 {
                    program = mutator.randomProgram(using: &random)
                } else {
                    program = seeds[index % 4 - 1]
                    for _ in 0..<random.nextInt(below: 4) {
                        let kind = space.mutation.operators[random.nextInt(below: space.mutation.operators.count)]
                        mutator.mutate(&program, kind: kind, using: &random)
                    }
                }
                let compiled = try CompiledProgram(program, shape: shape)
                let scoring: ScoringSplit = index % 5 == 4 ? .test : .validation
                let evaluation = evaluator.evaluate(compiled, on: datasets, scoring: scoring)
                for (t, task) in tasks.enumerated() {
                    let expected = ReferenceEvaluator.fitness(of: program, shape: shape, on: task, scoring: scoring)
                    let actual = evaluation.taskFitness[t]
                    compared += 1
                    if actual != 0 {
                        nonzero += 1
                        if task.dataset.metric.isClassification { nonzeroClassification += 1 }
                    }
                    if actual.bitPattern != expected.bitPattern {
                        failures += 1
                        Issue.record("""
                            F=\(f) space \(spaceIndex) program \(index) task \(t) (\(scoring)): \
                            Evaluator \(actual), reference \(expected)
                            \(ProgramPrinter.print(program))
                            """)
                        if failures >= 5 { return }
                    }
                }
            }
        }
        #expect(compared == programCount * 5)
        // Not vacuous: a good share of evaluations train to a non-trivial score.
        #expect(nonzero * 4 > compared, "only \(nonzero) of \(compared) fitnesses are non-zero")
        #expect(nonzeroClassification > 50, "only \(nonzeroClassification) non-zero classification fitnesses")
    }

    /// The reference protocol's epoch order (re-derived from the shuffle seed through the
    /// public generator) is what `TaskDataset` uses: a program that predicts a weighted sum of
    /// the labels it has seen, most recent weighing most, scores differently under almost any
    /// other order. Checked against the Evaluator on a task with distinct labels.
    @Test("Epoch order reproduced from the shuffle seed")
    func epochOrder() throws {
        // s2 is an exponentially weighted sum of the labels seen, most recent first.
        let shape = MemoryShape(features: 2, scalars: 4, vectors: 1, matrices: 0)
        let program = try ProgramParser(limits: ProgramLimits(shape: shape)).parse("""
            # galapagos program v1
            def setup():
            def predict():
              s1 = abs(s2)
            def learn():
              s3 = 0.5
              s2 = s2 * s3
              s2 = s2 + s0
            """)
        let labels = (0..<20).map { Double($0) * 0.37 }
        let task = ReferenceTask(
            dataset: TaskDataset(
                name: "order", metric: .rms, features: 2,
                train: .init(features: Array(repeating: 0, count: 40), labels: labels),
                valid: .init(features: [0, 0], labels: [1]), epochs: 4,
                shuffleSeed: 99, programSeed: 7),
            shuffleSeed: 99)
        let orders = task.epochOrders
        #expect(orders.count == 4 && orders.allSatisfy { $0.sorted() == Array(0..<20) })
        #expect(Set(orders.map { $0 }).count == 4)
        let compiled = try CompiledProgram(program, shape: shape)
        let actual = Evaluator(shape: shape).fitness(of: compiled, on: task.dataset)
        let expected = ReferenceEvaluator.fitness(of: program, shape: shape, on: task)
        #expect(actual.bitPattern == expected.bitPattern)
    }
}
