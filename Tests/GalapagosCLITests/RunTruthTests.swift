import Foundation
import GalapagosTestSupport
import Testing

// One run, one truth: what `evolve` reports is what the run file holds, and what `inspect`
// and `export` show and write, from any directory, after the data moved.

/// The last stdout line of a `--json` command, decoded.
private func lastJSON(_ outcome: Outcome) throws -> [String: Any] {
    let line = try #require(outcome.stdoutLines.last, "no stdout; stderr: \(outcome.stderr)")
    return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
}

private func int(_ value: Any?) -> Int? { (value as? NSNumber)?.intValue }
private func double(_ value: Any?) -> Double? { (value as? NSNumber)?.doubleValue }

/// A directory holding a two-class CSV (`data.csv`, 4 features, 80 rows) and a small search
/// space that reads it (`space.yaml`).
private func csvProject() throws -> String {
    let directory = try temporaryDirectory()
    var random = SystemRandomNumberGenerator()
    var csv = "a,b,c,d,label\n"
    for row in 0..<80 {
        let label = row % 2
        let cells = (0..<4).map { _ in String(format: "%.3f", Double(label) + Double.random(in: -1...1, using: &random)) }
        csv += cells.joined(separator: ",") + ",\(label)\n"
    }
    try csv.write(toFile: directory + "/data.csv", atomically: true, encoding: .utf8)
    try """
        name: tiny_csv
        memory: {features: 4, scalars: 4, vectors: 3, matrices: 0}
        ops: [scalar_const_set, vector_inner_product, scalar_diff, scalar_product, scalar_vector_product, vector_sum]
        setup: {min: 0, max: 4, initial: 1}
        predict: {min: 1, max: 4, initial: 2}
        learn: {min: 0, max: 6, initial: 3}
        evolution: {population: 20, tournament: 4, islands: 1}
        tasks:
          search: {generator: projected_binary, dataset: data.csv, count: 2, epochs: 1}
          final: {generator: projected_binary, dataset: data.csv, count: 2, epochs: 1, data_seed: 7, param_seed: 8}
        """.write(toFile: directory + "/space.yaml", atomically: true, encoding: .utf8)
    return directory
}

