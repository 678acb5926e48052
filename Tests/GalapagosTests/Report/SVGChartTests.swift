import Testing
@testable import Galapagos

@Suite struct SVGChartTests {
    /// A flat series (one throughput value) gets ticks a fraction apart: their labels must
    /// differ, not all read "372".
    @Test func tickLabelsOfANarrowRangeDiffer() {
        let chart = SVGChart(title: "Throughput", xLabel: "individuals", yLabel: "individuals / s")
        let ticks = SVGChart.niceTicks(371.5, 372.5)
        let step = ticks[1] - ticks[0]
        let labels = ticks.map { chart.label($0, step: step) }
        #expect(Set(labels).count == labels.count, "\(labels)")
        #expect(chart.label(372, step: 10) == "372")
        #expect(chart.label(1_500_000) == "1.5M" && chart.label(0.25) == "0.25")
    }
}
