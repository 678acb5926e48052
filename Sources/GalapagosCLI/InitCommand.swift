import ArgumentParser
import Foundation
import Galapagos

/// `galapagos init`: writes a search space for a user's CSV file.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented search space for a CSV file, ready for evolve.",
        discussion: """
            Reads the file, picks the task (classification when the label column holds text \
            or a few whole numbers, else regression; --kind says otherwise), drops text \
            columns and row numbers, leaves out rows with missing cells when there are any, \
            and writes DATA.yaml beside the data (or -o FILE). The search space is loaded \
            back before this command ends, so the next command works:

              galapagos evolve --searchspace DATA.yaml

            Examples:
              galapagos init measurements.csv --label yield
              galapagos init flowers.csv --label species --kind classification \\
                  -o flowers.yaml
              galapagos init physics.csv --label energy --kind symbolic
            """
    )

    @Argument(help: "The CSV file: a header row, then one example per row.")
    var data: String

    @Option(help: "The column to predict.")
    var label: String

    @Option(help: "classification, regression or symbolic (default: guessed from the label column).")
    var kind: SearchSpaceTemplate.Kind?

    @Option(name: .shortAndLong, help: "The search-space file to write (default: beside the data, DATA.yaml).")
    var output: String?

    @Flag(help: "Overwrite the output file if it exists.")
    var force = false

    func run() throws {
        let bytes = try Inputs.readBytes(data, limit: CSVDataset.maximumFileSize, what: "data")
        let profile = try DataProfile.read(data: Data(bytes), path: data)
        let asked: DataSpec.Kind? = switch kind {
        case .classification: .classification
        case .regression, .symbolic: .regression
        case nil: nil
        }
        let suggestion = try profile.suggestion(label: label, kind: asked)
        let url = URL(fileURLWithPath: data)
        let stem = url.deletingPathExtension().lastPathComponent
        let target = output ?? url.deletingPathExtension().appendingPathExtension("yaml").path
        let targetDirectory = URL(fileURLWithPath: target).deletingLastPathComponent().standardizedFileURL.path
        let dataDirectory = url.deletingLastPathComponent().standardizedFileURL.path
        let dataPath = targetDirectory == dataDirectory ? url.lastPathComponent : url.standardizedFileURL.path
        let name = String(stem.map { $0.isLetter || $0.isNumber ? $0 : "_" })
        let template = SearchSpaceTemplate(
            name: name.isEmpty ? "data" : name,
            kind: kind ?? (suggestion.kind == .classification ? .classification : .regression),
            dataPath: dataPath, target: label, drop: suggestion.drop, dropMissing: suggestion.hasMissing,
            features: suggestion.features, classes: suggestion.classes)
        if FileManager.default.fileExists(atPath: target), !force {
            throw GalapagosError.io(path: target, "the file exists (use --force to overwrite it)")
        }
        do {
            try template.text.write(toFile: target, atomically: true, encoding: .utf8)
        } catch {
            throw GalapagosError.io(path: target, "cannot write the search space (\(error.localizedDescription))")
        }
        // Load it back: what init writes must work.
        let space = try SearchSpace.load(path: target)
        print("wrote \(target): \(template.kind.rawValue) of '\(label)', \(suggestion.features) feature columns"
            + (suggestion.drop.isEmpty ? "" : ", dropping \(suggestion.drop.joined(separator: ", "))")
            + (suggestion.hasMissing ? ", leaving out rows with missing cells" : ""))
        if case let .table(table) = space.searchTasks.generator { print("data: \(table.summary)") }
        print("next: galapagos evolve --searchspace \(target) --max-time 10m")
    }
}

extension SearchSpaceTemplate.Kind: ExpressibleByArgument {}
