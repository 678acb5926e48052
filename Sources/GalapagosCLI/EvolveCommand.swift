import ArgumentParser
import Foundation
import Galapagos

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
            """
    )

    @OptionGroup var search: SearchOptions

    @Option(help: "The run's seed: same seed and search space, same results.")
    var seed: UInt64 = 1

    @Option(name: .customLong("seed-programs"), parsing: .upToNextOption,
            help: "Program files (.gal) that start the population instead of random programs.")
    var seedPrograms: [String] = []

    @Flag(help: "Print no progress.")
    var quiet = false

    @Flag(help: "Print one JSON object as the last line of stdout.")
    var json = false

    func run() throws {
        let space = try search.loadSearchSpace()
        let programs = try seedPrograms.map { try Inputs.program($0, in: space, strictOps: false) }
        let settings = search.settings(seed: seed, seedPrograms: programs)
        let engine = Engine(space: space, settings: settings)
        let stop = StopSignal()
        let display = ProgressDisplay(quiet: quiet)
        let reason = engine.run(
            until: search.deadline(), shouldStop: { stop.isRequested },
            onStep: { display.update($0) })
        display.update(engine, force: true)
        display.finish()
        let seconds = display.elapsed
        guard let summary = engine.finish() else {
            throw GalapagosError.run("the run stopped before any program was evaluated")
        }
        try Report.print(
            summary: summary, engine: engine, reason: reason, seconds: seconds, json: json)
    }
}

/// The end-of-run report shared by `evolve` and `resume`.
enum Report {
    static func print(
        summary: RunSummary, engine: Engine, reason: StopReason, seconds: Double, json: Bool
    ) throws {
        let text = ProgramPrinter.print(summary.best.program, searchSpace: engine.space.name)
        let rate = seconds > 0 ? Double(summary.individuals) / seconds : 0
        let test = summary.testFitness.map { String($0) } ?? "n/a"
        Swift.print("# stopped: \(reason.rawValue) after \(summary.individuals) individuals in"
            + " \(String(format: "%.1f", seconds)) s (\(Int(rate))/s), FEC hits \(summary.fecHits)")
        Swift.print("# best: member \(summary.best.id), search fitness \(summary.searchFitness),"
            + " select fitness \(summary.selectFitness), test fitness \(test)")
        Swift.print(text, terminator: "")
        if json {
            try Console.json(EvolveReport(
                best_fitness: summary.searchFitness, select_fitness: summary.selectFitness,
                test_fitness: summary.testFitness, evaluations: summary.individuals,
                fec_hits: summary.fecHits, seconds: seconds, individuals_per_second: rate,
                program: text, seed: engine.settings.seed, searchspace: engine.space.name,
                islands: engine.space.evolution.islands,
                selector: engine.space.evolution.selector.rawValue,
                workers: engine.settings.workers, migrations: summary.migrations,
                reached_target: summary.reachedTarget, stopped: reason.rawValue,
                member_id: summary.best.id))
        }
    }
}

/// The `--json` object of `galapagos evolve` (keys documented in README.md).
struct EvolveReport: Encodable {
    var best_fitness: Double
    var select_fitness: Double
    var test_fitness: Double?
    var evaluations: Int
    var fec_hits: Int
    var seconds: Double
    var individuals_per_second: Double
    var program: String
    var seed: UInt64
    var searchspace: String
    var islands: Int
    var selector: String
    var workers: Int
    var migrations: Int
    var reached_target: Bool
    var stopped: String
    var member_id: Int
}
