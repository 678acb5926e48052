import ArgumentParser
import Foundation
import Galapagos
#if Hub
import GalapagosHub
#endif

/// `galapagos worker`: joins a hub run and evolves some of its islands.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Join a run on a hub (PostgreSQL) and evolve some of its islands.",
        discussion: """
            Start workers however you start jobs (ssh, Slurm, Kubernetes); each needs only the \
            hub's URL and the run's name: the search space and its data come from the hub. A \
            worker leases islands (a fair share, or --islands K), checkpoints them to the hub \
            every sync, exchanges migrants through it, and leaves when the run ends. Islands of \
            a worker that dies are adopted by the others from their last checkpoint once its \
            lease expires. With --json the last stdout line is one JSON object (worker, run, \
            individuals, islands_claimed, islands_adopted, leases_lost, syncs, \
            mean_sync_seconds, migration_syncs, mean_migration_sync_seconds, migrants_sent, migrants_received, \
            fec_entries_adopted, seconds, run_status, \
            stop_reason).

            Examples:
              galapagos worker --hub postgres://galapagos@db.example/galapagos --run demo
              galapagos worker --hub postgres://galapagos@db.example/galapagos --run demo \\
                  --islands 4 --workers 8 --wait 10m
            """
    )

    @OptionGroup var hubOptions: HubOptions

    @Option(help: "Islands to hold at most (default: a fair share of the run's).")
    var islands: Int?

    @Option(help: "Threads that evaluate children (default: all cores).")
    var workers: Int?

    @Option(help: "A local search-space file that must match the run's (its data files too).")
    var searchspace: String?

    @Option(name: .customLong("cache-dir"),
            help: "Where the run's data files are written (default: a folder in the temporary directory).")
    var cacheDir: String?

    @Option(help: "This worker's name on the hub (default: HOST-PID).")
    var name: String?

    @Option(help: "Wait up to this long for the run to be created (90, 90s, 5m); default: it must exist.")
    var wait: DurationArgument?

    @Flag(help: "Print no progress.")
    var quiet = false

    @Flag(help: "Print one JSON object as the last line of stdout.")
    var json = false

    func validate() throws {
        guard hubOptions.isHub else { throw ValidationError("worker needs --hub URL and --run NAME") }
        if let islands, islands < 1 { throw ValidationError("--islands must be at least 1") }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
    }

    func run() throws {
        #if Hub
        let (hub, runName) = try hubOptions.connect(quiet: quiet)
        let process = ProcessInfo.processInfo
        let workerID = name ?? "\(process.hostName)-\(process.processIdentifier)"
        let cache = cacheDir ?? (NSTemporaryDirectory() as NSString).appendingPathComponent(
            "galapagos-hub-\(getuid())/\(Self.safe(runName))-\(process.processIdentifier)")
        let options = HubWorker.Options(
            maxIslands: islands, threads: workers ?? process.activeProcessorCount,
            searchSpacePath: searchspace, cacheDirectory: cache, workerID: workerID,
            waitForRun: wait.map { .milliseconds(Int64(min($0.seconds, 1e9) * 1000)) })
        let quiet = self.quiet
        let stop = StopSignal()
        let summary = try AsyncBridge.wait {
            try await hub.closing {
                let worker = try await HubWorker.join(
                    run: runName, hub: hub, options: options,
                    log: { message in if !quiet { Console.error("\(workerID): \(message)") } })
                if !quiet { Console.error("\(workerID): joined run \(runName) on \(hub.address)") }
                return try await worker.work(shouldStop: { stop.isRequested })
            }
        }
        if cacheDir == nil { try? FileManager.default.removeItem(atPath: cache) }
        print("# worker \(summary.worker) left run \(summary.run) (\(summary.runStatus.rawValue)"
            + "\(summary.stopReason.map { ", \($0)" } ?? "")): \(summary.individuals) individuals in"
            + " \(String(format: "%.1f", summary.seconds)) s, \(summary.islandsClaimed) islands claimed"
            + " (\(summary.islandsAdopted) adopted), \(summary.syncs) syncs of"
            + " \(String(format: "%.1f", summary.meanSyncSeconds * 1000)) ms")
        if json {
            try Console.json(summary, snakeCase: true)
        }
        #else
        throw HubSupport.unavailable
        #endif
    }

    /// A run name made safe for a directory name.
    static func safe(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }.prefix(64))
    }
}
