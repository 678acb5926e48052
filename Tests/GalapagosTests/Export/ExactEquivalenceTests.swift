import Testing
@testable import Galapagos

private func program(_ body: String) throws -> Program {
    try ProgramParser().parse("# galapagos program v1\n" + body)
}

/// x0^3 + x0^2 + x0, computed the obvious way: s2 = x0 (v1 is the unit vector e0).
private let cubic = """
    def setup():
      v1[0] = 1
    def predict():
      s2 = dot(v0, v1)
      s3 = s2 * s2
      s4 = s3 * s2
      s1 = s4 + s3
      s1 = s1 + s2
    def learn():
    """

private let oneFeature = MemoryShape(features: 1, scalars: 6, vectors: 2, matrices: 1)
private let twoFeatures = MemoryShape(features: 2, scalars: 6, vectors: 3, matrices: 1)

@Suite("Exact equivalence of programs and formulas")
struct ExactEquivalenceTests {
    @Test("an equivalent program is accepted, however it is written")
    func acceptsEquivalentPrograms() throws {
        let target = try Formula(parsing: "x0^3 + x0^2 + x0")
        #expect(try ExactEquivalence.matches(program: program(cubic), formula: target, shape: oneFeature))
        // Horner's form x·(x·(x + 1) + 1), with dead code and a learn that changes nothing read.
        let horner = try program("""
            def setup():
              v1[0] = 1
              s5 = 1
              s4 = 0.25
            def predict():
              s2 = dot(v0, v1)
              s3 = s2 + s5
              s3 = s3 * s2
              s3 = s3 + s5
              s1 = s3 * s2
              s4 = s1 * s1
            def learn():
              s3 = s0 - s1
            """)
        let verdict = try ExactEquivalence.compare(program: horner, formula: target, shape: oneFeature)
        #expect(verdict == .equivalent(points: 8), "\(verdict)")
        // Over the matrix ops too: the mean of the outer product x·xᵀ of a one-element vector.
        let outer = try program("""
            def setup():
            def predict():
              m0 = outer(v0, v0)
              s1 = mean(m0)
            def learn():
            """)
        #expect(try ExactEquivalence.matches(program: outer, formula: Formula(parsing: "x0 * x0"), shape: oneFeature))
    }

    @Test("a near miss is rejected: one ulp in a constant, or one missing term")
    func rejectsNearMisses() throws {
        let target = try Formula(parsing: "x0^3 + x0^2 + x0")
        let almost = try program(cubic.replacingOccurrences(of: "v1[0] = 1", with: "v1[0] = 1.0000000000000002"))
        let verdict = try ExactEquivalence.compare(program: almost, formula: target, shape: oneFeature)
        guard case let .different(point, programValue, formulaValue) = verdict else {
            Issue.record("expected a difference, got \(verdict)")
            return
        }
        #expect(programValue != formulaValue)
        #expect(target.exactValue(at: point) == .value(formulaValue))
        let missing = try program(cubic.replacingOccurrences(of: "  s1 = s1 + s2\n", with: ""))
        #expect(try !ExactEquivalence.matches(program: missing, formula: target, shape: oneFeature))
    }

    @Test("rational functions: identities with division hold, and 0.5 is exactly one half")
    func rationalFunctions() throws {
        // 1 − 1/(x + 1) is x/(x + 1).
        let complement = try program("""
            def setup():
              v1[0] = 1
              s5 = 1
            def predict():
              s2 = dot(v0, v1)
              s3 = s2 + s5
              s3 = reciprocal(s3)
              s1 = s5 - s3
            def learn():
            """)
        #expect(try ExactEquivalence.matches(program: complement, formula: Formula(parsing: "x0 / (x0 + 1)"), shape: oneFeature))
        // Nguyen-12 with two features: x0⁴ − x0³ + x1²/2 − x1.
        let nguyen12 = try Formula(parsing: "x0^4 - x0^3 + x1^2 / 2 - x1")
        let two = try program("""
            def setup():
              v1[0] = 1
              v2[1] = 1
              s5 = 0.5
            def predict():
              s2 = dot(v0, v1)
              s3 = dot(v0, v2)
              s4 = s2 * s2
              s4 = s4 * s4
              s1 = s2 * s2
              s1 = s1 * s2
              s1 = s4 - s1
              s4 = s3 * s3
              s4 = s4 * s5
              s1 = s1 + s4
              s1 = s1 - s3
            def learn():
            """)
        #expect(try ExactEquivalence.matches(program: two, formula: nguyen12, shape: twoFeatures))
    }

