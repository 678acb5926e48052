/// The pieces of support code an exported Swift struct may need; an export includes only those
/// its program uses, so that a small program gives a small file.
///
/// Every helper computes exactly what the interpreter's kernel computes: the same operations on
/// the same operands in the same order.
enum SwiftHelper: Int, CaseIterable, Hashable, Comparable {
    // Markers: no code of their own.
    case libm
    case vectorType
    case matrixType
    case generator
    case gaussian
    // Members of the model.
    case dot
    case outer
    case matrixTimesVector
    case matrixTimesMatrix
    case transpose
    case vectorNorm
    case matrixNorm
    case columnNorms
    case rowNorms
    case vectorMean
    case matrixMean
    case rowMeans
    case vectorStd
    case matrixStd
    case rowStds
    case average
    case standardDeviation
    case vectorHeaviside
    case matrixHeaviside
    case scalarAbs
    case vectorAbs
    case matrixAbs
    case vectorSqrt
    case scalarMinimum
    case vectorMinimum
    case matrixMinimum
    case scalarMaximum
    case vectorMaximum
    case matrixMaximum
    // Members of Vector.
    case vectorAdd
    case vectorSubtract
    case vectorMultiply
    case vectorDivide
    case vectorScale
    case vectorReciprocal
    case vectorRepeating
    case vectorUniform
    case vectorGaussian
    // Members of Matrix.
    case matrixRow
    case matrixAdd
    case matrixSubtract
    case matrixMultiply
    case matrixDivide
    case matrixScale
    case matrixReciprocal
    case matrixEveryColumn
    case matrixEveryRow
    case matrixUniform
    case matrixGaussian

    static func < (lhs: SwiftHelper, rhs: SwiftHelper) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Where a helper's code goes.
    enum Placement {
        case marker
        case model
        case vector
        case matrix
    }

    var placement: Placement {
        switch self {
        case .libm, .vectorType, .matrixType, .generator, .gaussian: .marker
        case .vectorAdd, .vectorSubtract, .vectorMultiply, .vectorDivide, .vectorScale,
             .vectorReciprocal, .vectorRepeating, .vectorUniform, .vectorGaussian:
            .vector
        case .matrixRow, .matrixAdd, .matrixSubtract, .matrixMultiply, .matrixDivide, .matrixScale,
             .matrixReciprocal, .matrixEveryColumn, .matrixEveryRow, .matrixUniform, .matrixGaussian:
            .matrix
        default: .model
        }
    }

    /// Whether the helper calls the C math library (through Foundation).
    var needsFoundation: Bool { self == .libm || self == .gaussian }

    /// What else the helper needs.
    var dependencies: [SwiftHelper] {
        switch self {
        case .matrixType: [.vectorType]
        case .gaussian: [.generator, .libm]
        case .matrixTimesVector: [.dot, .matrixRow]
        case .rowNorms: [.dot, .matrixRow]
        case .vectorNorm: [.dot]
        case .vectorMean, .matrixMean: [.average]
        case .rowMeans: [.average, .matrixRow]
        case .vectorStd, .matrixStd: [.standardDeviation]
        case .rowStds: [.standardDeviation, .matrixRow]
        case .standardDeviation: [.average]
        case .vectorUniform, .matrixUniform: [.generator]
        case .vectorGaussian, .matrixGaussian: [.gaussian]
        default: []
        }
    }

    /// The helpers a program's export needs, dependencies included.
    static func required(by program: Program, classification: Bool) -> Set<SwiftHelper> {
        var wanted: [SwiftHelper] = classification ? [.libm] : []
        var ops = Set<Op>()
        for component in Component.allCases {
            for instruction in program[component] {
                ops.insert(instruction.op)
                for register in instruction.inputRegisters + [instruction.outputRegister].compactMap({ $0 }) {
                    if register.kind == .vector { wanted.append(.vectorType) }
                    if register.kind == .matrix { wanted.append(.matrixType) }
                }
            }
        }
        for op in ops { wanted += helpers(for: op) }
        if ops.contains(.scalarAbs) && (ops.contains(.vectorAbs) || ops.contains(.matrixAbs)) {
            wanted.append(.scalarAbs)
        }
        var result = Set<SwiftHelper>()
        while let helper = wanted.popLast() {
            if result.insert(helper).inserted { wanted += helper.dependencies }
        }
        return result
    }

