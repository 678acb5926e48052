/// Writes a program's `predict` function as LaTeX math (an `aligned` block).
///
/// Temporaries used once are substituted into the expression that uses them, so a short
/// `predict` becomes one formula: `\hat{y} = \mathbf{x} \cdot \mathbf{w}`. Values kept between
/// calls appear as symbols (bold vectors, upright matrices, Greek parameters); a parameter that
/// `setup` sets to a constant is given in a `where` line. Operations follow the interpreter's
/// order: nothing is reassociated.
struct LaTeXExporter {
    let export: ProgramExport
    let program: Program
    let naming: RegisterNaming

    init(_ export: ProgramExport) {
        self.export = export
        program = export.program
        naming = RegisterNaming(program)
    }

    /// A piece of math with the binding strength of its outermost operator.
    struct Term {
        var text: String
        var precedence: Precedence

        enum Precedence: Int, Comparable {
            case sum = 1
            case product = 2
            case power = 3
            case atom = 4

            static func < (lhs: Precedence, rhs: Precedence) -> Bool { lhs.rawValue < rhs.rawValue }
        }

        /// The term, parenthesised unless it binds at least as tightly as `minimum`.
        func wrapped(_ minimum: Precedence) -> String {
            precedence >= minimum ? text : "\\left(\(text)\\right)"
        }
    }

    /// What a register holds during the walk through `predict`: a term, the registers whose
    /// symbols it mentions, and whether it is a temporary waiting to be substituted.
    private struct Binding {
        var term: Term
        var dependencies: Set<Register>
        var pending: Bool
    }

    func render() -> String {
        let metadata = export.metadata
        var lines: [String] = []
        var current: [Register: Binding] = [:]
        let component = Component.predict
        let instructions = program[component]
        let live = naming.liveness.isLive[component.rawValue]
        let uses = useCounts(instructions, live: live)
        var writes: [Register: Int] = [:]
        for (position, instruction) in instructions.enumerated() where live[position] {
            if let output = instruction.outputRegister { writes[output, default: 0] += 1 }
        }
        func bind(_ register: Register, line term: Term, definition: Bool) {
            lines.append("\(symbol(register)) &\(definition ? "=" : "\\leftarrow") \(term.text)")
            current[register] = Binding(
                term: Term(text: symbol(register), precedence: .atom), dependencies: [register], pending: false)
        }
        // A temporary waiting to be substituted must not outlive the meaning of a symbol it
        // mentions: before a register is rebound, such temporaries get lines of their own.
        func rebinding(_ register: Register) {
            for (temporary, binding) in current.sorted(by: { $0.key < $1.key })
            where binding.pending && binding.dependencies.contains(register) {
                bind(temporary, line: binding.term, definition: true)
            }
        }
        var readSoFar = Set<Register>()
        for (position, instruction) in instructions.enumerated() where live[position] {
            guard let output = instruction.outputRegister else { continue }
            let inputs = instruction.inputRegisters.map { current[$0]?.term ?? initial($0) }
            var dependencies = Set<Register>()
            for input in instruction.inputRegisters {
                dependencies.formUnion(current[input]?.dependencies ?? [input])
                current[input]?.pending = false  // substituted here, its only use
            }
            readSoFar.formUnion(instruction.inputRegisters)
            if instruction.isElementWrite {
                rebinding(output)
                let index = instruction.op.info.indexCount == 1
                    ? "\(instruction.index1)" : "\(instruction.index1),\(instruction.index2)"
                lines.append("\(symbol(output))_{[\(index)]} &\\leftarrow \(Self.number(instruction.constant1).text)")
                current[output] = Binding(
                    term: Term(text: symbol(output), precedence: .atom), dependencies: [output], pending: false)
                continue
            }
            let term = expression(instruction, inputs)
            rebinding(output)
            if naming.symbol(output).role == .temporary && uses[position] == 1 {
                current[output] = Binding(term: term, dependencies: dependencies, pending: true)
                continue
            }
            bind(output, line: term, definition: writes[output] == 1 && !readSoFar.contains(output))
        }
        if current[.prediction] == nil {
            let writers = [Component.setup, .learn].filter { component in
                program[component].contains { $0.outputRegister == .prediction }
            }
            lines.append(writers.isEmpty
                ? "\(symbol(.prediction)) &= 0"
                : "\(symbol(.prediction)) &\\quad\\text{(unchanged: set by "
                    + writers.map(\.name).joined(separator: " and ") + ")}")
        }
        let read = Set(instructions.enumerated().flatMap { live[$0.offset] ? $0.element.inputRegisters : [] })
        let parameters = constantParameters(among: read)
        if !parameters.isEmpty {
            lines.append("&\\text{where } " + parameters.joined(separator: ",\\ "))
        }

        var text = "% Generated by galapagos export (Galapagos \(ProductVersion.current)): the predict function of\n"
        text += "% \(metadata.typeName), search space \(metadata.searchSpace)"
        text += metadata.fitness.map { ", fitness \($0)" } ?? ""
        text += ".\n"
        text += "% \(legend())\n"
        text += "\\begin{aligned}\n"
        text += lines.map { "  " + $0 }.joined(separator: " \\\\\n") + "\n"
        text += "\\end{aligned}\n"
        return text
    }

