/// The one random generator of Galapagos: xoshiro256** seeded through SplitMix64.
///
/// Every random choice, from task data to mutation to the random-fill ops of the DSL, flows from
/// explicit generator values: there is no global generator. The algorithms for doubles, bounded
/// integers and Gaussians are written out here rather than taken from the standard library, so
/// that streams are identical across Swift versions and exported code can reproduce them.
public struct RandomGenerator: RandomNumberGenerator, Sendable, Hashable, Codable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Creates a generator whose stream is determined by `seed`.
    public init(seed: UInt64) {
        var mixer = seed
        s0 = Self.splitMix(&mixer)
        s1 = Self.splitMix(&mixer)
        s2 = Self.splitMix(&mixer)
        s3 = Self.splitMix(&mixer)
    }

    /// Creates a generator from its four state words, for snapshots.
    public init(state: [UInt64]) {
        precondition(state.count == 4, "a generator state has four words")
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }  // the all-zero state is a fixed point
    }

    /// The four state words, for snapshots.
    public var state: [UInt64] { [s0, s1, s2, s3] }

    @inline(__always)
    static func splitMix(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Combines values into one well-mixed seed, e.g. `derive(runSeed, island, child)`.
    public static func derive(_ values: UInt64...) -> UInt64 {
        var x: UInt64 = 0x6A09_E667_F3BC_C908
        for value in values {
            x ^= value
            x = splitMix(&x)
        }
        return x
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    /// The next 64 random bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = Self.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotl(s3, 45)
        return result
    }

    /// A double uniformly distributed in [0, 1), with 53 random bits.
    @inline(__always)
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// An integer uniformly distributed in `0..<bound` (Lemire's method, unbiased).
    ///
    /// - Precondition: `bound > 0`.
    @inline(__always)
    public mutating func nextInt(below bound: Int) -> Int {
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// `true` with probability `p`.
    @inline(__always)
    public mutating func nextBool(probability p: Double) -> Bool {
        nextDouble() < p
    }

    /// A double uniformly distributed in [low, high).
    @inline(__always)
    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * nextDouble()
    }

    /// A standard normal deviate by the Box–Muller transform (two uniforms per value, no cache,
    /// so that the stream has no hidden state).
    @inline(__always)
    public mutating func nextGaussian() -> Double {
        let u1 = 1.0 - nextDouble()  // in (0, 1]: log is finite
        let u2 = nextDouble()
        return (-2.0 * Math.log(u1)).squareRoot() * Math.cos(2.0 * Double.pi * u2)
    }

    /// A normal deviate with the given mean and standard deviation.
    @inline(__always)
    public mutating func gaussian(_ mean: Double, _ standardDeviation: Double) -> Double {
        mean + standardDeviation * nextGaussian()
    }
}
