import ArgumentParser
import Dispatch
import Foundation
import Galapagos
import Synchronization

/// `galapagos sweep`: one search space over a range of seeds.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run one search space over many seeds and report success rate and medians.",
        discussion: """
            Each seed is a full `evolve` run with the same budgets. A run succeeds when its \
            select fitness reaches --target-fitness. Reports the success rate and, over the \
            successful runs, the median wall time and median individuals to the target; \
            without a target, the median select and test fitness. A line on stderr every \
            10 s tells how each running seed is doing. --out-dir keeps every seed's run file \
            (SPACE-seedN.sqlite) to inspect, resume or export; --json has each seed's best \
            program either way. \
            --parallel-runs K runs K seeds at once, sharing the cores (each run then gets \
            cores/K workers unless --workers is given).

            With --json the last stdout line is {"runs": [{"seed", "reached_target", \
            "seconds", "evaluations", "select_fitness", "test_fitness", "fec_hits", "program", \
            "run_file"}…], \
            "successes", "total", "success_rate", "median_seconds", "median_evaluations", \
            "individuals_per_second", "individuals_per_cpu_second"}.

            Example:
              galapagos sweep --searchspace searchspaces/linear_demo.yaml --seeds 1...10 \\
                  --target-fitness 0.9999 --max-time 5m --workers 1
            """
    )

    @OptionGroup var search: SearchOptions

    @Option(help: "Seeds: a range such as 1...10 or a list such as 1,4,9.")
    var seeds: SeedList

    @Option(name: .customLong("parallel-runs"), help: "Runs at once.")
    var parallelRuns: Int = 1

    @Option(name: .customLong("out-dir"),
            help: "Keep each seed's run file in this directory (SPACE-seedN.sqlite).")
    var outDir: String?

    @Flag(help: "Print one JSON object as the last line of stdout.")
    var json = false

    func validate() throws {
        if parallelRuns < 1 { throw ValidationError("--parallel-runs must be at least 1") }
        if search.maxEvals == nil && search.maxTime == nil && search.targetFitness == nil {
            throw ValidationError("give at least one of --max-evals, --max-time or --target-fitness")
        }
    }

    func run() throws {
        let baseSpace = try Inputs.searchSpace(search.searchspace)
        let space = search.overrides.apply(to: baseSpace)
        if let outDir {
            do {
                try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
            } catch {
                throw GalapagosError.io(path: outDir, "cannot create the directory (\(error.localizedDescription))")
            }
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let workers = search.workers ?? max(1, cores / parallelRuns)
        let stop = StopSignal()
        let seedList = seeds.values
        let results = Mutex<[SweepRun?]>(Array(repeating: nil, count: seedList.count))
        let next = Atomic<Int>(0)
        let failures = Mutex<[String]>([])
        let hasTarget = search.targetFitness != nil
        DispatchQueue.concurrentPerform(iterations: min(parallelRuns, seedList.count)) { _ in
            while !stop.isRequested {
                let index = next.add(1, ordering: .relaxed).oldValue
                if index >= seedList.count { break }
                do {
                    let run = try runOne(
                        baseSpace: baseSpace, space: space, seed: seedList[index], workers: workers, stop: stop)
                    let outcome = hasTarget
                        ? (run.reached_target ? "reached target" : "did not reach target") + " after" : "ran"
                    Console.error(
                        "seed \(run.seed): \(outcome) \(run.evaluations) individuals in"
                            + " \(String(format: "%.1f", run.seconds)) s (select fitness \(Console.number(run.select_fitness))"
                            + "\(run.test_fitness.map { ", test fitness \(Console.number($0))" } ?? ""))")
                    results.withLock { $0[index] = run }
                } catch {
                    failures.withLock { $0.append("seed \(seedList[index]): \(error)") }
                    stop.request()
                }
            }
        }
        if let failure = failures.withLock({ $0.first }) { throw GalapagosError.run(failure) }
        let runs = results.withLock { $0.compactMap { $0 } }
        let report = SweepReport(runs: runs, workers: workers, parallelRuns: parallelRuns)
        if hasTarget {
            print("seeds: \(runs.count), reached target: \(report.successes)"
                + " (\(String(format: "%.0f", 100 * report.success_rate)) %)")
        } else {
            print("seeds: \(runs.count)")
        }
        if let seconds = report.median_seconds, let individuals = report.median_evaluations {
            print("median to target: \(String(format: "%.1f", seconds)) s, \(individuals) individuals")
        }
        print("median select fitness: \(Console.number(SweepReport.median(runs.map(\.select_fitness)) ?? 0))"
            + (runs.contains { $0.test_fitness != nil }
                ? ", median test fitness: \(Console.number(SweepReport.median(runs.compactMap(\.test_fitness)) ?? 0))" : ""))
        if let outDir { print("run files: \(outDir)") }
        print("throughput: \(Int(report.individuals_per_second)) individuals/s"
            + " (\(Int(report.individuals_per_cpu_second)) per worker-second)")
        if json { try Console.json(report) }
    }

    /// One seed's run: in memory, or recorded in `--out-dir`; a progress line every 10 s.
    private func runOne(
        baseSpace: SearchSpace, space: SearchSpace, seed: UInt64, workers: Int, stop: StopSignal
    ) throws -> SweepRun {
        let settings = search.settings(seed: seed, workers: workers)
        let clock = ContinuousClock()
        let start = clock.now
        var lastLine = start
        let progress: (Engine) -> Void = { engine in
            let now = clock.now
            guard (now - lastLine).seconds >= 10 else { return }
            lastLine = now
            let state = engine.progress
            let best = state.islandBest.compactMap { $0 }.max().map(Console.number) ?? "-"
            Console.error("seed \(seed): \(String(format: "%.0f", (now - start).seconds)) s,"
                + " \(state.individuals) individuals, best \(best),"
                + " select \(state.selectFitness.map(Console.number) ?? "-")")
        }
        let engine: Engine
        let summary: RunSummary?
        var runFile: String?
        if let outDir {
            let path = (outDir as NSString).appendingPathComponent("\(space.name)-seed\(seed).sqlite")
            let configuration = search.runConfiguration(space: space, seed: seed, programs: [], settings: settings)
            let recorded = try RecordedRun.start(
                space: baseSpace, configuration: configuration, settings: settings, path: path,
                name: "\(space.name)-seed\(seed)", policy: .seconds(5))
            let ending = try recorded.run(
                until: search.deadline(), shouldStop: { stop.isRequested }, onStep: progress)
            (engine, summary, runFile) = (recorded.engine, ending.summary, path)
        } else {
            engine = Engine(space: space, settings: settings)
            _ = engine.run(until: search.deadline(), shouldStop: { stop.isRequested }, onStep: progress)
            summary = engine.finish()
        }
        let seconds = (clock.now - start).seconds
        return SweepRun(
            seed: seed, reached_target: summary?.reachedTarget ?? false, seconds: seconds,
            evaluations: engine.individuals, select_fitness: summary?.selectFitness ?? 0,
            test_fitness: summary?.testFitness, fec_hits: engine.fecHits, workers: workers,
            program: summary.map { ProgramPrinter.print($0.best.program, searchSpace: space.name) },
            run_file: runFile)
    }
}

