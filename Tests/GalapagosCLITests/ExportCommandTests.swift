import Foundation
import Galapagos
import GalapagosCLI
import GalapagosTestSupport
import Testing

// `galapagos export` and `galapagos simplify`: success paths in-process and through the binary,
// and one-line errors for bad input.

/// A small run made once through the command line, shared by the tests.
private final class RunFixture: Sendable {
    let directory: String
    let run: String

    static let shared: Result<RunFixture, any Error> = Result { try RunFixture() }

    private init() throws {
        directory = NSTemporaryDirectory() + "galapagos-export-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        RunFixture.removeAtExit = directory
        atexit {
            if let directory = RunFixture.removeAtExit { try? FileManager.default.removeItem(atPath: directory) }
        }
        run = directory + "/run.sqlite"
        let status = GalapagosCommand.run(arguments: [
            "evolve", "--searchspace", try repositoryPath("searchspaces/linear_demo.yaml"), "--seed", "5",
            "--max-evals", "400", "--population", "20", "--out", run, "--quiet",
        ])
        try #require(status == 0, "evolve failed with status \(status)")
    }

    nonisolated(unsafe) private static var removeAtExit: String?
}

@Suite("galapagos export and simplify", .serialized)
struct ExportCommandTests {
    @Test("simplify prints a program another command can read, the summary on stderr; --json ends with one object")
    func simplify() throws {
        let space = try repositoryPath("searchspaces/linear_demo.yaml")
        let sgd = try repositoryPath("searchspaces/examples/sgd_linear_regression.gal")
        let plain = try galapagos(["simplify", sgd, "--searchspace", space])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdoutLines.first == "# galapagos program v1 · searchspace linear_demo")
        #expect(plain.stdoutLines.last == "  v1 = v1 + v2")
        #expect(plain.stderr.contains("instructions: 6 → 6"))
        let saved = try temporaryDirectory() + "/simplified.gal"
        try plain.stdout.write(toFile: saved, atomically: true, encoding: .utf8)
        let reread = try galapagos(["simplify", saved, "--searchspace", space])
        #expect(reread.status == 0 && reread.stdout == plain.stdout, "\(reread.stderr)")
        let json = try galapagos(["simplify", sgd, "--searchspace", space, "--json"])
        let last = try #require(json.stdoutLines.last)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        #expect(object["before"] as? Int == 6 && object["after"] as? Int == 6)
        #expect((object["program"] as? String)?.contains("s1 = dot(v0, v1)") == true)
    }

    @Test("simplify --formula: fitted constants prove a structure exact, a wrong formula is refuted")
    func simplifyAgainstAFormula() throws {
        let space = try repositoryPath("searchspaces/symbolic/nguyen-12.yaml")
        let file = try temporaryDirectory() + "/fitted.gal"
        // What term fitting writes: least-squares coefficients one rounding step off 1 and 1/2.
        try """
            # galapagos program v1
            def predict():
              s4 = square(s2)
              s5 = s4 * s2
              s4 = square(s4)
              s7 = square(s3)
              s9 = -5.551115123125783e-17
              s8 = -1.0
              s8 = s8 * s5
              s9 = s9 + s8
              s8 = 1.0000000000000007
              s8 = s8 * s4
              s9 = s9 + s8
              s8 = -0.9999999999999999
              s8 = s8 * s3
              s9 = s9 + s8
              s8 = 0.49999999999999994
              s8 = s8 * s7
              s1 = s9 + s8

            """.write(toFile: file, atomically: true, encoding: .utf8)
        func verdict(_ formula: String, _ more: [String] = []) throws -> [String: Any] {
            let outcome = try galapagos(["simplify", file, "--searchspace", space, "--formula", formula, "--json"] + more)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let last = try #require(outcome.stdoutLines.last)
            return try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        }
        let nguyen12 = "x0^4 - x0^3 + x1^2/2 - x1"
        #expect(try verdict(nguyen12)["equivalent"] as? Bool == true)
        #expect(try verdict("x0^4 - x0^3 + x1^2/3 - x1")["equivalent"] as? Bool == false)
        // Without snapping, the rounding noise is a real difference.
        let exact = try verdict(nguyen12, ["--snap", "0"])
        #expect(exact["equivalent"] as? Bool == false)
        #expect((exact["verdict"] as? String)?.hasPrefix("different") == true)
        let bad = try galapagos(["simplify", file, "--searchspace", space, "--formula", "x0^^4"])
        #expect(bad.status != 0 && bad.stderr.contains("--formula: ") && bad.stderr.contains("column 4"))
    }

    @Test("export from a program file and from a run, in every format")
    func exports() throws {
        let fixture = try RunFixture.shared.get()
        let space = try repositoryPath("searchspaces/linear_demo.yaml")
        let sgd = try repositoryPath("searchspaces/examples/sgd_linear_regression.gal")
        let swift = fixture.directory + "/SGD.swift"
        #expect(GalapagosCommand.run(arguments: ["export", sgd, "--searchspace", space, "--name", "SGDRegressor", "-o", swift]) == 0)
        let text = try String(contentsOfFile: swift, encoding: .utf8)
        #expect(text.contains("struct SGDRegressor {") && text.contains("prediction = dot(x, w)"))
        // The format follows the extension of -o.
        for (file, marker) in [("m.py", "class Model"), ("m.tex", "\\begin{aligned}"), ("m.json", "\"format\""), ("m.gal", "def predict():")] {
            let path = fixture.directory + "/" + file
            #expect(GalapagosCommand.run(arguments: ["export", sgd, "--searchspace", space, "--name", "Model", "-o", path]) == 0)
            #expect((try? String(contentsOfFile: path, encoding: .utf8))?.contains(marker) == true, "\(file)")
        }
        // From the run: the reported program, then one picked by id, to stdout.
        let best = try galapagos(["export", fixture.run, "--best", "--name", "Best"])
        #expect(best.status == 0, "\(best.stderr)")
        #expect(best.stdout.contains("struct Best {") && best.stdout.contains("/// - Origin: run `"))
        let reader = try RunReader(path: fixture.run)
        let member = try #require(try reader.hallOfFame(limit: 3).last)
        let latex = try galapagos(["export", fixture.run, "--program", "\(member.id)", "--format", "latex"])
        #expect(latex.status == 0, "\(latex.stderr)")
        #expect(latex.stdout.contains("\\hat{y}"))
    }

    @Test("bad input: one line on stderr naming the problem, exit 1")
    func badInput() throws {
        let fixture = try RunFixture.shared.get()
        let space = try repositoryPath("searchspaces/linear_demo.yaml")
        let sgd = try repositoryPath("searchspaces/examples/sgd_linear_regression.gal")
        let cases: [([String], String)] = [
            (["export", fixture.directory + "/missing.sqlite"], "no such run file"),
            (["export", sgd], "needs --searchspace"),
            (["export", space], "not a Galapagos run file"),
            (["export", fixture.run, "--program", "987654321"], "no program with id 987654321"),
            (["export", fixture.run, "--name", "not-an-identifier"], "not a Swift identifier"),
            (["export", fixture.run, "--name", "Self"], "keyword"),
            (["export", fixture.run, "--name", "model"], "uppercase"),
            (["export", fixture.run, "-o", fixture.directory + "/no/such/dir/X.swift"], "no such directory"),
            (["export", fixture.run, "-o", fixture.directory], "found a directory"),
            (["export", fixture.run, "-o", fixture.run], "refusing to overwrite the input"),
            (["export", fixture.directory + "/missing.gal", "--searchspace", space], "no such program file"),
            (["simplify", fixture.directory + "/missing.gal", "--searchspace", space], "no such program file"),
        ]
        for (arguments, message) in cases {
            let outcome = try galapagos(arguments)
            #expect(outcome.status == 1, "\(arguments): status \(outcome.status), stderr \(outcome.stderr)")
            #expect(outcome.stderrLines.count == 1, "\(arguments): \(outcome.stderr)")
            #expect(outcome.stderr.contains(message), "\(arguments): \(outcome.stderr)")
        }
        // The run file is untouched by the refused overwrite.
        #expect(try RunReader(path: fixture.run).hallOfFame(limit: 1).count == 1)
        // Contradictory options are usage errors.
        #expect(GalapagosCommand.run(arguments: ["export", fixture.run, "--best", "--program", "1"]) == 2)
        #expect(GalapagosCommand.run(arguments: ["export", sgd, "--searchspace", space, "--best"]) == 2)
        #expect(GalapagosCommand.run(arguments: ["export", fixture.run, "--format", "cobol"]) == 2)
    }
}
