/// The family tree of everything a run still holds: living members, hall-of-fame entries, the
/// selected best, and all their ancestors, so that any of them can show its lineage.
///
/// Each node counts its references (alive or kept, plus one per child in the tree); a node
/// whose count drops to zero leaves the tree and releases its parent. Full records are kept
/// only until a store persists them (``takeUnpersisted()``); after that a node costs a few
/// words, so long runs stay small in memory.
public struct Ancestry: Sendable {
    struct Node: Sendable {
        var parent: Int
        var references: Int32
        var birth: Int
        var record: Member?
    }

    /// Nodes by member id (a table hashed for integer ids: the engine looks nodes up several
    /// times per child).
    private(set) var nodes = IntegerTable<Node>()
    private var unpersisted: [Int] = []
    /// Whether newborns are listed for ``takeUnpersisted(holdingBack:)``. A store that writes
    /// lineages on request instead (``lineage(of:until:)``) turns it off, so that the list does
    /// not grow with every child between two requests.
    public var listsUnpersisted = true
    /// Persisted nodes that left the tree since the last ``takeForgotten()``: their records
    /// can be deleted from the store.
    private var forgotten: [Int] = []

    public init() {}

    /// The number of members in the tree.
    public var count: Int { nodes.count }

    /// Whether the tree holds `id`.
    public func contains(_ id: Int) -> Bool { nodes.contains(id) }

    /// Adds a newborn (holding one reference for being alive) and references its parent.
    public mutating func born(_ member: Member) {
        nodes[member.id] = Node(
            parent: member.parentID ?? -1, references: 1, birth: member.birth, record: member)
        if listsUnpersisted { unpersisted.append(member.id) }
        if let parent = member.parentID { retain(parent) }
    }

    /// Adds a reference (e.g. a hall-of-fame entry).
    public mutating func retain(_ id: Int) {
        if let slot = nodes.slot(of: id) { nodes[slot: slot].references += 1 }
    }

    /// Drops a reference; nodes left with none leave the tree, releasing their parents.
    public mutating func release(_ id: Int) {
        var current = id
        // By slot: one look-up per step, and no copy of the node's record.
        while let slot = nodes.slot(of: current) {
            if nodes[slot: slot].references > 1 {
                nodes[slot: slot].references -= 1
                return
            }
            let parent = nodes[slot: slot].parent
            if nodes[slot: slot].record == nil { forgotten.append(current) }
            nodes.remove(atSlot: slot)
            current = parent
        }
    }

    /// The records not yet persisted (still in the tree), oldest first; their programs leave
    /// memory. Members in `alive` are held back: a store writes them as population rows
    /// anyway, so their lineage records are written only once they die while still being
    /// someone's ancestor (most die without descendants and are never written at all).
    public mutating func takeUnpersisted(holdingBack alive: Set<Int> = []) -> [Member] {
        var records: [Member] = []
        var held: [Int] = []
        for id in unpersisted {
            guard let slot = nodes.slot(of: id), let record = nodes[slot: slot].record else { continue }
            if alive.contains(id) {
                held.append(id)
            } else {
                records.append(record)
                nodes[slot: slot].record = nil
            }
        }
        unpersisted = held
        return records
    }

    /// One recorded step of a lineage: a member, the id of its nearest recorded ancestor, and
    /// how many neutral steps (children as fit as their parents) lie between them.
    public struct Step: Sendable {
        public var member: Member
        /// The nearest recorded ancestor: the member's parent, or the first ancestor below the
        /// neutral steps folded away; `nil` when it has none.
        public var parentID: Int?
        /// Ancestors skipped between the member's parent and `parentID`, the parent included
        /// (0: `parentID` is the parent).
        public var neutralSteps: Int
    }

