/// The size of a program's memory: how many registers of each kind, and the feature size F.
///
/// By convention (as in AutoML-Zero) `s0` holds the label during `learn`, `s1` the prediction
/// after `predict`, and `v0` the input features.
public struct MemoryShape: Hashable, Sendable, Codable {
    /// The feature size F: the length of every vector and the side of every matrix.
    public var features: Int
    /// The number of scalar registers (at least 2: the label `s0` and the prediction `s1`).
    public var scalars: Int
    /// The number of vector registers (at least 1: the features `v0`).
    public var vectors: Int
    /// The number of matrix registers.
    public var matrices: Int
    /// How many scalar registers, from `s2` on, also receive the features (for symbolic
    /// regression, where scalar ops work on the inputs directly); 0 for none.
    public var inputScalars: Int

    /// The largest feature size the interpreter accepts.
    public static let maximumFeatures = 256
    /// The largest number of registers of one kind.
    public static let maximumRegisters = 1_000
    /// The largest memory, in `Double`s, that one program may use (256 MiB).
    public static let maximumDoubles = 32 * 1024 * 1024

    public init(features: Int, scalars: Int, vectors: Int, matrices: Int, inputScalars: Int = 0) {
        self.features = features
        self.scalars = scalars
        self.vectors = vectors
        self.matrices = matrices
        self.inputScalars = inputScalars
    }

    /// The first scalar register that receives a feature when ``inputScalars`` > 0.
    public static let firstInputScalar = 2

    /// The scalar registers that receive the features (`s2`, `s3`, …), as many as
    /// ``inputScalars`` asks for and the features and scalar registers allow.
    public var inputScalarRegisters: [Register] {
        let count = Swift.max(0, Swift.min(inputScalars, features, scalars - Self.firstInputScalar))
        return (0..<count).map { Register(.scalar, Self.firstInputScalar + $0) }
    }

    /// The number of registers of a kind.
    public func count(of kind: ValueKind) -> Int {
        switch kind {
        case .scalar: scalars
        case .vector: vectors
        case .matrix: matrices
        }
    }

    /// The number of `Double`s one register of a kind occupies.
    public func width(of kind: ValueKind) -> Int {
        switch kind {
        case .scalar: 1
        case .vector: features
        case .matrix: features * features
        }
    }

    /// The number of `Double`s the whole memory occupies.
    public var doubleCount: Int {
        scalars + vectors * features + matrices * features * features
    }

    /// The register that receives the label during `learn`.
    public static let labelScalar = 0
    /// The register that holds the prediction after `predict`.
    public static let predictionScalar = 1
    /// The register that receives the features.
    public static let featuresVector = 0
}
