/// What a program is for, and so how it is scored.
public enum Objective: Sendable, Equatable {
    /// The program is a learning algorithm: `setup`, `predict` and `learn` run on the task's
    /// examples (AutoML-Zero); see ``Evaluator``.
    case program
    /// The program is a loss L(z, y): its `predict` reads the model's logit z in `s2` and the
    /// label y ∈ {0, 1} in `s0` and leaves L in `s1`. A fixed trainer fits a model by SGD with
    /// the exact derivative dL/dz (forward-mode dual numbers); the fitness is the model's
    /// validation accuracy. See ``LossTraining``.
    case loss(LossTraining)
    /// The program is the surrogate objective J(r, A, t) of a policy-gradient trainer: its
    /// `predict` reads the probability ratio r = π/π_old in `s2`, the advantage A in `s3` and
    /// the fraction of training done t ∈ [0, 1] in `s4`, and leaves J in `s1`. A fixed trainer
    /// (``PolicyTrainer``) ascends J with the exact ∂J/∂r (dual numbers) on the task's
    /// environment; the fitness is the trained policy's mean return over the task's reference
    /// return. See ``PolicyObjective``.
    case policy(PolicyTraining)

    /// The loss training settings, for loss discovery.
    public var lossTraining: LossTraining? {
        if case let .loss(training) = self { return training }
        return nil
    }

    /// The trainer settings, for policy-objective discovery.
    public var policyTraining: PolicyTraining? {
        if case let .policy(training) = self { return training }
        return nil
    }
}

/// The fixed inner trainer of loss discovery.
public struct LossTraining: Sendable, Equatable {
    /// The model trained with the evolved loss.
    public enum Model: Sendable, Equatable {
        /// Logistic regression: z = w·x + b, weights start at 0.
        case logistic
        /// One hidden ReLU layer of the given width: z = w₂·relu(W₁x + b₁) + b₂, weights drawn
        /// N(0, 1/fan-in) from the task's seed.
        case mlp(hidden: Int)
    }

    public var model: Model
    /// The SGD step size.
    public var learningRate: Double

    public init(model: Model, learningRate: Double) {
        self.model = model
        self.learningRate = learningRate
    }

    /// The register that holds the logit z.
    public static let logitScalar = 2
}
