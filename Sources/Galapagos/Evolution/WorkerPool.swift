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
}
