/// How an evolved program is a policy objective: the registers it reads, the objective the
/// trainer sees, and the fitness and fingerprint of a program.
///
/// The program's `predict` reads the probability ratio r = π(a|s)/π_old(a|s) in `s2`, the
/// advantage A in `s3` and the fraction of training done t ∈ [0, 1] in `s4`, and leaves the
/// per-sample objective J(r, A, t) in `s1`. PPO's clipped objective is
/// `min(r·A, clip(r, 0.8, 1.2)·A)`; the trainer only ever uses ∂J/∂r, which the dual-number
/// machine computes exactly.
public enum PolicyObjective {
    /// The register that holds the ratio r (the variable the trainer differentiates by).
    public static let ratioScalar = 2
    /// The register that holds the advantage A.
    public static let advantageScalar = 3
    /// The register that holds the training progress t.
    public static let progressScalar = 4
    /// The fewest scalars a policy-objective program needs.
    public static let minimumScalars = progressScalar + 1

    /// The objective as a mirror-learning drift, D(r) = r·A − J(r, A, t), shifted so that
    /// D(1) = 0 (J is defined up to a constant, which no gradient sees): PPO's is 0 inside
    /// the clip range and grows like |r − 1|·|A| outside it. `nil` when the program is not a
    /// usable objective.
    public static func drift(
        of program: Program, scalars: Int, advantage a: Double, progress t: Double, ratios: [Double]
    ) -> [(ratio: Double, drift: Double)]? {
        guard var objective = ProgramObjective(program: program, scalars: scalars) else { return nil }
        let atOne = a - objective.evaluate(ratio: 1, advantage: a, progress: t).value
        return ratios.map { r in (r, r * a - objective.evaluate(ratio: r, advantage: a, progress: t).value - atOne) }
    }
}

/// An evolved program as the trainer's ``SurrogateObjective``.
struct ProgramObjective: SurrogateObjective {
    var machine: DualMachine

    init?(program: Program, scalars: Int) {
        guard scalars >= PolicyObjective.minimumScalars,
              let machine = DualMachine(program: program, scalars: scalars) else { return nil }
        self.machine = machine
    }

    @inline(__always)
    mutating func evaluate(ratio r: Double, advantage a: Double, progress t: Double) -> (value: Double, derivative: Double) {
        machine.evaluate(ratio: r, advantage: a, progress: t)
    }
}

/// Scores an evolved policy objective by training a policy with it (see
/// ``Objective/policy(_:)``).
struct PolicyEvaluator {
    let training: PolicyTraining

    /// The trained policy's mean return over the task's reference return; 0 when the program
    /// is not a usable objective or training failed (a non-finite objective or derivative).
    func fitness(of program: Program, scalars: Int, on task: TaskDataset) -> Double {
        guard let result = train(program, scalars: scalars, on: task), !result.failed,
              let policy = task.policy, policy.referenceReturn > 0 else { return 0 }
        return result.meanReturn / policy.referenceReturn
    }

    /// The training run of `program` on `task`: `nil` when the program is not a usable
    /// objective or the task has no environment.
    func train(_ program: Program, scalars: Int, on task: TaskDataset) -> PolicyTrainingResult? {
        guard var objective = ProgramObjective(program: program, scalars: scalars),
              let policy = task.policy else { return nil }
        var settings = training
        if let steps = policy.trainingSteps { settings.totalSteps = steps }
        return PolicyTrainer(environment: policy.environment, training: settings)
            .train(&objective, seed: task.programSeed)
    }

    /// A fingerprint of ∂J/∂r on a fixed grid of (r, A, t): the trainer uses nothing else, so
    /// programs with the same fingerprint train alike (up to the grid's resolution).
    func fingerprint(of program: Program, scalars: Int) -> UInt64 {
        guard var objective = ProgramObjective(program: program, scalars: scalars) else { return 0xBAD }
        var hash: UInt64 = 0x5F0C_1E9A_3B7D_2468
        for t in [0.0, 0.5, 1.0] {
            for a in [-2.0, -0.5, 0.5, 2.0] {
                for r in stride(from: 0.5, through: 2.0, by: 0.125) {
                    let derivative = objective.evaluate(ratio: r, advantage: a, progress: t).derivative
                    var x = hash ^ UInt64(Float(derivative).bitPattern)
                    hash = RandomGenerator.splitMix(&x)
                }
            }
        }
        return hash
    }
}