    /// For each live instruction, how many later instructions read the value it writes.
    private func useCounts(_ instructions: [Instruction], live: [Bool]) -> [Int] {
        var counts = Array(repeating: 0, count: instructions.count)
        var writer: [Register: Int] = [:]
        for (position, instruction) in instructions.enumerated() where live[position] {
            for input in instruction.inputRegisters {
                if let source = writer[input] { counts[source] += 1 }
            }
            if let output = instruction.outputRegister { writer[output] = position }
        }
        return counts
    }

    /// A register's value when `predict` starts.
    private func initial(_ register: Register) -> Term {
        if register == .label { return Term(text: "0", precedence: .atom) }
        if register == .prediction && !Component.allCases.contains(where: { component in
            program[component].contains { $0.outputRegister == .prediction }
        }) {
            return Term(text: "0", precedence: .atom)
        }
        return Term(text: symbol(register), precedence: .atom)
    }

    /// Scalar parameters that `setup` sets to a constant and nothing else writes, among the
    /// registers `predict` reads: `\alpha = 0.2`.
    private func constantParameters(among read: Set<Register>) -> [String] {
        var values: [Register: Double] = [:]
        var counts: [Register: Int] = [:]
        for instruction in program.setup {
            guard let output = instruction.outputRegister else { continue }
            counts[output, default: 0] += 1
            if instruction.op == .scalarConstSet { values[output] = instruction.constant1 }
        }
        return naming.state.compactMap { register in
            guard read.contains(register), naming.symbol(register).role == .parameter, counts[register] == 1,
                  let value = values[register]
            else { return nil }
            let approximation = RationalApproximation.comment(for: value) == nil
                ? "" : RationalApproximation.shortRational(near: value).map { " \\approx " + Self.fraction($0) } ?? ""
            return "\(symbol(register)) = \(Self.number(value).text)\(approximation)"
        }
    }

    /// What the symbols stand for, as one comment line.
    private func legend() -> String {
        var entries = ["\(symbol(.features)): features (v0)", "\(symbol(.prediction)): prediction (s1)"]
        for register in naming.state where register != .prediction {
            let role = naming.symbol(register).role == .learned ? "learned" : "set by setup"
            entries.append("\(symbol(register)): \(role) (\(register))")
        }
        return entries.joined(separator: "; ")
    }

    // MARK: Symbols and expressions

    private static let greek: Set<String> = Set(RegisterNaming.greek)

    /// A register as a LaTeX symbol: `\mathbf{w}_{2}`, `\alpha`, `\hat{y}`.
    func symbol(_ register: Register) -> String {
        let symbol = naming.symbol(register)
        switch symbol.role {
        case .features: return "\\mathbf{x}"
        case .label: return "y"
        case .prediction: return "\\hat{y}"
        default: break
        }
        var base = Self.greek.contains(symbol.base) ? "\\" + symbol.base : symbol.base
        if symbol.kind == .vector { base = "\\mathbf{\(base)}" }
        return base + (symbol.number.map { "_{\($0)}" } ?? "")
    }

