/// Policy-objective tasks: environments a fixed trainer trains a policy on, with the trained
/// policy's return as the score. Task `i` of a set uses `environments[i % environments.count]`
/// and a trainer seed derived from its data seed, so search, select and final tasks can differ
/// in environment, training budget and seeds.
public struct EnvironmentTaskSpec: Sendable, Equatable {
    /// The environments, cycled through by task index.
    public var environments: [PolicyEnvironment]
    /// Environment steps of training per task (the trainer's budget, its "horizon"); `nil`
    /// keeps the objective's ``PolicyTraining/totalSteps``.
    public var trainingSteps: Int?

    public init(environments: [PolicyEnvironment], trainingSteps: Int? = nil) {
        self.environments = environments
        self.trainingSteps = trainingSteps
    }

    func makeTask(spec: TaskSpec, features: Int, index: Int, dataSeed: UInt64) -> TaskDataset {
        let environment = environments[index % environments.count]
        let empty = TaskDataset.Split(features: [], labels: [])
        return TaskDataset(
            name: "\(environment.name) #\(index)", metric: spec.metric, features: features, train: empty,
            valid: empty, epochs: 1, shuffleSeed: dataSeed,
            programSeed: RandomGenerator.derive(dataSeed, 0x504F_4C49),
            policy: PolicyTask(environment: environment, trainingSteps: trainingSteps))
    }
}

/// One policy-objective task: where the policy trains, for how long, and the return its score
/// is measured against.
public struct PolicyTask: Sendable, Equatable {
    public var environment: PolicyEnvironment
    public var trainingSteps: Int?

    public init(environment: PolicyEnvironment, trainingSteps: Int?) {
        self.environment = environment
        self.trainingSteps = trainingSteps
    }

    /// The return a task's fitness is the fraction of: the most a policy can earn in an
    /// episode (CartPole: one per step of the horizon) or, for the chain, the expected return
    /// of always going forward, the best policy that sees only the state.
    public var referenceReturn: Double { environment.referenceReturn }
}

extension PolicyEnvironment {
    /// A short name for task names and tables: `cartpole`, `chain`.
    public var name: String {
        switch self {
        case .cartPole: "cartpole"
        case .chain: "chain"
        }
    }

    /// See ``PolicyTask/referenceReturn``.
    public var referenceReturn: Double {
        switch self {
        case let .cartPole(cartPole): Double(cartPole.horizon)
        case let .chain(chain): chain.alwaysForwardReturn
        }
    }
}

extension Chain {
    /// The expected return of always choosing forward from state 0 over the horizon, by
    /// dynamic programming over (steps left, state).
    public var alwaysForwardReturn: Double {
        // value[s]: expected return with `k` steps left from state s.
        var value = [Double](repeating: 0, count: length)
        var next = value
        for _ in 0..<horizon {
            for state in 0..<length {
                let forward = state == length - 1
                    ? Chain.largeReward + value[state] : value[state + 1]
                let back = Chain.smallReward + value[0]
                next[state] = (1 - slip) * forward + slip * back
            }
            swap(&value, &next)
        }
        return value[0]
    }
}
