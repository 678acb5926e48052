/// The state of one training run: networks, optimisers, random streams and the preallocated
/// batch buffers, reused by every rollout and minibatch.
struct PolicyRun {
    let training: PolicyTraining
    let initialEnvironment: PolicyEnvironment
    let observationCount: Int
    let actionCount: Int
    let seed: UInt64

    var environment: PolicyEnvironment
    var policy: DenseNetwork
    var value: DenseNetwork
    var policyOptimizer: Adam
    var valueOptimizer: Adam
    var environmentRandom: RandomGenerator
    var actionRandom: RandomGenerator
    var shuffleRandom: RandomGenerator

    // One entry (or one observation) per step of a rollout.
    var observations: [Double]
    var actions: [Int]
    var oldLogProbabilities: [Double]
    var values: [Double]
    var rewards: [Double]
    /// V of the state after each step: 0 after a termination, bootstrapped otherwise.
    var nextValues: [Double]
    /// Whether an episode ended at each step (the GAE recursion restarts there).
    var episodeEnds: [Bool]
    var advantages: [Double]
    var returns: [Double]
    var order: [Int]
    /// Scratch: the observation that ends a truncated episode, and π and log π over the
    /// actions.
    var scratch: [Double]
    var probabilities: [Double]
    var logProbabilities: [Double]

    init(environment: PolicyEnvironment, training: PolicyTraining, seed: UInt64) {
        self.training = training
        self.initialEnvironment = environment
        self.environment = environment
        self.seed = seed
        observationCount = environment.observationCount
        actionCount = environment.actionCount
        var initRandom = RandomGenerator(seed: RandomGenerator.derive(seed, 0x504F_4C49_4359))
        policy = DenseNetwork(
            training.policy, inputs: observationCount, outputs: actionCount, outputScale: 0.01,
            random: &initRandom)
        value = DenseNetwork(
            training.value, inputs: observationCount, outputs: 1, outputScale: 1,
            random: &initRandom)
        policyOptimizer = Adam(count: policy.parameters.count)
        valueOptimizer = Adam(count: value.parameters.count)
        environmentRandom = RandomGenerator(seed: RandomGenerator.derive(seed, 0x454E_56))
        actionRandom = RandomGenerator(seed: RandomGenerator.derive(seed, 0x4143_54))
        shuffleRandom = RandomGenerator(seed: RandomGenerator.derive(seed, 0x5348_5546))
        let n = training.rolloutSteps
        observations = Array(repeating: 0, count: n * observationCount)
        actions = Array(repeating: 0, count: n)
        oldLogProbabilities = Array(repeating: 0, count: n)
        values = Array(repeating: 0, count: n)
        rewards = Array(repeating: 0, count: n)
        nextValues = Array(repeating: 0, count: n)
        episodeEnds = Array(repeating: false, count: n)
        advantages = Array(repeating: 0, count: n)
        returns = Array(repeating: 0, count: n)
        order = Array(0..<n)
        scratch = Array(repeating: 0, count: observationCount)
        probabilities = Array(repeating: 0, count: actionCount)
        logProbabilities = Array(repeating: 0, count: actionCount)
    }

    mutating func execute<O: SurrogateObjective>(_ objective: inout O) -> PolicyTrainingResult {
        let rollouts = training.totalSteps / training.rolloutSteps
        let batch = training.rolloutSteps, minibatch = training.minibatchSize
        let minibatches = (batch + minibatch - 1) / minibatch
        let updates = max(1, Double(rollouts) * Double(training.epochs) * Double(minibatches))
        var update = 0
        func failure(after steps: Int) -> PolicyTrainingResult {
            PolicyTrainingResult(meanReturn: 0, failed: true, steps: steps)
        }
        environment.reset(random: &environmentRandom)
        for rollout in 0..<rollouts {
            let steps = rollout * batch
            guard collect() else { return failure(after: steps) }
            estimateAdvantages()
            // Linear annealing: the last rollout's updates take 1/rollouts of the full step.
            let done = Double(rollout) / Double(rollouts)
            let rateScale = training.annealsLearningRate ? 1 - done : 1
            for _ in 0..<training.epochs {
                shuffle()
                var start = 0
                while start < batch {
                    let end = min(start + minibatch, batch)
                    let progress = Double(update) / updates
                    let moved = descend(
                        &objective, from: start, to: end, progress: progress, rateScale: rateScale)
                    guard moved else { return failure(after: steps + batch) }
                    update += 1
                    start = end
                }
            }
        }
        let steps = rollouts * batch
        guard let meanReturn = evaluate() else { return failure(after: steps) }
        return PolicyTrainingResult(meanReturn: meanReturn, failed: false, steps: steps)
    }

