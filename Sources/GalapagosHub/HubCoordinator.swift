import Foundation
import Galapagos

/// The process that starts a hub run (`galapagos evolve --hub`): it watches the run, ends it
/// when a budget is spent, and reports the best program. It evolves nothing itself; workers do.
public struct HubCoordinator: Sendable {
    public let run: HubRun

    public init(run: HubRun) {
        self.run = run
    }

    /// Waits until the run ends: a worker reached the target, or a budget is spent, or
    /// `shouldStop` returns true (then the run is marked `stopped`, to be resumed). Afterwards it
    /// waits (up to a lease time) for the workers' last checkpoints. Meanwhile it vacuums the
    /// checkpoint table every ``HubRetention/vacuumEvery``.
    public func watch(
        every poll: Duration = .seconds(1), shouldStop: @Sendable () -> Bool,
        onStatus: (HubRun.Status) -> Void
    ) async throws -> HubRun.Status {
        var status = try await run.status()
        let clock = ContinuousClock()
        var vacuumedAt = clock.now
        while status.status == .running {
            onStatus(status)
            if clock.now - vacuumedAt >= HubRetention.vacuumEvery {
                vacuumedAt = clock.now
                try await run.vacuumCheckpoints()
            }
            if shouldStop() {
                try await run.end(status: .stopped, reason: StopReason.interrupted.rawValue)
            } else if let spent = status.spentBudget {
                try await run.end(status: .finished, reason: spent.rawValue)
            } else {
                try await Task.sleep(for: poll)
            }
            status = try await run.status()
        }
        let deadline = clock.now + .milliseconds(Int64(min(status.leaseSeconds, 604_800) * 1000))
        while status.leasedIslands > 0, clock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            status = try await run.status()
        }
        onStatus(status)
        return status
    }
}

/// The outcome of a hub run, as `evolve` reports it.
public struct HubResult: Sendable {
    public var best: RunReader.StoredMember
    public var searchFitness: Double
    public var selectFitness: Double
    /// Fitness on the final tasks (or the search tasks' test split); `nil` when there are none.
    public var testFitness: Double?
    public var individuals: Int
    public var fecHits: Int
    public var migrations: Int
    public var reachedTarget: Bool
    public var program: Program

    /// Chooses the best program of a run (the best select fitness any island reached, else the
    /// top of the hall of fame) and scores it on held-out tasks, on this machine.
    ///
    /// - Parameter space: the run's search space with its overrides (as workers use it).
    public static func compute(
        _ snapshot: HubSnapshot, space: SearchSpace, configuration: RunConfiguration, threads: Int
    ) throws -> HubResult? {
        let chosen: (RunReader.StoredMember, Double)
        if let best = snapshot.bestSelected {
            chosen = best
        } else if let top = try snapshot.hallOfFame(limit: 1).first {
            chosen = (top, top.fitness)
        } else {
            return nil
        }
        let program = try ProgramParser(limits: space.programLimits(strictOps: false))
            .parse(chosen.0.program, file: "\(snapshot.location) member \(chosen.0.id)")
        let test = Scorer(space: space, taskSeed: configuration.seedValue, workers: threads)
            .testFitness(of: program)
        let progress = try snapshot.progress()
        return HubResult(
            best: chosen.0, searchFitness: chosen.0.fitness, selectFitness: chosen.1, testFitness: test,
            individuals: progress?.individuals ?? 0, fecHits: progress?.fecHits ?? 0,
            migrations: progress?.migrations ?? 0,
            reachedTarget: configuration.targetFitness.map { chosen.1 >= $0 } ?? false, program: program)
    }
}
