import ArgumentParser
import Foundation
import Galapagos
#if Dashboard
import GalapagosDashboard
#endif
#if Hub
import GalapagosHub
#endif

/// `galapagos serve`: a local, read-only web dashboard over run files.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Browse runs in a web browser: live run pages, programs, lineages.",
        discussion: """
            Serves the run files (*.sqlite) of a directory (default: populations) or one run \
            file, or a run on a PostgreSQL hub (postgres://… --run NAME), read-only: pages stay \
            open while runs are written and update as they checkpoint. Bound to 127.0.0.1 \
            unless --host says otherwise. Pages and their plots come from this binary; nothing \
            is fetched from the internet. The same facts are JSON under /api/runs. A hub URL's \
            password never appears on a page.

            Examples:
              galapagos serve
              galapagos serve populations/linear_demo-seed1.sqlite --port 8081
              galapagos serve postgres://galapagos@db.example/galapagos --run demo1
            """)

    @Argument(help: "A directory of run files, one run file, or a hub's postgres:// URL (with --run).")
    var path: String = "populations"

    @Option(name: .customLong("run"), help: "With a hub URL: the run to serve.")
    var runName: String?

    @Option(help: "The port to listen on.")
    var port: Int = 8080

    @Option(help: "The address to listen on (0.0.0.0 serves other machines too).")
    var host: String = "127.0.0.1"

    func validate() throws {
        guard (0...65_535).contains(port) else {
            throw ValidationError("--port must be between 0 and 65535, not \(port)")
        }
    }

    func run() throws {
        #if Dashboard
        let runs = try source()
        let dashboard = Dashboard(runs: runs)
        let host = self.host, port = self.port
        Console.error("serving \(runs.servedDescription) at http://\(host):\(port)/ (Ctrl-C stops)")
        try AsyncBridge.wait {
            try await dashboard.application(host: host, port: port).runService()
        }
        #else
        throw GalapagosError.invalidArgument(
            "this build has no dashboard (built without the Dashboard trait); build with the default traits")
        #endif
    }

    #if Dashboard
    /// The runs to serve: a hub's run, or run files.
    private func source() throws -> any RunSource {
        if HubSupport.isHubURL(path) {
            #if Hub
            guard let runName, !runName.isEmpty else {
                let address = (try? HubAddress(path).description) ?? "the hub"
                throw GalapagosError.invalidArgument("\(address): a hub holds many runs; name one with --run NAME")
            }
            let hub = try HubOptions.connection(url: path, timeout: DurationArgument(seconds: 15), quiet: false)
            return HubRunSource(hub: hub, run: runName)
            #else
            throw HubSupport.unavailable
            #endif
        }
        if runName != nil {
            throw GalapagosError.invalidArgument("--run names a run on a hub; \(path) is not a postgres:// URL")
        }
        do {
            return try RunDirectory(path: path)
        } catch {
            throw GalapagosError.invalidArgument("\(error)")
        }
    }
    #endif
}

#if Dashboard && Hub
/// One run on a PostgreSQL hub, read afresh (one snapshot) for every request.
struct HubRunSource: RunSource {
    let hub: HubConnection
    let run: String

    var servedDescription: String { "run \(run) on \(hub.address)" }

    func names() async -> [String] { [run] }

    func open(_ name: String) async throws -> (any RunRecords)? {
        guard name == run else { return nil }
        return try await HubSnapshot.read(HubRun(hub: hub, name: run))
    }
}
#endif
