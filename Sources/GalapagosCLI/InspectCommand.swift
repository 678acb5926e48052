import ArgumentParser
import Foundation
import Galapagos
#if Hub
import GalapagosHub
#endif

/// `galapagos inspect`: looks inside a run file, read-only.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what a run file holds: settings, islands, hall of fame, lineages.",
        discussion: """
            Opens the file read-only (it may still be being written) and never creates one.

            --json prints one object: {"run": {name, searchspace, searchspace_path, seed, \
            status, stop_reason, version}, "progress": {individuals, seconds, \
            individuals_per_second, fec_hits, fec_hit_rate, migrations}, "islands": [{island, \
            size, best, mean, diversity}], "hall_of_fame": [{rank, id, fitness, size, origin, \
            parent_id, program}], "pareto": [{size, id, fitness}], "selected": {id, fitness} \
            or null}; with --program ID: {"program": {...}, "lineage": [{id, fitness, origin, \
            parent_id}]}; with --island I: {"island": I, "members": [...]}.

            Examples:
              galapagos inspect populations/example-linear_demo.sqlite
              galapagos inspect run.sqlite --program 197133
              galapagos inspect run.sqlite --csv statistics > stats.csv
              galapagos inspect run.sqlite --html report.html
              galapagos inspect postgres://galapagos@db.example/galapagos --run demo1 --json
            """
    )

    @Argument(help: "The run file (.sqlite), or a hub's postgres:// URL with --run.")
    var runFile: String

    @Option(name: .customLong("run"), help: "With a hub URL: the run's name.")
    var runName: String?

    @Option(help: "Hall-of-fame entries (or island members) to show (text: 5; --json and --csv: all).")
    var top: Int?

    @Option(help: "Show one island's members, fittest first.")
    var island: Int?

    @Option(help: "Show one program and its lineage (chain of parents).")
    var program: Int?

    @Flag(help: "Print one JSON object as the last line of stdout.")
    var json = false

    @Option(help: "Print CSV: hall (hall of fame) or statistics.")
    var csv: CSVTable?

    @Option(help: "Write a self-contained HTML report to this file.")
    var html: String?

    enum CSVTable: String, ExpressibleByArgument, CaseIterable {
        case hall
        case statistics
    }

    func validate() throws {
        if let top, top < 1 { throw ValidationError("--top must be at least 1") }
    }

    func run() throws {
        let reader = try RunInput.records(runFile, run: runName)
        if let html {
            let text = try HTMLReport(reader: reader).render()
            do {
                try text.write(toFile: html, atomically: true, encoding: .utf8)
            } catch {
                throw GalapagosError.io(path: html, "cannot write the report (\(error.localizedDescription))")
            }
            if !json { print("wrote \(html)") }
        }
        if let csv { return try printCSV(csv, reader) }
        if let program { return try showProgram(program, reader) }
        if let island { return try showIsland(island, reader) }
        if html == nil || json { try showSummary(reader) }
    }

    private func showSummary(_ reader: any RunRecords) throws {
        // Text shows the top 5 by default; JSON lists the whole hall of fame unless --top says.
        let report = try InspectReport(reader: reader, top: json ? top : (top ?? 5))
        if json { return try Console.json(report) }
        let run = report.run
        print("run \(run.name): search space \(run.searchspace) (\(run.searchspace_path)), seed \(run.seed)")
        print("status: \(run.status)\(run.stop_reason.map { " (\($0))" } ?? ""), galapagos \(run.version)")
        if let progress = report.progress {
            print(String(
                format: "progress: %d individuals in %.1f s (%.0f/s), FEC hits %d (%.1f %%), %d migrations",
                progress.individuals, progress.seconds, progress.individuals_per_second,
                progress.fec_hits, 100 * progress.fec_hit_rate, progress.migrations))
        } else {
            print("progress: no checkpoint yet")
        }
        #if Hub
        if let hub = reader as? HubSnapshot {
            let held = Dictionary(grouping: hub.owners.enumerated().compactMap { island, owner in
                owner.map { (owner: $0, island: island) }
            }, by: \.owner)
            print("leases: " + (held.isEmpty ? "no island is leased" : held.keys.sorted().map { owner in
                "\(owner) holds \((held[owner] ?? []).map { String($0.island) }.joined(separator: ","))"
            }.joined(separator: "; ")))
        }
        #endif
        print("")
        print("island  size  best        mean        diversity")
        for island in report.islands {
            print(Console.pad("\(island.island)", 8) + Console.pad("\(island.size)", 6)
                + Console.pad(Console.number(island.best), 12)
                + Console.pad(Console.number(island.mean), 12) + "\(island.diversity)")
        }
        print("")
        let shown = report.hall_of_fame.count
        print("hall of fame (top \(shown) of \(report.hall_of_fame_size)\(shown < report.hall_of_fame_size ? "; --top N shows more" : "")):")
        print("rank  id        fitness     size  origin")
        for entry in report.hall_of_fame {
            print(Console.pad("\(entry.rank)", 6) + Console.pad("\(entry.id)", 10)
                + Console.pad(Console.number(entry.fitness), 12) + Console.pad("\(entry.size)", 6) + entry.origin)
        }
        print("")
        print("Pareto front (simplified size: fitness): "
            + report.pareto.map { "\($0.size): \(Console.number($0.fitness))" }.joined(separator: ", "))
        if let selected = report.selected {
            let how = selected.reported
                ? "reported when the run stopped (export writes it)"
                : "best on the select tasks so far (export writes it)"
            print("\(how): member \(selected.id), search fitness \(Console.number(selected.search_fitness)),"
                + " select fitness \(Console.number(selected.select_fitness)),"
                + " test fitness \(Console.number(selected.test_fitness))")
        }
    }

    private func showProgram(_ id: Int, _ reader: any RunRecords) throws {
        guard let member = try reader.member(id: id) else {
            throw GalapagosError.run("\(reader.location): no program with id \(id) (see the hall of fame or --island)")
        }
        let lineage = try reader.lineage(of: id)
        if json {
            return try Console.json(ProgramReport(
                program: InspectReport.Entry(member, rank: 0),
                lineage: lineage.map { LineageStep(id: $0.id, fitness: $0.fitness, origin: $0.origin, parent_id: $0.parentID) }))
        }
        print("member \(member.id): fitness \(Console.number(member.fitness)), \(member.size) instructions,"
            + " made by \(member.origin)\(member.island.map { ", alive on island \($0)" } ?? "")")
        print(member.program, terminator: "")
        print("")
        print("lineage (child first; each step: how it was made from the next):")
        for step in lineage {
            print("  \(Console.pad("member \(step.id)", 16)) fitness \(Console.pad(Console.number(step.fitness), 12)) \(step.origin)")
        }
        if let last = lineage.last, last.parentID != nil {
            print("  … earlier ancestors are not on record")
        }
    }

    private func showIsland(_ index: Int, _ reader: any RunRecords) throws {
        let members = try reader.members(island: index, limit: top ?? (json ? .max : 5))
        guard !members.isEmpty else {
            throw GalapagosError.run("\(reader.location): island \(index) has no members (see inspect for the islands)")
        }
        if json {
            return try Console.json(IslandReport(
                island: index,
                members: members.enumerated().map { InspectReport.Entry($1, rank: $0 + 1) }))
        }
        print("island \(index), top \(members.count):")
        print("rank  id        fitness     size  origin")
        for (rank, member) in members.enumerated() {
            print(Console.pad("\(rank + 1)", 6) + Console.pad("\(member.id)", 10)
                + Console.pad(Console.number(member.fitness), 12) + Console.pad("\(member.size)", 6) + member.origin)
        }
    }

    private func printCSV(_ table: CSVTable, _ reader: any RunRecords) throws {
        switch table {
        case .hall:
            print("rank,id,fitness,size,origin,parent_id,program")
            for (rank, member) in try reader.hallOfFame(limit: top ?? .max).enumerated() {
                let cells = [
                    "\(rank + 1)", "\(member.id)", "\(member.fitness)", "\(member.size)", member.origin,
                    member.parentID.map(String.init) ?? "", Console.csvField(member.program),
                ]
                print(cells.joined(separator: ","))
            }
        case .statistics:
            print("individuals,seconds,island,size,best,mean,median,diversity,individuals_per_second,fec_hits")
            for row in try reader.statistics() {
                let cells: [String] = [
                    "\(row.individuals)", "\(row.seconds)", "\(row.island)", "\(row.size)",
                    row.best.map { "\($0)" } ?? "", row.mean.map { "\($0)" } ?? "",
                    row.median.map { "\($0)" } ?? "", "\(row.diversity)",
                    "\(row.individualsPerSecond)", "\(row.fecHits)",
                ]
                print(cells.joined(separator: ","))
            }
        }
    }
}

