import Dispatch
import Synchronization

/// Runs a batch of independent jobs on a fixed set of worker threads, each with its own
/// ``Evaluator``, and returns the results in job order.
///
/// Results never depend on the number of workers: each job's inputs are fixed before the batch
/// starts, and results are collected by job index.
final class WorkerPool: @unchecked Sendable {
    // Safe to share: during `map` each evaluator is used by exactly one worker (worker w uses
    // evaluators[w]), and nothing else touches them.
    private let evaluators: [Evaluator]

    /// The number of workers.
    var count: Int { evaluators.count }

    init(workers: Int, space: SearchSpace) {
        evaluators = (0..<max(1, workers)).map { _ in space.makeEvaluator() }
    }

    /// The evaluator of worker 0, for work done outside batches.
    var first: Evaluator { evaluators[0] }

    /// Calls `body` for every job index in `0..<jobs`, spread over the workers.
    func map<T: Sendable>(jobs: Int, _ body: @Sendable (Int, Evaluator) -> T) -> [T] {
        guard jobs > 0 else { return [] }
        if evaluators.count == 1 || jobs == 1 {
            let evaluator = evaluators[0]
            return (0..<jobs).map { body($0, evaluator) }
        }
        let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: jobs)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        nonisolated(unsafe) let slots = results
        nonisolated(unsafe) let evaluators = self.evaluators
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: min(evaluators.count, jobs)) { worker in
            let evaluator = evaluators[worker]
            while true {
                let job = next.add(1, ordering: .relaxed).oldValue
                if job >= jobs { break }
                slots[job] = body(job, evaluator)
            }
        }
        // Invariant: every job index was claimed exactly once, so every slot is filled.
        return results.compactMap { $0 }
    }

    /// Starts ``map(jobs:_:)`` on the workers and returns at once, so that the caller can work
    /// while they do; ``Batch/wait()`` returns the results. With one worker the jobs run here,
    /// before this returns: one worker is one core.
    ///
    /// The caller must not start another batch, or call ``map(jobs:_:)``, before waiting.
    func start<T: Sendable>(jobs: Int, _ body: @escaping @Sendable (Int, Evaluator) -> T) -> Batch<T> {
        let batch = Batch<T>()
        guard count > 1, jobs > 1 else {
            batch.finish(map(jobs: jobs, body))
            return batch
        }
        DispatchQueue.global().async { batch.finish(self.map(jobs: jobs, body)) }
        return batch
    }

    /// The results of a batch started with ``start(jobs:_:)``.
    final class Batch<T: Sendable>: @unchecked Sendable {
        // Safe to share: `results` is written once, before `done` is signalled, and read only
        // after waiting on it.
        private var results: [T] = []
        private let done = DispatchSemaphore(value: 0)

        fileprivate func finish(_ results: [T]) {
            self.results = results
            done.signal()
        }

        /// Blocks until every job has run; returns the results in job order.
        func wait() -> [T] {
            done.wait()
            return results
        }
    }
}
