import Foundation
import GRDB
import GalapagosTestSupport
import Testing
@testable import Galapagos

/// Bugs found by `galapagos-fuzz` (see RELIABILITY.md), each reduced to its smallest input.
@Suite struct FuzzRegressionTests {
    // MARK: csv

    /// `"\r\n"` is one Character in Swift, so splitting the text on `"\n"` left a CRLF file as
    /// one long line: a Windows-exported CSV was refused ("expected a 'label' column").
    @Test func crlfCSVIsReadLineByLine() throws {
        let table = try CSVDataset.parse(
            data: Data("a,b,label\r\n1.5,2,0\r\n-3e2,4.25,1\r\n0,-0,0\r\n".utf8), path: "crlf.csv")
        #expect(table.count == 3)
        #expect(table.featureNames == ["a", "b"])
        #expect(table.features == [1.5, 2, -300, 4.25, 0, -0.0])
        #expect(table.labels == [0, 1, 0])
    }

    // MARK: one-line errors

    /// Messages quote the input, and the input can hold line breaks (a YAML value with `\n`, a
    /// CSV cell with a lone `\r`): every error must still print as one line.
    @Test func errorsQuotingLineBreaksStayOnOneLine() {
        let yaml = """
            name: x
            memory: {features: 4, scalars: 4, vectors: 3, matrices: "0\\nscalar_exp\\r, x"}
            ops: [scalar_sum]
            setup: 1
            predict: 1
            learn: 1
            tasks: {search: {generator: scalar_linear_regression, train: 5, valid: 5}}
            """
        #expect {
            _ = try SearchSpace.parse(yaml, file: "lines.yaml")
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("lines.yaml:2") && text.contains("matrices")
                && !text.contains("\n") && !text.contains("\r") && text.contains("\\n")
        }
        #expect {
            _ = try CSVDataset.parse(data: Data("x,label\n1\r2,0\n3,1\n".utf8), path: "cell.csv")
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("cell.csv:2") && !text.contains("\r") && !text.contains("\n")
        }
        #expect(GalapagosError.run("a\nb\u{2028}c\u{7}").description == "a\\nb\\u{2028}c\\u{7}")
    }

    // MARK: searchspace

    /// A loss search space with two scalars was accepted, and the first evaluation trapped
    /// (index out of range): the loss reads the logit from `s2`.
    @Test func lossWithoutALogitRegisterIsRefused() throws {
        let directory = try temporaryDirectory()
        var rows = ["x1,x2,label"]
        for index in 0..<20 { rows.append("\(index),\(index % 3),\(index % 2)") }
        try rows.joined(separator: "\n").write(toFile: directory + "/two.csv", atomically: true, encoding: .utf8)
        let text = """
            name: loss_two_scalars
            memory: {features: 2, scalars: 2, vectors: 1, matrices: 0}
            objective: {kind: loss, model: logistic}
            ops: [scalar_sum, scalar_product]
            setup: 0
            predict: {min: 1, max: 4, initial: 2}
            learn: 0
            tasks:
              search: {generator: projected_binary, dataset: two.csv, count: 1}
            """
        #expect {
            _ = try SearchSpace.parse(text, file: "loss.yaml", baseDirectory: directory)
        } throws: { error in
            "\(error)".hasPrefix("loss.yaml:2") && "\(error)".contains("logit")
        }
        _ = try SearchSpace.parse(
            text.replacingOccurrences(of: "scalars: 2", with: "scalars: 3"), file: "loss.yaml",
            baseDirectory: directory)
        let program = try ProgramParser().parse("# galapagos program v1\ndef predict():\n  s1 = s0 + s0\n")
        #expect(DualMachine(program: program, scalars: 2) == nil)
        #expect(DualMachine(program: program, scalars: 3) != nil)
    }

    // MARK: snapshot

    private func recordRun(_ directory: String) throws -> String {
        let path = directory + "/run.sqlite"
        let recorded = try RecordedRun.start(
            space: try smallLinearSpace(islands: 2, population: 12),
            configuration: RunConfiguration(
                searchSpacePath: directory + "/absent.yaml", overrides: SearchSpaceOverrides(),
                seed: 3, targetFitness: 2, selectEvery: 50, hallOfFameSize: 8, seedPrograms: [],
                maxIndividuals: nil, maxSeconds: nil),
            settings: EngineSettings(seed: 3, maxIndividuals: 240, targetFitness: 2),
            path: path, name: "run", policy: .individuals(80))
        _ = try recorded.run()
        recorded.close()
        return path
    }

    /// Damages a copy of the run file with SQL, after dropping the schema's NOT NULL.
    private func damaged(_ path: String, _ name: String, _ statements: [String]) throws -> String {
        let copy = (path as NSString).deletingLastPathComponent + "/\(name).sqlite"
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        let queue = try DatabaseQueue(path: copy)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA writable_schema = ON")
            try db.execute(sql: "UPDATE sqlite_master SET sql = replace(sql, 'NOT NULL', '') WHERE type = 'table'")
            try db.execute(sql: "PRAGMA writable_schema = OFF")
        }
        try queue.close()
        let reopened = try DatabaseQueue(path: copy)
        try reopened.writeWithoutTransaction { db in
            for statement in statements { try db.execute(sql: statement) }
        }
        try reopened.close()
        return copy
    }

    /// GRDB's `row["column"]` traps (`try!`) on NULL, on a missing column and on a value of
    /// another type; a damaged run file crashed `inspect` and `resume`. Now: one line naming
    /// the file.
    @Test func damagedRecordsGiveErrorsNotTraps() throws {
        let directory = try temporaryDirectory()
        let path = try recordRun(directory)
        func refused(_ body: () throws -> Void, file: String) -> Bool {
            do {
                try body()
                return false
            } catch {
                let text = "\(error)"
                return text.hasPrefix(file) && text.contains("damaged") && !text.contains("\n")
            }
        }
        let nullBirth = try damaged(path, "null-birth", ["UPDATE member SET birth = NULL"])
        #expect(refused({ _ = try RunReader(path: nullBirth).members(island: 0) }, file: nullBirth))
        #expect(refused({
            _ = try RecordedRun.resume(path: nullBirth, workers: 1, additionalIndividuals: 1, policy: .seconds(5))
        }, file: nullBirth))

        let textID = try damaged(path, "text-id", ["UPDATE kept SET id = 'x'"])
        #expect(refused({ _ = try RunReader(path: textID).hallOfFame() }, file: textID))

        let nullConfiguration = try damaged(path, "null-configuration", ["UPDATE run SET configuration = NULL"])
        #expect(refused({ _ = try RunReader(path: nullConfiguration).run() }, file: nullConfiguration))

        let renamed = try damaged(path, "renamed", ["ALTER TABLE statistic RENAME COLUMN fec_hits TO hits"])
        #expect(refused({ _ = try RunReader(path: renamed).statistics() }, file: renamed))

        // The undamaged file still reads and resumes.
        let reader = try RunReader(path: path)
        #expect(try !reader.members(island: 0).isEmpty)
        #expect(try !reader.statistics().isEmpty)
    }

    /// A checkpoint whose counter was at Int.max resumed, then trapped on `+= 1` (arithmetic
    /// overflow) at the first child; resume now refuses it, naming the file.
    @Test func overflowingCountersAreRefusedOnResume() throws {
        let directory = try temporaryDirectory()
        let path = try recordRun(directory)
        let file = try damaged(path, "overflow", ["UPDATE island SET individuals_since_start = 9223372036854775807"])
        #expect {
            _ = try RecordedRun.resume(path: file, workers: 1, additionalIndividuals: 24, policy: .seconds(5))
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix(file) && text.contains("counter")
        }
    }

    /// `NSString.deletingLastPathComponent` traps in swift-corelibs-foundation on a relative
    /// one-character path; a run file whose configuration names the search space `x` (and, as
    /// older files do, no directory) crashed `inspect` and `resume`, and so did
    /// `--searchspace a`.
    @Test func oneCharacterPathsHaveADirectory() throws {
        #expect(directoryPart(of: "a") == "")
        #expect(directoryPart(of: "a/") == "")
        #expect(directoryPart(of: "a//") == "")
        #expect(directoryPart(of: "") == "")
        #expect(directoryPart(of: "/") == "/")
        #expect(directoryPart(of: "/a") == "/")
        #expect(directoryPart(of: "dir/a") == "dir")
        #expect(directoryPart(of: "dir/linear_demo.yaml") == "dir")
        #expect(directoryPart(of: "linear_demo.yaml") == "")
        let here = (FileManager.default.currentDirectoryPath as NSString).standardizingPath
        let configuration = RunConfiguration(
            searchSpacePath: "a", overrides: SearchSpaceOverrides(), seed: 1, targetFitness: nil,
            selectEvery: 10, hallOfFameSize: 5, seedPrograms: [], maxIndividuals: nil, maxSeconds: nil)
        #expect(configuration.searchSpaceDirectory == here)
        let json = #"{"hallOfFameSize":8,"overrides":{},"searchSpacePath":"x","seed":"3","seedPrograms":[],"selectEvery":50}"#
        let decoded = try JSONDecoder().decode(RunConfiguration.self, from: Data(json.utf8))
        #expect(decoded.searchSpaceDirectory == here)
    }

    /// Restoring an engine checks what a damaged state could break: a pending child on an
    /// island that does not exist (index out of range), bandits shaped for another search space
    /// (index out of range), statistics arrays of different lengths.
    @Test func inconsistentStatesAreRefused() throws {
        let space = try smallLinearSpace(islands: 2, population: 12, adaptive: true)
        let settings = EngineSettings(seed: 1, maxIndividuals: 100)
        let engine = Engine(space: space, settings: settings)
        _ = engine.run()
        _ = try Engine(space: space, settings: settings, state: engine.state)

        var strayChild = engine.state
        strayChild.pending.append(EngineState.PendingChild(
            island: 7, parentID: nil, parentFitness: 0, arm: -1, operatorArm: -1, rewardScale: 1,
            program: Program(), fingerprint: 0, fitness: 0, cachedAtStart: false, origin: .random))
        var otherSelection = engine.state
        otherSelection.scalars.selection = ParentSelection(kind: .ucb, islands: 2, tournamentSize: 5)
        var otherOperators = engine.state
        otherOperators.scalars.operatorBandit = Bandit(arms: 2, policy: .thompson)
        var negative = engine.state
        negative.scalars.nextMemberID = -1
        // Negative bandit rewards sent Thompson sampling's Gamma deviate into unbounded
        // recursion (a stack overflow, SIGSEGV) at the first proposal.
        var negativeRewards = engine.state
        let bandit = try #require(negativeRewards.scalars.operatorBandit)
        var fields = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(bandit)) as? [String: Any])
        fields["rewards"] = Array(repeating: -1e308, count: bandit.arms)
        negativeRewards.scalars.operatorBandit = try JSONDecoder().decode(
            Bandit.self, from: JSONSerialization.data(withJSONObject: fields))
        for state in [strayChild, otherSelection, otherOperators, negative, negativeRewards] {
            #expect(throws: GalapagosError.self) {
                _ = try Engine(space: space, settings: settings, state: state)
            }
        }
    }
}
