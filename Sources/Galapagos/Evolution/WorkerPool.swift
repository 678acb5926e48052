import Dispatch
import Foundation
import Synchronization

/// Runs batches of independent jobs on a fixed set of workers, each with its own
/// ``Evaluator``, and returns the results in job order.
///
/// Worker 0 is the calling thread; the others are helper threads that live as long as the
/// pool. A batch is started (``start(jobs:_:)``): the helpers begin at once while the caller
/// does other work, then joins in when it waits (``Batch/wait()``). Helpers spin briefly
/// between batches before they sleep, because a batch of cached children takes a fraction of
/// a millisecond and waking a sleeping thread costs about as much.
///
/// Results never depend on the number of workers: each job's inputs are fixed before the batch
/// starts, and results are collected by job index.
final class WorkerPool: @unchecked Sendable {
    // Safe to share: during a batch evaluator w is used by worker w only, and nothing else
    // touches the evaluators.
    private let evaluators: [Evaluator]
    private let crew: Crew

    /// The number of workers.
    var count: Int { evaluators.count }

    init(workers: Int, space: SearchSpace) {
        evaluators = (0..<max(1, workers)).map { _ in space.makeEvaluator() }
        crew = Crew(evaluators: evaluators)
    }

    deinit { crew.dismiss() }

    /// The evaluator of worker 0, for work done outside batches.
    var first: Evaluator { evaluators[0] }

    /// Calls `body` for every job index in `0..<jobs`, spread over the workers.
    func map<T: Sendable>(jobs: Int, _ body: @escaping @Sendable (Int, Evaluator) -> T) -> [T] {
        start(jobs: jobs, body).wait()
    }

    /// Starts `body` for every job index in `0..<jobs` on the helper threads and returns at
    /// once, so that the caller can work meanwhile; ``Batch/wait()`` runs the jobs left on the
    /// calling thread and returns the results. With one worker every job runs here, before
    /// this returns.
    ///
    /// The caller must wait for a batch before it starts another.
    ///
    /// - Parameter waste: values the caller is done with, let go of by a helper thread while
    ///   the batch runs, so that freeing them costs the caller nothing (with one worker, when
    ///   the batch is done).
    func start<T: Sendable>(
        jobs: Int, disposing waste: (any Sendable)? = nil, _ body: @escaping @Sendable (Int, Evaluator) -> T
    ) -> Batch<T> {
        let batch = Batch<T>(jobs: jobs, body: body, waste: waste, crew: crew, first: evaluators[0])
        if count == 1 {
            batch.work(with: evaluators[0])
            batch.dropBody()
        } else if jobs > 1 {
            crew.begin(batch)
        }
        return batch
    }

    /// A batch started with ``start(jobs:_:)``. It lets go of its body (and what the body
    /// captured) as soon as every job is done.
    ///
    /// Batches may overlap: a batch started before the last one's jobs are done is taken up by
    /// each helper once it runs out of the earlier one's jobs, and by the caller while it
    /// waits for the earlier one (``wait(startingNext:)``).
    final class Batch<T: Sendable>: @unchecked Sendable, CrewWork {
        // Safe to share: slot j is written only by the worker that claimed job j (claims are
        // atomic), and read only after every job is done (`completed`, acquire). `body` is
        // set at init, read only by a worker holding an unfinished job, and cleared only once
        // every job is done and no worker is inside `work` (`inside`).
        private let slots: UnsafeMutableBufferPointer<T?>
        private var body: (@Sendable (Int, Evaluator) -> T)?
        // Cleared by the first helper done with its jobs (claimed atomically), or by the
        // caller once no helper runs.
        private var waste: (any Sendable)?
        private let wasteClaimed = Atomic<Bool>(false)
        private let next = Atomic<Int>(0)
        /// Jobs done, their results in their slots.
        private let completed = Atomic<Int>(0)
        /// Workers between claiming their first job and letting go of the body.
        private let inside = Atomic<Int>(0)
        private let jobs: Int
        /// Jobs a worker claims at once (``claimSize(jobs:)``).
        private let chunk: Int
        private let crew: Crew
        private let first: Evaluator
        private var collected = false

