// galapagos-fuzz: in-process, mutation-based fuzzing of every input Galapagos reads, and of the
// interpreter on random programs. See RELIABILITY.md for what each target checks and the
// figures of a default run.
import Foundation
import Galapagos

let usage = """
    USAGE: galapagos-fuzz [--seed N] [--inputs N] [--seconds S] [--target NAME[,NAME…]]
                          [--root DIR] [--corpus DIR] [--failures DIR] [--hang-seconds S]
           galapagos-fuzz --replay FILE [--target NAME]

    Mutation-based fuzzing of the program parser, the search-space loader, the CSV loader, the
    run-file (snapshot) reader and the interpreter, deterministic for a given --seed.

    OPTIONS:
      --seed N           seed of every random choice (default 1)
      --inputs N         inputs per target (default 100000); the snapshot target, slow per
                         input (two SQLite opens and a resume), runs N/20 (default 5000)
      --seconds S        time budget for the whole run (default 240): each target gets an equal
                         share of what is left when it starts and stops early when it runs out
      --target NAMES     targets to run, comma-separated (default: parser,searchspace,csv,
                         snapshot,executor)
      --root DIR         the repository (default: found from the current directory upwards)
      --corpus DIR       the seed corpus (default: ROOT/Tests/Fuzz/corpus)
      --failures DIR     where failing inputs are saved (default: ./fuzz-failures)
      --hang-seconds S   an input running longer than this is reported as a hang (default 60)
      --replay FILE      run one saved input (the target is taken from --target or from the
                         file name, <target>-seed…) and report what it does
      --no-guard         leave crashes to the Swift runtime (for its backtrace, with
                         SWIFT_BACKTRACE=enable=yes) instead of reporting the input

    OUTPUT: one line per target, `fuzz <target>: N inputs, F failures, S s (A accepted)`, then
    `fuzz: T passed, F failed`. Exit status 0 when every target passed, 1 on any failure (a
    violated property, a crash, a hang), 2 on a usage error. A failure prints the target, seed,
    iteration and the input (escaped), and saves the input for --replay.
    """

struct Options {
    var seed: UInt64 = 1
    var inputs = 100_000
    var seconds = 240.0
    var targets = ["parser", "searchspace", "csv", "snapshot", "executor"]
    var root: String?
    var corpus: String?
    var failures = "fuzz-failures"
    var hangSeconds = 60
    var replay: String?
    var targetGiven = false
    var guardCrashes = true

    static let allTargets = ["parser", "searchspace", "csv", "snapshot", "executor"]

    static func parse(_ arguments: [String]) -> Options? {
        var options = Options()
        var index = 0
        func value() -> String? {
            index += 1
            return index < arguments.count ? arguments[index] : nil
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--seed":
                guard let text = value(), let seed = UInt64(text) else { return nil }
                options.seed = seed
            case "--inputs":
                guard let text = value(), let count = Int(text), count >= 0 else { return nil }
                options.inputs = count
            case "--seconds":
                guard let text = value(), let seconds = Double(text), seconds > 0 else { return nil }
                options.seconds = seconds
            case "--target", "--targets":
                guard let text = value() else { return nil }
                let names = text.split(separator: ",").map(String.init)
                guard !names.isEmpty, names.allSatisfy(allTargets.contains) else { return nil }
                options.targets = names
                options.targetGiven = true
            case "--root":
                guard let text = value() else { return nil }
                options.root = text
            case "--corpus":
                guard let text = value() else { return nil }
                options.corpus = text
            case "--failures":
                guard let text = value() else { return nil }
                options.failures = text
            case "--hang-seconds":
                guard let text = value(), let seconds = Int(text), seconds > 0 else { return nil }
                options.hangSeconds = seconds
            case "--no-guard":
                options.guardCrashes = false
            case "--replay":
                guard let text = value() else { return nil }
                options.replay = text
            default:
                return nil
            }
            index += 1
        }
        return options
    }
}

/// Standard output, unbuffered line by line (progress matters when a run is cut short).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func makeTarget(_ name: String, options: Options, locations: Locations) throws -> FuzzTarget {
    switch name {
    case "parser": return ParserTarget(locations: locations)
    case "searchspace": return SearchSpaceTarget(locations: locations)
    case "csv": return CSVTarget(locations: locations)
    case "snapshot": return try SnapshotTarget(seed: options.seed, locations: locations)
    default: return ExecutorTarget(locations: locations)
    }
}

/// Saves a failing input and prints the report.
func reportFailure(
    target: String, seed: UInt64, iteration: Int, input: [UInt8], message: String, failures: String
) {
    try? FileManager.default.createDirectory(atPath: failures, withIntermediateDirectories: true)
    let path = "\(failures)/\(target)-seed\(seed)-iteration\(iteration)"
    let saved = FileManager.default.createFile(atPath: path, contents: Data(input))
    say("fuzz \(target): FAILURE at seed \(seed) iteration \(iteration): "
        + message.replacingOccurrences(of: "\n", with: "\n    "))
    if saved { say("  replay: galapagos-fuzz --target \(target) --replay \(path)") }
    say("  input (\(input.count) bytes): \(escaped(input))")
}

