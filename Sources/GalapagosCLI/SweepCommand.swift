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
            successful runs, the median wall time and median individuals to the target. \
            --parallel-runs K runs K seeds at once, sharing the cores (each run then gets \
            cores/K workers unless --workers is given).

            With --json the last stdout line is {"runs": [{"seed", "reached_target", \
            "seconds", "evaluations", "select_fitness", "test_fitness", "fec_hits"}…], \
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

    @Flag(help: "Print one JSON object as the last line of stdout.")
    var json = false

    func validate() throws {
        if parallelRuns < 1 { throw ValidationError("--parallel-runs must be at least 1") }
        if search.maxEvals == nil && search.maxTime == nil && search.targetFitness == nil {
            throw ValidationError("give at least one of --max-evals, --max-time or --target-fitness")
        }
    }

    func run() throws {
        let space = try search.loadSearchSpace()
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let workers = search.workers ?? max(1, cores / parallelRuns)
        let stop = StopSignal()
        let seedList = seeds.values
        let results = Mutex<[SweepRun?]>(Array(repeating: nil, count: seedList.count))
        let next = Atomic<Int>(0)
        let options = search
        DispatchQueue.concurrentPerform(iterations: min(parallelRuns, seedList.count)) { _ in
            while !stop.isRequested {
                let index = next.add(1, ordering: .relaxed).oldValue
                if index >= seedList.count { break }
                let run = Self.runOne(
                    space: space, options: options, seed: seedList[index], workers: workers,
                    stop: stop)
                Console.error(
                    "seed \(run.seed): \(run.reached_target ? "reached target" : "did not reach target")"
                        + " after \(run.evaluations) individuals in"
                        + " \(String(format: "%.1f", run.seconds)) s (select fitness \(run.select_fitness))")
                results.withLock { $0[index] = run }
            }
        }
        let runs = results.withLock { $0.compactMap { $0 } }
        let report = SweepReport(runs: runs, workers: workers, parallelRuns: parallelRuns)
        print("seeds: \(runs.count), reached target: \(report.successes)"
            + " (\(String(format: "%.0f", 100 * report.success_rate)) %)")
        if let seconds = report.median_seconds, let individuals = report.median_evaluations {
            print("median to target: \(String(format: "%.1f", seconds)) s, \(individuals) individuals")
        }
        print("throughput: \(Int(report.individuals_per_second)) individuals/s"
            + " (\(Int(report.individuals_per_cpu_second)) per worker-second)")
        if json { try Console.json(report) }
    }

    private static func runOne(
        space: SearchSpace, options: SearchOptions, seed: UInt64, workers: Int, stop: StopSignal
    ) -> SweepRun {
        let engine = Engine(space: space, settings: options.settings(seed: seed, workers: workers))
        let clock = ContinuousClock()
        let start = clock.now
        _ = engine.run(until: options.deadline(), shouldStop: { stop.isRequested })
        let seconds = (clock.now - start).seconds
        let summary = engine.finish()
        return SweepRun(
            seed: seed, reached_target: summary?.reachedTarget ?? false, seconds: seconds,
            evaluations: engine.individuals, select_fitness: summary?.selectFitness ?? 0,
            test_fitness: summary?.testFitness, fec_hits: engine.fecHits, workers: workers)
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
