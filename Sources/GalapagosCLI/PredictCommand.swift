import ArgumentParser
import Foundation
import Galapagos

/// `galapagos predict`: trains a discovered program on a run's table and predicts new rows.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Train a discovered program on its run's data and predict the rows of a CSV.",
        discussion: """
            The program (a run's reported program, or a .gal file with --searchspace) is \
            trained as evaluation trains it: setup, then predict and learn over the training \
            rows of the first final task (search task when there are no final tasks) of a \
            generator: csv search space. Each row of --data goes through that task's transform \
            (z-scoring, projection, feature order) and gets a prediction in the target's units, \
            or a class name as the file writes it, with one probability column per class. \
            Symbolic (predict-only) programs just evaluate.

            --data needs the run's feature columns (by name; other columns are ignored); when it \
            also has the target column, the score is printed on stderr. --split test predicts \
            the held-out rows of that task instead (the rows eval --test scores), --split train \
            the rows it learned from. The first column, line, is the line of the data file \
            each prediction is for.

            Examples:
              galapagos predict populations/run.sqlite --data new.csv -o predictions.csv
              galapagos predict best.gal \\
                  --searchspace searchspaces/iris_classification.yaml --split test
            """
    )

    @Argument(help: "A run file (.sqlite), or a program file (.gal) with --searchspace.")
    var input: String

    @Option(help: "The search-space file, when the input is a program file.")
    var searchspace: String?

    @Option(help: "The CSV whose rows to predict.")
    var data: String?

    @Option(help: "Predict a split of the training task instead of --data: test (held out) or train.")
    var split: TablePredictor.Split?

    @Option(help: "The run's seed, for a program file (default: 1).")
    var seed: UInt64?

    @Option(name: .shortAndLong, help: "The CSV to write (default: stdout).")
    var output: String?

    @Flag(help: "Print one JSON object (rows, score) as the last line of stdout (needs -o).")
    var json = false


    func validate() throws {
        if (data == nil) == (split == nil) { throw ValidationError("give --data FILE or --split test|train") }
        if json && output == nil { throw ValidationError("--json needs -o (the predictions go to the file)") }
    }

    func run() throws {
        let (program, space, runSeed) = try loadProgram()
        let predictor = try TablePredictor(space: space, runSeed: runSeed)
        let rows: TablePredictor.Rows
        if let data {
            let bytes = try Inputs.readBytes(data, limit: CSVDataset.maximumFileSize, what: "data")
            rows = try predictor.readRows(data: Data(bytes), path: data)
        } else {
            rows = predictor.rows(of: split ?? .test)
        }
        let outputs = try predictor.predict(program, rows: rows.features)
        let classes = predictor.spec.table.classNames
        var csv = ["line", "prediction"] + classes.map { "p_\($0)" }
        csv = [csv.map(Console.csvField).joined(separator: ",")]
        for (output, line) in zip(outputs, rows.lines) {
            let cells = ["\(line)", output.prediction] + output.probabilities.map { "\($0)" }
            csv.append(cells.map(Console.csvField).joined(separator: ","))
        }
        let text = csv.joined(separator: "\n") + "\n"
        if let output {
            do {
                try text.write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                throw GalapagosError.io(path: output, "cannot write the predictions (\(error.localizedDescription))")
            }
        } else {
            print(text, terminator: "")
        }
        let score = rows.targets.map { predictor.score(outputs, targets: $0) } ?? [:]
        if !score.isEmpty {
            Console.error("\(outputs.count) rows: " + score.keys.sorted().map { "\($0) \(Console.number(score[$0]))" }.joined(separator: ", "))
        }
        if json {
            try Console.json(PredictReport(rows: outputs.count, score: score, output: output ?? ""))
        }
    }

    private func loadProgram() throws -> (Program, SearchSpace, UInt64) {
        if let searchspace {
            let space = try Inputs.searchSpace(searchspace)
            return (try Inputs.program(input, in: space, strictOps: false), space, seed ?? 1)
        }
        let loaded = try RunMember.load(input)
        return (loaded.program, loaded.space, loaded.run.configuration.seedValue)
    }
}

/// The `--json` object of `galapagos predict`.
struct PredictReport: Encodable {
    var rows: Int
    /// accuracy (classification) or rmse, mae, r2 (regression), when the targets are known.
    var score: [String: Double]
    var output: String
}

extension TablePredictor.Split: ExpressibleByArgument {}
