/// How a task turns a program's validation predictions into a fitness in [0, 1].
public enum FitnessMetric: String, Sendable, Codable, CaseIterable {
    /// Regression: 1 − (2/π)·arctan(RMSE), AutoML-Zero's squashed root-mean-square error.
    case rms
    /// Binary classification: the accuracy of sigmoid(s1) thresholded at 0.5. During training
    /// the prediction register is replaced by its sigmoid before `learn` runs.
    case accuracy

    /// Whether predictions pass through a sigmoid (classification).
    public var isClassification: Bool { self == .accuracy }
}

/// How per-task fitnesses combine into the program's fitness.
public enum FitnessAggregation: String, Sendable, Codable, CaseIterable {
    case mean
    case median

    /// Combines per-task fitnesses; an empty list gives 0.
    public func combine(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        switch self {
        case .mean:
            return values.reduce(0, +) / Double(values.count)
        case .median:
            let sorted = values.sorted()
            let middle = sorted.count / 2
            return sorted.count % 2 == 1
                ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        }
    }
}
