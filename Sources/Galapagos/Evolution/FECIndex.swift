/// Fitness by fingerprint, without the recency order: what workers read of the FEC cache while
/// the engine goes on updating the cache itself (``FECDoubleBuffer``).
///
/// Open addressing with linear probing in a power-of-two table kept at most half full, each
/// fingerprint beside its fitness, so that a look-up reads one cache line in the common case.
/// Fingerprints are already well mixed; a multiplication spreads them over the table anyway
/// (no `Hasher`). Removal moves the later entries of a run back into the gap instead of leaving
/// a tombstone, so runs stay short however many entries come and go.
struct FECIndex: Sendable {
    private struct Entry {
        /// 0 marks a free bucket (the fingerprint 0 lives in `valueOfZero`).
        var key: UInt64
        var value: Double
    }

    private var buckets: [Entry]
    /// `buckets.count - 1`.
    private var mask: Int
    /// 64 − log2(`buckets.count`): a key's home bucket is its multiplied hash's top bits.
    private var shift: UInt64
    /// The fitness of fingerprint 0, which cannot be told from a free bucket.
    private var valueOfZero: Double?
    /// Entries in `buckets` (fingerprint 0 not counted).
    private var occupied = 0

    /// An empty index with room for `capacity` entries before it grows.
    init(capacity: Int = 8) {
        var size = 16
        while size < 2 * capacity { size *= 2 }
        buckets = Array(repeating: Entry(key: 0, value: 0), count: size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    /// An index of every entry of `cache`.
    init(_ cache: FECCache) {
        self.init(capacity: cache.count)
        for entry in cache.entriesByRecency { set(entry.key, entry.value) }
    }

    /// The number of entries.
    var count: Int { occupied + (valueOfZero == nil ? 0 : 1) }

    /// The fitness known for `key`, or `nil`.
    func peek(_ key: UInt64) -> Double? {
        guard key != 0 else { return valueOfZero }
        var bucket = home(of: key)
        while true {
            let entry = buckets[bucket]
            if entry.key == key { return entry.value }
            if entry.key == 0 { return nil }
            bucket = (bucket + 1) & mask
        }
    }

    /// Adds `key` with `value`, or replaces its value.
    mutating func set(_ key: UInt64, _ value: Double) {
        guard key != 0 else {
            valueOfZero = value
            return
        }
        if 2 * (occupied + 1) > buckets.count { grow() }
        var bucket = home(of: key)
        while true {
            let found = buckets[bucket].key
            if found == key {
                buckets[bucket].value = value
                return
            }
            if found == 0 {
                buckets[bucket] = Entry(key: key, value: value)
                occupied += 1
                return
            }
            bucket = (bucket + 1) & mask
        }
    }

    /// Removes `key`, if present.
    mutating func remove(_ key: UInt64) {
        guard key != 0 else {
            valueOfZero = nil
            return
        }
        var gap = home(of: key)
        while buckets[gap].key != key {
            if buckets[gap].key == 0 { return }
            gap = (gap + 1) & mask
        }
        // Later entries of the run whose home is not between the gap and themselves would no
        // longer be found past the gap: each moves into it, leaving its own bucket as the gap.
        var bucket = (gap + 1) & mask
        while buckets[bucket].key != 0 {
            let distanceFromHome = (bucket - home(of: buckets[bucket].key)) & mask
            let distanceFromGap = (bucket - gap) & mask
            if distanceFromHome >= distanceFromGap {
                buckets[gap] = buckets[bucket]
                gap = bucket
            }
            bucket = (bucket + 1) & mask
        }
        buckets[gap] = Entry(key: 0, value: 0)
        occupied -= 1
    }

    private func home(of key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// Doubles the table and re-inserts every entry.
    private mutating func grow() {
        let old = buckets
        let zero = valueOfZero
        self = FECIndex(capacity: buckets.count)
        valueOfZero = zero
        for entry in old where entry.key != 0 { set(entry.key, entry.value) }
    }
}
