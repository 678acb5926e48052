import Dispatch
import Foundation
import Synchronization

/// A run that writes itself to a ``RunStore`` as it goes: a first checkpoint as soon as it
/// starts, then one per ``CheckpointPolicy`` interval at batch boundaries, and a final one when
/// it stops. Checkpoints are captured on the search thread (a cheap copy of the state) and
/// written on a background queue, so evaluation does not wait for the disk.
public final class RecordedRun {
    public let engine: Engine
    public let store: RunStore
    public let policy: CheckpointPolicy
    /// Seconds of search in earlier sessions of this run.
    public let earlierSeconds: Double
    /// What a failed checkpoint write (disk full, I/O error) does to the run: `stop` ends it
    /// after one more attempt to save; `retry` keeps searching and retries at the next
    /// checkpoint. Either way the previous checkpoint stays intact.
    public var writeErrorPolicy: WriteErrorPolicy = .stop
    /// Told about every failed checkpoint write (e.g. to print it).
    public var onWriteError: (Error) -> Void = { _ in }
    /// Seconds between statistics samples, whatever the checkpoint interval (0: only at
    /// checkpoints). Later in a session samples thin out to one per 1/200 of the session so far,
    /// so a day-long run adds about a thousand samples, not 86,400.
    public var statisticsInterval: Double = 1
    private var samples: [StatisticSample] = []
    private var lastSample: (time: ContinuousClock.Instant, individuals: Int)
    private let writer: CheckpointWriter
    private let clock = ContinuousClock()
    private var sessionStart: ContinuousClock.Instant
    private var lastCheckpoint: (time: ContinuousClock.Instant, individuals: Int)

    public init(engine: Engine, store: RunStore, policy: CheckpointPolicy, earlierSeconds: Double = 0) {
        self.engine = engine
        self.store = store
        self.policy = policy
        self.earlierSeconds = earlierSeconds
        writer = CheckpointWriter(store: store)
        sessionStart = clock.now
        lastCheckpoint = (clock.now, engine.individuals)
        lastSample = lastCheckpoint
    }

    /// Closes the run file and releases its lock.
    public func close() {
        store.close()
    }

    /// Seconds of search so far, this session and earlier ones.
    public var seconds: Double { earlierSeconds + (clock.now - sessionStart).seconds }

    /// Seconds of search in this session.
    public var sessionSeconds: Double { (clock.now - sessionStart).seconds }

    /// How a session of the run ended.
    public struct Ending: Sendable {
        public var reason: StopReason
        /// The program the session reports, as stored in the run file; `nil` when no
        /// individual was produced.
        public var summary: RunSummary?

        public init(reason: StopReason, summary: RunSummary?) {
            self.reason = reason
            self.summary = summary
        }
    }

    /// Runs until a stop condition, writing checkpoints; writes a final checkpoint, chooses the
    /// final program (``Engine/finish(candidatesFromHallOfFame:)``) and records it with why the
    /// run stopped, so that `inspect` and `export` show exactly what the caller reports.
    ///
    /// - Throws: the write error that stopped the run, after the final attempt to save.
    public func run(
        until deadline: ContinuousClock.Instant? = nil, shouldStop: () -> Bool = { false },
        onStep: (Engine) -> Void = { _ in }
    ) throws -> Ending {
        sessionStart = clock.now
        checkpoint()
        var failure: Error?
        let reason = engine.run(until: deadline, shouldStop: {
            if let error = writer.takeFailure() {
                onWriteError(error)
                if writeErrorPolicy == .stop {
                    failure = error
                    return true
                }
            }
            return shouldStop()
        }, onStep: { engine in
            sampleIfDue()
            if isCheckpointDue() { checkpoint() }
            onStep(engine)
        })
        writer.flush()
        if failure == nil { failure = writer.takeFailure() }
        // The final checkpoint is written synchronously; if the disk refused the last ones,
        // this is the retry.
        checkpoint()
        writer.flush()
        if let error = writer.takeFailure() { throw error }
        if let failure {
            try? store.record(status: .stopped, reason: "write error")
            throw failure
        }
        let summary = engine.finish()
        try store.record(
            status: reason == .target ? .finished : .stopped, reason: reason.rawValue, result: summary)
        return Ending(reason: reason, summary: summary)
    }

    private func isCheckpointDue() -> Bool {
        guard !writer.isBusy else { return false }
        switch policy {
        case let .seconds(interval):
            // Early in a session checkpoints come sooner (a tenth of the time so far, at least a
            // second apart), so that a short run's statistics have enough points to plot.
            let session = (clock.now - sessionStart).seconds
            return (clock.now - lastCheckpoint.time).seconds >= min(interval, max(1, session / 10))
        case let .individuals(interval):
            return engine.individuals - lastCheckpoint.individuals >= interval
        }
    }

    private func capture() -> Checkpoint {
        let now = clock.now
        let elapsed = (now - lastCheckpoint.time).seconds
        let rate = elapsed > 0 ? Double(engine.individuals - lastCheckpoint.individuals) / elapsed : 0
        lastCheckpoint = (now, engine.individuals)
        lastSample = lastCheckpoint
        var checkpoint = Checkpoint(engine: engine, seconds: seconds, individualsPerSecond: rate)
        checkpoint.samples = samples
        samples = []
        return checkpoint
    }

