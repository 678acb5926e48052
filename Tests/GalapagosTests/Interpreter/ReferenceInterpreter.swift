import Foundation
@testable import Galapagos

// A deliberately plain interpreter and evaluation protocol, written from the op semantics
// (AutoML-Zero's, plus the Galapagos additions), to check the optimised `Machine` and
// `Evaluator` against. No pointers, no flat memory, no specialisation: nested arrays, one
// `switch` over `Op` and the most literal loops. Speed does not matter here; being obviously
// right does.

/// The memory of the reference interpreter: one array per register kind.
struct ReferenceMemory {
    /// The feature size F.
    let features: Int
    var scalars: [Double]
    /// `vectors[i][k]`.
    var vectors: [[Double]]
    /// `matrices[i][row][column]`.
    var matrices: [[[Double]]]

    /// All registers zero.
    init(shape: MemoryShape) {
        features = shape.features
        scalars = Array(repeating: 0, count: shape.scalars)
        vectors = Array(repeating: Array(repeating: 0, count: shape.features), count: shape.vectors)
        matrices = Array(
            repeating: Array(repeating: Array(repeating: 0, count: shape.features), count: shape.features),
            count: shape.matrices)
    }
}

/// Runs programs one `Instruction` at a time on a ``ReferenceMemory``.
struct ReferenceInterpreter {
    var memory: ReferenceMemory
    /// The generator the random-fill ops draw from.
    var random: RandomGenerator

    init(shape: MemoryShape, seed: UInt64 = 0) {
        memory = ReferenceMemory(shape: shape)
        random = RandomGenerator(seed: seed)
    }

    /// Runs a list of instructions in order.
    mutating func run(_ instructions: [Instruction]) {
        for instruction in instructions { execute(instruction) }
    }

    // MARK: Helpers, each the textbook definition.

    /// C++'s `std::min(a, b)`: `b < a ? b : a` (a NaN in either yields `a`).
    static func minimum(_ a: Double, _ b: Double) -> Double {
        if b < a { return b }
        return a
    }

    /// C++'s `std::max(a, b)`: `a < b ? b : a` (a NaN in either yields `a`).
    static func maximum(_ a: Double, _ b: Double) -> Double {
        if a < b { return b }
        return a
    }

    /// Σ values, left to right, starting from 0.
    static func sum(_ values: [Double]) -> Double {
        var total = 0.0
        for value in values { total = total + value }
        return total
    }

    /// Σ x[k]·y[k], left to right, starting from 0.
    static func dot(_ x: [Double], _ y: [Double]) -> Double {
        var total = 0.0
        for k in 0..<x.count { total = total + x[k] * y[k] }
        return total
    }

    static func mean(_ values: [Double]) -> Double {
        sum(values) / Double(values.count)
    }

    /// Population standard deviation, two passes: sqrt(Σ(x − μ)² / n).
    static func standardDeviation(_ values: [Double]) -> Double {
        let mu = mean(values)
        var total = 0.0
        for value in values {
            let d = value - mu
            total = total + d * d
        }
        return (total / Double(values.count)).squareRoot()
    }

    /// The elements of a matrix, row by row.
    static func flatten(_ matrix: [[Double]]) -> [Double] {
        var result: [Double] = []
        for row in matrix { for value in row { result.append(value) } }
        return result
    }

    /// The same element-wise function applied to every entry of a matrix.
    static func mapMatrix(_ a: [[Double]], _ body: (Double) -> Double) -> [[Double]] {
        a.map { row in row.map(body) }
    }

    static func zipVector(_ a: [Double], _ b: [Double], _ body: (Double, Double) -> Double) -> [Double] {
        var result: [Double] = []
        for k in 0..<a.count { result.append(body(a[k], b[k])) }
        return result
    }

    static func zipMatrix(_ a: [[Double]], _ b: [[Double]], _ body: (Double, Double) -> Double) -> [[Double]] {
        var result: [[Double]] = []
        for r in 0..<a.count { result.append(zipVector(a[r], b[r], body)) }
        return result
    }

    // MARK: The interpreter

