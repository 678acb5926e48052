/// Makes random programs and mutates them within a search space's bounds.
///
/// Every result is a valid program of the search space: registers and indices in range, only
/// allowed ops, component sizes inside `[minimumSize, maximumSize]` (a component that starts
/// outside the bounds, from a hand-written file, is only ever moved towards them).
public struct Mutator: Sendable {
    /// The memory shape programs use.
    public let shape: MemoryShape
    /// What each component allows.
    public let components: [ComponentSpec]

    public init(space: SearchSpace) {
        shape = space.memory
        components = space.components
    }

    public init(shape: MemoryShape, components: [ComponentSpec]) {
        self.shape = shape
        self.components = components
    }

    // MARK: Random programs

    /// A random program with every component at its initial size.
    public func randomProgram(using random: inout RandomGenerator) -> Program {
        var program = Program()
        for component in Component.allCases {
            program[component] = randomComponent(component, using: &random)
        }
        return program
    }

    /// A random program whose prediction reads the features: `predict` has a live instruction
    /// reading `v0` under `callProtocol`. Most random programs predict a constant, which
    /// evolution cannot improve by small steps. Up to `attempts` draws; then the last draw's
    /// final `predict` instruction is replaced by a random one that writes the prediction from
    /// `v0` (when `predict`'s ops allow one), and earlier `predict` instructions that wrote `v0`
    /// write another vector instead.
    public func randomProgramReadingFeatures(
        protocol callProtocol: CallProtocol, attempts: Int = 20, using random: inout RandomGenerator
    ) -> Program {
        func readsFeatures(_ program: Program) -> Bool {
            Liveness(program, protocol: callProtocol).liveIn[Component.predict.rawValue].contains(.features)
        }
        var program = randomProgram(using: &random)
        for _ in 1..<max(2, attempts) {
            if readsFeatures(program) { return program }
            program = randomProgram(using: &random)
        }
        if readsFeatures(program) { return program }
        guard let output = callProtocol.outputs.min(), !program.predict.isEmpty else { return program }
        let writers = components[Component.predict.rawValue].ops.filter { op in
            op.info.output == output.kind && op.info.indexCount == 0 && op.info.inputs.first == .vector
        }
        guard !writers.isEmpty else { return program }
        var instruction = randomInstruction(op: writers[random.nextInt(below: writers.count)], using: &random)
        instruction.output = UInt16(truncatingIfNeeded: output.index)
        instruction.input1 = UInt16(truncatingIfNeeded: Register.features.index)
        program.predict[program.predict.count - 1] = instruction
        // Earlier instructions must not overwrite the features before that one reads them.
        if shape.vectors > 1 {
            for position in program.predict.indices.dropLast()
            where program.predict[position].outputRegister == .features {
                program.predict[position].output = UInt16(truncatingIfNeeded: 1 + random.nextInt(below: shape.vectors - 1))
            }
        }
        return program
    }

    /// A random program that can learn: its prediction depends on the features and on state
    /// that `learn` moved with the labels (``InformationFlow``). Whole programs are drawn until
    /// the prediction reads the features and some state, then `learn` alone is redrawn until the
    /// labels reach that state (a few draws in most spaces, where whole random programs almost
    /// never learn). After `attempts` draws without success: a program whose prediction reads
    /// the features (``randomProgramReadingFeatures(protocol:attempts:using:)``).
    public func randomLearningProgram(
        protocol callProtocol: CallProtocol, attempts: Int = 400, using random: inout RandomGenerator
    ) -> Program {
        var remaining = max(1, attempts)
        while remaining > 0 {
            var program = randomProgram(using: &random)
            remaining -= 1
            guard InformationFlow(program, shape: shape, protocol: callProtocol).predictionReadsFeatures else { continue }
            for _ in 0..<min(remaining, 40) {
                if InformationFlow(program, shape: shape, protocol: callProtocol).canLearn { return program }
                program.learn = randomComponent(.learn, using: &random)
                remaining -= 1
            }
        }
        return randomProgramReadingFeatures(protocol: callProtocol, using: &random)
    }

    /// Random instructions for one component, as many as its initial size.
    public func randomComponent(
        _ component: Component, count: Int? = nil, using random: inout RandomGenerator
    ) -> [Instruction] {
        let size = count ?? components[component.rawValue].initialSize
        return (0..<size).map { _ in randomInstruction(for: component, using: &random) }
    }

    /// A random instruction using one of the ops the component allows.
    public func randomInstruction(
        for component: Component, using random: inout RandomGenerator
    ) -> Instruction {
        let ops = components[component.rawValue].ops
        guard !ops.isEmpty else { return .nop }
        let op = ops[random.nextInt(below: ops.count)]
        return randomInstruction(op: op, using: &random)
    }

