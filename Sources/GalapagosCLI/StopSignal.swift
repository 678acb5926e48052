import Dispatch
import Foundation
import Synchronization

/// Turns SIGINT and SIGTERM into a flag the search loop polls, so that a run stops cleanly at
/// the next batch boundary. A second signal exits at once with status 130.
// @unchecked: `sources` is written only in init and read only in deinit; the flag is atomic.
final class StopSignal: @unchecked Sendable {
    private let requested = Atomic<Bool>(false)
    private let sources: [any DispatchSourceSignal]

    init() {
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            sources.append(DispatchSource.makeSignalSource(signal: number, queue: .global()))
        }
        self.sources = sources
        for source in sources {
            source.setEventHandler { [weak self] in
                guard let self else { return }
                if self.requested.exchange(true, ordering: .relaxed) {
                    FileHandle.standardError.write(Data("\ninterrupted twice: exiting now\n".utf8))
                    exit(130)
                }
                FileHandle.standardError.write(
                    Data("\nstopping at the next batch (press Ctrl-C again to quit now)\n".utf8))
            }
            source.resume()
        }
    }

    /// Whether a stop was requested.
    var isRequested: Bool { requested.load(ordering: .relaxed) }

    /// Asks for a stop as a signal would (e.g. when one of several runs failed).
    func request() { requested.store(true, ordering: .relaxed) }

    deinit {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
