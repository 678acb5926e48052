import Foundation
import GalapagosTestSupport
import Testing

// Policy-objective runs through the command line: eval's returns, a short search, its report's
// drift plot, and export's refusal.

/// The shipped policy space with a tiny training budget, so a debug-build search takes seconds.
private func smallPolicySpace(in directory: String) throws -> String {
    let text = try String(contentsOfFile: try repositoryPath("searchspaces/policy_objective.yaml"), encoding: .utf8)
    let small = text.replacingOccurrences(of: "steps: 15000", with: "steps: 1000")
    #expect(small != text)
    let path = directory + "/policy.yaml"
    try small.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

@Suite("policy-objective runs", .serialized)
struct PolicyRunTests {
    @Test("eval prints each task's return; a run's report draws the objective as a drift; export refuses it")
    func policyRun() throws {
        let directory = NSTemporaryDirectory() + "galapagos-policy-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let space = try smallPolicySpace(in: directory)

        let ppo = try repositoryPath("searchspaces/examples/ppo_clip.gal")
        let eval = try galapagos(["eval", ppo, "--searchspace", space, "--json"])
        #expect(eval.status == 0, "\(eval.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data((eval.stdoutLines.last ?? "").utf8)) as? [String: Any]
        let fitness = try #require(report?["tasks"] as? [Double])
        let returns = try #require(report?["returns"] as? [Double])
        #expect(returns.count == fitness.count)
        // CartPole's reference return is its 500-step horizon.
        #expect(abs(returns[0] - 500 * fitness[0]) < 1e-9)

        let run = directory + "/run.sqlite"
        let evolve = try galapagos([
            "evolve", "--searchspace", space, "--seed", "3", "--max-evals", "60", "--population", "10",
            "--out", run, "--quiet",
        ])
        #expect(evolve.status == 0, "\(evolve.stderr)")
        let html = directory + "/report.html"
        let inspect = try galapagos(["inspect", run, "--html", html])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("The objective as a drift"))
        #expect(page.contains("A = +1, t = 0") && page.contains("A = −1, t = 1") && page.contains("PPO, A = +1"))
        #expect(!page.contains("export RUN --best"))

        let export = try galapagos(["export", run, "--best"])
        #expect(export.status != 0)
        #expect(export.stderr.contains("programs of this search space are policy objectives"))
    }
}
