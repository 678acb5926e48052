import Foundation

/// A self-contained HTML report of a run: SVG plots of fitness, diversity and throughput over
/// time, bandit statistics and the hall of fame with program texts. No scripts and no network.
public struct HTMLReport {
    let reader: any RunRecords
    /// Where a member's page is, when the report is served (`galapagos serve`); `nil` in a
    /// static report.
    let memberLink: ((Int) -> String)?
    /// Extra markup for the page's head, such as the dashboard's live-update script.
    let head: String

    /// - Parameters:
    ///   - memberLink: the address of a member's page, to link programs to it.
    ///   - head: extra markup for the page's `<head>`.
    public init(reader: any RunRecords, memberLink: ((Int) -> String)? = nil, head: String = "") {
        self.reader = reader
        self.memberLink = memberLink
        self.head = head
    }

    /// A policy objective drawn as a drift D(r) = r·A − J (see ``PolicyObjective/drift(of:scalars:advantage:progress:ratios:)``)
    /// for A = ±1 at the start and the end of training, beside PPO's.
    private func driftFigure(_ program: Program, space: SearchSpace) -> String {
        let ratios = stride(from: 0.5, through: 2.0, by: 0.025).map { $0 }
        var series: [SVGChart.Series] = []
        for (index, (a, t)) in [(1.0, 0.0), (1.0, 1.0), (-1.0, 0.0), (-1.0, 1.0)].enumerated() {
            guard let curve = PolicyObjective.drift(
                of: program, scalars: space.memory.scalars, advantage: a, progress: t, ratios: ratios) else { continue }
            series.append(SVGChart.Series(
                name: "A = \(a > 0 ? "+1" : "−1"), t = \(Int(t))", points: curve.map { ($0.ratio, $0.drift) },
                color: SVGChart.palette[index], dashed: t > 0))
        }
        for a in [1.0, -1.0] {
            let ppo = ClippedSurrogate()
            let points = ratios.map { r in (x: r, y: r * a - ppo.evaluate(ratio: r, advantage: a, progress: 0).value) }
            series.append(SVGChart.Series(name: "PPO, A = \(a > 0 ? "+1" : "−1")", points: points, color: "#7f7f7f", dashed: a < 0))
        }
        var chart = SVGChart(title: "Drift r·A − J of the reported objective (0 at r = 1)", xLabel: "ratio r = π / π_old", yLabel: "drift")
        chart.xFromZero = false
        return "<h3>The objective as a drift</h3><div class=\"figure\">" + chart.lines(series) + "</div>\n"
    }

    /// A member id, linked to its page when the report is served.
    private func member(_ id: Int) -> String {
        guard let memberLink else { return "\(id)" }
        return "<a href=\"\(escape(memberLink(id)))\">\(id)</a>"
    }

    /// A fitness as people read it: 6 significant digits.
    public static func number(_ value: Double) -> String { String(format: "%.6g", value) }

