import ArgumentParser
import Foundation
import Galapagos
#if Hub
import GalapagosHub
#endif

/// `galapagos evolve`: runs a search.
struct EvolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evolve",
        abstract: "Search for programs by island-model regularized evolution.",
        discussion: """
            Shows live progress on stderr and prints the best program at the end. Ctrl-C stops \
            cleanly at the next batch and still prints the best program. With --json the last \
            stdout line is one JSON object with best_fitness, select_fitness, test_fitness, \
            evaluations, fec_hits, seconds, program and more (see README).

            Examples:
              galapagos evolve --searchspace searchspaces/linear_demo.yaml --seed 1 \\
                  --target-fitness 0.9999 --max-time 10m
              galapagos evolve --searchspace searchspaces/linear_demo.yaml --islands 4 \\
                  --selector ucb --max-evals 200000 --json
              galapagos evolve --searchspace searchspaces/linear_demo.yaml \\
                  --hub postgres://galapagos@db.example/galapagos --run demo1 \\
                  --target-fitness 0.9999

            With --hub the run lives in PostgreSQL: this process creates it and watches it while \
            `galapagos worker` processes, on any machines, evolve its islands (see README).
            """
    )

    @OptionGroup var search: SearchOptions

    @Option(help: "The run's seed: same seed and search space, same results.")
    var seed: UInt64 = 1

    @Option(name: .customLong("seed-programs"), parsing: .upToNextOption,
            help: "Program files (.gal) that start the population instead of random programs.")
    var seedPrograms: [String] = []

    @Option(name: .customLong("warm-start"),
            help: "A run file whose hall of fame starts the population (with --seed-programs, both).")
    var warmStart: String?

    @Option(name: .customLong("warm-start-top"), help: "Hall-of-fame entries taken by --warm-start.")
    var warmStartTop: Int = 20

    @Option(help: "The run file to write (default: populations/<searchspace>-<time>-seed<seed>.sqlite).")
    var out: String?

    @Flag(name: .customLong("no-save"), help: "Write no run file (nothing to resume or inspect).")
    var noSave = false

    @OptionGroup var checkpoints: CheckpointOptions

    @OptionGroup var hubOptions: HubOptions

    @Option(help: "With --hub: seconds after which a silent worker's islands go to other workers.")
    var lease: Double = 30

    @Option(name: .customLong("sync-every"),
            help: "With --hub: seconds between a worker's checkpoints and migrant exchanges.")
    var syncEvery: Double = 2

    @Flag(help: "Print no progress.")
    var quiet = false

    @Option(name: .customLong("table-every"),
            help: ArgumentHelp("Print a table of the best programs this often (30s, 5m; default 60s).", valueName: "duration"))
    var tableEvery: DurationArgument?

    @Flag(help: "Print one JSON object as the last line of stdout.")
    var json = false

    func validate() throws {
        if noSave && out != nil { throw ValidationError("--no-save and --out exclude each other") }
        if hubOptions.isHub && (noSave || out != nil) {
            throw ValidationError("--hub keeps the run on the hub: drop --out and --no-save")
        }
        guard lease.isFinite, syncEvery.isFinite, syncEvery >= 0.05, lease >= 2 * syncEvery else {
            throw ValidationError("--lease must be at least twice --sync-every (at least 0.05 s)")
        }
    }

    func run() throws {
        let baseSpace = try Inputs.searchSpace(search.searchspace)
        let space = search.overrides.apply(to: baseSpace)
        var programs = try seedPrograms.map { try Inputs.program($0, in: space, strictOps: false) }
        if let warmStart {
            programs += try Inputs.hallOfFamePrograms(warmStart, top: warmStartTop, in: space)
        }
        let settings = search.settings(seed: seed, seedPrograms: programs)
        if hubOptions.isHub {
            return try startHubRun(baseSpace: baseSpace, space: space, programs: programs, settings: settings)
        }
        let stop = StopSignal()
        let display = ProgressDisplay(quiet: quiet, tableInterval: tableEvery.map(\.seconds) ?? 60)
        if noSave {
            let engine = Engine(space: space, settings: settings)
            let reason = engine.run(
                until: search.deadline(), shouldStop: { stop.isRequested },
                onStep: { display.update($0) })
            display.update(engine, force: true)
            display.finish()
            try Report.print(
                engine: engine, ending: RecordedRun.Ending(reason: reason, summary: engine.finish()),
                seconds: display.elapsed, runFile: nil, json: json)
            return
        }
        let configuration = runConfiguration(space: space, programs: programs, settings: settings)
        let recorded = try startRecordedRun(
            space: baseSpace, configuration: configuration, settings: settings)
        if !quiet { Console.error("run file: \(recorded.store.path)") }
        recorded.writeErrorPolicy = checkpoints.onWriteError.policy
        recorded.onWriteError = { Console.error("warning: checkpoint not written: \($0)") }
        let ending = try recorded.run(
            until: search.deadline(), shouldStop: { stop.isRequested },
            onStep: { display.update($0) })
        display.update(recorded.engine, force: true)
        display.finish()
        try Report.print(
            engine: recorded.engine, ending: ending, seconds: recorded.sessionSeconds,
            runFile: recorded.store.path, json: json)
    }

    /// How this run was started, as stores keep it.
    private func runConfiguration(
        space: SearchSpace, programs: [Program], settings: EngineSettings
    ) -> RunConfiguration {
        search.runConfiguration(space: space, seed: seed, programs: programs, settings: settings)
    }

    /// `--hub`: the run lives in PostgreSQL and workers evolve it; this process watches.
    private func startHubRun(
        baseSpace: SearchSpace, space: SearchSpace, programs: [Program], settings: EngineSettings
    ) throws {
        #if Hub
        let (hub, runName) = try hubOptions.connect(quiet: quiet)
        let configuration = runConfiguration(space: space, programs: programs, settings: settings)
        let definition = try HubRunDefinition(
            name: runName, space: baseSpace, searchSpacePath: search.searchspace,
            configuration: configuration, leaseSeconds: lease, syncSeconds: syncEvery)
        try HubSession.start(
            definition: definition, hub: hub, maxIndividuals: search.maxEvals,
            maxSeconds: search.maxTime?.seconds,
            output: HubSession.Output(quiet: quiet, json: json, threads: settings.workers))
        #else
        throw HubSupport.unavailable
        #endif
    }

    private func startRecordedRun(
        space: SearchSpace, configuration: RunConfiguration, settings: EngineSettings
    ) throws -> RecordedRun {
        if let out {
            let name = ((out as NSString).lastPathComponent as NSString).deletingPathExtension
            return try RecordedRun.start(
                space: space, configuration: configuration, settings: settings, path: out,
                name: name, policy: checkpoints.checkpointEvery.policy)
        }
        // Default names never clash: a name taken between the check and the creation is
        // retried with the next suffix.
        var lastError: Error?
        for _ in 0..<20 {
            let (path, name) = RecordedRun.defaultPath(
                directory: "populations", space: space.name, seed: seed)
            do {
                return try RecordedRun.start(
                    space: space, configuration: configuration, settings: settings, path: path,
                    name: name, policy: checkpoints.checkpointEvery.policy)
            } catch let error as GalapagosError {
                lastError = error
                if case .io = error, FileManager.default.fileExists(atPath: path) { continue }
                throw error
            }
        }
        throw lastError ?? GalapagosError.run("cannot create a run file in populations/")
    }
}

