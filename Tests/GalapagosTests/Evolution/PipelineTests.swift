import Foundation
import Synchronization
import Testing
@testable import Galapagos

/// A flag a test's jobs wait on.
private final class Gate: Sendable {
    private let opened = Atomic<Bool>(false)
    var isOpen: Bool { opened.load(ordering: .acquiring) }
    func open() { opened.store(true, ordering: .releasing) }
}

/// The pieces of the engine's one-batch-deep pipeline: the double-buffered FEC cache and the
/// worker pool that runs a batch while its caller works.
@Suite struct PipelineTests {
    /// Look-ups and inserts through the double buffer, with freezes in between, behave exactly
    /// like one cache that saw them all; every index handed out holds exactly what the cache
    /// held at its freeze, and keeps it while later freezes update the other index.
    @Test func theDoubleBufferBehavesLikeOneCache() {
        var random = RandomGenerator(seed: 5)
        var single = FECCache(capacity: 40)
        var buffers = FECDoubleBuffer(FECCache(capacity: 40))
        // The index handed out last and what the cache held then, checked again after the
        // next freeze (while it would still be read).
        var handedOut: (index: FECIndex, held: [UInt64: Double])?
        func expectHolds(_ index: FECIndex, _ held: [UInt64: Double]) {
            #expect(index.count == held.count)
            for key in 0..<UInt64(90) { #expect(index.peek(key) == held[key]) }
        }
        for round in 0..<300 {
            if round % 3 == 2 {  // the first freeze comes after some writes
                let frozen = buffers.freeze()
                let held = Dictionary(uniqueKeysWithValues: single.entriesByRecency.map { ($0.key, $0.value) })
                expectHolds(frozen, held)
                if let previous = handedOut { expectHolds(previous.index, previous.held) }
                handedOut = (frozen, held)
            }
            for _ in 0..<random.nextInt(below: 12) {
                let key = UInt64(random.nextInt(below: 90))
                let expected = single.lookup(key)
                #expect(buffers.lookup(key) == expected)
                if expected == nil {
                    let value = Double(round)
                    single.insert(key, value)
                    buffers.insert(key, value)
                }
            }
            #expect(buffers.live.entriesByRecency.map(\.key) == single.entriesByRecency.map(\.key))
            #expect(buffers.live.entriesByRecency.map(\.value) == single.entriesByRecency.map(\.value))
        }
    }

    /// A started batch runs while the caller does other work; results come back in job order,
    /// batch after batch, whatever the number of workers.
    @Test(arguments: [1, 2, 4])
    func batchesReturnResultsInJobOrder(workers: Int) throws {
        let space = try smallLinearSpace()
        let pool = WorkerPool(workers: workers, space: space)
        for round in 0..<200 {
            let jobs = 1 + round % 37
            let batch = pool.start(jobs: jobs) { job, _ in
                // Uneven jobs, so that workers finish at different times.
                var sum = 0
                for step in 0..<(job % 5) * 200 { sum &+= step }
                return job * 1_000 + round + (sum == -1 ? 1 : 0)
            }
            var callersWork = 0
            for step in 0..<500 { callersWork &+= step }
            #expect(callersWork == 124_750)
            #expect(batch.wait() == (0..<jobs).map { $0 * 1_000 + round })
        }
        #expect(pool.map(jobs: 0) { job, _ in job }.isEmpty)
    }

    /// A batch started while the one before still runs (as the engine starts an early batch
    /// when the last one's jobs are all taken) is taken up by the helpers and by the caller as
    /// it waits; both return every result in job order, and an abandoned batch ends at once.
    @Test(arguments: [2, 3])
    func overlappingBatchesReturnResultsInJobOrder(workers: Int) throws {
        let space = try smallLinearSpace()
        let pool = WorkerPool(workers: workers, space: space)
        let caller = ObjectIdentifier(pool.first)
        /// A job; on a helper, it ends only once the caller started the next batch, so that
        /// batches overlap whenever a helper takes part.
        func start(_ jobs: Int, round: Int, holding: Bool) -> (WorkerPool.Batch<Int>, Gate) {
            let gate = Gate()
            let batch = pool.start(jobs: jobs) { job, evaluator in
                var sum = 0
                for step in 0..<(job % 7) * 300 { sum &+= step }
                while holding, ObjectIdentifier(evaluator) != caller, !gate.isOpen { sched_yield() }
                return job * 1_000 + round + (sum == -1 ? 1 : 0)
            }
            return (batch, gate)
        }
        var (batch, gate) = start(20, round: 0, holding: true)
        var overlaps = 0
        for round in 1..<300 {
            let jobs = 2 + round % 29
            let abandoning = round % 50 == 0
            var following: (WorkerPool.Batch<Int>, Gate)?
            let results = batch.wait(startingNext: {
                following = start(jobs, round: round, holding: !abandoning)
                gate.open()
                return following?.0
            })
            #expect(results == (0..<(round == 1 ? 20 : 2 + (round - 1) % 29)).map { $0 * 1_000 + round - 1 })
            if following != nil { overlaps += 1 }
            (batch, gate) = following ?? start(jobs, round: round, holding: !abandoning)
            if abandoning {
                batch.abandon()
                (batch, gate) = start(jobs, round: round, holding: true)
            }
        }
        gate.open()
        #expect(batch.wait() == (0..<(2 + 299 % 29)).map { $0 * 1_000 + 299 })
        #expect(overlaps > 0)
    }

    /// Pipelining changes nothing about worker-count independence: 1, 2 and 3 workers give the
    /// same populations, cache and pending children, restarts and migrations included.
    @Test func pipelinedRunsAreTheSameOnAnyNumberOfWorkers() throws {
        let space = try smallLinearSpace(islands: 3, population: 24, migrationEvery: 120, batch: 8)
        var restarting = space
        restarting.evolution.restartStagnantAfterIndividuals = 150
        var states: [EngineState] = []
        for workers in 1...3 {
            let engine = Engine(
                space: restarting,
                settings: EngineSettings(seed: 3, workers: workers, maxIndividuals: 2_000, targetFitness: 2))
            _ = engine.run()
            #expect(engine.restarts > 0)
            states.append(engine.state)
        }
        for state in states.dropFirst() {
            #expect(state.islands.map(\.members) == states[0].islands.map(\.members))
            #expect(state.scalars == states[0].scalars)
            #expect(state.fec.map(\.key) == states[0].fec.map(\.key))
            #expect(state.pending.map(\.program) == states[0].pending.map(\.program))
        }
    }
}
