import Foundation
import Testing
@testable import Galapagos

/// Search-space files built to exhaust the parser or the machine are refused up front, with
/// one clear line, before any large allocation.
@Suite struct HostileSearchSpaceTests {
    private func refuse(_ text: String, containing fragment: String) {
        #expect {
            _ = try SearchSpace.parse(text, file: "hostile.yaml")
        } throws: { error in
            let message = "\(error)"
            return message.hasPrefix("hostile.yaml") && message.contains(fragment) && !message.contains("\n")
        }
    }

    @Test func billionLaughsIsRefused() {
        var text = "name: laughs\na: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n"
        for level in 1...9 {
            text += "\(Character(UnicodeScalar(97 + level)!)): &\(Character(UnicodeScalar(97 + level)!)) ["
            text += Array(repeating: "*\(Character(UnicodeScalar(96 + level)!))", count: 9).joined(separator: ", ")
            text += "]\n"
        }
        refuse(text, containing: "anchors and aliases")
    }

    @Test func mergeKeysAreRefused() {
        refuse("name: x\nbase: {a: 1}\nother:\n  <<: {a: 2}\n", containing: "merge keys")
    }

    @Test func deepFlowNestingIsRefused() {
        let text = "name: deep\nops: " + String(repeating: "[", count: 1_000) + String(repeating: "]", count: 1_000) + "\n"
        refuse(text, containing: "nested at most")
    }

    @Test func deepBlockNestingIsRefused() {
        var text = "name: deep\n"
        for level in 0..<300 { text += String(repeating: " ", count: level) + "k\(level):\n" }
        refuse(text, containing: "columns deep")
    }

    @Test func megabytesOfGarbageAreRefusedBySize() throws {
        let directory = NSTemporaryDirectory() + "galapagos-hostile-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var random = RandomGenerator(seed: 5)
        let bytes = (0..<(3 * 1024 * 1024)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let path = directory + "/garbage.yaml"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        #expect {
            _ = try SearchSpace.load(path: path)
        } throws: { error in
            "\(error)".hasPrefix(path) && "\(error)".contains("limit")
        }
    }

    @Test func hugeSizesAreRefusedWithTheirFigure() {
        let base = """
            name: huge
            memory: {features: FEATURES, scalars: 4, vectors: 3, matrices: MATRICES}
            ops: [scalar_sum]
            setup: 1
            predict: 1
            learn: 1
            tasks:
              search: {generator: scalar_linear_regression, count: 1, train: 10, valid: 10}
            """
        refuse(base.replacingOccurrences(of: "FEATURES", with: "100000000")
            .replacingOccurrences(of: "MATRICES", with: "1"), containing: "expected a whole number 1…256")
        refuse(base.replacingOccurrences(of: "FEATURES", with: "256")
            .replacingOccurrences(of: "MATRICES", with: "1000"), containing: "MiB per program")
        refuse(base.replacingOccurrences(of: "FEATURES", with: "4")
            .replacingOccurrences(of: "MATRICES", with: "1")
            .replacingOccurrences(of: "count: 1, train: 10", with: "count: 100000, train: 10000000"),
            containing: "MiB of examples")
        refuse(base.replacingOccurrences(of: "FEATURES", with: "4")
            .replacingOccurrences(of: "MATRICES", with: "1") + "\nevolution: {population: 10000000, islands: 1000}\n",
            containing: "programs")
    }

    @Test func ordinaryTextWithStarsAndAmpersandsIsFine() throws {
        let text = """
            name: stars
            description: a * b & c and more * here
            memory: {features: 4, scalars: 4, vectors: 3, matrices: 1}
            ops: [scalar_sum]   # & and * in comments are fine
            setup: 1
            predict: 1
            learn: 1
            tasks:
              search: {generator: scalar_linear_regression, count: 1, train: 10, valid: 10}
            """
        let space = try SearchSpace.parse(text, file: "stars.yaml")
        #expect(space.name == "stars")
    }
}
