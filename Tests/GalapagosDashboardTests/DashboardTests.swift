import Foundation
import Galapagos
import GalapagosCLI
@testable import GalapagosDashboard
import GalapagosTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

/// The dashboard on a live server (a free port on 127.0.0.1): every page and endpoint, the
/// refusal of names outside the served directory, and a run that grows while a page is open.
@Suite struct DashboardTests {
    /// A directory holding one short linear_demo run.
    private func directoryWithARun() throws -> (directory: String, run: String) {
        let directory = try temporaryDirectory()
        let file = directory + "/demo.sqlite"
        let space = try repositoryPath("searchspaces/linear_demo.yaml")
        let code = GalapagosCommand.run(arguments: [
            "evolve", "--searchspace", space, "--seed", "3", "--max-evals", "4000", "--out", file, "--quiet",
        ])
        #expect(code == 0)
        return (directory, "demo.sqlite")
    }

    private func json(_ response: TestResponse) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))
    }

    @Test func pagesAndEndpointsAnswerWithTheRunsFacts() async throws {
        let (directory, run) = try directoryWithARun()
        let app = Dashboard(runs: try RunDirectory(path: directory)).application(host: "127.0.0.1", port: 0)
        try await app.test(.live) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(String(buffer: response.body).contains("href=\"/runs/demo.sqlite\""))
            }
            try await client.execute(uri: "/api/runs", method: .get) { response in
                let runs = try #require(try json(response) as? [[String: Any]])
                #expect(runs.count == 1)
                #expect(runs.first?["name"] as? String == run)
                #expect(runs.first?["searchSpace"] as? String == "linear_demo")
                #expect(runs.first?["individuals"] as? Int == 4_000)
                #expect(runs.first?["status"] as? String == "stopped")
            }
            var memberID = 0
            try await client.execute(uri: "/api/runs/demo.sqlite/hall-of-fame", method: .get) { response in
                let members = try #require(try json(response) as? [[String: Any]])
                #expect(!members.isEmpty)
                memberID = try #require(members.first?["id"] as? Int)
                #expect(members.first?["program"] is String)
            }
            try await client.execute(uri: "/runs/demo.sqlite", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(html.contains("<svg"))  // the plots of inspect --html
                #expect(html.contains("href=\"/runs/demo.sqlite/programs/\(memberID)\""))
                #expect(html.contains("/api/runs/demo.sqlite/progress"))  // the live-update script
                // The Pareto front's points open their programs.
                #expect(html.contains("<a href=\"/runs/demo.sqlite/programs/") && html.contains("<circle"))
                // Nothing is fetched from outside (SVG's xmlns is a name, not a fetch).
                #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("url(http"))
            }
            try await client.execute(uri: "/compare/linear_demo", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(html.contains("<svg") && html.contains("href=\"/runs/demo.sqlite\""))
            }
            for endpoint in ["statistics", "islands", "pareto", "bandits"] {
                try await client.execute(uri: "/api/runs/demo.sqlite/\(endpoint)", method: .get) { response in
                    let value = try json(response)
                    #expect(response.status == .ok, "\(endpoint)")
                    #expect(value is [Any], "\(endpoint)")
                }
            }
            try await client.execute(uri: "/runs/demo.sqlite/programs/\(memberID)", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(html.contains("Lineage") && html.contains("program.swift"))
            }
            try await client.execute(uri: "/api/runs/demo.sqlite/programs/\(memberID)", method: .get) { response in
                let program = try #require(try json(response) as? [String: Any])
                #expect(program["id"] as? Int == memberID)
                #expect(program["selectFitness"] is Double && program["testFitness"] is Double)
                let lineage = try #require(program["lineage"] as? [[String: Any]])
                #expect(lineage.last?["id"] as? Int == memberID)
                #expect(lineage.first?["origin"] as? String == "random")
            }
            // Downloads: the exporters' text, as an attachment.
            try await client.execute(uri: "/runs/demo.sqlite/programs/\(memberID)/program.swift", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentDisposition]?.hasPrefix("attachment") == true)
                #expect(String(buffer: response.body).contains("struct"))
            }
            try await client.execute(uri: "/runs/demo.sqlite/programs/\(memberID)/program.gal", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains("def predict():"))
                #expect((try? ProgramParser().parse(text)) != nil)
            }
        }
    }

    @Test func namesOutsideTheDirectoryAndUnknownThingsAreRefused() async throws {
        let (directory, _) = try directoryWithARun()
        try "not a run".write(toFile: directory + "/notes.txt", atomically: true, encoding: .utf8)
        let app = Dashboard(runs: try RunDirectory(path: directory)).application(host: "127.0.0.1", port: 0)
        try await app.test(.live) { client in
            for uri in ["/runs/..%2F..%2Fetc%2Fpasswd", "/runs/../demo.sqlite", "/runs/notes.txt",
                        "/api/runs/..%2Fdemo.sqlite/progress", "/runs/missing.sqlite",
                        "/runs/demo.sqlite/programs/99999999", "/runs/demo.sqlite/programs/1/program.exe",
                        "/compare/nonlinear_teacher"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .notFound, "\(uri): \(response.status)")
                }
            }
            try await client.execute(uri: "/runs/demo.sqlite/programs/abc", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            // Read-only: nothing answers a write.
            try await client.execute(uri: "/api/runs", method: .post) { response in
                #expect(response.status != .ok)
            }
        }
    }

    /// Programs that are losses, not learning algorithms, have pages but no exports: the
    /// download is refused with the reason `galapagos export` gives.
    @Test func lossProgramsAreShownButNotExported() async throws {
        let directory = try temporaryDirectory()
        // The shipped space with 3 search and select tasks, so that the run takes a second.
        let space = directory + "/loss_discovery.yaml"
        let text = try repositoryText("searchspaces/loss_discovery.yaml")
            .replacingOccurrences(of: "count: 100", with: "count: 3")
            .replacingOccurrences(of: "count: 200", with: "count: 3")
            .replacingOccurrences(of: "dataset: data/", with: "dataset: \(try repositoryPath("searchspaces/data"))/")
        try text.write(toFile: space, atomically: true, encoding: .utf8)
        #expect(GalapagosCommand.run(arguments: [
            "evolve", "--searchspace", space, "--seed", "1", "--max-evals", "600", "--workers", "1",
            "--out", directory + "/loss.sqlite", "--quiet",
        ]) == 0)
        let reader = try RunReader(path: directory + "/loss.sqlite")
        let member = try #require(try reader.hallOfFame(limit: 1).first)
        let app = Dashboard(runs: try RunDirectory(path: directory)).application(host: "127.0.0.1", port: 0)
        try await app.test(.live) { client in
            try await client.execute(uri: "/runs/loss.sqlite/programs/\(member.id)", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/runs/loss.sqlite/programs/\(member.id)/program.swift", method: .get) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("losses, not learning algorithms"))
            }
        }
    }

    /// A page's data follows the run: resuming it for more individuals shows them without a
    /// restart of the server (the run file is read afresh at every request).
    @Test func progressFollowsARunThatGrows() async throws {
        let (directory, run) = try directoryWithARun()
        let app = Dashboard(runs: try RunDirectory(path: directory)).application(host: "127.0.0.1", port: 0)
        try await app.test(.live) { client in
            try await client.execute(uri: "/api/runs/\(run)/progress", method: .get) { response in
                let progress = try json(response) as? [String: Any]
                #expect(progress?["individuals"] as? Int == 4_000)
            }
            // `resume --max-evals N` runs N more individuals.
            #expect(GalapagosCommand.run(arguments: ["resume", directory + "/" + run, "--max-evals", "8000", "--quiet"]) == 0)
            try await client.execute(uri: "/api/runs/\(run)/progress", method: .get) { response in
                let progress = try json(response) as? [String: Any]
                #expect(progress?["individuals"] as? Int == 12_000)
            }
        }
    }
}

@Suite struct LineDiffTests {
    @Test func aChangedLineShowsTheParentsLineThenTheChilds() {
        let parent = "def predict():\n  s1 = 0.5\n  s1 = s1 * s1"
        let child = "def predict():\n  s1 = 0.7\n  s1 = s1 * s1\n  s2 = s1"
        #expect(LineDiff.lines(from: parent, to: child) == [
            .kept("def predict():"), .removed("  s1 = 0.5"), .added("  s1 = 0.7"), .kept("  s1 = s1 * s1"),
            .added("  s2 = s1"),
        ])
        #expect(LineDiff.lines(from: child, to: parent).filter { if case .kept = $0 { false } else { true } } == [
            .removed("  s1 = 0.7"), .added("  s1 = 0.5"), .removed("  s2 = s1"),
        ])
    }
}