    /// Text escaped for HTML.
    public static func escaped(_ text: String) -> String { escape(text) }

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
            <html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>Galapagos run \(escape(run.name))</title>
            <style>
            body { font-family: -apple-system, Helvetica, Arial, sans-serif; margin: 1em auto; padding: 0 1em; color: #222; max-width: 1000px; }
            details summary { cursor: pointer; color: #555; font-size: 0.9em; }
            h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; }
            table { border-collapse: collapse; display: block; max-width: 100%; overflow-x: auto; } td, th { padding: 2px 10px; text-align: left; border-bottom: 1px solid #eee; }
            pre { background: #f6f6f6; padding: 8px; font-size: 12px; overflow-x: auto; }
            .figure { margin: 1em 0; }
            </style>\(head)</head><body>
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

        let bests = IslandSpread(statistics) { $0.best }
        let bestSoFar = try Self.bestSoFar(reader: reader, islandBests: bests.band)
        let result = try reader.currentResult()
        var references: [SVGChart.Reference] = []
        if let target = run.configuration.targetFitness {
            references.append(.init(name: "target \(Self.number(target))", y: target, color: "#d62728"))
        }
        if let result {
            references.append(.init(name: "reported: select \(Self.number(result.selectFitness))", y: result.selectFitness, color: "#2ca02c"))
            if let test = result.testFitness {
                references.append(.init(name: "reported: test \(Self.number(test))", y: test, color: "#9467bd"))
            }
        }
        let fitnessChart = SVGChart(title: "Fitness on the search tasks", xLabel: "individuals", yLabel: "fitness")
        html += "<h2>Fitness</h2><div class=\"figure\">"
            + fitnessChart.lines(
                [SVGChart.Series(name: "best so far", points: bestSoFar, color: "#1f77b4"),
                 SVGChart.Series(name: "median island best", points: bests.median, color: "#ff7f0e", dashed: true)],
                bands: islands.count > 1 ? [.init(name: "island bests (range)", points: bests.band, color: "#1f77b4")] : [],
                references: references) + "</div>\n"
        let diversity = IslandSpread(statistics) { Double($0.diversity) }
        let diversityChart = SVGChart(title: "Diversity: distinct functional fingerprints per island", xLabel: "individuals", yLabel: "distinct fingerprints")
        html += "<h2>Diversity</h2><div class=\"figure\">"
            + diversityChart.lines(
                [SVGChart.Series(name: "median island", points: diversity.median, color: "#2ca02c")],
                bands: islands.count > 1 ? [.init(name: "islands (range)", points: diversity.band, color: "#2ca02c")] : [])
            + "</div>\n"
        // One point per sample: a run file's islands share their sample's rate; a hub's rows,
        // each its own sample, carry the run's rate over their island's last interval.
        var throughput: [RunReader.Statistic] = []
        for row in IslandSpread.inCountOrder(statistics) where row.individualsPerSecond > 0 {
            if throughput.last?.individuals != row.individuals { throughput.append(row) }
        }
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

        let migrations = try reader.migrations(limit: 10_000)
        if !migrations.isEmpty {
            html += "<h2>Migrations</h2>\n<p>\(migrations.count) migrants on record; the latest:</p>"
                + "<table><tr><th>individuals</th><th>from island</th><th>to island</th><th>migrant</th><th>fitness</th></tr>"
            for event in migrations.suffix(10).reversed() {
                html += "<tr><td>\(event.individuals)</td><td>\(event.from)</td><td>\(event.to)</td>"
                    + "<td>\(member(event.memberID))</td><td>\(Self.number(event.fitness))</td></tr>"
            }
            html += "</table>\n"
        }

        let simplifier = reader.searchSpace().map { ProgramSimplifier(shape: $0.memory, protocol: $0.callProtocol) }
        /// A program simplified (the same predictions), with the text as evolved one click away.
        func programBlock(_ text: String) -> String {
            guard let simplifier, let program = try? ProgramParser().parse(text),
                  let simplified = try? simplifier.simplify(program),
                  simplified.instructionsAfter < simplified.instructionsBefore
            else { return "<pre>\(escape(text))</pre>" }
            return "<pre>\(escape(ProgramPrinter.print(simplified.program)))</pre>"
                + "<details><summary>as evolved (\(simplified.instructionsBefore) instructions; simplified:"
                + " \(simplified.instructionsAfter), the same predictions)</summary><pre>\(escape(text))</pre></details>"
        }
        if let result {
            let test = result.testFitness.map(Self.number) ?? "n/a"
            let space = reader.searchSpace()
            let exportable = space?.objective == .program
            html += "<h2>Reported program</h2>\n<p>Member \(member(result.member.id)), chosen when the run stopped"
                + " (\(escape(result.stopReason))) after \(result.individuals) individuals: search fitness"
                + " \(Self.number(result.searchFitness)), select fitness \(Self.number(result.selectFitness)), test fitness \(test)."
                + (exportable ? " <code>galapagos export RUN --best -o Best.swift</code> writes it as Swift." : "")
                + "</p>\n" + programBlock(result.member.program) + "\n"
            if let space, space.objective.policyTraining != nil,
               let program = try? ProgramParser().parse(result.member.program) {
                html += driftFigure(program, space: space)
            }
        }
        html += "<h2>Hall of fame</h2>\n"
        for (rank, member) in hall.enumerated() {
            html += "<h3>#\(rank + 1): member \(self.member(member.id)), fitness \(Self.number(member.fitness)), \(member.size) instructions (\(escape(member.origin)))</h3>"
            html += programBlock(member.program) + "\n"
        }
        html += "<h2>Pareto front (best fitness at each simplified size)</h2>"
        if pareto.count > 1 {  // one point is the table's single row
            var chart = SVGChart(title: "Fitness against simplified size", xLabel: "instructions", yLabel: "fitness")
            chart.xFromZero = false
            html += "<div class=\"figure\">" + chart.lines([SVGChart.Series(
                name: "Pareto front", points: pareto.map { (Double($0.size), $0.fitness) }, color: SVGChart.palette[0],
                marks: pareto.map { SVGChart.Mark(
                    title: "member \($0.id): \($0.size) instructions, fitness \(Self.number($0.fitness))",
                    link: memberLink?($0.id)) })]) + "</div>\n"
        }
        html += "<table><tr><th>size</th><th>fitness</th><th>member</th></tr>"
        for member in pareto {
            html += "<tr><td>\(member.size)</td><td>\(Self.number(member.fitness))</td><td>\(self.member(member.id))</td></tr>"
        }
        html += "</table>\n</body></html>\n"
        return html
    }

    /// The best fitness so far over individuals: a step line through the island bests at the
    /// statistics samples and the hall of fame's members at their birth (a best that lived
    /// between two samples still counts).
    static func bestSoFar(
        reader: any RunRecords, islandBests: [(x: Double, low: Double, high: Double)]
    ) throws -> [(x: Double, y: Double)] {
        let events = (islandBests.map { (x: $0.x, y: $0.high) }
            + (try reader.hallOfFame(limit: .max)).map { (x: Double($0.birth + 1), y: $0.fitness) })
            .filter { $0.y.isFinite }
            .sorted { $0.x < $1.x }
        var bestSoFar: [(x: Double, y: Double)] = []
        for event in events {
            guard let last = bestSoFar.last else {
                bestSoFar.append(event)
                continue
            }
            if event.y > last.y {
                if event.x > last.x { bestSoFar.append((event.x, last.y)) }
                bestSoFar.append(event)
            }
        }
        if let last = bestSoFar.last, let end = islandBests.last?.x, end > last.x { bestSoFar.append((end, last.y)) }
        return bestSoFar
    }

    /// Several runs side by side (the seeds of a sweep, say): their best fitness so far over
    /// individuals in one plot, and a table of where each stands. An HTML fragment.
    ///
    /// - Parameter link: the address of a run's own page.
    public static func comparison(of runs: [(name: String, reader: any RunRecords)], link: (String) -> String) throws -> String {
        var series: [SVGChart.Series] = []
        var rows = ""
        for (index, run) in runs.enumerated() {
            let statistics = try run.reader.statistics().filter { $0.size > 0 }
            let islandBests = Dictionary(grouping: statistics, by: \.individuals).sorted { $0.key < $1.key }
                .compactMap { individuals, samples -> (x: Double, low: Double, high: Double)? in
                    let values = samples.compactMap(\.best).filter(\.isFinite)
                    guard let low = values.min(), let high = values.max() else { return nil }
                    return (Double(individuals), low, high)
                }
            let color = SVGChart.palette[index % SVGChart.palette.count]
            series.append(SVGChart.Series(
                name: run.name, points: try bestSoFar(reader: run.reader, islandBests: islandBests), color: color))
            let stored = try run.reader.run()
            let progress = try run.reader.progress()
            // A stopped run's numbers are its reported program's; a running one's, the best so far.
            let result = stored.status == .running ? nil : try run.reader.result()
            let select = result?.selectFitness ?? progress?.selectedFitness
            rows += "<tr><td><a href=\"\(escape(link(run.name)))\">\(escape(run.name))</a></td>"
                + "<td>\(escape(stored.configuration.seed))</td><td>\(escape(stored.status.rawValue))</td>"
                + "<td>\(progress?.individuals ?? 0)</td>"
                + "<td>\(select.map(number) ?? "–")</td>"
                + "<td>\(result?.testFitness.map(number) ?? "–")</td></tr>"
        }
        let chart = SVGChart(title: "Best fitness on the search tasks, per run", xLabel: "individuals", yLabel: "fitness")
        return "<div class=\"figure\">" + chart.lines(series) + "</div>\n"
            + "<table><tr><th>run</th><th>seed</th><th>status</th><th>individuals</th><th>select fitness</th>"
            + "<th>test fitness</th></tr>" + rows + "</table>\n"
    }
}
