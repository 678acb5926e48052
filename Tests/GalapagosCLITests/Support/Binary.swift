import Foundation
import GalapagosTestSupport
import Testing

// Running the built `galapagos` binary from the command-line tests.

/// The `galapagos` executable built next to this test bundle.
func galapagosExecutable() throws -> URL {
    var directories: [URL] = []
    if let executable = Bundle.main.executableURL {
        directories.append(executable.deletingLastPathComponent())
    }
    directories.append(Bundle.main.bundleURL)
    directories.append(Bundle.main.bundleURL.deletingLastPathComponent())
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        directories.append(bundle.bundleURL.deletingLastPathComponent())
    }
    if let first = CommandLine.arguments.first {
        directories.append(URL(fileURLWithPath: first).deletingLastPathComponent())
    }
    for directory in directories {
        let candidate = directory.appendingPathComponent("galapagos")
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory),
           !isDirectory.boolValue, FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate
        }
    }
    Issue.record("no galapagos executable in \(directories.map(\.path))")
    throw CancellationError()
}

/// What a run of the binary printed and returned.
struct Outcome {
    var status: Int32
    var stdout: String
    var stderr: String

    var stdoutLines: [String] { lines(stdout) }
    var stderrLines: [String] { lines(stderr) }
}

/// Runs the binary to completion and collects its output.
///
/// - Parameter directory: the working directory (default: the test process's).
func galapagos(_ arguments: [String], in directory: String? = nil) throws -> Outcome {
    let process = Process()
    process.executableURL = try galapagosExecutable()
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read both pipes to the end before waiting, so that a full pipe cannot block the child.
    final class Box: @unchecked Sendable { var data = Data() }
    let stderrBox = Box()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        stderrBox.data = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return Outcome(
        status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
        stderr: String(decoding: stderrBox.data, as: UTF8.self))
}

/// The non-empty lines of a text.
func lines(_ text: String) -> [String] {
    text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
}