    /// Fills `logProbabilities` and `probabilities` with the log-softmax and the softmax of the
    /// policy's last output.
    ///
    /// - Returns: `false` when an output is not finite.
    @inline(__always)
    mutating func logSoftmax() -> Bool {
        var largest = -Double.infinity
        for k in 0..<actionCount {
            let z = policy.output[k]
            guard z.isFinite else { return false }
            largest = max(largest, z)
        }
        var sum = 0.0
        for k in 0..<actionCount {
            let e = Math.exp(policy.output[k] - largest)
            probabilities[k] = e
            sum += e
        }
        let logSum = Math.log(sum)
        for k in 0..<actionCount {
            logProbabilities[k] = policy.output[k] - largest - logSum
            probabilities[k] /= sum
        }
        return true
    }

    /// Runs the policy for one rollout, filling the batch buffers.
    ///
    /// - Returns: `false` when a network output is not finite.
    mutating func collect() -> Bool {
        let d = observationCount
        for t in 0..<training.rolloutSteps {
            environment.observe(into: &observations, at: t * d)
            policy.forward(observations, at: t * d)
            guard logSoftmax() else { return false }
            var action = actionCount - 1
            var u = actionRandom.nextDouble()
            for k in 0..<actionCount {
                u -= probabilities[k]
                if u < 0 {
                    action = k
                    break
                }
            }
            actions[t] = action
            oldLogProbabilities[t] = logProbabilities[action]
            value.forward(observations, at: t * d)
            values[t] = value.output[0]
            guard values[t].isFinite else { return false }
            let (reward, status) = environment.step(action: action, random: &environmentRandom)
            rewards[t] = reward
            episodeEnds[t] = status.isOver
            switch status {
            case .running:
                nextValues[t] = 0  // unused: the next state's value is values[t + 1]
            case .terminated:
                nextValues[t] = 0
                environment.reset(random: &environmentRandom)
            case .truncated:
                environment.observe(into: &scratch, at: 0)
                value.forward(scratch, at: 0)
                nextValues[t] = value.output[0]
                guard nextValues[t].isFinite else { return false }
                environment.reset(random: &environmentRandom)
            }
        }
        let last = training.rolloutSteps - 1
        if !episodeEnds[last] {
            environment.observe(into: &scratch, at: 0)
            value.forward(scratch, at: 0)
            nextValues[last] = value.output[0]
            guard nextValues[last].isFinite else { return false }
        }
        return true
    }

    /// GAE(γ, λ) advantages and returns, then advantages normalised over the batch.
    mutating func estimateAdvantages() {
        let n = training.rolloutSteps
        let gamma = training.discount, decay = training.discount * training.lambda
        var running = 0.0
        for t in stride(from: n - 1, through: 0, by: -1) {
            let ends = episodeEnds[t]
            let next = ends || t == n - 1 ? nextValues[t] : values[t + 1]
            let delta = rewards[t] + gamma * next - values[t]
            running = delta + (ends ? 0 : decay * running)
            advantages[t] = running
            returns[t] = running + values[t]
        }
        var mean = 0.0
        for t in 0..<n { mean += advantages[t] }
        mean /= Double(n)
        var variance = 0.0
        for t in 0..<n { variance += (advantages[t] - mean) * (advantages[t] - mean) }
        let scale = 1 / ((variance / Double(n)).squareRoot() + 1e-8)
        for t in 0..<n { advantages[t] = (advantages[t] - mean) * scale }
    }

