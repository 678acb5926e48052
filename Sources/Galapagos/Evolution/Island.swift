/// One population under regularized evolution: a queue ordered by age where each newcomer
/// pushes out the oldest member once the population is full.
public struct Island: Sendable {
    /// The population capacity.
    public let capacity: Int
    /// Members in storage order; `members[oldest]` is the oldest once the island is full.
    public private(set) var members: [Member] = []
    /// Storage index of the oldest member.
    public private(set) var oldest = 0
    /// Individuals produced for this island since it last (re)started.
    public var individualsSinceStart = 0
    /// Whether this island was restarted and still fills from random programs.
    public var isInitializing: Bool { members.count < capacity }
    /// Storage index of the fittest member (``bestIndex``), kept up to date as members arrive,
    /// or unknown since it died (on a plateau the fittest is the oldest of many equals, the
    /// next to die, so finding its successor waits until someone asks; see ``settleBest()``).
    private var fittest = Fittest.known(nil)
    private enum Fittest {
        case known(Int?)
        case unknown
    }
    /// The members' fitness in storage order (`fitnessBySlot[i] == members[i].fitness`), side
    /// by side for scans and tournaments that would otherwise read whole members.
    public private(set) var fitnessBySlot: [Double] = []
    /// The members' birth in storage order, for the same scans.
    private var birthBySlot: [Int] = []
    /// Whether the engine's own thread made each member (not a helper thread), in storage
    /// order: a dead member's memory is best freed by the thread that allocated it.
    private var madeByCallerBySlot: [Bool] = []

    public init(capacity: Int) {
        self.capacity = capacity
    }

    /// Restores an island from stored members (in storage order) and the oldest index.
    public init(capacity: Int, members: [Member], oldest: Int, individualsSinceStart: Int) {
        self.capacity = capacity
        self.members = members
        self.oldest = members.isEmpty ? 0 : min(max(0, oldest), members.count - 1)
        self.individualsSinceStart = individualsSinceStart
        fitnessBySlot = members.map(\.fitness)
        birthBySlot = members.map(\.birth)
        madeByCallerBySlot = members.map { _ in false }
        fittest = .unknown
    }

    /// Adds a member, removing the oldest when full. Returns the member that died, if any.
    ///
    /// The member moves in and the dead one moves out: neither program's reference count is
    /// touched (the engine adds children made on other cores).
    @discardableResult
    public mutating func add(_ member: consuming Member) -> Member? {
        add(member, madeByCaller: false)?.member
    }

    /// ``add(_:)`` for a member made by the engine's own thread or not; the member that died
    /// comes with the same fact about itself.
    mutating func add(_ member: consuming Member, madeByCaller: Bool) -> (member: Member, madeByCaller: Bool)? {
        let fitness = member.fitness, birth = member.birth
        if members.count < capacity {
            members.append(member)
            fitnessBySlot.append(fitness)
            birthBySlot.append(birth)
            madeByCallerBySlot.append(madeByCaller)
            noteArrival(at: members.count - 1)
            return nil
        }
        let slot = oldest
        var dead = member
        swap(&members[slot], &dead)
        fitnessBySlot[slot] = fitness
        birthBySlot[slot] = birth
        let deadMadeByCaller = madeByCallerBySlot[slot]
        madeByCallerBySlot[slot] = madeByCaller
        oldest = (oldest + 1) % capacity
        if case let .known(index?) = fittest, index == slot {
            fittest = .unknown
        } else {
            noteArrival(at: slot)
        }
        return (dead, deadMadeByCaller)
    }

    /// Updates a known ``fittest`` for a member just stored at `slot` (not the fittest one's
    /// slot), with the same result as a scan: the fittest, then the oldest, then the first in
    /// storage.
    private mutating func noteArrival(at slot: Int) {
        guard case let .known(known) = fittest else { return }
        guard let current = known else {
            fittest = .known(slot)  // the first member
            return
        }
        guard !fitnessBySlot[slot].isNaN else {
            // A NaN compares false with everything, which the scan handles its own way (a NaN
            // first member stays the fittest, as comparisons with it are false too).
            fittest = .unknown
            return
        }
        let fitness = fitnessBySlot[slot], best = fitnessBySlot[current]
        let birth = birthBySlot[slot], bestBirth = birthBySlot[current]
        if fitness > best || (fitness == best && (birth < bestBirth || (birth == bestBirth && slot < current))) {
            fittest = .known(slot)
        }
    }

    /// Empties the island so that it refills from random programs.
    public mutating func restart() {
        members.removeAll(keepingCapacity: true)
        oldest = 0
        individualsSinceStart = 0
        fitnessBySlot.removeAll(keepingCapacity: true)
        birthBySlot.removeAll(keepingCapacity: true)
        madeByCallerBySlot.removeAll(keepingCapacity: true)
        fittest = .known(nil)
    }

    /// The members from oldest to youngest.
    public var membersByAge: [Member] {
        guard members.count == capacity else { return members }
        return Array(members[oldest...] + members[..<oldest])
    }

    /// The fittest member (the oldest among equals), or `nil` when empty.
    public var best: Member? {
        bestIndex.map { members[$0] }
    }

    /// Storage index of the fittest member (the oldest among equals), without copying members.
    public var bestIndex: Int? {
        switch fittest {
        case let .known(index): index
        case .unknown: scanForFittest()
        }
    }

    /// Finds the fittest member now if it died since it was last known, so that the reads of
    /// ``best`` and ``bestIndex`` that follow do not each scan the island.
    public mutating func settleBest() {
        if case .unknown = fittest { fittest = .known(scanForFittest()) }
    }

    /// The fittest member's storage index by a scan: the first member no other is fitter than
    /// or as fit and older than.
    private func scanForFittest() -> Int? {
        fitnessBySlot.withUnsafeBufferPointer { fitness in
            birthBySlot.withUnsafeBufferPointer { birth in
                guard !fitness.isEmpty else { return nil }
                var best = 0
                for index in 1..<fitness.count
                where fitness[index] > fitness[best] || (fitness[index] == fitness[best] && birth[index] < birth[best]) {
                    best = index
                }
                return best
            }
        }
    }

    /// Storage indices sorted from fittest to least fit (ties: older first).
    public func ranking() -> [Int] {
        let byAge = members.count == capacity
            ? Array(oldest..<members.count) + Array(0..<oldest) : Array(members.indices)
        var age = [Int](repeating: 0, count: members.count)
        for (rank, index) in byAge.enumerated() { age[index] = rank }
        return members.indices.sorted {
            let a = members[$0].fitness, b = members[$1].fitness
            return a != b ? a > b : age[$0] < age[$1]
        }
    }

    /// The fitness below which a fraction `quantile` of the members lie (0: the worst member's,
    /// 1: the best's); −∞ for an empty island.
    public func fitnessQuantile(_ quantile: Double) -> Double {
        guard !members.isEmpty else { return -Double.infinity }
        let sorted = members.map(\.fitness).sorted()
        let position = Int((quantile * Double(sorted.count - 1)).rounded(.down))
        return sorted[min(max(position, 0), sorted.count - 1)]
    }
}