    private static func helpers(for op: Op) -> [SwiftHelper] {
        switch op {
        case .scalarSin, .scalarCos, .scalarTan, .scalarArcSin, .scalarArcCos, .scalarArcTan,
             .scalarExp, .scalarLog:
            [.libm]
        case .vectorHeaviside: [.vectorHeaviside]
        case .matrixHeaviside: [.matrixHeaviside]
        case .scalarVectorProduct: [.vectorScale]
        case .scalarBroadcast: [.vectorRepeating]
        case .vectorReciprocal: [.vectorReciprocal]
        case .vectorNorm: [.vectorNorm]
        case .vectorAbs: [.vectorAbs]
        case .vectorSum: [.vectorAdd]
        case .vectorDiff: [.vectorSubtract]
        case .vectorProduct, .vectorSquare: [.vectorMultiply]
        case .vectorDivision: [.vectorDivide]
        case .vectorInnerProduct: [.dot]
        case .vectorOuterProduct: [.outer]
        case .scalarMatrixProduct: [.matrixScale]
        case .matrixReciprocal: [.matrixReciprocal]
        case .matrixVectorProduct: [.matrixTimesVector]
        case .vectorColumnBroadcast: [.matrixEveryColumn]
        case .vectorRowBroadcast: [.matrixEveryRow]
        case .matrixNorm: [.matrixNorm]
        case .matrixColumnNorm: [.columnNorms]
        case .matrixRowNorm: [.rowNorms]
        case .matrixTranspose: [.transpose]
        case .matrixAbs: [.matrixAbs]
        case .matrixSum: [.matrixAdd]
        case .matrixDiff: [.matrixSubtract]
        case .matrixProduct: [.matrixMultiply]
        case .matrixDivision: [.matrixDivide]
        case .matrixMatrixProduct: [.matrixTimesMatrix]
        case .scalarMin: [.scalarMinimum]
        case .vectorMin: [.vectorMinimum]
        case .matrixMin: [.matrixMinimum]
        case .scalarMax: [.scalarMaximum]
        case .vectorMax: [.vectorMaximum]
        case .matrixMax: [.matrixMaximum]
        case .vectorMean: [.vectorMean]
        case .matrixMean: [.matrixMean]
        case .matrixRowMean: [.rowMeans]
        case .matrixRowStDev: [.rowStds]
        case .vectorStDev: [.vectorStd]
        case .matrixStDev: [.matrixStd]
        case .scalarUniformSet: [.generator]
        case .vectorUniformSet: [.vectorUniform]
        case .matrixUniformSet: [.matrixUniform]
        case .scalarGaussianSet: [.gaussian]
        case .vectorGaussianSet: [.vectorGaussian]
        case .matrixGaussianSet: [.matrixGaussian]
        case .vectorSqrt: [.vectorSqrt]
        default: []
        }
    }

    /// A zeroed register of a kind, as a Swift expression.
    static func zero(_ kind: ValueKind) -> String {
        switch kind {
        case .scalar: "0.0"
        case .vector: "Vector()"
        case .matrix: "Matrix()"
        }
    }

    // MARK: Code

