import Foundation
import Galapagos
import Testing

// The `.gal` text format: printing and parsing are exact inverses, bit for bit.

/// A search space allowing every op, with room for long programs.
private let allOpsYAML = """
    name: all_ops
    memory:
      features: 4
      scalars: 5
      vectors: 4
      matrices: 3
    ops: [all]
    setup: {min: 0, max: 40, initial: 12}
    predict: {min: 0, max: 40, initial: 12}
    learn: {min: 0, max: 40, initial: 12}
    tasks:
      search:
        generator: scalar_linear_regression
        train: 10
        valid: 10
    """

/// Constants whose shortest printed form is easy to get wrong.
private let extremeConstants: [Double] = [
    1e-300, -0.0, 0.0, 1.7976931348623157e308, -1.7976931348623157e308,
    Double.leastNonzeroMagnitude, -Double.leastNonzeroMagnitude,  // ±5e-324
    2.2250738585072014e-308,  // smallest normal
    Double.leastNormalMagnitude.nextDown,  // largest subnormal, 2.225073858507201e-308
    0.1, 0.1 + 0.2, 1.0 / 3.0, -2.0 / 3.0, 1e16, 1e15 + 0.3, 9007199254740994,
    123456789.123456789, 1e-7, 1e21, 1e22, 4.35, 0.5, -1, 100,
]

/// Whether two programs are equal with every constant compared by its bits (independently of
/// `Instruction`'s own `==`).
private func identical(_ a: Program, _ b: Program) -> Bool {
    guard a.components.map(\.count) == b.components.map(\.count) else { return false }
    for (x, y) in zip(a.components.joined(), b.components.joined()) {
        guard x.op == y.op, x.output == y.output, x.input1 == y.input1, x.input2 == y.input2,
              x.index1 == y.index1, x.index2 == y.index2,
              x.constant1.bitPattern == y.constant1.bitPattern,
              x.constant2.bitPattern == y.constant2.bitPattern
        else { return false }
    }
    return true
}

/// A constant: one of the extremes, a random finite bit pattern, or an ordinary value.
private func interestingConstant(_ random: inout RandomGenerator) -> Double {
    switch random.nextInt(below: 3) {
    case 0:
        return extremeConstants[random.nextInt(below: extremeConstants.count)]
    case 1:
        while true {
            let value = Double(bitPattern: random.next())
            if value.isFinite { return value }
        }
    default:
        return random.uniform(-1, 1) * Foundation.pow(10, Double(random.nextInt(below: 40) - 20))
    }
}

/// 1,000 random programs over every op, with hand-set extreme constants and a few `nop`s.
private func randomPrograms(count: Int = 1_000) throws -> [Program] {
    let space = try SearchSpace.parse(allOpsYAML, file: "all_ops.yaml")
    let mutator = Mutator(space: space)
    var random = RandomGenerator(seed: 20_250_101)
    var programs: [Program] = []
    for index in 0..<count {
        var program = mutator.randomProgram(using: &random)
        // Vary the sizes, including empty components.
        for component in Component.allCases where random.nextBool(probability: 0.3) {
            program[component] = mutator.randomComponent(
                component, count: random.nextInt(below: 25), using: &random)
        }
        for _ in 0..<random.nextInt(below: 4) {
            mutator.mutate(&program, kind: .alterArgument, using: &random)
        }
        for c in 0..<3 {
            for i in program.components[c].indices {
                let info = program.components[c][i].op.info
                if info.constantCount >= 1, random.nextBool(probability: 0.5) {
                    program.components[c][i].constant1 = interestingConstant(&random)
                }
                if info.constantCount >= 2, random.nextBool(probability: 0.5) {
                    program.components[c][i].constant2 = interestingConstant(&random)
                }
            }
            if random.nextBool(probability: 0.2) {
                let position = random.nextInt(below: program.components[c].count + 1)
                program.components[c].insert(.nop, at: position)
            }
        }
        // Every extreme constant appears at least once, set by hand.
        if index < extremeConstants.count {
            program.setup.append(Instruction(.scalarConstSet, output: 2, constant1: extremeConstants[index]))
            program.learn.append(Instruction(
                .matrixConstSet, output: 2, index1: 3, index2: 1, constant1: extremeConstants[index]))
            program.predict.append(Instruction(
                .vectorUniformSet, output: 3, constant1: extremeConstants[index],
                constant2: extremeConstants[extremeConstants.count - 1 - index]))
        }
        programs.append(program)
    }
    return programs
}

@Suite("Text format")
struct TextFormatTests {
    @Test("parse(print(p)) == p bit for bit, and print(parse(text)) == text, for 1,000 random programs")
    func roundTrip() throws {
        let programs = try randomPrograms()
        let parser = ProgramParser()
        var opsSeen = Set<Op>()
        for program in programs {
            let text = ProgramPrinter.print(program)
            let parsed = try parser.parse(text, file: "random.gal")
            #expect(parsed == program)
            #expect(identical(parsed, program), "not bit-identical:\n\(text)")
            #expect(ProgramPrinter.print(parsed) == text)
            opsSeen.formUnion(program.components.joined().map(\.op))
        }
        #expect(opsSeen == Set(Op.allCases), "the random programs exercise every op")
    }

