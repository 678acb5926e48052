import ArgumentParser
import Foundation
import Galapagos

/// `galapagos export`: writes a discovered program as Swift (or DSL, JSON, Python, LaTeX).
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a program as self-contained Swift code (or DSL, JSON, Python, LaTeX).",
        discussion: """
            Reads a program from a run file (by default the run's reported program: the \
            member chosen on the select tasks, or the hall of fame's best when the run has \
            none; --program ID picks another) or from a program file with --searchspace, \
            simplifies it (see galapagos simplify) and writes it in one format:

              swift   a struct with init(), setup(), predict(_:), learn(_:label:) and
                      train(_:labels:epochs:); helpers nested inside, so that many
                      exports compile together; standard library only (Foundation for
                      sin, exp, log…); predictions match the interpreter bit for bit
              dsl     the simplified .gal program
              json    the program, simplified and original, with its provenance
              python  a NumPy class
              latex   the predict function as math

            The format defaults to the extension of -o (.swift, .gal, .json, .py, .tex), \
            else swift. Without -o the export goes to stdout.

            Examples:
              galapagos export run.sqlite --best --name SGDRegressor -o SGDRegressor.swift
              galapagos export run.sqlite --program 197133 --format latex
              galapagos export postgres://galapagos@db.example/galapagos --run demo1 \\
                  --best -o Best.swift
              galapagos export searchspaces/examples/sgd_linear_regression.gal \\
                  --searchspace searchspaces/linear_demo.yaml --name SGDRegressor
            """
    )

    @Argument(help: "A run file (.sqlite), a hub's postgres:// URL with --run, or a program file (.gal) with --searchspace.")
    var input: String

    @Option(name: .customLong("run"), help: "With a hub URL: the run's name.")
    var runName: String?

    @Option(help: "The search-space file, when the input is a program file.")
    var searchspace: String?

    @Option(help: "The id of the run's member to export.")
    var program: Int?

    @Flag(help: "Export the run's reported program (the default).")
    var best = false

    @Option(help: "The exported type's name (a Swift identifier).")
    var name: String?

    @Option(help: "The output format (default: from the extension of -o, else swift).")
    var format: FormatArgument?

    @Option(name: .shortAndLong, help: "The file to write (default: stdout).")
    var output: String?

    @Option(help: "For a program file: the seed of the search tasks its fitness is measured on.")
    var seed: UInt64 = 1

    func validate() throws {
        if program != nil && best {
            throw ValidationError("--program and --best are mutually exclusive")
        }
        if searchspace != nil && (program != nil || best) {
            throw ValidationError("--program and --best select a run's member; a program file needs neither")
        }
    }

    func run() throws {
        if let name { try SwiftIdentifier.validateTypeName(name) }
        let format = self.format?.format ?? output.map(Self.inferredFormat) ?? .swift
        if let output { try ExportInputs.checkWritable(output, input: input) }
        let export = try searchspace.map { try exportProgramFile(searchSpacePath: $0) } ?? exportMember()
        let text = export.render(format)
        if let output {
            do {
                try text.write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                throw GalapagosError.io(path: output, "cannot write the export (\(error.localizedDescription))")
            }
            print("wrote \(output): \(format.rawValue) \(export.metadata.typeName), \(export.simplification.summary)")
        } else {
            print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
        }
    }

    /// The format a file name asks for, or Swift.
    static func inferredFormat(_ path: String) -> ExportFormat {
        let lowered = path.lowercased()
        return ExportFormat.allCases.first { lowered.hasSuffix("." + $0.fileExtension) } ?? .swift
    }

    // MARK: Sources

    private func exportProgramFile(searchSpacePath: String) throws -> ProgramExport {
        let space = try Inputs.searchSpace(searchSpacePath)
        try ExportEligibility.requireExportable(space, file: searchSpacePath)
        let parsed = try Inputs.program(input, in: space, strictOps: false)
        let tasks = space.tasks(.search, runSeed: seed)
        let fitness = try tasks.isEmpty ? nil : space.makeEvaluator().evaluate(
            CompiledProgram(parsed, shape: space.memory), on: tasks, aggregation: space.aggregation
        ).fitness
        let base = URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent
        let metadata = ExportMetadata(
            typeName: name ?? SwiftIdentifier.typeName(from: base),
            searchSpace: space.name, metric: space.searchTasks.metric, fitness: fitness,
            fitnessNote: "\(space.aggregation.rawValue) over \(tasks.count) search tasks, seed \(seed)",
            source: input)
        return try ProgramExport(program: parsed, shape: space.memory, metadata: metadata)
    }

    private func exportMember() throws -> ProgramExport {
        let loaded = try RunMember.load(input, runName: runName, id: program) { space, location in
            try ExportEligibility.requireExportable(space, file: location)
        }
        let (space, member, run, parsed) = (loaded.space, loaded.member, loaded.run, loaded.program)
        let metadata = ExportMetadata.member(
            id: member.id, fitness: member.fitness, space: space, run: run, source: loaded.location,
            typeName: name)
        return try ProgramExport(program: parsed, shape: space.memory, metadata: metadata)
    }
}

/// An export format as a command-line value.
struct FormatArgument: ExpressibleByArgument {
    var format: ExportFormat

    init?(argument: String) {
        guard let format = ExportFormat(rawValue: argument) else { return nil }
        self.format = format
    }

    static var allValueStrings: [String] { ExportFormat.allCases.map(\.rawValue) }
}

/// Checks of `export` and `simplify`'s inputs.
enum ExportInputs {
    /// Fails early, before any work, when `path` cannot be written or would overwrite `input`.
    static func checkWritable(_ path: String, input: String) throws {
        let url = URL(fileURLWithPath: path)
        guard url.standardizedFileURL.resolvingSymlinksInPath()
            != URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath()
        else {
            throw GalapagosError.io(path: path, "refusing to overwrite the input file with the export")
        }
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else {
                throw GalapagosError.io(path: path, "expected a file to write, found a directory")
            }
            guard manager.isWritableFile(atPath: path) else {
                throw GalapagosError.io(path: path, "the file is not writable")
            }
            return
        }
        let directory = url.deletingLastPathComponent().path
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw GalapagosError.io(path: path, "no such directory \(directory)")
        }
        guard manager.isWritableFile(atPath: directory) else {
            throw GalapagosError.io(path: path, "the directory \(directory) is not writable")
        }
    }
}
