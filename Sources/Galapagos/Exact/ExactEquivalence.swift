/// Decides whether a predict-only program computes a target formula exactly: polynomial
/// identity testing at random rational points.
///
/// A program built from `+ − × ÷` computes a rational function of its features, and so does a
/// rational formula. Two different rational functions P/Q and R/S agree only where the
/// polynomial PS − RQ vanishes, which by the Schwartz–Zippel lemma happens at a point drawn
/// uniformly from Sⁿ with probability at most d/|S| (d the degree). Evaluating both sides
/// exactly, with GMP rationals, at a few random points with large numerators and denominators
/// therefore tells them apart with overwhelming probability — no rounding can hide or fake a
/// difference.
///
/// The program is the function its first `predict` computes after `setup`, with `s0` zero. It
/// must not depend on anything else: after simplification, `learn` must be empty, `predict` must
/// not read what it wrote in an earlier call, and no random fill may remain.
///
/// ```swift
/// let target = try Formula(parsing: "x0^3 + x0^2 + x0")
/// if try ExactEquivalence.matches(program: best, formula: target, shape: space.memory) { … }
/// ```
public enum ExactEquivalence {
    /// The outcome of a comparison.
    public enum Verdict: Sendable, Equatable, CustomStringConvertible {
        /// Equal at every sampled point: the program computes the formula (with probability at
        /// least 1 − (d/|S|)^points).
        case equivalent(points: Int)
        /// A point where the two differ, with both exact values.
        case different(point: [BigRational], program: BigRational, formula: BigRational)
        /// The question cannot be settled exactly; the reason says why.
        case undecidable(String)

        /// Whether the program provably (up to the test's tiny error probability) computes the
        /// formula.
        public var isEquivalent: Bool {
            if case .equivalent = self { return true }
            return false
        }

        public var description: String {
            switch self {
            case let .equivalent(points):
                "equivalent (equal at \(points) random rational points)"
            case let .different(point, program, formula):
                "different: at (\(point.map(\.description).joined(separator: ", "))) the program"
                    + " gives \(program) and the formula \(formula)"
            case let .undecidable(reason):
                "undecidable: \(reason)"
            }
        }
    }

    /// Compares a program's prediction with a formula.
    ///
    /// - Parameters:
    ///   - program: The program; it is simplified first.
    ///   - formula: The target, over features `x0…x(F−1)`.
    ///   - shape: The memory shape the program runs with.
    ///   - points: How many random points must agree.
    ///   - seed: Seeds the choice of points.
    ///   - maximumBits: The largest number (numerator plus denominator bits) either side may
    ///     reach before the test gives up as undecidable.
    ///   - snapping: When set, every constant of the simplified program within this relative
    ///     distance of a fraction with a denominator up to 1,000 is taken as that fraction, so
    ///     that fitted constants such as `0.49999999999999994` can prove a structure exact (the
    ///     verdict is then about the program with its constants rounded that way).
    /// - Throws: ``GalapagosError`` if the program does not fit `shape` or the formula uses a
    ///   feature the programs do not have.
    public static func compare(
        program: Program, formula: Formula, shape: MemoryShape, points: Int = 8,
        seed: UInt64 = 0x5EED_F00D, maximumBits: Int = 1 << 16, snapping: Double? = nil
    ) throws -> Verdict {
        guard formula.featureCount <= shape.features else {
            throw GalapagosError.invalidArgument(
                "formula '\(formula)' uses x\(formula.featureCount - 1), but programs have"
                    + " \(shape.features) features (x0…x\(shape.features - 1))")
        }
        guard formula.isRational else {
            return .undecidable("the formula is not rational (it uses a function or a non-integer power)")
        }
        let simplified = try ProgramSimplifier(shape: shape).simplify(program).program
        if let reason = dependence(of: simplified, shape: shape) { return .undecidable(reason) }

        let direct = try identityTest(
            simplified, formula: formula, shape: shape, points: points, seed: seed,
            maximumBits: maximumBits, snapping: snapping)
        guard !direct.isEquivalent, let snapping,
              let expanded = ExpandedPolynomial(predictionOf: simplified, shape: shape),
              matches(expanded, formula: formula, snapping: snapping, points: points, seed: seed)
        else { return direct }
        return .equivalent(points: points)
    }