        fileprivate init(
            jobs: Int, body: @escaping @Sendable (Int, Evaluator) -> T, waste: (any Sendable)?,
            crew: Crew, first: Evaluator
        ) {
            self.jobs = jobs
            self.chunk = Self.claimSize(jobs: jobs)
            self.body = body
            self.waste = waste
            self.crew = crew
            self.first = first
            slots = .allocate(capacity: max(1, jobs))
            slots.initialize(repeating: nil)
        }

        deinit {
            slots.deinitialize()
            slots.deallocate()
        }

        /// Jobs a worker claims at once in a batch of `jobs`: a few, so that neighbouring
        /// result slots are written by one worker (two workers writing slots that share a cache
        /// line pass it back and forth at every job) and the shared counters move once per
        /// claim, while the last claims still spread over the workers.
        static func claimSize(jobs: Int) -> Int {
            jobs >= 16 ? 4 : 1
        }

        /// Claims and runs jobs until none are left.
        func work(with evaluator: Evaluator) {
            inside.add(1, ordering: .acquiringAndReleasing)
            let first = next.add(chunk, ordering: .relaxed).oldValue
            if first < jobs { run(from: first, with: evaluator) }
            inside.subtract(1, ordering: .releasing)
        }

        /// Claims and runs one job, if one is left; returns whether it did.
        func workOne(with evaluator: Evaluator) -> Bool {
            inside.add(1, ordering: .acquiringAndReleasing)
            let job = next.add(1, ordering: .relaxed).oldValue
            let ran = job < jobs && run(job, with: evaluator)
            inside.subtract(1, ordering: .releasing)
            return ran
        }

        /// Runs the claimed `job` alone.
        private func run(_ job: Int, with evaluator: Evaluator) -> Bool {
            guard let body else { return false }
            slots[job] = body(job, evaluator)
            completed.add(1, ordering: .releasing)
            return true
        }

        /// Runs the claimed jobs from `first` (a claim of ``chunk``), then claims and runs more
        /// until none are left. The body is read once the first claim is made (so it is still
        /// there) and taken once: a worker that read the shared property per job would bump the
        /// same reference count as the other workers' at every job.
        private func run(from first: Int, with evaluator: Evaluator) {
            guard let body else { return }
            var first = first
            while true {
                let end = min(first + chunk, jobs)
                for job in first..<end {
                    slots[job] = body(job, evaluator)
                }
                completed.add(end - first, ordering: .releasing)
                first = next.add(chunk, ordering: .relaxed).oldValue
                if first >= jobs { return }
            }
        }

        /// Whether every job is done and no worker holds the body.
        private var isSettled: Bool {
            completed.load(ordering: .acquiring) >= jobs && inside.load(ordering: .acquiring) == 0
        }

        /// Lets go of the batch's waste, on the first helper to call this.
        func dispose() {
            guard !wasteClaimed.exchange(true, ordering: .acquiringAndReleasing) else { return }
            waste = nil
        }

        /// Lets go of the body, and of the waste if no helper did, once no worker runs.
        fileprivate func dropBody() {
            body = nil
            if !wasteClaimed.exchange(true, ordering: .acquiringAndReleasing) { waste = nil }
        }

        /// Runs the jobs left on this thread, waits for the helpers, and returns the results
        /// in job order. Call once.
        ///
        /// - Parameter startingNext: called once this thread finds no job left to claim,
        ///   before it waits for the helpers' last jobs; the batch it returns (if any) is
        ///   started, and this thread runs its jobs while it waits, so that no worker idles
        ///   at the end of this batch. Its results are collected by its own `wait`.
        func wait(startingNext: () -> (any CrewWork)? = { nil }) -> [T] {
            precondition(!collected, "a batch's results are collected once")
            collected = true
            work(with: first)
            if jobs > 1, crew.hasHelpers {
                let following = isSettled ? nil : startingNext()
                var spins = 0
                while !isSettled {
                    if let following, following.workOne(with: first) { continue }
                    spins += 1
                    if spins > Crew.spins { sched_yield() }
                }
                crew.retire(self)
            }
            dropBody()
            // Invariant: every job index was claimed exactly once, so every slot is filled. The
            // results move out of their slots, which are left empty: no copies, and no
            // reference counting on what the helpers made.
            var results: [T] = []
            results.reserveCapacity(jobs)
            for job in 0..<jobs {
                if let result = slots.moveElement(from: job) { results.append(result) }
                slots.initializeElement(at: job, to: nil)
            }
            return results
        }

