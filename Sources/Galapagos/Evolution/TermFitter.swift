/// Rewrites the prediction of a predict-only program as the least-squares combination of values
/// its `predict` already computes, as multiple-regression genetic programming (MRGP) and FFX do:
/// a program that computes x², x³ and y² anywhere, live or dead, is one step from
/// x³ − x² + ½y², where constant fitting alone would need the whole structure first.
///
/// The candidate terms are the scalar registers at the end of `predict` (intermediate results
/// that later instructions overwrite are not candidates) and the products of two of them, as in
/// FFX's interaction bases: x³ from x² and x, with no instruction that computes it yet. Terms
/// are chosen by stepwise least squares on the first search task's training examples (at most
/// ``ConstantFitter/maximumExamples``, spread evenly), as long as the rewritten `predict` stays
/// within the component's size limit. When `predict` may divide, a rational model
/// (b₀ + Σ bᵢ fᵢ)/(1 + Σ cⱼ gⱼ) is fitted too, as FFX fits them, and kept when it is better.
/// The rewritten `predict` keeps the instructions the chosen terms depend on and appends
///
/// ```
/// a = b0
/// t = b1; t = t * r1; a = a + t      (one line per term but the last;
/// t = b2; t = t * r2; t = t * r3; …   a product of two registers takes one line more)
/// t = bk; t = t * rk; s1 = a + t
/// ```
///
/// or, for a rational model, sums into `a` (numerator) and `d = 1 + …` (denominator) and then
/// `s1 = a / d`, with `a`, `t`, `d` free registers. So the result is an ordinary program that
/// every exporter and the interpreter run as they run any other; the engine scores it like any
/// child (Lamarckian: the rewritten program is the one kept).
public struct TermFitter: Sendable {
    /// The memory shape programs use.
    public let shape: MemoryShape
    /// The most instructions `predict` may hold.
    public let maximumSize: Int
    /// Whether `predict`'s ops include what the rewrite writes (constant set, product, sum).
    public let canRewrite: Bool
    /// Whether `predict` may divide, so rational models can be written.
    public let canDivide: Bool
    /// At most this many terms (besides the intercept).
    public let maximumTerms: Int
    /// Whether products of two registers are candidate terms besides the registers themselves.
    public let products: Bool

    public init(shape: MemoryShape, predict: ComponentSpec, maximumTerms: Int = 6, products: Bool = true) {
        self.shape = shape
        maximumSize = predict.maximumSize
        canRewrite = [.scalarConstSet, .scalarProduct, .scalarSum].allSatisfy(predict.ops.contains)
        canDivide = predict.ops.contains(.scalarDivision)
        self.maximumTerms = maximumTerms
        self.products = products
    }

    /// The program with its prediction replaced by the best linear (or rational) combination of
    /// its registers, or `nil` when the program is not predict-only, uses random ops, no
    /// combination fits the training examples better than its own prediction, or none fits in
    /// the size limit.
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
        let ownError = (0..<n).reduce(0.0) {
            let residual = forward[$1 * shape.scalars + MemoryShape.predictionScalar] - labels[$1]
            return $0 + residual * residual
        }

