import Foundation
import Galapagos
import Testing

// The semantics of every op, checked against values computed by hand on small inputs (F = 3).
//
// Every expected value below was derived by hand from the inputs in `Bench` (the derivation is
// in the comment next to it), or from an identity of the function (sin(π/6) = 1/2, …).

// MARK: - Bench

/// A machine loaded with small, hand-picked, non-symmetric inputs.
private final class Bench {
    static let shape = MemoryShape(features: 3, scalars: 6, vectors: 4, matrices: 4)

    /// s0 … s5
    static let scalars: [Double] = [2.5, -4, 6.25, 0.5, 8, 1]
    /// v0 … v3
    static let vectors: [[Double]] = [
        [2, -3, 6],
        [4, 0.5, -1],
        [4, 0.25, 9],
        [1, 2, 3],
    ]
    /// m0 … m3, row-major.
    static let matrices: [[Double]] = [
        // 1 2 3 / 4 5 6 / 7 8 10: not symmetric, so transposition errors show.
        [1, 2, 3, 4, 5, 6, 7, 8, 10],
        // 2 4 -1 / 1 8 0.5 / -2 0.25 1
        [2, 4, -1, 1, 8, 0.5, -2, 0.25, 1],
        [0, -1, 2, 3, -0.0, 1e-300, -5, 0, 7],
        [10, 11, 12, 13, 14, 15, 16, 17, 18],
    ]
    static let seed: UInt64 = 7

    let machine: Machine
    var shape: MemoryShape { machine.shape }

    /// A machine with the standard inputs.
    init() {
        machine = Machine(shape: Self.shape)
        machine.random = RandomGenerator(seed: Self.seed)
        for (i, x) in Self.scalars.enumerated() { machine.setScalar(i, x) }
        for (i, x) in Self.vectors.enumerated() { machine.setVector(i, x) }
        for (i, x) in Self.matrices.enumerated() { machine.setMatrix(i, x) }
    }

    /// A machine of any shape with every element of every register set to `value`.
    init(shape: MemoryShape, filledWith value: Double) {
        machine = Machine(shape: shape)
        machine.random = RandomGenerator(seed: Self.seed)
        let f = shape.features
        for i in 0..<shape.scalars { machine.setScalar(i, value) }
        for i in 0..<shape.vectors { machine.setVector(i, Array(repeating: value, count: f)) }
        for i in 0..<shape.matrices {
            machine.setMatrix(i, Array(repeating: value, count: f * f))
        }
    }

    func s(_ i: Int) -> Double { machine.scalar(i) }
    func v(_ i: Int) -> [Double] { machine.vector(i) }
    func m(_ i: Int) -> [Double] { machine.matrix(i) }

    func register(_ kind: ValueKind, _ index: Int) -> [Double] {
        switch kind {
        case .scalar: [machine.scalar(index)]
        case .vector: machine.vector(index)
        case .matrix: machine.matrix(index)
        }
    }

    /// Every register's bits, by kind and index.
    func snapshot() -> [ValueKind: [[UInt64]]] {
        var result: [ValueKind: [[UInt64]]] = [:]
        for kind in ValueKind.allCases {
            result[kind] = (0..<shape.count(of: kind)).map { index in
                register(kind, index).map(\.bitPattern)
            }
        }
        return result
    }

    /// Runs one instruction (as a one-instruction `predict`) without further checks.
    func runUnchecked(_ instruction: Instruction) throws {
        let compiled = try CompiledProgram(Program(predict: [instruction]), shape: shape)
        machine.run(compiled, .predict)
    }

    /// Runs one instruction and checks that no register other than its output changed.
    func run(
        _ instruction: Instruction, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        let before = snapshot()
        try runUnchecked(instruction)
        let after = snapshot()
        for kind in ValueKind.allCases {
            for index in 0..<shape.count(of: kind) {
                if kind == instruction.op.info.output, index == Int(instruction.output) { continue }
                #expect(
                    before[kind]![index] == after[kind]![index],
                    "\(instruction.op.name) wrote \(kind) register \(index)",
                    sourceLocation: sourceLocation)
            }
        }
    }
}

/// `out = op(a, b)`.
private func ins(_ op: Op, _ output: Int, _ a: Int = 0, _ b: Int = 0) -> Instruction {
    Instruction(op, output: output, input1: a, input2: b)
}

private func expectClose(
    _ actual: Double, _ expected: Double, relative tolerance: Double = 1e-14,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    #expect(
        abs(actual - expected) <= tolerance * max(1, abs(expected)),
        "\(actual) is not close to \(expected)", sourceLocation: sourceLocation)
}

private func expectClose(
    _ actual: [Double], _ expected: [Double], relative tolerance: Double = 1e-14,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    #expect(actual.count == expected.count, sourceLocation: sourceLocation)
    for (a, e) in zip(actual, expected) {
        expectClose(a, e, relative: tolerance, sourceLocation: sourceLocation)
    }
}

/// A reference generator's next double in [0, 1): 53 random bits, as documented.
private func referenceUnit(_ random: inout RandomGenerator) -> Double {
    Double(random.next() >> 11) * 0x1.0p-53
}

/// A reference standard normal deviate: Box–Muller from two uniforms, as documented.
private func referenceGaussian(_ random: inout RandomGenerator) -> Double {
    let u1 = 1.0 - referenceUnit(&random)
    let u2 = referenceUnit(&random)
    return (-2.0 * Foundation.log(u1)).squareRoot() * Foundation.cos(2.0 * Double.pi * u2)
}

// MARK: - The table: one entry per op

private typealias SemanticsCheck = @Sendable (Bench) throws -> Void

