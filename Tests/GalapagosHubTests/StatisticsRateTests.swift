import Testing
@testable import GalapagosHub

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
