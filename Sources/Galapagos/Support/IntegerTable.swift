/// A hash table from integer keys to values, for bookkeeping the engine does for every child
/// (the family tree's nodes by member id).
///
/// `Dictionary` hashes each key with SipHash, seeded per process: for integer keys that is most
/// of the cost of a look-up. This table hashes by one multiplication (Fibonacci hashing),
/// probes linearly and deletes by shifting later entries back, so it keeps no tombstones and
/// stays at most half full. Slots are positions in its storage: valid until the next insert
/// or removal.
///
/// `Int.min` marks empty slots; an entry with that key (which only a damaged file could hold)
/// lives apart, in slot -1.
struct IntegerTable<Value> {
    private static var empty: Int { .min }
    private var keys: [Int]
    private var values: [Value?]
    /// The value of key `Int.min`.
    private var valueOfEmptyKey: Value?
    /// The number of entries.
    private(set) var count = 0
    /// `64 - log2(capacity)`: a hash's top bits pick its home slot.
    private var shift: Int
    private var mask: Int { keys.count - 1 }

    /// An empty table with room for `capacity` entries before it grows.
    init(minimumCapacity capacity: Int = 0) {
        var slots = 16
        while slots < 2 * capacity { slots *= 2 }
        keys = Array(repeating: Self.empty, count: slots)
        values = Array(repeating: nil, count: slots)
        shift = 64 - slots.trailingZeroBitCount
    }

    private func home(_ key: Int) -> Int {
        Int(truncatingIfNeeded: (UInt(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> UInt(shift))
    }

    /// The slot holding `key`, if any.
    func slot(of key: Int) -> Int? {
        if key == Self.empty { return valueOfEmptyKey == nil ? nil : -1 }
        var slot = home(key)
        while true {
            let found = keys[slot]
            if found == key { return slot }
            if found == Self.empty { return nil }
            slot = (slot + 1) & mask
        }
    }

    /// The value in an occupied slot (see ``slot(of:)``).
    subscript(slot slot: Int) -> Value {
        // A slot from `slot(of:)` is occupied (slot -1 only while the `Int.min` entry exists).
        _read {
            // Invariant: the slot is occupied, so its value is non-nil.
            if slot < 0 { yield valueOfEmptyKey! } else { yield values[slot]! }
        }
        _modify {
            // Invariant: the slot is occupied, so its value is non-nil.
            if slot < 0 { yield &valueOfEmptyKey! } else { yield &values[slot]! }
        }
    }

    /// The value of `key`; setting `nil` removes it.
    subscript(key: Int) -> Value? {
        get { slot(of: key).map { self[slot: $0] } }
        set {
            if let newValue { insert(newValue, for: key) } else if let slot = slot(of: key) { remove(atSlot: slot) }
        }
    }

    /// Whether the table holds `key`.
    func contains(_ key: Int) -> Bool { slot(of: key) != nil }

    /// Sets the value of `key`, adding it if it is new.
    mutating func insert(_ value: Value, for key: Int) {
        if key == Self.empty {
            if valueOfEmptyKey == nil { count += 1 }
            valueOfEmptyKey = value
            return
        }
        if 2 * (count + 1) > keys.count { grow() }
        var slot = home(key)
        while keys[slot] != Self.empty, keys[slot] != key { slot = (slot + 1) & mask }
        if keys[slot] == Self.empty {
            keys[slot] = key
            count += 1
        }
        values[slot] = value
    }

    /// Removes the entry in an occupied slot; later entries of its run move back to close the
    /// gap, so look-ups never pass a hole.
    mutating func remove(atSlot slot: Int) {
        count -= 1
        if slot < 0 {
            valueOfEmptyKey = nil
            return
        }
        var hole = slot
        var next = slot
        while true {
            next = (next + 1) & mask
            let key = keys[next]
            if key == Self.empty { break }
            // The entry at `next` may fill the hole unless its home lies after the hole.
            if (next - home(key)) & mask >= (next - hole) & mask {
                keys[hole] = key
                values[hole] = values[next]
                hole = next
            }
        }
        keys[hole] = Self.empty
        values[hole] = nil
    }

    private mutating func grow() {
        var larger = IntegerTable(minimumCapacity: keys.count)
        for (key, value) in zip(keys, values) where key != Self.empty {
            if let value { larger.insert(value, for: key) }
        }
        larger.valueOfEmptyKey = valueOfEmptyKey
        larger.count = count
        self = larger
    }
}

extension IntegerTable: Sequence {
    /// The entries in storage order (neither insertion nor key order).
    func makeIterator() -> AnyIterator<(key: Int, value: Value)> {
        var slot = valueOfEmptyKey == nil ? 0 : -1
        let keys = keys
        let values = values
        let valueOfEmptyKey = valueOfEmptyKey
        return AnyIterator {
            if slot < 0, let value = valueOfEmptyKey {
                slot = 0
                return (Self.empty, value)
            }
            while slot < keys.count {
                defer { slot += 1 }
                if keys[slot] != Self.empty, let value = values[slot] { return (keys[slot], value) }
            }
            return nil
        }
    }
}

extension IntegerTable: Sendable where Value: Sendable {}
