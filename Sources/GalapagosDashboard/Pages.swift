import Foundation
import Galapagos

/// The dashboard's HTML pages. Plots come from ``HTMLReport``, the code `inspect --html` uses;
/// nothing is fetched from elsewhere.
enum Pages {
    static func escape(_ text: String) -> String { HTMLReport.escaped(text) }
    static func number(_ value: Double?) -> String { value.map(HTMLReport.number) ?? "–" }

    /// Percent-encoding for a run name in a path.
    static func pathComponent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? text
    }

    static let style = """
        body { font-family: -apple-system, Helvetica, Arial, sans-serif; margin: 1em auto; padding: 0 1em; color: #222; max-width: 1000px; }
        table { border-collapse: collapse; } td, th { padding: 2px 10px; text-align: left; border-bottom: 1px solid #eee; }
        th { font-weight: 600; } pre { background: #f6f6f6; padding: 8px; font-size: 12px; overflow-x: auto; }
        .removed { background: #fde8e8; color: #8a1c1c; } .added { background: #e6f6e6; color: #1c5e1c; }
        .muted { color: #777; font-size: 0.9em; } nav { margin-bottom: 1em; font-size: 0.9em; }
        @media (max-width: 640px) { td, th { padding: 2px 4px; font-size: 0.85em; } }
        """

    static func page(title: String, body: String, head: String = "") -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>\(escape(title))</title><style>\(style)</style>\(head)</head><body>
        \(body)
        </body></html>
        """
    }

    /// The list of runs.
    static func runList(_ runs: [RunListing], served: String) -> String {
        var body = "<h1>Galapagos runs</h1><p class=\"muted\">\(escape(served)) · this page updates every 10 s</p>"
        guard !runs.isEmpty else {
            return page(title: "Galapagos runs", body: body + "<p>No run files (<code>*.sqlite</code>) here yet.</p>",
                        head: refresh(seconds: 10))
        }
        body += "<table><tr><th>run</th><th>search space</th><th>seed</th><th>status</th><th>individuals</th>"
            + "<th>select fitness</th><th>test fitness</th><th>updated (UTC)</th></tr>"
        for run in runs {
            let status = run.error.map { "unreadable: \(escape($0))" }
                ?? escape(run.status) + (run.stopReason.map { " (\(escape($0)))" } ?? "")
            body += "<tr><td><a href=\"/runs/\(pathComponent(run.name))\">\(escape(run.name))</a></td>"
                + "<td><a href=\"/compare/\(pathComponent(run.searchSpace))\" title=\"compare the runs of this search space\">\(escape(run.searchSpace))</a></td>"
                + "<td>\(escape(run.seed))</td><td>\(status)</td>"
                + "<td>\(run.individuals)</td><td>\(number(run.selectFitness))</td><td>\(number(run.testFitness))</td>"
                + "<td>\(escape(run.updated ?? "–"))</td></tr>"
        }
        return page(title: "Galapagos runs", body: body + "</table>", head: refresh(seconds: 10))
    }

    static func refresh(seconds: Int) -> String { "<meta http-equiv=\"refresh\" content=\"\(seconds)\"/>" }

    /// The script of a live run page: it asks for the run's progress every 3 s and reloads the
    /// page when a new checkpoint arrived.
    static func liveScript(run: String, individuals: Int) -> String {
        """
        <script>
        (function () {
          var seen = \(individuals);
          setInterval(function () {
            fetch('/api/runs/\(pathComponent(run))/progress', {cache: 'no-store'})
              .then(function (r) { return r.ok ? r.json() : null; })
              .then(function (p) { if (p && p.individuals !== seen) { location.reload(); } })
              .catch(function () {});
          }, 3000);
        })();
        </script>
        """
    }

    static func nav(run: String?) -> String {
        var links = "<nav><a href=\"/\">all runs</a>"
        if let run { links += " · <a href=\"/runs/\(pathComponent(run))\">\(escape(run))</a>" }
        return links + "</nav>"
    }

    /// A run's page: the report of `inspect --html`, with programs linked and live updates.
    static func runPage(name: String, reader: any RunRecords) throws -> String {
        let individuals = try reader.progress()?.individuals ?? 0
        let report = HTMLReport(
            reader: reader, memberLink: { "/runs/\(pathComponent(name))/programs/\($0)" },
            head: liveScript(run: name, individuals: individuals))
        let html = try report.render()
        // The navigation goes first in the body.
        guard let body = html.range(of: "<body>") else { return html }
        return html.replacingCharacters(in: body, with: "<body>" + nav(run: nil))
    }

    /// The runs of one search space side by side (a sweep's seeds, say).
    static func comparison(space: String, runs: [(name: String, reader: any RunRecords)]) throws -> String {
        let body = nav(run: nil) + "<h1>Runs of \(escape(space)) (\(runs.count))</h1>"
            + (try HTMLReport.comparison(of: runs, link: { "/runs/\(pathComponent($0))" }))
        return page(title: "Runs of \(space)", body: body, head: refresh(seconds: 10))
    }

    /// A program's page: fitness on every task set, the program simplified and as evolved,
    /// downloads, and its lineage with the change at each step.
    static func programPage(_ view: ProgramView) -> String {
        let base = "/runs/\(pathComponent(view.run))/programs/\(view.id)"
        var body = nav(run: view.run) + "<h1>Program \(view.id)</h1><table>"
        body += "<tr><th>origin</th><td>\(escape(view.origin))</td></tr>"
        if let parent = view.parentID { body += "<tr><th>parent</th><td><a href=\"/runs/\(pathComponent(view.run))/programs/\(parent)\">\(parent)</a></td></tr>" }
        if let island = view.island { body += "<tr><th>island</th><td>\(island)</td></tr>" }
        body += "<tr><th>born at individual</th><td>\(view.birth)</td></tr>"
        body += "<tr><th>search fitness</th><td>\(number(view.searchFitness))</td></tr>"
        body += "<tr><th>select fitness</th><td>\(number(view.selectFitness))</td></tr>"
        body += "<tr><th>test fitness</th><td>\(number(view.testFitness))</td></tr></table>"
        body += "<p>Download: " + ExportFormat.allCases.map {
            "<a href=\"\(base)/program.\($0.fileExtension)\" download>\($0.rawValue == "dsl" ? ".gal" : $0.rawValue)</a>"
        }.joined(separator: " · ") + "</p>"
        if let simplified = view.simplified {
            body += "<h2>Simplified (\(view.simplifiedInstructions ?? 0) of \(view.instructions) instructions, the same predictions)</h2>"
            body += "<pre>\(escape(simplified))</pre>"
        }
        body += "<h2>As evolved</h2><pre>\(escape(view.program))</pre>"
        body += "<h2>Lineage (\(view.lineage.count) \(view.lineage.count == 1 ? "step" : "steps") on record, oldest first)</h2>"
        var parent: ProgramView.Step?
        for step in view.lineage {
            body += "<h3><a href=\"/runs/\(pathComponent(view.run))/programs/\(step.id)\">\(step.id)</a>: \(escape(step.origin)),"
                + " fitness \(number(step.fitness)), \(step.size) instructions</h3>"
            if let parent {
                body += "<pre>" + LineDiff.lines(from: parent.program, to: step.program).map { line -> String in
                    switch line {
                    case let .kept(text): return escape(text)
                    case let .removed(text): return "<span class=\"removed\">- \(escape(text))</span>"
                    case let .added(text): return "<span class=\"added\">+ \(escape(text))</span>"
                    }
                }.joined(separator: "\n") + "</pre>"
            } else {
                body += "<pre>\(escape(step.program))</pre>"
            }
            parent = step
        }
        return page(title: "Program \(view.id) · \(view.run)", body: body)
    }
}
