/// Where a run stands, as run files and hub runs record it.
public enum RunStatus: String, Sendable, Codable, CaseIterable {
    /// A process is evolving it (or was, until it was killed: the file is resumable).
    case running
    /// It stopped on a budget, an interruption or a write error; `resume` continues it.
    case stopped
    /// It reached its target (or, for hub runs, spent its budget); nothing is left to do.
    case finished
}
