/// Rewrites the prediction of a predict-only program as the least-squares linear combination of
/// values its `predict` already computes, as multiple-regression genetic programming (MRGP) and
/// FFX do: a program that computes x², x³ and y² anywhere, live or dead, is one step from
/// x³ − x² + ½y², where constant fitting alone would need the whole structure first.
///
/// The candidate terms are the scalar registers at the end of `predict` (intermediate results
/// that later instructions overwrite are not candidates) and the products of two of them, as in
/// FFX's interaction bases: x³ from x² and x, with no instruction that computes it yet. Terms are chosen by forward stepwise
/// least squares on the first search task's training examples (at most
/// ``ConstantFitter/maximumExamples``, spread evenly), as long as the rewritten `predict` stays
/// within the component's size limit. The rewritten `predict` keeps the instructions the chosen
/// terms depend on and appends
///
/// ```
/// a = b0
/// t = b1; t = t * r1; a = a + t      (one line per term but the last;
/// t = b2; t = t * r2; t = t * r3; …   a product of two registers takes one line more)
/// t = bk; t = t * rk; s1 = a + t
/// ```
///
/// with `a`, `t` free registers. So the result is an ordinary program that every exporter and
/// the interpreter run as they run any other; the engine scores it like any child (Lamarckian:
/// the rewritten program is the one kept).
public struct TermFitter: Sendable {
    /// The memory shape programs use.
    public let shape: MemoryShape
    /// The most instructions `predict` may hold.
    public let maximumSize: Int
    /// Whether `predict`'s ops include what the rewrite writes (constant set, product, sum).
    public let canRewrite: Bool
    /// At most this many terms (besides the intercept).
    public let maximumTerms: Int
    /// Whether products of two registers are candidate terms besides the registers themselves.
    public let products: Bool

    public init(shape: MemoryShape, predict: ComponentSpec, maximumTerms: Int = 6, products: Bool = true) {
        self.shape = shape
        maximumSize = predict.maximumSize
        canRewrite = [.scalarConstSet, .scalarProduct, .scalarSum].allSatisfy(predict.ops.contains)
        self.maximumTerms = maximumTerms
        self.products = products
    }

    /// The program with its prediction replaced by the best linear combination of its registers,
    /// or `nil` when the program is not predict-only, uses random ops, no combination fits the
    /// training examples better than its own prediction, or none fits in the size limit.
    public func fit(_ program: Program, on task: TaskDataset) -> Program? {
        guard canRewrite, program.setup.isEmpty, program.learn.isEmpty, task.trainCount > 0,
              task.features == shape.features, shape.scalars >= 4,
              !program.predict.contains(where: { $0.op.info.isRandom }),
              let compiled = try? CompiledProgram(program, shape: shape)
        else { return nil }
        let examples = ConstantFitter.fitExamples(count: task.trainCount)
        // Registers whose final value depends on the examples run before carry state: the
        // rewrite would be rejected as a function of the order, so they are no candidates.
        let machine = Machine(shape: shape)
        let forward = registerValues(compiled, machine: machine, task: task, examples: examples)
        machine.wipe()
        let backward = registerValues(compiled, machine: machine, task: task, examples: examples.reversed())
        let labels = examples.map { task.trainLabels[$0] }
        let n = examples.count
        let prediction = MemoryShape.predictionScalar
        let provided = Set(shape.inputScalarRegisters.map(\.index))

        var columns: [Term] = []
        func admit(_ registers: [Int], _ values: [Double]) {
            guard let first = values.first, values.allSatisfy(\.isFinite),
                  values.contains(where: { $0 != first }),
                  !columns.contains(where: { $0.values == values }) else { return }
            columns.append(Term(registers: registers, values: values))
        }
        for register in 0..<shape.scalars {
            var values = [Double](repeating: 0, count: n)
            var usable = true
            for row in 0..<n {
                let value = forward[row * shape.scalars + register]
                let other = backward[(n - 1 - row) * shape.scalars + register]
                guard value.isFinite, value == other else { usable = false; break }
                values[row] = value
            }
            if usable { admit([register], values) }
        }
        if products {
            let registers = columns
            for i in registers.indices {
                for j in i..<registers.count {
                    admit(registers[i].registers + registers[j].registers,
                          zip(registers[i].values, registers[j].values).map { $0 * $1 })
                }
            }
        }
        let ownPrediction = (0..<n).map { forward[$0 * shape.scalars + prediction] }
        let ownError = zip(ownPrediction, labels).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }

