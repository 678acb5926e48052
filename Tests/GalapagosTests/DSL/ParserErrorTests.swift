import Foundation
import Galapagos
import GalapagosTestSupport
import Testing

// Bad program files: every error is one line, `file:line:column: message`, and names the first
// problem. Columns are 1-based byte offsets; each expected column is counted by hand in the
// comment next to it.

/// linear_demo: F = 4, 4 scalars, 3 vectors, 1 matrix; sizes 10 / 2 / 8; six ops.
/// Parses text that must fail and returns the error, checking that it is a one-line program
/// error.
private func failure(
    _ text: String, file: String = "bad.gal", limits: ProgramLimits = .none,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> GalapagosError? {
    failure(bytes: Array(text.utf8), file: file, limits: limits, sourceLocation: sourceLocation)
}

private func failure(
    bytes: [UInt8], file: String, limits: ProgramLimits = .none,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> GalapagosError? {
    do {
        let program = try ProgramParser(limits: limits).parse(bytes: bytes, file: file)
        Issue.record("parsed without error: \(program)", sourceLocation: sourceLocation)
        return nil
    } catch let error as GalapagosError {
        let message = error.description
        let oneLine = !message.contains(where: \.isNewline)
        #expect(oneLine, "not one line: \(message)", sourceLocation: sourceLocation)
        guard case .program = error else {
            Issue.record("not a program error: \(message)", sourceLocation: sourceLocation)
            return error
        }
        return error
    } catch {
        Issue.record("unexpected error type: \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Checks that parsing fails with a message that starts with `prefix` and contains every
/// fragment.
private func expectFailure(
    _ text: String, file: String = "bad.gal", limits: ProgramLimits = .none,
    prefix: String, _ fragments: String..., sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    guard let error = failure(text, file: file, limits: limits, sourceLocation: sourceLocation) else {
        return
    }
    let message = error.description
    #expect(message.hasPrefix(prefix), "\(message)", sourceLocation: sourceLocation)
    for fragment in fragments {
        #expect(message.contains(fragment), "'\(fragment)' missing from: \(message)", sourceLocation: sourceLocation)
    }
}

private let header = "# galapagos program v1"

/// A program whose line 4 is `line` (inside `predict`).
private func predictLine(_ line: String) -> String {
    "\(header)\ndef setup():\ndef predict():\n\(line)\ndef learn():\n"
}

/// A program whose line 3 is `line` (inside `setup`).
private func setupLine(_ line: String) -> String {
    "\(header)\ndef setup():\n\(line)\ndef predict():\ndef learn():\n"
}

@Suite("Program parser errors")
struct ParserErrorTests {
    @Test("unknown op")
    func unknownOp() {
        // "  s1 = frobnicate(v0)": the op name starts at column 8.
        expectFailure(
            predictLine("  s1 = frobnicate(v0)"), prefix: "bad.gal:4:8: expected an op",
            "found unknown op 'frobnicate'")
        // A register name where an op is expected is not an op either.
        expectFailure(
            predictLine("  s1 = sine(s0)"), prefix: "bad.gal:4:8: ", "unknown op 'sine'")
    }

    @Test("wrong register kind for an op")
    func wrongAddressType() {
        // "  s1 = dot(s0, v1)": 'dot' at column 8.
        expectFailure(
            predictLine("  s1 = dot(s0, v1)"), prefix: "bad.gal:4:8: expected 'dot' with operands",
            "(vector, vector) → scalar", "found (scalar, vector) → scalar")
        // "  v1 = s0 + v0": '+' at column 11; there is no scalar + vector.
        expectFailure(
            predictLine("  v1 = s0 + v0"), prefix: "bad.gal:4:11: expected '+' with operands",
            "found (scalar, vector) → vector")
        // "  m0 = m0 @ v0" writes a matrix but matrix @ vector is a vector: '@' at column 11.
        expectFailure(
            predictLine("  m0 = m0 @ v0"), prefix: "bad.gal:4:11: ", "found (matrix, vector) → matrix")
        // "  v1 = 0.5": a constant into a vector, at column 8.
        expectFailure(predictLine("  v1 = 0.5"), prefix: "bad.gal:4:8: ", "found a constant")
        // "  s1 = v0": copying needs an op; the line ends at column 10.
        expectFailure(
            predictLine("  s1 = v0"), prefix: "bad.gal:4:10: expected an operator",
            "found end of line")
        // "  s1 = gaussian(s0, 1.0)": a register where a constant is expected; 'gaussian' at 8.
        expectFailure(predictLine("  s1 = gaussian(s0, 1.0)"), prefix: "bad.gal:4:8: ")
    }

    @Test("register out of range for linear_demo")
    func addressOutOfRange() throws {
        let limits = try linearDemoSpace().programLimits(strictOps: false)
        // 4 scalars: s4 is out of range; the output register starts at column 3.
        expectFailure(
            predictLine("  s4 = s0 + s1"), limits: limits,
            prefix: "bad.gal:4:3: expected a scalar register s0…s3, found s4 (out of range)")
        // "  s1 = dot(v0, v3)": 3 vectors, v3 at column 16.
        expectFailure(
            predictLine("  s1 = dot(v0, v3)"), limits: limits,
            prefix: "bad.gal:4:16: expected a vector register v0…v2, found v3 (out of range)")
        // "  m1 = transpose(m0)": 1 matrix, m1 at column 3.
        expectFailure(
            setupLine("  m1 = transpose(m0)"), limits: limits,
            prefix: "bad.gal:3:3: expected a matrix register m0…m0, found m1 (out of range)")
        // Without limits, the same registers are fine.
        #expect(throws: Never.self) {
            try ProgramParser().parse(predictLine("  s1 = dot(v0, v3)"))
        }
        // Leading zeros are not register names: "  s1 = dot(v0, v01)", v01 at column 16.
        expectFailure(
            predictLine("  s1 = dot(v0, v01)"), limits: limits, prefix: "bad.gal:4:16: expected a register")
    }

    @Test("element index out of range")
    func elementIndexOutOfRange() throws {
        let limits = try linearDemoSpace().programLimits(strictOps: false)
        // "  v1[4] = 0.5": F = 4, the index starts at column 6.
        expectFailure(
            setupLine("  v1[4] = 0.5"), limits: limits,
            prefix: "bad.gal:3:6: expected an element index 0…3, found number 4")
        // "  m0[1, 7] = 1.0": the second index at column 9.
        expectFailure(
            setupLine("  m0[1, 7] = 1.0"), limits: limits,
            prefix: "bad.gal:3:9: expected an element index 0…3, found number 7")
        // Fractional and negative indices, at column 6.
        expectFailure(setupLine("  v1[1.5] = 0.5"), limits: limits, prefix: "bad.gal:3:6: expected an element index")
        expectFailure(setupLine("  v1[-1] = 0.5"), limits: limits, prefix: "bad.gal:3:6: expected an element index")
        // Two indices for a vector: reported at the '[' (column 5).
        expectFailure(
            setupLine("  v1[0, 1] = 0.5"), limits: limits,
            prefix: "bad.gal:3:5: expected 1 index for a vector, found 2")
        // One index for a matrix, at column 5.
        expectFailure(
            setupLine("  m0[2] = 0.5"), limits: limits,
            prefix: "bad.gal:3:5: expected 2 indexes for a matrix, found 1")
    }

    @Test("more instructions than the search space allows")
    func tooManyInstructions() throws {
        let limits = try linearDemoSpace().programLimits(strictOps: true)
        // predict allows 2 instructions; the third is on line 6, starting at column 3.
        let text = """
            \(header)
            def setup():
            def predict():
              s1 = dot(v0, v1)
              s1 = dot(v0, v2)
              s1 = dot(v0, v1)
            def learn():
            """
        expectFailure(
            text, limits: limits,
            prefix: "bad.gal:6:3: expected at most 2 instructions in 'predict', found more")
        // Two are fine.
        #expect(throws: Never.self) {
            try ProgramParser(limits: limits).parse(predictLine("  s1 = dot(v0, v1)\n  s1 = dot(v0, v2)"))
        }
    }

    @Test("the hard cap of 10,000 instructions per component applies without limits")
    func hardInstructionCap() {
        // Line 1 header, line 2 def, lines 3…10,002 hold 10,000 instructions: line 10,003 is
        // one too many.
        let body = String(repeating: "  s1 = s0 + s0\n", count: ProgramLimits.hardMaximumSize + 1)
        expectFailure(
            "\(header)\ndef learn():\n\(body)",
            prefix: "bad.gal:10003:3: expected at most 10000 instructions in 'learn'")
    }

    @Test("an op the search space does not allow, with strict ops")
    func disallowedOp() throws {
        let space = try linearDemoSpace()
        // "  s1 = sin(s0)" is a valid instruction but not one of linear_demo's six ops.
        expectFailure(
            predictLine("  s1 = sin(s0)"), limits: space.programLimits(strictOps: true),
            prefix: "bad.gal:4:3: expected one of the ops the search space allows in 'predict'",
            "found scalar_sin")
        #expect(throws: Never.self) {
            try ProgramParser(limits: space.programLimits(strictOps: false))
                .parse(predictLine("  s1 = sin(s0)"))
        }
    }

    @Test("10 MB of binary garbage is refused by size, quickly")
    func tenMegabytesOfGarbage() throws {
        var random = RandomGenerator(seed: 10)
        var chunk: [UInt8] = []
        chunk.reserveCapacity(65_536)
        while chunk.count < 65_536 {
            withUnsafeBytes(of: random.next()) { chunk.append(contentsOf: $0) }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(10 * 1_048_576)
        for _ in 0..<160 { bytes.append(contentsOf: chunk) }
        #expect(bytes.count == 10_485_760)

        let clock = ContinuousClock()
        let start = clock.now
        let error = failure(bytes: bytes, file: "garbage.bin")
        let elapsed = clock.now - start
        #expect(elapsed < .seconds(1), "took \(elapsed)")
        let message = try #require(error).description
        #expect(message.hasPrefix("garbage.bin: file is 10485760 bytes, larger than the 4194304-byte limit"))

        // Valid text just over the limit is refused the same way.
        let justOver = Array((header + "\n").utf8)
            + Array(repeating: UInt8(ascii: "\n"), count: ProgramParser.maximumFileSize - 22)
        #expect(justOver.count == ProgramParser.maximumFileSize + 1)
        let over = failure(bytes: justOver, file: "big.gal")?.description ?? ""
        #expect(over.hasPrefix("big.gal: file is 4194305 bytes"))
    }

    @Test("1 KB of random bytes gives a located one-line error", arguments: 0..<20)
    func randomBytes(seed: UInt64) throws {
        var random = RandomGenerator(seed: seed)
        let bytes = (0..<1_024).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let error = try #require(failure(bytes: bytes, file: "random.bin"))
        guard case let .program(location, message) = error else {
            Issue.record("not a program error: \(error)")
            return
        }
        #expect(location.file == "random.bin")
        let line = try #require(location.line)
        let column = try #require(location.column)
        #expect(line >= 1 && column >= 1 && column <= ProgramParser.maximumLineLength + 1)
        #expect(error.description.hasPrefix("random.bin:\(line):\(column): expected"))
        #expect(!message.isEmpty)
    }

    @Test("binary bytes after a valid header are reported at their column")
    func binaryByteInLine() {
        // "  s2 = 0.5" is 10 bytes; the NUL is byte 11.
        let bytes = Array(setupLine("  s2 = 0.5").utf8)
        var withNul = bytes
        let lineStart = Array("\(header)\ndef setup():\n".utf8).count
        withNul.insert(0, at: lineStart + 10)
        let error = failure(bytes: withNul, file: "nul.gal")?.description ?? ""
        #expect(error.hasPrefix("nul.gal:3:11: expected program text, found byte 0x0"))
        // A non-ASCII character outside a comment: "  s2 = 0.5 · 3", '·' at column 12.
        expectFailure(setupLine("  s2 = 0.5 · 3"), prefix: "bad.gal:3:12: expected a register, op, number")
    }

    @Test("empty file")
    func emptyFile() {
        expectFailure(
            "", file: "empty.gal",
            prefix: "empty.gal:1:1: expected the header '# galapagos program v1', found end of file")
        // Only blank lines: the end of the file is on line 3.
        expectFailure("\n\n  \n", file: "blank.gal", prefix: "blank.gal:3:1: expected the header")
    }

    @Test("missing or wrong header")
    func missingHeader() {
        expectFailure(
            "def setup():\n  s2 = 0.5\n", file: "noheader.gal",
            prefix: "noheader.gal:1:1: expected the header '# galapagos program v1', found 'def setup():'")
        expectFailure("# galapagos program v2\ndef setup():\n", prefix: "bad.gal:1:1: expected the header")
        // "v10" starts like "v1": the version is wrong at column 23, right after "v1".
        expectFailure("# galapagos program v10\ndef setup():\n", prefix: "bad.gal:1:23: expected format version 1")
        // A header on line 3, after two blank lines, is fine; another comment first is not.
        #expect(throws: Never.self) { try ProgramParser().parse("\n\n\(header)\ndef setup():\n") }
        expectFailure("# my program\n\(header)\n", prefix: "bad.gal:1:1: expected the header")
    }

    @Test("a line longer than 1,000 bytes")
    func longLine() {
        // Line 3 is "  # " plus 1,100 x's: 1,104 bytes, reported at column 1,001.
        let long = "  # " + String(repeating: "x", count: 1_100)
        expectFailure(
            setupLine(long), file: "long.gal",
            prefix: "long.gal:3:1001: expected a line of at most 1000 bytes, found 1104 bytes")
        // An instruction padded past the limit.
        let padded = "  s2 = 0.5" + String(repeating: " ", count: 991)
        expectFailure(setupLine(padded), prefix: "bad.gal:3:1001: ", "found 1001 bytes")
        // Exactly 1,000 bytes is accepted, also before a \r\n.
        let exact = "  s2 = 0.5" + String(repeating: " ", count: 990)
        #expect(exact.utf8.count == 1_000)
        #expect(throws: Never.self) { try ProgramParser().parse(setupLine(exact)) }
        #expect(throws: Never.self) {
            try ProgramParser().parse(setupLine(exact).replacingOccurrences(of: "\n", with: "\r\n"))
        }
    }

    @Test("non-finite constants")
    func nonFiniteConstants() {
        // "  s2 = 1e999": the literal overflows to infinity; it starts at column 8.
        expectFailure(
            setupLine("  s2 = 1e999"), prefix: "bad.gal:3:8: expected a finite constant, found 1e999")
        expectFailure(
            setupLine("  s2 = -1e999"), prefix: "bad.gal:3:8: expected a finite constant, found -1e999")
        // "  s2 = inf": no literal spells infinity; the error is at the word, column 8.
        expectFailure(setupLine("  s2 = inf"), prefix: "bad.gal:3:8: expected a finite constant, found inf")
        expectFailure(setupLine("  s2 = NaN"), prefix: "bad.gal:3:8: expected a finite constant, found NaN")
        // "  s2 = -inf": the '-' is at column 8, the word at column 9.
        expectFailure(setupLine("  s2 = -inf"), prefix: "bad.gal:3:9: expected a finite constant, found inf")
        // "  v1[0] = nan": the value starts at column 11.
        expectFailure(setupLine("  v1[0] = nan"), prefix: "bad.gal:3:11: expected a finite constant, found nan")
        // "  s2 = uniform(0.0, infinity)": the word starts at column 21.
        expectFailure(
            setupLine("  s2 = uniform(0.0, infinity)"),
            prefix: "bad.gal:3:21: expected a finite constant, found infinity")
        // "  v1[0] = 1e400" at column 11.
        expectFailure(
            setupLine("  v1[0] = 1e400"), prefix: "bad.gal:3:11: expected a finite constant, found 1e400")
        // "  s2 = uniform(0.0, 1e400)": the second constant starts at column 21.
        expectFailure(
            setupLine("  s2 = uniform(0.0, 1e400)"),
            prefix: "bad.gal:3:21: expected a finite constant, found 1e400")
    }

    @Test("duplicate def")
    func duplicateDef() {
        // "def setup():" again on line 4; the component name starts at column 5.
        expectFailure(
            "\(header)\ndef setup():\ndef predict():\ndef setup():\n", file: "dup.gal",
            prefix: "dup.gal:4:5: component 'setup' is defined twice")
    }

    @Test("unknown component and malformed def")
    func badDef() {
        expectFailure(
            "\(header)\ndef train():\n",
            prefix: "bad.gal:2:5: expected 'setup', 'predict' or 'learn' after 'def', found 'train'")
        // "def setup()": the ':' is missing; the line ends at column 12.
        expectFailure("\(header)\ndef setup()\n", prefix: "bad.gal:2:12: expected ':'")
    }

    @Test("instruction before any def")
    func instructionBeforeDef() {
        // Line 2, indented: the instruction starts at column 3.
        expectFailure(
            "\(header)\n  s2 = 0.5\ndef setup():\n", file: "early.gal",
            prefix: "early.gal:2:3: expected 'def setup():', 'def predict():' or 'def learn():'")
        // An unindented instruction inside a component.
        expectFailure(
            "\(header)\ndef setup():\ns2 = 0.5\n",
            prefix: "bad.gal:3:1: expected an indented instruction")
    }

    @Test("trailing tokens")
    func trailingTokens() {
        // "  s1 = dot(v0, v1) extra": 'extra' at column 20.
        expectFailure(
            predictLine("  s1 = dot(v0, v1) extra"),
            prefix: "bad.gal:4:20: expected end of line, found 'extra'")
        // "  s2 = 0.5 0.25": the second number at column 12.
        expectFailure(setupLine("  s2 = 0.5 0.25"), prefix: "bad.gal:3:12: expected end of line")
    }

    @Test("random token soup never traps and always reports a location")
    func tokenSoup() {
        let tokens = [
            "s1", "s0", "v0", "v9", "m0", "=", "+", "-", "*", "/", "@", "(", ")", "[", "]", ",",
            ":", "dot", "abs", "uniform", "gaussian", "0", "3", "-1", "1e5", "1e999", ".", "e",
            "nop", "def", "#", " ", "\t", "s", "m99999", "0.5", "-0.0", "·",
        ]
        var random = RandomGenerator(seed: 77)
        for _ in 0..<3_000 {
            var line = "  "
            for _ in 0..<random.nextInt(below: 9) {
                line += tokens[random.nextInt(below: tokens.count)]
                if random.nextBool(probability: 0.5) { line += " " }
            }
            do {
                _ = try ProgramParser().parse(setupLine(line), file: "soup.gal")
            } catch let error as GalapagosError {
                guard case let .program(location, _) = error else {
                    Issue.record("not a program error: \(error)")
                    continue
                }
                #expect(location.line == 3, "\(line) → \(error)")
                #expect(location.column != nil, "\(line) → \(error)")
                let oneLine = !error.description.contains(where: \.isNewline)
                #expect(oneLine)
            } catch {
                Issue.record("unexpected error \(error) for \(line)")
            }
        }
    }
}
