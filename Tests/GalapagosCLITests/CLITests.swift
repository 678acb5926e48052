import Foundation
import Galapagos
import GalapagosCLI
import GalapagosTestSupport
import Testing

// The command line: exit codes in-process, and the built binary end to end.

private func temporaryDirectory(files: [String: [UInt8]]) throws -> URL {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("galapagos-cli-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for (name, bytes) in files {
        try Data(bytes).write(to: directory.appendingPathComponent(name))
    }
    return directory
}

/// A program with an unknown op on line 4, at column 8.
private let badProgram = """
    # galapagos program v1
    def setup():
    def predict():
      s1 = frobnicate(v0)
    def learn():

    """

/// The `galapagos` executable built next to this test bundle.
@Suite("Command line", .serialized)
struct CLITests {
    // MARK: in-process

    @Test("eval, check and searchspace info/list succeed on the shipped files")
    func shippedFilesSucceed() throws {
        let space = try repositoryPath("searchspaces/linear_demo.yaml")
        let sgd = try repositoryPath("searchspaces/examples/sgd_linear_regression.gal")
        let zero = try repositoryPath("searchspaces/examples/constant_zero.gal")
        #expect(GalapagosCommand.run(arguments: ["eval", sgd, "--searchspace", space]) == 0)
        #expect(GalapagosCommand.run(arguments: ["eval", zero, "--searchspace", space, "--json"]) == 0)
        #expect(GalapagosCommand.run(arguments: ["eval", sgd, "--searchspace", space, "--seed", "7", "--tasks", "search"]) == 0)
        #expect(GalapagosCommand.run(arguments: ["check", sgd, "--searchspace", space]) == 0)
        #expect(GalapagosCommand.run(arguments: ["check", zero, "--searchspace", space, "--json"]) == 0)
        #expect(GalapagosCommand.run(arguments: ["searchspace", "info", space]) == 0)
        #expect(GalapagosCommand.run(arguments: ["searchspace", "info", space, "--json"]) == 0)
        #expect(GalapagosCommand.run(arguments: ["searchspace", "list", try repositoryPath("searchspaces")]) == 0)
        #expect(GalapagosCommand.run(arguments: ["--help"]) == 0)
    }