    /// Samples every island's statistics when ``statisticsInterval`` has passed since the last
    /// sample or checkpoint.
    private func sampleIfDue() {
        guard statisticsInterval > 0 else { return }
        let now = clock.now
        let elapsed = (now - lastSample.time).seconds
        let interval = StatisticSample.interval(
            minimum: statisticsInterval, sessionSeconds: (now - sessionStart).seconds)
        guard elapsed >= interval, engine.individuals > lastSample.individuals else { return }
        let rate = Double(engine.individuals - lastSample.individuals) / elapsed
        lastSample = (now, engine.individuals)
        samples += StatisticSample.of(
            islands: engine.islands.map(\.members), individuals: engine.individuals, seconds: seconds,
            individualsPerSecond: rate, fecHits: engine.fecHits)
    }

    private func checkpoint() {
        let start = clock.now
        writer.submit(capture(), pausedSince: start)
    }
}

/// What a run does when a checkpoint cannot be written.
public enum WriteErrorPolicy: String, Sendable, CaseIterable {
    /// Stop the run (after one more attempt to save) and report the error.
    case stop
    /// Keep searching; retry at the next checkpoint.
    case retry
}

/// Writes checkpoints one at a time on a background queue. A checkpoint that fails keeps its
/// lineage and migration records for the next one, so nothing is lost when a retry succeeds.
final class CheckpointWriter: @unchecked Sendable {
    // @unchecked: `store` is Sendable; the mutable state is behind the mutex; the queue and
    // group are thread-safe.
    private let store: RunStore
    private let queue = DispatchQueue(label: "galapagos.checkpoint")
    private let group = DispatchGroup()
    private let busy = Atomic<Bool>(false)
    /// What a failed write leaves for the next one to carry.
    private struct Carried {
        var failure: Error?
        var carried: [Member] = []
        var carriedMigrations: [MigrationEvent] = []
        var carriedForgotten: [Int] = []
        var carriedSamples: [StatisticSample] = []
    }
    private let state = Mutex<Carried>(Carried())

    init(store: RunStore) {
        self.store = store
    }

    var isBusy: Bool { busy.load(ordering: .acquiring) }

    /// `GALAPAGOS_LOG_CHECKPOINTS=1` in the environment: one stderr line per checkpoint written,
    /// `checkpoint: N individuals, capture X ms, write Y ms (M members, R lineage records)`.
    /// Capture is the pause of the search (copying the state, plus waiting for a previous write
    /// still in progress); write is the background transaction. For Benchmarks/checkpoint.sh
    /// and scripts/kill-resume.sh; off by default.
    static let logs = ProcessInfo.processInfo.environment["GALAPAGOS_LOG_CHECKPOINTS"] == "1"

    /// Queues a checkpoint for writing; waits for the previous one first. `pausedSince` is when
    /// the search paused to capture it (for the log).
    func submit(_ checkpoint: Checkpoint, pausedSince: ContinuousClock.Instant? = nil) {
        group.wait()
        let clock = ContinuousClock()
        let pause = pausedSince.map { (clock.now - $0).seconds }
        busy.store(true, ordering: .releasing)
        group.enter()
        let store = self.store
        queue.async { [self] in
            let writeStart = clock.now
            var checkpoint = checkpoint
            let (records, migrations, forgotten, samples) = state.withLock { state in
                defer {
                    state.carried = []; state.carriedMigrations = []; state.carriedForgotten = []
                    state.carriedSamples = []
                }
                return (state.carried, state.carriedMigrations, state.carriedForgotten, state.carriedSamples)
            }
            checkpoint.records = records + checkpoint.records
            checkpoint.forgotten = forgotten + checkpoint.forgotten
            checkpoint.migrations = migrations + checkpoint.migrations
            checkpoint.samples = samples + checkpoint.samples
            do {
                try store.write(checkpoint)
                if Self.logs {
                    let write = (clock.now - writeStart).seconds
                    let members = checkpoint.state.islands.reduce(0) { $0 + $1.members.count }
                    let line = "checkpoint: \(checkpoint.state.scalars.individuals) individuals, capture "
                        + (pause.map { String(format: "%.2f", $0 * 1000) } ?? "-")
                        + " ms, write \(String(format: "%.2f", write * 1000)) ms"
                        + " (\(members) members, \(checkpoint.records.count) lineage records)\n"
                    FileHandle.standardError.write(Data(line.utf8))
                }
            } catch {
                state.withLock {
                    $0.failure = error
                    $0.carried = checkpoint.records
                    $0.carriedMigrations = checkpoint.migrations
                    $0.carriedForgotten = checkpoint.forgotten
                    $0.carriedSamples = checkpoint.samples
                }
            }
            busy.store(false, ordering: .releasing)
            group.leave()
        }
    }

    func flush() {
        group.wait()
    }

    func takeFailure() -> Error? {
        state.withLock { state in
            defer { state.failure = nil }
            return state.failure
        }
    }
}

extension Duration {
    /// The duration in seconds.
    public var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) * 1e-18
    }
}
