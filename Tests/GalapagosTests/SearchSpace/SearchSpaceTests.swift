import Foundation
import Galapagos
import GalapagosTestSupport
import Testing

// Search-space files: the shipped linear_demo, the exact size of a program space, and errors
// of the form `file:line: field: message`.

/// `base^exponent` in decimal, by schoolbook multiplication of a digit array: independent of
/// GMP and of the implementation under test.
private func decimalPower(_ base: Int, _ exponent: Int) -> String {
    var digits = [1]  // least significant first
    for _ in 0..<exponent {
        var carry = 0
        for i in digits.indices {
            let value = digits[i] * base + carry
            digits[i] = value % 10
            carry = value / 10
        }
        while carry > 0 {
            digits.append(carry % 10)
            carry /= 10
        }
    }
    return digits.reversed().map(String.init).joined()
}

/// A small valid search space, one entry per line (line numbers in the comments).
private let tinyLines: [String] = [
    "name: tiny",  // 1
    "memory:",  // 2
    "  features: 3",  // 3
    "  scalars: 4",  // 4
    "  vectors: 2",  // 5
    "  matrices: 1",  // 6
    "ops: [scalar_sum, vector_inner_product]",  // 7
    "setup: 3",  // 8
    "predict: {min: 1, max: 4, initial: 2}",  // 9
    "learn: 5",  // 10
    "mutation:",  // 11
    "  probability: 0.5",  // 12
    "  operators: [alter_argument, insert_instruction]",  // 13
    "evolution:",  // 14
    "  population: 100",  // 15
    "  tournament: 5",  // 16
    "tasks:",  // 17
    "  search:",  // 18
    "    generator: scalar_linear_regression",  // 19
    "    count: 2",  // 20
    "    train: 10",  // 21
    "    valid: 5",  // 22
]

/// The tiny search space with some lines replaced (1-based), removed (`nil`), or appended.
private func tiny(replacing replacements: [Int: String?] = [:], appending extra: [String] = []) -> String {
    var lines: [String] = []
    for (offset, line) in tinyLines.enumerated() {
        if let replacement = replacements[offset + 1] {
            if let replacement { lines.append(replacement) }
        } else {
            lines.append(line)
        }
    }
    return (lines + extra).joined(separator: "\n") + "\n"
}

/// Checks that loading fails with a one-line search-space error starting with `prefix`.
private func expectSpaceError(
    _ text: String, prefix: String, _ fragments: String...,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    do {
        let space = try SearchSpace.parse(text, file: "tiny.yaml")
        Issue.record("loaded without error: \(space.name)", sourceLocation: sourceLocation)
    } catch let error as GalapagosError {
        let message = error.description
        guard case .searchSpace = error else {
            Issue.record("not a search-space error: \(message)", sourceLocation: sourceLocation)
            return
        }
        #expect(message.hasPrefix(prefix), "\(message)", sourceLocation: sourceLocation)
        let oneLine = !message.contains(where: \.isNewline)
        #expect(oneLine, "not one line: \(message)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(message.contains(fragment), "'\(fragment)' missing from: \(message)", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("unexpected error type: \(error)", sourceLocation: sourceLocation)
    }
}

@Suite("Search spaces")
struct SearchSpaceTests {
    // MARK: linear_demo