    @Test("snapping: fitted coefficients spread over several constants are rounded after expansion")
    func snapsTheExpandedForm() throws {
        // x0 in s2 (input scalars). 0.7205715187775511 · 1.3877872965288731 is 1 up to rounding,
        // which no single constant shows; the intercepts are rounding noise around 0.
        let shape = MemoryShape(features: 1, scalars: 9, vectors: 1, matrices: 0, inputScalars: 1)
        let fitted = try program("""
            def predict():
              s6 = square(s2)
              s7 = 0.7205715187775511
              s7 = s7 * s6
              s8 = 4.1630495794241283e-17
              s7 = s7 * s2
              s8 = s8 + s7
              s7 = 0.9999999999999991
              s7 = s7 * s2
              s8 = s8 - s7
              s7 = 1.0000000000000004
              s7 = s7 * s6
              s8 = s8 + s7
              s7 = 1.3877872965288731
              s7 = s7 * s8
              s1 = s7 + s2
            """)
        // 1.3878·(0.7206·x³ − x + x²) + x ≠ x³ + x² + x exactly, but the snapped expansion is
        // x³ + 1.3878·x² − 0.3878·x: the test must not round 1.3878 away.
        let cubicFormula = try Formula(parsing: "x0^3 + x0^2 + x0")
        #expect(try !ExactEquivalence.matches(program: fitted, formula: cubicFormula, shape: shape))
        let expanded = try #require(ExpandedPolynomial(predictionOf: fitted, shape: shape))
        #expect(expanded.terms.count == 4)  // x³, x², x and the noise constant
        let spread = try program("""
            def predict():
              s6 = square(s2)
              s7 = 0.7205715187775511
              s7 = s7 * s6
              s7 = s7 * s2
              s8 = 1.3877872965288731
              s7 = s8 * s7
              s5 = 4.1630495794241283e-17
              s7 = s7 + s5
              s1 = s7 + s6
              s1 = s1 + s2
            """)
        let verdict = try ExactEquivalence.compare(
            program: spread, formula: cubicFormula, shape: shape, snapping: 1e-9)
        #expect(verdict.isEquivalent, "\(verdict)")
        // Without snapping the product of the two constants is not exactly 1.
        #expect(try !ExactEquivalence.matches(program: spread, formula: cubicFormula, shape: shape))
        // Not a polynomial, or too high a degree: no expansion.
        #expect(ExpandedPolynomial(predictionOf: try program("def predict():\n  s1 = sin(s2)\n"), shape: shape) == nil)
        let squarings = "def predict():\n" + String(repeating: "  s2 = square(s2)\n", count: 6) + "  s1 = s2 + s2\n"
        #expect(ExpandedPolynomial(predictionOf: try program(squarings), shape: shape) == nil)
    }