    /// The lineage of `id`, child first, up to (not including) the first ancestor that
    /// `isWritten` accepts or that left the tree (an ancestor before the lineage window, or one
    /// a restored tree never knew).
    ///
    /// With `foldingNeutralSteps`, an ancestor as fit as its own parent is left out and its child
    /// points past it: in regularized evolution most steps of a lineage are such neutral
    /// copies (96 % on linear_demo), and what a reader follows is where fitness changed. The
    /// member `id` itself is always a step, and so is an ancestor whose parent the tree does
    /// not hold (its fitness change is unknown). Folding is the same whichever descendant asks,
    /// so a later lineage meets the steps an earlier one recorded.
    public func lineage(
        of id: Int, foldingNeutralSteps: Bool = false, until isWritten: (Int) -> Bool
    ) -> [Step] {
        var steps: [Step] = []
        var pending: Step?
        var current = id
        var visited = 0
        while !isWritten(current), let node = nodes[current], let record = node.record {
            // A cycle cannot arise from births, but a damaged restored tree must not hang here.
            visited += 1
            guard visited <= nodes.count else { break }
            let parentFitness = nodes[node.parent]?.record?.fitness
            let neutral = foldingNeutralSteps && current != id && parentFitness == record.fitness
            if neutral {
                pending?.neutralSteps += 1
            } else {
                if var step = pending {
                    step.parentID = current
                    steps.append(step)
                }
                pending = Step(member: record, parentID: nil, neutralSteps: 0)
            }
            current = node.parent
        }
        if var step = pending {
            step.parentID = current >= 0 ? current : nil
            steps.append(step)
        }
        return steps
    }

    /// Ids of persisted records that no longer belong to the tree.
    public mutating func takeForgotten() -> [Int] {
        defer { forgotten.removeAll(keepingCapacity: true) }
        return forgotten
    }

    /// Gives restored nodes their records back (for members that are alive, whose programs
    /// the population holds), so that they are written if they die as ancestors.
    public mutating func restoreRecords(_ members: [Member]) {
        for member in members {
            guard let slot = nodes.slot(of: member.id), nodes[slot: slot].record == nil else { continue }
            nodes[slot: slot].record = member
            unpersisted.append(member.id)
        }
    }

    /// Forgets every ancestor born before `cutoff` (living members and kept entries stay, as
    /// nodes, whatever their age). Lineages then end at the window's edge, which bounds memory
    /// and the run file for runs of any length.
    ///
    /// - Returns: the number of nodes removed.
    @discardableResult
    public mutating func prune(bornBefore cutoff: Int, keeping alive: Set<Int>) -> Int {
        let old = nodes.filter { $0.value.birth < cutoff && !alive.contains($0.key) }.map(\.key)
        for id in old {
            if let slot = nodes.slot(of: id) { nodes.remove(atSlot: slot) }
        }
        return old.count
    }

    /// The tree as (id, parent, references, birth) links, for checkpoints.
    public var links: [Link] {
        nodes.sorted { $0.key < $1.key }.map { id, node in
            Link(id: id, parent: node.parent, references: node.references, birth: node.birth)
        }
    }

    /// One node of the tree without its record.
    public struct Link: Sendable, Equatable {
        public var id: Int
        public var parent: Int
        public var references: Int32
        public var birth: Int

        public init(id: Int, parent: Int, references: Int32, birth: Int) {
            self.id = id
            self.parent = parent
            self.references = references
            self.birth = birth
        }
    }

    /// A tree for members restored without one (a hub checkpoint keeps no family tree): each
    /// member is a root holding its record and `references[id]` references (one per place it
    /// is held: alive, kept, pinned as a pending child's parent). Their ancestors are unknown,
    /// so lineages walked in this tree end at them.
    public init(roots: [Member], references: [Int: Int32]) {
        for member in roots where !nodes.contains(member.id) {
            nodes[member.id] = Node(
                parent: -1, references: max(1, references[member.id] ?? 1), birth: member.birth,
                record: member)
        }
    }

    /// Restores a tree whose records are all persisted.
    public init(links: [Link]) {
        for link in links {
            nodes[link.id] = Node(
                parent: link.parent, references: link.references, birth: link.birth, record: nil)
        }
    }
}
