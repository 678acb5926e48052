import Testing
@testable import Galapagos

@Suite struct IntegerTableTests {
    /// Random inserts, updates and removals, keys crowded into few home slots and the one key
    /// that marks empty slots: the table always agrees with a dictionary.
    @Test func agreesWithADictionaryUnderRandomEdits() {
        var table = IntegerTable<Int>()
        var reference: [Int: Int] = [:]
        var random = RandomGenerator(seed: 11)
        let keys = (0..<300).map { _ in random.nextInt(below: 400) - 50 } + [.min, .max, -1]
        for step in 0..<20_000 {
            let key = keys[random.nextInt(below: keys.count)]
            switch random.nextInt(below: 3) {
            case 0, 1:
                table[key] = step
                reference[key] = step
            default:
                table[key] = nil
                reference[key] = nil
            }
            #expect(table.count == reference.count)
        }
        for key in keys { #expect(table[key] == reference[key]) }
        #expect(Dictionary(uniqueKeysWithValues: table.map { ($0.key, $0.value) }) == reference)
    }

    /// Removing from the middle of a run of colliding keys keeps every later key reachable.
    @Test func removalKeepsCollidingKeysReachable() {
        var table = IntegerTable<String>(minimumCapacity: 4)
        let keys = Array(0..<64)
        for key in keys { table[key] = "\(key)" }
        for key in keys where key % 3 == 0 {
            if let slot = table.slot(of: key) { table.remove(atSlot: slot) }
        }
        for key in keys { #expect(table[key] == (key % 3 == 0 ? nil : "\(key)")) }
        #expect(table.count == keys.count - 22)
    }

    @Test func slotsEditValuesInPlace() throws {
        var table = IntegerTable<[Int]>()
        table[7] = [1]
        let slot = try #require(table.slot(of: 7))
        table[slot: slot].append(2)
        #expect(table[7] == [1, 2])
        #expect(table.slot(of: 8) == nil)
    }
}
