/// How a task turns a program's validation predictions into a fitness in [0, 1].
public enum FitnessMetric: String, Sendable, Codable, CaseIterable {
    /// Regression: 1 − (2/π)·arctan(RMSE), AutoML-Zero's squashed root-mean-square error.
    case rms
    /// Regression: the coefficient of determination R² on the scored split, clamped to [0, 1].
    case r2
    /// Regression: 1 − (2/π)·arctan(mean absolute error).
    case mae
    /// Classification: the accuracy of sigmoid(s1) thresholded at 0.5 (binary), or of the
    /// largest logit in `v1` (multi-class). During training the prediction is replaced by its
    /// sigmoid (binary) or softmax (multi-class) before `learn` runs.
    case accuracy
    /// Classification: 1 − (2/π)·arctan(mean log-loss) of the same probabilities: a smooth
    /// signal where accuracy is a plateau.
    case logLoss = "log_loss"

    /// Whether predictions are class probabilities (classification).
    public var isClassification: Bool { self == .accuracy || self == .logLoss }
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
