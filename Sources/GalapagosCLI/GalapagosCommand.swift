import ArgumentParser
import Foundation
import Galapagos

/// `galapagos`: the command-line front end, a thin layer over the `Galapagos` library.
public struct GalapagosCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "galapagos",
        abstract: "Discover machine-learning algorithms by evolution.",
        discussion: """
            Programs are written in a small ML-primitive DSL (.gal files) and judged on the tasks \
            of a search space (searchspaces/*.yaml).

            Examples:
              galapagos eval searchspaces/examples/sgd_linear_regression.gal \\
                  --searchspace searchspaces/linear_demo.yaml
              galapagos searchspace info searchspaces/linear_demo.yaml
            """,
        subcommands: [
            EvolveCommand.self, ResumeCommand.self, InspectCommand.self, SweepCommand.self,
            EvalCommand.self, CheckCommand.self, SearchSpaceCommand.self, BenchCommand.self,
            SimplifyCommand.self, ExportCommand.self, WorkerCommand.self, PredictCommand.self,
            InitCommand.self, ServeCommand.self,
        ]
    )

    public init() {}

    /// Runs the command line and returns the process exit code: 0 on success, 1 for bad input
    /// or a failure (one line on stderr), 2 for usage errors.
    public static func run(arguments: [String]) -> Int32 {
        if arguments == ["--version"] {
            print("galapagos \(ProductVersion.current)")
            return 0
        }
        // No command is a usage error: the help goes to stderr, and the exit code says so.
        if arguments.isEmpty {
            Console.error(helpMessage())
            return 2
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            return 0
        } catch let error as GalapagosError {
            Console.error("error: \(error)")
            return 1
        } catch let error as ExitCode {
            return error.rawValue
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                return 0
            }
            Console.error(fullMessage(for: error))
            return code == .validationFailure ? 2 : 1
        }
    }
}
