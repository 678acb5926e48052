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
        var record: Member?
    }

    private(set) var nodes: [Int: Node] = [:]
    private var unpersisted: [Int] = []

    public init() {}

    /// The number of members in the tree.
    public var count: Int { nodes.count }

    /// Whether the tree holds `id`.
    public func contains(_ id: Int) -> Bool { nodes[id] != nil }

    /// Adds a newborn (holding one reference for being alive) and references its parent.
    public mutating func born(_ member: Member) {
        nodes[member.id] = Node(parent: member.parentID ?? -1, references: 1, record: member)
        unpersisted.append(member.id)
        if let parent = member.parentID { retain(parent) }
    }

    /// Adds a reference (e.g. a hall-of-fame entry).
    public mutating func retain(_ id: Int) {
        nodes[id]?.references += 1
    }

    /// Drops a reference; nodes left with none leave the tree, releasing their parents.
    public mutating func release(_ id: Int) {
        var current = id
        while let node = nodes[current] {
            if node.references > 1 {
                nodes[current]!.references -= 1
                return
            }
            nodes[current] = nil
            current = node.parent
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
            guard let record = nodes[id]?.record else { continue }
            if alive.contains(id) {
                held.append(id)
            } else {
                records.append(record)
                nodes[id]!.record = nil
            }
        }
        unpersisted = held
        return records
    }

    /// Gives restored nodes their records back (for members that are alive, whose programs
    /// the population holds), so that they are written if they die as ancestors.
    public mutating func restoreRecords(_ members: [Member]) {
        for member in members where nodes[member.id] != nil && nodes[member.id]!.record == nil {
            nodes[member.id]!.record = member
            unpersisted.append(member.id)
        }
    }

    /// The tree as (id, parent, references) triples, for checkpoints.
    public var links: [(id: Int, parent: Int, references: Int32)] {
        nodes.keys.sorted().map { ($0, nodes[$0]!.parent, nodes[$0]!.references) }
    }

    /// Restores a tree whose records are all persisted.
    public init(links: [(id: Int, parent: Int, references: Int32)]) {
        for link in links {
            nodes[link.id] = Node(parent: link.parent, references: link.references, record: nil)
        }
    }
}
