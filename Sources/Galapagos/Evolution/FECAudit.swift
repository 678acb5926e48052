/// How often the functional-equivalence cache gave a child the wrong fitness, measured by
/// evaluating a sample of cache hits in full (``FECSpec/audit``).
///
/// A hit gives a child the fitness cached for its fingerprint: a hash of its predictions on the
/// first steps of one task (or of every task, ``FECSpec/probesEveryTask``). Two programs that
/// agree there but differ later get the same fitness; the audit counts how often that happens
/// and by how much. Audits only measure: they never change a fitness the search uses.
public struct FECAudit: Sendable, Equatable {
    /// Differences up to this size are rounding, not a wrong fitness: two programs that compute
    /// the same function in another order (`(a + b) + c` and `a + (b + c)`) share a fingerprint
    /// and may differ in the last bits of their fitness.
    public static let roundingTolerance = 1e-9

    /// Hits evaluated in full.
    public private(set) var checked = 0
    /// Audited hits whose full evaluation differed from the cached fitness by more than
    /// ``roundingTolerance``: the cache gave them a wrong fitness.
    public private(set) var wrong = 0
    /// Audited hits that differed by rounding only.
    public private(set) var rounding = 0
    /// The largest difference between a cached and a full fitness.
    public private(set) var maximumError = 0.0
    /// The sum of the differences, over every audited hit.
    public private(set) var totalError = 0.0

    public init() {}

    /// Records one audited hit.
    public mutating func record(cached: Double, evaluated: Double) {
        checked += 1
        guard cached.bitPattern != evaluated.bitPattern else { return }
        // NaN never reaches a fitness; should it, it counts as the largest error.
        let error = abs(cached - evaluated)
        let counted = error.isNaN ? Double.infinity : error
        if counted > Self.roundingTolerance { wrong += 1 } else { rounding += 1 }
        maximumError = max(maximumError, counted)
        if counted.isFinite { totalError += counted }
    }

    /// The share of audited hits that carried a wrong fitness; `nil` before any audit.
    public var rate: Double? { checked > 0 ? Double(wrong) / Double(checked) : nil }

    /// The mean difference over audited hits; `nil` before any audit.
    public var meanError: Double? { checked > 0 ? totalError / Double(checked) : nil }
}
