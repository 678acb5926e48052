import Foundation
import Galapagos
import GalapagosCLI
import GalapagosTestSupport
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

// `galapagos inspect` end to end: the JSON agrees with the tables, every view works, bad files
// give one-line errors, and a run can be inspected while another process is still writing it.

// MARK: helpers (running the binary: Support/Binary.swift)

/// The last stdout line as a JSON object (the `--json` contract).
private func jsonObject(_ outcome: Outcome) throws -> [String: Any] {
    let last = try #require(outcome.stdoutLines.last, "no stdout; stderr: \(outcome.stderr)")
    let object = try JSONSerialization.jsonObject(with: Data(last.utf8))
    return try #require(object as? [String: Any], "not a JSON object: \(last)")
}

/// A number as the text tables print it: six significant digits.
private func readable(_ value: Double?) -> String {
    value.map { String(format: "%.6g", $0) } ?? "-"
}

private func number(_ value: Any?) -> Double? { (value as? NSNumber)?.doubleValue }
private func integer(_ value: Any?) -> Int? { (value as? NSNumber)?.intValue }

/// Whether a JSONSerialization number is `value`. The JSON text is exact (shortest round-trip
/// digits, as the tables print), but swift-corelibs-foundation's JSONSerialization can land one
/// ulp off when it reads 17 significant digits ("0.35601722469178293" → 0.3560172246917829), so
/// this allows two ulps; `Summary` below checks the same numbers exactly with JSONDecoder.
private func matches(_ json: Any?, _ value: Double?) -> Bool {
    guard let json = number(json), let value else { return number(json) == nil && value == nil }
    return abs(json - value) <= 2 * value.ulp
}

/// The `inspect --json` fields the tables show, decoded exactly.
private struct Summary: Decodable {
    struct Island: Decodable {
        var island: Int
        var size: Int
        var best: Double?
        var mean: Double?
        var diversity: Int
    }

    struct Entry: Decodable {
        var rank: Int
        var id: Int
        var fitness: Double
        var size: Int
        var origin: String
    }

    var islands: [Island]
    var hall_of_fame: [Entry]
}

/// Whitespace-separated cells of a table row.
private func cells(_ line: String) -> [String] {
    line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
}

