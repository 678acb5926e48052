import Dispatch

/// Runs async library code (the hub's PostgreSQL client) from the synchronous commands.
enum AsyncBridge {
    // @unchecked: written once by the task before the semaphore is signalled, read after.
    private final class Box<T>: @unchecked Sendable {
        var result: Result<T, any Error>?
    }

    /// Blocks the calling thread until `body` finishes; returns its value or rethrows.
    static func wait<T>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do {
                box.result = .success(try await body())
            } catch {
                box.result = .failure(error)
            }
            done.signal()
        }
        done.wait()
        guard let result = box.result else { fatalError("invariant: the task sets the result before signalling") }
        return try result.get()
    }
}
