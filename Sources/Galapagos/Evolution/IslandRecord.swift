/// An island's best fitness since it (re)started and when it got there, counted in the
/// island's own individuals: how long the island has gone without improving.
public struct IslandRecord: Sendable, Codable, Equatable {
    /// The best fitness so far; `nil` before the first child.
    public var fitness: Double?
    /// The island's individual count (``Island/individualsSinceStart``) when `fitness` was
    /// reached.
    public var at: Int

    public init(fitness: Double? = nil, at: Int = 0) {
        self.fitness = fitness
        self.at = at
    }

    /// Notes a child's fitness, produced as the island's `count`-th individual.
    public mutating func offer(_ candidate: Double, at count: Int) {
        guard fitness.map({ candidate > $0 }) ?? true else { return }
        fitness = candidate
        at = count
    }
}
