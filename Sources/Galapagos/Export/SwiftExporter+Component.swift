/// Writes one component of a program as a method of the exported struct: one statement per
/// instruction, temporaries as local constants or variables, state as stored properties.
struct ComponentWriter {
    let exporter: SwiftExporter
    let component: Component

    private var naming: RegisterNaming { exporter.naming }
    private var instructions: [Instruction] { exporter.program[component] }

    func write(_ out: inout SourceWriter) {
        switch component {
        case .setup:
            out.line("/// Runs once on zeroed memory; `init` calls it.")
            out.line("mutating func setup() {")
        case .predict:
            out.line("/// Predicts one example's label; `learn(_:label:)` may read what it leaves in memory.")
            out.line("mutating func predict(_ features: [Double]) -> Double {")
        case .learn:
            out.line("/// Learns from one example and its label, after `predict(_:)` saw the same features.")
            out.line("mutating func learn(_ features: [Double], label: Double) {")
        }
        out.indent { body in
            writeBody(&body)
            if component == .predict { body.line("return prediction") }
        }
        out.line("}")
    }

    // MARK: Body

    private func writeBody(_ out: inout SourceWriter) {
        let variables = ComponentVariables(program: exporter.program, component: component, naming: naming)
        for variable in variables.entryLocals {
            let binding = variable.isMutated ? "var" : "let"
            switch (variable.register, component) {
            case (.features, .setup):
                out.line("\(binding) \(variable.name) = Vector()  // setup sees no features")
            case (.features, _):
                out.line("\(binding) \(variable.name) = Vector(features)")
            case (.label, .learn):
                break  // the parameter
            case (.label, _):
                out.line("let \(variable.name) = 0.0  // \(component.name) never sees the label")
            case (let register, .setup) where naming.feature(in: register) != nil:
                out.line("\(binding) \(variable.name) = 0.0  // setup sees no features")
            case (let register, _) where naming.feature(in: register) != nil:
                out.line("\(binding) \(variable.name) = features[\(naming.feature(in: register) ?? 0)]")
            default:
                out.line("\(binding) \(variable.name) = \(SwiftHelper.zero(variable.register.kind))")
            }
        }
        for (position, instruction) in instructions.enumerated() where instruction.op != .noOp {
            guard let output = variables.outputs[position] else {
                out.line("_ = \(expression(instruction, inputs: []))  // unused draw: keeps the random stream in step")
                continue
            }
            let target = variables.variables[output]
            let inputs = variables.inputs[position].map { variables.variables[$0].name }
            if instruction.isElementWrite {
                let index = instruction.op.info.indexCount == 1
                    ? "\(instruction.index1)" : "\(instruction.index1), \(instruction.index2)"
                out.line("\(target.name)[\(index)] = \(Self.literal(instruction.constant1))"
                    + Self.approximation(instruction.constant1))
                continue
            }
            let declaration = target.isStored ? "" : (target.isMutated ? "var " : "let ")
            let comment = instruction.op == .scalarConstSet ? Self.approximation(instruction.constant1) : ""
            out.line("\(declaration)\(target.name) = \(expression(instruction, inputs: inputs))\(comment)")
        }
    }

    // MARK: Expressions

    /// A double as a Swift literal that reads back to the same bits.
    static func literal(_ value: Double) -> String {
        value.description
    }

    /// `  // ≈ 1/5` for a constant that is rounding noise around a short fraction.
    static func approximation(_ value: Double) -> String {
        RationalApproximation.comment(for: value).map { "  // \($0)" } ?? ""
    }

    /// The right-hand side of an instruction, given the names of its inputs.
    func expression(_ instruction: Instruction, inputs names: [String]) -> String {
        let a = names.first ?? "", b = names.count > 1 ? names[1] : ""
        let c1 = Self.literal(instruction.constant1), c2 = Self.literal(instruction.constant2)
        switch instruction.op {
        case .noOp: return ""
        case .scalarSum, .vectorSum, .matrixSum: return "\(a) + \(b)"
        case .scalarDiff, .vectorDiff, .matrixDiff: return "\(a) - \(b)"
        case .scalarProduct, .vectorProduct, .matrixProduct, .scalarVectorProduct, .scalarMatrixProduct:
            return "\(a) * \(b)"
        case .scalarDivision, .vectorDivision, .matrixDivision: return "\(a) / \(b)"
        case .scalarSquare, .vectorSquare: return "\(a) * \(a)"
        case .scalarReciprocal, .vectorReciprocal, .matrixReciprocal: return "1 / \(a)"
        case .scalarAbs, .vectorAbs, .matrixAbs: return "abs(\(a))"
        case .scalarSin: return "sin(\(a))"
        case .scalarCos: return "cos(\(a))"
        case .scalarTan: return "tan(\(a))"
        case .scalarArcSin: return "asin(\(a))"
        case .scalarArcCos: return "acos(\(a))"
        case .scalarArcTan: return "atan(\(a))"
        case .scalarExp: return "exp(\(a))"
        case .scalarLog: return "log(\(a))"
        case .scalarSqrt: return "\(a).squareRoot()"
        case .vectorSqrt: return "sqrt(\(a))"
        case .scalarHeaviside: return "\(a) >= 0 ? 1.0 : 0.0"
        case .vectorHeaviside, .matrixHeaviside: return "heaviside(\(a))"
        case .scalarBroadcast: return "Vector(repeating: \(a))"
        case .vectorColumnBroadcast: return "Matrix(everyColumn: \(a))"
        case .vectorRowBroadcast: return "Matrix(everyRow: \(a))"
        case .vectorNorm, .matrixNorm: return "norm(\(a))"
        case .matrixColumnNorm: return "columnNorms(\(a))"
        case .matrixRowNorm: return "rowNorms(\(a))"
        case .vectorInnerProduct: return "dot(\(a), \(b))"
        case .vectorOuterProduct: return "outer(\(a), \(b))"
        case .matrixVectorProduct, .matrixMatrixProduct: return "matmul(\(a), \(b))"
        case .matrixTranspose: return "transpose(\(a))"
        case .scalarMin, .vectorMin, .matrixMin: return "minimum(\(a), \(b))"
        case .scalarMax, .vectorMax, .matrixMax: return "maximum(\(a), \(b))"
        case .vectorMean, .matrixMean: return "mean(\(a))"
        case .matrixRowMean: return "rowMeans(\(a))"
        case .vectorStDev, .matrixStDev: return "std(\(a))"
        case .matrixRowStDev: return "rowStds(\(a))"
        case .scalarConstSet, .vectorConstSet, .matrixConstSet: return c1
        case .scalarUniformSet: return "random.uniform(\(c1), \(c2))"
        case .scalarGaussianSet: return "random.gaussian(\(c1), \(c2))"
        case .vectorUniformSet: return "Vector.uniform(\(c1), \(c2), using: &random)"
        case .vectorGaussianSet: return "Vector.gaussian(\(c1), \(c2), using: &random)"
        case .matrixUniformSet: return "Matrix.uniform(\(c1), \(c2), using: &random)"
        case .matrixGaussianSet: return "Matrix.gaussian(\(c1), \(c2), using: &random)"
        }
    }
}
