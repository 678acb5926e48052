/// A target formula over features `x0, x1, …`, such as `x0^3 + x0^2 + x0`, for checking
/// discovered programs against it exactly (see ``ExactEquivalence``).
///
/// Built from numbers, features, `+ − × ÷`, powers and the functions of ``FormulaFunction``.
/// A formula that uses only `+ − × ÷` and integer powers is *rational* (``isRational``): its
/// value at a rational point is a rational, computed exactly.
public indirect enum Formula: Sendable, Hashable, CustomStringConvertible {
    /// Feature `x_i`.
    case feature(Int)
    /// A number, exactly.
    case constant(BigRational)
    case negate(Formula)
    case add(Formula, Formula)
    case subtract(Formula, Formula)
    case multiply(Formula, Formula)
    case divide(Formula, Formula)
    /// `base ^ exponent`; rational when the exponent is an integer constant.
    case power(Formula, Formula)
    case function(FormulaFunction, Formula)

    /// Parses formula text; see ``FormulaParser``.
    ///
    /// - Throws: ``GalapagosError/invalidArgument(_:)`` naming the column of the problem.
    public init(parsing text: String) throws {
        var parser = FormulaParser(text)
        self = try parser.parse()
    }

    /// The largest power exponent evaluated exactly, so that `x0^1000000000` cannot exhaust
    /// memory.
    public static let maximumExponent = 1_000

    /// One more than the highest feature index used (0 for a constant formula).
    public var featureCount: Int {
        switch self {
        case let .feature(index): index + 1
        case .constant: 0
        case let .negate(a), let .function(_, a): a.featureCount
        case let .add(a, b), let .subtract(a, b), let .multiply(a, b), let .divide(a, b),
             let .power(a, b):
            Swift.max(a.featureCount, b.featureCount)
        }
    }

    /// Whether the formula uses only `+ − × ÷` and integer powers, so that exact evaluation
    /// applies.
    public var isRational: Bool {
        switch self {
        case .feature, .constant: true
        case let .negate(a): a.isRational
        case let .add(a, b), let .subtract(a, b), let .multiply(a, b), let .divide(a, b):
            a.isRational && b.isRational
        case let .power(base, exponent): base.isRational && exponent.integerExponent != nil
        case .function: false
        }
    }

    /// The exponent's value when it is a constant integer within ``maximumExponent``.
    var integerExponent: Int? {
        guard featureCount == 0, isRationalConstant,
              case let .value(value) = exactValue(at: []), value.isInteger,
              value.magnitude <= BigRational(Self.maximumExponent)
        else { return nil }
        return Int(value.description)
    }

    /// Whether the formula has no features and no functions.
    private var isRationalConstant: Bool {
        switch self {
        case .feature, .function: false
        case .constant: true
        case let .negate(a): a.isRationalConstant
        case let .add(a, b), let .subtract(a, b), let .multiply(a, b), let .divide(a, b),
             let .power(a, b):
            a.isRationalConstant && b.isRationalConstant
        }
    }

    /// The outcome of evaluating a formula exactly.
    public enum ExactValue: Sendable, Equatable {
        case value(BigRational)
        /// A division by zero (or zero to a negative power) at this point.
        case undefined
        /// The formula is not rational (a function, or a non-integer power).
        case notRational
    }

    /// The exact value at a point (one rational per feature; missing features are zero).
    public func exactValue(at point: [BigRational]) -> ExactValue {
        func both(_ a: Formula, _ b: Formula, _ combine: (BigRational, BigRational) -> ExactValue) -> ExactValue {
            let left = a.exactValue(at: point)
            guard case let .value(x) = left else { return left }
            let right = b.exactValue(at: point)
            guard case let .value(y) = right else { return right }
            return combine(x, y)
        }
        switch self {
        case let .feature(index):
            return .value(index < point.count ? point[index] : .zero)
        case let .constant(value):
            return .value(value)
        case let .negate(a):
            guard case let .value(x) = a.exactValue(at: point) else { return a.exactValue(at: point) }
            return .value(-x)
        case let .add(a, b): return both(a, b) { .value($0 + $1) }
        case let .subtract(a, b): return both(a, b) { .value($0 - $1) }
        case let .multiply(a, b): return both(a, b) { .value($0 * $1) }
        case let .divide(a, b): return both(a, b) { x, y in y.isZero ? .undefined : .value(x / y) }
        case let .power(base, exponent):
            guard let n = exponent.integerExponent else { return .notRational }
            let value = base.exactValue(at: point)
            guard case let .value(x) = value else { return value }
            return x.power(n).map { .value($0) } ?? .undefined
        case .function:
            return .notRational
        }
    }

    /// The value at a point in `Double`, left to right as written: `x0^3` is `x0 * x0 * x0`
    /// (a non-integer power is `exp(y · log(x))`, NaN for x ≤ 0).
    public func evaluate(_ x: [Double]) -> Double {
        switch self {
        case let .feature(index): return index < x.count ? x[index] : 0
        case let .constant(value): return Double(value.description) ?? Self.approximate(value)
        case let .negate(a): return -a.evaluate(x)
        case let .add(a, b): return a.evaluate(x) + b.evaluate(x)
        case let .subtract(a, b): return a.evaluate(x) - b.evaluate(x)
        case let .multiply(a, b): return a.evaluate(x) * b.evaluate(x)
        case let .divide(a, b): return a.evaluate(x) / b.evaluate(x)
        case let .power(base, exponent):
            let value = base.evaluate(x)
            if let n = exponent.integerExponent {
                guard n != 0 else { return 1 }
                var result = value
                for _ in 1..<n.magnitude { result *= value }
                return n > 0 ? result : 1 / result
            }
            let y = exponent.evaluate(x)
            return value > 0 ? Math.exp(y * Math.log(value)) : .nan
        case let .function(function, a):
            return function.apply(a.evaluate(x))
        }
    }

    /// A fraction's value in `Double` (numerator and denominator each rounded, then divided).
    private static func approximate(_ value: BigRational) -> Double {
        (Double(value.numerator.description) ?? .nan) / (Double(value.denominator.description) ?? .nan)
    }

    /// The formula as text that parses back to an equal-valued formula, without redundant
    /// parentheses.
    public var description: String { render(0) }

    private func render(_ context: Int) -> String {
        let (text, precedence): (String, Int)
        switch self {
        case let .feature(index): (text, precedence) = ("x\(index)", 5)
        case let .constant(value):
            (text, precedence) = (value.description, value.signum < 0 || !value.isInteger ? 2 : 5)
        case let .negate(a): (text, precedence) = ("-" + a.render(3), 3)
        case let .add(a, b): (text, precedence) = ("\(a.render(1)) + \(b.render(2))", 1)
        case let .subtract(a, b): (text, precedence) = ("\(a.render(1)) - \(b.render(2))", 1)
        case let .multiply(a, b): (text, precedence) = ("\(a.render(2)) * \(b.render(3))", 2)
        case let .divide(a, b): (text, precedence) = ("\(a.render(2)) / \(b.render(3))", 2)
        case let .power(a, b): (text, precedence) = ("\(a.render(5))^\(b.render(4))", 4)
        case let .function(function, a): (text, precedence) = ("\(function.rawValue)(\(a.render(0)))", 5)
        }
        return precedence >= context ? text : "(\(text))"
    }
}

/// The functions a formula may call; none is rational.
public enum FormulaFunction: String, Sendable, Hashable, CaseIterable {
    case sin, cos, tan, exp, log, sqrt, abs

    /// The function in `Double`, through the C library as the interpreter calls it.
    public func apply(_ x: Double) -> Double {
        switch self {
        case .sin: Math.sin(x)
        case .cos: Math.cos(x)
        case .tan: Math.tan(x)
        case .exp: Math.exp(x)
        case .log: Math.log(x)
        case .sqrt: x.squareRoot()
        case .abs: Swift.abs(x)
        }
    }
}