/// How a run file is checkpointed: `evolve` and `resume` take the same options.
struct CheckpointOptions: ParsableArguments {
    @Option(name: .customLong("checkpoint-every"),
            help: "Checkpoint interval: seconds with a unit (5s, 1m; sooner in a session's first minute) or a number of individuals.")
    var checkpointEvery: CheckpointArgument = CheckpointArgument(policy: .seconds(5))

    @Option(name: .customLong("on-write-error"),
            help: "When a checkpoint cannot be written (disk full): stop or retry.")
    var onWriteError: WriteErrorArgument = WriteErrorArgument(policy: .stop)
}

/// `stop` or `retry`.
struct WriteErrorArgument: ExpressibleByArgument {
    var policy: WriteErrorPolicy

    init(policy: WriteErrorPolicy) {
        self.policy = policy
    }

    init?(argument: String) {
        guard let policy = WriteErrorPolicy(rawValue: argument) else { return nil }
        self.policy = policy
    }

    static var allValueStrings: [String] { WriteErrorPolicy.allCases.map(\.rawValue) }

    /// How `--help` shows the default.
    var defaultValueDescription: String { policy.rawValue }
}

/// `5s`, `2m`, `1h` (seconds between checkpoints) or a plain number of individuals.
struct CheckpointArgument: ExpressibleByArgument {
    var policy: CheckpointPolicy

    init(policy: CheckpointPolicy) {
        self.policy = policy
    }

    init?(argument: String) {
        if let individuals = Int(argument), individuals > 0 {
            policy = .individuals(individuals)
        } else if let last = argument.last, "smh".contains(last),
                  let duration = DurationArgument(argument: argument) {
            policy = .seconds(duration.seconds)
        } else {
            return nil
        }
    }

    /// How `--help` shows the default: `5s` or `10000`.
    var defaultValueDescription: String {
        switch policy {
        case let .seconds(seconds): DurationArgument(seconds: seconds).defaultValueDescription
        case let .individuals(individuals): "\(individuals)"
        }
    }
}