    @Test("linear_demo loads with its documented values")
    func linearDemoValues() throws {
        let space = try linearDemoSpace()
        #expect(space.name == "linear_demo")
        #expect(!space.summary.isEmpty)
        #expect(space.memory == MemoryShape(features: 4, scalars: 4, vectors: 3, matrices: 1))
        let ops: [Op] = [
            .scalarConstSet, .vectorInnerProduct, .scalarDiff, .scalarProduct,
            .scalarVectorProduct, .vectorSum,
        ]
        let sizes = [Component.setup: 10, .predict: 2, .learn: 8]
        for component in Component.allCases {
            let spec = space[component]
            #expect(spec.ops == ops, "\(component)")
            #expect(spec.minimumSize == sizes[component])
            #expect(spec.maximumSize == sizes[component])
            #expect(spec.initialSize == sizes[component])
        }
        // The island layout is the ablation's winner (BENCHMARKS.md); the rest is AutoML-Zero's.
        #expect(space.evolution.populationSize == 100)
        #expect(space.evolution.tournamentSize == 10)
        #expect(space.evolution.islands == 10)
        #expect(space.evolution.migrationInterval == 20_000 && space.evolution.migrants == 5)
        #expect(space.evolution.selector == .tournament)
        #expect(space.mutation.probability == 0.9)
        #expect(space.mutation.operators == [.alterArgument, .randomizeInstruction, .randomizeComponent])
        #expect(space.mutation.adaptive == false)
        #expect(space.fec.trainSteps == 10 && space.fec.validSteps == 10)
        #expect(space.searchTasks == TaskSpec(
            generator: .linearRegression, count: 10, trainExamples: 100, validExamples: 100,
            epochs: 1, metric: .rms))
        #expect(space.selectTasks == TaskSpec(
            generator: .linearRegression, count: 100, trainExamples: 1_000, validExamples: 100))
        #expect(space.finalTasks == TaskSpec(
            generator: .linearRegression, count: 100, trainExamples: 1_000, validExamples: 100,
            dataSeed: 1_000_000, paramSeed: 2_000_000))
        #expect(space.aggregation == .mean)

        let limits = space.programLimits(strictOps: true)
        #expect(limits.shape == space.memory)
        #expect(limits.maximumSizes == [10, 2, 8])
        #expect(limits.allowedOps == [Set(ops), Set(ops), Set(ops)])
        #expect(space.programLimits(strictOps: false).allowedOps == nil)
    }

    @Test("linear_demo has 231 distinct instructions per component and 231^20 program structures")
    func linearDemoStructureCount() throws {
        let space = try linearDemoSpace()
        // Counted by hand over linear_demo's ops (4 scalars, 3 vectors, F = 4):
        //   scalar_const_set       s = c          4        (constants count once)
        //   vector_inner_product   s = dot(v, v)  4·3·3 = 36
        //   scalar_diff            s = s - s      4·4·4 = 64
        //   scalar_product         s = s * s      4·4·4 = 64
        //   scalar_vector_product  v = s * v      3·4·3 = 36
        //   vector_sum             v = v + v      3·3·3 = 27
        let perComponent = 4 + 36 + 64 + 64 + 36 + 27
        #expect(perComponent == 231)
        for component in Component.allCases {
            #expect(space.distinctInstructions(in: component) == BigInteger(perComponent))
        }
        // Fixed sizes 10, 2 and 8: exactly one length each.
        #expect(space.distinctSequences(in: .setup).description == decimalPower(231, 10))
        #expect(space.distinctSequences(in: .predict).description == decimalPower(231, 2))
        #expect(space.distinctSequences(in: .learn).description == decimalPower(231, 8))
        let expected = decimalPower(231, 20)
        #expect(expected.count == 48)  // 20 · log10(231) ≈ 47.27
        #expect(decimalPower(231, 2) == "53361")
        #expect(space.programStructureCount.description == expected)
        #expect(abs(space.programStructureCount.log10 - 20 * Foundation.log10(231.0)) < 1e-9)
    }

    @Test("the structure count of a space with variable sizes and element ops")
    func variableSizeStructureCount() throws {
        let text = """
            name: variable
            memory: {features: 3, scalars: 2, vectors: 1, matrices: 1}
            ops: [scalar_sum, vector_const_set, matrix_const_set, matrix_transpose, scalar_gaussian_set]
            setup: {min: 0, max: 2}
            predict: 1
            learn: {min: 1, max: 2, initial: 1}
            tasks:
              search: {generator: scalar_linear_regression, train: 5, valid: 5}
            """
        let space = try SearchSpace.parse(text, file: "variable.yaml")
        // scalar_sum 2·2·2 = 8; vector_const_set 1 vector × 3 indices = 3; matrix_const_set
        // 1 matrix × 3 × 3 indices = 9; matrix_transpose 1·1 = 1; scalar_gaussian_set 2.
        let i = 8 + 3 + 9 + 1 + 2
        #expect(space.distinctInstructions(in: .setup) == BigInteger(i))
        let setup = 1 + i + i * i  // lengths 0, 1, 2
        let predict = i  // length 1
        let learn = i + i * i  // lengths 1, 2
        #expect(space.distinctSequences(in: .setup) == BigInteger(setup))
        #expect(space.distinctSequences(in: .learn) == BigInteger(learn))
        #expect(space.programStructureCount == BigInteger(setup * predict * learn))
        #expect(space.programStructureCount.description == "7020888")  // 553 · 23 · 552
        #expect(space[.setup].initialSize == 0)  // initial defaults to min
        #expect(space[.learn].initialSize == 1)
    }

    @Test("a misspelled task section is an unknown field that names the right one")
    func misspelledTaskSection() {
        expectSpaceError(
            tiny(replacing: [18: "  serch:"]),
            prefix: "tiny.yaml:18: tasks.serch: unknown field (expected one of: final, search, select)")
    }

    @Test("hurdles and mutation retries are read, and off by default")
    func hurdleAndRetries() throws {
        let plain = try SearchSpace.parse(tiny(), file: "tiny.yaml")
        #expect(plain.evolution.hurdle == nil)
        #expect(plain.mutation.retries == 0)
        let space = try SearchSpace.parse(
            tiny(replacing: [12: "  probability: 0.5\n  retries: 3", 16: "  tournament: 5\n  hurdle: 0.75"]),
            file: "tiny.yaml")
        #expect(space.evolution.hurdle == 0.75)
        #expect(space.mutation.retries == 3)
    }

    @Test("the tiny space loads; 'all' expands to every op but no_op")
    func tinyAndAll() throws {
        let space = try SearchSpace.parse(tiny(), file: "tiny.yaml")
        #expect(space.memory == MemoryShape(features: 3, scalars: 4, vectors: 2, matrices: 1))
        #expect(space[.predict].minimumSize == 1 && space[.predict].maximumSize == 4)
        #expect(space[.predict].initialSize == 2)
        #expect(space.mutation.operators == [.alterArgument, .insertInstruction])
        #expect(space.mutation.probability == 0.5)
        #expect(space.evolution.populationSize == 100 && space.evolution.tournamentSize == 5)
        #expect(space.searchTasks.count == 2 && space.searchTasks.validExamples == 5)
        #expect(space.selectTasks == nil && space.finalTasks == nil)

        let all = try SearchSpace.parse(tiny(replacing: [7: "ops: [scalar_sum, all, vector_sum]"]), file: "tiny.yaml")
        let expected = Op.allCases.filter { $0 != .noOp }
        #expect(all[.setup].ops.count == expected.count)
        #expect(Set(all[.setup].ops) == Set(expected))
        #expect(all[.setup].ops.first == .scalarSum)  // duplicates removed, first one kept
    }

    @Test("a component may list its own ops")
    func componentOps() throws {
        let space = try SearchSpace.parse(
            tiny(replacing: [9: "predict: {max: 4, ops: [vector_inner_product]}"]), file: "tiny.yaml")
        #expect(space[.predict].ops == [.vectorInnerProduct])
        #expect(space[.setup].ops == [.scalarSum, .vectorInnerProduct])
    }

    // MARK: errors: file:line: field: message

    @Test("unknown fields")
    func unknownFields() {
        expectSpaceError(
            tiny(appending: ["colour: blue"]), prefix: "tiny.yaml:23: colour: unknown field")
        expectSpaceError(
            tiny(replacing: [6: "  registers: 1"]), prefix: "tiny.yaml:6: memory.registers: unknown field")
        expectSpaceError(
            tiny(appending: ["    epoch: 3"]), prefix: "tiny.yaml:23: tasks.search.epoch: unknown field")
        expectSpaceError(
            tiny(replacing: [9: "predict: {min: 1, maximum: 4}"]), prefix: "tiny.yaml:9: predict.max")
        expectSpaceError(
            tiny(replacing: [16: "  tournament_size: 5"]),
            prefix: "tiny.yaml:16: evolution.tournament_size: unknown field")
    }

    @Test("wrong types")
    func wrongTypes() {
        expectSpaceError(
            tiny(replacing: [3: "  features: four"]),
            prefix: "tiny.yaml:3: memory.features: expected a whole number 1…256, found 'four'")
        expectSpaceError(
            tiny(replacing: [15: "  population: [1, 2]"]),
            prefix: "tiny.yaml:15: evolution.population: expected a whole number", "found a list")
        expectSpaceError(
            tiny(replacing: [12: "  probability: high"]),
            prefix: "tiny.yaml:12: mutation.probability: expected a number", "'high'")
        expectSpaceError(
            tiny(replacing: [1: "name: [a, b]"]), prefix: "tiny.yaml:1: name: expected text, found a list")
        expectSpaceError(
            tiny(replacing: [3: "  features: 2.5"]), prefix: "tiny.yaml:3: memory.features: expected a whole number")
        expectSpaceError(
            tiny(replacing: [19: "    generator: quadratic_regression"]),
            prefix: "tiny.yaml:19: tasks.search.generator: unknown task generator 'quadratic_regression' (expected one of scalar_linear_regression")
        expectSpaceError(
            tiny(replacing: [2: "memory: 12", 3: nil, 4: nil, 5: nil, 6: nil]),
            prefix: "tiny.yaml:2: memory: expected a mapping of fields, found '12'")
    }

    @Test("out-of-range values and sizes")
    func outOfRange() {
        expectSpaceError(
            tiny(replacing: [8: "setup: 20000"]),
            prefix: "tiny.yaml:8: setup: expected a size 0…10000 or a mapping, found '20000'")
        expectSpaceError(
            tiny(replacing: [8: "setup: -1"]), prefix: "tiny.yaml:8: setup: expected a size")
        expectSpaceError(
            tiny(replacing: [9: "predict: {min: 5, max: 3}"]),
            prefix: "tiny.yaml:9: predict.min: expected min ≤ max, found 5 > 3")
        expectSpaceError(
            tiny(replacing: [9: "predict: {min: 1, max: 4, initial: 7}"]),
            prefix: "tiny.yaml:9: predict.initial: expected min ≤ initial ≤ max, found 7")
        expectSpaceError(
            tiny(replacing: [9: "predict: {max: 20000}"]),
            prefix: "tiny.yaml:9: predict.max: expected a whole number 0…10000, found 20000")
        expectSpaceError(
            tiny(replacing: [9: "predict: {size: 3, max: 4}"]),
            prefix: "tiny.yaml:9: predict.max: give either 'size' or min/max/initial")
        expectSpaceError(
            tiny(replacing: [3: "  features: 0"]),
            prefix: "tiny.yaml:3: memory.features: expected a whole number 1…256, found 0")
        expectSpaceError(
            tiny(replacing: [3: "  features: 300"]),
            prefix: "tiny.yaml:3: memory.features: expected a whole number 1…256, found 300")
        expectSpaceError(
            tiny(replacing: [4: "  scalars: 1"]),
            prefix: "tiny.yaml:4: memory.scalars: expected a whole number 2…1000, found 1")
        expectSpaceError(
            tiny(replacing: [12: "  probability: 1.5"]),
            prefix: "tiny.yaml:12: mutation.probability: expected a number 0.0…1.0, found 1.5")
        expectSpaceError(
            tiny(replacing: [16: "  tournament: 500"]),
            prefix: "tiny.yaml:16: evolution.tournament: expected tournament ≤ population (100), found 500")
        expectSpaceError(
            tiny(replacing: [16: "  tournament: 5\n  hurdle: 1.5"]),
            prefix: "tiny.yaml:17: evolution.hurdle: expected a number 0.0…1.0, found 1.5")
        expectSpaceError(
            tiny(replacing: [12: "  probability: 0.5\n  retries: 101"]),
            prefix: "tiny.yaml:13: mutation.retries: expected a whole number 0…100, found 101")
        expectSpaceError(
            tiny(replacing: [21: "    train: 0"]),
            prefix: "tiny.yaml:21: tasks.search.train: expected a whole number 1…10000000, found 0")
    }

    @Test("missing sections")
    func missingSections() {
        // A missing section is reported at the mapping that should hold it (line 1 for the
        // top level).
        expectSpaceError(
            tiny(replacing: [2: nil, 3: nil, 4: nil, 5: nil, 6: nil]),
            prefix: "tiny.yaml:1: memory: expected a 'memory' section")
        expectSpaceError(
            tiny(replacing: [17: nil, 18: nil, 19: nil, 20: nil, 21: nil, 22: nil]),
            prefix: "tiny.yaml:1: tasks: expected a 'tasks' section")
        expectSpaceError(
            tiny(replacing: [9: nil]), prefix: "tiny.yaml:1: predict: expected a 'predict' section")
        expectSpaceError(
            tiny(replacing: [1: nil]), prefix: "tiny.yaml:1: name: expected a name")
        expectSpaceError(
            tiny(replacing: [7: nil]), prefix: "tiny.yaml:7: setup: expected 'ops' here or at the top level")
        // Reported at the tasks mapping, which starts on line 18 (its first field).
        expectSpaceError(
            tiny(replacing: [18: "  select:"]), prefix: "tiny.yaml:18: tasks.search: expected the search tasks")
        expectSpaceError(
            tiny(replacing: [21: nil]), prefix: "tiny.yaml:19: tasks.search.train: expected the number of training examples")
        // A missing memory field is reported at the memory mapping (its first field, line 3).
        expectSpaceError(
            tiny(replacing: [4: nil]), prefix: "tiny.yaml:3: memory: missing scalars")
        expectSpaceError("", prefix: "tiny.yaml:1: expected a search space, found an empty file")
    }

    @Test("unknown ops and mutation operators")
    func unknownOps() {
        expectSpaceError(
            tiny(replacing: [7: "ops: [scalar_sum, scalar_frobnicate]"]),
            prefix: "tiny.yaml:7: ops: unknown op 'scalar_frobnicate'")
        expectSpaceError(
            tiny(replacing: [9: "predict: {max: 4, ops: [vector_frob]}"]),
            prefix: "tiny.yaml:9: predict.ops: unknown op 'vector_frob'")
        // In a block list, the line of the bad entry.
        expectSpaceError(
            tiny(replacing: [7: "ops:\n  - scalar_sum\n  - vector_dot\n  - vector_sum"]),
            prefix: "tiny.yaml:9: ops: unknown op 'vector_dot'")
        expectSpaceError(
            tiny(replacing: [7: "ops: []"]), prefix: "tiny.yaml:7: ops: expected at least one op")
        expectSpaceError(
            tiny(replacing: [13: "  operators: [alter_argument, mutate_everything]"]),
            prefix: "tiny.yaml:13: mutation.operators: unknown mutation 'mutate_everything'")
    }

    @Test("an op that needs a register kind the memory lacks")
    func opNeedsMissingRegisters() {
        expectSpaceError(
            tiny(replacing: [6: "  matrices: 0", 7: "ops: [scalar_sum, matrix_transpose]"]),
            prefix: "tiny.yaml:8: setup: op matrix_transpose needs a matrix register",
            "memory has no matrices")
    }

    @Test("malformed YAML")
    func malformedYAML() {
        expectSpaceError(tiny(replacing: [10: "learn: 5: 6"]), prefix: "tiny.yaml:10: expected YAML")
        expectSpaceError("- just\n- a list\n", prefix: "tiny.yaml:1: expected a mapping of fields, found a list")
    }

    @Test("file errors name the file")
    func fileErrors() throws {
        #expect(throws: GalapagosError.self) { try SearchSpace.load(path: "/nonexistent/space.yaml") }
        do {
            _ = try SearchSpace.load(path: "/nonexistent/space.yaml")
        } catch let error as GalapagosError {
            #expect(error.description.hasPrefix("/nonexistent/space.yaml: "))
        }
        // Every shipped search space loads.
        let directory = try packageRoot().appendingPathComponent("searchspaces")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".yaml") }
        #expect(!names.isEmpty)
        for name in names {
            #expect(throws: Never.self) { try SearchSpace.load(path: directory.appendingPathComponent(name).path) }
        }
    }
}
