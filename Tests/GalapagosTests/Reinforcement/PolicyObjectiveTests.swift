import GalapagosTestSupport
import Testing
@testable import Galapagos

// Policy-objective discovery: the search space, the shipped baselines as programs, and how an
// objective program is scored and fingerprinted.

private func policySpace() throws -> SearchSpace {
    try SearchSpace.load(path: repositoryPath("searchspaces/policy_objective.yaml"))
}

private func baseline(_ name: String, _ space: SearchSpace) throws -> Program {
    let text = try String(contentsOfFile: repositoryPath("searchspaces/examples/\(name).gal"), encoding: .utf8)
    return try ProgramParser(limits: space.programLimits(strictOps: true)).parse(text)
}

/// The space's text with one line replaced, parsed (for the error tests).
private func variant(_ replace: String, with replacement: String) throws -> SearchSpace {
    let text = try String(contentsOfFile: repositoryPath("searchspaces/policy_objective.yaml"), encoding: .utf8)
    #expect(text.contains(replace))
    return try SearchSpace.parse(text.replacingOccurrences(of: replace, with: replacement), file: "policy.yaml")
}

@Suite struct PolicyObjectiveTests {
    /// The shipped programs are the objectives they claim, to the last bit of ∂J/∂r where the
    /// arithmetic is the same (PPO, VPG) and to rounding where tanh is written with exp (DPO).
    @Test func shippedBaselinesMatchTheirDefinitions() throws {
        let space = try policySpace()
        var ppo = try #require(ProgramObjective(program: try baseline("ppo_clip", space), scalars: space.memory.scalars))
        var vpg = try #require(ProgramObjective(program: try baseline("vanilla_pg", space), scalars: space.memory.scalars))
        var dpo = try #require(ProgramObjective(program: try baseline("dpo_drift", space), scalars: space.memory.scalars))
        for r in stride(from: 0.3, through: 2.5, by: 0.05) {
            for a in [-3.0, -1.0, -0.25, 0, 0.25, 1.0, 3.0] {
                for t in [0.0, 1.0] {
                    let clipped = ClippedSurrogate().evaluate(ratio: r, advantage: a, progress: t)
                    let ppoValue = ppo.evaluate(ratio: r, advantage: a, progress: t)
                    #expect(ppoValue.value == clipped.value && ppoValue.derivative == clipped.derivative, "PPO at r \(r), A \(a)")
                    let importance = ImportanceSurrogate().evaluate(ratio: r, advantage: a, progress: t)
                    let vpgValue = vpg.evaluate(ratio: r, advantage: a, progress: t)
                    #expect(vpgValue.value == importance.value && vpgValue.derivative == importance.derivative)
                    let drift = DriftSurrogate().evaluate(ratio: r, advantage: a, progress: t)
                    let dpoValue = dpo.evaluate(ratio: r, advantage: a, progress: t)
                    #expect(abs(dpoValue.value - drift.value) < 1e-12, "DPO J at r \(r), A \(a)")
                    #expect(abs(dpoValue.derivative - drift.derivative) < 1e-9, "DPO dJ/dr at r \(r), A \(a)")
                }
            }
        }
    }

    /// Tasks cycle through the listed environments, with fixed seeds for the final ones.
    @Test func tasksAreEnvironments() throws {
        let space = try policySpace()
        #expect(space.objective.policyTraining != nil)
        #expect(!space.isPredictOnly)
        let final = space.tasks(.final, runSeed: 1)
        #expect(final.map { $0.policy?.environment.name } == (0..<final.count).map { $0 % 2 == 0 ? "cartpole" : "chain" })
        #expect(final.map(\.programSeed) == space.tasks(.final, runSeed: 2).map(\.programSeed))
        #expect(space.tasks(.search, runSeed: 1).map(\.programSeed) != space.tasks(.search, runSeed: 2).map(\.programSeed))
        #expect(final[0].policy?.referenceReturn == 500)
        // Always forward on the 6-state chain, 100 steps, slip 0.2, by dynamic programming.
        #expect(abs((final[1].policy?.referenceReturn ?? 0) - 289.0368) < 1e-3)
        #expect(abs(PolicyEnvironment.chain(length: 5, horizon: 100).referenceReturn - 354.5728) < 1e-3)
        #expect(final.allSatisfy { $0.policy?.trainingSteps == 15_000 })
    }

    /// Objectives with the same ∂J/∂r everywhere share a fingerprint (the trainer would train
    /// them alike); PPO's and the vanilla objective's do not.
    @Test func fingerprintsFollowTheGradient() throws {
        let space = try policySpace()
        let evaluator = PolicyEvaluator(training: try #require(space.objective.policyTraining))
        let scalars = space.memory.scalars
        let vpg = evaluator.fingerprint(of: try baseline("vanilla_pg", space), scalars: scalars)
        let shifted = try ProgramParser(limits: space.programLimits(strictOps: true)).parse(
            "# galapagos program v1\ndef predict():\n  s5 = s3 * s2\n  s6 = 3.0\n  s1 = s5 + s6\n")
        #expect(evaluator.fingerprint(of: shifted, scalars: scalars) == vpg)
        #expect(evaluator.fingerprint(of: try baseline("ppo_clip", space), scalars: scalars) != vpg)
    }

    /// A short training run: PPO's objective learns (CartPole's return far above what an
    /// objective that ignores r leaves, the untrained policy's), and a non-finite objective
    /// scores 0 instead of trapping.
    @Test func fitnessIsTheTrainedPolicysReturn() throws {
        let space = try variant("count: 20, steps: 15000", with: "count: 20, steps: 10000")
        let task = space.tasks(.final, runSeed: 1)[0]
        let evaluator = space.makeEvaluator()
        func fitness(_ program: Program) throws -> Double {
            evaluator.fitness(of: try CompiledProgram(program, shape: space.memory), on: task)
        }
        let parser = ProgramParser(limits: space.programLimits(strictOps: true))
        let ppo = try fitness(try baseline("ppo_clip", space))
        let ignoresRatio = try fitness(try parser.parse("# galapagos program v1\ndef predict():\n  s1 = s3 + s4\n"))
        let broken = try fitness(try parser.parse("# galapagos program v1\ndef predict():\n  s5 = log(s9)\n  s1 = s5 * s2\n"))
        #expect(ppo > 2 * ignoresRatio, "PPO \(ppo), untrained \(ignoresRatio)")
        #expect(broken == 0)
    }

    /// Bad search spaces are refused with the field and what was expected.
    @Test func badSpacesNameTheProblem() throws {
        func message(_ replace: String, _ replacement: String) -> String {
            do {
                _ = try variant(replace, with: replacement)
                return "loaded"
            } catch {
                return "\(error)"
            }
        }
        #expect(message("environment: [cartpole, chain], count: 4,", "environment: pendulum, count: 4,")
            .contains("unknown environment 'pendulum' (expected cartpole or chain)"))
        #expect(message("kind: policy ", "kind: loss ").contains("loss discovery needs projected_binary"))
        #expect(message("  scalars: 12", "  scalars: 4").contains("needs at least 5 scalars"))
        #expect(message("kind: policy ", "kind: program ").contains("environment tasks score a policy objective"))
        #expect(message("ops: [scalar_sum,", "ops: [vector_sum, scalar_sum,").contains("deterministic scalar ops only"))
    }
}
