import Testing
@testable import Galapagos

// The reinforcement-learning substrate: CartPole and the N-chain, the surrogate objectives,
// and the fixed policy-gradient trainer. Budgets are small so that the suite stays fast in a
// debug build.

/// An objective that is not finite: training must stop and report failure, not trap.
private struct NotANumberObjective: SurrogateObjective {
    var calls = 0
    mutating func evaluate(
        ratio r: Double, advantage a: Double, progress t: Double
    ) -> (value: Double, derivative: Double) {
        calls += 1
        return (.nan, a)
    }
}

/// A finite objective whose derivative overflows the gradient.
private struct OverflowingObjective: SurrogateObjective {
    func evaluate(
        ratio r: Double, advantage a: Double, progress t: Double
    ) -> (value: Double, derivative: Double) {
        (r * a, a >= 0 ? .greatestFiniteMagnitude : -.greatestFiniteMagnitude)
    }
}

/// Records the progress values the trainer passes.
private struct ProgressRecorder: SurrogateObjective {
    var progress: [Double] = []
    mutating func evaluate(
        ratio r: Double, advantage a: Double, progress t: Double
    ) -> (value: Double, derivative: Double) {
        if progress.last != t { progress.append(t) }
        return (r * a, a)
    }
}

/// The mean return of a fixed action over `episodes` chain episodes.
private func chainReturn(always action: Int, episodes: Int, seed: UInt64) -> Double {
    var random = RandomGenerator(seed: seed)
    var chain = Chain()
    var total = 0.0
    for _ in 0..<episodes {
        chain.reset(random: &random)
        while true {
            let (reward, status) = chain.step(action: action, random: &random)
            total += reward
            if status.isOver { break }
        }
    }
    return total / Double(episodes)
}

/// Small settings for tests: 1,000-step rollouts of four minibatches.
private func smallTraining(steps: Int) -> PolicyTraining {
    PolicyTraining(totalSteps: steps, rolloutSteps: 1_000, minibatchSize: 250)
}

/// Everything here, under one name so that `swift test --filter PolicyTrainer` runs it all.
@Suite struct PolicyTrainerTests {}

extension PolicyTrainerTests {
    @Suite struct CartPoleTests {
        /// Two steps from a hand-picked state, against the Gym equations evaluated in Python
        /// (`gym/envs/classic_control/cartpole.py`, euler).
        @Test func stepsFollowTheGymEquations() {
            var cartPole = CartPole()
            (cartPole.x, cartPole.xDot, cartPole.theta, cartPole.thetaDot) = (0.01, -0.02, 0.03, 0.04)
            let first = cartPole.step(action: 1)
            #expect(first.reward == 1 && first.status == .running)
            #expect(abs(cartPole.x - 0.009600000000000001) < 1e-15)
            #expect(abs(cartPole.xDot - 0.17467919574755525) < 1e-14)
            #expect(abs(cartPole.theta - 0.030799999999999998) < 1e-15)
            #expect(abs(cartPole.thetaDot - -0.2430687179600081) < 1e-14)
            _ = cartPole.step(action: 0)
            #expect(abs(cartPole.x - 0.013093583914951107) < 1e-14)
            #expect(abs(cartPole.xDot - -0.020868848948191993) < 1e-14)
            #expect(abs(cartPole.theta - 0.025938625640799837) < 1e-14)
            #expect(abs(cartPole.thetaDot - 0.0591679999394166) < 1e-14)
        }

        /// Pushing right from rest tips the pole left past 12° on the ninth step, which still pays.
        @Test func terminatesWhenThePoleFalls() {
            var cartPole = CartPole()
            var total = 0.0
            var status = EpisodeStatus.running
            while status == .running {
                let outcome = cartPole.step(action: 1)
                total += outcome.reward
                status = outcome.status
            }
            #expect(status == .terminated)
            #expect(total == 9)
            #expect(abs(cartPole.theta - -0.21518604988500967) < 1e-13)
            #expect(abs(cartPole.x - 0.14065097203306187) < 1e-13)
        }

