import Foundation
import GalapagosTestSupport
import Testing
@testable import Galapagos

// CSV tables for regression and classification: what is read, and one clear error naming
// file, line and column for every kind of bad file.

private func table(_ text: String, target: String = "y", kind: DataSpec.Kind = .regression,
                   drop: [String] = [], missing: DataSpec.MissingPolicy = .error) throws -> Table {
    try Table.parse(
        data: Data(text.utf8), path: "t.csv",
        spec: DataSpec(path: "t.csv", target: target, kind: kind, drop: drop, missing: missing))
}

/// Expects `body` to throw one line starting with `prefix`.
private func expectError(_ prefix: String, _ body: () throws -> Void, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    do {
        try body()
        Issue.record("expected an error starting with \(prefix)", sourceLocation: sourceLocation)
    } catch {
        let text = "\(error)"
        #expect(text.hasPrefix(prefix), "\(text)", sourceLocation: sourceLocation)
        #expect(!text.contains("\n"), sourceLocation: sourceLocation)
    }
}

@Suite struct TableTests {
    @Test func regressionTableKeepsValuesAndDropsColumns() throws {
        let t = try table("id,a,name,y\n1,0.5,x,-0.19\n2,1.5,y,3\n", drop: ["id", "name"])
        #expect(t.featureNames == ["a"])
        #expect(t.features == [0.5, 1.5])
        #expect(t.targets == [-0.19, 3])
        #expect(t.classNames.isEmpty)
    }

    @Test func textLabelsBecomeClassesInNameOrder() throws {
        let t = try table("a,species\n1,Gentoo\n2,Adelie\n3,Chinstrap\n4,Adelie\n", target: "species", kind: .classification)
        #expect(t.classNames == ["Adelie", "Chinstrap", "Gentoo"])
        #expect(t.targets == [2, 0, 1, 0])
        let numeric = try table("a,c\n1,10\n2,9\n3,10.0\n", target: "c", kind: .classification)
        #expect(numeric.classNames == ["9", "10"])  // by value, "10.0" is class "10"
        #expect(numeric.targets == [1, 0, 1])
    }

    @Test func missingCellsAreAnErrorOrDropped() throws {
        expectError("t.csv:3: column 'a': missing value 'NA'") {
            _ = try table("a,y\n1,2\nNA,3\n4,5\n")
        }
        let dropped = try table("a,y\n1,2\nNA,3\n4,\n6,7\n", missing: .drop)
        #expect(dropped.count == 2)
        #expect(dropped.droppedRows == 2)
        #expect(dropped.lines == [2, 5])
        // A dropped column's missing cells do not count.
        #expect(try table("a,b,y\n1,,2\n2,,3\n", drop: ["b"]).count == 2)
    }

    /// Found by fuzzing: a NaN label used to become class 0 and then trap converting to Int.
    @Test func nanIsMissingAndNonFiniteLabelsAreNames() throws {
        expectError("t.csv:3: column 'c': missing value 'nan'") {
            _ = try table("a,c\n1,6\n2,nan\n3,7\n", target: "c", kind: .classification)
        }
        let names = try table("a,c\n1,inf\n2,1\n3,-inf\n", target: "c", kind: .classification)
        #expect(names.classNames == ["-inf", "1", "inf"])
        #expect(names.targets == [2, 1, 0])
        expectError("t.csv:2: column 'c': expected a whole-number class, found inf") {
            _ = try CSVDataset.parse(data: Data("a,c\n1,inf\n2,1\n".utf8), path: "t.csv", labelColumn: "c")
        }
    }

    @Test func quotedCellsAndByteOrderMarks() throws {
        let t = try table("\u{FEFF}\"a\",\"name, full\",y\n1,\"Smith, J\",2\n3,\"say \"\"hi\"\"\",4\n", drop: ["name, full"])
        #expect(t.featureNames == ["a"])
        #expect(t.targets == [2, 4])
        expectError("t.csv:2: expected a closing quote") { _ = try table("a,y\n1,\"2\n") }
    }