    @Test("what cannot be settled exactly is reported as undecidable, with the reason")
    func undecidable() throws {
        let target = try Formula(parsing: "x0")
        func verdict(_ body: String) throws -> ExactEquivalence.Verdict {
            try ExactEquivalence.compare(program: program(body), formula: target, shape: oneFeature)
        }
        let sine = try verdict("def setup():\ndef predict():\n  s2 = mean(v0)\n  s1 = sin(s2)\ndef learn():\n")
        #expect(sine == .undecidable("scalar_sin is not a rational operation"))
        let learning = try verdict("def setup():\ndef predict():\n  s1 = mean(v0)\n  s1 = s1 + s2\ndef learn():\n  s2 = s0 + s2\n")
        #expect(!learning.isEquivalent)
        #expect(learning.description.contains("learn"))
        let random = try verdict("def setup():\n  s2 = uniform(0.0, 1.0)\ndef predict():\n  s1 = mean(v0)\n  s1 = s1 + s2\ndef learn():\n")
        #expect(random == .undecidable("the program uses random values"))
        let stateful = try verdict("def setup():\ndef predict():\n  s2 = s2 + s1\n  s1 = mean(v0)\n  s1 = s1 + s2\ndef learn():\n")
        #expect(stateful.description.contains("remembers"))
        let nonRational = try ExactEquivalence.compare(
            program: program(cubic), formula: Formula(parsing: "sin(x0)"), shape: oneFeature)
        #expect(!nonRational.isEquivalent)
        // Dividing by zero everywhere: no point decides anything.
        let undefined = try verdict("def setup():\ndef predict():\n  s2 = mean(v0)\n  s3 = s2 - s2\n  s1 = s2 / s3\ndef learn():\n")
        #expect(undefined.description.contains("undefined"))
        // A formula over features the programs do not have is an input error.
        #expect(throws: GalapagosError.self) {
            try ExactEquivalence.compare(program: program(cubic), formula: Formula(parsing: "x3"), shape: oneFeature)
        }
    }

    @Test("formulas parse, print and evaluate as the Nguyen tasks do")
    func formulas() throws {
        let formula = try Formula(parsing: "x0^4 - x0^3 + x1^2 / 2 - x1")
        #expect(formula.featureCount == 2 && formula.isRational)
        #expect(try Formula(parsing: formula.description) == formula)
        #expect(try Formula(parsing: "-x0^2").description == "-x0^2")
        #expect(try Formula(parsing: "-x0^2").exactValue(at: [BigRational(3)]) == .value(BigRational(-9)))
        #expect(try Formula(parsing: "2^3^2").exactValue(at: []) == .value(BigRational(512)))
        let quarter = try #require(BigRational("1/4"))
        #expect(try Formula(parsing: "x0^-1").exactValue(at: [BigRational(4)]) == .value(quarter))
        #expect(try Formula(parsing: "1/x0").exactValue(at: [.zero]) == .undefined)
        #expect(try !Formula(parsing: "x0^x1").isRational)
        #expect(try !Formula(parsing: "sqrt(x0)").isRational)
        let tenth = try #require(BigRational(exactly: 0.1))
        #expect(try Formula(parsing: "0.1").exactValue(at: []) == .value(tenth))
        // Double evaluation agrees with the benchmark's own code on its rational problems.
        for task in FormulaTask.nguyen.values where task.isRational {
            let parsed = try Formula(parsing: task.expression)
            for x in [-0.75, -0.1, 0.3, 0.9] {
                let point = [x, 0.5 - x]
                #expect(parsed.evaluate(point) == task.evaluate(point), "\(task.name) at \(point)")
            }
        }
    }

    @Test("bad formulas give one-line errors naming the column")
    func formulaErrors() throws {
        let cases: [(String, String)] = [
            ("x0 +", "column 5"), ("x0 * (x1 + 2", "column 13"), ("y + 1", "column 1"),
            ("x0 $ 2", "column 4"), ("", "column 1"), ("1e999", "column 1"), ("sin x0", "column 5"),
            ("x0 x1", "column 4"), (String(repeating: "(", count: 500) + "x0" + String(repeating: ")", count: 500), "nesting"),
        ]
        for (text, expected) in cases {
            do {
                _ = try Formula(parsing: text)
                Issue.record("accepted '\(text)'")
            } catch let error as GalapagosError {
                #expect(error.description.contains(expected), "\(text): \(error)")
                #expect(!error.description.contains("\n"))
            }
        }
    }
}
