/// The FEC cache, and two read-only indexes of it that workers read while the engine writes.
///
/// The engine scores batch k + 1 while it applies batch k. The workers need fitness by
/// fingerprint as it was when their batch started, which nobody writes while they read;
/// applying needs the cache with every child before it, exactly as if nothing ran alongside.
/// So the engine keeps the one cache (with its recency order and evictions) to itself, and
/// ``freeze()`` hands the readers an ``FECIndex``: fingerprints and fitness only. There are two
/// indexes, used in turn: the one handed out last may still be read, and the other catches up
/// with the cache by replaying what entered and left it since (a miss adds one entry and
/// may evict one; a hit, most children, changes nothing the readers see).
///
/// A single worker needs no index (it scores the next batch before this one is applied, and
/// reads the cache in place: ``unfrozen``), so the indexes and the log of changes start with
/// the first freeze.
public struct FECDoubleBuffer: Sendable {
    enum Change: Sendable {
        case set(UInt64, Double)
        case remove(UInt64)
    }

    /// The cache with every applied child: what ``lookup(_:)`` and ``insert(_:_:)`` use and
    /// what checkpoints save.
    public private(set) var live: FECCache
    /// Whether a freeze has happened: from then on changes are logged for the indexes.
    private var isDoubled = false
    /// The index handed out by the last freeze (still shared with its readers).
    private var readersIndex: FECIndex?
    /// The other index, up to date but for `behind` and `sinceFreeze`; `nil` until the second
    /// freeze, which builds it from the cache.
    private var spareIndex: FECIndex?
    /// Changes to the cache since the last freeze: what neither index has.
    private var sinceFreeze: [Change] = []
    /// Changes between the two freezes before: what the spare index lacks besides
    /// `sinceFreeze`.
    private var behind: [Change] = []

    /// The buffer of `cache`.
    public init(_ cache: FECCache) {
        live = cache
    }

    /// The cache as it is, for readers that are done before the next look-up or insert (which
    /// would otherwise copy it).
    var unfrozen: FECCache { live }

    /// Fitness by fingerprint as the cache holds it now, for readers; the engine must not keep
    /// a reference to it once they are done, or the freeze after next copies it.
    mutating func freeze() -> FECIndex {
        var index: FECIndex
        if isDoubled, let spare = spareIndex {
            spareIndex = nil  // so that `index` is the only reference, updated in place
            index = spare
            Self.replay(behind, on: &index)
            Self.replay(sinceFreeze, on: &index)
        } else {
            index = FECIndex(live)
        }
        isDoubled = true
        spareIndex = readersIndex
        readersIndex = index
        swap(&behind, &sinceFreeze)
        sinceFreeze.removeAll(keepingCapacity: true)
        return index
    }

    /// The `limit` most recently used entries, least recently used first.
    public func mostRecentEntries(_ limit: Int) -> [(key: UInt64, value: Double)] {
        live.mostRecentEntries(limit)
    }

    /// Adds entries learned elsewhere (another process's cache, on the same tasks), in order;
    /// keys already cached keep their values.
    ///
    /// - Returns: the number of entries added.
    @discardableResult
    public mutating func merge(_ entries: [(key: UInt64, value: Double)]) -> Int {
        var added = 0
        for entry in entries where !entry.value.isNaN {
            guard live.peek(entry.key) == nil else { continue }
            insert(entry.key, entry.value)
            added += 1
        }
        return added
    }

    /// The cached fitness, marking the entry as most recently used.
    mutating func lookup(_ key: UInt64) -> Double? {
        live.lookup(key)
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
        let evicted = live.insert(key, value)
        guard isDoubled else { return }
        if let evicted { sinceFreeze.append(.remove(evicted)) }
        sinceFreeze.append(.set(key, value))
    }

    private static func replay(_ changes: [Change], on index: inout FECIndex) {
        for change in changes {
            switch change {
            case let .set(key, value): index.set(key, value)
            case let .remove(key): index.remove(key)
            }
        }
    }
}
