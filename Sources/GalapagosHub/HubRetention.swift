import PostgresNIO
import Galapagos

/// What a hub run keeps, so that a run of weeks has tables of bounded size:
/// - migrants: deleted by their receiver's checkpoint once its committed cursor has passed
///   them (see ``HubRun/checkpoint(_:worker:leaseSeconds:)``);
/// - statistics: written at most ``statisticsRowsPerSecond`` for the whole run; every row of the
///   last hour kept, then the first row of each minute up to a day old, then the first row of
///   each hour, per island;
/// - the hall of fame: append-only, and an offered program is kept only when it enters the
///   run's top ``hallOfFameTop`` by fitness or no kept program is both as fit and as small (the
///   fitness–size Pareto front), so it grows with improvements, not with time;
/// - events and checkpoints: kept (an island's checkpoint is one row, replaced). A replaced
///   checkpoint leaves its old compressed value in the table's TOAST until a vacuum: the
///   coordinator vacuums the checkpoints every ``vacuumEvery`` (autovacuum wakes once a minute,
///   and the table would grow to hold a minute of checkpoints and more).
public enum HubRetention {
    /// How often the coordinator vacuums the checkpoint table. Each vacuum frees every replaced
    /// checkpoint, so the table holds the live checkpoints plus what the workers wrote in one
    /// interval: 2 s of a run's checkpoints, for a vacuum that scans a few pages per island.
    public static let vacuumEvery = Duration.seconds(2)

    /// An offered program enters the hall of fame when fewer than this many kept programs are
    /// at least as fit (or when it extends the fitness–size front).
    public static let hallOfFameTop = 100
    /// Every this many checkpoints of an island, its statistics are thinned.
    public static let statisticsEvery = 30
    /// The statistics rows a whole run writes per second at most, however many islands it has:
    /// its first hour, whose rows are all kept, then holds about 1,800 rows (under 1 MB) whether
    /// it has ten islands or ten thousand. The run's curve keeps a point every 2 s; each
    /// island's own is as coarse as the run is wide.
    public static let statisticsRowsPerSecond = 0.5

    /// The seconds between two statistics rows of an island of a run of `islands` islands,
    /// `sessionSeconds` into its worker's session: the run's share of
    /// ``statisticsRowsPerSecond`` (at least 5 s and one sync), then, as a session ages, 1/200 of
    /// it as run files sample (``StatisticSample/interval(minimum:sessionSeconds:)``).
    public static func statisticsInterval(islands: Int, syncSeconds: Double, sessionSeconds: Double) -> Double {
        let share = Double(max(1, islands)) / statisticsRowsPerSecond
        return StatisticSample.interval(minimum: max(5, syncSeconds, share), sessionSeconds: sessionSeconds)
    }
    /// The seconds before an island's first statistics row, `interval` being its interval
    /// (``statisticsInterval(islands:syncSeconds:sessionSeconds:)``): island i of n waits
    /// (i + 1)/n of it, so that the run's first rows arrive one after another from the start
    /// instead of all together after a whole interval (over an hour for a run of 2,000
    /// islands).
    public static func firstStatisticsDelay(island: Int, islands: Int, interval: Double) -> Double {
        let count = max(1, islands)
        return interval * Double(((island % count) + count) % count + 1) / Double(count)
    }
    /// Rows younger than this are all kept.
    public static let keepEveryRow = "1 hour"
    /// Rows older than this are kept one per hour; younger ones one per minute.
    public static let keepHourly = "1 day"

    /// Fitness within this share of a kept program's (relative, at least absolute) counts as
    /// a tie: equivalent programs that differ in rounding (1e-11 apart on linear_demo's
    /// plateau) would otherwise enter the top one after another.
    public static let fitnessTolerance = 1e-7

    /// Inserts an offered program unless it is already kept, or the run's top
    /// ``hallOfFameTop`` are all at least as fit and some kept program is as fit and no larger
    /// (as fit: within ``fitnessTolerance``). Rows are never deleted, so whatever a reader saw
    /// stays. Returns a row when the program was inserted.
    static func offer(_ entry: HallOfFameEntry, run: String, worker: String) -> PostgresQuery {
        let asFit = entry.fitness - fitnessTolerance * max(1, abs(entry.fitness))
        return """
        INSERT INTO galapagos_hall_of_fame
            (run, program, fitness, fingerprint, island, member_id, individuals, size, worker)
        SELECT \(run), \(entry.program), \(entry.fitness), \(Int64(bitPattern: entry.fingerprint)),
               \(entry.island), \(entry.memberID), \(entry.individuals), \(entry.size), \(worker)
        WHERE (SELECT count(*) FROM (
                   SELECT 1 FROM galapagos_hall_of_fame
                   WHERE run = \(run) AND fitness >= \(asFit) LIMIT \(hallOfFameTop)) AS fitter)
                < \(hallOfFameTop)
            OR NOT EXISTS (
                   SELECT 1 FROM galapagos_hall_of_fame
                   WHERE run = \(run) AND fitness >= \(asFit) AND size <= \(entry.size))
        ON CONFLICT (run, program) DO NOTHING
        RETURNING member_id
        """
    }

    /// Reclaims the space of replaced checkpoints (a warning, not an error, when the role may not
    /// vacuum the table; autovacuum then does it, later).
    static let vacuumCheckpoints: PostgresQuery = "VACUUM galapagos_island"

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
