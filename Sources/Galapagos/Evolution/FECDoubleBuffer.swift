/// The FEC cache in two copies, so that workers can read one while the engine writes the other.
///
/// The engine scores batch k + 1 while it applies batch k. The workers need a cache nobody
/// writes; applying needs the cache with every child before it, exactly as if nothing ran
/// alongside. Copying a large cache each batch would cost more than it saves, so there are two:
/// ``freeze()`` hands the up-to-date copy to the readers and continues on the other one, which
/// first replays the look-ups and inserts it missed. Replaying the same operations in the same
/// order gives the same recency order and evictions, so ``live`` behaves exactly like a single
/// cache that saw every operation.
public struct FECDoubleBuffer: Sendable {
    enum Operation: Sendable {
        case touch(UInt64)
        case insert(UInt64, Double)
    }

    /// The cache with every applied child: what ``lookup(_:)`` and ``insert(_:_:)`` use and
    /// what checkpoints save.
    public private(set) var live: FECCache
    /// The other copy: the readers' since the last ``freeze()``.
    private var spare: FECCache
    /// Operations applied to `live` since the last freeze: what `spare` lacks.
    private var sinceFreeze: [Operation] = []
    /// Operations `live` must replay before its next use: what it lacked when it was swapped in.
    private var behind: [Operation] = []

    /// Two copies of `cache`.
    public init(_ cache: FECCache) {
        live = cache
        spare = cache
    }

    /// The up-to-date cache for readers; the engine must not keep a reference to it once they
    /// are done, or the next freeze copies it. Later look-ups and inserts go to the other copy.
    mutating func freeze() -> FECCache {
        catchUp()
        swap(&live, &spare)
        swap(&behind, &sinceFreeze)
        sinceFreeze.removeAll(keepingCapacity: true)
        return spare
    }

    /// The cached fitness, marking the entry as most recently used.
    mutating func lookup(_ key: UInt64) -> Double? {
        catchUp()
        guard let value = live.lookup(key) else { return nil }
        sinceFreeze.append(.touch(key))
        return value
    }

    /// Inserts or refreshes an entry as most recently used.
    mutating func insert(_ key: UInt64, _ value: Double) {
        catchUp()
        sinceFreeze.append(.insert(key, value))
        live.insert(key, value)
    }

    private mutating func catchUp() {
        guard !behind.isEmpty else { return }
        for operation in behind {
            switch operation {
            case let .touch(key): _ = live.lookup(key)
            case let .insert(key, value): live.insert(key, value)
            }
        }
        behind.removeAll(keepingCapacity: true)
    }
}