    @Test("the round trip holds with the search-space name in the header and the space's limits")
    func roundTripWithHeaderAndLimits() throws {
        let space = try SearchSpace.parse(allOpsYAML, file: "all_ops.yaml")
        let parser = ProgramParser(limits: space.programLimits(strictOps: false))
        for program in try randomPrograms(count: 100) {
            let text = ProgramPrinter.print(program, searchSpace: "all_ops")
            #expect(text.hasPrefix("# galapagos program v1 · searchspace all_ops\n"))
            let parsed = try parser.parse(text, file: "named.gal")
            #expect(identical(parsed, program))
            #expect(ProgramPrinter.print(parsed, searchSpace: "all_ops") == text)
        }
    }

    @Test("constants print in a form that parses back to the same bits")
    func constantsRoundTrip() throws {
        var random = RandomGenerator(seed: 5)
        var values = extremeConstants
        for _ in 0..<2_000 { values.append(interestingConstant(&random)) }
        for value in values {
            let program = Program(setup: [Instruction(.scalarConstSet, output: 2, constant1: value)])
            let parsed = try ProgramParser().parse(ProgramPrinter.print(program))
            #expect(parsed.setup.first?.constant1.bitPattern == value.bitPattern, "\(value)")
        }
    }

    @Test("the canonical text of a known program")
    func canonicalText() throws {
        let program = Program(
            setup: [Instruction(.scalarConstSet, output: 2, constant1: 0.2)],
            predict: [Instruction(.vectorInnerProduct, output: 1, input1: 0, input2: 1)],
            learn: [
                Instruction(.scalarDiff, output: 3, input1: 0, input2: 1),
                Instruction(.scalarVectorProduct, output: 2, input1: 3, input2: 0),
                Instruction(.matrixConstSet, output: 0, index1: 1, index2: 3, constant1: -0.0),
                Instruction(.vectorConstSet, output: 1, index1: 2, constant1: 1e-300),
                Instruction(.matrixGaussianSet, output: 0, constant1: 0, constant2: 1),
                Instruction(.matrixMatrixProduct, output: 0, input1: 0, input2: 0),
                .nop,
            ])
        let expected = """
            # galapagos program v1
            def setup():
              s2 = 0.2
            def predict():
              s1 = dot(v0, v1)
            def learn():
              s3 = s0 - s1
              v2 = s3 * v0
              m0[1, 3] = -0.0
              v1[2] = 1e-300
              m0 = gaussian(0.0, 1.0)
              m0 = m0 @ m0
              nop

            """
        #expect(ProgramPrinter.print(program) == expected)
        let parsed = try ProgramParser().parse(expected)
        #expect(identical(parsed, program))
        #expect(ProgramPrinter.print(parsed) == expected)
    }

    @Test("comments, blank lines and extra spaces are ignored")
    func commentsAndBlankLines() throws {
        let canonical = """
            # galapagos program v1
            def setup():
              s2 = 0.2
            def predict():
              s1 = dot(v0, v1)
            def learn():
              s3 = s0 - s1
              v1[2] = -1.5
            """
        let decorated = """

              \t
            # galapagos program v1 · searchspace linear_demo   
            # a comment line
            def setup():   # the weights are zero
                # an indented comment

              s2   =   0.2   # learning rate
            \t
            def predict():
            \ts1=dot(v0,v1)
            def learn():
              s3 = s0 - s1 #no space before the comment
              v1 [ 2 ] = -1.5

            # trailing comment
            """
        let expected = try ProgramParser().parse(canonical)
        let parsed = try ProgramParser().parse(decorated)
        #expect(identical(parsed, expected))
        #expect(ProgramPrinter.print(parsed) == ProgramPrinter.print(expected))
        #expect(parsed.setup.count == 1 && parsed.predict.count == 1 && parsed.learn.count == 2)
    }

    @Test("\\r\\n line endings are accepted")
    func crlfLineEndings() throws {
        for program in try randomPrograms(count: 50) {
            let text = ProgramPrinter.print(program)
            let crlf = text.replacingOccurrences(of: "\n", with: "\r\n")
            #expect(crlf.contains("\r\n"))
            let parsed = try ProgramParser().parse(crlf, file: "windows.gal")
            #expect(identical(parsed, program))
            // Without the final line break, too ("\r\n" is one Character: drop bytes).
            let unterminated = String(decoding: Array(crlf.utf8.dropLast(2)), as: UTF8.self)
            #expect(!unterminated.hasSuffix("\n"))
            #expect(identical(try ProgramParser().parse(unterminated), program))
        }
    }

    @Test("components may appear in any order and may be omitted")
    func componentOrder() throws {
        let text = """
            # galapagos program v1
            def learn():
              s3 = s0 - s1
            def predict():
              s1 = dot(v0, v1)
            """
        let parsed = try ProgramParser().parse(text)
        #expect(parsed.setup.isEmpty)
        #expect(parsed.predict == [Instruction(.vectorInnerProduct, output: 1, input1: 0, input2: 1)])
        #expect(parsed.learn == [Instruction(.scalarDiff, output: 3, input1: 0, input2: 1)])
    }

    @Test("the shipped example programs parse and print back to equal programs")
    func shippedExamples() throws {
        var root = URL(fileURLWithPath: #filePath)
        while !FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) {
            let parent = root.deletingLastPathComponent()
            try #require(parent.path != root.path, "package root not found")
            root = parent
        }
        for name in ["sgd_linear_regression.gal", "constant_zero.gal"] {
            let url = root.appendingPathComponent("searchspaces/examples/\(name)")
            let text = try String(contentsOf: url, encoding: .utf8)
            let program = try ProgramParser().parse(text, file: name)
            let printed = ProgramPrinter.print(program, searchSpace: "linear_demo")
            #expect(identical(try ProgramParser().parse(printed), program))
        }
    }
}