    @Test(arguments: [
        ("a,y\n1,2\n3\n", "t.csv:3: expected 2 cells as in the header, found 1"),
        ("a,y\n1,2\nabc,3\n", "t.csv:3: column 'a': expected a number, found 'abc' (a text column?"),
        ("a,y\n1,2\nnan,3\n", "t.csv:3: column 'a': missing value 'nan'"),
        ("a,y\n1,2\ninf,3\n", "t.csv:3: column 'a': expected a finite number, found inf"),
        ("a,y\n1,2\n2,\n", "t.csv:3: column 'y': missing value ''"),
        ("a,b\n1,2\n", "t.csv:1: expected a 'y' column in the header (the target)"),
        ("a,y\n1,5\n2,5\n", "t.csv: column 'y': the target is 5.0 in every row"),
        ("a,y\n", "t.csv:2: expected examples after the header, found none"),
        ("", "t.csv: expected a header row and examples, found an empty file"),
        ("y\n1\n2\n", "t.csv:1: expected at least one feature column besides 'y'"),
    ])
    func badRegressionFiles(text: String, message: String) {
        expectError(message) { _ = try table(text) }
    }

    @Test func oneClassIsRefused() {
        expectError("t.csv: expected at least two classes in 'y', found only cat") {
            _ = try table("a,y\n1,cat\n2,cat\n", kind: .classification)
        }
    }

    @Test func binaryGarbageIsRefused() {
        var random = RandomGenerator(seed: 5)
        let bytes = (0..<4_096).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        expectError("g.csv: expected") {
            _ = try Table.parse(data: Data(bytes), path: "g.csv", spec: DataSpec(path: "g.csv", target: "y", kind: .regression))
        }
    }

    @Test func aMillionColumnsAreRefusedAtTheHeader() {
        let header = (0..<1_000_000).map { "c\($0)" }.joined(separator: ",") + "\n"
        expectError("t.csv:1: expected at most 10000 columns, found 1000000") {
            _ = try table(header + "1\n")
        }
    }

    @Test func aTwoGigabyteFileIsRefusedBeforeReading() throws {
        let directory = try temporaryDirectory()
        let path = directory + "/huge.csv"
        #expect(FileManager.default.createFile(atPath: path, contents: Data("a,y\n".utf8)))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 2 << 30)  // sparse: nothing is written
        try handle.close()
        expectError(path + ": file is 2048 MiB, larger than the 256 MiB limit") {
            _ = try DataSource.directory(directory).read("huge.csv", limit: CSVDataset.maximumFileSize)
        }
    }

    @Test func regressionTasksAreZScoredAndPermutedPerTask() throws {
        let directory = try temporaryDirectory()
        var csv = "a,b,c,y\n"
        for i in 0..<60 { csv += "\(i),\(2 * i % 7),\(i % 3),\(100 + 3 * Double(i))\n" }
        try csv.write(toFile: directory + "/d.csv", atomically: true, encoding: .utf8)
        let yaml = """
            name: t
            memory: {features: 3, scalars: 4, vectors: 3, matrices: 0}
            ops: [scalar_sum]
            setup: 0
            predict: 1
            learn: 1
            data: {dataset: d.csv, target: y}
            tasks:
              search: {generator: csv, count: 3}
            """
        let space = try SearchSpace.parse(yaml, file: "t.yaml", baseDirectory: directory)
        guard case let .table(spec) = space.searchTasks.generator else {
            Issue.record("expected csv tasks")
            return
        }
        #expect(spec.permute && spec.standardize && !spec.project)
        let tasks = space.tasks(.search, runSeed: 1)
        for task in tasks {
            let labels = task.train.labels
            let mean = labels.reduce(0, +) / Double(labels.count)
            #expect(abs(mean) < 1e-9)
        }
        // Three tasks, three resamples: their first training rows differ.
        #expect(Set(tasks.map { $0.train.features.prefix(3).map(\.bitPattern) }).count == 3)
        let layout = spec.layout(features: 3, dataSeed: 7, paramSeed: 8)
        #expect(abs(layout.transform.target(fromScaled: layout.transform.scaledTarget(123.5)) - 123.5) < 1e-9)
    }

    @Test func aMetricMustFitTheTask() throws {
        let directory = try temporaryDirectory()
        try "a,y\n1,2\n2,3\n3,5\n4,4\n5,6\n6,7\n7,7\n8,9\n".write(toFile: directory + "/d.csv", atomically: true, encoding: .utf8)
        let yaml = """
            name: t
            memory: {features: 1, scalars: 4, vectors: 3, matrices: 0}
            ops: [scalar_sum]
            setup: 0
            predict: 1
            learn: 0
            data: {dataset: d.csv, target: y}
            tasks:
              search: {generator: csv, metric: accuracy}
            """
        expectError("t.yaml:9: tasks.search.metric: expected a regression metric (rms, r2, mae), found accuracy") {
            _ = try SearchSpace.parse(yaml, file: "t.yaml", baseDirectory: directory)
        }
    }
}
