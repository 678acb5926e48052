import Foundation
import Galapagos
import Testing

// Mutation keeps every program valid in its search space.

/// Every op, F = 3; setup has a fixed size, predict and learn vary.
private let mutationSpaceYAML = """
    name: mutate_all
    memory: {features: 3, scalars: 4, vectors: 3, matrices: 2}
    ops: [all]
    setup: 3
    predict: {min: 1, max: 5, initial: 2, ops: [all, no_op]}
    learn: {min: 2, max: 8, initial: 4}
    mutation:
      operators: [alter_argument, randomize_instruction, insert_instruction, remove_instruction,
                  randomize_component, identity]
    tasks:
      search: {generator: scalar_linear_regression, train: 5, valid: 5}
    """

private func mutationSpace() throws -> SearchSpace {
    try SearchSpace.parse(mutationSpaceYAML, file: "mutate_all.yaml")
}

/// A fast structural check of everything the parser and compiler would check, plus the
/// invariants the mutator documents. Returns a description of the first problem.
private struct Validator {
    let shape: MemoryShape
    let minimum: [Int]
    let maximum: [Int]
    /// allowed[component][op.rawValue]
    let allowed: [[Bool]]

    init(space: SearchSpace) {
        shape = space.memory
        minimum = Component.allCases.map { space[$0].minimumSize }
        maximum = Component.allCases.map { space[$0].maximumSize }
        allowed = Component.allCases.map { component in
            var table = Array(repeating: false, count: Op.allCases.count)
            for op in space[component].ops { table[Int(op.rawValue)] = true }
            return table
        }
    }

    func problem(in program: Program, checkSizes: Bool = true) -> String? {
        for c in 0..<3 {
            let instructions = program.components[c]
            if checkSizes, instructions.count < minimum[c] || instructions.count > maximum[c] {
                return "component \(c) has \(instructions.count) instructions"
            }
            for instruction in instructions {
                if let problem = problem(in: instruction, component: c) {
                    return "component \(c): \(ProgramPrinter.format(instruction)): \(problem)"
                }
            }
        }
        return nil
    }

    func problem(in i: Instruction, component: Int) -> String? {
        let info = i.op.info
        guard allowed[component][Int(i.op.rawValue)] else { return "op not allowed" }
        if let output = info.output {
            guard Int(i.output) < shape.count(of: output) else { return "output out of range" }
        } else if i.output != 0 {
            return "unused output not zero"
        }
        let inputs = [i.input1, i.input2]
        for position in 0..<2 {
            if position < info.inputs.count {
                guard Int(inputs[position]) < shape.count(of: info.inputs[position]) else {
                    return "input \(position + 1) out of range"
                }
            } else if inputs[position] != 0 {
                return "unused input \(position + 1) not zero"
            }
        }
        let indices = [i.index1, i.index2]
        for position in 0..<2 {
            if position < info.indexCount {
                guard Int(indices[position]) < shape.features else { return "index out of range" }
            } else if indices[position] != 0 {
                return "unused index not zero"
            }
        }
        let constants = [i.constant1, i.constant2]
        for position in 0..<2 {
            if position < info.constantCount {
                guard constants[position].isFinite else { return "constant not finite" }
            } else if constants[position].bitPattern != 0 {
                return "unused constant not zero"
            }
        }
        switch i.op {
        case .scalarUniformSet, .vectorUniformSet, .matrixUniformSet:
            guard i.constant1 <= i.constant2 else { return "uniform bounds out of order" }
        case .scalarGaussianSet, .vectorGaussianSet, .matrixGaussianSet:
            guard i.constant2 >= 0 else { return "negative standard deviation" }
        default:
            break
        }
        return nil
    }
}

@Suite("Mutator")
struct MutatorTests {
    /// 4 chains × 250,000 = 1,000,000 mutations, run in parallel.
    static let chains: [UInt64] = [1, 2, 3, 4]
    static let mutationsPerChain = 250_000

