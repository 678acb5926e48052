import Foundation
import GalapagosTestSupport
import Testing

// Bring your own data: `init` writes a search space that loads, bad CSVs end with one clear
// error and exit code 1, and `predict --split test` scores exactly what `eval --test` scored.

private func lastJSON(_ outcome: Outcome) throws -> [String: Any] {
    let line = try #require(outcome.stdoutLines.last, "no stdout; stderr: \(outcome.stderr)")
    return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
}

/// A copy of a shipped CSV in a fresh directory.
private func copied(_ name: String) throws -> String {
    let directory = try temporaryDirectory()
    let path = directory + "/" + name
    try FileManager.default.copyItem(atPath: try repositoryPath("searchspaces/data/" + name), toPath: path)
    return path
}

@Suite struct OwnDataTests {
    @Test(arguments: [
        ("concrete.csv", "compressive_strength", nil, "(regression)"),
        ("auto_mpg.csv", "mpg", nil, "(regression)"),
        ("penguins.csv", "species", nil, "3 classes"),
        ("iris.csv", "label", nil, "3 classes"),
        ("formula.csv", "y", "symbolic", "(regression)"),
    ] as [(String, String, String?, String)])
    func initWritesASearchSpaceThatLoads(file: String, label: String, kind: String?, expected: String) throws {
        let data = try copied(file)
        let init_ = try galapagos(["init", data, "--label", label] + (kind.map { ["--kind", $0] } ?? []))
        #expect(init_.status == 0, "\(init_.stderr)")
        let yaml = String(data.dropLast(4)) + ".yaml"
        #expect(FileManager.default.fileExists(atPath: yaml))
        // From another directory: the data path is resolved against the search space.
        let info = try galapagos(["searchspace", "info", yaml], in: NSTemporaryDirectory())
        #expect(info.status == 0, "\(info.stderr)")
        #expect(info.stdout.contains(expected), "\(info.stdout)")
        // A second init refuses to overwrite without --force.
        let again = try galapagos(["init", data, "--label", label])
        #expect(again.status == 1)
        #expect(again.stderr.contains(yaml), "\(again.stderr)")
    }