        /// A balanced pole with no velocity under alternating pushes lasts to the horizon and is
        /// truncated, not terminated; a reset restarts the count.
        @Test func truncatesAtTheHorizon() {
            var cartPole = CartPole(horizon: 6)
            var random = RandomGenerator(seed: 3)
            cartPole.reset(random: &random)
            var statuses: [EpisodeStatus] = []
            for step in 0..<6 { statuses.append(cartPole.step(action: step % 2).status) }
            #expect(statuses == [.running, .running, .running, .running, .running, .truncated])
            cartPole.reset(random: &random)
            #expect(cartPole.elapsed == 0)
            #expect(CartPole(horizon: 0).horizon == 1)
        }

        /// Resets draw every state variable from [−0.05, 0.05), and the observation is the state.
        @Test func resetsNearUpright() {
            var environment = PolicyEnvironment.cartPole()
            var random = RandomGenerator(seed: 11)
            var observation = [Double](repeating: 9, count: 4)
            var largest = 0.0
            for _ in 0..<200 {
                environment.reset(random: &random)
                environment.observe(into: &observation, at: 0)
                largest = max(largest, observation.map(abs).max() ?? 9)
            }
            #expect(largest < 0.05 && largest > 0.045)
            guard case let .cartPole(cartPole) = environment else {
                Issue.record("expected a cart-pole")
                return
            }
            #expect(observation == [cartPole.x, cartPole.xDot, cartPole.theta, cartPole.thetaDot])
            #expect(environment.observationCount == 4 && environment.actionCount == 2)
            #expect(environment.horizon == 500)
        }
    }

}

extension PolicyTrainerTests {
    @Suite struct ChainTests {
        /// Without slips, forward walks to the last state unpaid and then earns 10 per step; back
        /// pays 2 and returns to state 0.
        @Test func movesAsDocumented() {
            var chain = Chain(length: 3, horizon: 10, slip: 0)
            var random = RandomGenerator(seed: 1)
            chain.reset(random: &random)
            var rewards: [Double] = []
            for _ in 0..<4 { rewards.append(chain.step(action: 0, random: &random).reward) }
            #expect(rewards == [0, 0, 10, 10])
            #expect(chain.state == 2)
            #expect(chain.step(action: 1, random: &random).reward == 2)
            #expect(chain.state == 0)
            var observation = [Double](repeating: 7, count: 3)
            _ = chain.step(action: 0, random: &random)
            chain.observe(into: &observation, at: 0)
            #expect(observation == [0, 1, 0])
        }

        /// The documented expected returns (160.31 for always back, 354.57 for always forward),
        /// within four standard errors of 2,000 episodes.
        @Test func greedyAndOptimalReturnsAsDocumented() {
            let back = chainReturn(always: 1, episodes: 2_000, seed: 5)
            let forward = chainReturn(always: 0, episodes: 2_000, seed: 6)
            #expect(abs(back - 160.31) < 1.5)
            #expect(abs(forward - 354.57) < 8)
        }

        /// Slips happen at the given rate; parameters out of range are clamped.
        @Test func slipsAndClamps() {
            var chain = Chain(length: 5, horizon: 1_000_000, slip: 0.2)
            var random = RandomGenerator(seed: 2)
            var slips = 0
            for _ in 0..<10_000 where chain.step(action: 1, random: &random).reward != 2 { slips += 1 }
            #expect(abs(Double(slips) / 10_000 - 0.2) < 0.02)
            let clamped = Chain(length: 1, horizon: -3, slip: .nan)
            #expect(clamped.length == 2 && clamped.horizon == 1 && clamped.slip == 0)
            #expect(Chain(slip: 7).slip == 1)
            #expect(PolicyEnvironment.chain(length: 8).observationCount == 8)
        }
    }

}

extension PolicyTrainerTests {
    @Suite struct SurrogateObjectiveTests {
        /// PPO's derivative is 0 where the clip binds and A where the unclipped term is the min.
        @Test func clippedDerivativeVanishesOutsideTheTrustRegion() {
            let ppo = ClippedSurrogate()
            #expect(ppo.evaluate(ratio: 1.5, advantage: 2, progress: 0) == (2.4, 0))
            #expect(ppo.evaluate(ratio: 1.1, advantage: 2, progress: 0).derivative == 2)
            #expect(ppo.evaluate(ratio: 0.5, advantage: 2, progress: 0) == (1, 2))
            #expect(ppo.evaluate(ratio: 0.5, advantage: -2, progress: 0).derivative == 0)
            #expect(abs(ppo.evaluate(ratio: 0.5, advantage: -2, progress: 0).value - -1.6) < 1e-15)
            #expect(ppo.evaluate(ratio: 1.5, advantage: -2, progress: 0) == (-3, -2))
        }