/// The `--json` object of `galapagos inspect` (documented in its help).
struct InspectReport: Encodable {
    struct Run: Encodable {
        var name, searchspace, searchspace_path, status, version: String
        var seed: UInt64
        var stop_reason: String?
    }

    struct Progress: Encodable {
        var individuals: Int
        var seconds: Double
        var individuals_per_second: Double
        var fec_hits: Int
        var fec_hit_rate: Double
        var migrations: Int
    }

    struct Island: Encodable {
        var island: Int
        var size: Int
        var best: Double?
        var mean: Double?
        var diversity: Int
    }

    struct Entry: Encodable {
        var rank: Int
        var id: Int
        var fitness: Double
        var size: Int
        var origin: String
        var parent_id: Int?
        var program: String

        init(_ member: RunReader.StoredMember, rank: Int) {
            self.rank = rank
            id = member.id
            fitness = member.fitness
            size = member.size
            origin = member.origin
            parent_id = member.parentID
            program = member.program
        }
    }

    struct ParetoPoint: Encodable {
        /// Instructions after simplification.
        var size: Int
        var id: Int
        var fitness: Double
    }

    /// The program `export` writes by default: what the last session reported (`reported`
    /// true), or while a session runs the best so far on the select tasks.
    struct Selected: Encodable {
        var id: Int
        /// Search fitness (kept under its old name).
        var fitness: Double
        var search_fitness: Double
        var select_fitness: Double?
        var test_fitness: Double?
        var reported: Bool
        var program: String
    }

