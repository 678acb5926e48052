import Galapagos

/// `.gal` program text through ``ProgramParser``.
///
/// Every accepted program must print and parse back to itself (`parse(print(p)) == p`, constants
/// bit for bit), print canonically, and compile with ``CompiledProgram`` for the smallest memory
/// that holds it (and not for one register fewer). The same bytes are also parsed under two sets
/// of limits, and acceptance must agree exactly with what the program needs: a memory shape with
/// component sizes, and a restricted op set. Small programs are also run on a ``Machine``.
final class ParserTarget: PooledFuzzTarget {
    let name = "parser"
    var pool: InputPool
    let mutator: ByteMutator

    /// The limits of the second parse: AutoML-Zero's demo memory, with component sizes.
    private static let shapedLimits = ProgramLimits(
        shape: MemoryShape(features: 4, scalars: 8, vectors: 4, matrices: 2),
        maximumSizes: [12, 6, 16])
    /// The limits of the third parse: AutoML-Zero's demo ops only.
    private static let demoOps: Set<Op> = [
        .scalarConstSet, .vectorInnerProduct, .scalarDiff, .scalarProduct, .scalarVectorProduct,
        .vectorSum,
    ]
    private static let opLimits = ProgramLimits(
        shape: nil, allowedOps: Array(repeating: demoOps, count: 3))

    /// The DSL's vocabulary: keywords, op spellings, registers, punctuation.
    static var vocabulary: [String] {
        var words = [
            ProgramPrinter.header, "# galapagos program v2", " · searchspace linear_demo",
            "def setup():", "def predict():", "def learn():", "def ", "def setup", "def learn():  # x",
            "setup", "predict", "learn", "nop", "  nop", "(", ")", "():", "[", "]", ",", ":", "=", " = ",
            "+", "-", "*", "/", "@", "#", "# comment", "\t", "  ", "\r", "\r\n", "\n", "\n  ",
            "s0", "s1", "s2", "s3", "s9", "s10", "s999", "s1000", "s01", "v0", "v1", "v3", "v999",
            "v1000", "m0", "m1", "m2", "m999", "x0", "S1", "s", "v", "m",
            "v1[0]", "v1[3]", "v1[255]", "v1[256]", "m0[1, 2]", "m0[3, 3]", "m0[0]", "s1[0]",
            "uniform(-1, 1)", "gaussian(0, 1)", "uniform(1, -1)", "gaussian(0.0, -1)", "inf", "nan",
        ]
        for op in Op.allCases {
            switch op.info.syntax {
            case let .call(name), let .random(name):
                words.append(name)
                words.append(name + "(")
            case let .infix(symbol):
                words.append(" " + symbol + " ")
            default:
                break
            }
        }
        return words
    }

    init(locations: Locations) {
        var seeds: [[UInt8]] = []
        for path in Locations.files(in: "\(locations.root)/searchspaces/examples", extensions: [".gal"])
            + Locations.files(in: locations.corpusDirectory("parser"), extensions: [".gal"]) {
            if let bytes = Locations.read(path) { seeds.append(bytes) }
        }
        pool = InputPool(seeds: seeds)
        mutator = ByteMutator(dictionary: Self.vocabulary, maximumSize: 64 * 1024)
    }

    func execute(_ input: [UInt8]) -> Outcome {
        let file = "fuzz.gal"
        let program: Program
        do {
            program = try ProgramParser().parse(bytes: input, file: file)
        } catch {
            if let problem = checkError(error, file: file) { return .violation(problem) }
            // Limits only narrow what is accepted.
            for limits in [Self.shapedLimits, Self.opLimits] {
                if (try? ProgramParser(limits: limits).parse(bytes: input, file: file)) != nil {
                    return .violation("accepted under limits but refused without them")
                }
            }
            return .rejected
        }
        if let problem = checkRoundTrip(program) { return .violation(problem) }
        if let problem = checkCompiles(program) { return .violation(problem) }
        if let problem = checkLimits(input, program: program) { return .violation(problem) }
        return .accepted
    }

    // MARK: Properties

    private func checkRoundTrip(_ program: Program) -> String? {
        let text = ProgramPrinter.print(program, searchSpace: "fuzz")
        let again: Program
        do {
            again = try ProgramParser().parse(text, file: "printed.gal")
        } catch {
            return "the printed program does not parse: \(error)\nprinted: \(escaped(Array(text.utf8)))"
        }
        guard again == program else {
            return "parse(print(p)) != p\nprinted: \(escaped(Array(text.utf8)))"
        }
        let canonical = ProgramPrinter.print(again, searchSpace: "fuzz")
        guard canonical == text else {
            return "printing is not canonical\nfirst: \(escaped(Array(text.utf8)))\nsecond: \(escaped(Array(canonical.utf8)))"
        }
        return nil
    }

