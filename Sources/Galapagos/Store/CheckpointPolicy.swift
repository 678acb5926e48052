/// When checkpoints are written.
public enum CheckpointPolicy: Sendable, Equatable {
    /// At most this many seconds apart; sooner early in a session (every tenth of the time so
    /// far, at least a second apart), so that short runs have statistics worth plotting.
    case seconds(Double)
    /// Every this many individuals.
    case individuals(Int)
}