    @Test("1,000,000 random mutations keep every program valid", arguments: chains)
    func millionMutationsStayValid(chain: UInt64) throws {
        let space = try mutationSpace()
        let mutator = Mutator(space: space)
        let validator = Validator(space: space)
        let strict = ProgramParser(limits: space.programLimits(strictOps: true))
        let kinds = MutationKind.allCases.filter { $0 != .crossover }  // needs a donor: below
        var random = RandomGenerator(seed: 1_000 + chain)
        var program = mutator.randomProgram(using: &random)
        #expect(validator.problem(in: program) == nil)
        var failures = 0
        var changed = Array(repeating: 0, count: kinds.count)
        var applied = Array(repeating: 0, count: kinds.count)
        for step in 0..<Self.mutationsPerChain {
            let k = random.nextInt(below: kinds.count)
            let before = program
            let took = mutator.mutate(&program, kind: kinds[k], using: &random)
            if took {
                applied[k] += 1
                if program != before { changed[k] += 1 }
            } else if program != before {
                Issue.record("\(kinds[k]) returned false but changed the program")
                failures += 1
            }
            if let problem = validator.problem(in: program) {
                Issue.record("step \(step), after \(kinds[k]): \(problem)")
                failures += 1
            }
            if step % 100 == 0 {
                // The full check: print, re-parse with the strict limits, compile.
                let text = ProgramPrinter.print(program, searchSpace: space.name)
                do {
                    let parsed = try strict.parse(text, file: "mutant.gal")
                    if parsed != program {
                        Issue.record("step \(step): round trip changed the program:\n\(text)")
                        failures += 1
                    }
                    _ = try CompiledProgram(parsed, shape: space.memory)
                } catch {
                    Issue.record("step \(step), after \(kinds[k]): \(error)\n\(text)")
                    failures += 1
                }
            } else if step % 10 == 0 {
                _ = try CompiledProgram(program, shape: space.memory)
            }
            if failures > 10 { break }
        }
        #expect(failures == 0)
        // Every kind was applied, and every kind but identity changed programs most of the time.
        for (k, kind) in kinds.enumerated() {
            #expect(applied[k] > 0, "\(kind) never applied")
            if kind == .identity {
                #expect(changed[k] == 0)
            } else {
                #expect(Double(changed[k]) > 0.5 * Double(applied[k]), "\(kind): \(changed[k]) of \(applied[k])")
            }
        }
    }

    /// Crossover between programs of the same space: the child stays valid and within the
    /// component bounds, and every instruction comes from one parent at the same component.
    @Test("100,000 crossovers keep every program valid and made of its parents' instructions")
    func crossoversStayValid() throws {
        let space = try mutationSpace()
        let mutator = Mutator(space: space)
        let validator = Validator(space: space)
        var random = RandomGenerator(seed: 77)
        var pool = (0..<20).map { _ in mutator.randomProgram(using: &random) }
        var changed = 0, wholeComponents = 0
        for step in 0..<100_000 {
            let parent = pool[random.nextInt(below: pool.count)]
            let donor = pool[random.nextInt(below: pool.count)]
            var child = parent
            let took = mutator.crossover(&child, donor: donor, using: &random)
            #expect(took == (child != parent))
            if took { changed += 1 }
            if let problem = validator.problem(in: child) {
                Issue.record("step \(step): \(problem)")
                break
            }
            for component in Component.allCases {
                let known = Set(parent[component].map(ProgramPrinter.format) + donor[component].map(ProgramPrinter.format))
                #expect(child[component].allSatisfy { known.contains(ProgramPrinter.format($0)) })
                if child[component] == donor[component], parent[component] != donor[component] { wholeComponents += 1 }
            }
            // Keep the pool varied: replace a member by the child, or by a mutant now and then.
            var next = child
            if step % 3 == 0 {
                mutator.mutate(&next, kind: .insertInstruction, using: &random)
                mutator.mutate(&next, kind: .randomizeInstruction, using: &random)
            }
            pool[random.nextInt(below: pool.count)] = next
        }
        #expect(changed > 50_000, "\(changed) of 100,000 crossovers changed the program")
        #expect(wholeComponents > 1_000)
        // Without a donor, the mutation entry point declines crossover.
        var program = pool[0]
        #expect(!mutator.mutate(&program, kind: .crossover, using: &random))
    }