    /// The identity test proper, on the simplified program.
    private static func identityTest(
        _ simplified: Program, formula: Formula, shape: MemoryShape, points: Int, seed: UInt64,
        maximumBits: Int, snapping: Double?
    ) throws -> Verdict {
        var random = RandomGenerator(seed: seed)
        var agreed = 0
        var attempts = 0
        let maximumAttempts = 4 * points + 8
        while agreed < points {
            guard attempts < maximumAttempts else {
                return .undecidable(
                    "one side is undefined (a division by zero) at \(attempts - agreed) of"
                        + " \(attempts) random points")
            }
            attempts += 1
            let point = (0..<shape.features).map { _ in randomRational(&random) }
            let expected: BigRational
            switch formula.exactValue(at: point) {
            case let .value(value): expected = value
            case .undefined: continue
            case .notRational: return .undecidable("the formula is not rational")
            }
            var machine = ExactMachine(shape: shape, maximumBits: maximumBits)
            machine.snapping = snapping
            do {
                try machine.run(simplified.setup)
                machine.setFeatures(point)
                machine.setLabel(.zero)
                try machine.run(simplified.predict)
            } catch ExactMachine.Failure.divisionByZero {
                continue
            } catch ExactMachine.Failure.unsupported(let op) {
                return .undecidable("\(op.name) is not a rational operation")
            } catch ExactMachine.Failure.nonFiniteConstant {
                return .undecidable("the program holds a NaN or infinite constant")
            } catch {
                return .undecidable("numbers grew beyond \(maximumBits) bits (the degree is too high to check exactly)")
            }
            guard machine.prediction == expected else {
                return .different(point: point, program: machine.prediction, formula: expected)
            }
            agreed += 1
        }
        return .equivalent(points: points)
    }

    /// Whether a program's expanded polynomial, each coefficient within `snapping` of a short
    /// fraction taken as that fraction (and coefficients below `snapping` of the largest taken
    /// as 0), equals the formula at `points` random rational points.
    static func matches(
        _ polynomial: ExpandedPolynomial, formula: Formula, snapping: Double, points: Int, seed: UInt64
    ) -> Bool {
        let largest = polynomial.terms.values.map(abs).max() ?? 0
        var exact: [([Int], BigRational)] = []
        for (exponents, value) in polynomial.terms {
            guard value.isFinite else { return false }
            if abs(value) <= snapping * largest { continue }
            guard let fraction = RationalApproximation.shortRational(
                near: value, tolerance: snapping * Swift.max(1, abs(value)))
            else { return false }
            exact.append((exponents, fraction))
        }
        var random = RandomGenerator(seed: seed)
        var agreed = 0, attempts = 0
        while agreed < points {
            guard attempts < 4 * points + 8 else { return false }
            attempts += 1
            let point = (0..<polynomial.variables).map { _ in randomRational(&random) }
            guard case let .value(expected) = formula.exactValue(at: point) else { continue }
            var value = BigRational.zero
            for (exponents, coefficient) in exact {
                var term = coefficient
                for (variable, power) in exponents.enumerated() where power > 0 {
                    guard let raised = point[variable].power(power) else { return false }
                    term = term * raised
                }
                value = value + term
            }
            guard value == expected else { return false }
            agreed += 1
        }
        return true
    }

    /// Whether the program computes the formula; `false` when different or undecidable.
    ///
    /// - Throws: as ``compare(program:formula:shape:points:seed:maximumBits:)``.
    public static func matches(
        program: Program, formula: Formula, shape: MemoryShape, points: Int = 8,
        seed: UInt64 = 0x5EED_F00D
    ) throws -> Bool {
        try compare(program: program, formula: formula, shape: shape, points: points, seed: seed)
            .isEquivalent
    }

    /// Why a simplified program's prediction is not a fixed function of the features, if it
    /// is not.
    static func dependence(of program: Program, shape: MemoryShape) -> String? {
        if Component.allCases.contains(where: { program[$0].contains(where: \.isRandomFill) }) {
            return "the program uses random values"
        }
        if !program.learn.isEmpty {
            return "learn changes state that predict reads, so predictions change with training"
        }
        let callProtocol = CallProtocol.scalar.feeding(shape)
        let liveness = Liveness(program, protocol: callProtocol)
        let readFirst = liveness.liveIn[Component.predict.rawValue]
            .subtracting(Register.definedAtEntry).subtracting(callProtocol.predictInputs)
        let written = Set(program.predict.compactMap(\.outputRegister))
        if let register = readFirst.intersection(written).sorted().first {
            return "predict reads \(register) before writing it, so it remembers earlier calls"
        }
        if let unsupported = (program.setup + program.predict).first(where: { !ExactMachine.supports($0.op) }) {
            return "\(unsupported.op.name) is not a rational operation"
        }
        return nil
    }

    /// A random rational p/q with |p| < 2³⁰ and 1 ≤ q ≤ 1021: about 2⁴⁰ distinct values.
    private static func randomRational(_ random: inout RandomGenerator) -> BigRational {
        let numerator = random.nextInt(below: 1 << 31) - (1 << 30)
        let denominator = 1 + random.nextInt(below: 1_021)
        return BigRational(numerator: numerator, denominator: denominator) ?? .zero
    }
}
