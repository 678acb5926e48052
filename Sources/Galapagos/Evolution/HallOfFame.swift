/// The best distinct programs a run has seen, by search fitness, and the best at each size
/// (a Pareto front of fitness against instruction count).
public struct HallOfFame: Sendable {
    /// How many members the best-N list keeps.
    public let capacity: Int
    /// Best first; functionally distinct (one member per FEC fingerprint).
    public private(set) var members: [Member] = []
    /// The best member of each program size (instruction count), keyed by size.
    public private(set) var bestBySize: [Int: Member] = [:]

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Offers a member; it enters the best-N list if it beats the weakest entry and no
    /// equivalent entry is better, and the Pareto list if it is the best of its size.
    /// Returns whether either list changed.
    @discardableResult
    public mutating func offer(_ member: Member) -> Bool {
        offer(member, size: member.program.instructionCount)
    }

    /// ``offer(_:)`` for a member whose program has `size` instructions (counted where the
    /// program was made, so that offering it does not read the program).
    @discardableResult
    public mutating func offer(_ member: Member, size: Int) -> Bool {
        var displaced: [Int] = []
        return offer(member, size: size, displacing: &displaced)
    }

    /// What an offer changed in the ids the two lists hold between them.
    public struct Turnover: Sendable, Equatable {
        /// Ids held now and not before: the offered member's, if it entered.
        public var entered: [Int]
        /// Ids that neither list holds any more, ascending.
        public var left: [Int]
    }

    /// ``offer(_:size:)``, telling which ids the lists now hold that they did not, and which
    /// they let go of (for a family tree that keeps what they hold); `nil` when neither list
    /// changed. Costs a scan of the lists only when one changed.
    public mutating func admit(_ member: Member, size: Int) -> Turnover? {
        let heldBefore = holds(member.id)
        var displaced: [Int] = []
        guard offer(member, size: size, displacing: &displaced) else { return nil }
        let entered = !heldBefore && holds(member.id) ? [member.id] : []
        var left: [Int] = []
        for id in displaced where id != member.id && !left.contains(id) && !holds(id) { left.append(id) }
        return Turnover(entered: entered, left: left.sorted())
    }

    /// Whether either list holds `id`.
    private func holds(_ id: Int) -> Bool {
        members.contains { $0.id == id } || bestBySize.values.contains { $0.id == id }
    }

    private mutating func offer(_ member: Member, size: Int, displacing displaced: inout [Int]) -> Bool {
        var changed = false
        if bestBySize[size].map({ member.fitness > $0.fitness }) ?? true {
            if let previous = bestBySize.updateValue(member, forKey: size) { displaced.append(previous.id) }
            changed = true
        }
        return offerToBest(member, displacing: &displaced) || changed
    }

    /// Whether ``offer(_:)`` may change a list: `false` only when it certainly would not (the
    /// common case: not the best of its size, and no better than the weakest of a full list),
    /// so callers can skip bookkeeping around the offer.
    public func mayAccept(_ member: Member) -> Bool {
        mayAccept(member, size: member.program.instructionCount)
    }

    /// ``mayAccept(_:)`` for a member whose program has `size` instructions.
    public func mayAccept(_ member: Member, size: Int) -> Bool {
        if bestBySize[size].map({ member.fitness > $0.fitness }) ?? true { return true }
        if members.count >= capacity, let last = members.last, !(member.fitness > last.fitness) { return false }
        return true
    }

    /// The ids of every member either list holds.
    public var keptIDs: Set<Int> {
        Set(members.map(\.id)).union(bestBySize.values.map(\.id))
    }

    private mutating func offerToBest(_ member: Member, displacing displaced: inout [Int]) -> Bool {
        // Most offers lose to the weakest of a full list; then they cannot beat their twin
        // either (it is at least as fit as the weakest), so the search for it is skipped.
        if members.count >= capacity, let last = members.last, !last.fitness.isNaN,
           !(member.fitness > last.fitness) {
            return false
        }
        if let twin = members.firstIndex(where: { $0.fingerprint == member.fingerprint }) {
            guard member.fitness > members[twin].fitness else { return false }
            displaced.append(members.remove(at: twin).id)
        } else if members.count >= capacity {
            guard let last = members.last, member.fitness > last.fitness else { return false }
            displaced.append(members.removeLast().id)
        }
        let position = members.firstIndex(where: { $0.fitness < member.fitness }) ?? members.count
        members.insert(member, at: position)
        return true
    }

    /// The Pareto front: sizes ascending, each strictly fitter than every smaller size.
    public var paretoFront: [Member] {
        var front: [Member] = []
        for (_, member) in bestBySize.sorted(by: { $0.key < $1.key }) {
            if front.last.map({ member.fitness > $0.fitness }) ?? true { front.append(member) }
        }
        return front
    }

    /// Restores a hall of fame from stored lists.
    public init(capacity: Int, members: [Member], bestBySize: [Member]) {
        self.capacity = max(1, capacity)
        self.members = members
        for member in bestBySize { self.bestBySize[member.program.instructionCount] = member }
    }
}
