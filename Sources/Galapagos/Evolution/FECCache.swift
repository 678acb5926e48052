/// The functional-equivalence cache: fitness by functional fingerprint, least recently used
/// entries evicted first.
///
/// Entries live in fixed arrays linked into a recency list, so look-ups and inserts cost one
/// dictionary access and never allocate once the cache is full.
public struct FECCache: Sendable {
    /// The most entries kept.
    public let capacity: Int
    private var slotByKey: [UInt64: Int32] = [:]
    private var keys: [UInt64] = []
    private var values: [Double] = []
    private var previous: [Int32] = []
    private var next: [Int32] = []
    /// Least recently used slot, or -1.
    private var head: Int32 = -1
    /// Most recently used slot, or -1.
    private var tail: Int32 = -1

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The number of entries.
    public var count: Int { keys.count }

    /// The cached fitness without touching recency (safe to call from several threads while
    /// nobody writes).
    public func peek(_ key: UInt64) -> Double? {
        guard let slot = slotByKey[key] else { return nil }
        return values[Int(slot)]
    }

    /// The cached fitness, marking the entry as most recently used.
    public mutating func lookup(_ key: UInt64) -> Double? {
        guard let slot = slotByKey[key] else { return nil }
        moveToTail(slot)
        return values[Int(slot)]
    }

    /// Inserts or refreshes an entry as most recently used, evicting the least recently used
    /// entry when full.
    ///
    /// - Returns: the key of the entry evicted, if any.
    @discardableResult
    public mutating func insert(_ key: UInt64, _ value: Double) -> UInt64? {
        if let slot = slotByKey[key] {
            values[Int(slot)] = value
            moveToTail(slot)
            return nil
        }
        let slot: Int32
        var evicted: UInt64?
        if keys.count < capacity {
            slot = Int32(keys.count)
            keys.append(key)
            values.append(value)
            previous.append(-1)
            next.append(-1)
        } else {
            slot = head
            unlink(slot)
            evicted = keys[Int(slot)]
            slotByKey[keys[Int(slot)]] = nil
            keys[Int(slot)] = key
            values[Int(slot)] = value
        }
        slotByKey[key] = slot
        linkAtTail(slot)
        return evicted
    }

    /// The entries from least to most recently used: re-inserting them in this order into an
    /// empty cache reproduces this cache exactly.
    public var entriesByRecency: [(key: UInt64, value: Double)] {
        var result: [(UInt64, Double)] = []
        result.reserveCapacity(keys.count)
        var slot = head
        while slot >= 0 {
            result.append((keys[Int(slot)], values[Int(slot)]))
            slot = next[Int(slot)]
        }
        return result
    }

    /// The `limit` most recently used entries, least recently used first (re-inserting them in
    /// this order keeps their recency order).
    public func mostRecentEntries(_ limit: Int) -> [(key: UInt64, value: Double)] {
        var result: [(key: UInt64, value: Double)] = []
        result.reserveCapacity(min(max(0, limit), keys.count))
        var slot = tail
        while slot >= 0, result.count < limit {
            result.append((keys[Int(slot)], values[Int(slot)]))
            slot = previous[Int(slot)]
        }
        return result.reversed()
    }

    private mutating func unlink(_ slot: Int32) {
        let p = previous[Int(slot)], n = next[Int(slot)]
        if p >= 0 { next[Int(p)] = n } else { head = n }
        if n >= 0 { previous[Int(n)] = p } else { tail = p }
        previous[Int(slot)] = -1
        next[Int(slot)] = -1
    }

    private mutating func linkAtTail(_ slot: Int32) {
        previous[Int(slot)] = tail
        next[Int(slot)] = -1
        if tail >= 0 { next[Int(tail)] = slot } else { head = slot }
        tail = slot
    }

    private mutating func moveToTail(_ slot: Int32) {
        guard slot != tail else { return }
        unlink(slot)
        linkAtTail(slot)
    }
}
