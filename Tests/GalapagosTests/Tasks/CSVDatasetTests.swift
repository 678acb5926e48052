import Foundation
import Testing
@testable import Galapagos

@Suite struct CSVDatasetTests {
    private func parse(_ text: String) throws -> CSVDataset {
        try CSVDataset.parse(data: Data(text.utf8), path: "bad.csv")
    }

    @Test func readsAWellFormedFile() throws {
        let table = try parse("a,b,label\n1,2,0\n3.5,-4e-1,1\n\n")
        #expect(table.featureNames == ["a", "b"])
        #expect(table.features == [1, 2, 3.5, -0.4])
        #expect(table.labels == [0, 1])
        #expect(table.classes == [0, 1])
    }

    @Test(arguments: [
        ("a,label\n1,0\n2\n", "bad.csv:3: expected 2 cells as in the header, found 1"),
        ("a,label\n1,0\nx,1\n", "bad.csv:3: column 'a': expected a number, found 'x'"),
        ("a,label\n1,0\nnan,1\n", "bad.csv:3: column 'a': missing value 'nan'"),
        ("a,label\n1,0\ninf,1\n", "bad.csv:3: column 'a': expected a finite number, found inf"),
        ("a,b\n1,0\n2,1\n", "bad.csv:1: expected a 'label' column in the header"),
        ("a,label\n1,0\n2,0\n", "bad.csv: expected at least two classes in 'label', found only 0"),
        ("a,label\n", "bad.csv:2: expected examples after the header, found none"),
        ("", "bad.csv: expected a header row and examples, found an empty file"),
        ("a,label\n1,0.5\n2,1\n", "bad.csv:2: column 'label': expected a whole-number class"),
    ])
    func badFilesNameFileAndLine(text: String, message: String) {
        #expect {
            _ = try parse(text)
        } throws: { error in
            let description = "\(error)"
            return description.hasPrefix(message) && !description.contains("\n")
        }
    }

    @Test func binaryGarbageIsRefused() {
        var random = RandomGenerator(seed: 11)
        let bytes = (0..<4_096).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        #expect {
            _ = try CSVDataset.parse(data: Data(bytes), path: "garbage.csv")
        } throws: { error in
            "\(error)".hasPrefix("garbage.csv: expected") && "\(error)".contains("binary")
        }
    }

    @Test func searchSpaceReportsTheCSVProblem() throws {
        let directory = NSTemporaryDirectory() + "galapagos-csv-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "a,b,label\n1,2,0\n3,4\n".write(toFile: directory + "/data.csv", atomically: true, encoding: .utf8)
        let yaml = """
            name: csv_test
            memory: {features: 2, scalars: 4, vectors: 2, matrices: 0}
            ops: [scalar_sum]
            setup: 0
            predict: 1
            learn: 0
            tasks:
              search: {generator: projected_binary, dataset: data.csv, count: 1}
            """
        try yaml.write(toFile: directory + "/space.yaml", atomically: true, encoding: .utf8)
        #expect {
            _ = try SearchSpace.load(path: directory + "/space.yaml")
        } throws: { error in
            "\(error)".hasPrefix(directory + "/data.csv:3: expected 3 cells")
        }
    }

    @Test func userCSVWithManyClassesGivesClassPairs() throws {
        let table = try parse("x,label\n1,0\n2,1\n3,2\n4,0\n5,1\n6,2\n")
        #expect(DatasetTaskSpec.allPairs(table.classes) == [[0, 1], [0, 2], [1, 2]])
    }
}
