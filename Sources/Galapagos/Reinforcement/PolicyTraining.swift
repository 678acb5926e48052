/// The settings of ``PolicyTrainer``: budget, batch shape, networks, optimiser and evaluation.
///
/// The defaults train a linear softmax policy that solves ``CartPole`` with PPO's clipped
/// objective (a greedy mean return of at least 475 over 500 steps) in well under a second.
///
/// Out-of-range values are not errors: training uses ``clamped``, which documents what each
/// value becomes.
public struct PolicyTraining: Sendable, Equatable {
    /// The shape of the policy or the value network.
    public enum Network: Sendable, Equatable {
        /// An affine map of the observation: softmax logits w·s + b, or the value w·s + b.
        case linear
        /// One tanh hidden layer of the given width, then an affine output.
        case tanh(hidden: Int)
    }

    /// Environment steps of training, rounded down to whole rollouts. 0 evaluates the initial
    /// policy.
    public var totalSteps: Int
    /// Environment steps per rollout (the batch of one round of updates); episodes run on
    /// across rollouts.
    public var rolloutSteps: Int
    /// Passes over each batch.
    public var epochs: Int
    /// Samples per minibatch update; the last minibatch of a pass takes the remainder.
    public var minibatchSize: Int
    /// The policy: softmax over the network's outputs, one per action.
    public var policy: Network
    /// The value baseline, a separate network.
    public var value: Network
    /// Adam's step size for the policy.
    public var policyLearningRate: Double
    /// Adam's step size for the value baseline.
    public var valueLearningRate: Double
    /// Whether both step sizes fall linearly to 0 over the rollouts.
    public var annealsLearningRate: Bool
    /// The discount γ of returns and advantages.
    public var discount: Double
    /// The λ of generalised advantage estimation.
    public var lambda: Double
    /// The weight of the policy's entropy added to the objective.
    public var entropyBonus: Double
    /// The largest global norm of each network's gradient; longer gradients are scaled down.
    public var maximumGradientNorm: Double
    /// Episodes of greedy evaluation of the final policy.
    public var evaluationEpisodes: Int

    /// Settings; every default is the tuned value (see ``PolicyTrainer``).
    public init(
        totalSteps: Int = 60_000,
        rolloutSteps: Int = 1_000,
        epochs: Int = 4,
        minibatchSize: Int = 250,
        policy: Network = .linear,
        value: Network = .tanh(hidden: 16),
        policyLearningRate: Double = 0.01,
        valueLearningRate: Double = 0.01,
        annealsLearningRate: Bool = true,
        discount: Double = 0.99,
        lambda: Double = 0.95,
        entropyBonus: Double = 0,
        maximumGradientNorm: Double = 0.5,
        evaluationEpisodes: Int = 10
    ) {
        self.totalSteps = totalSteps
        self.rolloutSteps = rolloutSteps
        self.epochs = epochs
        self.minibatchSize = minibatchSize
        self.policy = policy
        self.value = value
        self.policyLearningRate = policyLearningRate
        self.valueLearningRate = valueLearningRate
        self.annealsLearningRate = annealsLearningRate
        self.discount = discount
        self.lambda = lambda
        self.entropyBonus = entropyBonus
        self.maximumGradientNorm = maximumGradientNorm
        self.evaluationEpisodes = evaluationEpisodes
    }

    /// The settings training uses: `totalSteps` in 0...1,000,000,000; `rolloutSteps` in
    /// 1...100,000; `epochs` in 0...1,000; `minibatchSize` in 1...`rolloutSteps`; hidden
    /// widths in 1...1,024; `evaluationEpisodes` in 1...1,000,000; learning rates and the
    /// entropy bonus at least 0 (NaN becomes 0); `discount` and `lambda` in [0, 1] (NaN
    /// becomes 0); `maximumGradientNorm` positive, where 0, a negative value or NaN means no
    /// clipping (infinity).
    public var clamped: PolicyTraining {
        func atLeastZero(_ x: Double) -> Double { x >= 0 ? x : 0 }
        func unit(_ x: Double) -> Double { x >= 0 ? min(x, 1) : 0 }
        func network(_ shape: Network) -> Network {
            switch shape {
            case .linear: .linear
            case let .tanh(width): .tanh(hidden: min(max(width, 1), 1_024))
            }
        }
        var settings = self
        settings.totalSteps = min(max(0, totalSteps), 1_000_000_000)
        settings.rolloutSteps = min(max(1, rolloutSteps), 100_000)
        settings.epochs = min(max(0, epochs), 1_000)
        settings.minibatchSize = min(max(1, minibatchSize), settings.rolloutSteps)
        settings.policy = network(policy)
        settings.value = network(value)
        settings.policyLearningRate = atLeastZero(policyLearningRate)
        settings.valueLearningRate = atLeastZero(valueLearningRate)
        settings.discount = unit(discount)
        settings.lambda = unit(lambda)
        settings.entropyBonus = atLeastZero(entropyBonus)
        settings.maximumGradientNorm = maximumGradientNorm > 0 ? maximumGradientNorm : .infinity
        settings.evaluationEpisodes = min(max(1, evaluationEpisodes), 1_000_000)
        return settings
    }
}