        // Forward stepwise selection, then swaps of one term for another (greedy choices made
        // early, such as the program's own mixed prediction, can crowd out the terms that
        // fit), then forward again, until nothing improves.
        var chosen: [Int] = []  // indices into `columns`
        var best: (error: Double, coefficients: [Double])?
        // Every subset is solved from one Gram matrix of the centred columns, and its size from
        // one backward slice per column: the search tries hundreds of subsets per child.
        let gram = Gram(columns: columns.map(\.values), labels: labels)
        let slices = columns.map { InstructionSet(slice(of: program, keeping: $0.registers)) }
        var union = InstructionSet(count: program.predict.count)
        func fits(_ terms: [Int]) -> Bool {
            union.removeAll()
            var appended = 1
            for term in terms {
                union.formUnion(slices[term])
                appended += 1 + columns[term].registers.count + 1
            }
            return union.count + appended <= maximumSize
        }
        func evaluate(_ terms: [Int]) -> (error: Double, coefficients: [Double])? {
            guard fits(terms), let fit = gram.solve(terms) else { return nil }
            return fit
        }
        // Terms are judged by the Bayesian information criterion, n·ln(SSE/n) + k·ln(n): a term
        // must earn its place (on 20 examples it must cut the error by about 14 %), so fits stay
        // short and leave room in `predict` for the values later terms need. Errors below
        // 1e-14 of the labels' spread count as exact, so rounding noise buys no term.
        let total = Self.sumOfSquares(labels)
        let floor = Swift.max(total * 1e-14, Double.leastNormalMagnitude)
        let penalty = Math.log(Double(n))
        func criterion(_ error: Double, terms: Int) -> Double {
            Double(n) * Math.log(Swift.max(error, floor) / Double(n)) + Double(terms) * penalty
        }
        var bestCriterion = criterion(total, terms: 0)
        func improves(_ error: Double, terms: Int) -> Bool {
            criterion(error, terms: terms) < bestCriterion - 1e-9
        }
        for _ in 0..<4 {
            var changed = false
            while chosen.count < maximumTerms {
                var bestStep: (column: Int, fit: (error: Double, coefficients: [Double]))?
                for candidate in columns.indices where !chosen.contains(candidate) {
                    if let fit = evaluate(chosen + [candidate]), fit.error < (bestStep?.fit.error ?? .infinity) {
                        bestStep = (candidate, fit)
                    }
                }
                guard let step = bestStep, improves(step.fit.error, terms: chosen.count + 1) else { break }
                chosen.append(step.column)
                best = step.fit
                bestCriterion = criterion(step.fit.error, terms: chosen.count)
                changed = true
            }
            for position in chosen.indices {
                for candidate in columns.indices where !chosen.contains(candidate) {
                    var terms = chosen
                    terms[position] = candidate
                    if let fit = evaluate(terms), improves(fit.error, terms: terms.count) {
                        chosen = terms
                        best = fit
                        bestCriterion = criterion(fit.error, terms: terms.count)
                        changed = true
                    }
                }
            }
            if !changed { break }
        }
        guard var best, !chosen.isEmpty, fits(chosen) else { return nil }
        // The error of the chosen subset from its residuals, without the Gram matrix's
        // cancellation (yᵀy − βᵀXᵀy).
        let chosenColumns = chosen.map { columns[$0].values }
        best.error = Self.residualSum(chosenColumns, labels, best.coefficients)
        guard best.error.isFinite, best.error < ownError * (1 - 1e-9) || !ownError.isFinite else { return nil }
        best.coefficients = Self.snapped(
            best.coefficients, columns: chosenColumns, labels: labels, error: best.error, floor: floor)
        // Terms whose coefficient snapped to zero are dropped (one stays, to write s1).
        var terms: [[Int]] = [], slopes: [Double] = []
        for (position, column) in chosen.enumerated() where best.coefficients[position + 1] != 0 {
            terms.append(columns[column].registers)
            slopes.append(best.coefficients[position + 1])
        }
        if terms.isEmpty { terms = [columns[chosen[0]].registers]; slopes = [0] }
        best.coefficients = [best.coefficients[0]] + slopes
        let registers = Array(Set(terms.joined())).sorted()
        let kept = slice(of: program, keeping: registers)
        let free = (0..<shape.scalars).reversed().filter {
            $0 != MemoryShape.labelScalar && !registers.contains($0) && !provided.contains($0)
        }
        guard free.count >= 2 else { return nil }
        let accumulator = free[0], term = free[1]

