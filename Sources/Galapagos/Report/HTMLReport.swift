/// A self-contained HTML report of a run: SVG plots of fitness, diversity and throughput over
/// time, bandit statistics and the hall of fame with program texts. No scripts and no network.
public struct HTMLReport {
    let reader: any RunRecords

    public init(reader: any RunRecords) {
        self.reader = reader
    }

    /// The report's HTML text.
    public func render() throws -> String {
        let run = try reader.run()
        let progress = try reader.progress()
        let statistics = try reader.statistics()
        let bandits = try reader.bandits()
        let hall = try reader.hallOfFame(limit: 10)
        let pareto = try reader.searchSpace().map { try reader.simplifiedParetoFront(in: $0) }
            ?? reader.paretoFront()
        let islands = Set(statistics.map(\.island)).sorted()

        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"/>
            <title>Galapagos run \(escape(run.name))</title>
            <style>
            body { font-family: -apple-system, Helvetica, Arial, sans-serif; margin: 2em; color: #222; max-width: 1000px; }
            h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
            table { border-collapse: collapse; } td, th { padding: 2px 10px; text-align: left; border-bottom: 1px solid #eee; }
            pre { background: #f6f6f6; padding: 8px; font-size: 12px; overflow-x: auto; }
            .figure { margin: 1em 0; }
            </style></head><body>
            <h1>Galapagos run <code>\(escape(run.name))</code></h1>
            <table>
            <tr><th>search space</th><td>\(escape(run.configuration.searchSpacePath))</td></tr>
            <tr><th>seed</th><td>\(escape(run.configuration.seed))</td></tr>
            <tr><th>status</th><td>\(escape(run.status.rawValue))\(run.stopReason.map { " (\(escape($0)))" } ?? "")</td></tr>
            <tr><th>galapagos</th><td>\(escape(run.productVersion))</td></tr>

            """
        if let progress {
            let rate = progress.seconds > 0 ? Double(progress.individuals) / progress.seconds : 0
            let hits = progress.individuals > 0 ? 100 * Double(progress.fecHits) / Double(progress.individuals) : 0
            html += "<tr><th>individuals</th><td>\(progress.individuals) in \(String(format: "%.1f", progress.seconds)) s"
                + " (\(Int(rate))/s)</td></tr>"
            html += "<tr><th>FEC hit rate</th><td>\(String(format: "%.1f", hits)) %</td></tr>"
            html += "<tr><th>migrations</th><td>\(progress.migrations)</td></tr>"
        }
        html += "</table>\n"

        func series(_ value: (RunReader.Statistic) -> Double?, dashed: Bool, suffix: String) -> [SVGChart.Series] {
            islands.map { island in
                SVGChart.Series(
                    name: "island \(island)\(suffix)",
                    // The checkpoint at the start, before the population exists, has no points.
                    points: statistics.filter { $0.island == island && $0.size > 0 }.compactMap { row in
                        value(row).map { (Double(row.individuals), $0) }
                    },
                    color: SVGChart.palette[island % SVGChart.palette.count], dashed: dashed)
            }
        }
        let fitnessChart = SVGChart(title: "Best (solid) and mean (dashed) fitness per island", xLabel: "individuals", yLabel: "fitness")
        html += "<h2>Fitness</h2><div class=\"figure\">"
            + fitnessChart.lines(series({ $0.best }, dashed: false, suffix: " best")
                + series({ $0.mean }, dashed: true, suffix: " mean")) + "</div>\n"
        let diversityChart = SVGChart(title: "Diversity: distinct functional fingerprints per island", xLabel: "individuals", yLabel: "distinct fingerprints")
        html += "<h2>Diversity</h2><div class=\"figure\">"
            + diversityChart.lines(series({ Double($0.diversity) }, dashed: false, suffix: "")) + "</div>\n"
        let throughput = statistics.filter { $0.island == (islands.first ?? 0) && $0.individualsPerSecond > 0 }
        let throughputChart = SVGChart(title: "Throughput", xLabel: "individuals", yLabel: "individuals / s")
        html += "<h2>Throughput</h2><div class=\"figure\">" + throughputChart.lines([
            SVGChart.Series(name: "individuals/s", points: throughput.map { (Double($0.individuals), $0.individualsPerSecond) }, color: SVGChart.palette[0]),
        ]) + "</div>\n"

        html += "<h2>Operator and parent-selection statistics</h2>\n"
        if let last = bandits.map(\.individuals).max() {
            let latest = bandits.filter { $0.individuals == last }
            var names: [String] = []  // in the order the run wrote them: strata island 2 before 10
            for arm in latest where !names.contains(arm.bandit) { names.append(arm.bandit) }
            for name in names {
                let arms = latest.filter { $0.bandit == name }
                let chart = SVGChart(title: "\(name): pulls (bar) and mean reward", xLabel: "", yLabel: "")
                html += "<div class=\"figure\">" + chart.bars(arms.map {
                    ($0.arm, Double($0.pulls), "\($0.pulls) pulls, mean reward \(String(format: "%.4f", $0.mean))")
                }) + "</div>\n"
            }
        } else {
            html += "<p>No bandit in this run (tournament or power-law selection, uniform operators).</p>\n"
        }

        if let result = try reader.currentResult() {
            let test = result.testFitness.map { "\($0)" } ?? "n/a"
            html += "<h2>Reported program</h2>\n<p>Member \(result.member.id), chosen when the run stopped"
                + " (\(escape(result.stopReason))) after \(result.individuals) individuals: search fitness"
                + " \(result.searchFitness), select fitness \(result.selectFitness), test fitness \(test)."
                + " <code>galapagos export</code> writes it.</p>\n<pre>\(escape(result.member.program))</pre>\n"
        }
        html += "<h2>Hall of fame</h2>\n"
        for (rank, member) in hall.enumerated() {
            html += "<h3>#\(rank + 1): member \(member.id), fitness \(member.fitness), \(member.size) instructions (\(escape(member.origin)))</h3>"
            html += "<pre>\(escape(member.program))</pre>\n"
        }
        html += "<h2>Pareto front (best fitness at each simplified size)</h2><table><tr><th>size</th><th>fitness</th><th>member</th></tr>"
        for member in pareto {
            html += "<tr><td>\(member.size)</td><td>\(member.fitness)</td><td>\(member.id)</td></tr>"
        }
        html += "</table>\n</body></html>\n"
        return html
    }
}
