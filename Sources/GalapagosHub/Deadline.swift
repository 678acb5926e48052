import Synchronization

/// An operation that did not end within its time limit.
struct OperationTimedOut: Error, CustomStringConvertible {
    var limit: Duration
    var description: String { "no answer within \(Int(limit.seconds)) s" }
}

/// Runs `operation` and returns what it returns, or throws ``OperationTimedOut`` once `limit`
/// has passed, leaving the operation behind (cancelled) instead of waiting for it.
///
/// Cancellation alone would not do: a query that PostgresNIO queued on a connection the server
/// was closing at that moment never completes, whatever happens to its task or its connection,
/// and a caller that waited for it would wait forever.
func withDeadline<T: Sendable>(
    _ limit: Duration, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let outcome = FirstOutcome<T>()
    return try await withCheckedThrowingContinuation { continuation in
        outcome.await(continuation)
        let work = Task {
            do {
                outcome.settle(.success(try await operation()))
            } catch {
                outcome.settle(.failure(error))
            }
        }
        let timer = Task {
            try? await Task.sleep(for: limit)
            guard !Task.isCancelled else { return }
            outcome.settle(.failure(OperationTimedOut(limit: limit)))
            work.cancel()
        }
        outcome.onSettle { timer.cancel() }
    }
}

/// The continuation of ``withDeadline(_:_:)``, resumed by whichever of the operation and the
/// timer ends first.
private final class FirstOutcome<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var isSettled = false
        var cleanUp: (@Sendable () -> Void)?
    }
    private let state = Mutex(State())

    func await(_ continuation: CheckedContinuation<T, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    /// Runs `cleanUp` once settled (now, if it already is).
    func onSettle(_ cleanUp: @escaping @Sendable () -> Void) {
        let settled = state.withLock { state -> Bool in
            if state.isSettled { return true }
            state.cleanUp = cleanUp
            return false
        }
        if settled { cleanUp() }
    }

    /// Resumes the continuation with `result` if nothing did before.
    func settle(_ result: Result<T, any Error>) {
        let (continuation, cleanUp) = state.withLock { state -> (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?) in
            guard !state.isSettled else { return (nil, nil) }
            state.isSettled = true
            defer { state.continuation = nil; state.cleanUp = nil }
            return (state.continuation, state.cleanUp)
        }
        continuation?.resume(with: result)
        cleanUp?()
    }
}