@Suite("One run, one truth")
struct RunTruthTests {
    @Test("a run stopped on --max-evals: inspect and export show the member evolve reported")
    func reportedMemberIsWhatInspectAndExportShow() throws {
        let directory = try temporaryDirectory()
        let run = directory + "/rep.sqlite"
        let evolve = try galapagos([
            "evolve", "--searchspace", try repositoryPath("searchspaces/linear_demo.yaml"), "--seed", "5",
            "--max-evals", "4000", "--out", run, "--quiet", "--json",
        ])
        #expect(evolve.status == 0, "stderr: \(evolve.stderr)")
        let reported = try lastJSON(evolve)
        let member = try #require(int(reported["member_id"]))

        let inspect = try lastJSON(try galapagos(["inspect", run, "--json"]))
        let selected = try #require(inspect["selected"] as? [String: Any])
        #expect(int(selected["id"]) == member)
        #expect(selected["reported"] as? Bool == true)
        #expect(double(selected["select_fitness"]) == double(reported["select_fitness"]))
        #expect(double(selected["test_fitness"]) == double(reported["test_fitness"]))
        #expect(double(selected["search_fitness"]) == double(reported["best_fitness"]))
        #expect(selected["program"] as? String == reported["program"] as? String)
        let text = try galapagos(["inspect", run])
        #expect(text.stdout.contains("member \(member), search fitness"), "\(text.stdout)")

        let export = try galapagos(["export", run, "--best", "--format", "json"])
        #expect(export.status == 0, "stderr: \(export.stderr)")
        let exported = try #require(
            try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [String: Any], "\(export.stdout)")
        #expect(int(exported["program_id"]) == member)
        #expect(exported["original"] as? String == reported["program"] as? String)
        // The reported member can always be looked up by id.
        let program = try lastJSON(try galapagos(["inspect", run, "--program", "\(member)", "--json"]))
        #expect(int((program["program"] as? [String: Any])?["id"]) == member)
    }

    @Test("a CSV run is self-contained: inspect and export work from / after the CSV moved")
    func csvRunWorksFromAnywhere() throws {
        let project = try csvProject()
        let run = project + "/run.sqlite"
        let evolve = try galapagos([
            "evolve", "--searchspace", "space.yaml", "--seed", "2", "--max-evals", "600", "--out", "run.sqlite",
            "--quiet", "--json",
        ], in: project)
        #expect(evolve.status == 0, "stderr: \(evolve.stderr)")
        let member = try #require(int(try lastJSON(evolve)["member_id"]))
        try FileManager.default.moveItem(atPath: project + "/data.csv", toPath: project + "/moved.csv")

        let inspect = try galapagos(["inspect", run, "--json"], in: "/")
        #expect(inspect.status == 0, "stderr: \(inspect.stderr)")
        let summary = try lastJSON(inspect)
        #expect((summary["run"] as? [String: Any])?["searchspace"] as? String == "tiny_csv")
        #expect(int((summary["selected"] as? [String: Any])?["id"]) == member)
        let html = try galapagos(["inspect", run, "--html", project + "/report.html"], in: "/")
        #expect(html.status == 0, "stderr: \(html.stderr)")

        let export = try galapagos(["export", run, "-o", project + "/best.gal"], in: "/")
        #expect(export.status == 0, "stderr: \(export.stderr)")
        #expect(FileManager.default.fileExists(atPath: project + "/best.gal"))

        // With the data gone from its path, resume runs on the stored copy.
        let resumed = try galapagos(["resume", run, "--max-evals", "100", "--quiet", "--json"], in: "/")
        #expect(resumed.status == 0, "stderr: \(resumed.stderr)")
        #expect(int(try lastJSON(resumed)["evaluations"]) == 700)
    }

    @Test("symbolic regression on a CSV: the program and simplified program evolve prints score what it reported")
    func symbolicSimplifiedProgramScoresAsReported() throws {
        let directory = try temporaryDirectory()
        var csv = "x0,x1,y\n"
        for row in 0..<120 {
            let a = Double(row % 11) / 5 - 1, b = Double(row % 7) / 3 - 1
            csv += "\(a),\(b),\(a * a - b / 2)\n"
        }
        try csv.write(toFile: directory + "/formula.csv", atomically: true, encoding: .utf8)
        let initialized = try galapagos(
            ["init", "formula.csv", "--label", "y", "--kind", "symbolic", "-o", "space.yaml"], in: directory)
        #expect(initialized.status == 0, "stderr: \(initialized.stderr)")
        let evolve = try galapagos([
            "evolve", "--searchspace", "space.yaml", "--seed", "3", "--max-evals", "3000", "--out", "run.sqlite",
            "--quiet", "--json",
        ], in: directory)
        #expect(evolve.status == 0, "stderr: \(evolve.stderr)")
        let reported = try lastJSON(evolve)
        for key in ["program", "simplified_program"] {
            let text = try #require(reported[key] as? String)
            try text.write(toFile: directory + "/\(key).gal", atomically: true, encoding: .utf8)
            // The space has no select tasks: selection scores the final tasks' validation split.
            let arguments = ["eval", "\(key).gal", "--searchspace", "space.yaml", "--seed", "3", "--tasks", "final"]
            let select = try lastJSON(try galapagos(arguments + ["--json"], in: directory))
            #expect(double(select["fitness"]) == double(reported["select_fitness"]), "\(key):\n\(text)")
            let test = try lastJSON(try galapagos(arguments + ["--test", "--json"], in: directory))
            #expect(double(test["fitness"]) == double(reported["test_fitness"]), "\(key):\n\(text)")
        }
    }

    @Test("resume refuses data that changed at its path, naming the file")
    func resumeRefusesChangedData() throws {
        let project = try csvProject()
        let run = project + "/run.sqlite"
        let evolve = try galapagos([
            "evolve", "--searchspace", project + "/space.yaml", "--max-evals", "300", "--out", run, "--quiet",
        ])
        #expect(evolve.status == 0, "stderr: \(evolve.stderr)")
        let before = try Data(contentsOf: URL(fileURLWithPath: run))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: project + "/data.csv"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("9,9,9,9,1\n".utf8))
        try handle.close()

        let refused = try galapagos(["resume", run, "--max-evals", "100"])
        #expect(refused.status == 1)
        #expect(refused.stderrLines.count == 1, "stderr: \(refused.stderr)")
        #expect(refused.stderr.contains(project + "/data.csv"), "stderr: \(refused.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: run)) == before, "a refused resume changed the file")
    }

    @Test("resuming a finished run leaves the file byte-identical")
    func resumeOfFinishedRunChangesNothing() throws {
        let directory = try temporaryDirectory()
        let run = directory + "/done.sqlite"
        let evolve = try galapagos([
            "evolve", "--searchspace", try repositoryPath("searchspaces/linear_demo.yaml"),
            "--seed-programs", try repositoryPath("searchspaces/examples/sgd_linear_regression.gal"),
            "--target-fitness", "0.999", "--max-evals", "20000", "--out", run, "--quiet", "--json",
        ])
        #expect(evolve.status == 0, "stderr: \(evolve.stderr)")
        try #require(try lastJSON(evolve)["reached_target"] as? Bool == true)
        let before = try Data(contentsOf: URL(fileURLWithPath: run))
        let resume = try galapagos(["resume", run, "--json"])
        #expect(resume.status == 0, "stderr: \(resume.stderr)")
        #expect(resume.stdout.contains("nothing to resume"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: run)) == before)
        #expect(try galapagos(["inspect", run]).stdout.contains("status: finished"))
    }

    @Test("inspect: the seed is a number, --json and --csv hall list the whole hall of fame with programs")
    func inspectListsEverything() throws {
        let directory = try temporaryDirectory()
        let run = directory + "/hall.sqlite"
        let evolve = try galapagos([
            "evolve", "--searchspace", try repositoryPath("searchspaces/linear_demo.yaml"), "--seed", "9",
            "--max-evals", "3000", "--out", run, "--quiet",
        ])
        #expect(evolve.status == 0, "stderr: \(evolve.stderr)")
        let json = try lastJSON(try galapagos(["inspect", run, "--json"]))
        #expect(int((json["run"] as? [String: Any])?["seed"]) == 9)
        let hall = try #require(json["hall_of_fame"] as? [[String: Any]])
        #expect(hall.count == int(json["hall_of_fame_size"]))
        #expect(hall.count > 5)
        let csv = try galapagos(["inspect", run, "--csv", "hall"])
        #expect(csv.stdoutLines.first == "rank,id,fitness,size,origin,parent_id,program")
        // Programs span lines inside quotes: count records by their leading rank.
        let records = csv.stdout.components(separatedBy: "\n").filter { $0.range(of: #"^\d+,\d+,"#, options: .regularExpression) != nil }
        #expect(records.count == hall.count)
        #expect(csv.stdout.contains("\"# galapagos program v1"))
        // Pareto sizes are simplified sizes: never more than the raw size of the same member.
        for point in try #require(json["pareto"] as? [[String: Any]]) {
            let id = try #require(int(point["id"]))
            let raw = try lastJSON(try galapagos(["inspect", run, "--program", "\(id)", "--json"]))
            let rawSize = try #require(int((raw["program"] as? [String: Any])?["size"]))
            #expect(try #require(int(point["size"])) <= rawSize)
        }
    }
}
