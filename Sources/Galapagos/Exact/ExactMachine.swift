/// Runs the rational part of the DSL on exact rationals: what a program computes when nothing
/// is rounded.
///
/// Supported: `+ − × ÷` on scalars, vectors and matrices, reciprocals, squares, scaling,
/// broadcasts, inner, outer and matrix products, transposes, means and constant sets. Anything
/// else (transcendental functions, square roots, norms, standard deviations, `abs`, `min`, `max`,
/// `heaviside`, random fills) is not a rational function of the inputs, and stops the run.
struct ExactMachine {
    /// Why a run stopped early.
    enum Failure: Error, Equatable {
        /// An op outside the rational subset.
        case unsupported(Op)
        /// A division by zero at this point.
        case divisionByZero
        /// A number grew beyond the bit budget.
        case tooLarge
        /// A constant is NaN or infinite (program text cannot hold one; a program built in code
        /// can).
        case nonFiniteConstant
    }

    let shape: MemoryShape
    /// The most bits a number may take (numerator plus denominator).
    let maximumBits: Int
    /// When set, a constant within this relative distance of a fraction with a denominator up
    /// to 1,000 counts as that fraction (see ``ExactEquivalence/compare(program:formula:shape:points:seed:maximumBits:snapping:)``).
    var snapping: Double?
    private(set) var scalars: [BigRational]
    private(set) var vectors: [[BigRational]]
    private(set) var matrices: [[BigRational]]

    init(shape: MemoryShape, maximumBits: Int) {
        self.shape = shape
        self.maximumBits = maximumBits
        scalars = Array(repeating: .zero, count: shape.scalars)
        vectors = Array(repeating: Array(repeating: .zero, count: shape.features), count: shape.vectors)
        matrices = Array(
            repeating: Array(repeating: .zero, count: shape.features * shape.features),
            count: shape.matrices)
    }

    /// Whether every op of the instructions is in the rational subset.
    static func supports(_ op: Op) -> Bool {
        switch op {
        case .noOp, .scalarSum, .scalarDiff, .scalarProduct, .scalarDivision, .scalarReciprocal,
             .scalarSquare, .scalarVectorProduct, .scalarBroadcast, .vectorReciprocal, .vectorSum,
             .vectorDiff, .vectorProduct, .vectorDivision, .vectorSquare, .vectorInnerProduct,
             .vectorOuterProduct, .scalarMatrixProduct, .matrixReciprocal, .matrixVectorProduct,
             .vectorColumnBroadcast, .vectorRowBroadcast, .matrixTranspose, .matrixSum, .matrixDiff,
             .matrixProduct, .matrixDivision, .matrixMatrixProduct, .vectorMean, .matrixMean,
             .matrixRowMean, .scalarConstSet, .vectorConstSet, .matrixConstSet:
            true
        default:
            false
        }
    }

    mutating func setFeatures(_ point: [BigRational]) {
        vectors[MemoryShape.featuresVector] = (0..<shape.features).map { $0 < point.count ? point[$0] : .zero }
        for (k, register) in shape.inputScalarRegisters.enumerated() {
            scalars[register.index] = k < point.count ? point[k] : .zero
        }
    }

    mutating func setLabel(_ value: BigRational) {
        scalars[MemoryShape.labelScalar] = value
    }

    var prediction: BigRational { scalars[MemoryShape.predictionScalar] }

