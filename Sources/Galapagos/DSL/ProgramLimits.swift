/// What a program must respect to be accepted: memory shape, component sizes and allowed ops.
///
/// The parser checks a program against its limits as it reads, so that every violation is
/// reported with the line and column of the offending instruction.
public struct ProgramLimits: Sendable {
    /// Registers and feature size; `nil` accepts any register index up to the hard cap.
    public var shape: MemoryShape?
    /// The largest number of instructions per component, indexed by ``Component/rawValue``.
    public var maximumSizes: [Int]
    /// The ops allowed in each component; `nil` allows every op.
    public var allowedOps: [Set<Op>]?

    /// The hard cap on instructions per component, whatever the search space says.
    public static let hardMaximumSize = 10_000

    public init(shape: MemoryShape?, maximumSizes: [Int]? = nil, allowedOps: [Set<Op>]? = nil) {
        self.shape = shape
        self.maximumSizes = maximumSizes ?? Array(repeating: Self.hardMaximumSize, count: 3)
        self.allowedOps = allowedOps
    }

    /// No limits beyond the hard caps.
    public static let none = ProgramLimits(shape: nil)
}
