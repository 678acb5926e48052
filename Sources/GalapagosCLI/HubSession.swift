#if Hub
import Foundation
import Galapagos
import GalapagosHub

/// `evolve --hub` and `resume --hub`: start or continue a hub run, watch it until it ends,
/// and report the best program as `evolve` does.
enum HubSession {
    struct Output {
        var quiet: Bool
        var json: Bool
        var threads: Int
    }

    /// Creates a run on the hub and watches it.
    static func start(
        definition: HubRunDefinition, hub: HubConnection, maxIndividuals: Int?, maxSeconds: Double?,
        output: Output
    ) throws {
        let stop = StopSignal()
        let quiet = output.quiet
        let run = try AsyncBridge.wait {
            do {
                return try await HubRun.create(
                    definition, on: hub, maxIndividuals: maxIndividuals, maxSeconds: maxSeconds)
            } catch {
                await hub.close()
                throw error
            }
        }
        if !quiet {
            Console.error("hub run \(definition.name) created on \(hub.address) (\(definition.islands) islands);"
                + " start workers with:")
            Console.error("  galapagos worker --hub \(hub.address) --run \(definition.name)")
        }
        try watchAndReport(run, hub: hub, stop: stop, output: output)
    }

    /// Sets a stopped run running again and watches it.
    static func resume(
        runName: String, hub: HubConnection, maxIndividuals: Int?, maxSeconds: Double?, output: Output
    ) throws {
        let stop = StopSignal()
        let (run, status) = try AsyncBridge.wait { () -> (HubRun, HubRun.Status) in
            let (run, _) = try await HubRun.open(runName, on: hub)
            let current = try await run.status()
            if current.status == .stopped {
                let budget = maxIndividuals.map { current.individuals + $0 }
                _ = try await run.restart(maxIndividuals: budget, maxSeconds: maxSeconds)
            }
            return (run, try await run.status())
        }
        if status.status == .finished {
            print("hub run \(runName): the run already finished (\(status.stopReason ?? "done")); nothing to resume")
            if output.json { try Console.json(["finished": true]) }
            return
        }
        if !output.quiet {
            Console.error("hub run \(runName) on \(hub.address) is running at \(status.individuals) individuals;"
                + " workers can join with:")
            Console.error("  galapagos worker --hub \(hub.address) --run \(runName)")
        }
        try watchAndReport(run, hub: hub, stop: stop, output: output)
    }

    private static func watchAndReport(_ run: HubRun, hub: HubConnection, stop: StopSignal, output: Output) throws {
        let quiet = output.quiet
        let started = ContinuousClock.now
        let final = try AsyncBridge.wait {
            try await HubCoordinator(run: run).watch(shouldStop: { stop.isRequested }) { status in
                guard !quiet else { return }
                let best = status.bestSelectFitness.map { String(format: "%.6f", $0) } ?? "n/a"
                Console.error("[\(String(format: "%7.1f", status.seconds)) s] \(status.individuals) individuals,"
                    + " best select \(best), \(status.liveWorkers) workers,"
                    + " \(status.leasedIslands) islands leased")
            }
        }
        let snapshot = try AsyncBridge.wait {
            try await hub.closing { try await HubSnapshot.read(run) }
        }
        let stored = try snapshot.run()
        let space = try stored.effectiveSearchSpace(location: snapshot.location)
        guard let result = try HubResult.compute(
            snapshot, space: space, configuration: stored.configuration, threads: output.threads)
        else {
            throw GalapagosError.run("\(snapshot.location): the run stopped before any program was checkpointed")
        }
        let seconds = (ContinuousClock.now - started).seconds
        let text = ProgramPrinter.print(result.program, searchSpace: space.name)
        let test = result.testFitness.map { String($0) } ?? "n/a"
        let reason = final.stopReason ?? final.status.rawValue
        print("# stopped: \(reason) after \(result.individuals) individuals in"
            + " \(String(format: "%.1f", final.seconds)) s (\(Int(Double(result.individuals) / max(final.seconds, 1e-9)))/s),"
            + " FEC hits \(result.fecHits)")
        print("# best: member \(result.best.id), search fitness \(result.searchFitness),"
            + " select fitness \(result.selectFitness), test fitness \(test)")
        print("# hub run: \(run.name) on \(hub.address)")
        print(text, terminator: "")
        if output.json {
            try Console.json(EvolveReport(
                best_fitness: result.searchFitness, select_fitness: result.selectFitness,
                test_fitness: result.testFitness, evaluations: result.individuals, fec_hits: result.fecHits,
                seconds: seconds, individuals_per_second: Double(result.individuals) / max(final.seconds, 1e-9),
                program: text, seed: stored.configuration.seedValue, searchspace: space.name,
                islands: space.evolution.islands, selector: space.evolution.selector.rawValue,
                workers: nil, migrations: result.migrations, reached_target: result.reachedTarget,
                stopped: reason, member_id: result.best.id, run_file: nil,
                hub: hub.address.description, run: run.name))
        }
    }
}
#endif
