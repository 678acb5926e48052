import Testing
@testable import Galapagos

/// The report's per-island spread: islands sampled together (run files) and islands sampled at
/// their own times (hub runs) both give every island's latest value at each point.
struct IslandSpreadTests {
    private func row(_ island: Int, at individuals: Int, best: Double, size: Int = 100) -> RunReader.Statistic {
        RunReader.Statistic(
            individuals: individuals, seconds: Double(individuals) / 1_000, island: island, size: size,
            best: best, mean: nil, median: nil, diversity: 0, individualsPerSecond: 0, fecHits: 0)
    }

    @Test func islandsSampledTogetherGiveOnePointPerSample() {
        let rows = [
            row(0, at: 100, best: 0.1), row(1, at: 100, best: 0.3), row(2, at: 100, best: 0.2),
            row(0, at: 200, best: 0.5), row(1, at: 200, best: 0.4), row(2, at: 200, best: 0.6),
        ]
        let spread = IslandSpread(rows) { $0.best }
        #expect(spread.band.map(\.x) == [100, 200])
        #expect(spread.band.map(\.low) == [0.1, 0.4])
        #expect(spread.band.map(\.high) == [0.3, 0.6])
        #expect(spread.median.map(\.y) == [0.2, 0.5])
    }

    @Test func islandsSampledAtTheirOwnTimesSpanEveryIslandsLatestRow() {
        // A hub: each island's row at its own count of the run's individuals, in the order
        // written (not sorted by count).
        let rows = [
            row(0, at: 100, best: 0.1), row(1, at: 130, best: 0.9), row(2, at: 160, best: 0.5),
            row(0, at: 250, best: 0.2), row(1, at: 190, best: 0.8),
        ]
        let spread = IslandSpread(rows) { $0.best }
        #expect(spread.band.map(\.x) == [100, 130, 160, 190, 250])
        // Once every island has reported, each point spans all three.
        #expect(spread.band[2].low == 0.1 && spread.band[2].high == 0.9)
        #expect(spread.median[2].y == 0.5)
        #expect(spread.band[3].high == 0.8)  // island 1's newer row replaced its older one
        #expect(spread.band[4].low == 0.2 && spread.band[4].high == 0.8)
        #expect(spread.median[4].y == 0.5)
    }

    @Test func anEmptyOrUnscoredIslandIsLeftOutUntilItsNextRow() {
        let rows = [
            row(0, at: 100, best: 0.1), row(1, at: 100, best: 0.7),
            row(0, at: 200, best: 0.2), row(1, at: 200, best: 0, size: 0),  // island 1 restarted
            row(0, at: 300, best: .nan), row(1, at: 300, best: 0.3),
        ]
        let spread = IslandSpread(rows) { $0.best }
        #expect(spread.band.map(\.low) == [0.1, 0.2, 0.3])
        #expect(spread.band.map(\.high) == [0.7, 0.2, 0.3])
    }
}
