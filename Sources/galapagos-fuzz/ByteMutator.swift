import Galapagos

/// Mutation-based input generation, libFuzzer style but without coverage feedback: 1–5 stacked
/// mutations of a corpus input (byte flips, inserts, deletes, duplicated and swapped lines,
/// splices with a second input, tokens from the target's vocabulary, interesting numbers).
/// Deterministic for a given generator state.
struct ByteMutator {
    /// Tokens of the input language (op names, keywords, field names, punctuation).
    var dictionary: [[UInt8]]
    /// Inputs never grow beyond this many bytes.
    var maximumSize: Int

    init(dictionary: [String], maximumSize: Int) {
        self.dictionary = dictionary.map { Array($0.utf8) }
        self.maximumSize = maximumSize
    }

    /// Numbers that sit on an edge somewhere: sizes, limits, overflows, special doubles, and
    /// things that only look like numbers.
    static let interestingNumbers: [[UInt8]] = [
        "0", "-0", "1", "-1", "2", "3", "4", "7", "8", "15", "16", "17", "255", "256", "257",
        "999", "1000", "1001", "4096", "10000", "10001", "65535", "65536", "100000", "1000000",
        "2147483647", "2147483648", "-2147483649", "4294967296", "9223372036854775807",
        "9223372036854775808", "-9223372036854775809", "18446744073709551616",
        "99999999999999999999999999", "1e308", "1.7976931348623157e308", "-1.7976931348623157e308",
        "1e309", "-1e309", "5e-324", "4.9e-324", "1e-400", "2.2250738585072014e-308", "0.1",
        "-0.0", "0.0", "1.5", ".5", "5.", "1e", "1e+", "e5", "1e5", "1E5", "+1", "--1", "NaN",
        "nan", "inf", "-inf", "Infinity", "0x10", "0b1", "0o7", "1_000", "00", "007", "1.0.0",
        "0.99", "0.01", "1e-9", "\u{661}",
    ].map { Array($0.utf8) }

    static let interestingBytes: [UInt8] = [
        0, 1, 9, 10, 13, 32, 34, 35, 38, 39, 42, 44, 45, 46, 58, 60, 61, 62, 63, 64, 91, 92, 93,
        123, 124, 125, 127, 128, 0xBF, 0xC0, 0xC2, 0xE2, 0xEF, 0xF0, 0xF4, 0xF5, 0xFE, 0xFF,
    ]

