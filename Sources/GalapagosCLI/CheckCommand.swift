import ArgumentParser
import Galapagos

/// `galapagos check`: validates a program file against a search space.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check that a program file is valid in a search space.",
        discussion: """
            Checks syntax, register kinds and ranges, element indices, the ops each component \
            allows and the component size bounds. A program may be shorter than the bounds. \
            Errors print as file:line:column: message, with exit code 1.

            Example:
              galapagos check my.gal --searchspace searchspaces/linear_demo.yaml
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
        let parsed = try Inputs.program(program, in: space, strictOps: true)
        let sizes = Component.allCases.map { parsed[$0].count }
        if json {
            try Console.json(CheckReport(
                valid: true, program: program, searchspace: space.name, setup: sizes[0],
                predict: sizes[1], learn: sizes[2]))
        } else {
            print("\(program): ok (setup \(sizes[0]), predict \(sizes[1]), learn \(sizes[2])"
                + " instructions; search space \(space.name))")
        }
    }
}

/// The `--json` object of `galapagos check`.
struct CheckReport: Encodable {
    var valid: Bool
    var program: String
    var searchspace: String
    var setup: Int
    var predict: Int
    var learn: Int
}
