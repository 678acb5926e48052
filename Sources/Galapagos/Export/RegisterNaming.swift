/// What a register is for in a simplified program, which decides its name in exported code.
enum RegisterRole: Hashable, Sendable {
    /// `v0`: the example's features.
    case features
    /// `s0`: the label during `learn`, zero otherwise.
    case label
    /// `s1`: the prediction.
    case prediction
    /// `s2`, `s3`, …: feature `k` in a scalar register, when the search space feeds the features
    /// to scalars too (`inputs: scalars`); rewritten before every `predict` and `learn`.
    case inputScalar(Int)
    /// State that only `setup` writes: constants and initial draws (a learning rate).
    case parameter
    /// State that `predict` or `learn` updates (weights).
    case learned
    /// A value used only within one call.
    case temporary
}

/// A register's name in exported code: a base such as `w` or `alpha` and, when several
/// registers share a base, a number (`w1`, `w2`).
struct Symbol: Hashable, Sendable {
    var base: String
    var number: Int?
    var kind: ValueKind
    var role: RegisterRole

    /// The plain identifier: `w`, `w2`, `alpha`.
    var identifier: String { base + (number.map(String.init) ?? "") }
}

/// Names for the registers of a simplified program, chosen by role so that exported code reads
/// like algebra: `prediction = dot(x, w)`, `w = w + t * x`.
///
/// | role | scalar | vector | matrix |
/// | --- | --- | --- | --- |
/// | inputs and output | `label`, `prediction`, `x0`, `x1`, … | `x` | |
/// | parameter (set by `setup`) | `alpha`, `beta`, … | `u` | `U` |
/// | learned state | `b` | `w` | `W` |
/// | temporary | `t` | `v` | `M` |
struct RegisterNaming {
    /// Every register the program mentions, with its symbol.
    let symbols: [Register: Symbol]
    /// The registers that live between calls, in declaration order: the prediction, then
    /// parameters, then learned state; scalars before vectors before matrices within each.
    let state: [Register]
    /// The program's liveness, which the naming was derived from.
    let liveness: Liveness
    /// The registers stored in the exported type: the state and the prediction.
    let stored: Set<Register>

    /// Greek letters for parameters, in order (not `lambda`, a Python keyword); more
    /// parameters than this are named `c1, c2…`.
    static let greek = [
        "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
        "mu", "nu", "xi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega",
    ]

    /// Names the registers of `program`, run under `callProtocol` (whose inputs, such as the
    /// input scalars of ``CallProtocol/feeding(_:)``, are never state).
    init(_ program: Program, protocol callProtocol: CallProtocol = .scalar) {
        let liveness = Liveness(program, protocol: callProtocol)
        let inputScalars = callProtocol.predictInputs.intersection(callProtocol.learnInputs)
            .filter { $0.kind == .scalar && $0.index >= MemoryShape.firstInputScalar }
        var mentioned = Set<Register>()
        var writtenByCalls = Set<Register>()
        for component in Component.allCases {
            for (position, instruction) in program[component].enumerated() {
                mentioned.formUnion(instruction.inputRegisters)
                guard let output = instruction.outputRegister else { continue }
                mentioned.insert(output)
                if component != .setup && liveness.isLive[component.rawValue][position] {
                    writtenByCalls.insert(output)
                }
            }
        }
        let stateRegisters = liveness.state
        func role(_ register: Register) -> RegisterRole {
            switch register {
            case .features: return .features
            case .label: return .label
            case .prediction: return .prediction
            case _ where inputScalars.contains(register):
                return .inputScalar(register.index - MemoryShape.firstInputScalar)
            default:
                guard stateRegisters.contains(register) else { return .temporary }
                return writtenByCalls.contains(register) ? .learned : .parameter
            }
        }
        var groups: [String: [Register]] = [:]
        var symbols: [Register: Symbol] = [:]
        for register in mentioned.union([.prediction]).sorted() {
            let registerRole = role(register)
            let base = Self.base(registerRole, register.kind)
            symbols[register] = Symbol(base: base, number: nil, kind: register.kind, role: registerRole)
            groups[base, default: []].append(register)
        }
        // Several registers share a base: number them, or hand out Greek letters.
        for (base, registers) in groups where registers.count > 1 || base == "alpha" {
            for (offset, register) in registers.enumerated() {
                if base == "alpha" && registers.count <= Self.greek.count {
                    symbols[register]?.base = Self.greek[offset]
                } else if base == "alpha" {
                    symbols[register]?.base = "c"
                    symbols[register]?.number = offset + 1
                } else {
                    symbols[register]?.number = offset + 1
                }
            }
        }
        let order: [RegisterRole] = [.prediction, .parameter, .learned]
        self.state = stateRegisters.union([.prediction]).sorted { lhs, rhs in
            let left = order.firstIndex(of: role(lhs)) ?? order.count
            let right = order.firstIndex(of: role(rhs)) ?? order.count
            return (left, lhs) < (right, rhs)
        }
        self.symbols = symbols
        self.liveness = liveness
        self.stored = stateRegisters.union([.prediction])
    }

    private static func base(_ role: RegisterRole, _ kind: ValueKind) -> String {
        switch (role, kind) {
        case (.features, _): "x"
        case (.label, _): "label"
        case (.prediction, _): "prediction"
        case (.inputScalar(let k), _): "x\(k)"
        case (.parameter, .scalar): "alpha"
        case (.parameter, .vector): "u"
        case (.parameter, .matrix): "U"
        case (.learned, .scalar): "b"
        case (.learned, .vector): "w"
        case (.learned, .matrix): "W"
        case (.temporary, .scalar): "t"
        case (.temporary, .vector): "v"
        case (.temporary, .matrix): "M"
        }
    }

    /// A register's symbol; registers the program never mentions get their role's name (or
    /// their DSL name).
    func symbol(_ register: Register) -> Symbol {
        if let symbol = symbols[register] { return symbol }
        let role: RegisterRole = switch register {
        case .features: .features
        case .label: .label
        case .prediction: .prediction
        default: .temporary
        }
        let base = role == .temporary ? register.description : Self.base(role, register.kind)
        return Symbol(base: base, number: nil, kind: register.kind, role: role)
    }

    /// The plain identifier of a register.
    func name(_ register: Register) -> String { symbol(register).identifier }

    /// The feature an input scalar receives before every `predict` and `learn` (`2` for `x2`),
    /// or `nil` for any other register.
    func feature(in register: Register) -> Int? {
        if case .inputScalar(let k)? = symbols[register]?.role { return k }
        return nil
    }

    /// Whether a register is stored in the exported type (rather than local to one call).
    func isStored(_ register: Register) -> Bool {
        stored.contains(register)
    }
}