    /// A mutated copy of `input`; `other` is the partner for splices.
    func mutate(_ input: [UInt8], other: [UInt8], using random: inout RandomGenerator) -> [UInt8] {
        var data = input
        let rounds = 1 + random.nextInt(below: random.nextInt(below: 8) == 0 ? 12 : 4)
        for _ in 0..<rounds {
            applyOne(&data, other: other, using: &random)
            if data.count > maximumSize { data.removeLast(data.count - maximumSize) }
        }
        return data
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private func applyOne(_ data: inout [UInt8], other: [UInt8], using random: inout RandomGenerator) {
        switch random.nextInt(below: 16) {
        case 0:  // flip one bit
            guard !data.isEmpty else { return insertToken(&data, using: &random) }
            let index = random.nextInt(below: data.count)
            data[index] ^= UInt8(1) << UInt8(random.nextInt(below: 8))
        case 1:  // random byte
            guard !data.isEmpty else { return insertToken(&data, using: &random) }
            data[random.nextInt(below: data.count)] = UInt8(truncatingIfNeeded: random.next())
        case 2:  // interesting byte, overwritten or inserted
            let byte = Self.interestingBytes[random.nextInt(below: Self.interestingBytes.count)]
            if data.isEmpty || random.nextInt(below: 2) == 0 {
                data.insert(byte, at: random.nextInt(below: data.count + 1))
            } else {
                data[random.nextInt(below: data.count)] = byte
            }
        case 3:  // insert random bytes
            let count = 1 + random.nextInt(below: 8)
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            data.insert(contentsOf: bytes, at: random.nextInt(below: data.count + 1))
        case 4:  // delete a range
            guard !data.isEmpty else { return }
            let start = random.nextInt(below: data.count)
            let length = 1 + random.nextInt(below: min(random.nextInt(below: 4) == 0 ? 256 : 16, data.count - start))
            data.removeSubrange(start..<(start + length))
        case 5:  // duplicate a line
            var lines = splitLines(data)
            guard !lines.isEmpty else { return }
            let index = random.nextInt(below: lines.count)
            let copies = random.nextInt(below: 8) == 0 ? 2 + random.nextInt(below: 30) : 1
            for _ in 0..<copies { lines.insert(lines[index], at: random.nextInt(below: lines.count + 1)) }
            data = joinLines(lines)
        case 6:  // delete a line
            var lines = splitLines(data)
            guard !lines.isEmpty else { return }
            lines.remove(at: random.nextInt(below: lines.count))
            data = joinLines(lines)
        case 7:  // swap two lines
            var lines = splitLines(data)
            guard lines.count > 1 else { return }
            lines.swapAt(random.nextInt(below: lines.count), random.nextInt(below: lines.count))
            data = joinLines(lines)
        case 8:  // splice lines from the other input
            let mine = splitLines(data), theirs = splitLines(other)
            guard !theirs.isEmpty else { return }
            let cut = random.nextInt(below: mine.count + 1)
            let from = random.nextInt(below: theirs.count)
            let count = 1 + random.nextInt(below: min(8, theirs.count - from))
            var lines = Array(mine[..<cut])
            lines.append(contentsOf: theirs[from..<(from + count)])
            if random.nextInt(below: 2) == 0 { lines.append(contentsOf: mine[cut...]) }
            data = joinLines(lines)
        case 9:  // byte-level crossover: a prefix of this input, a suffix of the other
            let cut = random.nextInt(below: data.count + 1)
            let from = random.nextInt(below: other.count + 1)
            data = Array(data[..<cut]) + Array(other[from...])
        case 10, 11:  // insert a token
            insertToken(&data, using: &random)
        case 12:  // overwrite a word with a token
            guard let range = randomWord(data, using: &random), !dictionary.isEmpty else {
                return insertToken(&data, using: &random)
            }
            data.replaceSubrange(range, with: dictionary[random.nextInt(below: dictionary.count)])
        case 13:  // replace a number by an interesting one
            guard let range = randomNumber(data, using: &random) else {
                return insertToken(&data, using: &random)
            }
            data.replaceSubrange(
                range, with: Self.interestingNumbers[random.nextInt(below: Self.interestingNumbers.count)])
        case 14:  // copy a chunk within the input
            guard data.count > 1 else { return }
            let start = random.nextInt(below: data.count)
            let length = 1 + random.nextInt(below: min(64, data.count - start))
            let chunk = Array(data[start..<(start + length)])
            data.insert(contentsOf: chunk, at: random.nextInt(below: data.count + 1))
        default:  // change the indentation of a line
            var lines = splitLines(data)
            guard !lines.isEmpty else { return }
            let index = random.nextInt(below: lines.count)
            let indentation = lines[index].prefix(while: { $0 == 32 || $0 == 9 }).count
            var line = Array(lines[index].dropFirst(indentation))
            let options: [[UInt8]] = [[], [32], [32, 32], [32, 32, 32, 32], [9], [32, 32, 32], [32, 9]]
            line.insert(contentsOf: options[random.nextInt(below: options.count)], at: 0)
            lines[index] = line
            data = joinLines(lines)
        }
    }

    private func insertToken(_ data: inout [UInt8], using random: inout RandomGenerator) {
        let pool = random.nextInt(below: 3) == 0 || dictionary.isEmpty ? Self.interestingNumbers : dictionary
        var token = pool[random.nextInt(below: pool.count)]
        switch random.nextInt(below: 4) {
        case 0: token = [32] + token
        case 1: token += [32]
        default: break
        }
        data.insert(contentsOf: token, at: random.nextInt(below: data.count + 1))
    }

    private func splitLines(_ data: [UInt8]) -> [[UInt8]] {
        guard !data.isEmpty else { return [] }
        return data.split(separator: 10, omittingEmptySubsequences: false).map(Array.init)
    }

    private func joinLines(_ lines: [[UInt8]]) -> [UInt8] {
        Array(lines.joined(separator: [10]))
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) || byte == 95
            || (byte >= 48 && byte <= 57)
    }

    /// The range of a word (letters, digits, `_`) around a random position.
    private func randomWord(_ data: [UInt8], using random: inout RandomGenerator) -> Range<Int>? {
        guard !data.isEmpty else { return nil }
        var start = random.nextInt(below: data.count)
        var tries = 0
        while !Self.isWordByte(data[start]) {
            start = (start + 1) % data.count
            tries += 1
            if tries > 64 { return nil }
        }
        var end = start
        while start > 0, Self.isWordByte(data[start - 1]) { start -= 1 }
        while end < data.count, Self.isWordByte(data[end]) { end += 1 }
        return start..<end
    }

    /// The range of a numeric literal around a random position.
    private func randomNumber(_ data: [UInt8], using random: inout RandomGenerator) -> Range<Int>? {
        guard !data.isEmpty else { return nil }
        func numeric(_ byte: UInt8) -> Bool {
            (byte >= 48 && byte <= 57) || byte == 46 || byte == 45 || byte == 101 || byte == 69
        }
        var start = random.nextInt(below: data.count)
        var tries = 0
        while !(data[start] >= 48 && data[start] <= 57) {
            start = (start + 1) % data.count
            tries += 1
            if tries > data.count { return nil }
        }
        var end = start
        while start > 0, numeric(data[start - 1]) { start -= 1 }
        while end < data.count, numeric(data[end]) { end += 1 }
        return start..<end
    }
}

/// Inputs to mutate: the corpus seeds, plus accepted inputs found on the way (bounded, replaced
/// at random once full, so that the pool drifts towards deeper valid inputs).
struct InputPool {
    private(set) var seeds: [[UInt8]]
    private(set) var found: [[UInt8]] = []
    let capacity: Int

    init(seeds: [[UInt8]], capacity: Int = 512) {
        self.seeds = seeds.isEmpty ? [[]] : seeds
        self.capacity = capacity
    }

    func pick(using random: inout RandomGenerator) -> [UInt8] {
        if !found.isEmpty, random.nextInt(below: 3) == 0 {
            return found[random.nextInt(below: found.count)]
        }
        return seeds[random.nextInt(below: seeds.count)]
    }

    mutating func add(_ input: [UInt8], using random: inout RandomGenerator) {
        if found.count < capacity {
            found.append(input)
        } else {
            found[random.nextInt(below: capacity)] = input
        }
    }
}