    @Test func aSpaceFromInitRunsASearchOnTextLabels() throws {
        let data = try copied("penguins.csv")
        #expect(try galapagos(["init", data, "--label", "species"]).status == 0)
        let directory = (data as NSString).deletingLastPathComponent
        let run = try galapagos(
            ["evolve", "--searchspace", "penguins.yaml", "--seed", "3", "--workers", "1", "--max-evals", "300",
             "--out", "run.sqlite", "--json"], in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        let predict = try galapagos(["predict", "run.sqlite", "--data", "penguins.csv", "-o", "p.csv", "--json"], in: directory)
        #expect(predict.status == 0, "\(predict.stderr)")
        let written = try String(contentsOfFile: directory + "/p.csv", encoding: .utf8)
        let header = written.split(separator: "\n").first.map(String.init)
        #expect(header == "line,prediction,p_Adelie,p_Chinstrap,p_Gentoo")
        let names = Set(written.split(separator: "\n").dropFirst().map { $0.split(separator: ",").dropFirst().first.map(String.init) ?? "" })
        #expect(names.isSubset(of: ["Adelie", "Chinstrap", "Gentoo"]), "\(names)")
    }

    @Test(arguments: [
        ("ragged", "a,y\n1,2\n3\n", ":3:"),
        ("text feature", "a,y\n1,2\nabc,3\n", ":3: column 'a'"),
        ("nan", "a,y\n1,2\nnan,3\n", ":3: column 'a'"),
        ("infinity", "a,y\n1,2\ninf,3\n", ":3: column 'a'"),
        ("missing target", "a,y\n1,2\n2,\n", ":3: column 'y'"),
        ("constant target", "a,y\n1,2\n2,2\n3,2\n", ": column 'y'"),
        ("header only", "a,y\n", ":2:"),
        ("no target column", "a,b\n1,2\n", ":1:"),
    ])
    func badCSVsEndWithOneClearError(name: String, text: String, expected: String) throws {
        let directory = try temporaryDirectory()
        try text.write(toFile: directory + "/bad.csv", atomically: true, encoding: .utf8)
        try """
            name: bad
            data: {dataset: bad.csv, target: y}
            memory: {features: 1, scalars: 4, vectors: 2, matrices: 0}
            ops: [scalar_sum, scalar_product, scalar_const_set]
            setup: {min: 0, max: 2, initial: 0}
            predict: {min: 1, max: 4, initial: 1}
            learn: {min: 0, max: 2, initial: 0}
            tasks:
              search: {generator: csv, count: 1, epochs: 1}
            """.write(toFile: directory + "/space.yaml", atomically: true, encoding: .utf8)
        let evolve = try galapagos(["evolve", "--searchspace", "space.yaml", "--max-evals", "10"], in: directory)
        #expect(evolve.status == 1, "\(name): \(evolve.stderr)")
        #expect(evolve.stderrLines.count == 1, "\(name): \(evolve.stderr)")
        #expect(evolve.stderrLines.first?.contains("bad.csv" + expected) == true, "\(name): \(evolve.stderr)")
        // init reads the file its own way (text columns are dropped there), but ends the same.
        let init_ = try galapagos(["init", "bad.csv", "--label", "y"], in: directory)
        #expect(init_.status == 1, "\(name): \(init_.stderr)")
        #expect(init_.stderrLines.count == 1, "\(name): \(init_.stderr)")
        #expect(init_.stderrLines.first?.contains("bad.csv") == true, "\(name): \(init_.stderr)")
    }

    /// `predict --split test` trains as evaluation trains and scores the same held-out rows.
    @Test(arguments: [
        ("iris_classification.yaml", "softmax_regression.gal", "accuracy"),
        ("concrete_regression.yaml", "sgd_table_regression.gal", "r2"),
    ])
    func predictOnTheTestSplitScoresWhatEvalScored(space: String, program: String, metric: String) throws {
        let spacePath = try repositoryPath("searchspaces/" + space)
        let programPath = try repositoryPath("searchspaces/examples/" + program)
        let eval = try galapagos(["eval", programPath, "--searchspace", spacePath, "--tasks", "final", "--test", "--json"])
        #expect(eval.status == 0, "\(eval.stderr)")
        let tasks = try #require(try lastJSON(eval)["tasks"] as? [Double])
        let output = try temporaryDirectory() + "/p.csv"
        let predict = try galapagos(["predict", programPath, "--searchspace", spacePath, "--split", "test", "-o", output, "--json"])
        #expect(predict.status == 0, "\(predict.stderr)")
        let score = try #require(try lastJSON(predict)["score"] as? [String: Double])
        // The first column names the data-file line of each row: train and test never share one.
        let trainOutput = output + ".train.csv"
        let train = try galapagos(["predict", programPath, "--searchspace", spacePath, "--split", "train", "-o", trainOutput])
        #expect(train.status == 0, "\(train.stderr)")
        func lines(_ path: String) throws -> Set<Int> {
            Set(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
                .compactMap { $0.split(separator: ",").first.flatMap { Int($0) } })
        }
        let testLines = try lines(output), trainLines = try lines(trainOutput)
        #expect(!testLines.isEmpty && trainLines.count > testLines.count)
        #expect(testLines.isDisjoint(with: trainLines))
        #expect((testLines.union(trainLines).min() ?? 0) >= 2)
        let predicted = try #require(score[metric], "\(score)")
        let first = try #require(tasks.first)
        // eval's fitness is the accuracy for classification; for regression both print R²,
        // which does not depend on the target's units.
        if metric == "accuracy" {
            #expect(abs(predicted - first) < 1e-12, "predict \(predicted), eval \(first)")
        } else {
            let r2 = try #require((try lastJSON(eval)["r2"] as? [Double])?.first, "eval --json has no r2: \(eval.stdout)")
            #expect(abs(predicted - r2) < 1e-9, "predict \(predicted), eval \(r2)")
        }
    }
}