    @Test("bad input returns 1")
    func badInputReturnsOne() throws {
        let space = try repositoryPath("searchspaces/linear_demo.yaml")
        let sgd = try repositoryPath("searchspaces/examples/sgd_linear_regression.gal")
        var random = RandomGenerator(seed: 3)
        let garbage = (0..<1_024).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let directory = try temporaryDirectory(files: [
            "bad.gal": Array(badProgram.utf8),
            "garbage.gal": garbage,
            // Valid syntax, but sin is not one of linear_demo's ops: check is strict.
            "sin.gal": Array("# galapagos program v1\ndef predict():\n  s1 = sin(s0)\n".utf8),
            "huge.gal": Array(repeating: 0xFF, count: ProgramParser.maximumFileSize + 10),
            "bad.yaml": Array("name: broken\nmemory: {features: 0}\n".utf8),
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

        #expect(GalapagosCommand.run(arguments: ["eval", path("bad.gal"), "--searchspace", space]) == 1)
        #expect(GalapagosCommand.run(arguments: ["check", path("bad.gal"), "--searchspace", space]) == 1)
        #expect(GalapagosCommand.run(arguments: ["check", path("garbage.gal"), "--searchspace", space]) == 1)
        #expect(GalapagosCommand.run(arguments: ["check", path("huge.gal"), "--searchspace", space]) == 1)
        #expect(GalapagosCommand.run(arguments: ["check", path("sin.gal"), "--searchspace", space]) == 1)
        #expect(GalapagosCommand.run(arguments: ["check", path("missing.gal"), "--searchspace", space]) == 1)
        #expect(GalapagosCommand.run(arguments: ["eval", sgd, "--searchspace", path("bad.yaml")]) == 1)
        #expect(GalapagosCommand.run(arguments: ["eval", sgd, "--searchspace", path("missing.yaml")]) == 1)
        #expect(GalapagosCommand.run(arguments: ["searchspace", "info", path("bad.yaml")]) == 1)
        // A directory is not a program file.
        #expect(GalapagosCommand.run(arguments: ["check", directory.path, "--searchspace", space]) == 1)
    }

    @Test("usage errors return 2")
    func usageErrorsReturnTwo() throws {
        let space = try repositoryPath("searchspaces/linear_demo.yaml")
        let sgd = try repositoryPath("searchspaces/examples/sgd_linear_regression.gal")
        #expect(GalapagosCommand.run(arguments: ["eval"]) == 2)
        #expect(GalapagosCommand.run(arguments: ["eval", sgd]) == 2)  // --searchspace is required
        #expect(GalapagosCommand.run(arguments: ["check", "--searchspace", space]) == 2)
        #expect(GalapagosCommand.run(arguments: ["searchspace", "info"]) == 2)
        #expect(GalapagosCommand.run(arguments: ["eval", sgd, "--searchspace", space, "--tasks", "bogus"]) == 2)
        #expect(GalapagosCommand.run(arguments: ["eval", sgd, "--searchspace", space, "--seed", "-1"]) == 2)
        #expect(GalapagosCommand.run(arguments: ["eval", sgd, "--searchspace", space, "--no-such-flag"]) == 2)
        #expect(GalapagosCommand.run(arguments: ["frobnicate"]) == 2)
    }

    // MARK: the binary, end to end

    @Test("galapagos eval --json prints one JSON object as the last stdout line")
    func evalJSONEndToEnd() throws {
        let space = try repositoryPath("searchspaces/linear_demo.yaml")
        let sgd = try repositoryPath("searchspaces/examples/sgd_linear_regression.gal")
        let outcome = try galapagos(["eval", sgd, "--searchspace", space, "--json"])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let last = try #require(lines(outcome.stdout).last, "no output")
        let object = try JSONSerialization.jsonObject(with: Data(last.utf8))
        let json = try #require(object as? [String: Any], "not a JSON object: \(last)")
        let tasks = try #require(json["tasks"] as? [Any], "no tasks array: \(last)")
        #expect(tasks.count == 10)
        let fitnesses = tasks.compactMap { ($0 as? NSNumber)?.doubleValue }
        #expect(fitnesses.count == 10)
        let fitness = try #require((json["fitness"] as? NSNumber)?.doubleValue, "no fitness: \(last)")
        #expect(fitness >= 0.999)
        #expect(abs(fitness - fitnesses.reduce(0, +) / 10) < 1e-12)
        #expect(json["searchspace"] as? String == "linear_demo")

        // The binary agrees with the library on the same seed (1 is the default).
        let spaceValue = try SearchSpace.load(path: space)
        let program = try ProgramParser(limits: spaceValue.programLimits(strictOps: false))
            .parse(String(contentsOfFile: sgd, encoding: .utf8))
        let library = Evaluator(shape: spaceValue.memory).evaluate(
            try CompiledProgram(program, shape: spaceValue.memory), on: spaceValue.tasks(.search, runSeed: 1))
        #expect(library.fitness == fitness)
    }

    @Test("a bad file gives exit code 1 and one stderr line naming file, line and column")
    func badFileEndToEnd() throws {
        let space = try repositoryPath("searchspaces/linear_demo.yaml")
        let directory = try temporaryDirectory(files: ["bad.gal": Array(badProgram.utf8)])
        defer { try? FileManager.default.removeItem(at: directory) }
        let bad = directory.appendingPathComponent("bad.gal").path
        for command in ["eval", "check"] {
            let outcome = try galapagos([command, bad, "--searchspace", space])
            #expect(outcome.status == 1)
            let errorLines = lines(outcome.stderr)
            #expect(errorLines.count == 1, "stderr: \(outcome.stderr)")
            // "  s1 = frobnicate(v0)" on line 4: the op name starts at column 8.
            #expect(errorLines.first?.contains("\(bad):4:8: ") == true, "stderr: \(outcome.stderr)")
            #expect(errorLines.first?.contains("frobnicate") == true)
        }
    }

    @Test("the binary returns 2 for a usage error")
    func usageErrorEndToEnd() throws {
        let outcome = try galapagos(["eval"])
        #expect(outcome.status == 2)
        #expect(!outcome.stderr.isEmpty)
    }
}

@Suite("galapagos bench")
struct BenchCommandTests {
    @Test("bench runs every figure on the shipped search spaces and ends with one JSON object")
    func benchRuns() throws {
        let outcome = try galapagos([
            "bench", "--searchspaces", try repositoryPath("searchspaces"), "--seconds", "0.05",
            "--evolve-individuals", "300", "--json",
        ])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let last = try #require(outcome.stdoutLines.last)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        #expect(!object.isEmpty)
        #expect(outcome.stdout.contains("digits_binary.two_layer_nn.evaluations_per_second"))
    }
}
