import Foundation
import Galapagos

/// What one input did.
enum Outcome {
    /// The library refused the input with an error (the expected fate of most mutants).
    case rejected
    /// The library accepted the input and every property held.
    case accepted
    /// A property was violated: the message says which.
    case violation(String)
}

/// One fuzzing target: makes inputs and runs the library on them.
protocol FuzzTarget: AnyObject {
    /// The name used on the command line and in reports.
    var name: String { get }
    /// The next input, from the generator (deterministic for a given generator state).
    func next(using random: inout RandomGenerator) -> [UInt8]
    /// Runs the library on an input and checks its properties. Must not throw or trap: a
    /// trap is what the fuzzer looks for.
    func execute(_ input: [UInt8]) -> Outcome
    /// Told about every input's outcome (to grow the pool of interesting inputs).
    func record(_ input: [UInt8], outcome: Outcome, using random: inout RandomGenerator)
    /// Inputs run as they are before any mutation (the corpus seeds).
    var initialInputs: [[UInt8]] { get }
}

extension FuzzTarget {
    func record(_ input: [UInt8], outcome: Outcome, using random: inout RandomGenerator) {}
    var initialInputs: [[UInt8]] { [] }
}

/// A target whose inputs are byte mutations of a pool: its seeds, and every input the library
/// accepted (they reach deeper than seeds alone).
protocol PooledFuzzTarget: FuzzTarget {
    var pool: InputPool { get set }
    var mutator: ByteMutator { get }
}

extension PooledFuzzTarget {
    var initialInputs: [[UInt8]] { pool.seeds }

    func next(using random: inout RandomGenerator) -> [UInt8] {
        let base = pool.pick(using: &random)
        let other = pool.pick(using: &random)
        return mutator.mutate(base, other: other, using: &random)
    }

    func record(_ input: [UInt8], outcome: Outcome, using random: inout RandomGenerator) {
        if case .accepted = outcome { pool.add(input, using: &random) }
    }
}

/// Checks the contract of every user-facing error: a ``GalapagosError`` that prints as one
/// line and names the input's file first (or one of `others`, e.g. a dataset the file names).
func checkError(_ error: Error, file: String, others: [String] = []) -> String? {
    guard let error = error as? GalapagosError else {
        return "threw \(type(of: error)), not a GalapagosError: \(error)"
    }
    let text = error.description
    if text.contains("\n") || text.contains("\r") {
        return "error message is not one line: \(escaped(Array(text.utf8), limit: 400))"
    }
    if !text.hasPrefix(file) && !others.contains(where: { text.hasPrefix($0) }) {
        return "error message does not start with the file name '\(file)': \(text.prefix(300))"
    }
    return nil
}

/// Where the corpus and the shipped search spaces live.
struct Locations {
    /// The repository root (holds `searchspaces/`).
    var root: String
    /// `Tests/Fuzz/corpus` under the root, unless given.
    var corpus: String

    func corpusDirectory(_ target: String) -> String { "\(corpus)/\(target)" }

    /// The files directly in a directory whose names end with one of `extensions`, sorted.
    static func files(in directory: String, extensions: [String]) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { name in extensions.contains { name.hasSuffix($0) } }
            .sorted().map { "\(directory)/\($0)" }
    }

    static func read(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    /// The repository root: the first directory, from the current one upwards, that holds
    /// `Package.swift` and `searchspaces/`.
    static func findRoot() -> String? {
        var url = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        while true {
            let package = url.appendingPathComponent("Package.swift").path
            let spaces = url.appendingPathComponent("searchspaces").path
            if FileManager.default.fileExists(atPath: package),
               FileManager.default.fileExists(atPath: spaces) {
                return url.path
            }
            if url.path == "/" { return nil }
            url.deleteLastPathComponent()
        }
    }
}