    @Test("random programs have the initial sizes and use every allowed op")
    func randomPrograms() throws {
        let space = try mutationSpace()
        let mutator = Mutator(space: space)
        let validator = Validator(space: space)
        var random = RandomGenerator(seed: 9)
        var seen: [Set<Op>] = [[], [], []]
        for _ in 0..<2_000 {
            let program = mutator.randomProgram(using: &random)
            #expect(program.setup.count == 3 && program.predict.count == 2 && program.learn.count == 4)
            #expect(validator.problem(in: program) == nil)
            for c in 0..<3 { seen[c].formUnion(program.components[c].map(\.op)) }
        }
        for component in Component.allCases {
            #expect(seen[component.rawValue] == Set(space[component].ops), "\(component)")
        }
        #expect(seen[Component.predict.rawValue].contains(.noOp))
        #expect(!seen[Component.setup.rawValue].contains(.noOp))
    }

    @Test("the same seed gives the same mutations")
    func determinism() throws {
        let mutator = Mutator(space: try mutationSpace())
        func run() -> Program {
            var random = RandomGenerator(seed: 31)
            var program = mutator.randomProgram(using: &random)
            for _ in 0..<2_000 {
                let kind = MutationKind.allCases[random.nextInt(below: MutationKind.allCases.count)]
                mutator.mutate(&program, kind: kind, using: &random)
            }
            return program
        }
        #expect(run() == run())
    }

    @Test("a component outside its bounds only moves towards them")
    func outOfBoundsComponentsMoveTowardsBounds() throws {
        let space = try mutationSpace()
        let mutator = Mutator(space: space)
        let validator = Validator(space: space)
        var random = RandomGenerator(seed: 17)
        // predict allows 1…5 instructions but holds 9; learn allows 2…8 but holds 0.
        var program = mutator.randomProgram(using: &random)
        program.predict = mutator.randomComponent(.predict, count: 9, using: &random)
        program.learn = []
        let bounds = Component.allCases.map { (space[$0].minimumSize, space[$0].maximumSize) }
        for _ in 0..<5_000 {
            let before = program.components.map(\.count)
            let kind = MutationKind.allCases[random.nextInt(below: MutationKind.allCases.count)]
            mutator.mutate(&program, kind: kind, using: &random)
            for c in 0..<3 {
                let (low, high) = bounds[c]
                let old = before[c], new = program.components[c].count
                if old > high {
                    #expect(new <= old && new >= high, "\(kind): \(old) → \(new) with max \(high)")
                } else if old < low {
                    #expect(new >= old && new <= low, "\(kind): \(old) → \(new) with min \(low)")
                } else {
                    #expect(new >= low && new <= high, "\(kind): \(old) → \(new) left [\(low), \(high)]")
                }
            }
            #expect(validator.problem(in: program, checkSizes: false) == nil)
        }
        // By now both components are back inside their bounds.
        #expect(validator.problem(in: program) == nil)
    }

    @Test("randomInstruction(op:) fills exactly the fields the op uses")
    func randomInstructionForEveryOp() throws {
        let space = try mutationSpace()
        let mutator = Mutator(space: space)
        let validator = Validator(space: space)
        var random = RandomGenerator(seed: 3)
        for op in Op.allCases {
            for _ in 0..<50 {
                let instruction = mutator.randomInstruction(op: op, using: &random)
                #expect(instruction.op == op)
                // predict allows every op, no_op included.
                #expect(validator.problem(in: instruction, component: Component.predict.rawValue) == nil)
                if op.info.constantCount > 0 {
                    #expect(abs(instruction.constant1) <= 1)
                }
            }
        }
    }

    @Test("mutations that no component can take leave the program unchanged")
    func impossibleMutations() throws {
        let text = """
            name: fixed
            memory: {features: 2, scalars: 2, vectors: 1}
            ops: [scalar_sum]
            setup: 0
            predict: 1
            learn: 0
            tasks:
              search: {generator: scalar_linear_regression, train: 5, valid: 5}
            """
        let space = try SearchSpace.parse(text, file: "fixed.yaml")
        let mutator = Mutator(space: space)
        var random = RandomGenerator(seed: 1)
        var program = mutator.randomProgram(using: &random)
        let original = program
        #expect(mutator.mutate(&program, kind: .insertInstruction, using: &random) == false)
        #expect(mutator.mutate(&program, kind: .removeInstruction, using: &random) == false)
        #expect(program == original)
        #expect(mutator.mutate(&program, kind: .identity, using: &random))
        #expect(program == original)
    }
}
