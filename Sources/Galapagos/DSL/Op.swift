/// Every operation the DSL knows.
///
/// Raw values 0–64 follow AutoML-Zero's `instruction.proto`, so that programs and statistics
/// can be compared op for op; 65–68 are Galapagos additions used by symbolic regression.
/// Raw values are stored in snapshots: never renumber a case, only append.
///
/// The properties of each op (its name, operand kinds, text syntax) live in ``OpInfo``,
/// one table shared by the parser, printer, interpreter, mutator and exporter.
public enum Op: UInt8, Sendable, CaseIterable {
    case noOp = 0
    case scalarSum = 1
    case scalarDiff = 2
    case scalarProduct = 3
    case scalarDivision = 4
    case scalarAbs = 5
    case scalarReciprocal = 6
    case scalarSin = 7
    case scalarCos = 8
    case scalarTan = 9
    case scalarArcSin = 10
    case scalarArcCos = 11
    case scalarArcTan = 12
    case scalarExp = 13
    case scalarLog = 14
    case scalarHeaviside = 15
    case vectorHeaviside = 16
    case matrixHeaviside = 17
    case scalarVectorProduct = 18
    case scalarBroadcast = 19
    case vectorReciprocal = 20
    case vectorNorm = 21
    case vectorAbs = 22
    case vectorSum = 23
    case vectorDiff = 24
    case vectorProduct = 25
    case vectorDivision = 26
    case vectorInnerProduct = 27
    case vectorOuterProduct = 28
    case scalarMatrixProduct = 29
    case matrixReciprocal = 30
    case matrixVectorProduct = 31
    case vectorColumnBroadcast = 32
    case vectorRowBroadcast = 33
    case matrixNorm = 34
    case matrixColumnNorm = 35
    case matrixRowNorm = 36
    case matrixTranspose = 37
    case matrixAbs = 38
    case matrixSum = 39
    case matrixDiff = 40
    case matrixProduct = 41
    case matrixDivision = 42
    case matrixMatrixProduct = 43
    case scalarMin = 44
    case vectorMin = 45
    case matrixMin = 46
    case scalarMax = 47
    case vectorMax = 48
    case matrixMax = 49
    case vectorMean = 50
    case matrixMean = 51
    case matrixRowMean = 52
    case matrixRowStDev = 53
    case vectorStDev = 54
    case matrixStDev = 55
    case scalarConstSet = 56
    case vectorConstSet = 57
    case matrixConstSet = 58
    case scalarUniformSet = 59
    case vectorUniformSet = 60
    case matrixUniformSet = 61
    case scalarGaussianSet = 62
    case vectorGaussianSet = 63
    case matrixGaussianSet = 64
    case scalarSqrt = 65
    case scalarSquare = 66
    case vectorSqrt = 67
    case vectorSquare = 68
}

extension Op {
    /// The op's description: name, operand kinds and syntax.
    @inline(__always)
    public var info: OpInfo { OpInfo.table[Int(rawValue)] }

    /// The op's stable name, as used in search-space files (`scalar_sum`, `vector_inner_product`).
    public var name: String { info.name }

    /// Looks an op up by its stable name.
    public init?(name: String) {
        guard let op = OpInfo.byName[name] else { return nil }
        self = op
    }
}
