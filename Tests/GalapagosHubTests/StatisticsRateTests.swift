import Testing
@testable import GalapagosHub
import Galapagos

/// How often a hub run's islands write statistics rows: the run as a whole, not each island,
/// has a budget, so that the first hour (whose rows are all kept) does not grow with the run's
/// width.
struct StatisticsRateTests {
    /// Rows per second the whole run writes when every island samples at its interval.
    private func runRate(islands: Int, syncSeconds: Double = 1, sessionSeconds: Double = 60) -> Double {
        let interval = HubRetention.statisticsInterval(
            islands: islands, syncSeconds: syncSeconds, sessionSeconds: sessionSeconds)
        return Double(islands) / interval
    }

    @Test func aWideRunWritesNoMoreRowsThanANarrowOne() {
        for islands in [3, 10, 100, 2_000, 100_000] {
            #expect(runRate(islands: islands) <= HubRetention.statisticsRowsPerSecond * (1 + 1e-12))
        }
        // Ten islands and ten thousand write the same number of rows in a minute.
        #expect(abs(runRate(islands: 10) - runRate(islands: 10_000)) < 1e-12)
    }

    @Test func aSmallRunSamplesEveryFiveSecondsOrEverySync() {
        #expect(HubRetention.statisticsInterval(islands: 1, syncSeconds: 1, sessionSeconds: 60) == 5)
        #expect(HubRetention.statisticsInterval(islands: 1, syncSeconds: 8, sessionSeconds: 60) == 8)
        // A damaged definition with no islands still has a positive interval.
        #expect(HubRetention.statisticsInterval(islands: 0, syncSeconds: 0, sessionSeconds: 0) >= 5)
    }

    @Test func samplesThinOutAsAWorkersSessionAges() {
        let early = HubRetention.statisticsInterval(islands: 10, syncSeconds: 1, sessionSeconds: 60)
        let day = HubRetention.statisticsInterval(islands: 10, syncSeconds: 1, sessionSeconds: 86_400)
        #expect(day > early)
        #expect(day == 86_400 / 200)
    }
}

/// A hub stores each island's own rate; what a run's report reads is the run's, as in a run file.
struct RunRateTests {
    private func row(_ island: Int, individuals: Int, seconds: Double, islandRate: Double) -> RunReader.Statistic {
        RunReader.Statistic(
            individuals: individuals, seconds: seconds, island: island, size: 100, best: 1, mean: 1,
            median: 1, diversity: 1, individualsPerSecond: islandRate, fecHits: 0)
    }

    @Test func eachRowCarriesTheRunsRateSinceItsIslandsPreviousRow() {
        // Two islands at 1,000 individuals/s each: the run adds 2,000 a second.
        let rows = HubSnapshot.withRunRates([
            row(0, individuals: 10_000, seconds: 5, islandRate: 1_000),
            row(1, individuals: 14_000, seconds: 7, islandRate: 1_000),
            row(0, individuals: 30_000, seconds: 15, islandRate: 1_000),
            row(1, individuals: 34_000, seconds: 17, islandRate: 1_000),
        ])
        // The run's first row has nothing to measure from; island 1's first row measures from
        // the run's previous row, later rows from their island's previous row.
        #expect(rows.map(\.individualsPerSecond) == [0, 2_000, 2_000, 2_000])
        // Nothing else changes.
        #expect(rows.map(\.individuals) == [10_000, 14_000, 30_000, 34_000])
        #expect(rows.map(\.island) == [0, 1, 0, 1])
    }

    @Test func aRowWithoutElapsedTimeHasNoRate() {
        let rows = HubSnapshot.withRunRates([
            row(0, individuals: 0, seconds: 3, islandRate: 0),
            row(1, individuals: 500, seconds: 3, islandRate: 0),
            row(0, individuals: 900, seconds: 3, islandRate: 0),
        ])
        #expect(rows.map(\.individualsPerSecond) == [0, 0, 0])
    }
}

/// The islands' first statistics rows, spread over the first interval.
struct FirstStatisticsTests {
    @Test func theFirstRowsArriveOneAfterAnotherFromTheStart() {
        for islands in [1, 10, 2_000] {
            let interval = HubRetention.statisticsInterval(islands: islands, syncSeconds: 1, sessionSeconds: 0)
            let delays = (0..<islands).map {
                HubRetention.firstStatisticsDelay(island: $0, islands: islands, interval: interval)
            }.sorted()
            // Every island has its own moment within the first interval, the last at its end.
            #expect(Set(delays).count == islands)
            #expect(delays.allSatisfy { $0 > 0 && $0 <= interval })
            #expect(delays.last == interval)
            // Evenly spaced; where the run's share sets the interval (ten islands or more
            // here), a row every 1/budget seconds from the start.
            let gap = interval / Double(islands)
            #expect(zip(delays, delays.dropFirst()).allSatisfy { abs($1 - $0 - gap) < 1e-6 })
            if islands >= 10 { #expect(abs(gap - 1 / HubRetention.statisticsRowsPerSecond) < 1e-9) }
        }
        // Ten islands: the first row after 2 s, not 20.
        #expect(HubRetention.firstStatisticsDelay(island: 0, islands: 10, interval: 20) == 2)
        // An index outside the run (a damaged row) still waits within one interval.
        #expect(HubRetention.firstStatisticsDelay(island: -3, islands: 10, interval: 20) <= 20)
    }
}

/// A hub's migrant rows hold the sender's own count; reports show the run's, as run files do.
struct MigrationCountTests {
    private func row(_ island: Int, individuals: Int, seconds: Double) -> RunReader.Statistic {
        RunReader.Statistic(
            individuals: individuals, seconds: seconds, island: island, size: 100, best: 1, mean: 1,
            median: 1, diversity: 1, individualsPerSecond: 0, fecHits: 0)
    }

    private func migrant(senderCount: Int, at seconds: Double) -> (event: MigrationEvent, seconds: Double) {
        (MigrationEvent(individuals: senderCount, from: 1, to: 0, memberID: 7, originalID: 7, fitness: 0.5), seconds)
    }

    @Test func migrantsArePlacedAtTheRunsCountWhenTheyWereSent() {
        // The run adds 2,000 individuals a second (rows as the snapshot keeps them, with the
        // run's rates).
        let statistics = HubSnapshot.withRunRates([
            row(0, individuals: 4_000, seconds: 2), row(1, individuals: 8_000, seconds: 4),
            row(0, individuals: 12_000, seconds: 6),
        ])
        let placed = HubSnapshot.atRunCounts(
            [migrant(senderCount: 900, at: 1), migrant(senderCount: 1_500, at: 5),
             migrant(senderCount: 2_000, at: 6), migrant(senderCount: 2_100, at: 7)],
            statistics: statistics)
        // Before the first row, from zero at creation; between rows, interpolated; after the
        // last, at the last row's rate (2,000/s from island 0's previous row).
        #expect(placed.map(\.individuals) == [2_000, 10_000, 12_000, 14_000])
        // Nothing else changes.
        #expect(placed.allSatisfy { $0.from == 1 && $0.to == 0 && $0.memberID == 7 && $0.fitness == 0.5 })
    }

    @Test func withoutStatisticsMigrantsKeepTheSendersCount() {
        let placed = HubSnapshot.atRunCounts([migrant(senderCount: 900, at: 1)], statistics: [])
        #expect(placed.map(\.individuals) == [900])
    }
}
