/// The variables of one component in exported code.
///
/// A register holds a sequence of values within a component: the one it starts with, then one
/// per full write (an element write changes the current value in place). Each value becomes its
/// own variable, so that a register the program reuses for unrelated things reads as separate,
/// well-named variables: state only where state is needed, everything else a local constant.
///
/// - The starting value of a stored register (see ``RegisterNaming/stored``) is the stored
///   property; that of `v0` is `x` (the features; zero in `setup`), of `s0` `label` (zero outside
///   `learn`), of an input scalar `x0`, `x1`, … (one feature; zero in `setup`), of any other
///   register a zeroed local (only in `setup`, on wiped memory).
/// - The last value of a stored register that a later call may read is written back to the
///   stored property. Every other value is a fresh local: `t`, `v`, `M` (numbered when a
///   component has several of a kind), defined once, so `let` unless an element write follows.
struct ComponentVariables {
    /// One variable: one value of one register.
    struct Variable {
        /// The register holding the value.
        var register: Register
        /// The identifier in exported code.
        var name: String
        /// Whether it is the struct's stored property (no declaration).
        var isStored: Bool
        /// The instruction that computes it, or `nil` for the value the component starts with.
        var definedAt: Int?
        /// Whether an element write changes it after it is defined.
        var isMutated: Bool
    }

    /// Every variable, in order of creation.
    private(set) var variables: [Variable] = []
    /// For each instruction, the variables it reads, in operand order.
    private(set) var inputs: [[Int]]
    /// For each instruction, the variable it writes; `nil` for nops and dead random fills.
    private(set) var outputs: [Int?]

    init(program: Program, component: Component, naming: RegisterNaming) {
        let instructions = program[component]
        let live = naming.liveness.isLive[component.rawValue]
        inputs = Array(repeating: [], count: instructions.count)
        outputs = Array(repeating: nil, count: instructions.count)
        var current: [Register: Int] = [:]
        var fresh: [Int] = []

        func entry(_ register: Register) -> Int {
            if let index = current[register] { return index }
            let named = naming.isStored(register) || register == .features || register == .label
                || naming.feature(in: register) != nil
            variables.append(Variable(
                register: register, name: named ? naming.name(register) : "", isStored: naming.isStored(register),
                definedAt: nil, isMutated: false))
            if !named { fresh.append(variables.count - 1) }
            current[register] = variables.count - 1
            return variables.count - 1
        }

        for (position, instruction) in instructions.enumerated() where live[position] {
            inputs[position] = instruction.inputRegisters.map(entry)
            guard let output = instruction.outputRegister else { continue }
            if instruction.isElementWrite {
                let index = entry(output)
                variables[index].isMutated = true
                outputs[position] = index
            } else {
                variables.append(Variable(
                    register: output, name: "", isStored: false, definedAt: position, isMutated: false))
                current[output] = variables.count - 1
                outputs[position] = variables.count - 1
            }
        }
        // Last values that later calls read go back to the stored properties.
        let liveOut = naming.liveness.liveOut[component.rawValue]
        for (register, index) in current where variables[index].definedAt != nil {
            if naming.isStored(register) && liveOut.contains(register) {
                variables[index].name = naming.name(register)
                variables[index].isStored = true
            }
        }
        fresh += variables.indices.filter { variables[$0].definedAt != nil && !variables[$0].isStored }
        fresh.sort()
        // Fresh locals: t, v, M by kind, numbered when there are several.
        let bases: [ValueKind: String] = [.scalar: "t", .vector: "v", .matrix: "M"]
        var totals: [ValueKind: Int] = [:]
        for index in fresh { totals[variables[index].register.kind, default: 0] += 1 }
        var counters: [ValueKind: Int] = [:]
        for index in fresh {
            let kind = variables[index].register.kind
            counters[kind, default: 0] += 1
            let base = bases[kind] ?? "t"
            variables[index].name = totals[kind, default: 0] > 1 ? "\(base)\(counters[kind, default: 0])" : base
        }
    }

    /// The variables that hold a starting value the component reads and that need a local
    /// declaration (not stored properties), in order of first use.
    var entryLocals: [Variable] {
        variables.filter { $0.definedAt == nil && !$0.isStored }
    }
}