        /// DPO's published objective at a few points worked by hand, and its zero-drift regions.
        @Test func driftMatchesThePaper() {
            let dpo = DriftSurrogate()
            // At r = 1 there is no drift: J = A, ∂J/∂r = A.
            #expect(dpo.evaluate(ratio: 1, advantage: 1.5, progress: 0) == (1.5, 1.5))
            // r moving against the advantage is not penalised.
            #expect(dpo.evaluate(ratio: 0.7, advantage: 1, progress: 0) == (0.7, 1))
            #expect(dpo.evaluate(ratio: 1.3, advantage: -1, progress: 0) == (-1.3, -1))
            // A ≥ 0, r = 2, A = 2: u = 2, drift = 2 − 2·tanh(1).
            let positive = dpo.evaluate(ratio: 2, advantage: 2, progress: 0)
            #expect(abs(positive.value - (4 - (2 - 2 * 0.7615941559557649))) < 1e-12)
            // A < 0, r = 0.5, A = −1: u = log 2, drift = log 2 − 0.6·tanh(log 2 / 0.6).
            let u = 0.6931471805599453
            let negative = dpo.evaluate(ratio: 0.5, advantage: -1, progress: 0)
            #expect(abs(negative.value - (-0.5 - (u - 0.6 * 0.8194842947769643))) < 1e-12)
        }

        /// Every shipped objective's derivative agrees with central differences of its value.
        @Test func derivativesMatchFiniteDifferences() {
            let h = 1e-6
            for advantage in [-1.7, -0.3, 0.4, 2.2] {
                for ratio in [0.5, 0.75, 0.9, 1.05, 1.15, 1.3, 2.5] {
                    func check<O: SurrogateObjective>(_ objective: O) {
                        var objective = objective
                        func value(_ r: Double) -> Double {
                            objective.evaluate(ratio: r, advantage: advantage, progress: 0.5).value
                        }
                        let analytic = objective.evaluate(
                            ratio: ratio, advantage: advantage, progress: 0.5
                        ).derivative
                        let numeric = (value(ratio + h) - value(ratio - h)) / (2 * h)
                        #expect(abs(numeric - analytic) < 1e-6, "\(O.self) r \(ratio) A \(advantage)")
                    }
                    check(ClippedSurrogate())
                    check(ImportanceSurrogate())
                    check(DriftSurrogate())
                }
            }
        }
    }

}

extension PolicyTrainerTests {
    @Suite struct TrainerTests {
        /// Rollouts mark episode ends and bootstrap: a truncated chain episode from the value of
        /// its last state, a running step at the end of the rollout from the current state, a
        /// terminated cart-pole episode from nothing; the next step starts a fresh episode.
        @Test func rolloutsRecordEpisodeEnds() {
            let training = PolicyTraining(rolloutSteps: 7).clamped
            let chain = PolicyEnvironment.chain(length: 5, horizon: 3)
            var chainRun = PolicyRun(environment: chain, training: training, seed: 2)
            chainRun.environment.reset(random: &chainRun.environmentRandom)
            let collected = chainRun.collect()
            #expect(collected)
            #expect(chainRun.episodeEnds == [false, false, true, false, false, true, false])
            var state = chainRun.observations[10..<15].firstIndex(of: 1).map { $0 - 10 } ?? -1
            state = switch chainRun.rewards[2] {
            case 2: 0
            case 0: state + 1
            default: state
            }
            var last = [Double](repeating: 0, count: 5)
            last[state] = 1
            chainRun.value.forward(last, at: 0)
            #expect(chainRun.nextValues[2] == chainRun.value.output[0])
            #expect(chainRun.observations[15..<20] == [1, 0, 0, 0, 0])
            chainRun.environment.observe(into: &last, at: 0)
            chainRun.value.forward(last, at: 0)
            #expect(chainRun.nextValues[6] == chainRun.value.output[0])

            let long = PolicyTraining(rolloutSteps: 300).clamped
            var cartRun = PolicyRun(environment: .cartPole(), training: long, seed: 2)
            cartRun.environment.reset(random: &cartRun.environmentRandom)
            _ = cartRun.collect()
            let ends = (0..<299).filter { cartRun.episodeEnds[$0] }
            #expect(ends.count >= 2)
            for t in ends {
                #expect(cartRun.nextValues[t] == 0)
                #expect(cartRun.observations[(4 * t + 4)..<(4 * t + 8)].allSatisfy { abs($0) < 0.05 })
            }
        }