        var predict = program.predict.indices.filter { kept[$0] }.map { program.predict[$0] }
        predict.append(Instruction(.scalarConstSet, output: accumulator, constant1: best.coefficients[0]))
        for (index, factors) in terms.enumerated() {
            predict.append(Instruction(.scalarConstSet, output: term, constant1: best.coefficients[index + 1]))
            for register in factors {
                predict.append(Instruction(.scalarProduct, output: term, input1: term, input2: register))
            }
            let target = index == terms.count - 1 ? prediction : accumulator
            predict.append(Instruction(.scalarSum, output: target, input1: accumulator, input2: term))
        }
        var rewritten = program
        rewritten.predict = predict
        return rewritten
    }

    /// Every scalar register after `predict` on each example, run in the given order with the
    /// registers carried from one example to the next (as evaluation does), example-major.
    private func registerValues(
        _ compiled: CompiledProgram, machine: Machine, task: TaskDataset, examples: [Int]
    ) -> [Double] {
        let f = shape.features
        let inputs = shape.inputScalarRegisters.count
        var values: [Double] = []
        values.reserveCapacity(examples.count * shape.scalars)
        var features = [Double](repeating: 0, count: f)
        for example in examples {
            for k in 0..<f { features[k] = task.trainFeatures[example * f + k] }
            machine.setVector(0, features)
            for k in 0..<inputs { machine.setScalar(MemoryShape.firstInputScalar + k, features[k]) }
            machine.setScalar(MemoryShape.labelScalar, 0)
            machine.run(compiled, .predict)
            for register in 0..<shape.scalars { values.append(machine.scalar(register)) }
        }
        return values
    }

    /// Which `predict` instructions the final values of `registers` depend on.
    private func slice(of program: Program, keeping registers: [Int]) -> [Bool] {
        var live = RegisterMask()
        for register in registers { live.insert(.scalar, register) }
        let code = program.predict
        var kept = [Bool](repeating: false, count: code.count)
        for position in code.indices.reversed() {
            let instruction = code[position]
            let info = instruction.op.info
            guard let kind = info.output, live.contains(kind, Int(instruction.output)) else { continue }
            kept[position] = true
            if info.indexCount == 0 { live.remove(kind, Int(instruction.output)) }
            for (operand, input) in info.inputs.enumerated() {
                live.insert(input, Int(operand == 0 ? instruction.input1 : instruction.input2))
            }
        }
        return kept
    }

    /// Σ (y − ŷ)² of the linear model `coefficients` (intercept first) over `columns`.
    static func residualSum(_ columns: [[Double]], _ labels: [Double], _ coefficients: [Double]) -> Double {
        var error = 0.0
        for row in labels.indices {
            var predicted = coefficients[0]
            for (k, column) in columns.enumerated() { predicted += coefficients[k + 1] * column[row] }
            error += (labels[row] - predicted) * (labels[row] - predicted)
        }
        return error
    }

    /// The coefficients with each one that is rounding noise around a short fraction (within
    /// 1e-6, denominator up to 100: `0.9999999999999968` → 1, `-9.7e-16` → 0) replaced by that
    /// fraction, when together they fit as well (the error grows by at most 1e-6 of itself, or
    /// stays below `floor`); else the coefficients as they were. Readable programs, and exact
    /// ones where the formula is exact.
    static func snapped(
        _ coefficients: [Double], columns: [[Double]], labels: [Double], error: Double, floor: Double
    ) -> [Double] {
        let rounded = coefficients.map { value -> Double in
            if abs(value) < 1e-9 { return 0 }
            guard let fraction = RationalApproximation.shortRational(
                near: value, tolerance: 1e-6 * Swift.max(1, abs(value)), maximumDenominator: 100),
                  let numerator = Int(fraction.numerator.description),
                  let denominator = Int(fraction.denominator.description)
            else { return value }
            return Double(numerator) / Double(denominator)
        }
        guard rounded != coefficients else { return coefficients }
        let roundedError = residualSum(columns, labels, rounded)
        return roundedError <= Swift.max(error * (1 + 1e-6), floor) ? rounded : coefficients
    }

    /// Σ (y − ȳ)²: the error of the intercept alone.
    static func sumOfSquares(_ labels: [Double]) -> Double {
        let mean = labels.reduce(0, +) / Double(labels.count)
        return labels.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    }
}

