/// What the columns of a CSV file are for: the `data:` section of a search space (or the
/// `dataset:`/`label:` keys of a task section).
public struct DataSpec: Sendable, Equatable {
    /// What the target column holds.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        /// Classes, as numbers or text; two classes give AutoML-Zero's binary tasks, more give
        /// multi-class tasks.
        case classification
        /// Numbers to predict.
        case regression
    }

    /// What to do with a row that has a missing cell (empty, `NA`, `N/A`, `?`, `null`) in a
    /// column the tasks use.
    public enum MissingPolicy: String, Sendable, CaseIterable, Codable {
        /// Refuse the file, naming the first such cell.
        case error
        /// Leave such rows out (`searchspace info` says how many).
        case drop
    }

    /// The CSV file, as the search space names it.
    public var path: String
    /// The column to predict.
    public var target: String
    public var kind: Kind
    /// The feature columns, in this order; `nil`: every column but the target and `drop`.
    public var features: [String]?
    /// Columns to ignore (row numbers, names, text).
    public var drop: [String]
    public var missing: MissingPolicy

    public init(
        path: String, target: String, kind: Kind, features: [String]? = nil, drop: [String] = [],
        missing: MissingPolicy = .error
    ) {
        self.path = path
        self.target = target
        self.kind = kind
        self.features = features
        self.drop = drop
        self.missing = missing
    }
}
