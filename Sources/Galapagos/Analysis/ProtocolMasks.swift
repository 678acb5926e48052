/// A call protocol's register sets as bit masks for one memory shape, with the input scalars
/// the shape feeds (``CallProtocol/feeding(_:)``): what the per-child analyses (live
/// instructions, state carried across predictions) read, made once per run instead of once
/// per child from the protocol's sets.
struct ProtocolMasks: Sendable {
    /// Registers the evaluator writes before every `predict`.
    let predictInputs: RegisterMask
    /// Registers the evaluator writes before every `learn`.
    let learnInputs: RegisterMask
    /// Registers the evaluator reads after `predict`.
    let outputs: RegisterMask
    /// Whether the evaluator reads `s1` only (the outputs of ``CallProtocol/scalar``).
    let readsPredictionOnly: Bool
    /// The masks of ``CallProtocol/scalar`` for the same shape.
    let scalar: ScalarMasks

    /// The scalar protocol's masks, which tell whether a program is a function of one example.
    struct ScalarMasks: Sendable {
        let predictInputs: RegisterMask
        let outputs: RegisterMask
    }

    /// The masks of `callProtocol` for `shape`; `nil` when a kind has more than 64 registers
    /// (the analyses then fall back to sets).
    init?(_ callProtocol: CallProtocol, shape: MemoryShape) {
        guard RegisterMask.fits(shape) else { return nil }
        let fed = callProtocol.feeding(shape)
        predictInputs = RegisterMask(fed.predictInputs)
        learnInputs = RegisterMask(fed.learnInputs)
        outputs = RegisterMask(fed.outputs)
        readsPredictionOnly = callProtocol.outputs == [.prediction]
        let scalar = CallProtocol.scalar.feeding(shape)
        self.scalar = ScalarMasks(predictInputs: RegisterMask(scalar.predictInputs), outputs: RegisterMask(scalar.outputs))
    }
}