        /// GAE(γ, λ) by hand on four steps: an episode truncated after step 1 (bootstrapped from
        /// the value of its last state), then one terminated at step 3 (not bootstrapped).
        @Test func advantagesBootstrapTruncationsOnly() {
            let training = PolicyTraining(rolloutSteps: 4, discount: 0.9, lambda: 0.5)
            var run = PolicyRun(environment: .cartPole(), training: training.clamped, seed: 1)
            run.rewards = [1, 2, 3, 4]
            run.values = [0.5, 1.0, 1.5, 2.0]
            run.nextValues = [0, 10, 0, 0]
            run.episodeEnds = [false, true, false, true]
            run.estimateAdvantages()
            let delta3 = 4 - 2.0
            let delta2 = 3 + 0.9 * 2.0 - 1.5
            let delta1 = 2 + 0.9 * 10 - 1.0
            let delta0 = 1 + 0.9 * 1.0 - 0.5
            let expected = [delta0 + 0.45 * delta1, delta1, delta2 + 0.45 * delta3, delta3]
            for t in 0..<4 { #expect(abs(run.returns[t] - (expected[t] + run.values[t])) < 1e-12) }
            let mean = run.advantages.reduce(0, +) / 4
            let variance = run.advantages.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4
            #expect(abs(mean) < 1e-12 && abs(variance - 1) < 1e-6)
            // Normalisation keeps the order of the raw advantages.
            let order = (0..<4).sorted { expected[$0] < expected[$1] }
            #expect(order == (0..<4).sorted { run.advantages[$0] < run.advantages[$1] })
        }

        /// The trainer's gradients are those of −(mean J + c·mean H) and mean ½(V − R)²: compared
        /// with central differences, away from r = 1 (the policy moved since the rollout), with
        /// hidden layers in both networks and DPO's smooth objective.
        @Test func gradientsMatchFiniteDifferences() {
            let training = PolicyTraining(
                rolloutSteps: 12, policy: .tanh(hidden: 3), value: .tanh(hidden: 4), entropyBonus: 0.1)
            var run = PolicyRun(environment: .cartPole(), training: training.clamped, seed: 4)
            run.environment.reset(random: &run.environmentRandom)
            let collected = run.collect()
            #expect(collected)
            run.estimateAdvantages()
            var jitter = RandomGenerator(seed: 9)
            for i in run.policy.parameters.indices {
                run.policy.parameters[i] += 0.3 * jitter.nextGaussian()
            }
            var dpo = DriftSurrogate()
            let accumulated = run.accumulateGradients(&dpo, from: 0, to: 12, progress: 0.25)
            #expect(accumulated)

            func policyLoss(_ run: inout PolicyRun) -> Double {
                var total = 0.0
                for i in 0..<12 {
                    run.policy.forward(run.observations, at: i * 4)
                    _ = run.logSoftmax()
                    let ratio = Math.exp(run.logProbabilities[run.actions[i]] - run.oldLogProbabilities[i])
                    var entropy = 0.0
                    for k in 0..<2 { entropy -= run.probabilities[k] * run.logProbabilities[k] }
                    let j = dpo.evaluate(ratio: ratio, advantage: run.advantages[i], progress: 0.25).value
                    total -= j + 0.1 * entropy
                }
                return total / 12
            }
            func valueLoss(_ run: inout PolicyRun) -> Double {
                var total = 0.0
                for i in 0..<12 {
                    run.value.forward(run.observations, at: i * 4)
                    let error = run.value.output[0] - run.returns[i]
                    total += 0.5 * error * error
                }
                return total / 12
            }
            let h = 1e-6
            var probe = run
            var ratiosAwayFromOne = 0
            for i in 0..<12 {
                probe.policy.forward(probe.observations, at: i * 4)
                _ = probe.logSoftmax()
                let logRatio = probe.logProbabilities[probe.actions[i]] - probe.oldLogProbabilities[i]
                if abs(Math.exp(logRatio) - 1) > 0.05 { ratiosAwayFromOne += 1 }
            }
            #expect(ratiosAwayFromOne >= 6)
            for p in run.policy.parameters.indices {
                probe.policy.parameters[p] = run.policy.parameters[p] + h
                let up = policyLoss(&probe)
                probe.policy.parameters[p] = run.policy.parameters[p] - h
                let down = policyLoss(&probe)
                probe.policy.parameters[p] = run.policy.parameters[p]
                let numeric = (up - down) / (2 * h)
                #expect(abs(numeric - run.policy.gradient[p]) < 1e-6, "policy parameter \(p)")
            }
            for p in run.value.parameters.indices {
                probe.value.parameters[p] = run.value.parameters[p] + h
                let up = valueLoss(&probe)
                probe.value.parameters[p] = run.value.parameters[p] - h
                let down = valueLoss(&probe)
                probe.value.parameters[p] = run.value.parameters[p]
                let numeric = (up - down) / (2 * h)
                #expect(abs(numeric - run.value.gradient[p]) < 1e-6, "value parameter \(p)")
            }
        }

        /// A run is a pure function of the seed: the same seed gives bit-identical weights and
        /// returns, another seed different ones.
        @Test func trainingIsDeterministicInTheSeed() {
            let training = smallTraining(steps: 2_000).clamped
            func train(seed: UInt64) -> (PolicyTrainingResult, [Double], [Double]) {
                var run = PolicyRun(environment: .cartPole(), training: training, seed: seed)
                var ppo = ClippedSurrogate()
                let result = run.execute(&ppo)
                return (result, run.policy.parameters, run.value.parameters)
            }
            let first = train(seed: 21), again = train(seed: 21), other = train(seed: 22)
            #expect(first.0 == again.0)
            #expect(first.1 == again.1 && first.2 == again.2)
            #expect(first.1 != other.1 && first.2 != other.2)
            #expect(first.0.steps == 2_000 && !first.0.failed)
            var ppo = ClippedSurrogate()
            let trainer = PolicyTrainer(environment: .cartPole(), training: training)
            #expect(trainer.train(&ppo, seed: 21) == first.0)
        }

        /// Pinned returns of short runs (4,000 steps, seed 1). A change here changes every
        /// policy-objective fitness: explain it (the trainer's arithmetic, its random streams,
        /// or the environments) before re-pinning.
        @Test func pinnedReturns() {
            func run<O: SurrogateObjective>(_ objective: O, on environment: PolicyEnvironment) -> Double {
                var objective = objective
                let trainer = PolicyTrainer(environment: environment, training: smallTraining(steps: 4_000))
                return trainer.train(&objective, seed: 1).meanReturn
            }
            #expect(run(ClippedSurrogate(), on: .cartPole()) == 141.1)
            #expect(run(ImportanceSurrogate(), on: .cartPole()) == 131.1)
            #expect(run(DriftSurrogate(), on: .cartPole()) == 65.6)
            #expect(run(ClippedSurrogate(), on: .chain()) == 338.0)
            #expect(run(ImportanceSurrogate(), on: .chain()) == 396.6)
            #expect(run(DriftSurrogate(), on: .chain()) == 338.0)
        }

        /// PPO on 8,000 steps balances far longer than the untrained (near-uniform, evaluated
        /// greedily) policy: about 160 against 16 steps over seeds 1–3.
        @Test func ppoBeatsTheUntrainedPolicy() {
            var trained = 0.0, untrained = 0.0
            for seed: UInt64 in 1...3 {
                var ppo = ClippedSurrogate()
                let trainer = PolicyTrainer(environment: .cartPole(), training: smallTraining(steps: 8_000))
                let initial = PolicyTrainer(environment: .cartPole(), training: smallTraining(steps: 0))
                trained += trainer.train(&ppo, seed: seed).meanReturn / 3
                untrained += initial.train(&ppo, seed: seed).meanReturn / 3
            }
            #expect(trained > untrained + 100, "trained \(trained), untrained \(untrained)")
        }

        /// The progress passed to the objective rises from 0 in equal steps, one per minibatch
        /// update, and stays below 1.
        @Test func progressCountsUpdates() {
            var recorder = ProgressRecorder()
            let training = PolicyTraining(
                totalSteps: 2_000, rolloutSteps: 1_000, epochs: 2, minibatchSize: 500)
            _ = PolicyTrainer(environment: .chain(), training: training).train(&recorder, seed: 1)
            #expect(recorder.progress == [0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875])
        }

        /// A non-finite objective or an overflowing gradient stops training with a failure.
        @Test func nonFiniteObjectivesFail() {
            let trainer = PolicyTrainer(environment: .cartPole(), training: smallTraining(steps: 3_000))
            var nan = NotANumberObjective()
            let result = trainer.train(&nan, seed: 1)
            #expect(result == PolicyTrainingResult(meanReturn: 0, failed: true, steps: 1_000))
            #expect(nan.calls == 1)
            var overflow = OverflowingObjective()
            let overflowed = trainer.train(&overflow, seed: 1)
            #expect(overflowed.failed && overflowed.meanReturn == 0)
        }

        /// Settings out of range are clamped as documented, and training with them does not trap.
        @Test func settingsAreClamped() {
            let wild = PolicyTraining(
                totalSteps: -5, rolloutSteps: 0, epochs: -1, minibatchSize: 0,
                policy: .tanh(hidden: 0), value: .tanh(hidden: 5_000),
                policyLearningRate: .nan, valueLearningRate: -1, discount: 2, lambda: .nan,
                entropyBonus: -1, maximumGradientNorm: 0, evaluationEpisodes: 0)
            let clamped = wild.clamped
            #expect(clamped.totalSteps == 0 && clamped.rolloutSteps == 1 && clamped.epochs == 0)
            #expect(clamped.minibatchSize == 1)
            #expect(clamped.policy == .tanh(hidden: 1) && clamped.value == .tanh(hidden: 1_024))
            #expect(clamped.policyLearningRate == 0 && clamped.valueLearningRate == 0)
            #expect(clamped.discount == 1 && clamped.lambda == 0 && clamped.entropyBonus == 0)
            #expect(clamped.maximumGradientNorm == .infinity && clamped.evaluationEpisodes == 1)
            #expect(PolicyTraining(rolloutSteps: 100, minibatchSize: 500).clamped.minibatchSize == 100)
            let huge = PolicyTraining(totalSteps: .max, rolloutSteps: .max, epochs: .max).clamped
            #expect(huge.totalSteps == 1_000_000_000)
            #expect(huge.rolloutSteps == 100_000 && huge.epochs == 1_000)
            var ppo = ClippedSurrogate()
            var odd = wild
            odd.totalSteps = 7
            odd.epochs = 2
            odd.policyLearningRate = .infinity
            let trainer = PolicyTrainer(environment: .chain(length: 3, horizon: 5), training: odd)
            let result = trainer.train(&ppo, seed: 1)
            #expect(result.steps <= 7)
        }

        /// Greedy evaluation of a hand-set linear policy: always forward on the chain earns the
        /// documented return on average, and with more episodes the mean is closer to it.
        @Test func evaluationIsGreedy() {
            let training = PolicyTraining(totalSteps: 0, evaluationEpisodes: 400).clamped
            var run = PolicyRun(environment: .chain(), training: training, seed: 3)
            // Logits: forward gets bias 0.1, back 0 — a near-uniform policy whose argmax is forward.
            for i in run.policy.parameters.indices { run.policy.parameters[i] = 0 }
            run.policy.parameters[run.policy.parameters.count - 2] = 0.1
            let greedy = run.evaluate() ?? 0
            #expect(abs(greedy - 354.57) < 18)
        }
    }
}
