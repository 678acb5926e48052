import PostgresNIO

/// What a hub run keeps, so that a run of weeks has tables of bounded size:
/// - migrants: deleted by their receiver's checkpoint once its committed cursor has passed
///   them (see ``HubRun/checkpoint(_:worker:leaseSeconds:)``);
/// - statistics: every row of the last hour, then the first row of each minute up to a day
///   old, then the first row of each hour, per island;
/// - the hall of fame, events and checkpoints: kept (the hall of fame is append-only and
///   bounded by distinct programs found; an island's checkpoint is one row, replaced).
public enum HubRetention {
    /// Every this many checkpoints of an island, its statistics are thinned.
    public static let statisticsEvery = 30
    /// Rows younger than this are all kept.
    public static let keepEveryRow = "1 hour"
    /// Rows older than this are kept one per hour; younger ones one per minute.
    public static let keepHourly = "1 day"

    /// Deletes an island's statistics rows that share their minute (older than an hour) or
    /// their hour (older than a day) with an earlier row of the island.
    static func thinStatistics(run: String, island: Int) -> PostgresQuery {
        """
        DELETE FROM galapagos_statistic s
        WHERE s.run = \(run) AND s.island = \(island)
            AND s.at < now() - \(keepEveryRow)::INTERVAL
            AND EXISTS (
                SELECT 1 FROM galapagos_statistic t
                WHERE t.run = s.run AND t.island = s.island AND t.individuals < s.individuals
                    AND date_trunc(CASE WHEN s.at < now() - \(keepHourly)::INTERVAL THEN 'hour' ELSE 'minute' END, t.at)
                        = date_trunc(CASE WHEN s.at < now() - \(keepHourly)::INTERVAL THEN 'hour' ELSE 'minute' END, s.at))
        """
    }
}