    // Every op reads its inputs completely into local values before writing its output, so
    // an output register that is also an input (`m0 = m0 @ m0`) needs no special care.
    // swiftlint:disable:next cyclomatic_complexity function_body_length
    mutating func execute(_ instruction: Instruction) {
        let f = memory.features
        let o = Int(instruction.output)
        let a = Int(instruction.input1)
        let b = Int(instruction.input2)
        let c1 = instruction.constant1
        let c2 = instruction.constant2
        let s = memory.scalars
        let v = memory.vectors
        let m = memory.matrices
        typealias R = ReferenceInterpreter

        switch instruction.op {
        case .noOp:
            break

        // Scalar arithmetic and functions.
        case .scalarSum: memory.scalars[o] = s[a] + s[b]
        case .scalarDiff: memory.scalars[o] = s[a] - s[b]
        case .scalarProduct: memory.scalars[o] = s[a] * s[b]
        case .scalarDivision: memory.scalars[o] = s[a] / s[b]
        case .scalarAbs: memory.scalars[o] = Swift.abs(s[a])
        case .scalarReciprocal: memory.scalars[o] = 1.0 / s[a]
        case .scalarSin: memory.scalars[o] = Foundation.sin(s[a])
        case .scalarCos: memory.scalars[o] = Foundation.cos(s[a])
        case .scalarTan: memory.scalars[o] = Foundation.tan(s[a])
        case .scalarArcSin: memory.scalars[o] = Foundation.asin(s[a])
        case .scalarArcCos: memory.scalars[o] = Foundation.acos(s[a])
        case .scalarArcTan: memory.scalars[o] = Foundation.atan(s[a])
        case .scalarExp: memory.scalars[o] = Foundation.exp(s[a])
        case .scalarLog: memory.scalars[o] = Foundation.log(s[a])
        case .scalarHeaviside: memory.scalars[o] = s[a] >= 0 ? 1.0 : 0.0  // scalar: x ≥ 0
        case .scalarMin: memory.scalars[o] = R.minimum(s[a], s[b])
        case .scalarMax: memory.scalars[o] = R.maximum(s[a], s[b])
        case .scalarSqrt: memory.scalars[o] = s[a].squareRoot()
        case .scalarSquare: memory.scalars[o] = s[a] * s[a]
        case .scalarConstSet: memory.scalars[o] = c1

        // Element-wise vector ops.
        case .vectorHeaviside: memory.vectors[o] = v[a].map { $0 > 0 ? 1.0 : 0.0 }  // vector: x > 0
        case .vectorReciprocal: memory.vectors[o] = v[a].map { 1.0 / $0 }
        case .vectorAbs: memory.vectors[o] = v[a].map { Swift.abs($0) }
        case .vectorSqrt: memory.vectors[o] = v[a].map { $0.squareRoot() }
        case .vectorSquare: memory.vectors[o] = v[a].map { $0 * $0 }
        case .vectorSum: memory.vectors[o] = R.zipVector(v[a], v[b]) { $0 + $1 }
        case .vectorDiff: memory.vectors[o] = R.zipVector(v[a], v[b]) { $0 - $1 }
        case .vectorProduct: memory.vectors[o] = R.zipVector(v[a], v[b]) { $0 * $1 }
        case .vectorDivision: memory.vectors[o] = R.zipVector(v[a], v[b]) { $0 / $1 }
        case .vectorMin: memory.vectors[o] = R.zipVector(v[a], v[b], R.minimum)
        case .vectorMax: memory.vectors[o] = R.zipVector(v[a], v[b], R.maximum)

        // Element-wise matrix ops.
        case .matrixHeaviside: memory.matrices[o] = R.mapMatrix(m[a]) { $0 > 0 ? 1.0 : 0.0 }
        case .matrixReciprocal: memory.matrices[o] = R.mapMatrix(m[a]) { 1.0 / $0 }
        case .matrixAbs: memory.matrices[o] = R.mapMatrix(m[a]) { Swift.abs($0) }
        case .matrixSum: memory.matrices[o] = R.zipMatrix(m[a], m[b]) { $0 + $1 }
        case .matrixDiff: memory.matrices[o] = R.zipMatrix(m[a], m[b]) { $0 - $1 }
        case .matrixProduct: memory.matrices[o] = R.zipMatrix(m[a], m[b]) { $0 * $1 }
        case .matrixDivision: memory.matrices[o] = R.zipMatrix(m[a], m[b]) { $0 / $1 }
        case .matrixMin: memory.matrices[o] = R.zipMatrix(m[a], m[b], R.minimum)
        case .matrixMax: memory.matrices[o] = R.zipMatrix(m[a], m[b], R.maximum)

        // Scalar times vector or matrix; broadcasts.
        case .scalarVectorProduct:
            let factor = s[a]
            memory.vectors[o] = v[b].map { factor * $0 }
        case .scalarMatrixProduct:
            let factor = s[a]
            memory.matrices[o] = R.mapMatrix(m[b]) { factor * $0 }
        case .scalarBroadcast:
            memory.vectors[o] = Array(repeating: s[a], count: f)
        case .vectorColumnBroadcast:
            // Every column is the vector: M[r][c] = v[r].
            var result: [[Double]] = []
            for r in 0..<f { result.append(Array(repeating: v[a][r], count: f)) }
            memory.matrices[o] = result
        case .vectorRowBroadcast:
            // Every row is the vector: M[r][c] = v[c].
            var result: [[Double]] = []
            for _ in 0..<f { result.append(v[a]) }
            memory.matrices[o] = result

        // Linear algebra.
        case .vectorInnerProduct:
            memory.scalars[o] = R.dot(v[a], v[b])
        case .vectorOuterProduct:
            var result: [[Double]] = []
            for r in 0..<f {
                var row: [Double] = []
                for c in 0..<f { row.append(v[a][r] * v[b][c]) }
                result.append(row)
            }
            memory.matrices[o] = result
        case .matrixVectorProduct:
            var result: [Double] = []
            for r in 0..<f { result.append(R.dot(m[a][r], v[b])) }
            memory.vectors[o] = result
        case .matrixMatrixProduct:
            var result: [[Double]] = []
            for r in 0..<f {
                var row: [Double] = []
                for c in 0..<f {
                    var total = 0.0
                    for k in 0..<f { total = total + m[a][r][k] * m[b][k][c] }
                    row.append(total)
                }
                result.append(row)
            }
            memory.matrices[o] = result
        case .matrixTranspose:
            var result: [[Double]] = []
            for r in 0..<f {
                var row: [Double] = []
                for c in 0..<f { row.append(m[a][c][r]) }
                result.append(row)
            }
            memory.matrices[o] = result

        // Reductions.
        case .vectorNorm:
            memory.scalars[o] = R.dot(v[a], v[a]).squareRoot()
        case .matrixNorm:
            let all = R.flatten(m[a])
            memory.scalars[o] = R.dot(all, all).squareRoot()
        case .matrixColumnNorm:
            var result: [Double] = []
            for c in 0..<f {
                var column: [Double] = []
                for r in 0..<f { column.append(m[a][r][c]) }
                result.append(R.dot(column, column).squareRoot())
            }
            memory.vectors[o] = result
        case .matrixRowNorm:
            memory.vectors[o] = m[a].map { R.dot($0, $0).squareRoot() }
        case .vectorMean:
            memory.scalars[o] = R.mean(v[a])
        case .matrixMean:
            memory.scalars[o] = R.mean(R.flatten(m[a]))
        case .matrixRowMean:
            memory.vectors[o] = m[a].map { R.mean($0) }
        case .vectorStDev:
            memory.scalars[o] = R.standardDeviation(v[a])
        case .matrixStDev:
            memory.scalars[o] = R.standardDeviation(R.flatten(m[a]))
        case .matrixRowStDev:
            memory.vectors[o] = m[a].map { R.standardDeviation($0) }

        // Constants.
        case .vectorConstSet:
            memory.vectors[o][Int(instruction.index1)] = c1
        case .matrixConstSet:
            memory.matrices[o][Int(instruction.index1)][Int(instruction.index2)] = c1

        // Random fills, in element order (row-major for matrices).
        case .scalarUniformSet:
            memory.scalars[o] = random.uniform(c1, c2)
        case .vectorUniformSet:
            for k in 0..<f { memory.vectors[o][k] = random.uniform(c1, c2) }
        case .matrixUniformSet:
            for r in 0..<f { for c in 0..<f { memory.matrices[o][r][c] = random.uniform(c1, c2) } }
        case .scalarGaussianSet:
            memory.scalars[o] = random.gaussian(c1, c2)
        case .vectorGaussianSet:
            for k in 0..<f { memory.vectors[o][k] = random.gaussian(c1, c2) }
        case .matrixGaussianSet:
            for r in 0..<f { for c in 0..<f { memory.matrices[o][r][c] = random.gaussian(c1, c2) } }
        }
    }
}

