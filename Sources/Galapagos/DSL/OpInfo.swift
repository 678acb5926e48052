/// How an op is written in the `.gal` text format.
public enum OpSyntax: Sendable, Hashable {
    /// `nop`: does nothing.
    case nothing
    /// `out = in1 SYMBOL in2`, for example `s2 = s0 + s1` or `v1 = m0 @ v0`.
    case infix(String)
    /// `out = NAME(in1)` or `out = NAME(in1, in2)`, for example `s1 = dot(v0, v1)`.
    case call(String)
    /// `s2 = 0.25`: a scalar constant.
    case constant
    /// `v1[2] = 0.25` or `m0[1, 3] = 0.25`: one element of a vector or matrix.
    case elementConstant
    /// `out = NAME(c1, c2)` with two constants, for example `v1 = gaussian(0, 1)`.
    case random(String)
}

/// The description of one ``Op``: one row of the table that the parser, printer, interpreter,
/// mutator and exporter share.
public struct OpInfo: Sendable {
    /// The stable name used in search-space files and snapshots.
    public let name: String
    /// The kind of register the op writes; `nil` only for `nop`.
    public let output: ValueKind?
    /// The kinds of the registers the op reads, in order (zero, one or two).
    public let inputs: [ValueKind]
    /// How the op is written in program text.
    public let syntax: OpSyntax
    /// The number of constants the instruction carries: 1 for constant sets, 2 for random fills
    /// (bounds of a uniform, or mean and standard deviation of a Gaussian).
    public let constantCount: Int
    /// The number of element indices: 1 for `v[i] = c`, 2 for `m[i, j] = c`.
    public let indexCount: Int

    init(
        _ name: String, _ output: ValueKind?, _ inputs: [ValueKind], _ syntax: OpSyntax,
        constants: Int = 0, indices: Int = 0
    ) {
        self.name = name
        self.output = output
        self.inputs = inputs
        self.syntax = syntax
        self.constantCount = constants
        self.indexCount = indices
    }

    /// Whether the op draws from the evaluation's random generator.
    public var isRandom: Bool {
        if case .random = syntax { return true }
        return false
    }
}

extension OpInfo {
    /// One row per ``Op``, indexed by raw value.
    static let table: [OpInfo] = Op.allCases.map(makeInfo)