/// One hand-checked case per op. `everyOpHasExactlyOneSemanticsCase` fails when an op is added
/// to `Op` without an entry here.
private let semanticsCases: [(op: Op, check: SemanticsCheck)] = [
    (.noOp, { b in
        // Nothing changes: `run` checks every register (nop has no output).
        try b.run(.nop)
    }),

    // MARK: scalar arithmetic (s0 = 2.5, s1 = -4, s3 = 0.5)
    (.scalarSum, { b in
        try b.run(ins(.scalarSum, 5, 0, 1))
        #expect(b.s(5) == -1.5)  // 2.5 + -4
    }),
    (.scalarDiff, { b in
        try b.run(ins(.scalarDiff, 5, 0, 1))
        #expect(b.s(5) == 6.5)  // 2.5 - (-4)
        try b.run(ins(.scalarDiff, 5, 1, 0))
        #expect(b.s(5) == -6.5)  // -4 - 2.5: operand order matters
    }),
    (.scalarProduct, { b in
        try b.run(ins(.scalarProduct, 5, 0, 1))
        #expect(b.s(5) == -10)
    }),
    (.scalarDivision, { b in
        try b.run(ins(.scalarDivision, 5, 0, 1))
        #expect(b.s(5) == -0.625)  // 2.5 / -4
        try b.run(ins(.scalarDivision, 5, 1, 3))
        #expect(b.s(5) == -8)  // -4 / 0.5
    }),
    (.scalarAbs, { b in
        try b.run(ins(.scalarAbs, 5, 1))
        #expect(b.s(5) == 4)
        try b.run(ins(.scalarAbs, 5, 0))
        #expect(b.s(5) == 2.5)
    }),
    (.scalarReciprocal, { b in
        try b.run(ins(.scalarReciprocal, 5, 1))
        #expect(b.s(5) == -0.25)
        try b.run(ins(.scalarReciprocal, 5, 3))
        #expect(b.s(5) == 2)
    }),

    // MARK: trigonometry and calculus (inputs placed in s4)
    (.scalarSin, { b in
        b.machine.setScalar(4, Double.pi / 6)
        try b.run(ins(.scalarSin, 5, 4))
        expectClose(b.s(5), 0.5)
        b.machine.setScalar(4, -Double.pi / 2)
        try b.run(ins(.scalarSin, 5, 4))
        expectClose(b.s(5), -1)
    }),
    (.scalarCos, { b in
        b.machine.setScalar(4, Double.pi / 3)
        try b.run(ins(.scalarCos, 5, 4))
        expectClose(b.s(5), 0.5)
        b.machine.setScalar(4, Double.pi)
        try b.run(ins(.scalarCos, 5, 4))
        expectClose(b.s(5), -1)
    }),
    (.scalarTan, { b in
        b.machine.setScalar(4, Double.pi / 4)
        try b.run(ins(.scalarTan, 5, 4))
        expectClose(b.s(5), 1)
        b.machine.setScalar(4, -Double.pi / 4)
        try b.run(ins(.scalarTan, 5, 4))
        expectClose(b.s(5), -1)
    }),
    (.scalarArcSin, { b in
        try b.run(ins(.scalarArcSin, 5, 3))  // arcsin(0.5)
        expectClose(b.s(5), Double.pi / 6)
        b.machine.setScalar(4, -1)
        try b.run(ins(.scalarArcSin, 5, 4))
        expectClose(b.s(5), -Double.pi / 2)
    }),
    (.scalarArcCos, { b in
        try b.run(ins(.scalarArcCos, 5, 3))  // arccos(0.5)
        expectClose(b.s(5), Double.pi / 3)
        b.machine.setScalar(4, -1)
        try b.run(ins(.scalarArcCos, 5, 4))
        expectClose(b.s(5), Double.pi)
    }),
    (.scalarArcTan, { b in
        b.machine.setScalar(4, 1)
        try b.run(ins(.scalarArcTan, 5, 4))
        expectClose(b.s(5), Double.pi / 4)
        try b.run(ins(.scalarArcTan, 5, 1))  // arctan(-4) = -arctan(4)
        expectClose(b.s(5), -Foundation.atan(4.0))
        b.machine.setScalar(4, 1e300)
        try b.run(ins(.scalarArcTan, 5, 4))
        expectClose(b.s(5), Double.pi / 2)
    }),
    (.scalarExp, { b in
        try b.run(ins(.scalarExp, 5, 5))  // exp(1)
        expectClose(b.s(5), 2.718281828459045)
        b.machine.setScalar(4, 0)
        try b.run(ins(.scalarExp, 5, 4))
        #expect(b.s(5) == 1)
        b.machine.setScalar(4, 3 * 0.6931471805599453)  // exp(3 ln 2) = 8
        try b.run(ins(.scalarExp, 5, 4))
        expectClose(b.s(5), 8)
    }),
    (.scalarLog, { b in
        try b.run(ins(.scalarLog, 5, 4))  // log(8) = 3 ln 2
        expectClose(b.s(5), 3 * 0.6931471805599453)
        b.machine.setScalar(4, 1)
        try b.run(ins(.scalarLog, 5, 4))
        #expect(b.s(5) == 0)
        b.machine.setScalar(4, 2.718281828459045)
        try b.run(ins(.scalarLog, 5, 4))
        expectClose(b.s(5), 1)
    }),

    // MARK: heaviside: scalar is x >= 0, vector and matrix are x > 0 (as AutoML-Zero)
    (.scalarHeaviside, { b in
        for (x, expected) in [
            (2.5, 1.0), (0.0, 1.0), (-0.0, 1.0), (Double.leastNonzeroMagnitude, 1.0), (-Double.leastNonzeroMagnitude, 0.0), (-4.0, 0.0),
        ] {
            b.machine.setScalar(4, x)
            try b.run(ins(.scalarHeaviside, 5, 4))
            #expect(b.s(5) == expected, "heaviside(\(x))")
        }
    }),
    (.vectorHeaviside, { b in
        try b.run(ins(.vectorHeaviside, 3, 0))
        #expect(b.v(3) == [1, 0, 1])  // [2, -3, 6]
        b.machine.setVector(2, [0, -1e-300, Double.leastNonzeroMagnitude])
        try b.run(ins(.vectorHeaviside, 3, 2))
        #expect(b.v(3) == [0, 0, 1])  // 0 is not > 0
    }),
    (.matrixHeaviside, { b in
        // m2 = 0 -1 2 / 3 -0 1e-300 / -5 0 7
        try b.run(ins(.matrixHeaviside, 3, 2))
        #expect(b.m(3) == [0, 0, 1, 1, 0, 1, 0, 0, 1])
    }),

    // MARK: scalar–vector and broadcasts
    (.scalarVectorProduct, { b in
        try b.run(ins(.scalarVectorProduct, 3, 0, 0))  // 2.5 * [2, -3, 6]
        #expect(b.v(3) == [5, -7.5, 15])
    }),
    (.scalarBroadcast, { b in
        try b.run(ins(.scalarBroadcast, 3, 1))
        #expect(b.v(3) == [-4, -4, -4])
    }),
    (.vectorColumnBroadcast, { b in
        // Every column equals v0: M[r][c] = v0[r].
        try b.run(ins(.vectorColumnBroadcast, 3, 0))
        #expect(b.m(3) == [2, 2, 2, -3, -3, -3, 6, 6, 6])
    }),
    (.vectorRowBroadcast, { b in
        // Every row equals v0: M[r][c] = v0[c].
        try b.run(ins(.vectorRowBroadcast, 3, 0))
        #expect(b.m(3) == [2, -3, 6, 2, -3, 6, 2, -3, 6])
    }),

    // MARK: element-wise vector ops (v0 = [2, -3, 6], v1 = [4, 0.5, -1], v2 = [4, 0.25, 9])
    (.vectorReciprocal, { b in
        try b.run(ins(.vectorReciprocal, 3, 1))
        #expect(b.v(3) == [0.25, 2, -1])
    }),
    (.vectorAbs, { b in
        try b.run(ins(.vectorAbs, 3, 0))
        #expect(b.v(3) == [2, 3, 6])
    }),
    (.vectorSum, { b in
        try b.run(ins(.vectorSum, 3, 0, 1))
        #expect(b.v(3) == [6, -2.5, 5])
    }),
    (.vectorDiff, { b in
        try b.run(ins(.vectorDiff, 3, 0, 1))
        #expect(b.v(3) == [-2, -3.5, 7])
        try b.run(ins(.vectorDiff, 3, 1, 0))
        #expect(b.v(3) == [2, 3.5, -7])
    }),
    (.vectorProduct, { b in
        try b.run(ins(.vectorProduct, 3, 0, 1))
        #expect(b.v(3) == [8, -1.5, -6])
    }),
    (.vectorDivision, { b in
        try b.run(ins(.vectorDivision, 3, 0, 1))
        #expect(b.v(3) == [0.5, -6, -6])
        try b.run(ins(.vectorDivision, 3, 2, 1))
        #expect(b.v(3) == [1, 0.5, -9])
    }),
    (.vectorMin, { b in
        try b.run(ins(.vectorMin, 3, 0, 1))
        #expect(b.v(3) == [2, -3, -1])
    }),
    (.vectorMax, { b in
        try b.run(ins(.vectorMax, 3, 0, 1))
        #expect(b.v(3) == [4, 0.5, 6])
    }),
    (.vectorSqrt, { b in
        try b.run(ins(.vectorSqrt, 3, 2))
        #expect(b.v(3) == [2, 0.5, 3])
    }),
    (.vectorSquare, { b in
        try b.run(ins(.vectorSquare, 3, 0))
        #expect(b.v(3) == [4, 9, 36])
    }),

    // MARK: vector reductions and products
    (.vectorInnerProduct, { b in
        try b.run(ins(.vectorInnerProduct, 5, 0, 1))
        #expect(b.s(5) == 0.5)  // 8 - 1.5 - 6
    }),
    (.vectorOuterProduct, { b in
        try b.run(ins(.vectorOuterProduct, 3, 0, 1))  // M[r][c] = v0[r] * v1[c]
        #expect(b.m(3) == [8, 1, -2, -12, -1.5, 3, 24, 3, -6])
        try b.run(ins(.vectorOuterProduct, 3, 1, 0))
        #expect(b.m(3) == [8, -12, 24, 1, -1.5, 3, -2, 3, -6])
    }),
    (.vectorNorm, { b in
        try b.run(ins(.vectorNorm, 5, 0))
        #expect(b.s(5) == 7)  // sqrt(4 + 9 + 36)
    }),
    (.vectorMean, { b in
        try b.run(ins(.vectorMean, 5, 0))
        #expect(b.s(5) == 5.0 / 3.0)  // (2 - 3 + 6) / 3
    }),
    (.vectorStDev, { b in
        // Population standard deviation of [2, -3, 6]: mean 5/3, squared deviations
        // (1/9 + 196/9 + 169/9) / 3 = 122/9; the sample formula would give sqrt(61/3).
        try b.run(ins(.vectorStDev, 5, 0))
        expectClose(b.s(5), Double(122).squareRoot() / 3)
        b.machine.setVector(3, [5, 5, 5])
        try b.run(ins(.vectorStDev, 5, 3))
        #expect(b.s(5) == 0)
        // Nearly equal large values: the one-pass formula E[x²] − E[x]² can go negative and
        // give NaN; the two-pass one cannot.
        b.machine.setVector(3, [1e8 + 0.1, 1e8 + 0.1, 1e8 + 0.1])
        try b.run(ins(.vectorStDev, 5, 3))
        #expect(b.s(5) >= 0 && b.s(5) < 1e-7)
    }),

    // MARK: matrix element-wise ops (m0 = 1 2 3 / 4 5 6 / 7 8 10, m1 = 2 4 -1 / 1 8 .5 / -2 .25 1)
    (.scalarMatrixProduct, { b in
        try b.run(ins(.scalarMatrixProduct, 3, 0, 0))  // 2.5 * m0
        #expect(b.m(3) == [2.5, 5, 7.5, 10, 12.5, 15, 17.5, 20, 25])
    }),
    (.matrixReciprocal, { b in
        try b.run(ins(.matrixReciprocal, 3, 1))
        #expect(b.m(3) == [0.5, 0.25, -1, 1, 0.125, 2, -0.5, 4, 1])
    }),
    (.matrixAbs, { b in
        try b.run(ins(.matrixAbs, 3, 1))
        #expect(b.m(3) == [2, 4, 1, 1, 8, 0.5, 2, 0.25, 1])
    }),
    (.matrixSum, { b in
        try b.run(ins(.matrixSum, 3, 0, 1))
        #expect(b.m(3) == [3, 6, 2, 5, 13, 6.5, 5, 8.25, 11])
    }),
    (.matrixDiff, { b in
        try b.run(ins(.matrixDiff, 3, 0, 1))
        #expect(b.m(3) == [-1, -2, 4, 3, -3, 5.5, 9, 7.75, 9])
    }),
    (.matrixProduct, { b in
        try b.run(ins(.matrixProduct, 3, 0, 1))  // element-wise
        #expect(b.m(3) == [2, 8, -3, 4, 40, 3, -14, 2, 10])
    }),
    (.matrixDivision, { b in
        try b.run(ins(.matrixDivision, 3, 0, 1))
        #expect(b.m(3) == [0.5, 0.5, -3, 4, 0.625, 12, -3.5, 32, 10])
    }),
    (.matrixMin, { b in
        try b.run(ins(.matrixMin, 3, 0, 1))
        #expect(b.m(3) == [1, 2, -1, 1, 5, 0.5, -2, 0.25, 1])
    }),
    (.matrixMax, { b in
        try b.run(ins(.matrixMax, 3, 0, 1))
        #expect(b.m(3) == [2, 4, 3, 4, 8, 6, 7, 8, 10])
    }),

    // MARK: linear algebra
    (.matrixVectorProduct, { b in
        // m0 @ v0: [2 - 6 + 18, 8 - 15 + 36, 14 - 24 + 60]
        try b.run(ins(.matrixVectorProduct, 3, 0, 0))
        #expect(b.v(3) == [14, 29, 50])
        // m0 @ v1: [4 + 1 - 3, 16 + 2.5 - 6, 28 + 4 - 10]
        try b.run(ins(.matrixVectorProduct, 3, 0, 1))
        #expect(b.v(3) == [2, 12.5, 22])
    }),
    (.matrixMatrixProduct, { b in
        // m0 @ m1, row 0: [2 + 2 - 6, 4 + 16 + 0.75, -1 + 1 + 3]
        //          row 1: [8 + 5 - 12, 16 + 40 + 1.5, -4 + 2.5 + 6]
        //          row 2: [14 + 8 - 20, 28 + 64 + 2.5, -7 + 4 + 10]
        try b.run(ins(.matrixMatrixProduct, 3, 0, 1))
        #expect(b.m(3) == [-2, 20.75, 3, 1, 57.5, 4.5, 2, 94.5, 7])
        // m1 @ m0, row 0: [2 + 16 - 7, 4 + 20 - 8, 6 + 24 - 10]
        //          row 1: [1 + 32 + 3.5, 2 + 40 + 4, 3 + 48 + 5]
        //          row 2: [-2 + 1 + 7, -4 + 1.25 + 8, -6 + 1.5 + 10]
        try b.run(ins(.matrixMatrixProduct, 3, 1, 0))
        #expect(b.m(3) == [11, 16, 20, 36.5, 46, 56, 6, 5.25, 5.5])
    }),
    (.matrixTranspose, { b in
        try b.run(ins(.matrixTranspose, 3, 0))
        #expect(b.m(3) == [1, 4, 7, 2, 5, 8, 3, 6, 10])
    }),

    // MARK: matrix reductions (m0 = 1 2 3 / 4 5 6 / 7 8 10)
    (.matrixNorm, { b in
        try b.run(ins(.matrixNorm, 5, 0))
        #expect(b.s(5) == Double(304).squareRoot())  // 1+4+9+16+25+36+49+64+100
    }),
    (.matrixColumnNorm, { b in
        try b.run(ins(.matrixColumnNorm, 3, 0))
        // columns: 1+16+49, 4+25+64, 9+36+100
        #expect(b.v(3) == [66, 93, 145].map { Double($0).squareRoot() })
    }),
    (.matrixRowNorm, { b in
        try b.run(ins(.matrixRowNorm, 3, 0))
        // rows: 1+4+9, 16+25+36, 49+64+100
        #expect(b.v(3) == [14, 77, 213].map { Double($0).squareRoot() })
    }),
    (.matrixMean, { b in
        try b.run(ins(.matrixMean, 5, 0))
        #expect(b.s(5) == 46.0 / 9.0)
    }),
    (.matrixRowMean, { b in
        try b.run(ins(.matrixRowMean, 3, 0))
        #expect(b.v(3) == [2, 5, 25.0 / 3.0])
    }),
    (.matrixRowStDev, { b in
        // [1,2,3] and [4,5,6]: variance 2/3; [7,8,10]: mean 25/3, (16+1+25)/9/3 = 14/9.
        try b.run(ins(.matrixRowStDev, 3, 0))
        expectClose(b.v(3), [(2.0 / 3.0).squareRoot(), (2.0 / 3.0).squareRoot(), Double(14).squareRoot() / 3])
    }),
    (.matrixStDev, { b in
        // mean 46/9; Σx² − 9·mean² = 304 − 2116/9 = 620/9; population variance 620/81.
        try b.run(ins(.matrixStDev, 5, 0))
        expectClose(b.s(5), Double(620).squareRoot() / 9)
    }),

    // MARK: scalar min/max: min is `b < a ? b : a`, max is `a < b ? b : a`
    (.scalarMin, { b in
        try b.run(ins(.scalarMin, 5, 0, 1))
        #expect(b.s(5) == -4)
        try b.run(ins(.scalarMin, 5, 1, 0))
        #expect(b.s(5) == -4)
    }),
    (.scalarMax, { b in
        try b.run(ins(.scalarMax, 5, 0, 1))
        #expect(b.s(5) == 2.5)
        try b.run(ins(.scalarMax, 5, 1, 0))
        #expect(b.s(5) == 2.5)
    }),
    (.scalarSqrt, { b in
        try b.run(ins(.scalarSqrt, 5, 2))
        #expect(b.s(5) == 2.5)  // sqrt(6.25)
    }),
    (.scalarSquare, { b in
        try b.run(ins(.scalarSquare, 5, 1))
        #expect(b.s(5) == 16)
        try b.run(ins(.scalarSquare, 5, 0))
        #expect(b.s(5) == 6.25)
    }),

    // MARK: constants
    (.scalarConstSet, { b in
        try b.run(Instruction(.scalarConstSet, output: 5, constant1: 0.25))
        #expect(b.s(5) == 0.25)
        try b.run(Instruction(.scalarConstSet, output: 5, constant1: -0.0))
        #expect(b.s(5).bitPattern == (-0.0).bitPattern)
    }),
    (.vectorConstSet, { b in
        // v3 = [1, 2, 3]: only the addressed element changes.
        try b.run(Instruction(.vectorConstSet, output: 3, index1: 1, constant1: -7.5))
        #expect(b.v(3) == [1, -7.5, 3])
        try b.run(Instruction(.vectorConstSet, output: 3, index1: 2, constant1: 9))
        #expect(b.v(3) == [1, -7.5, 9])
    }),
    (.matrixConstSet, { b in
        // m3[1, 2] is row 1, column 2: flat index 1·3 + 2 = 5 (row-major), not 2·3 + 1 = 7.
        try b.run(Instruction(.matrixConstSet, output: 3, index1: 1, index2: 2, constant1: 99))
        #expect(b.m(3) == [10, 11, 12, 13, 14, 99, 16, 17, 18])
        try b.run(Instruction(.matrixConstSet, output: 3, index1: 2, index2: 0, constant1: -1))
        #expect(b.m(3) == [10, 11, 12, 13, 14, 99, -1, 17, 18])
    }),

    // MARK: random fills: draws in element order from the machine's generator
    (.scalarUniformSet, { b in
        var reference = RandomGenerator(seed: Bench.seed)
        try b.run(Instruction(.scalarUniformSet, output: 5, constant1: -2, constant2: 3))
        #expect(b.s(5) == -2 + 5 * referenceUnit(&reference))
        #expect(b.s(5) >= -2 && b.s(5) < 3)
        try b.run(Instruction(.scalarUniformSet, output: 5, constant1: 0.5, constant2: 0.5))
        #expect(b.s(5) == 0.5)
    }),
    (.vectorUniformSet, { b in
        var reference = RandomGenerator(seed: Bench.seed)
        try b.run(Instruction(.vectorUniformSet, output: 3, constant1: -2, constant2: 3))
        let expected = (0..<3).map { _ in -2 + 5 * referenceUnit(&reference) }
        #expect(b.v(3) == expected)
        #expect(Set(b.v(3)).count == 3)  // three separate draws
    }),
    (.matrixUniformSet, { b in
        var reference = RandomGenerator(seed: Bench.seed)
        try b.run(Instruction(.matrixUniformSet, output: 3, constant1: 10, constant2: 12))
        let expected = (0..<9).map { _ in 10 + 2 * referenceUnit(&reference) }
        #expect(b.m(3) == expected)
        #expect(b.m(3).allSatisfy { $0 >= 10 && $0 < 12 })
    }),
    (.scalarGaussianSet, { b in
        var reference = RandomGenerator(seed: Bench.seed)
        try b.run(Instruction(.scalarGaussianSet, output: 5, constant1: 1.5, constant2: 2))
        expectClose(b.s(5), 1.5 + 2 * referenceGaussian(&reference), relative: 1e-12)
        try b.run(Instruction(.scalarGaussianSet, output: 5, constant1: -3.25, constant2: 0))
        #expect(b.s(5) == -3.25)  // standard deviation 0: exactly the mean
    }),
    (.vectorGaussianSet, { b in
        var reference = RandomGenerator(seed: Bench.seed)
        try b.run(Instruction(.vectorGaussianSet, output: 3, constant1: -1, constant2: 0.5))
        let expected = (0..<3).map { _ in -1 + 0.5 * referenceGaussian(&reference) }
        expectClose(b.v(3), expected, relative: 1e-12)
        try b.run(Instruction(.vectorGaussianSet, output: 3, constant1: 4, constant2: 0))
        #expect(b.v(3) == [4, 4, 4])
    }),
    (.matrixGaussianSet, { b in
        var reference = RandomGenerator(seed: Bench.seed)
        try b.run(Instruction(.matrixGaussianSet, output: 3, constant1: 0, constant2: 1))
        let expected = (0..<9).map { _ in referenceGaussian(&reference) }
        expectClose(b.m(3), expected, relative: 1e-12)
        try b.run(Instruction(.matrixGaussianSet, output: 3, constant1: 0.75, constant2: 0))
        #expect(b.m(3) == Array(repeating: 0.75, count: 9))
    }),
]

