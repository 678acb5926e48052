/// The FEC cache in two copies, so that workers can read one while the engine writes the other.
///
/// The engine scores batch k + 1 while it applies batch k. The workers need a cache nobody
/// writes; applying needs the cache with every child before it, exactly as if nothing ran
/// alongside. Copying a large cache each batch would cost more than it saves, so there are two:
/// ``freeze()`` hands the up-to-date copy to the readers and continues on the other one, which
/// first replays the look-ups and inserts it missed. Replaying the same operations in the same
/// order gives the same recency order and evictions, so ``live`` behaves exactly like a single
/// cache that saw every operation.
///
/// A single worker needs no second copy (it scores the next batch before this one is applied),
/// so the copy and the log of operations start with the first freeze.
public struct FECDoubleBuffer: Sendable {
    enum Operation: Sendable {
        case touch(UInt64)
        case insert(UInt64, Double)
    }

    /// The cache with every applied child: what ``lookup(_:)`` and ``insert(_:_:)`` use and
    /// what checkpoints save. (Right after a freeze it is built by replaying what the copy in
    /// use lacks: a copy of the cache, so the engine reads it only to save it.)
    public var live: FECCache {
        guard !behind.isEmpty else { return current }
        var caughtUp = current
        Self.replay(behind, on: &caughtUp)
        return caughtUp
    }

    /// The copy the engine writes; it lacks `behind`.
    private var current: FECCache
    /// The other copy: the readers' since the last ``freeze()``; empty before the first.
    private var spare: FECCache
    /// Whether a freeze has happened: from then on operations are logged for the other copy.
    private var isDoubled = false
    /// Operations applied since the last freeze: what `spare` lacks.
    private var sinceFreeze: [Operation] = []
    /// Operations `current` must replay before its next use: what it lacked when it was
    /// swapped in.
    private var behind: [Operation] = []

    /// The buffer of `cache`.
    public init(_ cache: FECCache) {
        current = cache
        spare = FECCache(capacity: cache.capacity)
    }

    /// The cache as it is, for readers that are done before the next look-up or insert (which
    /// would otherwise copy it).
    var unfrozen: FECCache {
        mutating get {
            catchUp()
            return current
        }
    }

    /// The up-to-date cache for readers; the engine must not keep a reference to it once they
    /// are done, or the next freeze copies it. Later look-ups and inserts go to the other copy.
    mutating func freeze() -> FECCache {
        catchUp()
        if !isDoubled {
            // The second copy starts as this one; the first write after the swap copies it.
            isDoubled = true
            spare = current
            sinceFreeze.removeAll()
        }
        swap(&current, &spare)
        swap(&behind, &sinceFreeze)
        sinceFreeze.removeAll(keepingCapacity: true)
        return spare
    }

    /// The `limit` most recently used entries, least recently used first.
    public mutating func mostRecentEntries(_ limit: Int) -> [(key: UInt64, value: Double)] {
        unfrozen.mostRecentEntries(limit)
    }

    /// Adds entries learned elsewhere (another process's cache, on the same tasks), in order;
    /// keys already cached keep their values.
    ///
    /// - Returns: the number of entries added.
    @discardableResult
    public mutating func merge(_ entries: [(key: UInt64, value: Double)]) -> Int {
        var added = 0
        for entry in entries where !entry.value.isNaN {
            guard unfrozen.peek(entry.key) == nil else { continue }
            insert(entry.key, entry.value)
            added += 1
        }
        return added
    }

    /// The cached fitness, marking the entry as most recently used.
    mutating func lookup(_ key: UInt64) -> Double? {
        catchUp()
        guard let value = current.lookup(key) else { return nil }
        if isDoubled { sinceFreeze.append(.touch(key)) }
        return value
    }

    /// What ``lookupOrInsert(_:_:)`` did.
    enum LookupOrInsert {
        /// The key was cached with this fitness (now the most recently used entry).
        case cached(Double)
        /// The key was not cached and now is, with the given fitness.
        case inserted
    }

    /// The cached fitness of `key`, marking it most recently used; or, when it is not cached,
    /// inserts it with `value`.
    mutating func lookupOrInsert(_ key: UInt64, _ value: Double) -> LookupOrInsert {
        if let cached = lookup(key) { return .cached(cached) }
        insert(key, value)
        return .inserted
    }

    /// Inserts or refreshes an entry as most recently used.
    mutating func insert(_ key: UInt64, _ value: Double) {
        catchUp()
        if isDoubled { sinceFreeze.append(.insert(key, value)) }
        current.insert(key, value)
    }

    private mutating func catchUp() {
        guard !behind.isEmpty else { return }
        Self.replay(behind, on: &current)
        behind.removeAll(keepingCapacity: true)
    }

    private static func replay(_ operations: [Operation], on cache: inout FECCache) {
        for operation in operations {
            switch operation {
            case let .touch(key): _ = cache.lookup(key)
            case let .insert(key, value): cache.insert(key, value)
            }
        }
    }
}