/// The end-of-run report shared by `evolve` and `resume`.
enum Report {
    /// - Parameter startIndividuals: individuals already produced when this session started
    ///   (non-zero after `resume`), so that throughput counts this session's work only.
    static func print(
        engine: Engine, ending: RecordedRun.Ending, seconds: Double, runFile: String?, json: Bool,
        startIndividuals: Int = 0
    ) throws {
        let reason = ending.reason
        guard let summary = ending.summary else {
            throw GalapagosError.run("the run stopped before any program was evaluated")
        }
        let text = ProgramPrinter.print(summary.best.program, searchSpace: engine.space.name)
        let rate = seconds > 0 ? Double(summary.individuals - startIndividuals) / seconds : 0
        let test = summary.testFitness.map { String($0) } ?? "n/a"
        let session = startIndividuals > 0 ? " (\(summary.individuals - startIndividuals) this session)" : ""
        Swift.print("# stopped: \(reason.rawValue) after \(summary.individuals) individuals\(session) in"
            + " \(String(format: "%.1f", seconds)) s (\(Int(rate))/s), FEC hits \(summary.fecHits)"
            + (engine.fecAudit.rate.map {
                ", audited \(engine.fecAudit.checked): \(engine.fecAudit.wrong) wrong (\(String(format: "%.3f", 100 * $0)) %)"
            } ?? ""))
        Swift.print("# best: member \(summary.best.id), search fitness \(summary.searchFitness),"
            + " select fitness \(summary.selectFitness), test fitness \(test)")
        if let runFile { Swift.print("# run file: \(runFile)") }
        // The simplified program (dead code out, registers renumbered: the same predictions, bit
        // for bit) reads at a glance; the run file and --json keep the program as evolved.
        let simplified = engine.space.objective.lossTraining == nil
            ? try? ProgramSimplifier(shape: engine.space.memory, protocol: engine.space.callProtocol).simplify(summary.best.program) : nil
        if let simplified, simplified.instructionsAfter < simplified.instructionsBefore {
            Swift.print("# simplified: \(simplified.instructionsAfter) of \(simplified.instructionsBefore)"
                + " instructions, the same predictions")
            Swift.print(ProgramPrinter.print(simplified.program, searchSpace: engine.space.name), terminator: "")
        } else {
            Swift.print(text, terminator: "")
        }
        if let runFile, engine.space.objective == .program {
            Swift.print("# as Swift: galapagos export \(runFile) --best -o Best.swift")
        }
        if json {
            try Console.json(EvolveReport(
                best_fitness: summary.searchFitness, select_fitness: summary.selectFitness,
                test_fitness: summary.testFitness, evaluations: summary.individuals,
                fec_hits: summary.fecHits, seconds: seconds, individuals_per_second: rate,
                program: text,
                simplified_program: simplified.map { ProgramPrinter.print($0.program, searchSpace: engine.space.name) },
                seed: engine.settings.seed, searchspace: engine.space.name,
                islands: engine.space.evolution.islands,
                selector: engine.space.evolution.selector.rawValue,
                workers: engine.settings.workers, migrations: summary.migrations,
                reached_target: summary.reachedTarget, stopped: reason.rawValue,
                member_id: summary.best.id, run_file: runFile,
                fec_audit: FECAuditReport(engine.fecAudit)))
        }
    }
}

/// The `--json` object of `galapagos evolve` (keys documented in README.md). Hub runs have
/// `hub` and `run` instead of `run_file` and `workers`.
struct EvolveReport: Encodable {
    var best_fitness: Double
    var select_fitness: Double
    var test_fitness: Double?
    var evaluations: Int
    var fec_hits: Int
    var seconds: Double
    var individuals_per_second: Double
    var program: String
    /// The program with dead code removed (the same predictions), for reading.
    var simplified_program: String? = nil
    var seed: UInt64
    var searchspace: String
    var islands: Int
    var selector: String
    var workers: Int?
    var migrations: Int
    var reached_target: Bool
    var stopped: String
    var member_id: Int
    var run_file: String?
    var hub: String?
    var run: String?
    /// This session's audit of FEC hits; absent when none was audited.
    var fec_audit: FECAuditReport? = nil
}

/// ``FECAudit`` in `--json` reports: `{"checked": n, "wrong": k, "rounding": r, "rate": k/n,
/// "max_error": e, "mean_error": m}`.
struct FECAuditReport: Encodable {
    var checked: Int
    var wrong: Int
    var rounding: Int
    var rate: Double
    var max_error: Double
    var mean_error: Double

    init?(_ audit: FECAudit) {
        guard let rate = audit.rate, let mean = audit.meanError else { return nil }
        checked = audit.checked
        wrong = audit.wrong
        rounding = audit.rounding
        self.rate = rate
        max_error = audit.maximumError
        mean_error = mean
    }
}
