import ArgumentParser
import Foundation
import Galapagos
#if Hub
import GalapagosHub
#endif

/// `galapagos resume`: continues a run from its last checkpoint.
struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue a run exactly where its last checkpoint left it.",
        discussion: """
            A run of 2N individuals and a run of N resumed for N more end in the same state, \
            bit for bit. --max-evals N means N more individuals. The search space and task \
            data must be unchanged (their hashes are checked). Resuming a run that reached its \
            target prints so and exits 0. Only one process may write a run at a time.

            Examples:
              galapagos resume populations/linear_demo-20261125-120000-seed1.sqlite
              galapagos resume populations/run.sqlite --max-evals 1000000 --json
              galapagos resume --hub postgres://galapagos@db.example/galapagos --run demo1

            With --hub: a run stopped by Ctrl-C on its `evolve --hub` process runs again; start \
            workers again to evolve it. Its budgets count from now (--max-evals: N more).
            """
    )

    @Argument(help: "The run file (.sqlite); omit with --hub.")
    var runFile: String?

    @OptionGroup var hubOptions: HubOptions

    @Option(name: .customLong("max-evals"), parsing: .unconditional, help: "Stop after this many more individuals.")
    var maxEvals: Int?

    @Option(name: .customLong("max-time"), help: "Stop after this long (90, 90s, 5m, 2h).")
    var maxTime: DurationArgument?

    @Option(help: "Worker threads (default: all cores). Results do not depend on it.")
    var workers: Int?

    @Option(help: "A search-space file that must match the run's stored copy.")
    var searchspace: String?

    @OptionGroup var checkpoints: CheckpointOptions

    @Flag(help: "Print no progress.")
    var quiet = false

    @Flag(help: "Print one JSON object as the last line of stdout.")
    var json = false

    func validate() throws {
        if hubOptions.isHub == (runFile != nil) {
            throw ValidationError("give a run file, or --hub URL --run NAME")
        }
        if let maxEvals, maxEvals < 1 { throw ValidationError("--max-evals must be at least 1") }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
    }

    func run() throws {
        let threads = workers ?? ProcessInfo.processInfo.activeProcessorCount
        guard let runFile else {
            #if Hub
            let (hub, runName) = try hubOptions.connect(quiet: quiet)
            return try HubSession.resume(
                runName: runName, hub: hub, maxIndividuals: maxEvals, maxSeconds: maxTime?.seconds,
                output: HubSession.Output(quiet: quiet, json: json, threads: threads))
            #else
            throw HubSupport.unavailable
            #endif
        }
        let outcome = try RecordedRun.resume(
            path: runFile, workers: threads,
            additionalIndividuals: maxEvals, policy: checkpoints.checkpointEvery.policy,
            searchSpacePath: searchspace)
        switch outcome {
        case let .finished(stored):
            print("\(runFile): the run already finished (\(stored.stopReason ?? "target reached"));"
                + " nothing to resume")
            if json { try Console.json(["finished": true]) }
        case let .resumed(recorded):
            recorded.writeErrorPolicy = checkpoints.onWriteError.policy
            recorded.onWriteError = { Console.error("warning: checkpoint not written: \($0)") }
            let stop = StopSignal()
            let startIndividuals = recorded.engine.individuals
            let display = ProgressDisplay(quiet: quiet, startIndividuals: startIndividuals)
            if !quiet {
                Console.error("resuming \(runFile) at \(recorded.engine.individuals) individuals")
            }
            let deadline = maxTime.map { ContinuousClock.now + .milliseconds(Int64($0.seconds * 1000)) }
            let ending = try recorded.run(
                until: deadline, shouldStop: { stop.isRequested }, onStep: { display.update($0) })
            display.update(recorded.engine, force: true)
            display.finish()
            try Report.print(
                engine: recorded.engine, ending: ending, seconds: recorded.sessionSeconds,
                runFile: runFile, json: json, startIndividuals: startIndividuals)
        }
    }
}
