import ArgumentParser
import Foundation
import Galapagos
#if Hub
import GalapagosHub
#endif

/// Where a hub run lives: `--hub postgres://… --run NAME`.
struct HubOptions: ParsableArguments {
    @Option(help: "A PostgreSQL URL (postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE) coordinating a run across machines; the password may come from PGPASSWORD.")
    var hub: String?

    @Option(help: "The run's name on the hub.")
    var run: String?

    @Option(name: .customLong("hub-timeout"),
            help: "How long to keep retrying when the hub is unreachable (90, 90s, 5m).")
    var hubTimeout: DurationArgument = DurationArgument(seconds: 60)

    var isHub: Bool { hub != nil }

    func validate() throws {
        if hub != nil && run == nil { throw ValidationError("--hub needs --run NAME") }
        if hub == nil && run != nil { throw ValidationError("--run needs --hub URL") }
        if let run, run.isEmpty || run.count > 200 {
            throw ValidationError("--run must be 1 to 200 characters")
        }
    }

    #if Hub
    /// The connection and run name (call only when `isHub`).
    func connect(quiet: Bool = false) throws -> (HubConnection, String) {
        guard let hub, let run else { throw GalapagosError.invalidArgument("--hub and --run are required") }
        return (try Self.connection(url: hub, timeout: hubTimeout, quiet: quiet), run)
    }

    static func connection(url: String, timeout: DurationArgument, quiet: Bool) throws -> HubConnection {
        let address = try HubAddress(url)
        return HubConnection(
            address: address, retryFor: .milliseconds(Int64(timeout.seconds * 1000)),
            onRetry: { message in if !quiet { Console.error("warning: \(message)") } })
    }
    #endif
}

extension DurationArgument {
    init(seconds: Double) {
        self.seconds = seconds
    }

    /// How `--help` shows a default: `60s`.
    var defaultValueDescription: String {
        seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }
}

/// Reading runs for `inspect` and `export`: a run file, or `postgres://… --run NAME`.
enum RunInput {
    /// The run at `location`: a hub URL (then `run` names the run) or a run file.
    static func records(_ location: String, run: String?) throws -> any RunRecords {
        guard HubSupport.isHubURL(location) else {
            if run != nil {
                throw GalapagosError.invalidArgument("--run names a run on a hub; \(location) is a run file")
            }
            return try RunReader(path: location)
        }
        #if Hub
        guard let run else {
            let address = (try? HubAddress(location).description) ?? "the hub"
            throw GalapagosError.invalidArgument("\(address): a hub holds many runs; name one with --run NAME")
        }
        let hub = try HubOptions.connection(url: location, timeout: DurationArgument(seconds: 15), quiet: false)
        return try AsyncBridge.wait {
            try await hub.closing { try await HubSnapshot.read(HubRun(hub: hub, name: run)) }
        }
        #else
        throw HubSupport.unavailable
        #endif
    }
}
