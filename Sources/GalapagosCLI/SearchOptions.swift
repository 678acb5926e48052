import ArgumentParser
import Foundation
import Galapagos

/// Options shared by `evolve` and `sweep`: the search space, budgets and overrides.
struct SearchOptions: ParsableArguments {
    @Option(help: "The search-space file (.yaml).")
    var searchspace: String

    @Option(help: "Worker threads for evaluation (default: all cores). Results do not depend on it.")
    var workers: Int?

    @Option(name: .customLong("max-evals"), parsing: .unconditional,
            help: "Stop after this many individuals (every child counts, FEC hits included).")
    var maxEvals: Int?

    @Option(name: .customLong("max-time"),
            help: "Stop after this long: seconds, or a number with s, m or h (e.g. 90, 5m, 2h).")
    var maxTime: DurationArgument?

    @Option(name: .customLong("target-fitness"),
            help: "Stop as soon as the select fitness reaches this value.")
    var targetFitness: Double?

    @Option(help: "Override the number of islands.")
    var islands: Int?

    @Option(help: "Override parent selection: tournament, power-law, ucb or thompson.")
    var selector: String?

    @Option(name: .customLong("operator-bandit"),
            help: "Choose mutation operators with a bandit: on or off (default: the search space's).")
    var operatorBandit: OnOff?

    @Option(help: "Use the functional-equivalence cache: on or off (default: the search space's).")
    var fec: OnOff?

    @Option(name: .customLong("fec-tasks"),
            help: "The search tasks the FEC fingerprint probes: first (default) or all (AutoML-Zero's rule).")
    var fecTasks: String?

    @Option(name: .customLong("fec-audit"),
            help: "Evaluate this share of FEC hits in full and report how often the cache was wrong (0 to 1).")
    var fecAudit: Double?

    @Option(help: "Override the population of each island.")
    var population: Int?

    @Option(help: "Override the children proposed per island per step.")
    var batch: Int?

    @Option(name: .customLong("migration-every"),
            help: "Override the individuals between migrations (0 disables migration).")
    var migrationEvery: Int?

    @Option(help: "Override the members each island sends per migration.")
    var migrants: Int?

    @Option(name: .customLong("restart-after"),
            help: "Override: restart an island from random programs after this many individuals without reaching the target (0 never).")
    var restartAfter: Int?

    @Option(name: .customLong("restart-stagnant-after"),
            help: "Restart an island whose best has not improved for this many of its individuals (0: never).")
    var restartStagnantAfter: Int?

    @Option(help: ArgumentHelp(
        "Override progressive evaluation: score a child on its first search task, and on the others only when it reaches this quantile of its island's fitness (0…1, or off).",
        valueName: "Q|off"))
    var hurdle: String?

    @Option(name: .customLong("fit-constants"), help: ArgumentHelp(
        "Override: the probability (0…1, or off) that a child's constants are fitted to the training examples by Levenberg–Marquardt (predict-only scalar programs).",
        valueName: "P|off"))
    var fitConstants: String?

    @Option(name: .customLong("fit-terms"), help: ArgumentHelp(
        "Override: the probability (0…1, or off) that a child's prediction is rewritten as the least-squares combination of values its predict computes (predict-only programs).",
        valueName: "P|off"))
    var fitTerms: String?

    @Option(help: ArgumentHelp(
        "Override size pressure: tournaments compare fitness minus this much per instruction (0: fitness alone).",
        valueName: "C"))
    var parsimony: Double?

    @Option(name: .customLong("mutation-retries"),
            help: "Override: draw a mutation again, up to N times, when its child behaves like a program already seen.")
    var mutationRetries: Int?

    @Option(help: ArgumentHelp(
        "Override how first populations are drawn: random, reading_features (the prediction reads v0), or learning (it also depends on what learn saw).",
        valueName: "random|reading_features|learning"))
    var initial: String?

    @Option(name: .customLong("select-every"),
            help: "At most one select-task evaluation per this many individuals.")
    var selectEvery: Int = 20_000

