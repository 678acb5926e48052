import ArgumentParser
import Galapagos

/// `galapagos simplify`: removes everything from a program that cannot change its predictions.
struct SimplifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simplify",
        abstract: "Simplify a program without changing a single prediction.",
        discussion: """
            Removes instructions whose results can never reach the prediction or the state that \
            later predict and learn calls read, removes no-ops, folds constants exactly as the \
            interpreter computes them, keeps random fills so that the generator's stream is \
            unchanged, and renames registers densely (s0, s1 and v0 keep their roles). The \
            simplified program gives the same predictions, bit for bit, on every task.

            Prints the simplified program and a summary line (instructions: before → after). \
            With --json, the last line of stdout is {"program": text, "before": n, "after": n, \
            "searchspace": name}.

            Example:
              galapagos simplify my.gal --searchspace searchspaces/linear_demo.yaml
            """
    )

    @Argument(help: "The program file (.gal).")
    var program: String

    @Option(help: "The search-space file (.yaml).")
    var searchspace: String

    @Flag(help: "Print one JSON object as the last line of stdout.")
    var json = false

    func run() throws {
        let space = try Inputs.searchSpace(searchspace)
        try ExportInputs.requireLearningAlgorithms(space, file: searchspace)
        let parsed = try Inputs.program(program, in: space, strictOps: false)
        let result = try ProgramSimplifier(shape: space.memory, protocol: space.callProtocol).simplify(parsed)
        let text = ProgramPrinter.print(result.program, searchSpace: space.name)
        if json {
            try Console.json(SimplifyReport(
                program: text, before: result.instructionsBefore, after: result.instructionsAfter,
                searchspace: space.name))
        } else {
            print(text, terminator: "")
            Console.error(result.summary)  // stdout stays a program another command can read
        }
    }
}

/// The `--json` object of `galapagos simplify`.
struct SimplifyReport: Encodable {
    var program: String
    var before: Int
    var after: Int
    var searchspace: String
}