    /// The smallest memory that holds every register and element the program names.
    static func smallestShape(of program: Program) -> MemoryShape {
        var counts = [ValueKind.scalar: 2, .vector: 1, .matrix: 0]
        var features = 1
        for component in Component.allCases {
            for instruction in program[component] {
                let info = instruction.op.info
                if let output = info.output {
                    counts[output] = max(counts[output] ?? 0, Int(instruction.output) + 1)
                }
                for (kind, index) in instruction.inputs {
                    counts[kind] = max(counts[kind] ?? 0, index + 1)
                }
                if info.indexCount >= 1 { features = max(features, Int(instruction.index1) + 1) }
                if info.indexCount >= 2 { features = max(features, Int(instruction.index2) + 1) }
            }
        }
        return MemoryShape(
            features: features, scalars: counts[.scalar] ?? 2, vectors: counts[.vector] ?? 1,
            matrices: counts[.matrix] ?? 0)
    }

    /// Whether a program fits a memory shape (every register and element index in range).
    static func fits(_ program: Program, _ shape: MemoryShape) -> Bool {
        for component in Component.allCases {
            for instruction in program[component] {
                let info = instruction.op.info
                if let output = info.output, Int(instruction.output) >= shape.count(of: output) {
                    return false
                }
                for (kind, index) in instruction.inputs where index >= shape.count(of: kind) {
                    return false
                }
                if info.indexCount >= 1, Int(instruction.index1) >= shape.features { return false }
                if info.indexCount >= 2, Int(instruction.index2) >= shape.features { return false }
            }
        }
        return true
    }

    private func checkCompiles(_ program: Program) -> String? {
        let shape = Self.smallestShape(of: program)
        let compiled: CompiledProgram
        do {
            compiled = try CompiledProgram(program, shape: shape)
        } catch {
            return "an accepted program does not compile for its smallest memory \(shape): \(error)"
        }
        // One register fewer of a kind the program uses must be refused.
        var smaller = shape
        if shape.matrices > 0 {
            smaller.matrices -= 1
        } else if shape.vectors > 1 {
            smaller.vectors -= 1
        } else if shape.scalars > 2 {
            smaller.scalars -= 1
        } else if shape.features > 1 {
            smaller.features -= 1
        }
        if smaller != shape, !Self.fits(program, smaller),
           (try? CompiledProgram(program, shape: smaller)) != nil {
            return "compiled for \(smaller), which lacks a register or element the program uses"
        }
        // Small programs also run: every op is total.
        if shape.doubleCount <= 4_096, shape.features <= 16 {
            let machine = Machine(shape: shape)
            machine.random = RandomGenerator(seed: 1)
            for component in Component.allCases { machine.run(compiled, component) }
        }
        return nil
    }

    private func checkLimits(_ input: [UInt8], program: Program) -> String? {
        // A memory shape with component sizes.
        let limits = Self.shapedLimits
        let shapedResult = try? ProgramParser(limits: limits).parse(bytes: input, file: "fuzz.gal")
        let sizesFit = Component.allCases.allSatisfy {
            program[$0].count <= limits.maximumSizes[$0.rawValue]
        }
        let expected = sizesFit && limits.shape.map { Self.fits(program, $0) } == true
        if (shapedResult != nil) != expected {
            return expected
                ? "refused under limits it respects (F=4, 8/4/2 registers, sizes 12/6/16)"
                : "accepted under limits it breaks (F=4, 8/4/2 registers, sizes 12/6/16)"
        }
        if let shaped = shapedResult {
            guard shaped == program else { return "the limits changed the parsed program" }
            if let shape = limits.shape, (try? CompiledProgram(shaped, shape: shape)) == nil {
                return "accepted under a memory shape it does not compile for"
            }
        }
        // A restricted op set.
        let opResult = try? ProgramParser(limits: Self.opLimits).parse(bytes: input, file: "fuzz.gal")
        let opsFit = program.components.joined().allSatisfy { Self.demoOps.contains($0.op) }
        if (opResult != nil) != opsFit {
            return opsFit ? "refused under an op set it respects" : "accepted with an op the limits exclude"
        }
        return nil
    }
}
