import Foundation
import Testing

// What `--help` shows: no Swift values for defaults, no default said twice, examples that
// keep to the 80-column width help is printed at (a wrapped example cannot be pasted).

private let commands: [[String]] = [
    [], ["evolve"], ["resume"], ["inspect"], ["sweep"], ["eval"], ["check"], ["searchspace", "info"],
    ["searchspace", "list"], ["bench"], ["simplify"], ["export"], ["worker"], ["predict"], ["init"],
]

@Suite struct HelpTests {
    @Test(arguments: commands)
    func helpReadsWell(command: [String]) throws {
        let help = try galapagos(command + ["--help"])
        let name = (["galapagos"] + command).joined(separator: " ")
        #expect(help.status == 0, "\(name): \(help.stderr)")
        let text = help.stdout
        for leak in ["Argument(", "Policy.", "Galapagos.", "Optional("] {
            #expect(!text.contains(leak), "\(name) --help shows a Swift value (\(leak)):\n\(text)")
        }
        // An option's description must not give its default when the parser adds one.
        let options = text.components(separatedBy: "\n  -")
        for option in options.dropFirst() where option.components(separatedBy: "default").count > 2 {
            Issue.record("\(name): an option says its default twice: -\(option.prefix(300))")
        }
        // Examples: every line indented (a line at column 0 is the tail of a wrapped command).
        var inExamples = false
        for line in help.stdout.components(separatedBy: "\n") {
            if line.hasPrefix("Example") { inExamples = true; continue }
            if line.isEmpty { inExamples = false }
            if inExamples {
                #expect(line.hasPrefix("  "), "\(name): a wrapped example line: '\(line)'")
            }
            // The parser keeps the usage line whole; everything else is wrapped to 80 columns.
            if !line.hasPrefix("USAGE:") {
                #expect(line.count <= 80, "\(name): a help line wider than 80 columns: '\(line)'")
            }
        }
    }

    @Test func noCommandIsAUsageError() throws {
        let bare = try galapagos([])
        #expect(bare.status == 2)
        #expect(bare.stderr.contains("USAGE:"))
        #expect(bare.stdout.isEmpty)
        let version = try galapagos(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("galapagos "))
    }

    @Test(arguments: [["evolve", "--searchspace", "x.yaml", "--max-evals", "-5"], ["resume", "x.sqlite", "--max-evals", "-5"]])
    func negativeBudgetsAreNamed(arguments: [String]) throws {
        let outcome = try galapagos(arguments)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("--max-evals must be at least 1"), "\(outcome.stderr)")
    }
}