    /// A random instruction for a given op: every operand, index and constant drawn afresh.
    public func randomInstruction(op: Op, using random: inout RandomGenerator) -> Instruction {
        var instruction = Instruction(op)
        let info = op.info
        if let output = info.output {
            instruction.output = randomRegister(output, using: &random)
        }
        for (position, kind) in info.inputs.enumerated() {
            let register = randomRegister(kind, using: &random)
            if position == 0 { instruction.input1 = register } else { instruction.input2 = register }
        }
        if info.indexCount >= 1 { instruction.index1 = randomIndex(using: &random) }
        if info.indexCount >= 2 { instruction.index2 = randomIndex(using: &random) }
        randomizeConstants(&instruction, using: &random)
        return instruction
    }

    private func randomRegister(_ kind: ValueKind, using random: inout RandomGenerator) -> UInt16 {
        UInt16(random.nextInt(below: max(1, shape.count(of: kind))))
    }

    private func randomIndex(using random: inout RandomGenerator) -> UInt16 {
        UInt16(random.nextInt(below: shape.features))
    }

    /// Constants as AutoML-Zero draws them: a constant in [−1, 1); uniform bounds in [−1, 1),
    /// ordered; a Gaussian mean in [−1, 1) and standard deviation in [0, 1).
    private func randomizeConstants(_ instruction: inout Instruction, using random: inout RandomGenerator) {
        switch instruction.op.info.syntax {
        case .constant, .elementConstant:
            instruction.constant1 = random.uniform(-1, 1)
        case .random("uniform"):
            let a = random.uniform(-1, 1), b = random.uniform(-1, 1)
            instruction.constant1 = min(a, b)
            instruction.constant2 = max(a, b)
        case .random:
            instruction.constant1 = random.uniform(-1, 1)
            instruction.constant2 = random.uniform(0, 1)
        default:
            break
        }
    }

    // MARK: Mutation

    /// Applies one mutation of the given kind and returns whether the program could take it.
    ///
    /// A mutation that no component can take (inserting when every component is full) leaves
    /// the program unchanged and returns `false`.
    @discardableResult
    public func mutate(
        _ program: inout Program, kind: MutationKind, using random: inout RandomGenerator
    ) -> Bool {
        switch kind {
        case .identity:
            return true
        case .crossover:
            return false  // needs a donor: see ``crossover(_:donor:using:)``
        case .alterArgument:
            guard let component = pickComponent(program, using: &random, where: { $0 > 0 })
            else { return false }
            let position = random.nextInt(below: program.count(of: component))
            alterArgument(&program[component, position], using: &random)
            return true
        case .randomizeInstruction:
            guard let component = pickComponent(program, using: &random, where: { $0 > 0 })
            else { return false }
            let position = random.nextInt(below: program.count(of: component))
            program[component, position] = randomInstruction(for: component, using: &random)
            return true
        case .insertInstruction:
            guard let component = pickComponent(
                program, using: &random,
                where: { $0 < components[$1.rawValue].maximumSize })
            else { return false }
            let position = random.nextInt(below: program.count(of: component) + 1)
            let instruction = randomInstruction(for: component, using: &random)
            program.insert(instruction, at: position, in: component)
            return true
        case .removeInstruction:
            guard let component = pickComponent(
                program, using: &random,
                where: { $0 > max(0, components[$1.rawValue].minimumSize) })
            else { return false }
            let position = random.nextInt(below: program.count(of: component))
            program.remove(at: position, in: component)
            return true
        case .randomizeComponent:
            guard let component = pickComponent(
                program, using: &random,
                where: { !components[$1.rawValue].ops.isEmpty && ($0 > 0 || components[$1.rawValue].maximumSize > 0) })
            else { return false }
            let spec = components[component.rawValue]
            let size = min(max(program.count(of: component), spec.minimumSize), spec.maximumSize)
            program.replace(component, with: randomComponent(component, count: size, using: &random))
            return true
        }
    }

