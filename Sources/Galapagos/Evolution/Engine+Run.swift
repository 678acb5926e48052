/// Why a run stopped.
public enum StopReason: String, Sendable {
    /// The select fitness reached the target.
    case target
    /// The individual budget was spent.
    case maxIndividuals = "max-evals"
    /// The wall-clock budget was spent.
    case maxTime = "max-time"
    /// The user interrupted the run (Ctrl-C, SIGTERM).
    case interrupted
}

extension Engine {
    /// Steps until the run finishes, the deadline passes or `shouldStop` returns true; checks
    /// happen between batches.
    ///
    /// - Parameters:
    ///   - deadline: when to stop, or `nil` for no time limit.
    ///   - shouldStop: polled between batches (e.g. a signal flag).
    ///   - onStep: called after every batch, e.g. to draw progress or write checkpoints.
    public func run(
        until deadline: ContinuousClock.Instant? = nil,
        shouldStop: () -> Bool = { false },
        onStep: (Engine) -> Void = { _ in }
    ) -> StopReason {
        let clock = ContinuousClock()
        while true {
            if reachedTarget { return .target }
            if let maximum = settings.maxIndividuals, individuals >= maximum {
                return .maxIndividuals
            }
            if shouldStop() { return .interrupted }
            if let deadline, clock.now >= deadline { return .maxTime }
            step()
            onStep(self)
        }
    }
}
