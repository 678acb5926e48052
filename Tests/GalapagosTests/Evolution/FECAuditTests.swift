import GalapagosTestSupport
import Testing
@testable import Galapagos

/// The cache's audit measures without changing the search; probing every task is a stricter
/// fingerprint than probing the first.
@Suite("FEC audit and per-task probing")
struct FECAuditTests {
    private func run(_ space: SearchSpace, seed: UInt64 = 5, workers: Int = 1) -> (Engine, RunSummary?) {
        let engine = Engine(space: space, settings: EngineSettings(seed: seed, workers: workers, maxIndividuals: 2_000))
        _ = engine.run()
        return (engine, engine.finish())
    }

    @Test("auditing every hit re-evaluates them all and changes nothing the search does")
    func auditChangesNothing() throws {
        var space = try smallLinearSpace()
        let (plain, plainSummary) = run(space)
        space.fec.audit = 1
        let (audited, auditedSummary) = run(space)
        #expect(plain.fecAudit.checked == 0)
        // Every hit seen when its batch started is audited (hits within a batch are not).
        #expect(audited.fecAudit.checked > 0 && audited.fecAudit.checked <= audited.fecHits)
        #expect(audited.fecHits == plain.fecHits)
        let a = try #require(plainSummary), b = try #require(auditedSummary)
        #expect(a.best.program == b.best.program && a.searchFitness.bitPattern == b.searchFitness.bitPattern)
        #expect(a.selectFitness.bitPattern == b.selectFitness.bitPattern)
        // The same audit on two workers: the same counts.
        let (twoWorkers, _) = run(space, workers: 2)
        #expect(twoWorkers.fecAudit == audited.fecAudit)
    }

    @Test("a hit is wrong when cached and full fitness differ by more than rounding")
    func auditCounts() {
        var audit = FECAudit()
        #expect(audit.rate == nil)
        audit.record(cached: 0.5, evaluated: 0.5)
        audit.record(cached: 0.5, evaluated: 0.25)
        audit.record(cached: 0.9, evaluated: 0.8)
        audit.record(cached: 0.9971582323776438, evaluated: 0.9971582323776437)  // rounding only
        #expect(audit.checked == 4 && audit.wrong == 2 && audit.rounding == 1)
        #expect(audit.rate == 2.0 / 4.0)
        #expect(audit.maximumError == 0.25)
        #expect(abs((audit.meanError ?? 0) - (0.25 + 0.1 + 1.1102230246251565e-16) / 4) < 1e-12)
    }

    @Test("probing every task is never less strict: no more hits than probing the first, and no wrong hit more")
    func probingEveryTask() throws {
        var first = try smallLinearSpace()
        first.fec.audit = 1
        var every = first
        every.fec.probesEveryTask = true
        let (firstEngine, _) = run(first, seed: 8)
        let (everyEngine, everySummary) = run(every, seed: 8)
        #expect(everySummary != nil)
        #expect(everyEngine.fecHits <= firstEngine.fecHits)
        #expect(everyEngine.fecAudit.checked > 0)
        #expect(everyEngine.fecAudit.rate ?? 1 <= firstEngine.fecAudit.rate ?? 0)
    }

    @Test("fec.tasks and fec.audit load from YAML; a bad value names the field")
    func loading() throws {
        let good = try SearchSpace.parse(
            Self.yaml(fec: "{train: 5, valid: 5, tasks: all, audit: 0.01}"), file: "fec.yaml")
        #expect(good.fec.probesEveryTask && good.fec.audit == 0.01)
        #expect(try !SearchSpace.parse(Self.yaml(fec: "{train: 5}"), file: "fec.yaml").fec.probesEveryTask)
        #expect {
            _ = try SearchSpace.parse(Self.yaml(fec: "{tasks: some}"), file: "fec.yaml")
        } throws: { error in
            "\(error)".contains("fec.yaml") && "\(error)".contains("fec.tasks") && "\(error)".contains("first or all")
        }
        #expect(throws: GalapagosError.self) {
            _ = try SearchSpace.parse(Self.yaml(fec: "{audit: 2}"), file: "fec.yaml")
        }
    }

    static func yaml(fec: String) -> String {
        """
        name: fec_yaml
        memory: {features: 4, scalars: 4, vectors: 3, matrices: 1}
        ops: [scalar_const_set, vector_inner_product, scalar_diff]
        setup: 2
        predict: 1
        learn: 2
        fec: \(fec)
        tasks:
          search: {generator: scalar_linear_regression, count: 2, train: 20, valid: 20}
        """
    }
}
