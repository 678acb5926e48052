/// A polynomial in the features with `Double` coefficients: what a program of sums, differences
/// and products computes, multiplied out.
///
/// Fitted programs spread one coefficient over several constants: `0.72 · x²·x`, scaled later by
/// `1.3878`, is the monomial x³ with coefficient 1.0000000000000002. Rounding each constant to a
/// short fraction cannot reveal that; rounding the coefficients of the expanded form can. The
/// expansion follows the program's scalar instructions symbolically; it gives up (`nil`) on
/// anything that is not a polynomial (a division by a non-constant, a function of a feature),
/// and when the degree or the number of monomials grows past small bounds.
struct ExpandedPolynomial: Equatable {
    /// Coefficients by exponent vector (one exponent per feature).
    var terms: [[Int]: Double]
    let variables: Int

    static let maximumDegree = 16
    static let maximumTerms = 2_000

    static func constant(_ value: Double, variables: Int) -> ExpandedPolynomial {
        ExpandedPolynomial(
            terms: value == 0 ? [:] : [Array(repeating: 0, count: variables): value], variables: variables)
    }

    static func variable(_ index: Int, variables: Int) -> ExpandedPolynomial {
        var exponents = Array(repeating: 0, count: variables)
        exponents[index] = 1
        return ExpandedPolynomial(terms: [exponents: 1], variables: variables)
    }

    /// The value when the polynomial is a constant.
    var constantValue: Double? {
        if terms.isEmpty { return 0 }
        guard terms.count == 1, let (exponents, value) = terms.first, exponents.allSatisfy({ $0 == 0 })
        else { return nil }
        return value
    }

    static func + (lhs: ExpandedPolynomial, rhs: ExpandedPolynomial) -> ExpandedPolynomial {
        var result = lhs
        for (exponents, value) in rhs.terms { result.terms[exponents, default: 0] += value }
        return result
    }

    func scaled(by factor: Double) -> ExpandedPolynomial {
        ExpandedPolynomial(terms: terms.mapValues { $0 * factor }, variables: variables)
    }

    /// The product, or `nil` past the degree or size bounds.
    func times(_ other: ExpandedPolynomial) -> ExpandedPolynomial? {
        var result: [[Int]: Double] = [:]
        for (a, x) in terms {
            for (b, y) in other.terms {
                let exponents = zip(a, b).map { $0 + $1 }
                guard exponents.reduce(0, +) <= Self.maximumDegree else { return nil }
                result[exponents, default: 0] += x * y
            }
            guard result.count <= Self.maximumTerms else { return nil }
        }
        return ExpandedPolynomial(terms: result, variables: variables)
    }
}

extension ExpandedPolynomial {
    /// The polynomial the prediction of a predict-only program computes from its input scalars
    /// (``MemoryShape/inputScalarRegisters``), or `nil` when it is not one. `setup` and `learn`
    /// must be empty; registers start at zero.
    init?(predictionOf program: Program, shape: MemoryShape) {
        guard program.setup.isEmpty, program.learn.isEmpty else { return nil }
        let inputs = shape.inputScalarRegisters.map(\.index)
        let variables = inputs.count
        var registers = Array(repeating: ExpandedPolynomial.constant(0, variables: variables), count: shape.scalars)
        for (k, register) in inputs.enumerated() {
            registers[register] = .variable(k, variables: variables)
        }
        for instruction in program.predict {
            let info = instruction.op.info
            guard info.output == .scalar, info.inputs.allSatisfy({ $0 == .scalar }) else {
                if info.output == nil { continue }  // a nop
                return nil
            }
            let a = registers[Int(instruction.input1)], b = registers[Int(instruction.input2)]
            let value: ExpandedPolynomial?
            switch instruction.op {
            case .scalarConstSet: value = .constant(instruction.constant1, variables: variables)
            case .scalarSum: value = a + b
            case .scalarDiff: value = a + b.scaled(by: -1)
            case .scalarProduct: value = a.times(b)
            case .scalarSquare: value = a.times(a)
            case .scalarDivision: value = b.constantValue.flatMap { $0 == 0 ? nil : a.scaled(by: 1 / $0) }
            default: value = nil
            }
            guard let value else { return nil }
            registers[Int(instruction.output)] = value
        }
        self = registers[MemoryShape.predictionScalar]
    }
}
