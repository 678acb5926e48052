/// The outcome of simplifying a program.
public struct Simplification: Sendable {
    /// The program as given.
    public var original: Program
    /// The simplified program: same predictions, bit for bit, under the evaluation protocol.
    public var program: Program
    /// How the simplified program's registers were renamed: original register → new register,
    /// for every register the simplified program uses.
    public var renaming: [Register: Register]

    /// Instructions before simplification.
    public var instructionsBefore: Int { original.instructionCount }
    /// Instructions after simplification.
    public var instructionsAfter: Int { program.instructionCount }

    /// `instructions: 20 → 7`.
    public var summary: String { "instructions: \(instructionsBefore) → \(instructionsAfter)" }
}

/// Removes everything from a program that cannot change what it predicts.
///
/// The simplified program behaves identically to the original under the evaluation protocol of
/// ``Evaluator`` (same predictions, bit for bit, on every task), for regression and
/// classification alike. Steps, repeated until nothing changes:
///
/// 1. constant folding and removal of no-ops (``ConstantFolder``: only rewrites that are exact
///    under IEEE-754);
/// 2. dead-code elimination by liveness across components and calls (``Liveness``).
///
/// Random fills are special: removing one would shift every later draw of the generator. They
/// are kept, dead or not, whenever a live random fill may run after them; a dead fill's output
/// moves to the lowest free register of its kind. Finally registers are renamed densely in order
/// of first use, except the registers whose roles the evaluator fixes: `s0`, `s1`, `v0` and the
/// scalars that receive the features (``MemoryShape/inputScalars``).
public struct ProgramSimplifier: Sendable {
    /// The memory shape programs run with.
    public let shape: MemoryShape
    /// What the evaluator writes and reads around the calls (multi-class tasks read logits
    /// from `v1`), with the shape's input scalars among the inputs.
    public let callProtocol: CallProtocol

    /// The most rounds of folding and dead-code elimination (each round shrinks the program or
    /// turns an instruction into a constant, so real programs settle in a few).
    static let maximumRounds = 100

    public init(shape: MemoryShape, protocol callProtocol: CallProtocol = .scalar) {
        self.shape = shape
        self.callProtocol = callProtocol.feeding(shape)
    }

    /// Simplifies a program.
    ///
    /// - Throws: ``GalapagosError/program(_:_:)`` if the program does not fit the memory shape.
    public func simplify(_ program: Program) throws -> Simplification {
        _ = try CompiledProgram(program, shape: shape)  // validates every register and index
        let folder = ConstantFolder(shape: shape, protocol: callProtocol)
        var current = program
        for _ in 0..<Self.maximumRounds {
            let folded = folder.fold(current)
            let pruned = Self.removeDeadCode(folded.program, protocol: callProtocol)
            let shrank = pruned.instructionCount < folded.program.instructionCount
            current = pruned
            if !folded.changed && !shrank { break }
        }
        current = Self.pruneRandomFills(current, protocol: callProtocol)
        current = Self.redirectDeadFills(current, protocol: callProtocol)
        let renaming = Self.denseRenaming(of: current, keeping: callProtocol.roles)
        current = Self.apply(renaming, to: current)
        return Simplification(original: program, program: current, renaming: renaming)
    }

    // MARK: Steps

    /// Removes dead instructions other than random fills.
    static func removeDeadCode(_ program: Program, protocol callProtocol: CallProtocol = .scalar) -> Program {
        let liveness = Liveness(program, protocol: callProtocol)
        var result = program
        for component in Component.allCases {
            let flags = liveness.isLive[component.rawValue]
            result[component] = program[component].enumerated().compactMap { position, instruction in
                flags[position] || instruction.isRandomFill ? instruction : nil
            }
        }
        return result
    }

    /// Removes the dead random fills whose draws no live fill can follow.
    ///
    /// The generator is shared by all components and `predict` and `learn` repeat, so when a
    /// live fill sits in `predict` or `learn`, every fill is kept. Otherwise only `setup`'s fills
    /// up to its last live one are needed.
    static func pruneRandomFills(_ program: Program, protocol callProtocol: CallProtocol = .scalar) -> Program {
        let liveness = Liveness(program, protocol: callProtocol)
        func liveFills(_ component: Component) -> [Int] {
            program[component].indices.filter {
                program[component][$0].isRandomFill && liveness.isLive[component.rawValue][$0]
            }
        }
        if !liveFills(.predict).isEmpty || !liveFills(.learn).isEmpty { return program }
        var result = program
        let lastLive = liveFills(.setup).last ?? -1
        result.setup = program.setup.enumerated().compactMap { position, instruction in
            instruction.isRandomFill && position > lastLive ? nil : instruction
        }
        for component in [Component.predict, .learn] {
            result[component] = program[component].filter { !$0.isRandomFill }
        }
        return result
    }

    /// Points each dead random fill that must stay at the lowest register of its kind that is
    /// free at that point (not `s0`, `s1` or `v0`), so that kept draws do not hold on to
    /// registers of their own.
    static func redirectDeadFills(_ program: Program, protocol callProtocol: CallProtocol = .scalar) -> Program {
        let liveness = Liveness(program, protocol: callProtocol)
        let roles = callProtocol.roles
        var result = program
        for component in Component.allCases {
            for (position, instruction) in program[component].enumerated()
            where instruction.isRandomFill && !liveness.isLive[component.rawValue][position] {
                guard let output = instruction.outputRegister else { continue }
                let busy = liveness.liveAfter[component.rawValue][position]
                let free = (0..<output.index).map { Register(output.kind, $0) }.first {
                    !busy.contains($0) && !roles.contains($0)
                }
                if let free {
                    result[component][position].output = UInt16(truncatingIfNeeded: free.index)
                }
            }
        }
        return result
    }

    /// Original → new register for every register the program uses: the roles stay, the others
    /// are numbered in order of first appearance (output before inputs, as the text reads).
    static func denseRenaming(
        of program: Program, keeping roles: Set<Register> = Register.roles
    ) -> [Register: Register] {
        var renaming: [Register: Register] = [:]
        for role in roles { renaming[role] = role }
        // Other registers take the lowest indices no role holds, in order of first appearance.
        var next: [ValueKind: Int] = [:]
        func nextFree(_ kind: ValueKind) -> Int {
            var index = next[kind, default: 0]
            while roles.contains(Register(kind, index)) { index += 1 }
            return index
        }
        for component in Component.allCases {
            for instruction in program[component] {
                let registers = [instruction.outputRegister].compactMap { $0 } + instruction.inputRegisters
                for register in registers where renaming[register] == nil {
                    let index = nextFree(register.kind)
                    renaming[register] = Register(register.kind, index)
                    next[register.kind] = index + 1
                }
            }
        }
        return renaming
    }

    static func apply(_ renaming: [Register: Register], to program: Program) -> Program {
        var result = program
        for component in Component.allCases {
            result[component] = program[component].map { instruction in
                instruction.renamed { renaming[$0] ?? $0 }
            }
        }
        return result
    }
}