/// The rows of the table whose header line starts with `header`, up to the next blank line.
private func tableRows(_ text: String, header: String) -> [[String]] {
    let all = text.components(separatedBy: "\n")
    guard let start = all.firstIndex(where: { $0.hasPrefix(header) }) else { return [] }
    return all[(start + 1)...].prefix { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map(cells)
}

private func waitUntil(timeout: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return try condition()
}

/// Files in `directory`, for checking that a command created nothing.
private func listing(_ directory: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
}

// MARK: the shared run

/// One small finished run, made once (in-process, through the command line) and shared by the
/// read-only tests; the directory is removed when the test process exits.
private final class Fixture: Sendable {
    let directory: String
    let run: String
    let searchSpace: String

    static let shared: Result<Fixture, any Error> = Result { try Fixture() }

    static func get() throws -> Fixture { try shared.get() }

    private init() throws {
        directory = NSTemporaryDirectory() + "galapagos-inspect-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        Fixture.removeAtExit = directory
        atexit {
            if let directory = Fixture.removeAtExit { try? FileManager.default.removeItem(atPath: directory) }
        }
        run = directory + "/run.sqlite"
        searchSpace = try packageRoot().appendingPathComponent("searchspaces/linear_demo.yaml").path
        // UCB and the operator bandit so that the report has bar charts; migrations so that
        // the counters are not all zero.
        let status = GalapagosCommand.run(arguments: [
            "evolve", "--searchspace", searchSpace, "--seed", "3", "--max-evals", "2500",
            "--population", "30", "--islands", "2", "--selector", "ucb", "--operator-bandit", "on",
            "--migration-every", "500", "--checkpoint-every", "500", "--out", run, "--quiet",
        ])
        try #require(status == 0, "evolve failed with status \(status)")
    }

    nonisolated(unsafe) private static var removeAtExit: String?
}

// MARK: tests

@Suite("galapagos inspect")
struct InspectCommandTests {
    @Test("--json parses and agrees with the tables")
    func jsonMatchesTables() throws {
        let fixture = try Fixture.get()
        let table = try galapagos(["inspect", fixture.run, "--top", "8"])
        #expect(table.status == 0, "stderr: \(table.stderr)")
        #expect(table.stderr.isEmpty)
        let jsonOutcome = try galapagos(["inspect", fixture.run, "--top", "8", "--json"])
        let json = try jsonObject(jsonOutcome)
        let exact = try JSONDecoder().decode(Summary.self, from: Data((jsonOutcome.stdoutLines.last ?? "").utf8))

        // Run and progress.
        let run = try #require(json["run"] as? [String: Any])
        #expect(run["searchspace"] as? String == "linear_demo")
        #expect(integer(run["seed"]) == 3)
        #expect(run["status"] as? String == "stopped")
        #expect(run["stop_reason"] as? String == "max-evals")
        let progress = try #require(json["progress"] as? [String: Any])
        #expect(integer(progress["individuals"]) == 2_500)
        let progressLine = try #require(
            table.stdoutLines.first { $0.hasPrefix("progress: ") }, "no progress line: \(table.stdout)")
        let words = cells(progressLine)
        // progress: N individuals in S s (R/s), FEC hits H (P %), M migrations
        #expect(Int(words[1]) == integer(progress["individuals"]), "\(progressLine)")
        let hitsIndex = try #require(words.firstIndex(of: "hits"), "\(progressLine)")
        #expect(Int(words[hitsIndex + 1]) == integer(progress["fec_hits"]), "\(progressLine)")
        #expect(integer(progress["fec_hits"]).map { $0 > 0 } == true)
        let migrationsIndex = try #require(words.firstIndex(of: "migrations"), "\(progressLine)")
        #expect(Int(words[migrationsIndex - 1]) == integer(progress["migrations"]), "\(progressLine)")
        #expect(integer(progress["migrations"]).map { $0 > 0 } == true)
        let rate = try #require(number(progress["fec_hit_rate"]))
        #expect(abs(rate - number(progress["fec_hits"])! / number(progress["individuals"])!) < 1e-12)

        // Islands: index, size, best, mean, diversity, exactly.
        let islands = try #require(json["islands"] as? [[String: Any]])
        let islandRows = tableRows(table.stdout, header: "island  size")
        #expect(islands.count == 2)
        #expect(islandRows.count == islands.count, "\(table.stdout)")
        #expect(exact.islands.count == islands.count)
        for ((row, island), decoded) in zip(zip(islandRows, islands), exact.islands) {
            try #require(row.count == 5, "island row \(row)")
            #expect(Int(row[0]) == integer(island["island"]))
            #expect(Int(row[1]) == integer(island["size"]))
            #expect(integer(island["size"]) == 30)
            #expect(readable(number(island["best"])) == row[2], "best \(row[2]) vs \(island["best"] ?? "nil")")
            #expect(readable(number(island["mean"])) == row[3], "mean \(row[3]) vs \(island["mean"] ?? "nil")")
            #expect(Int(row[4]) == integer(island["diversity"]))
            #expect(row == [
                "\(decoded.island)", "\(decoded.size)", readable(decoded.best),
                readable(decoded.mean), "\(decoded.diversity)",
            ])
        }

        // Hall of fame: ranks, ids, fitness and sizes, best first.
        let hall = try #require(json["hall_of_fame"] as? [[String: Any]])
        let hallRows = tableRows(table.stdout, header: "rank  id")
        #expect(hall.count == 8)
        #expect(hallRows.count == hall.count, "\(table.stdout)")
        #expect(exact.hall_of_fame.count == hall.count)
        for ((row, entry), decoded) in zip(zip(hallRows, hall), exact.hall_of_fame) {
            try #require(row.count == 5, "hall row \(row)")
            #expect(Int(row[0]) == integer(entry["rank"]))
            #expect(Int(row[1]) == integer(entry["id"]))
            #expect(readable(number(entry["fitness"])) == row[2], "fitness \(row[2]) vs \(entry["fitness"] ?? "nil")")
            #expect(row == [
                "\(decoded.rank)", "\(decoded.id)", readable(decoded.fitness), "\(decoded.size)", decoded.origin,
            ])
            #expect(Int(row[3]) == integer(entry["size"]))
            #expect(row[4] == entry["origin"] as? String)
            #expect((entry["program"] as? String)?.hasPrefix("# galapagos program v1") == true)
        }
        let fitness = hall.compactMap { number($0["fitness"]) }
        #expect(fitness == fitness.sorted(by: >))
        // Nothing alive beats the hall of fame.
        let best = islands.compactMap { number($0["best"]) }.max()
        #expect(best.map { $0 <= fitness[0] } == true)
        #expect(json.keys.contains("pareto"))
        #expect(json.keys.contains("selected"))
    }

    @Test("--program ID prints the program and its lineage, ID first")
    func programAndLineage() throws {
        let fixture = try Fixture.get()
        let summary = try jsonObject(try galapagos(["inspect", fixture.run, "--json"]))
        let hall = try #require(summary["hall_of_fame"] as? [[String: Any]])
        let id = try #require(integer(hall.first?["id"]))

        let text = try galapagos(["inspect", fixture.run, "--program", "\(id)"])
        #expect(text.status == 0, "stderr: \(text.stderr)")
        #expect(text.stdoutLines.first?.hasPrefix("member \(id): fitness ") == true, "\(text.stdout)")
        #expect(text.stdout.contains("# galapagos program v1"))
        #expect(text.stdout.contains("def predict():"))
        let all = text.stdout.components(separatedBy: "\n")
        let header = try #require(all.firstIndex { $0.hasPrefix("lineage") }, "\(text.stdout)")
        let firstStep = cells(all[header + 1])
        #expect(firstStep.prefix(2) == ["member", "\(id)"], "\(all[header + 1])")

        let json = try jsonObject(try galapagos(["inspect", fixture.run, "--program", "\(id)", "--json"]))
        let program = try #require(json["program"] as? [String: Any])
        #expect(integer(program["id"]) == id)
        #expect(program["program"] as? String == hall.first?["program"] as? String)
        let lineage = try #require(json["lineage"] as? [[String: Any]])
        #expect(integer(lineage.first?["id"]) == id)
        #expect(lineage.count >= 2, "the best of 2,500 individuals has ancestors")
        for (child, parent) in zip(lineage, lineage.dropFirst()) {
            #expect(integer(child["parent_id"]) == integer(parent["id"]))
        }
        // The text lists the same chain.
        let textIDs = all[(header + 1)...].map(cells).filter { $0.first == "member" }.compactMap { Int($0[1]) }
        #expect(textIDs == lineage.compactMap { integer($0["id"]) })

        let unknown = try galapagos(["inspect", fixture.run, "--program", "999999999"])
        #expect(unknown.status == 1)
        #expect(unknown.stderrLines.count == 1, "stderr: \(unknown.stderr)")
    }

    @Test("--island 0 --json lists that island's members, fittest first")
    func islandJSON() throws {
        let fixture = try Fixture.get()
        let summary = try jsonObject(try galapagos(["inspect", fixture.run, "--json"]))
        let islands = try #require(summary["islands"] as? [[String: Any]])
        let json = try jsonObject(try galapagos(["inspect", fixture.run, "--island", "0", "--top", "50", "--json"]))
        #expect(integer(json["island"]) == 0)
        let members = try #require(json["members"] as? [[String: Any]])
        #expect(members.count == integer(islands.first?["size"]))
        let fitness = members.compactMap { number($0["fitness"]) }
        #expect(fitness.count == members.count)
        #expect(fitness == fitness.sorted(by: >))
        #expect(matches(islands.first?["best"], fitness.first))
        #expect(abs(fitness.reduce(0, +) / Double(fitness.count) - number(islands.first?["mean"])!) < 1e-12)
        #expect(members.map { integer($0["rank"]) } == (1...members.count).map { $0 })

        let top = try jsonObject(try galapagos(["inspect", fixture.run, "--island", "1", "--top", "3", "--json"]))
        #expect((top["members"] as? [Any])?.count == 3)
        let missing = try galapagos(["inspect", fixture.run, "--island", "7"])
        #expect(missing.status == 1)
        #expect(missing.stderrLines.count == 1, "stderr: \(missing.stderr)")
    }

    @Test("--csv hall and --csv statistics have a header and full rows")
    func csvTables() throws {
        let fixture = try Fixture.get()
        let hall = try galapagos(["inspect", fixture.run, "--csv", "hall", "--top", "7"])
        #expect(hall.status == 0, "stderr: \(hall.stderr)")
        let hallLines = hall.stdoutLines
        #expect(hallLines.first == "rank,id,fitness,size,origin,parent_id,program")
        // Each record's program is one quoted cell spanning lines; records start with the rank.
        let records = hallLines.filter { $0.range(of: #"^\d+,\d+,"#, options: .regularExpression) != nil }
        #expect(records.count == 7)
        for record in records {
            let cells = record.split(separator: ",", maxSplits: 6, omittingEmptySubsequences: false)
            #expect(cells.count == 7, "\(record)")
            #expect(cells.last == "\"# galapagos program v1 · searchspace linear_demo", "\(record)")
        }
        #expect(records.map { $0.split(separator: ",").first.map(String.init) } == (1...7).map { "\($0)" })

        let statistics = try galapagos(["inspect", fixture.run, "--csv", "statistics"])
        #expect(statistics.status == 0, "stderr: \(statistics.stderr)")
        let rows = statistics.stdoutLines
        let header = rows.first?.split(separator: ",").map(String.init) ?? []
        #expect(header == [
            "individuals", "seconds", "island", "size", "best", "mean", "median", "diversity",
            "individuals_per_second", "fec_hits",
        ])
        // A checkpoint at the start, every 500 individuals or so, and at the end; two islands.
        #expect(rows.count - 1 >= 2 * 4, "\(statistics.stdout)")
        #expect((rows.count - 1) % 2 == 0)
        for line in rows {
            #expect(line.split(separator: ",", omittingEmptySubsequences: false).count == header.count, "\(line)")
        }
        let individuals = rows.dropFirst().compactMap { Int($0.split(separator: ",")[0]) }
        #expect(individuals.count == rows.count - 1)
        #expect(individuals == individuals.sorted())
        #expect(individuals.last == 2_500)
    }

    @Test("--html writes a self-contained, well-formed report with plots")
    func htmlReport() throws {
        let fixture = try Fixture.get()
        let path = fixture.directory + "/report-\(UUID().uuidString).html"
        let outcome = try galapagos(["inspect", fixture.run, "--html", path])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(outcome.stdoutLines == ["wrote \(path)"])
        let html = try String(contentsOfFile: path, encoding: .utf8)

        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.lowercased().contains("<script"))
        // No network: the only URL is the SVG namespace.
        var withoutNamespace = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        withoutNamespace = withoutNamespace.lowercased()
        #expect(!withoutNamespace.contains("http://"))
        #expect(!withoutNamespace.contains("https://"))
        #expect(!withoutNamespace.contains("src="))
        #expect(!withoutNamespace.contains("<link"))

        // Every <svg> closes; fitness, diversity and throughput plots plus the bandits' bars.
        let opens = html.components(separatedBy: "<svg").count - 1
        let closes = html.components(separatedBy: "</svg>").count - 1
        #expect(opens >= 3)
        #expect(opens == closes)
        #expect(html.contains("<polyline"))
        #expect(html.contains("<rect"))
        #expect(!html.contains("no data yet"))
        var svgs: [String] = []
        var rest = html[...]
        while let start = rest.range(of: "<svg"), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
            svgs.append(String(rest[start.lowerBound..<end.upperBound]))
            rest = rest[end.upperBound...]
        }
        #expect(svgs.count == opens)
        let notFinite = try NSRegularExpression(pattern: "[\"', ](-?nan|-?inf)[\"', ]")
        for (index, svg) in svgs.enumerated() {
            #expect(svg.components(separatedBy: "<svg").count == 2, "nested <svg> in plot \(index)")
            let range = NSRange(svg.startIndex..., in: svg)
            #expect(notFinite.firstMatch(in: svg, range: range) == nil, "a coordinate is not finite in plot \(index)")
        }
        // Bandit arms in the engine's order, not by name: the top stratum first.
        let top = try #require(html.range(of: ">top 1%<"), "no strata chart")
        let next = try #require(html.range(of: ">1-10%<"), "no strata chart")
        #expect(top.lowerBound < next.lowerBound)
        // Fitness: best so far over all islands, the islands' range, the reported scores as
        // reference lines; the x axis from 0; plots scale to narrow screens.
        #expect(html.contains(">best so far<"))
        #expect(html.contains(">island bests (range)<"))
        #expect(html.contains(">reported: select "))
        #expect(html.contains("<polygon"))
        #expect(html.contains("text-anchor=\"middle\">0</text>"))
        #expect(html.contains("width:100%"))
        #expect(!html.contains(" width=\"640\""))
        // Programs are shown simplified, as evolved one click away.
        #expect(html.contains("<details><summary>as evolved"))
        // The hall-of-fame programs are in the report.
        let summary = try jsonObject(try galapagos(["inspect", fixture.run, "--json"]))
        let best = try #require((summary["hall_of_fame"] as? [[String: Any]])?.first)
        #expect(html.contains("member \(integer(best["id"]) ?? -1)"))

        #if canImport(FoundationXML)
        // Well-formed XML, strictly (XMLParser stops at the first error; on Linux XMLDocument
        // recovers silently, so it only serves to query the checked text): every plot, then the
        // whole page, which the report writes as polyglot HTML.
        func wellFormed(_ text: String) -> String? {
            let parser = XMLParser(data: Data(text.utf8))
            let finished = parser.parse()
            guard finished, parser.parserError == nil else {
                return "\(parser.parserError.map { "\($0)" } ?? "parse failed") at line \(parser.lineNumber)"
            }
            return nil
        }
        for (index, svg) in svgs.enumerated() {
            let problem = wellFormed(svg)
            #expect(problem == nil, "plot \(index) is not well-formed: \(problem ?? "")")
        }
        let problem = wellFormed(html)
        #expect(problem == nil, "the report is not well-formed: \(problem ?? "")")
        if problem == nil {
            let document = try XMLDocument(data: Data(html.utf8), options: [])
            #expect(document.rootElement()?.name == "html")
            let plots = try document.nodes(forXPath: "/html/body/div[@class='figure']/*[local-name()='svg']")
            #expect(plots.count == opens)
            #expect(try document.nodes(forXPath: "/html/head/title").first?.stringValue?.contains("Galapagos run") == true)
        }
        #endif
    }

    @Test("missing, garbage, directory and truncated files: exit 1, one stderr line naming the file")
    func badFiles() throws {
        let fixture = try Fixture.get()
        let directory = fixture.directory + "/bad-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var random = RandomGenerator(seed: 11)
        let garbage = directory + "/garbage.sqlite"
        try Data((0..<8_192).map { _ in UInt8(truncatingIfNeeded: random.next()) }).write(to: URL(fileURLWithPath: garbage))
        let whole = try Data(contentsOf: URL(fileURLWithPath: fixture.run))
        let truncated = directory + "/truncated.sqlite"
        try whole.prefix(whole.count / 3).write(to: URL(fileURLWithPath: truncated))
        let header = directory + "/header-only.sqlite"
        try whole.prefix(100).write(to: URL(fileURLWithPath: header))
        let empty = directory + "/empty.sqlite"
        try Data().write(to: URL(fileURLWithPath: empty))
        let folder = directory + "/folder.sqlite"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let missing = directory + "/missing.sqlite"
        let before = listing(directory)

        for path in [missing, garbage, folder, truncated, header, empty] {
            for mode in [[], ["--json"], ["--csv", "statistics"], ["--program", "1"]] {
                let outcome = try galapagos(["inspect", path] + mode)
                #expect(outcome.status == 1, "\(path) \(mode): status \(outcome.status)")
                #expect(outcome.stderrLines.count == 1, "\(path) \(mode): stderr \(outcome.stderr)")
                #expect(outcome.stderrLines.first?.contains(path) == true, "\(path) \(mode): \(outcome.stderr)")
                #expect(outcome.stdout.isEmpty, "\(path) \(mode): stdout \(outcome.stdout)")
            }
        }
        // Nothing was created: no run file, no journal, WAL or shared-memory file, no report.
        let report = directory + "/report.html"
        let outcome = try galapagos(["inspect", missing, "--html", report])
        #expect(outcome.status == 1)
        #expect(listing(directory) == before)
        #expect(!FileManager.default.fileExists(atPath: missing))
        #expect(listing(folder).isEmpty)
    }

    @Test(
        "a run file written before RunConfiguration.searchSpaceDirectory existed still opens",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3"), "needs sqlite3"))
    func configurationWithoutSearchSpaceDirectory() throws {
        let fixture = try Fixture.get()
        let directory = fixture.directory + "/old-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/old.sqlite"
        try FileManager.default.copyItem(atPath: fixture.run, toPath: path)
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [
            path, "UPDATE run SET configuration = json_remove(configuration, '$.searchSpaceDirectory')",
        ]
        try sqlite.run()
        sqlite.waitUntilExit()
        try #require(sqlite.terminationStatus == 0)
        let reader = try RunReader(path: path)
        #expect(try reader.run().configuration.searchSpaceDirectory
            == URL(fileURLWithPath: fixture.searchSpace).deletingLastPathComponent().path)

        let inspect = try galapagos(["inspect", path, "--json"])
        #expect(inspect.status == 0, "stderr: \(inspect.stderr)")
        let resumed = try galapagos(["resume", path, "--max-evals", "100", "--quiet"])
        #expect(resumed.status == 0, "stderr: \(resumed.stderr)")
    }

    @Test("inspect works while evolve writes the run; SIGINT or SIGTERM stops it cleanly; resume continues",
          arguments: [SIGINT, SIGTERM])
    func inspectWhileRunning(signal: Int32) throws {
        let fixture = try Fixture.get()
        let directory = fixture.directory + "/live-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/live.sqlite"
        let process = Process()
        process.executableURL = try galapagosExecutable()
        process.arguments = [
            "evolve", "--searchspace", fixture.searchSpace, "--seed", "4", "--max-evals", "100000000",
            "--population", "30", "--islands", "2", "--checkpoint-every", "1000", "--out", path, "--quiet",
        ]
        process.standardOutput = FileHandle.nullDevice
        let stderrPath = directory + "/evolve.stderr"
        try Data().write(to: URL(fileURLWithPath: stderrPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
        defer { if process.isRunning { process.terminate(); process.waitUntilExit() } }

        // The first checkpoint is written at the start (0 individuals); wait for a later one.
        let checkpointed = waitUntil(timeout: 60) {
            guard let reader = try? RunReader(path: path), let progress = try? reader.progress() else {
                return false
            }
            return progress.individuals >= 1_000
        }
        try #require(checkpointed, "no checkpoint after 60 s")
        try #require(process.isRunning, "evolve stopped early")

        let live = try galapagos(["inspect", path, "--json"])
        #expect(live.status == 0, "stderr: \(live.stderr)")
        #expect(live.stderr.isEmpty)
        let json = try jsonObject(live)
        #expect((json["run"] as? [String: Any])?["status"] as? String == "running")
        let seen = try #require(integer((json["progress"] as? [String: Any])?["individuals"]))
        #expect(seen >= 1_000)
        #expect((json["islands"] as? [Any])?.count == 2)
        #expect(((json["hall_of_fame"] as? [Any])?.count ?? 0) > 0)
        let table = try galapagos(["inspect", path])
        #expect(table.status == 0, "stderr: \(table.stderr)")
        // A second writer is refused while the first one runs.
        let second = try galapagos(["resume", path, "--max-evals", "10"])
        #expect(second.status == 1)
        #expect(second.stderrLines.count == 1 && second.stderr.contains("locked"), "stderr: \(second.stderr)")
        try #require(process.isRunning, "evolve stopped while being inspected")

        kill(process.processIdentifier, signal)
        let exited = waitUntil(timeout: 60) { !process.isRunning }
        try #require(exited, "evolve did not stop within 60 s of signal \(signal)")
        process.waitUntilExit()
        let evolveErrors = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        #expect(process.terminationReason == .exit, "stderr: \(evolveErrors)")
        #expect(process.terminationStatus == 0, "stderr: \(evolveErrors)")

        let stopped = try jsonObject(try galapagos(["inspect", path, "--json"]))
        #expect((stopped["run"] as? [String: Any])?["status"] as? String == "stopped")
        #expect((stopped["run"] as? [String: Any])?["stop_reason"] as? String == "interrupted")
        let done = try #require(integer((stopped["progress"] as? [String: Any])?["individuals"]))
        #expect(done >= seen)

        let resumed = try galapagos(["resume", path, "--max-evals", "500", "--json"])
        #expect(resumed.status == 0, "stderr: \(resumed.stderr)")
        #expect(resumed.stderrLines.first == "resuming \(path) at \(done) individuals", "stderr: \(resumed.stderr)")
        let result = try jsonObject(resumed)
        #expect(integer(result["evaluations"]) == done + 500)
        let after = try jsonObject(try galapagos(["inspect", path, "--json"]))
        #expect(integer((after["progress"] as? [String: Any])?["individuals"]) == done + 500)
        #expect((after["run"] as? [String: Any])?["stop_reason"] as? String == "max-evals")
        // The writer left one self-contained file behind.
        #expect(listing(directory).filter { $0.hasPrefix("live.sqlite") } == ["live.sqlite"])
    }

    @Test("a second evolve writing the same run file is refused with one line")
    func secondEvolveOnTheSameFile() throws {
        let fixture = try Fixture.get()
        let path = fixture.directory + "/twice-\(UUID().uuidString).sqlite"
        let arguments = [
            "evolve", "--searchspace", fixture.searchSpace, "--max-evals", "200", "--population", "20",
            "--islands", "1", "--out", path, "--quiet",
        ]
        let first = try galapagos(arguments)
        #expect(first.status == 0, "stderr: \(first.stderr)")
        let second = try galapagos(arguments)
        #expect(second.status == 1)
        #expect(second.stderrLines.count == 1 && second.stderr.contains(path) && second.stderr.contains("already exists"),
                "stderr: \(second.stderr)")
    }
}