    static let byName: [String: Op] = Dictionary(
        uniqueKeysWithValues: Op.allCases.map { ($0.info.name, $0) })

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private static func makeInfo(_ op: Op) -> OpInfo {
        let s = ValueKind.scalar, v = ValueKind.vector, m = ValueKind.matrix
        switch op {
        case .noOp: return OpInfo("no_op", nil, [], .nothing)
        case .scalarSum: return OpInfo("scalar_sum", s, [s, s], .infix("+"))
        case .scalarDiff: return OpInfo("scalar_diff", s, [s, s], .infix("-"))
        case .scalarProduct: return OpInfo("scalar_product", s, [s, s], .infix("*"))
        case .scalarDivision: return OpInfo("scalar_division", s, [s, s], .infix("/"))
        case .scalarAbs: return OpInfo("scalar_abs", s, [s], .call("abs"))
        case .scalarReciprocal: return OpInfo("scalar_reciprocal", s, [s], .call("reciprocal"))
        case .scalarSin: return OpInfo("scalar_sin", s, [s], .call("sin"))
        case .scalarCos: return OpInfo("scalar_cos", s, [s], .call("cos"))
        case .scalarTan: return OpInfo("scalar_tan", s, [s], .call("tan"))
        case .scalarArcSin: return OpInfo("scalar_arcsin", s, [s], .call("arcsin"))
        case .scalarArcCos: return OpInfo("scalar_arccos", s, [s], .call("arccos"))
        case .scalarArcTan: return OpInfo("scalar_arctan", s, [s], .call("arctan"))
        case .scalarExp: return OpInfo("scalar_exp", s, [s], .call("exp"))
        case .scalarLog: return OpInfo("scalar_log", s, [s], .call("log"))
        case .scalarHeaviside: return OpInfo("scalar_heaviside", s, [s], .call("heaviside"))
        case .vectorHeaviside: return OpInfo("vector_heaviside", v, [v], .call("heaviside"))
        case .matrixHeaviside: return OpInfo("matrix_heaviside", m, [m], .call("heaviside"))
        case .scalarVectorProduct:
            return OpInfo("scalar_vector_product", v, [s, v], .infix("*"))
        case .scalarBroadcast: return OpInfo("scalar_broadcast", v, [s], .call("broadcast"))
        case .vectorReciprocal: return OpInfo("vector_reciprocal", v, [v], .call("reciprocal"))
        case .vectorNorm: return OpInfo("vector_norm", s, [v], .call("norm"))
        case .vectorAbs: return OpInfo("vector_abs", v, [v], .call("abs"))
        case .vectorSum: return OpInfo("vector_sum", v, [v, v], .infix("+"))
        case .vectorDiff: return OpInfo("vector_diff", v, [v, v], .infix("-"))
        case .vectorProduct: return OpInfo("vector_product", v, [v, v], .infix("*"))
        case .vectorDivision: return OpInfo("vector_division", v, [v, v], .infix("/"))
        case .vectorInnerProduct: return OpInfo("vector_inner_product", s, [v, v], .call("dot"))
        case .vectorOuterProduct:
            return OpInfo("vector_outer_product", m, [v, v], .call("outer"))
        case .scalarMatrixProduct:
            return OpInfo("scalar_matrix_product", m, [s, m], .infix("*"))
        case .matrixReciprocal: return OpInfo("matrix_reciprocal", m, [m], .call("reciprocal"))
        case .matrixVectorProduct:
            return OpInfo("matrix_vector_product", v, [m, v], .infix("@"))
        case .vectorColumnBroadcast:
            return OpInfo("vector_column_broadcast", m, [v], .call("column_broadcast"))
        case .vectorRowBroadcast:
            return OpInfo("vector_row_broadcast", m, [v], .call("row_broadcast"))
        case .matrixNorm: return OpInfo("matrix_norm", s, [m], .call("norm"))
        case .matrixColumnNorm: return OpInfo("matrix_column_norm", v, [m], .call("column_norms"))
        case .matrixRowNorm: return OpInfo("matrix_row_norm", v, [m], .call("row_norms"))
        case .matrixTranspose: return OpInfo("matrix_transpose", m, [m], .call("transpose"))
        case .matrixAbs: return OpInfo("matrix_abs", m, [m], .call("abs"))
        case .matrixSum: return OpInfo("matrix_sum", m, [m, m], .infix("+"))
        case .matrixDiff: return OpInfo("matrix_diff", m, [m, m], .infix("-"))
        case .matrixProduct: return OpInfo("matrix_product", m, [m, m], .infix("*"))
        case .matrixDivision: return OpInfo("matrix_division", m, [m, m], .infix("/"))
        case .matrixMatrixProduct:
            return OpInfo("matrix_matrix_product", m, [m, m], .infix("@"))
        case .scalarMin: return OpInfo("scalar_min", s, [s, s], .call("min"))
        case .vectorMin: return OpInfo("vector_min", v, [v, v], .call("min"))
        case .matrixMin: return OpInfo("matrix_min", m, [m, m], .call("min"))
        case .scalarMax: return OpInfo("scalar_max", s, [s, s], .call("max"))
        case .vectorMax: return OpInfo("vector_max", v, [v, v], .call("max"))
        case .matrixMax: return OpInfo("matrix_max", m, [m, m], .call("max"))
        case .vectorMean: return OpInfo("vector_mean", s, [v], .call("mean"))
        case .matrixMean: return OpInfo("matrix_mean", s, [m], .call("mean"))
        case .matrixRowMean: return OpInfo("matrix_row_mean", v, [m], .call("row_means"))
        case .matrixRowStDev: return OpInfo("matrix_row_st_dev", v, [m], .call("row_stds"))
        case .vectorStDev: return OpInfo("vector_st_dev", s, [v], .call("std"))
        case .matrixStDev: return OpInfo("matrix_st_dev", s, [m], .call("std"))
        case .scalarConstSet: return OpInfo("scalar_const_set", s, [], .constant, constants: 1)
        case .vectorConstSet:
            return OpInfo("vector_const_set", v, [], .elementConstant, constants: 1, indices: 1)
        case .matrixConstSet:
            return OpInfo("matrix_const_set", m, [], .elementConstant, constants: 1, indices: 2)
        case .scalarUniformSet:
            return OpInfo("scalar_uniform_set", s, [], .random("uniform"), constants: 2)
        case .vectorUniformSet:
            return OpInfo("vector_uniform_set", v, [], .random("uniform"), constants: 2)
        case .matrixUniformSet:
            return OpInfo("matrix_uniform_set", m, [], .random("uniform"), constants: 2)
        case .scalarGaussianSet:
            return OpInfo("scalar_gaussian_set", s, [], .random("gaussian"), constants: 2)
        case .vectorGaussianSet:
            return OpInfo("vector_gaussian_set", v, [], .random("gaussian"), constants: 2)
        case .matrixGaussianSet:
            return OpInfo("matrix_gaussian_set", m, [], .random("gaussian"), constants: 2)
        case .scalarSqrt: return OpInfo("scalar_sqrt", s, [s], .call("sqrt"))
        case .scalarSquare: return OpInfo("scalar_square", s, [s], .call("square"))
        case .vectorSqrt: return OpInfo("vector_sqrt", v, [v], .call("sqrt"))
        case .vectorSquare: return OpInfo("vector_square", v, [v], .call("square"))
        }
    }
}
