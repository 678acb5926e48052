import Testing
@testable import Galapagos

/// The index workers read the FEC cache through: an open-addressing table whose removals
/// shift entries back, checked against a dictionary through long runs of random changes.
@Suite struct FECIndexTests {
    /// Random sets, replacements and removals, over few keys (long runs that wrap around the
    /// table and removals inside them) and over spread keys (growth), keep the index equal to
    /// a dictionary, fingerprint 0 included.
    @Test(arguments: [UInt64(40), 1 << 62])
    func changesKeepItEqualToADictionary(spread: UInt64) {
        var random = RandomGenerator(seed: spread)
        var index = FECIndex()
        var model: [UInt64: Double] = [:]
        let keys = (0..<60).map { UInt64($0) &* (spread / 40 | 1) }
        for step in 0..<20_000 {
            let key = keys[random.nextInt(below: keys.count)]
            if random.nextBool(probability: 0.45) {
                index.remove(key)
                model[key] = nil
            } else {
                index.set(key, Double(step))
                model[key] = Double(step)
            }
            if step % 97 == 0 {
                #expect(index.count == model.count)
                for key in keys { #expect(index.peek(key) == model[key]) }
            }
        }
    }

    /// Keys that share their home bucket form one run; removing any of them keeps the others
    /// findable, and an index built from a cache holds what the cache holds.
    @Test func collidingKeysStayFindableAndCachesIndexWhole() {
        var index = FECIndex(capacity: 4)
        // Fingerprints that share their home bucket in a 16-bucket table (the top 4 bits of
        // the fingerprint times the index's multiplier), found by search.
        var sameHome: [UInt64] = []
        var candidate: UInt64 = 1
        let shift: UInt64 = 64 - 4  // a 16-bucket table
        let home = (UInt64(1) &* 0x9E37_79B9_7F4A_7C15) >> shift
        while sameHome.count < 5 {
            if (candidate &* 0x9E37_79B9_7F4A_7C15) >> shift == home { sameHome.append(candidate) }
            candidate += 1
        }
        for (position, key) in sameHome.enumerated() { index.set(key, Double(position)) }
        index.remove(sameHome[1])
        #expect(index.peek(sameHome[1]) == nil)
        for position in [0, 2, 3, 4] { #expect(index.peek(sameHome[position]) == Double(position)) }
        index.remove(sameHome[0])
        for position in [2, 3, 4] { #expect(index.peek(sameHome[position]) == Double(position)) }

        var cache = FECCache(capacity: 3)
        for key in [UInt64(0), 7, 9, 11] { cache.insert(key, Double(key) / 2) }  // 0 is evicted
        let indexed = FECIndex(cache)
        #expect(indexed.count == 3)
        #expect(indexed.peek(0) == nil)
        for key in [UInt64(7), 9, 11] { #expect(indexed.peek(key) == Double(key) / 2) }
    }
}
