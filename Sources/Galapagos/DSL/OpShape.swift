/// What the compiler and the liveness analyses need of an op, in plain values: ``OpInfo`` holds
/// a name and an array, whose copies cost reference counting on paths run for every child.
struct OpShape {
    var output: ValueKind?
    var input1: ValueKind?
    var input2: ValueKind?
    /// Element indices: 1 for `v[i] = c`, 2 for `m[i, j] = c`.
    var indexCount: Int
    var isRandom: Bool

    var isElementWrite: Bool { indexCount > 0 }

    /// One row per ``Op``, indexed by raw value.
    static let table: [OpShape] = Op.allCases.map { op in
        let info = op.info
        return OpShape(
            output: info.output, input1: info.inputs.first, input2: info.inputs.count > 1 ? info.inputs[1] : nil,
            indexCount: info.indexCount, isRandom: info.isRandom)
    }
}
