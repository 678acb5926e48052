/// When checkpoints are written.
public enum CheckpointPolicy: Sendable, Equatable {
    /// At most this many seconds apart.
    case seconds(Double)
    /// Every this many individuals.
    case individuals(Int)
}