        var search = TermSearch(
            labels: labels, slices: columns.map { InstructionSet(slice(of: program, keeping: $0.registers)) },
            instructions: program.predict.count, maximumSize: maximumSize, maximumTerms: maximumTerms)
        let gram = Gram(columns: columns.map(\.values), labels: labels)
        let linearTerms = columns.indices.map { Candidate(column: $0, cost: 2 + columns[$0].registers.count) }
        var best = search.select(linearTerms, overhead: 1) { terms in
            guard let fit = gram.solve(terms.map(\.column)) else { return nil }
            return Model(terms: terms, coefficients: fit.coefficients, error: fit.error)
        }
        if canDivide, best.map({ $0.error > search.floor }) ?? true,
           let rational = rationalModel(columns: columns, labels: labels, search: &search),
           search.criterion(rational) < best.map(search.criterion) ?? .infinity {
            best = rational
        }
        guard var best, !best.terms.isEmpty else { return nil }
        // The error of the chosen model from its residuals, without the Gram matrix's
        // cancellation (yᵀy − βᵀXᵀy).
        best.error = best.residualSum(columns, labels)
        guard best.error.isFinite, best.error < ownError * (1 - 1e-9) || !ownError.isFinite else { return nil }
        best.snap(columns: columns, labels: labels, floor: search.floor)
        return rewrite(program, as: best, columns: columns)
    }

    /// The best model y = (b₀ + Σ bᵢ fᵢ) / (1 + Σ cⱼ gⱼ) with at least one term in the
    /// denominator, as FFX fits rational functions: least squares on the linear form
    /// y = b₀ + Σ bᵢ fᵢ − Σ cⱼ (y gⱼ), each subset judged by its true error. Denominator terms
    /// are single registers and their squares.
    private func rationalModel(columns: [Term], labels: [Double], search: inout TermSearch) -> Model? {
        let denominators = columns.indices.filter {
            let registers = columns[$0].registers
            return registers.count == 1 || registers[0] == registers[1]
        }
        var gramColumns = columns.map(\.values)
        for column in denominators { gramColumns.append(zip(columns[column].values, labels).map { $0 * $1 }) }
        let gram = Gram(columns: gramColumns, labels: labels)
        var candidates = columns.indices.map { Candidate(column: $0, cost: 2 + columns[$0].registers.count) }
        for (position, column) in denominators.enumerated() {
            candidates.append(Candidate(
                column: column, cost: 2 + columns[column].registers.count,
                denominator: true, gramColumn: columns.count + position))
        }
        let model = search.select(candidates, overhead: 3) { terms in
            guard terms.contains(where: \.denominator),
                  let fit = gram.solve(terms.map { $0.gramColumn ?? $0.column }) else { return nil }
            var coefficients = fit.coefficients
            for (index, term) in terms.enumerated() where term.denominator { coefficients[index + 1].negate() }
            var model = Model(terms: terms, coefficients: coefficients, error: 0)
            model.error = model.residualSum(columns, labels)
            return model.error.isFinite ? model : nil
        }
        guard let model, model.terms.contains(where: \.denominator) else { return nil }
        return model
    }

    /// `program` with `predict` keeping what the model's terms depend on and then computing the
    /// model into `s1`; `nil` when there are not enough free registers.
    private func rewrite(_ program: Program, as model: Model, columns: [Term]) -> Program? {
        // Terms whose coefficient snapped to zero are dropped (one stays, to write s1).
        var terms: [(factors: [Int], coefficient: Double, denominator: Bool)] = []
        for (index, term) in model.terms.enumerated() where model.coefficients[index + 1] != 0 {
            terms.append((columns[term.column].registers, model.coefficients[index + 1], term.denominator))
        }
        if terms.isEmpty { terms = [(columns[model.terms[0].column].registers, 0, false)] }
        let registers = Array(Set(terms.flatMap(\.factors))).sorted()
        let provided = Set(shape.inputScalarRegisters.map(\.index))
        let free = (0..<shape.scalars).reversed().filter {
            $0 != MemoryShape.labelScalar && !registers.contains($0) && !provided.contains($0)
        }
        let rational = terms.contains(where: \.denominator)
        guard free.count >= (rational ? 3 : 2) else { return nil }
        let accumulator = free[0], term = free[1]
        let prediction = MemoryShape.predictionScalar
        let kept = slice(of: program, keeping: registers)

        var predict = program.predict.indices.filter { kept[$0] }.map { program.predict[$0] }
        func append(_ part: [(factors: [Int], coefficient: Double, denominator: Bool)], into sum: Int, last: Int) {
            for (index, entry) in part.enumerated() {
                predict.append(Instruction(.scalarConstSet, output: term, constant1: entry.coefficient))
                for register in entry.factors {
                    predict.append(Instruction(.scalarProduct, output: term, input1: term, input2: register))
                }
                let target = index == part.count - 1 ? last : sum
                predict.append(Instruction(.scalarSum, output: target, input1: sum, input2: term))
            }
        }
        predict.append(Instruction(.scalarConstSet, output: accumulator, constant1: model.coefficients[0]))
        if rational {
            let denominator = free[2]
            append(terms.filter { !$0.denominator }, into: accumulator, last: accumulator)
            predict.append(Instruction(.scalarConstSet, output: denominator, constant1: 1))
            append(terms.filter(\.denominator), into: denominator, last: denominator)
            predict.append(Instruction(.scalarDivision, output: prediction, input1: accumulator, input2: denominator))
        } else {
            append(terms, into: accumulator, last: prediction)
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

/// A term as the selection sees it: which ``Term`` it multiplies, whether it sits in the
/// denominator, the Gram matrix column it is solved from, and what it costs in instructions.
private struct Candidate {
    var column: Int
    var cost: Int
    var denominator = false
    var gramColumn: Int?
}

/// ŷ = (b₀ + Σ bᵢ fᵢ) / (1 + Σ cⱼ gⱼ): `coefficients` holds b₀ and then one coefficient per
/// term, in the order of `terms`; without denominator terms the model is linear.
private struct Model {
    var terms: [Candidate]
    var coefficients: [Double]
    var error: Double

    /// Σ (y − ŷ)² over the examples; infinite where a denominator vanishes.
    func residualSum(_ columns: [Term], _ labels: [Double]) -> Double {
        Self.residualSum(terms, coefficients, columns, labels)
    }

    private static func residualSum(
        _ terms: [Candidate], _ coefficients: [Double], _ columns: [Term], _ labels: [Double]
    ) -> Double {
        var error = 0.0
        for row in labels.indices {
            var numerator = coefficients[0], denominator = 1.0
            for (index, term) in terms.enumerated() {
                let value = coefficients[index + 1] * columns[term.column].values[row]
                if term.denominator { denominator += value } else { numerator += value }
            }
            guard abs(denominator) > 1e-9 else { return .infinity }
            let residual = labels[row] - numerator / denominator
            error += residual * residual
        }
        return error
    }

    /// Rounds each coefficient that is rounding noise around a short fraction (within 1e-6,
    /// denominator up to 100: `0.9999999999999968` → 1, `-9.7e-16` → 0) to that fraction, when
    /// together they fit as well (the error grows by at most 1e-6 of itself, or stays below
    /// `floor`). Readable programs, and exact ones where the formula is exact.
    mutating func snap(columns: [Term], labels: [Double], floor: Double) {
        let rounded = coefficients.map { value -> Double in
            if abs(value) < 1e-9 { return 0 }
            guard let fraction = RationalApproximation.shortRational(
                near: value, tolerance: 1e-6 * Swift.max(1, abs(value)), maximumDenominator: 100),
                  let numerator = Int(fraction.numerator.description),
                  let denominator = Int(fraction.denominator.description)
            else { return value }
            return Double(numerator) / Double(denominator)
        }
        guard rounded != coefficients else { return }
        let roundedError = Self.residualSum(terms, rounded, columns, labels)
        if roundedError <= Swift.max(error * (1 + 1e-6), floor) {
            coefficients = rounded
            error = roundedError
        }
    }
}

/// Stepwise selection of terms: forward selection, then swaps of one term for another (greedy
/// choices made early, such as the program's own mixed prediction, can crowd out the terms
/// that fit), then forward again, until nothing improves. Models are judged by the Bayesian
/// information criterion, n·ln(SSE/n) + k·ln(n): a term must earn its place (on 20 examples
/// it must cut the error by about 14 %), so fits stay short and leave room in `predict` for the
/// values later terms need. Errors below 1e-14 of the labels' spread count as exact, so
/// rounding noise buys no term.
private struct TermSearch {
    let n: Int
    let floor: Double
    let penalty: Double
    let total: Double
    let slices: [InstructionSet]
    let maximumSize: Int
    let maximumTerms: Int
    private var union: InstructionSet

    init(labels: [Double], slices: [InstructionSet], instructions: Int, maximumSize: Int, maximumTerms: Int) {
        n = labels.count
        total = TermFitter.sumOfSquares(labels)
        floor = Swift.max(total * 1e-14, Double.leastNormalMagnitude)
        penalty = Math.log(Double(labels.count))
        self.slices = slices
        self.maximumSize = maximumSize
        self.maximumTerms = maximumTerms
        union = InstructionSet(count: instructions)
    }

    func criterion(_ error: Double, terms: Int) -> Double {
        Double(n) * Math.log(Swift.max(error, floor) / Double(n)) + Double(terms) * penalty
    }

    func criterion(_ model: Model) -> Double { criterion(model.error, terms: model.terms.count) }

    /// Whether `predict` can hold the instructions the terms depend on plus the rewrite.
    mutating func fits(_ terms: [Candidate], overhead: Int) -> Bool {
        union.removeAll()
        var appended = overhead
        for term in terms {
            union.formUnion(slices[term.column])
            appended += term.cost
        }
        return union.count + appended <= maximumSize
    }

    /// The best model over subsets of `candidates` that `score` can solve, or `nil` when no
    /// subset beats the intercept alone.
    mutating func select(
        _ candidates: [Candidate], overhead: Int, score: ([Candidate]) -> Model?
    ) -> Model? {
        var chosen: [Int] = []  // indices into `candidates`
        var best: Model?
        var bestCriterion = criterion(total, terms: 0)
        func evaluate(_ subset: [Int]) -> Model? {
            let terms = subset.map { candidates[$0] }
            guard fits(terms, overhead: overhead) else { return nil }
            return score(terms)
        }
        func improves(_ model: Model) -> Bool { criterion(model) < bestCriterion - 1e-9 }
        for _ in 0..<4 {
            var changed = false
            while chosen.count < maximumTerms {
                var bestStep: (candidate: Int, model: Model)?
                for candidate in candidates.indices where !chosen.contains(candidate) {
                    if let model = evaluate(chosen + [candidate]), model.error < (bestStep?.model.error ?? .infinity) {
                        bestStep = (candidate, model)
                    }
                }
                guard let step = bestStep, improves(step.model) else { break }
                chosen.append(step.candidate)
                best = step.model
                bestCriterion = criterion(step.model)
                changed = true
            }
            for position in chosen.indices {
                for candidate in candidates.indices where !chosen.contains(candidate) {
                    var subset = chosen
                    subset[position] = candidate
                    if let model = evaluate(subset), improves(model) {
                        chosen = subset
                        best = model
                        bestCriterion = criterion(model)
                        changed = true
                    }
                }
            }
            if !changed { break }
        }
        return best
    }
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
