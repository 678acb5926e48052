/// The examples of one task: training, validation and (optionally) test splits, with the order
/// in which each training epoch visits the examples.
///
/// The data lives in buffers allocated once and never written after `init`, which is what makes
/// the class safe to share between worker threads.
public final class TaskDataset: @unchecked Sendable {
    /// A short description, e.g. `linear_regression #3`.
    public let name: String
    /// How validation predictions become a fitness.
    public let metric: FitnessMetric
    /// The feature size F.
    public let features: Int
    /// Number of training, validation and test examples.
    public let trainCount: Int
    public let validCount: Int
    public let testCount: Int
    /// Number of passes over the training examples.
    public let epochs: Int
    /// Seeds the machine's generator before `setup`, so that the random-fill ops of a program
    /// give the same values every time the program meets this task.
    public let programSeed: UInt64
    /// Classes of a multi-class task (labels are class indices); 0 for regression and
    /// binary tasks (labels 0 or 1).
    public let classes: Int

    /// The environment a policy trains on, for policy-objective tasks (which have no examples).
    public let policy: PolicyTask?

    /// Whether predictions are logits in `v1` (more than two classes).
    public var isMulticlass: Bool { classes > 2 }

    // Row-major example features (count × F) and labels per split.
    let trainFeatures: UnsafeMutablePointer<Double>
    let trainLabels: UnsafeMutablePointer<Double>
    let validFeatures: UnsafeMutablePointer<Double>
    let validLabels: UnsafeMutablePointer<Double>
    let testFeatures: UnsafeMutablePointer<Double>
    let testLabels: UnsafeMutablePointer<Double>
    /// `epochs × trainCount` training example indices.
    let epochOrder: UnsafeMutablePointer<Int32>

    /// One split of examples, as row-major features and labels.
    public struct Split: Sendable {
        public var features: [Double]
        public var labels: [Double]

        public init(features: [Double], labels: [Double]) {
            self.features = features
            self.labels = labels
        }

        public var count: Int { labels.count }
    }

    /// Creates a task.
    ///
    /// - Parameters:
    ///   - shuffleSeed: seeds the per-epoch shuffles of the training examples.
    /// - Precondition: every split's `features.count == labels.count * features`.
    public init(
        name: String, metric: FitnessMetric, features: Int, train: Split, valid: Split,
        test: Split = Split(features: [], labels: []), epochs: Int, shuffleSeed: UInt64,
        programSeed: UInt64, classes: Int = 0, policy: PolicyTask? = nil
    ) {
        precondition(train.features.count == train.count * features, "train features")
        precondition(valid.features.count == valid.count * features, "valid features")
        precondition(test.features.count == test.count * features, "test features")
        self.name = name
        self.metric = metric
        self.features = features
        self.trainCount = train.count
        self.validCount = valid.count
        self.testCount = test.count
        self.epochs = max(1, epochs)
        self.programSeed = programSeed
        self.classes = classes
        self.policy = policy
        trainFeatures = Self.copy(train.features)
        trainLabels = Self.copy(train.labels)
        validFeatures = Self.copy(valid.features)
        validLabels = Self.copy(valid.labels)
        testFeatures = Self.copy(test.features)
        testLabels = Self.copy(test.labels)
        epochOrder = .allocate(capacity: max(1, self.epochs * train.count))
        var random = RandomGenerator(seed: shuffleSeed)
        var order = (0..<train.count).map { Int32($0) }
        for epoch in 0..<self.epochs {
            // Fisher–Yates, with our own bounded integers so the order never depends on the
            // standard library's shuffle.
            if order.count > 1 {
                for i in stride(from: order.count - 1, to: 0, by: -1) {
                    order.swapAt(i, random.nextInt(below: i + 1))
                }
            }
            for k in 0..<train.count { epochOrder[epoch * train.count + k] = order[k] }
        }
    }

    private static func copy(_ values: [Double]) -> UnsafeMutablePointer<Double> {
        let pointer = UnsafeMutablePointer<Double>.allocate(capacity: max(1, values.count))
        if !values.isEmpty { pointer.initialize(from: values, count: values.count) }
        return pointer
    }

    deinit {
        for pointer in [
            trainFeatures, trainLabels, validFeatures, validLabels, testFeatures, testLabels,
        ] {
            pointer.deallocate()
        }
        epochOrder.deallocate()
    }

    /// The training split, in storage order.
    public var train: Split { split(trainFeatures, trainLabels, trainCount) }
    /// The validation split.
    public var valid: Split { split(validFeatures, validLabels, validCount) }
    /// The test split (empty for tasks without one).
    public var test: Split { split(testFeatures, testLabels, testCount) }

    private func split(
        _ x: UnsafeMutablePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int
    ) -> Split {
        Split(
            features: Array(UnsafeBufferPointer(start: x, count: n * features)),
            labels: Array(UnsafeBufferPointer(start: y, count: n)))
    }
}
