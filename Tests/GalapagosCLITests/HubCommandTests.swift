import Foundation
import GalapagosTestSupport
import Testing

/// `evolve --hub`, `worker`, and `inspect`/`export` on hub URLs, through the binary.
@Suite struct HubCommandTests {
    @Test func hubOptionsAreCheckedBeforeAnythingConnects() throws {
        let worker = try galapagos(["worker", "--run", "r"])
        #expect(worker.status == 2)
        #expect(worker.stderr.contains("--run needs --hub"))
        let noRun = try galapagos(["evolve", "--searchspace", repositoryPath("searchspaces/linear_demo.yaml"),
                                   "--hub", "postgres://a@b/c"])
        #expect(noRun.status == 2)
        #expect(noRun.stderr.contains("--hub needs --run"))
        let badURL = try galapagos(["evolve", "--searchspace", repositoryPath("searchspaces/linear_demo.yaml"),
                                    "--hub", "postgres://ann:hunter2@db.example", "--run", "r"])
        #expect(badURL.status == 1)
        #expect(badURL.stderr.contains("no database name"))
        #expect(!badURL.stderr.contains("hunter2"))
        let inspect = try galapagos(["inspect", "postgres://ann:hunter2@db.example/runs"])
        #expect(inspect.status == 1)
        #expect(inspect.stderr.contains("name one with --run"))
        #expect(!inspect.stderr.contains("hunter2"))
        let fileWithRun = try galapagos(["inspect", repositoryPath("populations/example-linear_demo.sqlite"), "--run", "x"])
        #expect(fileWithRun.status == 1)
        #expect(fileWithRun.stderr.contains("is a run file"))
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["GALAPAGOS_TEST_POSTGRES_URL"] != nil,
                   "needs GALAPAGOS_TEST_POSTGRES_URL"))
    func aHubRunFromStartToExport() throws {
        let url = ProcessInfo.processInfo.environment["GALAPAGOS_TEST_POSTGRES_URL"] ?? ""
        let run = "cli-\(UUID().uuidString.prefix(8))"
        let space = try repositoryPath("searchspaces/linear_demo.yaml")
        let hub = Process()
        hub.executableURL = try galapagosExecutable()
        hub.arguments = ["evolve", "--searchspace", space, "--hub", url, "--run", run, "--max-evals", "20000",
                         "--sync-every", "0.2", "--lease", "5", "--quiet", "--json"]
        let hubOut = Pipe()
        hub.standardOutput = hubOut
        hub.standardError = FileHandle.nullDevice
        try hub.run()
        // The worker may start before the run exists: --wait covers that.
        let joined: Outcome? = try galapagos([
            "worker", "--hub", url, "--run", run, "--workers", "1", "--wait", "60s", "--quiet", "--json",
        ])
        let worker = try #require(joined)
        #expect(worker.status == 0)
        let hubText = String(decoding: hubOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        hub.waitUntilExit()
        #expect(hub.terminationStatus == 0)
        struct HubReport: Decodable {
            var evaluations: Int
            var stopped: String
            var run: String
            var program: String
        }
        let report = try JSONDecoder().decode(HubReport.self, from: Data((lines(hubText).last ?? "").utf8))
        #expect(report.evaluations >= 20_000)
        #expect(report.stopped == "max-evals")
        #expect(report.run == run)
        struct WorkerReport: Decodable {
            var individuals: Int
            var islands_claimed: Int
            var run_status: String
        }
        let workerReport = try JSONDecoder().decode(
            WorkerReport.self, from: Data((worker.stdoutLines.last ?? "").utf8))
        #expect(workerReport.islands_claimed == 10)
        #expect(workerReport.run_status == "finished")
        #expect(workerReport.individuals == report.evaluations)

        let inspect = try galapagos(["inspect", url, "--run", run, "--json"])
        #expect(inspect.status == 0)
        struct Summary: Decodable {
            struct Island: Decodable { var size: Int }
            struct Entry: Decodable { var program: String }
            var islands: [Island]
            var hall_of_fame: [Entry]
        }
        let summary = try JSONDecoder().decode(Summary.self, from: Data((inspect.stdoutLines.last ?? "").utf8))
        #expect(summary.islands.count == 10)
        #expect(summary.islands.allSatisfy { $0.size == 100 })
        #expect(!summary.hall_of_fame.isEmpty)
        try servesTheHubRun(url: url, run: run)
        let export = try galapagos(["export", url, "--run", run, "--best", "--format", "dsl"])
        #expect(export.status == 0)
        #expect(export.stdout.contains("def learn():"))
        #expect(!export.stdout.contains(":galapagos@") || !url.contains(":galapagos@"))

        let again = try galapagos(["evolve", "--searchspace", space, "--hub", url, "--run", run, "--quiet"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already exists"))
        let finished = try galapagos(["worker", "--hub", url, "--run", run, "--quiet", "--json"])
        #expect(finished.status == 0)
        #expect(finished.stdoutLines.last?.contains("\"individuals\":0") == true)

        let folder = NSTemporaryDirectory() + "hub-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let changed = folder + "/linear_demo.yaml"
        try (String(contentsOfFile: space, encoding: .utf8) + "\n# changed\n")
            .write(toFile: changed, atomically: true, encoding: .utf8)
        let missing = try galapagos(["worker", "--hub", url, "--run", run + "-none", "--wait", "1s", "--quiet"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no run named"))

        let refused = try galapagos(["worker", "--hub", url, "--run", run, "--searchspace", changed, "--quiet"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("refusing to join"))
    }

    /// `galapagos serve URL --run NAME`: the run list, the run page, its JSON and a program page
    /// answer from the hub, and no page shows the URL's password.
    private func servesTheHubRun(url: String, run: String) throws {
        let port = try freeTCPPort()
        let server = Process()
        server.executableURL = try galapagosExecutable()
        server.arguments = ["serve", url, "--run", run, "--port", "\(port)"]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        let base = "http://127.0.0.1:\(port)"
        var listing: HTTPResult?
        for _ in 0..<100 where listing?.status != 200 {
            listing = try? httpGet(base + "/api/runs")
            if listing?.status != 200 { Thread.sleep(forTimeInterval: 0.1) }
        }
        let runs = try #require(listing)
        #expect(runs.status == 200)
        #expect(runs.body.contains("\"name\":\"\(run)\"") && runs.body.contains("\"individuals\""))
        let page = try httpGet(base + "/runs/\(run)")
        #expect(page.status == 200 && page.body.contains("<svg"))
        let list = try httpGet(base + "/")
        #expect(list.status == 200 && list.body.contains(run))
        let fame = try httpGet(base + "/api/runs/\(run)/hall-of-fame")
        #expect(fame.status == 200)
        struct Entry: Decodable { var id: Int }
        let best = try #require(try JSONDecoder().decode([Entry].self, from: Data(fame.body.utf8)).first)
        let program = try httpGet(base + "/runs/\(run)/programs/\(best.id)")
        #expect(program.status == 200 && program.body.contains("def predict():"))
        #expect(try httpGet(base + "/runs/\(run)-other").status == 404)
        if let password = URLComponents(string: url)?.password, !password.isEmpty {
            for body in [runs.body, page.body, list.body, program.body] {
                #expect(!body.contains(":\(password)@"))
            }
        }
    }
}