// MARK: - Tests

@Suite("Op semantics")
struct OpSemanticsTests {
    @Test("every op has exactly one hand-checked semantics case")
    func everyOpHasExactlyOneSemanticsCase() {
        let covered = Set(semanticsCases.map(\.op))
        #expect(covered == Set(Op.allCases), "ops without a case: \(Set(Op.allCases).subtracting(covered).map(\.name).sorted())")
        #expect(semanticsCases.count == Op.allCases.count, "an op has two cases")
        #expect(Op.allCases.count == 69)
    }

    @Test("op computes its hand-checked value", arguments: Op.allCases)
    func semantics(of op: Op) throws {
        let cases = semanticsCases.filter { $0.op == op }
        try #require(cases.count == 1, "no semantics case for \(op.name)")
        try cases[0].check(Bench())
    }

    @Test("raw values follow AutoML-Zero's instruction.proto")
    func rawValues() {
        // Spot checks against instruction.proto, and the Galapagos additions at the end.
        #expect(Op.noOp.rawValue == 0)
        #expect(Op.scalarHeaviside.rawValue == 15)
        #expect(Op.vectorInnerProduct.rawValue == 27)
        #expect(Op.matrixMatrixProduct.rawValue == 43)
        #expect(Op.matrixGaussianSet.rawValue == 64)
        #expect(Op.vectorSquare.rawValue == 68)
        #expect(Op.allCases.map(\.rawValue) == Array(0...68))
        for op in Op.allCases { #expect(Op(name: op.name) == op) }
    }

    // MARK: aliasing

    @Test("v1 = m0 @ v1 reads all of v1 before writing it")
    func matrixVectorProductAliasing() throws {
        let b = Bench()
        b.machine.setVector(1, [2, -3, 6])
        try b.run(ins(.matrixVectorProduct, 1, 0, 1))
        #expect(b.v(1) == [14, 29, 50])
    }

    @Test("m0 = m0 @ m0 squares the matrix")
    func matrixSquareAliasing() throws {
        let b = Bench()
        try b.run(ins(.matrixMatrixProduct, 0, 0, 0))
        // row 0: [1+8+21, 2+10+24, 3+12+30]; row 1: [4+20+42, 8+25+48, 12+30+60];
        // row 2: [7+32+70, 14+40+80, 21+48+100]
        #expect(b.m(0) == [30, 36, 45, 66, 81, 102, 109, 134, 169])
    }

    @Test("m0 = m0 @ m1 and m1 = m0 @ m1 give the unaliased product")
    func matrixProductAliasingEitherInput() throws {
        let expected: [Double] = [-2, 20.75, 3, 1, 57.5, 4.5, 2, 94.5, 7]
        let first = Bench()
        try first.run(ins(.matrixMatrixProduct, 0, 0, 1))
        #expect(first.m(0) == expected)
        let second = Bench()
        try second.run(ins(.matrixMatrixProduct, 1, 0, 1))
        #expect(second.m(1) == expected)
    }

    @Test("m0 = transpose(m0) transposes in place")
    func transposeAliasing() throws {
        let b = Bench()
        try b.run(ins(.matrixTranspose, 0, 0))
        #expect(b.m(0) == [1, 4, 7, 2, 5, 8, 3, 6, 10])
        try b.run(ins(.matrixTranspose, 0, 0))
        #expect(b.m(0) == Bench.matrices[0])
    }

    @Test("element-wise ops may write one of their inputs")
    func elementwiseAliasing() throws {
        let b = Bench()
        try b.run(ins(.scalarSum, 0, 0, 0))
        #expect(b.s(0) == 5)
        try b.run(ins(.vectorProduct, 0, 0, 0))
        #expect(b.v(0) == [4, 9, 36])
        try b.run(ins(.vectorDiff, 1, 0, 1))  // [4, 9, 36] - [4, 0.5, -1]
        #expect(b.v(1) == [0, 8.5, 37])
        try b.run(ins(.matrixDiff, 1, 1, 1))
        #expect(b.m(1) == Array(repeating: 0, count: 9))
        try b.run(ins(.scalarMatrixProduct, 0, 3, 0))  // 0.5 * m0
        #expect(b.m(0) == [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 5])
        try b.run(ins(.scalarVectorProduct, 2, 3, 2))  // 0.5 * [4, 0.25, 9]
        #expect(b.v(2) == [2, 0.125, 4.5])
    }

    // MARK: linear algebra against a naive reference, for several sizes

    @Test("linear algebra matches a left-to-right reference for F = 1…5", arguments: 1...5)
    func linearAlgebraReference(features f: Int) throws {
        let shape = MemoryShape(features: f, scalars: 2, vectors: 3, matrices: 3)
        let machine = Machine(shape: shape)
        var random = RandomGenerator(seed: UInt64(100 + f))
        let a = (0..<(f * f)).map { _ in random.uniform(-3, 3) }
        let c = (0..<(f * f)).map { _ in random.uniform(-3, 3) }
        let x = (0..<f).map { _ in random.uniform(-3, 3) }
        let y = (0..<f).map { _ in random.uniform(-3, 3) }
        func reset() {
            machine.setMatrix(0, a)
            machine.setMatrix(1, c)
            machine.setVector(0, x)
            machine.setVector(1, y)
        }
        func run(_ instruction: Instruction) throws {
            reset()
            machine.run(try CompiledProgram(Program(predict: [instruction]), shape: shape), .predict)
        }
        func dot(_ p: [Double], _ q: [Double]) -> Double {
            var sum = 0.0
            for k in 0..<p.count { sum += p[k] * q[k] }
            return sum
        }
        func row(_ m: [Double], _ r: Int) -> [Double] { Array(m[(r * f)..<(r * f + f)]) }
        func column(_ m: [Double], _ j: Int) -> [Double] { (0..<f).map { m[$0 * f + j] } }

        try run(ins(.matrixVectorProduct, 2, 0, 0))
        #expect(machine.vector(2) == (0..<f).map { dot(row(a, $0), x) })
        try run(ins(.matrixMatrixProduct, 2, 0, 1))
        #expect(machine.matrix(2) == (0..<(f * f)).map { dot(row(a, $0 / f), column(c, $0 % f)) })
        try run(ins(.matrixTranspose, 2, 0))
        #expect(machine.matrix(2) == (0..<(f * f)).map { a[($0 % f) * f + $0 / f] })
        try run(ins(.vectorOuterProduct, 2, 0, 1))
        #expect(machine.matrix(2) == (0..<(f * f)).map { x[$0 / f] * y[$0 % f] })
        try run(ins(.vectorColumnBroadcast, 2, 0))
        #expect(machine.matrix(2) == (0..<(f * f)).map { x[$0 / f] })
        try run(ins(.vectorRowBroadcast, 2, 0))
        #expect(machine.matrix(2) == (0..<(f * f)).map { x[$0 % f] })
        try run(ins(.matrixRowNorm, 2, 0))
        #expect(machine.vector(2) == (0..<f).map { dot(row(a, $0), row(a, $0)).squareRoot() })
        try run(ins(.matrixColumnNorm, 2, 0))
        #expect(machine.vector(2) == (0..<f).map { dot(column(a, $0), column(a, $0)).squareRoot() })
        try run(ins(.vectorInnerProduct, 1, 0, 1))
        #expect(machine.scalar(1) == dot(x, y))
    }

    // MARK: edge inputs

    /// Inputs every op must survive.
    static let edgeValues: [Double] = [
        0, -0.0, 1e308, -1e308, .infinity, -.infinity, .nan, -1, -0.5, 2, Double.leastNonzeroMagnitude,
        -1.7976931348623157e308,
    ]

    @Test("every op runs on edge inputs without trapping; NaN propagates")
    func everyOpSurvivesEdgeInputs() throws {
        for value in Self.edgeValues {
            for op in Op.allCases {
                for aliased in [false, true] {
                    let bench = Bench(shape: Bench.shape, filledWith: value)
                    if !aliased {
                        // A finite sentinel in the output, so that "the result is NaN" cannot
                        // pass because the op wrote nothing.
                        bench.machine.setScalar(1, 12_345)
                        bench.machine.setVector(1, [12_345, 12_345, 12_345])
                        bench.machine.setMatrix(1, Array(repeating: 12_345, count: 9))
                    }
                    let instruction = Instruction(
                        op, output: aliased ? 0 : 1, input1: 0, input2: aliased ? 0 : 2,
                        index1: 2, index2: 1, constant1: value, constant2: value)
                    try bench.runUnchecked(instruction)
                    guard value.isNaN, let output = op.info.output, !op.info.inputs.isEmpty else {
                        continue
                    }
                    let result = bench.register(output, Int(instruction.output))
                    switch op {
                    case .scalarHeaviside, .vectorHeaviside, .matrixHeaviside:
                        // NaN is neither >= 0 nor > 0.
                        #expect(result.allSatisfy { $0 == 0 }, "\(op.name)(NaN)")
                    default:
                        #expect(result.allSatisfy { $0.isNaN }, "\(op.name)(NaN) = \(result)")
                    }
                }
            }
        }
    }

    @Test("every op runs on F = 1 and on random inputs without trapping")
    func everyOpRunsOnOtherSizes() throws {
        var random = RandomGenerator(seed: 99)
        for f in [1, 2, 5] {
            let shape = MemoryShape(features: f, scalars: 3, vectors: 3, matrices: 3)
            for op in Op.allCases {
                let machine = Machine(shape: shape)
                for i in 0..<3 {
                    machine.setScalar(i, random.uniform(-10, 10))
                    machine.setVector(i, (0..<f).map { _ in random.uniform(-10, 10) })
                    machine.setMatrix(i, (0..<(f * f)).map { _ in random.uniform(-10, 10) })
                }
                let instruction = Instruction(
                    op, output: 2, input1: 0, input2: 1, index1: f - 1, index2: f - 1,
                    constant1: -1, constant2: 1)
                machine.run(try CompiledProgram(Program(predict: [instruction]), shape: shape), .predict)
            }
        }
    }

    @Test("IEEE edge results: log, sqrt, arcsin, reciprocal, overflow")
    func ieeeEdgeResults() throws {
        func scalar(_ op: Op, _ x: Double, _ y: Double = 0) throws -> Double {
            let b = Bench()
            b.machine.setScalar(0, x)
            b.machine.setScalar(1, y)
            try b.run(ins(op, 5, 0, 1))
            return b.s(5)
        }
        #expect(try scalar(.scalarLog, -1).isNaN)
        #expect(try scalar(.scalarLog, 0) == -.infinity)
        #expect(try scalar(.scalarLog, -0.0) == -.infinity)
        #expect(try scalar(.scalarLog, .infinity) == .infinity)
        #expect(try scalar(.scalarSqrt, -1).isNaN)
        #expect(try scalar(.scalarSqrt, -0.0).bitPattern == (-0.0).bitPattern)
        #expect(try scalar(.scalarSqrt, .infinity) == .infinity)
        #expect(try scalar(.scalarArcSin, 2).isNaN)
        #expect(try scalar(.scalarArcSin, -1.5).isNaN)
        #expect(try scalar(.scalarArcCos, -2).isNaN)
        #expect(try scalar(.scalarReciprocal, 0) == .infinity)
        #expect(try scalar(.scalarReciprocal, -0.0) == -.infinity)
        #expect(try scalar(.scalarReciprocal, .infinity) == 0)
        #expect(try scalar(.scalarDivision, 0, 0).isNaN)
        #expect(try scalar(.scalarDivision, 1, 0) == .infinity)
        #expect(try scalar(.scalarSum, 1e308, 1e308) == .infinity)
        #expect(try scalar(.scalarProduct, 1e308, -10) == -.infinity)
        #expect(try scalar(.scalarDiff, .infinity, .infinity).isNaN)
        #expect(try scalar(.scalarProduct, .infinity, 0).isNaN)
        #expect(try scalar(.scalarSquare, 1e308) == .infinity)
        #expect(try scalar(.scalarSquare, -.infinity) == .infinity)
        #expect(try scalar(.scalarExp, 1e308) == .infinity)
        #expect(try scalar(.scalarExp, 710) == .infinity)
        #expect(try scalar(.scalarExp, -.infinity) == 0)
        #expect(try scalar(.scalarSin, .infinity).isNaN)
        #expect(try scalar(.scalarCos, -.infinity).isNaN)
        #expect(try scalar(.scalarTan, .infinity).isNaN)
        #expect(try scalar(.scalarAbs, -.infinity) == .infinity)
        #expect(try scalar(.scalarHeaviside, .infinity) == 1)
        #expect(try scalar(.scalarHeaviside, -.infinity) == 0)
        #expect(try scalar(.scalarArcTan, -.infinity) == -Double.pi / 2)

        // min/max follow std::min/std::max: a NaN first operand wins, a NaN second one loses.
        #expect(try scalar(.scalarMin, .nan, 1).isNaN)
        #expect(try scalar(.scalarMin, 1, .nan) == 1)
        #expect(try scalar(.scalarMax, .nan, 1).isNaN)
        #expect(try scalar(.scalarMax, 1, .nan) == 1)
        // min(-0, +0) keeps the first operand (neither is less than the other).
        #expect(try scalar(.scalarMin, -0.0, 0).bitPattern == (-0.0).bitPattern)
        #expect(try scalar(.scalarMin, 0, -0.0).bitPattern == (0.0).bitPattern)

        let b = Bench()
        b.machine.setVector(0, [-1, 4, -.infinity])
        try b.run(ins(.vectorSqrt, 3, 0))
        #expect(b.v(3)[0].isNaN && b.v(3)[1] == 2 && b.v(3)[2].isNaN)
        b.machine.setVector(0, [0, -0.0, .infinity])
        try b.run(ins(.vectorReciprocal, 3, 0))
        #expect(b.v(3) == [.infinity, -.infinity, 0])
        b.machine.setVector(0, [.nan, 1, .nan])
        b.machine.setVector(1, [1, .nan, .nan])
        try b.run(ins(.vectorMin, 3, 0, 1))
        #expect(b.v(3)[0].isNaN && b.v(3)[1] == 1 && b.v(3)[2].isNaN)
        try b.run(ins(.vectorMax, 3, 0, 1))
        #expect(b.v(3)[0].isNaN && b.v(3)[1] == 1 && b.v(3)[2].isNaN)
        b.machine.setVector(0, [.nan, -.infinity, .infinity])
        try b.run(ins(.vectorHeaviside, 3, 0))
        #expect(b.v(3) == [0, 0, 1])
        // An infinite element makes the inner product infinite, a NaN makes it NaN.
        b.machine.setVector(0, [1, .infinity, 1])
        b.machine.setVector(1, [1, 1, 1])
        try b.run(ins(.vectorInnerProduct, 5, 0, 1))
        #expect(b.s(5) == .infinity)
        b.machine.setVector(1, [1, 0, 1])
        try b.run(ins(.vectorInnerProduct, 5, 0, 1))  // inf * 0
        #expect(b.s(5).isNaN)
        // Standard deviation with an infinite element is NaN (inf − inf), never a trap.
        b.machine.setVector(0, [1, .infinity, 1])
        try b.run(ins(.vectorStDev, 5, 0))
        #expect(b.s(5).isNaN)
        // Norms of huge values overflow to infinity (or stay huge); they are never NaN.
        b.machine.setVector(0, [1e308, -1e308, 1e308])
        try b.run(ins(.vectorNorm, 5, 0))
        #expect(b.s(5) >= 1e308)
        b.machine.setMatrix(0, Array(repeating: -1e308, count: 9))
        try b.run(ins(.matrixNorm, 5, 0))
        #expect(b.s(5) >= 1e308)
        // A matrix product that meets inf · 0 is NaN in the affected entries only.
        b.machine.setMatrix(0, [.infinity, 0, 0, 0, 1, 0, 0, 0, 1])
        b.machine.setMatrix(1, [0, 1, 0, 0, 1, 0, 0, 0, 1])
        try b.run(ins(.matrixMatrixProduct, 3, 0, 1))
        let product = b.m(3)
        // row 0: [inf·0 + 0 + 0, inf·1 + 0 + 0, inf·0 + 0 + 0]
        #expect(product[0].isNaN && product[1] == .infinity && product[2].isNaN)
        #expect(Array(product[3...]) == [0, 1, 0, 0, 0, 1])
        // Uniform fills with infinite width do not trap.
        try b.runUnchecked(Instruction(.vectorUniformSet, output: 3, constant1: -1e308, constant2: 1e308))
        try b.runUnchecked(Instruction(.matrixGaussianSet, output: 3, constant1: 0, constant2: 1e308))
    }

    // MARK: random fills

    @Test("Gaussian and uniform fills have the requested moments")
    func randomFillStatistics() throws {
        let b = Bench()
        b.machine.random = RandomGenerator(seed: 2024)
        let gaussian = try CompiledProgram(
            Program(predict: [Instruction(.matrixGaussianSet, output: 3, constant1: 1.5, constant2: 2)]),
            shape: Bench.shape)
        var values: [Double] = []
        for _ in 0..<2_500 {
            b.machine.run(gaussian, .predict)
            values.append(contentsOf: b.m(3))
        }
        let mean = values.reduce(0, +) / Double(values.count)
        let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        // 22,500 draws: the standard error of the mean is 2 / 150 ≈ 0.013.
        #expect(abs(mean - 1.5) < 0.06)
        #expect(abs(sd - 2) < 0.06)

        let uniform = try CompiledProgram(
            Program(predict: [Instruction(.vectorUniformSet, output: 3, constant1: -3, constant2: 5)]),
            shape: Bench.shape)
        var draws: [Double] = []
        for _ in 0..<5_000 {
            b.machine.run(uniform, .predict)
            draws.append(contentsOf: b.v(3))
        }
        #expect(draws.allSatisfy { $0 >= -3 && $0 < 5 })
        let uniformMean = draws.reduce(0, +) / Double(draws.count)
        #expect(abs(uniformMean - 1) < 0.1)  // standard error ≈ 2.31 / 122 ≈ 0.019
        #expect(draws.min()! < -2.9 && draws.max()! > 4.9)
    }
}
