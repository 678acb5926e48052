/// Forward constant propagation: folds instructions whose inputs are known, and removes
/// instructions that provably leave memory unchanged.
///
/// Values are computed by the interpreter itself (a ``Machine`` running the one instruction), so
/// a folded constant is the very double the original program would compute, in the same order
/// of operations. What is known:
///
/// - at the start of `setup`, every register is zero (memory is wiped);
/// - at the start of `predict`, `s0` is zero; at the start of `predict` and `learn`, a register
///   that neither `predict` nor `learn` writes holds what `setup` left in it;
/// - `v0`, `s1` (a classifier's `s1` is replaced by its sigmoid before `learn`) and everything
///   `predict` or `learn` writes are unknown at their start.
///
/// Rewrites, all exact under IEEE-754 for every input, NaN and infinities included:
///
/// - an instruction with known inputs and a scalar result becomes a constant set, when the
///   result is finite (program text cannot hold NaN or infinities);
/// - an instruction that writes the value its output register already holds is removed;
/// - `a = a + (-0)`, `a = a - (+0)`, `a = a * 1`, `a = a / 1`, `a = 1 * a` (also with a scalar
///   1 scaling a vector or matrix) and `a = min(a, a)`, `a = max(a, a)` are removed.
///
/// Random fills are never folded: their values are unknown and they must keep drawing.
final class ConstantFolder {
    let shape: MemoryShape
    /// What the evaluator writes around the calls: unknown values at a component's start.
    let callProtocol: CallProtocol
    /// Created on the first fold: most programs fold little, and memory can be large.
    private lazy var machine = Machine(shape: shape)

    init(shape: MemoryShape, protocol callProtocol: CallProtocol = .scalar) {
        self.shape = shape
        self.callProtocol = callProtocol
    }

    /// One forward pass over the program; `changed` tells whether anything was rewritten.
    func fold(_ program: Program) -> (program: Program, changed: Bool) {
        var result = program
        var changed = false

        var setupValues = KnownValues(fallback: { [shape] register in
            Array(repeating: 0, count: shape.width(of: register.kind))
        })
        result.setup = fold(program.setup, values: &setupValues, changed: &changed)

        var writtenByCalls = Set<Register>()
        for instruction in program.predict + program.learn {
            if let output = instruction.outputRegister { writtenByCalls.insert(output) }
        }
        let exitOfSetup = setupValues
        let callProtocol = self.callProtocol
        for component in [Component.predict, .learn] {
            let written = callProtocol.inputs(of: component).union(callProtocol.outputs)
            var values = KnownValues(fallback: { register in
                if register == .label && component == .predict { return [0] }
                if register == .label || register == .features || register == .prediction
                    || written.contains(register) {
                    return nil
                }
                return writtenByCalls.contains(register) ? nil : exitOfSetup.value(register)
            })
            result[component] = fold(program[component], values: &values, changed: &changed)
        }
        return (result, changed)
    }

    private func fold(
        _ instructions: [Instruction], values: inout KnownValues, changed: inout Bool
    ) -> [Instruction] {
        var output: [Instruction] = []
        output.reserveCapacity(instructions.count)
        for instruction in instructions {
            guard let target = instruction.outputRegister else {
                changed = true  // a nop
                continue
            }
            if instruction.isRandomFill {
                values.set(target, nil)
                output.append(instruction)
                continue
            }
            if isIdentity(instruction, values: values) {
                changed = true
                continue
            }
            let inputs = instruction.inputRegisters.map { values.value($0) }
            guard inputs.allSatisfy({ $0 != nil }) else {
                // Unknown inputs: an element write to a known register makes it unknown too.
                values.set(target, nil)
                output.append(instruction)
                continue
            }
            let computed = evaluate(instruction, inputs: inputs.compactMap { $0 }, current: values.value(target))
            if let current = values.value(target), Self.identical(current, computed) {
                changed = true  // writes what is already there
                continue
            }
            values.set(target, computed)
            if target.kind == .scalar, instruction.op != .scalarConstSet, computed[0].isFinite {
                output.append(Instruction(.scalarConstSet, output: target.index, constant1: computed[0]))
                changed = true
            } else {
                output.append(instruction)
            }
        }
        return output
    }

