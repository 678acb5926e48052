import Foundation
import Galapagos

/// Shows a run's progress on stderr: one line redrawn in place on a terminal, a log line every
/// `interval` seconds otherwise.
final class ProgressDisplay {
    private let isTerminal: Bool
    private let interval: Double
    private let start: ContinuousClock.Instant
    private var lastDraw: ContinuousClock.Instant
    private let clock = ContinuousClock()
    private let quiet: Bool
    private let startIndividuals: Int

    /// - Parameter startIndividuals: individuals produced before this session (after
    ///   `resume`), left out of the rate.
    init(quiet: Bool, logInterval: Double = 10, startIndividuals: Int = 0) {
        self.startIndividuals = startIndividuals
        isTerminal = isatty(STDERR_FILENO) != 0
        interval = isTerminal ? 0.2 : logInterval
        start = clock.now
        lastDraw = clock.now
        self.quiet = quiet
    }

    var elapsed: Double { (clock.now - start).seconds }

    func update(_ engine: Engine, force: Bool = false) {
        guard !quiet else { return }
        let now = clock.now
        guard force || (now - lastDraw).seconds >= interval else { return }
        lastDraw = now
        let line = Self.describe(
            engine.progress, seconds: elapsed, sessionIndividuals: engine.individuals - startIndividuals)
        if isTerminal {
            let width = 160
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + String(line.prefix(width))).utf8))
        } else {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    /// Ends the in-place line so that later output starts on a fresh line.
    func finish() {
        if isTerminal && !quiet { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func describe(_ progress: EngineProgress, seconds: Double, sessionIndividuals: Int) -> String {
        let rate = seconds > 0 ? Double(sessionIndividuals) / seconds : 0
        let hitRate = progress.individuals > 0
            ? 100 * Double(progress.fecHits) / Double(progress.individuals) : 0
        let islands = progress.islandBest.map { $0.map { String(format: "%.5f", $0) } ?? "-" }
        let shown = islands.count > 8
            ? islands.prefix(8).joined(separator: " ") + " …" : islands.joined(separator: " ")
        let select = progress.selectFitness.map { String(format: "%.6f", $0) } ?? "-"
        return String(
            format: "%8.1fs  %@ individuals  %@/s  FEC %.1f%%  select %@  best/island %@",
            seconds, format(progress.individuals), format(Int(rate)), hitRate, select, shown)
    }

    private static func format(_ value: Int) -> String {
        value >= 10_000_000 ? "\(value / 1_000_000)M"
            : value >= 100_000 ? "\(value / 1_000)k" : "\(value)"
    }
}
