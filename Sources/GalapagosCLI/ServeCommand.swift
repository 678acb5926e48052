import ArgumentParser
import Foundation
import Galapagos
#if Dashboard
import GalapagosDashboard
#endif

/// `galapagos serve`: a local, read-only web dashboard over run files.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Browse runs in a web browser: live run pages, programs, lineages.",
        discussion: """
            Serves the run files (*.sqlite) of a directory (default: populations) or one run \
            file, read-only: pages stay open while runs are written and update as they \
            checkpoint. Bound to 127.0.0.1 unless --host says otherwise. Pages and their plots \
            come from this binary; nothing is fetched from the internet. The same facts are \
            JSON under /api/runs.
            """)

    @Argument(help: "A directory of run files, or one run file.")
    var path: String = "populations"

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
        let runs: RunDirectory
        do {
            runs = try RunDirectory(path: path)
        } catch {
            throw GalapagosError.invalidArgument("\(error)")
        }
        let dashboard = Dashboard(runs: runs)
        let host = self.host, port = self.port
        Console.error("serving \(runs.onlyFile.map { runs.directory + "/" + $0 } ?? runs.directory) at http://\(host):\(port)/ (Ctrl-C stops)")
        try AsyncBridge.wait {
            try await dashboard.application(host: host, port: port).runService()
        }
        #else
        throw GalapagosError.invalidArgument(
            "this build has no dashboard (built without the Dashboard trait); build with the default traits")
        #endif
    }
}