    func validate() throws {
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        if let maxEvals, maxEvals < 1 { throw ValidationError("--max-evals must be at least 1") }
        if let islands, islands < 1 { throw ValidationError("--islands must be at least 1") }
        if let population, population < 2 { throw ValidationError("--population must be at least 2") }
        if let batch, batch < 1 { throw ValidationError("--batch must be at least 1") }
        if let selector, SelectorKind(rawValue: selector) == nil {
            throw ValidationError(
                "--selector must be one of \(SelectorKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if selectEvery < 1 { throw ValidationError("--select-every must be at least 1") }
        if let migrationEvery, migrationEvery < 0 { throw ValidationError("--migration-every must be at least 0") }
        if let migrants, migrants < 0 { throw ValidationError("--migrants must be at least 0") }
        if let restartAfter, restartAfter < 0 { throw ValidationError("--restart-after must be at least 0") }
        if let restartStagnantAfter, restartStagnantAfter < 0 {
            throw ValidationError("--restart-stagnant-after must be at least 0")
        }
        if let initial, InitialPrograms(rawValue: initial) == nil {
            throw ValidationError("--initial must be random, reading_features or learning, found '\(initial)'")
        }
        if let mutationRetries, !(0...100).contains(mutationRetries) {
            throw ValidationError("--mutation-retries must be from 0 to 100")
        }
        if let fitConstants, fitConstants != "off", !(Double(fitConstants).map { (0...1).contains($0) } ?? false) {
            throw ValidationError("--fit-constants must be a probability from 0 to 1, or off; found '\(fitConstants)'")
        }
        if let fitTerms, fitTerms != "off", !(Double(fitTerms).map { (0...1).contains($0) } ?? false) {
            throw ValidationError("--fit-terms must be a probability from 0 to 1, or off; found '\(fitTerms)'")
        }
        if let parsimony, !(0...1).contains(parsimony) {
            throw ValidationError("--parsimony must be from 0 to 1; found \(parsimony)")
        }
        if let fecTasks, fecTasks != "first", fecTasks != "all" {
            throw ValidationError("--fec-tasks must be first or all; found '\(fecTasks)'")
        }
        if let fecAudit, !(0...1).contains(fecAudit) {
            throw ValidationError("--fec-audit must be a share from 0 to 1; found \(fecAudit)")
        }
        if let hurdle, hurdle != "off", !(Double(hurdle).map { (0...1).contains($0) } ?? false) {
            throw ValidationError("--hurdle must be a quantile from 0 to 1, or off; found '\(hurdle)'")
        }
    }

    /// The overrides the command line asks for.
    var overrides: SearchSpaceOverrides {
        var overrides = SearchSpaceOverrides()
        overrides.islands = islands
        overrides.selector = selector.flatMap(SelectorKind.init(rawValue:))
        overrides.operatorBandit = operatorBandit?.isOn
        overrides.fec = fec?.isOn
        overrides.fecProbesEveryTask = fecTasks.map { $0 == "all" }
        overrides.fecAudit = fecAudit
        overrides.population = population
        overrides.batch = batch
        overrides.migrationEvery = migrationEvery
        overrides.migrants = migrants
        overrides.restartAfter = restartAfter
        overrides.restartStagnantAfter = restartStagnantAfter
        overrides.mutationRetries = mutationRetries
        overrides.initialPrograms = initial.flatMap(InitialPrograms.init(rawValue:))
        overrides.hurdle = hurdle.map { $0 == "off" ? -1 : Double($0) ?? -1 }
        overrides.fitConstants = fitConstants.map { $0 == "off" ? -1 : Double($0) ?? -1 }
        overrides.fitTerms = fitTerms.map { $0 == "off" ? -1 : Double($0) ?? -1 }
        overrides.parsimony = parsimony
        return overrides
    }

    /// How a run with these options was started, as run files keep it.
    func runConfiguration(
        space: SearchSpace, seed: UInt64, programs: [Program], settings: EngineSettings
    ) -> RunConfiguration {
        RunConfiguration(
            searchSpacePath: searchspace, overrides: overrides, seed: seed,
            targetFitness: targetFitness, selectEvery: selectEvery,
            hallOfFameSize: settings.hallOfFameSize,
            seedPrograms: programs.map { ProgramPrinter.print($0, searchSpace: space.name) },
            maxIndividuals: maxEvals, maxSeconds: maxTime?.seconds)
    }

    /// The search space with the command line's overrides applied.
    func loadSearchSpace() throws -> SearchSpace {
        overrides.apply(to: try Inputs.searchSpace(searchspace))
    }

    /// Engine settings for a seed.
    func settings(seed: UInt64, workers defaultWorkers: Int? = nil, seedPrograms: [Program] = []) -> EngineSettings {
        EngineSettings(
            seed: seed,
            workers: workers ?? defaultWorkers ?? ProcessInfo.processInfo.activeProcessorCount,
            maxIndividuals: maxEvals, targetFitness: targetFitness, selectEvery: selectEvery,
            seedPrograms: seedPrograms)
    }

    /// The wall-clock deadline, if any, from now.
    func deadline() -> ContinuousClock.Instant? {
        maxTime.map { ContinuousClock.now + .milliseconds(Int64($0.seconds * 1000)) }
    }
}

/// `on` or `off`.
enum OnOff: String, ExpressibleByArgument, CaseIterable {
    case on
    case off

    var isOn: Bool { self == .on }
}

/// A duration given as seconds or with a unit: `90`, `90s`, `5m`, `2h`.
struct DurationArgument: ExpressibleByArgument {
    var seconds: Double

    init?(argument: String) {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        var text = argument
        var scale = 1.0
        if let last = text.last, let unit = units[last] {
            scale = unit
            text.removeLast()
        }
        guard let value = Double(text), value.isFinite, value > 0 else { return nil }
        seconds = value * scale
    }
}