// MARK: - The evaluation protocol

/// A task as the reference protocol sees it: the public splits of a ``TaskDataset`` plus the
/// shuffle seed it was built with (the dataset keeps only the resulting order, internally).
struct ReferenceTask {
    let dataset: TaskDataset
    let shuffleSeed: UInt64

    /// The training example indices of every epoch: one Fisher–Yates shuffle per epoch, each
    /// continuing from the previous epoch's order, with `RandomGenerator(seed: shuffleSeed)`.
    var epochOrders: [[Int]] {
        var random = RandomGenerator(seed: shuffleSeed)
        var order = Array(0..<dataset.trainCount)
        var result: [[Int]] = []
        for _ in 0..<dataset.epochs {
            var i = order.count - 1
            while i >= 1 {
                order.swapAt(i, random.nextInt(below: i + 1))
                i -= 1
            }
            result.append(order)
        }
        return result
    }
}

/// AutoML-Zero's evaluation of a learning program on one task, written out step by step.
enum ReferenceEvaluator {
    static let maximumAbsoluteError = 100.0

    static func sigmoid(_ x: Double) -> Double { 1.0 / (1.0 + Foundation.exp(-x)) }

    /// 1 − (2/π)·arctan(x); 0 for NaN or ±∞.
    static func squash(_ x: Double) -> Double {
        if x.isNaN || x.isInfinite { return 0 }
        return 1 - 2 / Double.pi * Foundation.atan(x)
    }