        /// Claims every job left so that no worker starts one, and waits for the jobs running:
        /// for a batch whose results are not wanted. Its results are dropped.
        func abandon() {
            guard !collected else { return }
            collected = true
            next.store(jobs, ordering: .relaxed)
            while inside.load(ordering: .acquiring) > 0 { sched_yield() }
            if crew.hasHelpers { crew.retire(self) }
            dropBody()
        }
    }
}

/// Work that helper threads can join.
protocol CrewWork: AnyObject, Sendable {
    /// Claims and runs jobs until none are left.
    func work(with evaluator: Evaluator)
    /// Claims and runs one job, if one is left; returns whether it did.
    func workOne(with evaluator: Evaluator) -> Bool
    /// Called by each helper after its work.
    func dispose()
}

/// The helper threads of a ``WorkerPool`` and the hand-over of batches to them.
///
/// ``begin(_:)`` publishes a batch and bumps the generation; each helper that sees a new
/// generation works on the batch published then, until it finds no job left. Waiting for a
/// batch is the batch's own affair (``WorkerPool/Batch/wait(startingNext:)``), so a batch can
/// be published while helpers finish the one before. A helper that finds nothing new for a
/// while goes to sleep on its semaphore, telling the pool so through `sleeping`; ``begin(_:)``
/// wakes the sleepers.
private final class Crew: @unchecked Sendable {
    private let helpers: Int
    /// The latest batch published (`nil` once retired).
    private let current = Mutex<(any CrewWork)?>(nil)
    private let generation = Atomic<Int>(0)
    private let dismissed = Atomic<Bool>(false)
    private let beds: [Bed]
    /// Polls before a helper sleeps, or before a waiting caller yields its core: some 100 µs,
    /// longer than the engine's work between two batches.
    static let spins = 100_000

    init(evaluators: [Evaluator]) {
        helpers = evaluators.count - 1
        beds = (0..<helpers).map { _ in Bed() }
        for helper in 0..<helpers {
            nonisolated(unsafe) let evaluator = evaluators[helper + 1]
            let thread = Thread { [self] in self.serve(helper, with: evaluator) }
            thread.name = "galapagos-worker-\(helper + 1)"
            thread.start()
        }
    }

    var hasHelpers: Bool { helpers > 0 }

    func begin(_ work: any CrewWork) {
        guard helpers > 0 else { return }
        current.withLock { $0 = work }
        generation.add(1, ordering: .sequentiallyConsistent)
        for bed in beds { bed.wake() }
    }

    /// Stops handing out `work` (done), unless a later batch replaced it already.
    func retire(_ work: any CrewWork) {
        current.withLock { if $0 === work { $0 = nil } }
    }

    func dismiss() {
        dismissed.store(true, ordering: .releasing)
        generation.add(1, ordering: .sequentiallyConsistent)
        for bed in beds { bed.wake() }
    }

    private func serve(_ helper: Int, with evaluator: Evaluator) {
        var seen = 0
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                guard spins > Self.spins else { continue }
                let bed = beds[helper]
                bed.sleeping.store(true, ordering: .sequentiallyConsistent)
                if generation.load(ordering: .sequentiallyConsistent) != seen {
                    // A batch began meanwhile. If its owner already took the flag, it signals:
                    // take that signal so that it does not wake a later sleep.
                    if !bed.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
                        bed.semaphore.wait()
                    }
                    break
                }
                bed.semaphore.wait()
                spins = 0
            }
            seen = generation.load(ordering: .acquiring)
            if dismissed.load(ordering: .acquiring) { return }
            // The batch published by generation `seen` or a later one (a later one is seen
            // again at the next turn, with no job left: harmless).
            guard let work = current.withLock({ $0 }) else { continue }
            work.work(with: evaluator)
            work.dispose()
        }
    }
}

/// Where a helper sleeps between batches: a flag saying it does, and the semaphore it waits on.
private final class Bed: Sendable {
    let sleeping = Atomic<Bool>(false)
    let semaphore = DispatchSemaphore(value: 0)

    /// Wakes the helper if it sleeps.
    func wake() {
        if sleeping.exchange(false, ordering: .sequentiallyConsistent) { semaphore.signal() }
    }
}
