import Foundation
import Galapagos
import Logging
import PostgresNIO
import Synchronization

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
    /// The number of the latest operation (for the log).
    private var operation = 0
    let logger: Logger
    /// The longest one operation (one transaction, with connecting) may take before it is left
    /// behind and its connection dropped.
    static let operationTimeout = Duration.seconds(45)

    public init(
        address: HubAddress, retryFor: Duration = .seconds(60),
        onRetry: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.address = address
        self.retryFor = retryFor
        self.onRetry = onRetry
        logger = Self.makeLogger(instance: Self.instances.add(1, ordering: .relaxed).newValue)
    }

    /// Numbers the connections of a process in the log.
    private static let instances = Atomic<Int>(0)

    /// Silent, unless `GALAPAGOS_HUB_LOG` names a level (`debug`: each operation, connection
    /// and retry; `trace`: also PostgresNIO's own messages), for diagnosing a hub's trouble.
    private static func makeLogger(instance: Int) -> Logger {
        guard let name = ProcessInfo.processInfo.environment["GALAPAGOS_HUB_LOG"],
              let level = Logger.Level(rawValue: name.lowercased())
        else { return Logger(label: "galapagos.hub", factory: { _ in SwiftLogNoOpLogHandler() }) }
        var logger = Logger(label: "galapagos.hub", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = level
        logger[metadataKey: "hub-connection"] = "\(instance)"
        return logger
    }

    /// Runs `body` on a live connection. When the connection fails, `body` runs again from the
    /// start on a new one: it must be safe to repeat (one transaction, or idempotent steps).
    ///
    /// - Parameter what: what the operation does, for messages ("claiming islands").
    @discardableResult
    public func perform<T: Sendable>(
        _ what: String, _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws -> T {
        let clock = ContinuousClock()
        let start = clock.now
        var delay = Duration.milliseconds(250)
        var attempt = 1
        while true {
            do {
                // A query on a half-open connection, or one PostgresNIO queued on a connection
                // that was closing, would wait forever: past the deadline it is left behind and
                // the operation is retried on a new connection.
                operation += 1
                let current = operation
                logger.debug("\(what): operation \(current), attempt \(attempt)")
                let logger = logger
                let value = try await withDeadline(Self.operationTimeout) {
                    try await body(try await self.live(), logger)
                }
                logger.debug("\(what): operation \(current) done")
                return value
            } catch {
                logger.debug("\(what): failed: \(String(reflecting: error))")
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
        _ what: String, _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
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

    private func live() async throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        let configuration = try address.configuration()
        let id = nextConnectionID
        nextConnectionID += 1
        logger.debug("connecting (connection \(id))")
        let fresh = try await PostgresConnection.connect(
            configuration: configuration, id: id, logger: logger)
        logger.debug("connected (connection \(id))")
        guard !Task.isCancelled else {
            // Its operation was left behind (past its deadline) and retried on another.
            _ = fresh.close() as EventLoopFuture<Void>
            throw CancellationError()
        }
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
        logger.debug("closing connection \(connection.id)")
        // Closing a connection the server already dropped may not end either.
        _ = try? await withDeadline(.seconds(5)) { try await connection.close() }
        logger.debug("closed connection \(connection.id)")
    }
}
