import Foundation
import GalapagosTestSupport
import Testing

// `sweep` keeps what it discovers and says nothing about a target it was not given.

@Suite struct SweepCommandTests {
    @Test func outDirKeepsEverySeedsRunAndNoTargetIsNotAFailure() throws {
        let directory = try temporaryDirectory() + "/runs"
        let sweep = try galapagos([
            "sweep", "--searchspace", repositoryPath("searchspaces/linear_demo.yaml"), "--seeds", "3,4",
            "--max-evals", "3000", "--workers", "1", "--out-dir", directory, "--json",
        ])
        #expect(sweep.status == 0, "\(sweep.stderr)")
        #expect(!sweep.stdout.contains("reached target"), "\(sweep.stdout)")
        #expect(sweep.stdout.contains("median select fitness"), "\(sweep.stdout)")
        let line = try #require(sweep.stdoutLines.last)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let runs = try #require(report["runs"] as? [[String: Any]])
        #expect(runs.count == 2)
        for run in runs {
            let file = try #require(run["run_file"] as? String)
            let program = try #require(run["program"] as? String)
            // The run file holds the program the sweep reported.
            let inspect = try galapagos(["inspect", file, "--json"])
            #expect(inspect.status == 0, "\(inspect.stderr)")
            let selected = try #require((try JSONSerialization.jsonObject(with: Data((inspect.stdoutLines.last ?? "").utf8)) as? [String: Any])?["selected"] as? [String: Any])
            #expect(selected["program"] as? String == program, "inspect selected \(selected["program"] ?? "-"), sweep reported \(program)")
        }
    }
}