    var run: Run
    var progress: Progress?
    var islands: [Island]
    var hall_of_fame: [Entry]
    /// Hall-of-fame entries the run holds (`hall_of_fame` may list fewer with --top).
    var hall_of_fame_size: Int
    var pareto: [ParetoPoint]
    var selected: Selected?

    /// - Parameter top: hall-of-fame entries to list; `nil` lists them all.
    init(reader: any RunRecords, top: Int?) throws {
        let stored = try reader.run()
        let space = reader.searchSpace()
        run = Run(
            name: stored.name, searchspace: space?.name ?? "?",
            searchspace_path: stored.configuration.searchSpacePath, status: stored.status.rawValue,
            version: stored.productVersion, seed: stored.configuration.seedValue,
            stop_reason: stored.stopReason)
        let checkpoint = try reader.progress()
        progress = checkpoint.map {
            Progress(
                individuals: $0.individuals, seconds: $0.seconds,
                individuals_per_second: $0.seconds > 0 ? Double($0.individuals) / $0.seconds : 0,
                fec_hits: $0.fecHits,
                fec_hit_rate: $0.individuals > 0 ? Double($0.fecHits) / Double($0.individuals) : 0,
                migrations: $0.migrations)
        }
        islands = try reader.islands().map {
            Island(island: $0.island, size: $0.size, best: $0.best, mean: $0.mean, diversity: $0.diversity)
        }
        let hall = try reader.hallOfFame(limit: .max)
        hall_of_fame_size = hall.count
        hall_of_fame = hall.prefix(top ?? .max).enumerated().map { Entry($1, rank: $0 + 1) }
        let front = try space.map { try reader.simplifiedParetoFront(in: $0) } ?? reader.paretoFront()
        pareto = front.map { ParetoPoint(size: $0.size, id: $0.id, fitness: $0.fitness) }
        if let result = try reader.currentResult() {
            selected = Selected(
                id: result.member.id, fitness: result.searchFitness, search_fitness: result.searchFitness,
                select_fitness: result.selectFitness, test_fitness: result.testFitness, reported: true,
                program: result.member.program)
        } else if let member = try reader.selected() {
            selected = Selected(
                id: member.id, fitness: member.fitness, search_fitness: member.fitness,
                select_fitness: checkpoint?.selectedFitness, test_fitness: nil, reported: false,
                program: member.program)
        }
    }
}

struct LineageStep: Encodable {
    var id: Int
    var fitness: Double
    var origin: String
    var parent_id: Int?
}

struct ProgramReport: Encodable {
    var program: InspectReport.Entry
    var lineage: [LineageStep]
}

struct IslandReport: Encodable {
    var island: Int
    var members: [InspectReport.Entry]
}