/// Seeds given as `1...10`, `1..<11` or `1,4,9`.
struct SeedList: ExpressibleByArgument {
    var values: [UInt64]

    init?(argument: String) {
        for separator in ["...", "..<", ".."] {
            let parts = argument.components(separatedBy: separator)
            if parts.count == 2, let low = UInt64(parts[0]), let high = UInt64(parts[1]) {
                let upper = separator == "..<" ? high : high &+ 1
                guard low < upper, upper - low <= 100_000 else { return nil }
                values = Array(low..<upper)
                return
            }
        }
        let list = argument.split(separator: ",").map { UInt64($0.trimmingCharacters(in: .whitespaces)) }
        guard !list.isEmpty, list.allSatisfy({ $0 != nil }) else { return nil }
        values = list.compactMap { $0 }
    }
}

/// One run of a sweep.
struct SweepRun: Encodable, Sendable {
    var seed: UInt64
    var reached_target: Bool
    var seconds: Double
    var evaluations: Int
    var select_fitness: Double
    var test_fitness: Double?
    var fec_hits: Int
    var workers: Int
    /// The best program (the one `evolve` would report).
    var program: String?
    /// With `--out-dir`: the run file.
    var run_file: String?
}

/// The `--json` object of `galapagos sweep`.
struct SweepReport: Encodable {
    var runs: [SweepRun]
    var successes: Int
    var total: Int
    var success_rate: Double
    var median_seconds: Double?
    var median_evaluations: Int?
    var individuals_per_second: Double
    var individuals_per_cpu_second: Double
    var workers: Int
    var parallel_runs: Int

    init(runs: [SweepRun], workers: Int, parallelRuns: Int) {
        self.runs = runs
        let successful = runs.filter(\.reached_target)
        successes = successful.count
        total = runs.count
        success_rate = runs.isEmpty ? 0 : Double(successes) / Double(runs.count)
        median_seconds = Self.median(successful.map(\.seconds))
        median_evaluations = Self.median(successful.map { Double($0.evaluations) }).map { Int($0) }
        let individuals = runs.reduce(0) { $0 + $1.evaluations }
        let seconds = runs.reduce(0.0) { $0 + $1.seconds }
        individuals_per_second = seconds > 0 ? Double(individuals) / seconds : 0
        individuals_per_cpu_second = individuals_per_second / Double(max(1, workers))
        self.workers = workers
        parallel_runs = parallelRuns
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
