/// One island's statistics at a moment of a run: a row of the run file's `statistic` table.
///
/// Samples are taken on their own clock (``RecordedRun/statisticsInterval``), independently of
/// checkpoints, and written with the next checkpoint: a short run still has a curve to plot,
/// and a long run's checkpoint interval does not thin it out.
public struct StatisticSample: Sendable, Equatable, Codable {
    public var individuals: Int
    public var seconds: Double
    public var island: Int
    public var size: Int
    public var best: Double?
    public var mean: Double?
    public var median: Double?
    /// Distinct behaviours (FEC fingerprints) among the island's members.
    public var diversity: Int
    public var individualsPerSecond: Double
    public var fecHits: Int

    public init(
        individuals: Int, seconds: Double, island: Int, size: Int, best: Double?, mean: Double?,
        median: Double?, diversity: Int, individualsPerSecond: Double, fecHits: Int
    ) {
        self.individuals = individuals
        self.seconds = seconds
        self.island = island
        self.size = size
        self.best = best
        self.mean = mean
        self.median = median
        self.diversity = diversity
        self.individualsPerSecond = individualsPerSecond
        self.fecHits = fecHits
    }

    /// One sample per island of the given populations.
    public static func of(
        islands: [[Member]], individuals: Int, seconds: Double, individualsPerSecond: Double,
        fecHits: Int
    ) -> [StatisticSample] {
        islands.enumerated().map { index, members in
            let fitness = members.map(\.fitness).sorted()
            return StatisticSample(
                individuals: individuals, seconds: seconds, island: index, size: members.count,
                best: fitness.last,
                mean: fitness.isEmpty ? nil : fitness.reduce(0, +) / Double(fitness.count),
                median: fitness.isEmpty ? nil : fitness[fitness.count / 2],
                diversity: Set(members.map(\.fingerprint)).count,
                individualsPerSecond: individualsPerSecond, fecHits: fecHits)
        }
    }

    /// The seconds between two samples of an island `sessionSeconds` into a session: `minimum`
    /// at first, then 1/200 of the session so far. Samples thin out as a session ages, so that
    /// a day adds about a thousand per island instead of one per `minimum`, and a week a few
    /// hundred more: the count grows with the logarithm of the session's length.
    public static func interval(minimum: Double, sessionSeconds: Double) -> Double {
        max(minimum, sessionSeconds / 200)
    }
}