    /// A double as LaTeX: `0.25`, `-1.5`, `3 \times 10^{-5}`.
    static func number(_ value: Double) -> Term {
        var text = value.description
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            let mantissa = text[..<e]
            let exponent = Int(text[text.index(after: e)...]) ?? 0
            text = (mantissa == "1" ? "" : "\(mantissa) \\times ") + "10^{\(exponent)}"
        }
        return Term(text: text, precedence: value.sign == .minus ? .sum : .atom)
    }

    /// An exact rational as LaTeX: `\tfrac{1}{5}`, `-\tfrac{2}{3}`, `2`.
    static func fraction(_ value: BigRational) -> String {
        guard !value.isInteger else { return value.description }
        let sign = value.signum < 0 ? "-" : ""
        return "\(sign)\\tfrac{\(value.numerator.description.filter(\.isNumber))}{\(value.denominator)}"
    }

    private func transposed(_ a: Term) -> Term {
        Term(text: "\(a.wrapped(.atom))^\\top", precedence: .power)
    }

    private func call(_ name: String, _ arguments: [Term]) -> Term {
        Term(text: "\(name)\\left(\(arguments.map(\.text).joined(separator: ", "))\\right)", precedence: .atom)
    }

    private func binary(_ a: Term, _ symbol: String, _ b: Term, _ precedence: Term.Precedence) -> Term {
        let higher = Term.Precedence(rawValue: precedence.rawValue + 1) ?? .atom
        return Term(text: "\(a.wrapped(precedence)) \(symbol) \(b.wrapped(higher))", precedence: precedence)
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private func expression(_ instruction: Instruction, _ inputs: [Term]) -> Term {
        let a = inputs.first ?? Term(text: "", precedence: .atom)
        let b = inputs.count > 1 ? inputs[1] : a
        let atom = { (text: String) in Term(text: text, precedence: .atom) }
        let c1 = Self.number(instruction.constant1), c2 = Self.number(instruction.constant2)
        switch instruction.op {
        case .noOp: return atom("")
        case .scalarSum, .vectorSum, .matrixSum: return binary(a, "+", b, .sum)
        case .scalarDiff, .vectorDiff, .matrixDiff: return binary(a, "-", b, .sum)
        case .scalarProduct, .vectorInnerProduct: return binary(a, "\\cdot", b, .product)
        case .vectorProduct, .matrixProduct: return binary(a, "\\odot", b, .product)
        case .scalarVectorProduct, .scalarMatrixProduct, .matrixVectorProduct, .matrixMatrixProduct:
            return binary(a, "\\,", b, .product)
        case .scalarDivision: return atom("\\frac{\(a.text)}{\(b.text)}")
        case .vectorDivision, .matrixDivision: return binary(a, "\\oslash", b, .product)
        case .scalarReciprocal: return atom("\\frac{1}{\(a.text)}")
        case .vectorReciprocal, .matrixReciprocal: return binary(atom("\\mathbf{1}"), "\\oslash", a, .product)
        case .scalarSquare: return Term(text: "\(a.wrapped(.atom))^{2}", precedence: .power)
        case .vectorSquare: return binary(a, "\\odot", a, .product)
        case .scalarSqrt, .vectorSqrt: return atom("\\sqrt{\(a.text)}")
        case .scalarAbs, .vectorAbs, .matrixAbs: return atom("\\left\\lvert \(a.text) \\right\\rvert")
        case .scalarSin: return call("\\sin", [a])
        case .scalarCos: return call("\\cos", [a])
        case .scalarTan: return call("\\tan", [a])
        case .scalarArcSin: return call("\\arcsin", [a])
        case .scalarArcCos: return call("\\arccos", [a])
        case .scalarArcTan: return call("\\arctan", [a])
        case .scalarExp: return call("\\exp", [a])
        case .scalarLog: return call("\\ln", [a])
        case .scalarHeaviside: return atom("\\mathbb{1}\\left[\(a.text) \\geq 0\\right]")
        case .vectorHeaviside, .matrixHeaviside: return atom("\\mathbb{1}\\left[\(a.text) > 0\\right]")
        case .scalarBroadcast: return binary(a, "\\,", atom("\\mathbf{1}"), .product)
        case .vectorColumnBroadcast: return binary(a, "", atom("\\mathbf{1}^\\top"), .product)
        case .vectorRowBroadcast: return binary(atom("\\mathbf{1}"), "", transposed(a), .product)
        case .vectorOuterProduct: return binary(a, "", transposed(b), .product)
        case .matrixTranspose: return transposed(a)
        case .vectorNorm, .matrixNorm: return atom("\\left\\lVert \(a.text) \\right\\rVert")
        case .matrixColumnNorm: return call("\\operatorname{colnorms}", [a])
        case .matrixRowNorm: return call("\\operatorname{rownorms}", [a])
        case .scalarMin, .vectorMin, .matrixMin: return call("\\min", [a, b])
        case .scalarMax, .vectorMax, .matrixMax: return call("\\max", [a, b])
        case .vectorMean, .matrixMean: return call("\\operatorname{mean}", [a])
        case .matrixRowMean: return call("\\operatorname{rowmeans}", [a])
        case .vectorStDev, .matrixStDev: return call("\\operatorname{std}", [a])
        case .matrixRowStDev: return call("\\operatorname{rowstds}", [a])
        case .scalarConstSet, .vectorConstSet, .matrixConstSet: return c1
        case .scalarUniformSet, .vectorUniformSet, .matrixUniformSet: return call("\\mathcal{U}", [c1, c2])
        case .scalarGaussianSet, .vectorGaussianSet, .matrixGaussianSet:
            return call("\\mathcal{N}", [c1, Term(text: "\(c2.wrapped(.atom))^{2}", precedence: .power)])
        }
    }
}
