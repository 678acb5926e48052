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

            With --formula, also decides whether the program computes that formula of x0, x1, … \
            exactly, by evaluating both in exact rational arithmetic at random rational points \
            (polynomial identity testing; formulas of + − × ÷ and integer powers only). Fitted \
            constants are rounding noise around short fractions (0.49999999999999994), so \
            constants within --snap (relative, default 1e-9) of a fraction with a denominator up \
            to 1,000 count as that fraction; --snap 0 takes them as they are. The JSON object \
            then also holds "equivalent" and "verdict".

            Examples:
              galapagos simplify my.gal --searchspace searchspaces/linear_demo.yaml
              galapagos simplify best.gal --searchspace s.yaml --formula "x0^3 + x0"
            """
    )

    @Argument(help: "The program file (.gal).")
    var program: String

    @Option(help: "The search-space file (.yaml).")
    var searchspace: String

    @Option(help: "A formula of x0, x1, … to compare the program with exactly.")
    var formula: String?

    @Option(help: "With --formula: the relative distance within which a constant counts as a short fraction (0: exact constants).")
    var snap: Double = 1e-9

    @Flag(help: "Print one JSON object as the last line of stdout.")
    var json = false

    func validate() throws {
        guard snap >= 0, snap < 1 else { throw ValidationError("--snap must be from 0 to below 1; found \(snap)") }
    }

    func run() throws {
        let space = try Inputs.searchSpace(searchspace)
        try ExportEligibility.requireSimplifiable(space, file: searchspace)
        let parsed = try Inputs.program(program, in: space, strictOps: false)
        let result = try ProgramSimplifier(shape: space.memory, protocol: space.callProtocol).simplify(parsed)
        let text = ProgramPrinter.print(result.program, searchSpace: space.name)
        var verdict: ExactEquivalence.Verdict?
        if let formula {
            let target: Formula
            do { target = try Formula(parsing: formula) } catch {
                throw ValidationError("--formula: \(error)")
            }
            verdict = try ExactEquivalence.compare(
                program: parsed, formula: target, shape: space.memory, snapping: snap > 0 ? snap : nil)
        }
        if json {
            try Console.json(SimplifyReport(
                program: text, before: result.instructionsBefore, after: result.instructionsAfter,
                searchspace: space.name, equivalent: verdict?.isEquivalent, verdict: verdict?.description))
        } else {
            print(text, terminator: "")
            Console.error(result.summary)  // stdout stays a program another command can read
            if let verdict, let formula { Console.error("\(formula): \(verdict)") }
        }
    }
}

/// The `--json` object of `galapagos simplify`.
struct SimplifyReport: Encodable {
    var program: String
    var before: Int
    var after: Int
    var searchspace: String
    /// With `--formula`: whether the program computes it exactly, and why.
    var equivalent: Bool?
    var verdict: String?
}