func replay(_ path: String, options: Options, locations: Locations) -> Int32 {
    guard let input = Locations.read(path) else {
        say("fuzz: cannot read \(path)")
        return 2
    }
    let fileName = (path as NSString).lastPathComponent
    let inferred = Options.allTargets.first { fileName.hasPrefix($0 + "-") }
    guard let name = options.targetGiven ? options.targets.first : inferred else {
        say("fuzz: name the target of \(path) with --target")
        return 2
    }
    let target: FuzzTarget
    do {
        target = try makeTarget(name, options: options, locations: locations)
    } catch {
        say("fuzz \(name): cannot start: \(error)")
        return 1
    }
    CrashGuard.prepare(target: name, seed: options.seed, failureDirectory: options.failures)
    let outcome = CrashGuard.guarding(input, iteration: 0) { target.execute(input) }
    switch outcome {
    case .accepted:
        say("fuzz \(name): \(path): accepted, every property holds")
        return 0
    case .rejected:
        say("fuzz \(name): \(path): refused with a proper error")
        return 0
    case let .violation(message):
        say("fuzz \(name): \(path): FAILURE: \(message)")
        return 1
    }
}

func run(options: Options, locations: Locations) -> Int32 {
    let clock = ContinuousClock()
    let started = clock.now
    let budget = Duration.milliseconds(Int64(options.seconds * 1_000))
    let snapshotInputs = options.inputs / 20
    say("fuzz: seed \(options.seed), \(options.inputs) inputs per target (snapshot \(snapshotInputs)),"
        + " time budget \(Int(options.seconds)) s")
    var passed = 0, failed = 0
    for (position, name) in options.targets.enumerated() {
        let targetStart = clock.now
        let remaining = budget - (targetStart - started)
        let deadline = targetStart + remaining / (options.targets.count - position)
        let target: FuzzTarget
        do {
            target = try makeTarget(name, options: options, locations: locations)
        } catch {
            say("fuzz \(name): cannot start: \(error)")
            failed += 1
            continue
        }
        CrashGuard.prepare(target: name, seed: options.seed, failureDirectory: options.failures)
        var random = RandomGenerator(
            seed: RandomGenerator.derive(options.seed, UInt64(Options.allTargets.firstIndex(of: name) ?? 0)))
        let count = name == "snapshot" ? snapshotInputs : options.inputs
        let seeds = target.initialInputs
        var failures = 0, accepted = 0, done = 0
        var outOfTime = false
        for iteration in 0..<count {
            if clock.now >= deadline {
                outOfTime = true
                break
            }
            let input = iteration < seeds.count ? seeds[iteration] : target.next(using: &random)
            let outcome = CrashGuard.guarding(input, iteration: iteration) { target.execute(input) }
            done += 1
            switch outcome {
            case .accepted:
                accepted += 1
            case .rejected:
                break
            case let .violation(message):
                failures += 1
                if failures <= 5 {
                    reportFailure(
                        target: name, seed: options.seed, iteration: iteration, input: input,
                        message: message, failures: options.failures)
                }
            }
            target.record(input, outcome: outcome, using: &random)
        }
        let seconds = (clock.now - targetStart).seconds
        let percent = done > 0 ? Double(accepted) * 100 / Double(done) : 0
        say("fuzz \(name): \(done) inputs, \(failures) failures, \(String(format: "%.1f", seconds)) s"
            + " (\(String(format: "%.1f", percent))% accepted)"
            + (outOfTime ? " — stopped by the time budget before \(count)" : ""))
        if failures == 0 { passed += 1 } else { failed += 1 }
    }
    say("fuzz: \(passed) passed, \(failed) failed")
    return failed == 0 ? 0 : 1
}

guard let options = Options.parse(Array(CommandLine.arguments.dropFirst())) else {
    let arguments = CommandLine.arguments.dropFirst()
    if arguments.contains("--help") || arguments.contains("-h") {
        print(usage)
        exit(0)
    }
    FileHandle.standardError.write(Data(("galapagos-fuzz: bad arguments\n\n" + usage + "\n").utf8))
    exit(2)
}
guard let root = options.root ?? Locations.findRoot() else {
    FileHandle.standardError.write(Data("galapagos-fuzz: cannot find the repository (use --root)\n".utf8))
    exit(2)
}
let locations = Locations(root: root, corpus: options.corpus ?? "\(root)/Tests/Fuzz/corpus")
if options.guardCrashes { CrashGuard.install(hangSeconds: options.hangSeconds) }
if let path = options.replay {
    exit(replay(path, options: options, locations: locations))
}
exit(run(options: options, locations: locations))
