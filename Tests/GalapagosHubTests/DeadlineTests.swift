import Testing
@testable import GalapagosHub

/// An operation that never ends and ignores cancellation, like a query PostgresNIO lost track of.
private func neverEnding() async -> Int {
    await withCheckedContinuation { (_: CheckedContinuation<Int, Never>) in }
}

struct DeadlineTests {
    @Test func anOperationThatNeverEndsIsLeftBehindAtItsDeadline() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        await #expect(throws: OperationTimedOut.self) {
            try await withDeadline(.milliseconds(200)) { await neverEnding() }
        }
        // (How much later it ends depends on the machine's load: tests run side by side.)
        #expect(clock.now - start >= .milliseconds(200))
    }

    @Test func anOperationWithinItsDeadlineReturnsItsValueOrError() async throws {
        let value = try await withDeadline(.seconds(30)) { 42 }
        #expect(value == 42)
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await withDeadline(.seconds(30)) { () async throws -> Int in throw Refused() }
        }
    }

    @Test func aTimedOutOperationIsRetriedAsAnOutage() throws {
        let address = try HubAddress("postgres://user@127.0.0.1:1/db", environment: [:])
        let failure = HubFailure(OperationTimedOut(limit: .seconds(45)), address: address)
        #expect(failure.isTransient)
        #expect(failure.message.contains("45 s"))
    }
}