    /// Puts an example's features in `v0` (and in `s2, s3, …` when the shape asks for it).
    static func load(_ features: ArraySlice<Double>, into interpreter: inout ReferenceInterpreter, shape: MemoryShape) {
        let x = Array(features)
        interpreter.memory.vectors[MemoryShape.featuresVector] = x
        for k in 0..<min(shape.inputScalars, x.count) {
            interpreter.memory.scalars[MemoryShape.firstInputScalar + k] = x[k]
        }
    }

    static func row(_ split: TaskDataset.Split, _ example: Int, _ f: Int) -> ArraySlice<Double> {
        split.features[(example * f)..<((example + 1) * f)]
    }

    /// The fitness of `program` on `task`.
    static func fitness(
        of program: Program, shape: MemoryShape, on task: ReferenceTask,
        scoring: ScoringSplit = .validation
    ) -> Double {
        let data = task.dataset
        let f = data.features
        let classify = data.metric.isClassification
        let train = data.train
        let held = scoring == .validation ? data.valid : data.test

        // Fresh memory, generator seeded for this task, setup once.
        var interpreter = ReferenceInterpreter(shape: shape, seed: data.programSeed)
        interpreter.run(program.setup)

        // A function of one example (nothing live in setup or learn, no draw in predict, nothing
        // carried between predictions) is scored without training: training cannot change
        // what it predicts. Decided here by the full set-based analyses.
        let liveness = Liveness(program, protocol: CallProtocol.scalar.feeding(shape))
        let functionOfOneExample = !liveness.isLive[Component.setup.rawValue].contains(true)
            && !liveness.isLive[Component.learn.rawValue].contains(true)
            && !program.predict.contains(where: \.isRandomFill)
            && Liveness.carriedAcrossPredictions(program, shape: shape).isEmpty
        let orders = task.epochOrders
        for epoch in 0..<(functionOfOneExample && !data.isMulticlass ? 0 : data.epochs) {
            for example in orders[epoch] {
                let y = train.labels[example]
                // Predict without the label.
                load(row(train, example, f), into: &interpreter, shape: shape)
                interpreter.memory.scalars[MemoryShape.labelScalar] = 0
                interpreter.run(program.predict)
                if classify {
                    interpreter.memory.scalars[MemoryShape.predictionScalar] =
                        sigmoid(interpreter.memory.scalars[MemoryShape.predictionScalar])
                }
                let prediction = interpreter.memory.scalars[MemoryShape.predictionScalar]
                let error = Swift.abs(y - prediction)
                if error.isNaN || error > maximumAbsoluteError {
                    // Stopped: the task scores 0.
                    return 0
                }
                // Learn with the label.
                load(row(train, example, f), into: &interpreter, shape: shape)
                interpreter.memory.scalars[MemoryShape.labelScalar] = y
                interpreter.run(program.learn)
            }
        }
        // Either split is scored once, after the last epoch.
        return heldOutScore(program, shape: shape, split: held, f: f, classify: classify, interpreter: &interpreter)
    }

    /// The score of `predict` alone on a held-out split: accuracy, or squashed RMSE.
    static func heldOutScore(
        _ program: Program, shape: MemoryShape, split: TaskDataset.Split, f: Int, classify: Bool,
        interpreter: inout ReferenceInterpreter
    ) -> Double {
        if split.count == 0 { return 0 }
        var loss = 0.0
        for example in 0..<split.count {
            load(row(split, example, f), into: &interpreter, shape: shape)
            interpreter.memory.scalars[MemoryShape.labelScalar] = 0
            interpreter.run(program.predict)
            let output = interpreter.memory.scalars[MemoryShape.predictionScalar]
            let y = split.labels[example]
            let error: Double
            if classify {
                let probability = sigmoid(output)
                if probability.isNaN {
                    error = .infinity
                } else {
                    error = (y > 0.5) == (probability > 0.5) ? 0 : 1
                }
                loss = loss + error
            } else {
                error = y - output
                loss = loss + error * error
            }
            if error.isNaN || Swift.abs(error) > maximumAbsoluteError { return 0 }
        }
        loss = loss / Double(split.count)
        if classify { return 1.0 - loss }
        return squash(loss.squareRoot())
    }
}
