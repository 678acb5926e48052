/// Migration driven from outside the engine: for runs whose islands live in different engines
/// (on different machines), the caller moves members between engines itself.
extension Engine {
    /// Copies of the members an island sends away, chosen as the search space's migration
    /// settings say (the fittest, or at random with the engine's generator). The island keeps
    /// them. Empty while the island is still filling.
    public func emigrants(from island: Int) -> [Member] {
        let evolution = space.evolution
        guard islands.indices.contains(island), !islands[island].isInitializing,
              evolution.migrants > 0
        else { return [] }
        let members = islands[island].members
        switch evolution.migrantSelection {
        case .best:
            return islands[island].ranking().prefix(evolution.migrants).map { members[$0] }
        case .random:
            discardEarlyProposals()
            var pool = Array(members.indices)
            return (0..<min(evolution.migrants, pool.count)).map { _ in
                members[pool.remove(at: random.nextInt(below: pool.count))]
            }
        }
    }

    /// Adds members that arrive from elsewhere to an island, where each replaces the oldest
    /// member. Arrivals get fresh ids and `migration` as their origin; their fitness is kept
    /// (every island scores on the same tasks). An island still filling turns them away, as
    /// in-engine migration does.
    ///
    /// - Parameters:
    ///   - arrivals: the members, with their programs and fitness.
    ///   - island: the receiving island.
    ///   - origin: the sending island's index, for the migration record.
    /// - Returns: how many members were taken in.
    @discardableResult
    public func immigrate(_ arrivals: [Member], to island: Int, from origin: Int) -> Int {
        let admitted = admit(arrivals, to: island, from: origin, keepingParents: false)
        if admitted > 0 { migrations += 1 }
        return admitted
    }
}

extension Engine {
    /// Swaps the engine's FEC cache with `cache`, so that engines scoring on the same tasks (the
    /// islands one worker holds) share one cache: swap it in before a step, out after. Moving
    /// the cache instead of copying it keeps it uniquely referenced, so no step copies it.
    public func swapFECCache(_ cache: inout FECDoubleBuffer?) {
        startsBatchesEarly = false
        swap(&fecBuffers, &cache)
    }
}
