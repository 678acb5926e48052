/// What the evaluator writes into memory around a program's calls and reads back: the facts a
/// static analysis (liveness, constant folding, renaming) must respect to keep predictions
/// exactly as they are.
public struct CallProtocol: Sendable, Hashable {
    /// Registers the evaluator reads after `predict`.
    public var outputs: Set<Register>
    /// Registers the evaluator writes before every `predict`: their values never carry over
    /// from an earlier call.
    public var predictInputs: Set<Register>
    /// Registers the evaluator writes before every `learn`.
    public var learnInputs: Set<Register>

    /// Regression and binary classification (AutoML-Zero's protocol): features in `v0`, the
    /// label in `s0` (0 during `predict`), the prediction read from `s1`.
    public static let scalar = CallProtocol(
        outputs: [.prediction], predictInputs: [.label, .features], learnInputs: [.label, .features])

    /// K > 2 classes as one task: logits read from `v1` after `predict` and replaced by their
    /// softmax before `learn`, the one-hot label in `v2` (zeros during `predict`) and the
    /// class index in `s0`.
    public static let multiclass = CallProtocol(
        outputs: [.logits], predictInputs: [.label, .features, .oneHot],
        learnInputs: [.label, .features, .logits, .oneHot])

    /// Every register whose role the protocol fixes: renaming never moves them.
    public var roles: Set<Register> {
        outputs.union(predictInputs).union(learnInputs).union(Register.roles)
    }

    /// The protocol for programs of `shape`: when the shape feeds the features to scalar
    /// registers too (``MemoryShape/inputScalars``), the evaluator writes `s2…` before every
    /// `predict` and `learn`, so they are inputs like `v0` and renaming never moves them.
    public func feeding(_ shape: MemoryShape) -> CallProtocol {
        var result = self
        for register in shape.inputScalarRegisters {
            result.predictInputs.insert(register)
            result.learnInputs.insert(register)
        }
        return result
    }

    /// The registers the evaluator writes before `component` runs (none before `setup`).
    public func inputs(of component: Component) -> Set<Register> {
        switch component {
        case .setup: []
        case .predict: predictInputs
        case .learn: learnInputs
        }
    }
}

extension Register {
    /// `v1` under the multi-class protocol: the logits.
    public static let logits = Register(.vector, 1)
    /// `v2` under the multi-class protocol: the one-hot label during `learn`.
    public static let oneHot = Register(.vector, 2)
}