/// A candidate term: the product of the final values of one or two registers, on each example.
private struct Term {
    var registers: [Int]
    var values: [Double]
}

/// The normal equations of every subset of some columns at once: Xᵀ X and Xᵀ y of the centred
/// columns, from which a subset's least-squares fit and its residual sum of squares
/// (yᵀy − βᵀ Xᵀ y) need only its k × k block.
private struct Gram {
    let m: Int
    let products: [Double]
    let right: [Double]
    let means: [Double]
    let labelMean: Double
    let labelSquares: Double
    let n: Int

    init(columns: [[Double]], labels: [Double]) {
        n = labels.count
        m = columns.count
        let means = columns.map { $0.reduce(0, +) / Double(labels.count) }
        let labelMean = labels.reduce(0, +) / Double(labels.count)
        var products = [Double](repeating: 0, count: m * m)
        var right = [Double](repeating: 0, count: m)
        var centred = [Double](repeating: 0, count: m)
        var labelSquares = 0.0
        for row in labels.indices {
            for i in 0..<m { centred[i] = columns[i][row] - means[i] }
            let y = labels[row] - labelMean
            labelSquares += y * y
            for i in 0..<m {
                right[i] += centred[i] * y
                for j in i..<m { products[i * m + j] += centred[i] * centred[j] }
            }
        }
        for i in 0..<m { for j in 0..<i { products[i * m + j] = products[j * m + i] } }
        self.means = means
        self.labelMean = labelMean
        self.products = products
        self.right = right
        self.labelSquares = labelSquares
    }

    /// The residual sum of squares and the coefficients (intercept first) of the columns
    /// `terms`; `nil` when they are collinear or too many for the examples.
    func solve(_ terms: [Int]) -> (error: Double, coefficients: [Double])? {
        let k = terms.count
        guard n > k else { return nil }
        var system = [Double](repeating: 0, count: k * k)
        var vector = [Double](repeating: 0, count: k)
        for (a, i) in terms.enumerated() {
            vector[a] = right[i]
            guard products[i * m + i] > 1e-12 * Swift.max(1, abs(means[i])) else { return nil }
            for (b, j) in terms.enumerated() { system[a * k + b] = products[i * m + j] }
        }
        guard let slopes = ConstantFitter.solve(system, vector, size: k) else { return nil }
        var explained = 0.0
        var intercept = labelMean
        for a in 0..<k {
            explained += slopes[a] * vector[a]
            intercept -= slopes[a] * means[terms[a]]
        }
        let error = Swift.max(0, labelSquares - explained)
        guard error.isFinite, intercept.isFinite else { return nil }
        return (error, [intercept] + slopes)
    }
}

/// A set of instruction positions as bit words: the union of the terms' slices is formed for
/// every subset the search tries, without allocating.
private struct InstructionSet {
    private var words: [UInt64]

    init(count: Int) {
        words = Array(repeating: 0, count: (count + 63) / 64)
    }

    init(_ members: [Bool]) {
        self.init(count: members.count)
        for (position, member) in members.enumerated() where member {
            words[position / 64] |= 1 << UInt64(position % 64)
        }
    }

    var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    mutating func removeAll() {
        for index in words.indices { words[index] = 0 }
    }

    mutating func formUnion(_ other: InstructionSet) {
        for index in words.indices { words[index] |= other.words[index] }
    }
}