    /// A Fisher–Yates shuffle of the batch order.
    mutating func shuffle() {
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(i, shuffleRandom.nextInt(below: i + 1))
        }
    }

    /// One Adam step on each network over the samples `order[start..<end]`.
    ///
    /// - Returns: `false` when the objective, an output or a gradient is not finite.
    mutating func descend<O: SurrogateObjective>(
        _ objective: inout O, from start: Int, to end: Int, progress: Double, rateScale: Double
    ) -> Bool {
        guard accumulateGradients(&objective, from: start, to: end, progress: progress) else {
            return false
        }
        let norm = training.maximumGradientNorm
        let policyRate = training.policyLearningRate * rateScale
        let valueRate = training.valueLearningRate * rateScale
        return policyOptimizer.step(
            &policy.parameters, gradient: policy.gradient, rate: policyRate, maximumNorm: norm)
            && valueOptimizer.step(
                &value.parameters, gradient: value.gradient, rate: valueRate, maximumNorm: norm)
    }

    /// Sets the networks' gradients to those of the minibatch losses over the samples
    /// `order[start..<end]`: −(mean J + entropy bonus · mean H) for the policy and
    /// mean ½(V − R)² for the value.
    ///
    /// - Returns: `false` when the objective or an output is not finite.
    mutating func accumulateGradients<O: SurrogateObjective>(
        _ objective: inout O, from start: Int, to end: Int, progress: Double
    ) -> Bool {
        let d = observationCount
        let weight = 1 / Double(end - start)
        let entropyBonus = training.entropyBonus
        policy.clearGradient()
        value.clearGradient()
        for position in start..<end {
            let i = order[position]
            policy.forward(observations, at: i * d)
            guard logSoftmax() else { return false }
            let action = actions[i]
            let ratio = Math.exp(logProbabilities[action] - oldLogProbabilities[i])
            let (j, dj) = objective.evaluate(
                ratio: ratio, advantage: advantages[i], progress: progress)
            guard j.isFinite, dj.isFinite else { return false }
            // Minimise −mean J: ∂(−J)/∂z_k = −∂J/∂r · r · (1[k = a] − π_k). A zero derivative
            // (a clipped sample) pulls nothing even if r overflowed.
            let pull = dj == 0 ? 0 : dj * ratio * weight
            var entropy = 0.0
            if entropyBonus > 0 {
                for k in 0..<actionCount { entropy -= probabilities[k] * logProbabilities[k] }
            }
            for k in 0..<actionCount {
                let p = probabilities[k]
                var g = -pull * ((k == action ? 1 : 0) - p)
                // ∂H/∂z_k = −π_k (log π_k + H); the bonus is maximised with J.
                if entropyBonus > 0 {
                    g += entropyBonus * weight * p * (logProbabilities[k] + entropy)
                }
                policy.outputGradient[k] = g
            }
            policy.backward(observations, at: i * d)
            value.forward(observations, at: i * d)
            value.outputGradient[0] = (value.output[0] - returns[i]) * weight
            value.backward(observations, at: i * d)
        }
        return true
    }

    /// The mean return of the greedy policy over the evaluation episodes, on a random stream of
    /// its own; `nil` when a policy output is not finite.
    mutating func evaluate() -> Double? {
        var random = RandomGenerator(seed: RandomGenerator.derive(seed, 0x4556_414C))
        var environment = initialEnvironment
        var total = 0.0
        for _ in 0..<training.evaluationEpisodes {
            environment.reset(random: &random)
            while true {
                environment.observe(into: &scratch, at: 0)
                policy.forward(scratch, at: 0)
                var action = 0
                for k in 0..<actionCount {
                    guard policy.output[k].isFinite else { return nil }
                    if policy.output[k] > policy.output[action] { action = k }
                }
                let (reward, status) = environment.step(action: action, random: &random)
                total += reward
                if status.isOver { break }
            }
        }
        return total / Double(training.evaluationEpisodes)
    }
}