    /// Runs instructions in order.
    ///
    /// - Throws: a ``Failure`` when an op is not rational, divides by zero or the numbers grow
    ///   too large.
    mutating func run(_ instructions: [Instruction]) throws {
        for instruction in instructions { try execute(instruction) }
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private mutating func execute(_ instruction: Instruction) throws {
        let f = shape.features
        let o = Int(instruction.output), a = Int(instruction.input1), b = Int(instruction.input2)
        func constant(_ value: Double) throws -> BigRational {
            guard let exact = BigRational(exactly: value) else { throw Failure.nonFiniteConstant }
            if let snapping, let fraction = RationalApproximation.shortRational(
                near: value, tolerance: snapping * Swift.max(1, abs(value))) {
                return fraction
            }
            return exact
        }
        func divide(_ x: BigRational, _ y: BigRational) throws -> BigRational {
            guard let quotient = x.dividing(by: y) else { throw Failure.divisionByZero }
            return quotient
        }
        func zipVectors(
            _ x: [BigRational], _ y: [BigRational], _ body: (BigRational, BigRational) throws -> BigRational
        ) throws -> [BigRational] {
            var result: [BigRational] = []
            result.reserveCapacity(x.count)
            for k in x.indices { result.append(try body(x[k], y[k])) }
            return result
        }
        func dot(_ x: ArraySlice<BigRational>, _ y: [BigRational]) -> BigRational {
            var sum = BigRational.zero
            for (p, q) in zip(x, y) { sum = sum + p * q }
            return sum
        }
        func mean(_ x: ArraySlice<BigRational>) -> BigRational {
            var sum = BigRational.zero
            for value in x { sum = sum + value }
            return sum / BigRational(x.count)
        }
        switch instruction.op {
        case .noOp: return
        case .scalarSum: scalars[o] = scalars[a] + scalars[b]
        case .scalarDiff: scalars[o] = scalars[a] - scalars[b]
        case .scalarProduct: scalars[o] = scalars[a] * scalars[b]
        case .scalarDivision: scalars[o] = try divide(scalars[a], scalars[b])
        case .scalarReciprocal: scalars[o] = try divide(.one, scalars[a])
        case .scalarSquare: scalars[o] = scalars[a] * scalars[a]
        case .scalarConstSet: scalars[o] = try constant(instruction.constant1)
        case .vectorConstSet: vectors[o][Int(instruction.index1)] = try constant(instruction.constant1)
        case .matrixConstSet:
            matrices[o][Int(instruction.index1) * f + Int(instruction.index2)] = try constant(instruction.constant1)
        case .scalarVectorProduct: vectors[o] = vectors[b].map { scalars[a] * $0 }
        case .scalarMatrixProduct: matrices[o] = matrices[b].map { scalars[a] * $0 }
        case .scalarBroadcast: vectors[o] = Array(repeating: scalars[a], count: f)
        case .vectorReciprocal: vectors[o] = try zipVectors(vectors[a], vectors[a]) { x, _ in try divide(.one, x) }
        case .matrixReciprocal: matrices[o] = try zipVectors(matrices[a], matrices[a]) { x, _ in try divide(.one, x) }
        case .vectorSum: vectors[o] = try zipVectors(vectors[a], vectors[b]) { $0 + $1 }
        case .vectorDiff: vectors[o] = try zipVectors(vectors[a], vectors[b]) { $0 - $1 }
        case .vectorProduct: vectors[o] = try zipVectors(vectors[a], vectors[b]) { $0 * $1 }
        case .vectorSquare: vectors[o] = try zipVectors(vectors[a], vectors[a]) { $0 * $1 }
        case .vectorDivision: vectors[o] = try zipVectors(vectors[a], vectors[b]) { x, y in try divide(x, y) }
        case .matrixSum: matrices[o] = try zipVectors(matrices[a], matrices[b]) { $0 + $1 }
        case .matrixDiff: matrices[o] = try zipVectors(matrices[a], matrices[b]) { $0 - $1 }
        case .matrixProduct: matrices[o] = try zipVectors(matrices[a], matrices[b]) { $0 * $1 }
        case .matrixDivision: matrices[o] = try zipVectors(matrices[a], matrices[b]) { x, y in try divide(x, y) }
        case .vectorInnerProduct: scalars[o] = dot(vectors[a][...], vectors[b])
        case .vectorOuterProduct:
            let (x, y) = (vectors[a], vectors[b])
            matrices[o] = (0..<(f * f)).map { x[$0 / f] * y[$0 % f] }
        case .matrixVectorProduct:
            let (m, v) = (matrices[a], vectors[b])
            vectors[o] = (0..<f).map { r in dot(m[(r * f)..<((r + 1) * f)], v) }
        case .matrixMatrixProduct:
            let (x, y) = (matrices[a], matrices[b])
            matrices[o] = (0..<(f * f)).map { index in
                let (r, c) = (index / f, index % f)
                var sum = BigRational.zero
                for k in 0..<f { sum = sum + x[r * f + k] * y[k * f + c] }
                return sum
            }
        case .matrixTranspose:
            let m = matrices[a]
            matrices[o] = (0..<(f * f)).map { m[($0 % f) * f + $0 / f] }
        case .vectorColumnBroadcast:
            let v = vectors[a]
            matrices[o] = (0..<(f * f)).map { v[$0 / f] }
        case .vectorRowBroadcast:
            let v = vectors[a]
            matrices[o] = (0..<(f * f)).map { v[$0 % f] }
        case .vectorMean: scalars[o] = mean(vectors[a][...])
        case .matrixMean: scalars[o] = mean(matrices[a][...])
        case .matrixRowMean:
            let m = matrices[a]
            vectors[o] = (0..<f).map { r in mean(m[(r * f)..<((r + 1) * f)]) }
        default:
            throw Failure.unsupported(instruction.op)
        }
        try checkSize(instruction)
    }

    /// Stops the run when the instruction's result exceeds the bit budget.
    private func checkSize(_ instruction: Instruction) throws {
        guard let output = instruction.outputRegister else { return }
        let values: [BigRational] = switch output.kind {
        case .scalar: [scalars[output.index]]
        case .vector: vectors[output.index]
        case .matrix: matrices[output.index]
        }
        if values.contains(where: { $0.bitWidth > maximumBits }) { throw Failure.tooLarge }
    }
}
