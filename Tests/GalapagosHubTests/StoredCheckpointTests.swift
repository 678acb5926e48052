import Galapagos
import PostgresNIO
import Testing
@testable import GalapagosHub

struct StoredCheckpointTests {
    @Test func aCompressedCheckpointInflatesToTheSameText() throws {
        let text = String(repeating: #"{"program": "s1 = dot(v0, v1)\n", "fitness": 0.5},"#, count: 500) + "é"
        let stored = try StoredCheckpoint(compressing: text)
        #expect(try stored.text(source: "island 3") == text)
        #expect(stored.storedBytes * 10 < text.utf8.count)
        #expect(try StoredCheckpoint.text(text).text(source: "island 3") == text)
    }

    @Test func aDamagedCheckpointIsReportedWithItsSource() throws {
        let damaged = StoredCheckpoint.compressed(ByteBuffer(bytes: [0x78, 0x9c, 0xff, 0xff, 0xff, 0xff]))
        #expect {
            try damaged.text(source: "hub x run y, island 1")
        } throws: { error in
            "\(error)".contains("hub x run y, island 1") && "\(error)".contains("cannot be inflated")
        }
    }
}
