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
    private let tableInterval: Double?
    private var lastTable: ContinuousClock.Instant

    /// - Parameters:
    ///   - startIndividuals: individuals produced before this session (after `resume`), left
    ///     out of the rate.
    ///   - tableInterval: seconds between tables of the best programs (`nil`: none).
    init(quiet: Bool, logInterval: Double = 10, startIndividuals: Int = 0, tableInterval: Double? = 60) {
        self.startIndividuals = startIndividuals
        self.tableInterval = tableInterval
        lastTable = ContinuousClock().now
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
        if let tableInterval, (now - lastTable).seconds >= tableInterval {
            lastTable = now
            let table = Self.bestPrograms(engine, width: isTerminal ? Self.terminalColumns() - 1 : 160)
            FileHandle.standardError.write(Data(((isTerminal ? "\r\u{1B}[K" : "") + table).utf8))
        }
        let line = Self.describe(
            engine.progress, seconds: elapsed, sessionIndividuals: engine.individuals - startIndividuals)
        if isTerminal {
            // One column short of the width: a full line would wrap on some terminals.
            let width = max(20, Self.terminalColumns() - 1)
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + String(line.prefix(width))).utf8))
        } else {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    /// The width of the terminal on stderr (redrawn lines must not wrap), `COLUMNS`, or 80.
    static func terminalColumns() -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 80
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
        let best = progress.islandBest.compactMap { $0 }.max().map { String(format: "%.5f", $0) } ?? "-"
        // Most important first: a narrow terminal cuts the end of the line.
        return String(
            format: "%7.1fs  %@ individuals  %@/s  best %@  select %@  FEC %.0f%%  islands %@",
            seconds, format(progress.individuals), format(Int(rate)), best, select, hitRate, shown)
    }

    /// A small table of the hall of fame's best programs: fitness, size once simplified, and
    /// the simplified program on one line when it fits.
    static func bestPrograms(_ engine: Engine, count: Int = 5, width: Int) -> String {
        let members = engine.hallOfFame.members.sorted { $0.fitness > $1.fitness }.prefix(count)
        guard !members.isEmpty else { return "" }
        let simplifier = ProgramSimplifier(shape: engine.space.memory, protocol: engine.space.callProtocol)
        var lines = ["best programs so far (fitness on the search tasks, size once simplified):",
                     "  fitness   size  member    program"]
        for member in members {
            let program = engine.space.objective == .program
                ? (try? simplifier.simplify(member.program).program) ?? member.program : member.program
            let head = "  " + Console.pad(String(format: "%.6f", member.fitness), 10)
                + Console.pad("\(program.instructionCount)", 6) + Console.pad("\(member.id)", 10)
            let text = oneLine(program)
            let room = max(0, width - head.count)
            lines.append(head + (text.count <= room ? text : String(text.prefix(max(0, room - 1))) + "…"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A program on one line: `setup: a; b | predict: c | learn: d`.
    static func oneLine(_ program: Program) -> String {
        Component.allCases.compactMap { component -> String? in
            let instructions = program[component]
            guard !instructions.isEmpty else { return nil }
            let body = instructions.map { ProgramPrinter.format($0) }
            return "\(component.name): " + body.joined(separator: "; ")
        }.joined(separator: " | ")
    }

    private static func format(_ value: Int) -> String {
        value >= 10_000_000 ? "\(value / 1_000_000)M"
            : value >= 100_000 ? "\(value / 1_000)k" : "\(value)"
    }
}
