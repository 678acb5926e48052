/// A small fully connected network of the policy trainer: linear, or one tanh hidden layer.
///
/// Parameters live in one flat vector, the gradient in another of the same layout, so that an
/// optimiser sees one vector. Layout: hidden weights (hidden × inputs, row-major), hidden
/// biases, output weights (outputs × hidden, or outputs × inputs without a hidden layer),
/// output biases. `forward` keeps the hidden activations for the following `backward`.
struct DenseNetwork {
    let inputs: Int
    let outputs: Int
    /// The hidden width; 0 for a linear network.
    let hidden: Int
    var parameters: [Double]
    /// The accumulated gradient of a loss, in the layout of `parameters`.
    var gradient: [Double]
    /// The outputs of the last `forward`.
    var output: [Double]
    /// ∂loss/∂output for the sample last passed to `forward`; set it before `backward`.
    var outputGradient: [Double]
    private var activation: [Double]

    /// A network whose hidden weights are drawn N(0, 1/inputs) and whose output weights are
    /// drawn N(0, outputScale²/fan-in); biases start at 0. A small `outputScale` starts a policy
    /// near uniform.
    init(
        _ shape: PolicyTraining.Network, inputs: Int, outputs: Int, outputScale: Double,
        random: inout RandomGenerator
    ) {
        self.inputs = inputs
        self.outputs = outputs
        switch shape {
        case .linear: hidden = 0
        case let .tanh(width): hidden = max(1, width)
        }
        let fanIn = hidden == 0 ? inputs : hidden
        let outputWeights = outputs * fanIn
        let hiddenCount = hidden * (inputs + 1)
        var parameters = [Double](repeating: 0, count: hiddenCount + outputWeights + outputs)
        let hiddenScale = 1 / Double(max(1, inputs)).squareRoot()
        for i in 0..<(hidden * inputs) { parameters[i] = random.nextGaussian() * hiddenScale }
        let outputScale = outputScale / Double(max(1, fanIn)).squareRoot()
        for i in 0..<outputWeights {
            parameters[hiddenCount + i] = random.nextGaussian() * outputScale
        }
        self.parameters = parameters
        gradient = Array(repeating: 0, count: parameters.count)
        output = Array(repeating: 0, count: outputs)
        outputGradient = Array(repeating: 0, count: outputs)
        activation = Array(repeating: 0, count: hidden)
    }

    /// Computes `output` for the input `x[offset..<offset + inputs]`.
    @inline(__always)
    mutating func forward(_ x: [Double], at offset: Int) {
        if hidden == 0 {
            let biases = outputs * inputs
            for o in 0..<outputs {
                var z = parameters[biases + o]
                let row = o * inputs
                for k in 0..<inputs { z += parameters[row + k] * x[offset + k] }
                output[o] = z
            }
            return
        }
        let hiddenBiases = hidden * inputs
        for h in 0..<hidden {
            var a = parameters[hiddenBiases + h]
            let row = h * inputs
            for k in 0..<inputs { a += parameters[row + k] * x[offset + k] }
            activation[h] = Self.tanh(a)
        }
        let weights = hiddenBiases + hidden
        let biases = weights + outputs * hidden
        for o in 0..<outputs {
            var z = parameters[biases + o]
            let row = weights + o * hidden
            for h in 0..<hidden { z += parameters[row + h] * activation[h] }
            output[o] = z
        }
    }

    /// Adds ∂loss/∂parameters for the sample last passed to `forward` (the same `x` and
    /// `offset`) to `gradient`, given `outputGradient`.
    @inline(__always)
    mutating func backward(_ x: [Double], at offset: Int) {
        if hidden == 0 {
            let biases = outputs * inputs
            for o in 0..<outputs {
                let g = outputGradient[o]
                gradient[biases + o] += g
                let row = o * inputs
                for k in 0..<inputs { gradient[row + k] += g * x[offset + k] }
            }
            return
        }
        let hiddenBiases = hidden * inputs
        let weights = hiddenBiases + hidden
        let biases = weights + outputs * hidden
        for o in 0..<outputs { gradient[biases + o] += outputGradient[o] }
        for h in 0..<hidden {
            let a = activation[h]
            var upstream = 0.0
            for o in 0..<outputs {
                let g = outputGradient[o]
                upstream += g * parameters[weights + o * hidden + h]
                gradient[weights + o * hidden + h] += g * a
            }
            let g = upstream * (1 - a * a)
            gradient[hiddenBiases + h] += g
            let row = h * inputs
            for k in 0..<inputs { gradient[row + k] += g * x[offset + k] }
        }
    }

    /// tanh x = 1 − 2 / (e^{2x} + 1): one `exp`, cheaper than libm's `tanh`, exact to within
    /// a few ulps of 1 (relative accuracy near 0 does not matter to a network); saturates to
    /// ±1 without overflow trouble.
    @inline(__always)
    static func tanh(_ x: Double) -> Double {
        1 - 2 / (Math.exp(2 * x) + 1)
    }

    /// Sets `gradient` to 0.
    @inline(__always)
    mutating func clearGradient() {
        for i in 0..<gradient.count { gradient[i] = 0 }
    }
}