    /// The register's value after running `instruction` on known inputs; for an element write,
    /// `current` is the register's value before (unknown makes the result unknown upstream).
    private func evaluate(_ instruction: Instruction, inputs: [[Double]], current: [Double]?) -> [Double] {
        // `target` exists: callers skip nops.
        let target = instruction.outputRegister ?? .prediction
        if instruction.isElementWrite {
            guard var value = current else { return [] }
            let position = instruction.op.info.indexCount == 1
                ? Int(instruction.index1)
                : Int(instruction.index1) * shape.features + Int(instruction.index2)
            value[position] = instruction.constant1
            return value
        }
        for (register, value) in zip(instruction.inputRegisters, inputs) {
            store(value, in: register)
        }
        // The instruction fits the shape: programs are validated before simplification.
        if let compiled = try? CompiledProgram(Program(setup: [instruction]), shape: shape) {
            machine.run(compiled, .setup)
        }
        return load(target)
    }

    private func store(_ value: [Double], in register: Register) {
        switch register.kind {
        case .scalar: machine.setScalar(register.index, value[0])
        case .vector: machine.setVector(register.index, value)
        case .matrix: machine.setMatrix(register.index, value)
        }
    }

    private func load(_ register: Register) -> [Double] {
        switch register.kind {
        case .scalar: [machine.scalar(register.index)]
        case .vector: machine.vector(register.index)
        case .matrix: machine.matrix(register.index)
        }
    }

    /// Whether the instruction provably writes back its output's own value, for every value.
    private func isIdentity(_ instruction: Instruction, values: KnownValues) -> Bool {
        guard let target = instruction.outputRegister else { return false }
        let inputs = instruction.inputRegisters
        guard inputs.count == 2 else { return false }
        let (a, b) = (inputs[0], inputs[1])
        func holds(_ register: Register, everywhere expected: Double) -> Bool {
            guard let value = values.value(register) else { return false }
            return value.allSatisfy { $0.bitPattern == expected.bitPattern }
        }
        switch instruction.op {
        case .scalarSum, .vectorSum, .matrixSum:
            return (target == a && holds(b, everywhere: -0.0)) || (target == b && holds(a, everywhere: -0.0))
        case .scalarDiff, .vectorDiff, .matrixDiff:
            return target == a && holds(b, everywhere: 0.0)
        case .scalarProduct, .vectorProduct, .matrixProduct:
            return (target == a && holds(b, everywhere: 1.0)) || (target == b && holds(a, everywhere: 1.0))
        case .scalarDivision, .vectorDivision, .matrixDivision:
            return target == a && holds(b, everywhere: 1.0)
        case .scalarVectorProduct, .scalarMatrixProduct:
            return target == b && holds(a, everywhere: 1.0)
        case .scalarMin, .vectorMin, .matrixMin, .scalarMax, .vectorMax, .matrixMax:
            return target == a && target == b
        default:
            return false
        }
    }

    private static func identical(_ lhs: [Double], _ rhs: [Double]) -> Bool {
        lhs.count == rhs.count && zip(lhs, rhs).allSatisfy { $0.bitPattern == $1.bitPattern }
    }
}

/// What a forward pass knows about each register: its exact value, or nothing.
struct KnownValues {
    private var values: [Register: [Double]] = [:]
    private var unknown: Set<Register> = []
    /// The value of a register the pass has not written yet: known (zero, or left by `setup`)
    /// or `nil`.
    let fallback: (Register) -> [Double]?

    init(fallback: @escaping (Register) -> [Double]?) {
        self.fallback = fallback
    }

    func value(_ register: Register) -> [Double]? {
        if unknown.contains(register) { return nil }
        return values[register] ?? fallback(register)
    }

    mutating func set(_ register: Register, _ value: [Double]?) {
        if let value, !value.isEmpty {
            values[register] = value
            unknown.remove(register)
        } else {
            values[register] = nil
            unknown.insert(register)
        }
    }
}