    /// Recombines `program` with `donor`: half the time (when both have several non-empty
    /// components) one whole component is taken from the donor; otherwise a block of one
    /// component (a random start and length) is replaced by a block of the donor's same
    /// component, as long as the component's size stays within its bounds. Returns whether the
    /// program changed.
    @discardableResult
    public func crossover(
        _ program: inout Program, donor: Program, using random: inout RandomGenerator
    ) -> Bool {
        let shared = Component.allCases.filter {
            !components[$0.rawValue].ops.isEmpty && donor.count(of: $0) > 0
                && components[$0.rawValue].maximumSize > 0
        }
        guard !shared.isEmpty else { return false }
        let component = shared[random.nextInt(below: shared.count)]
        let spec = components[component.rawValue]
        let own = program.instructions(of: component), other = donor.instructions(of: component)
        if shared.count > 1, random.nextBool(probability: 0.5) {
            guard own != other, (spec.minimumSize...spec.maximumSize).contains(other.count) else { return false }
            program.replace(component, with: other)
            return true
        }
        // A block of the donor: start and length uniform; then the block it replaces.
        let donorStart = other.startIndex + random.nextInt(below: other.count)
        let donorLength = 1 + random.nextInt(below: other.endIndex - donorStart)
        let ownStart = random.nextInt(below: own.count + 1)
        let ownLength = random.nextInt(below: own.count - ownStart + 1)
        var length = donorLength
        // Keep the size within bounds by shortening the block taken.
        let maximum = spec.maximumSize - (own.count - ownLength)
        length = min(length, maximum)
        guard length >= 1, own.count - ownLength + length >= spec.minimumSize else { return false }
        var result = Array(own)
        result.replaceSubrange(
            ownStart..<(ownStart + ownLength), with: other[donorStart..<(donorStart + length)])
        guard result[...] != own else { return false }
        program.replace(component, with: result)
        return true
    }

    /// A uniformly random component among those whose ops are not empty and that satisfy
    /// `condition` (given their instruction count), drawn from them in component order.
    private func pickComponent(
        _ program: Program, using random: inout RandomGenerator,
        where condition: (Int, Component) -> Bool
    ) -> Component? {
        // At most three candidates, kept as a bit set: no array per mutation.
        var candidates: UInt8 = 0
        for component in Component.allCases
        where condition(program.count(of: component), component) && !components[component.rawValue].ops.isEmpty {
            candidates |= 1 << component.rawValue
        }
        guard candidates != 0 else { return nil }
        var pick = random.nextInt(below: candidates.nonzeroBitCount)
        for component in Component.allCases where candidates & (1 << component.rawValue) != 0 {
            if pick == 0 { return component }
            pick -= 1
        }
        return nil
    }

    private func pickComponent(
        _ program: Program, using random: inout RandomGenerator,
        where condition: (Int) -> Bool
    ) -> Component? {
        pickComponent(program, using: &random, where: { count, _ in condition(count) })
    }

    /// Changes one argument of an instruction: an input or output register, an element index,
    /// or a constant (perturbed in log space, sign flipped one time in ten).
    public func alterArgument(_ instruction: inout Instruction, using random: inout RandomGenerator) {
        let info = instruction.op.info
        var choices: [Int] = []  // 0 output, 1–2 inputs, 3–4 indices, 5–6 constants
        if info.output != nil { choices.append(0) }
        choices.append(contentsOf: info.inputs.indices.map { 1 + $0 })
        choices.append(contentsOf: (0..<info.indexCount).map { 3 + $0 })
        choices.append(contentsOf: (0..<info.constantCount).map { 5 + $0 })
        guard !choices.isEmpty else { return }
        switch choices[random.nextInt(below: choices.count)] {
        case 0: instruction.output = randomRegister(info.output ?? .scalar, using: &random)
        case 1: instruction.input1 = randomRegister(info.inputs[0], using: &random)
        case 2: instruction.input2 = randomRegister(info.inputs[1], using: &random)
        case 3: instruction.index1 = randomIndex(using: &random)
        case 4: instruction.index2 = randomIndex(using: &random)
        case 5: instruction.constant1 = perturb(instruction.constant1, using: &random)
        default:
            instruction.constant2 = perturb(instruction.constant2, using: &random)
        }
        if case .random("uniform") = info.syntax, instruction.constant1 > instruction.constant2 {
            swap(&instruction.constant1, &instruction.constant2)
        }
        if case .random("gaussian") = info.syntax {
            instruction.constant2 = abs(instruction.constant2)
        }
    }

    /// A constant's mutation: one time in ten the sign flips, otherwise the value is multiplied
    /// by a log-uniform factor in [1/e, e]; a zero becomes a fresh value in [−1, 1), and a
    /// product that would overflow leaves the value unchanged, so constants stay finite.
    func perturb(_ value: Double, using random: inout RandomGenerator) -> Double {
        if value == 0 { return random.uniform(-1, 1) }
        if random.nextBool(probability: 0.1) { return -value }
        let factor = Math.exp(random.uniform(-1, 1))
        let result = value * factor
        guard result.isFinite else { return value }
        return result
    }
}