    /// The opening of the nested `Vector` or `Matrix` type with its core members; the caller
    /// appends members and the closing brace.
    static func typeHeader(_ title: String, _ typeName: String) -> String {
        let code = title == "Vector" ? #"""
            /// A vector of `featureCount` numbers.
            struct Vector {
                var elements: [Double]

                /// The zero vector.
                init() {
                    elements = Array(repeating: 0, count: T.featureCount)
                }

                init(_ elements: [Double]) {
                    precondition(elements.count == T.featureCount, "expected \(T.featureCount) numbers")
                    self.elements = elements
                }

                subscript(index: Int) -> Double {
                    get { elements[index] }
                    set { elements[index] = newValue }
                }
            """# : #"""
            /// A `featureCount` × `featureCount` matrix, stored row by row.
            struct Matrix {
                var elements: [Double]

                /// The zero matrix.
                init() {
                    elements = Array(repeating: 0, count: T.featureCount * T.featureCount)
                }

                init(_ elements: [Double]) {
                    precondition(
                        elements.count == T.featureCount * T.featureCount, "expected \(T.featureCount)² numbers")
                    self.elements = elements
                }

                subscript(row: Int, column: Int) -> Double {
                    get { elements[row * T.featureCount + column] }
                    set { elements[row * T.featureCount + column] = newValue }
                }
            """#
        return code.replacingTypeName(typeName)
    }

    /// The helper's code, unindented; `typeName` names the enclosing struct (nested types
    /// reach its `featureCount` through it; the model's own methods say `Self`).
    func code(_ typeName: String) -> String {
        body.replacingTypeName(typeName)
    }

    private var body: String {
        switch self {
        case .libm, .vectorType, .matrixType, .generator, .gaussian:
            return ""
        case .dot:
            return """
                /// The inner product, summed left to right.
                private func dot(_ a: Vector, _ b: Vector) -> Double {
                    var sum = 0.0
                    for k in 0..<Self.featureCount { sum += a[k] * b[k] }
                    return sum
                }
                """
        case .outer:
            return """
                /// The outer product: row r is a[r] · b.
                private func outer(_ a: Vector, _ b: Vector) -> Matrix {
                    var result = Matrix()
                    for r in 0..<Self.featureCount {
                        for c in 0..<Self.featureCount { result[r, c] = a[r] * b[c] }
                    }
                    return result
                }
                """
        case .matrixTimesVector:
            return """
                /// The matrix–vector product: one inner product per row.
                private func matmul(_ m: Matrix, _ v: Vector) -> Vector {
                    Vector((0..<Self.featureCount).map { r in dot(m.row(r), v) })
                }
                """
        case .matrixTimesMatrix:
            return """
                /// The matrix product, each element summed left to right.
                private func matmul(_ a: Matrix, _ b: Matrix) -> Matrix {
                    var result = Matrix()
                    for r in 0..<Self.featureCount {
                        for c in 0..<Self.featureCount {
                            var sum = 0.0
                            for k in 0..<Self.featureCount { sum += a[r, k] * b[k, c] }
                            result[r, c] = sum
                        }
                    }
                    return result
                }
                """
        case .transpose:
            return """
                private func transpose(_ m: Matrix) -> Matrix {
                    var result = Matrix()
                    for r in 0..<Self.featureCount {
                        for c in 0..<Self.featureCount { result[c, r] = m[r, c] }
                    }
                    return result
                }
                """
        case .vectorNorm:
            return """
                /// The Euclidean norm.
                private func norm(_ v: Vector) -> Double {
                    dot(v, v).squareRoot()
                }
                """
        case .matrixNorm:
            return """
                /// The Frobenius norm, summed row by row.
                private func norm(_ m: Matrix) -> Double {
                    var sum = 0.0
                    for value in m.elements { sum += value * value }
                    return sum.squareRoot()
                }
                """
        case .columnNorms:
            return """
                /// The Euclidean norm of each column.
                private func columnNorms(_ m: Matrix) -> Vector {
                    var result = Vector()
                    for c in 0..<Self.featureCount {
                        var sum = 0.0
                        for r in 0..<Self.featureCount { sum += m[r, c] * m[r, c] }
                        result[c] = sum.squareRoot()
                    }
                    return result
                }
                """
        case .rowNorms:
            return """
                /// The Euclidean norm of each row.
                private func rowNorms(_ m: Matrix) -> Vector {
                    Vector((0..<Self.featureCount).map { r in dot(m.row(r), m.row(r)).squareRoot() })
                }
                """
        case .vectorMean:
            return """
                private func mean(_ v: Vector) -> Double {
                    average(v.elements)
                }
                """
        case .matrixMean:
            return """
                private func mean(_ m: Matrix) -> Double {
                    average(m.elements)
                }
                """
        case .rowMeans:
            return """
                private func rowMeans(_ m: Matrix) -> Vector {
                    Vector((0..<Self.featureCount).map { r in average(m.row(r).elements) })
                }
                """
        case .vectorStd:
            return """
                private func std(_ v: Vector) -> Double {
                    standardDeviation(v.elements)
                }
                """
        case .matrixStd:
            return """
                private func std(_ m: Matrix) -> Double {
                    standardDeviation(m.elements)
                }
                """
        case .rowStds:
            return """
                private func rowStds(_ m: Matrix) -> Vector {
                    Vector((0..<Self.featureCount).map { r in standardDeviation(m.row(r).elements) })
                }
                """
        case .average:
            return """
                /// The mean, summed left to right.
                private func average(_ values: [Double]) -> Double {
                    var sum = 0.0
                    for value in values { sum += value }
                    return sum / Double(values.count)
                }
                """
        case .standardDeviation:
            return """
                /// The population standard deviation, in two passes.
                private func standardDeviation(_ values: [Double]) -> Double {
                    let mean = average(values)
                    var sum = 0.0
                    for value in values {
                        let deviation = value - mean
                        sum += deviation * deviation
                    }
                    return (sum / Double(values.count)).squareRoot()
                }
                """
        case .vectorHeaviside:
            return """
                /// 1 where an element is positive, else 0.
                private func heaviside(_ v: Vector) -> Vector {
                    Vector(v.elements.map { $0 > 0 ? 1.0 : 0.0 })
                }
                """
        case .matrixHeaviside:
            return """
                /// 1 where an element is positive, else 0.
                private func heaviside(_ m: Matrix) -> Matrix {
                    Matrix(m.elements.map { $0 > 0 ? 1.0 : 0.0 })
                }
                """
        case .scalarAbs:
            return """
                private func abs(_ x: Double) -> Double {
                    Swift.abs(x)
                }
                """
        case .vectorAbs:
            return """
                private func abs(_ v: Vector) -> Vector {
                    Vector(v.elements.map { Swift.abs($0) })
                }
                """
        case .matrixAbs:
            return """
                private func abs(_ m: Matrix) -> Matrix {
                    Matrix(m.elements.map { Swift.abs($0) })
                }
                """
        case .vectorSqrt:
            return """
                private func sqrt(_ v: Vector) -> Vector {
                    Vector(v.elements.map { $0.squareRoot() })
                }
                """
        case .scalarMinimum:
            return """
                /// `b < a ? b : a`, as C++'s `std::min`: a NaN in `a` or `b` gives `a`.
                private func minimum(_ a: Double, _ b: Double) -> Double {
                    b < a ? b : a
                }
                """
        case .vectorMinimum:
            return """
                /// The element-wise `std::min`.
                private func minimum(_ a: Vector, _ b: Vector) -> Vector {
                    Vector(zip(a.elements, b.elements).map { $1 < $0 ? $1 : $0 })
                }
                """
        case .matrixMinimum:
            return """
                /// The element-wise `std::min`.
                private func minimum(_ a: Matrix, _ b: Matrix) -> Matrix {
                    Matrix(zip(a.elements, b.elements).map { $1 < $0 ? $1 : $0 })
                }
                """
        case .scalarMaximum:
            return """
                /// `a < b ? b : a`, as C++'s `std::max`: a NaN in `a` or `b` gives `a`.
                private func maximum(_ a: Double, _ b: Double) -> Double {
                    a < b ? b : a
                }
                """
        case .vectorMaximum:
            return """
                /// The element-wise `std::max`.
                private func maximum(_ a: Vector, _ b: Vector) -> Vector {
                    Vector(zip(a.elements, b.elements).map { $0 < $1 ? $1 : $0 })
                }
                """
        case .matrixMaximum:
            return """
                /// The element-wise `std::max`.
                private func maximum(_ a: Matrix, _ b: Matrix) -> Matrix {
                    Matrix(zip(a.elements, b.elements).map { $0 < $1 ? $1 : $0 })
                }
                """
        case .vectorAdd: return Self.elementWise("Vector", "+")
        case .vectorSubtract: return Self.elementWise("Vector", "-")
        case .vectorMultiply: return Self.elementWise("Vector", "*")
        case .vectorDivide: return Self.elementWise("Vector", "/")
        case .matrixAdd: return Self.elementWise("Matrix", "+")
        case .matrixSubtract: return Self.elementWise("Matrix", "-")
        case .matrixMultiply: return Self.elementWise("Matrix", "*")
        case .matrixDivide: return Self.elementWise("Matrix", "/")
        case .vectorScale: return Self.scale("Vector")
        case .matrixScale: return Self.scale("Matrix")
        case .vectorReciprocal: return Self.reciprocal("Vector")
        case .matrixReciprocal: return Self.reciprocal("Matrix")
        case .vectorRepeating:
            return """
                /// Every element equal to `value`.
                init(repeating value: Double) {
                    elements = Array(repeating: value, count: T.featureCount)
                }
                """
        case .matrixRow:
            return """
                /// Row `r`.
                func row(_ r: Int) -> Vector {
                    Vector(Array(elements[(r * T.featureCount)..<((r + 1) * T.featureCount)]))
                }
                """
        case .matrixEveryColumn:
            return """
                /// The matrix whose every column is `v`: element (r, c) is v[r].
                init(everyColumn v: Vector) {
                    self.init()
                    for r in 0..<T.featureCount {
                        for c in 0..<T.featureCount { self[r, c] = v[r] }
                    }
                }
                """
        case .matrixEveryRow:
            return """
                /// The matrix whose every row is `v`: element (r, c) is v[c].
                init(everyRow v: Vector) {
                    self.init()
                    for r in 0..<T.featureCount {
                        for c in 0..<T.featureCount { self[r, c] = v[c] }
                    }
                }
                """
        case .vectorUniform: return Self.randomFill("Vector", "uniform", "low", "high", "T.featureCount")
        case .vectorGaussian:
            return Self.randomFill("Vector", "gaussian", "mean", "standardDeviation", "T.featureCount")
        case .matrixUniform:
            return Self.randomFill("Matrix", "uniform", "low", "high", "T.featureCount * T.featureCount")
        case .matrixGaussian:
            return Self.randomFill(
                "Matrix", "gaussian", "mean", "standardDeviation", "T.featureCount * T.featureCount")
        }
    }

    private static func elementWise(_ type: String, _ symbol: String) -> String {
        """
        static func \(symbol) (a: \(type), b: \(type)) -> \(type) {
            \(type)(zip(a.elements, b.elements).map { $0 \(symbol) $1 })
        }
        """
    }

    private static func scale(_ type: String) -> String {
        """
        static func * (factor: Double, a: \(type)) -> \(type) {
            \(type)(a.elements.map { factor * $0 })
        }
        """
    }

    private static func reciprocal(_ type: String) -> String {
        """
        /// Element-wise `numerator / a[k]` (the exports write `1 / a`).
        static func / (numerator: Double, a: \(type)) -> \(type) {
            \(type)(a.elements.map { numerator / $0 })
        }
        """
    }

    private static func randomFill(
        _ type: String, _ distribution: String, _ first: String, _ second: String, _ count: String
    ) -> String {
        """
        /// Independent draws, element by element\(type == "Matrix" ? " in row order" : "").
        static func \(distribution)(
            _ \(first): Double, _ \(second): Double, using random: inout RandomGenerator
        ) -> \(type) {
            \(type)((0..<\(count)).map { _ in random.\(distribution)(\(first), \(second)) })
        }
        """
    }

    /// The nested generator: the interpreter's xoshiro256** seeded through SplitMix64, with its
    /// uniform and (when needed) Box–Muller Gaussian transforms.
    static func generatorCode(gaussian: Bool) -> String {
        var code = """
            /// xoshiro256** seeded through SplitMix64: the generator of the Galapagos interpreter,
            /// so random fills draw the very same numbers.
            struct RandomGenerator {
                private var s0: UInt64
                private var s1: UInt64
                private var s2: UInt64
                private var s3: UInt64

                init(seed: UInt64) {
                    var mixer = seed
                    s0 = Self.splitMix(&mixer)
                    s1 = Self.splitMix(&mixer)
                    s2 = Self.splitMix(&mixer)
                    s3 = Self.splitMix(&mixer)
                }

                private static func splitMix(_ x: inout UInt64) -> UInt64 {
                    x &+= 0x9E37_79B9_7F4A_7C15
                    var z = x
                    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                    return z ^ (z >> 31)
                }

                private static func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
                    (x << k) | (x >> (64 - k))
                }

                mutating func next() -> UInt64 {
                    let result = Self.rotateLeft(s1 &* 5, 7) &* 9
                    let t = s1 << 17
                    s2 ^= s0
                    s3 ^= s1
                    s1 ^= s2
                    s0 ^= s3
                    s2 ^= t
                    s3 = Self.rotateLeft(s3, 45)
                    return result
                }

                /// Uniform in [0, 1), with 53 random bits.
                mutating func nextDouble() -> Double {
                    Double(next() >> 11) * 0x1.0p-53
                }

                /// Uniform in [low, high).
                mutating func uniform(_ low: Double, _ high: Double) -> Double {
                    low + (high - low) * nextDouble()
                }
            """
        if gaussian {
            code += """


                    /// Normal, by the Box–Muller transform (two uniforms per value, nothing cached).
                    mutating func gaussian(_ mean: Double, _ standardDeviation: Double) -> Double {
                        let u1 = 1.0 - nextDouble()
                        let u2 = nextDouble()
                        return mean + standardDeviation * ((-2.0 * log(u1)).squareRoot() * cos(2.0 * Double.pi * u2))
                    }
                """
        }
        return code + "\n}"
    }
}

extension String {
    /// Replaces the placeholder `T.` of helper code by the exported type's name.
    fileprivate func replacingTypeName(_ typeName: String) -> String {
        replacing("T.featureCount", with: typeName + ".featureCount")
    }
}
