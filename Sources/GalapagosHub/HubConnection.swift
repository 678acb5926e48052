import Foundation
import Galapagos
import Logging
import PostgresNIO

/// One connection to a hub that survives outages: operations that fail because the connection
/// failed are retried on a new connection, with exponential back-off, until `retryFor` has
/// passed. Errors that waiting cannot fix (a wrong password, a missing database) end at once
/// with a message that says what to change.
///
/// Operations run one at a time, in the order they are called.
public actor HubConnection {
    public nonisolated let address: HubAddress
    /// How long to keep trying to reach the hub before giving up.
    public let retryFor: Duration
    /// Told about each retry (to print a warning).
    let onRetry: @Sendable (String) -> Void
    private var connection: PostgresConnection?
    private var nextConnectionID = 1
    /// The number of the latest operation, and of the one running (for the watchdog).
    private var operation = 0
    private var running: Int?
    let logger: Logger
    /// The longest one operation (one transaction) may take before its connection is dropped.
    static let operationTimeout = Duration.seconds(45)

    public init(
        address: HubAddress, retryFor: Duration = .seconds(60),
        onRetry: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.address = address
        self.retryFor = retryFor
        self.onRetry = onRetry
        logger = Logger(label: "galapagos.hub", factory: { _ in SwiftLogNoOpLogHandler() })
    }

    /// Runs `body` on a live connection. When the connection fails, `body` runs again from the
    /// start on a new one: it must be safe to repeat (one transaction, or idempotent steps).
    ///
    /// - Parameter what: what the operation does, for messages ("claiming islands").
    public func perform<T: Sendable>(
        _ what: String, _ body: @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws -> T {
        let clock = ContinuousClock()
        let start = clock.now
        var delay = Duration.milliseconds(250)
        var attempt = 1
        while true {
            do {
                // A query on a half-open connection would wait forever: past the deadline the
                // connection is closed, which fails the query as a lost connection (retried).
                operation += 1
                let current = operation
                running = current
                let watchdog = Task { [weak self] in
                    try await Task.sleep(for: Self.operationTimeout)
                    await self?.expire(current)
                }
                defer {
                    watchdog.cancel()
                    running = nil
                }
                let connection = try await live()
                return try await body(connection, logger)
            } catch {
                let failure = HubFailure(error, address: address)
                guard failure.isTransient else { throw failure.error(what) }
                await drop()
                let waited = clock.now - start
                guard waited + delay <= retryFor else {
                    throw GalapagosError.hub(
                        address.description,
                        "\(what) failed and the hub stayed unreachable for \(Int(waited.seconds.rounded())) s"
                            + " (\(failure.message)); is the server running and reachable from this machine?")
                }
                onRetry("hub \(address): \(what): \(failure.message); retrying in"
                    + " \(String(format: "%.1f", delay.seconds)) s (attempt \(attempt + 1))")
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
                attempt += 1
            }
        }
    }

    /// A second connection to the same hub with the same retry rules, for operations that run
    /// beside this one's (a worker's checkpoints, written while it evolves).
    public nonisolated func sibling() -> HubConnection {
        HubConnection(address: address, retryFor: retryFor, onRetry: onRetry)
    }

    /// Runs `body` inside a transaction, retried as a whole (see ``perform(_:_:)``).
    public func transaction<T: Sendable>(
        _ what: String, _ body: @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws -> T {
        try await perform(what) { connection, logger in
            try await connection.query("BEGIN", logger: logger)
            do {
                let value = try await body(connection, logger)
                try await connection.query("COMMIT", logger: logger)
                return value
            } catch {
                // A failed rollback means a dead connection: the server rolls back for us.
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    deinit {
        // A connection must be closed before it is released; on paths that did not close it
        // (an error thrown past `closing`), close it without waiting.
        let future: EventLoopFuture<Void>? = connection?.close()
        _ = future
    }

    /// Closes the connection.
    public func close() async {
        await drop()
    }

    /// Runs `body`, then closes the connection, whether `body` succeeded or not.
    public nonisolated func closing<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            let value = try await body()
            await close()
            return value
        } catch {
            await close()
            throw error
        }
    }

    /// Closes the connection if operation `number` is still running (its watchdog fired).
    private func expire(_ number: Int) {
        guard running == number, let connection else { return }
        let closing: EventLoopFuture<Void> = connection.close()
        _ = closing
    }

    private func live() async throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        let configuration = try address.configuration()
        let id = nextConnectionID
        nextConnectionID += 1
        let fresh = try await PostgresConnection.connect(
            configuration: configuration, id: id, logger: logger)
        connection = fresh
        // The server ends what a vanished client left behind (its locks included), instead of
        // keeping an island's row locked until TCP notices.
        try await fresh.query("""
            SELECT set_config('statement_timeout', '30s', false),
                   set_config('lock_timeout', '10s', false),
                   set_config('idle_in_transaction_session_timeout', '60s', false)
            """, logger: logger)
        return fresh
    }

    private func drop() async {
        guard let connection else { return }
        self.connection = nil
        try? await connection.close()
    }
}
