import ArgumentParser
import Foundation
import Galapagos

/// `galapagos searchspace`: describes search-space files.
struct SearchSpaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "searchspace",
        abstract: "Describe search-space files.",
        subcommands: [Info.self, List.self]
    )

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Describe one search space, with the exact size of its program space.",
            discussion: """
                The program-structure count is exact (GMP big integers): every sequence of \
                instructions within the size bounds, each constant slot counted as one choice.

                Example:
                  galapagos searchspace info searchspaces/linear_demo.yaml
                """
        )

        @Argument(help: "The search-space file (.yaml).")
        var file: String

        @Flag(help: "Print one JSON object as the last line of stdout.")
        var json = false

        func run() throws {
            let space = try Inputs.searchSpace(file)
            let count = space.programStructureCount
            if json {
                try Console.json(SearchSpaceInfo(space: space, count: count))
                return
            }
            let m = space.memory
            print("\(space.name): \(space.summary)")
            print("memory: F=\(m.features), \(m.scalars) scalars, \(m.vectors) vectors,"
                + " \(m.matrices) matrices")
            for component in Component.allCases {
                let spec = space[component]
                let size = spec.minimumSize == spec.maximumSize
                    ? "\(spec.maximumSize)" : "\(spec.minimumSize)…\(spec.maximumSize)"
                print("\(component.name): \(size) instructions,"
                    + " \(space.distinctInstructions(in: component)) distinct instructions,"
                    + " ops: \(spec.ops.map(\.name).joined(separator: ", "))")
            }
            let e = space.evolution
            print("evolution: \(e.islands) island(s) × \(e.populationSize), tournament"
                + " \(e.tournamentSize), selector \(e.selector.rawValue), mutation probability"
                + " \(space.mutation.probability)")
            for role in TaskRole.allCases {
                guard let spec = space.taskSpec(role) else { continue }
                print("\(role.rawValue) tasks: \(spec.count) × \(spec.generator.name), metric \(spec.metric.rawValue),"
                    + " \(spec.epochs) epoch(s)")
                if case let .table(table) = spec.generator { print("  data: \(table.summary)") }
            }
            print("program structures: \(count)")
            print("log10: \(String(format: "%.4f", count.log10))")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the search spaces in a directory.",
            discussion: "Example:\n  galapagos searchspace list searchspaces"
        )

        @Argument(help: "The directory to list.")
        var directory = "searchspaces"

        @Flag(help: "Print one JSON object as the last line of stdout.")
        var json = false

        func run() throws {
            guard let enumerator = FileManager.default.enumerator(atPath: directory) else {
                throw GalapagosError.io(path: directory, "cannot list directory")
            }
            let names = enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".yaml") }
            var entries: [SearchSpaceListEntry] = []
            for name in names.sorted() {
                let path = (directory as NSString).appendingPathComponent(name)
                do {
                    let space = try SearchSpace.load(path: path)
                    entries.append(SearchSpaceListEntry(
                        file: path, name: space.name, description: space.summary, error: nil))
                } catch {
                    entries.append(SearchSpaceListEntry(
                        file: path, name: nil, description: nil, error: "\(error)"))
                }
            }
            if json {
                try Console.json(["searchspaces": entries])
                return
            }
            for entry in entries {
                if let error = entry.error {
                    print("\(entry.file): INVALID: \(error)")
                } else {
                    print("\(entry.file): \(entry.name ?? "") — \(entry.description ?? "")")
                }
            }
        }
    }
}

/// The `--json` object of `galapagos searchspace info`.
struct SearchSpaceInfo: Encodable {
    var name: String
    var description: String
    var features: Int
    var scalars: Int
    var vectors: Int
    var matrices: Int
    var components: [String: ComponentInfo]
    /// All digits of the exact count, as a string.
    var program_structures: String
    var log10_program_structures: Double
    /// The task sections by role (search, select, final).
    var tasks: [String: TaskInfo]

    struct ComponentInfo: Encodable {
        var ops: [String]
        var min_size: Int
        var max_size: Int
        var distinct_instructions: String
    }

    struct TaskInfo: Encodable {
        var generator: String
        var count: Int
        var epochs: Int
        var metric: String
        /// The table, for `generator: csv` tasks.
        var data: DataInfo?
    }

    /// What a `generator: csv` task reads: enough for another tool to rebuild the same rows
    /// (with `predict --split train|test`, which names each row's line).
    struct DataInfo: Encodable {
        var dataset: String
        var target: String
        var kind: String
        var feature_columns: [String]
        var classes: [String]
        var rows: Int
        var dropped_rows: Int
        var split: [String: Int]
        var projected: Bool
        var permuted: Bool
    }

    init(space: SearchSpace, count: BigInteger) {
        name = space.name
        description = space.summary
        features = space.memory.features
        scalars = space.memory.scalars
        vectors = space.memory.vectors
        matrices = space.memory.matrices
        var components: [String: ComponentInfo] = [:]
        for component in Component.allCases {
            let spec = space[component]
            components[component.name] = ComponentInfo(
                ops: spec.ops.map(\.name), min_size: spec.minimumSize, max_size: spec.maximumSize,
                distinct_instructions: space.distinctInstructions(in: component).description)
        }
        self.components = components
        program_structures = count.description
        log10_program_structures = count.log10
        var tasks: [String: TaskInfo] = [:]
        for role in TaskRole.allCases {
            guard let spec = space.taskSpec(role) else { continue }
            var data: DataInfo?
            if case let .table(table) = spec.generator {
                let sizes = table.splitSizes
                data = DataInfo(
                    dataset: table.data.path, target: table.data.target, kind: table.data.kind.rawValue,
                    feature_columns: table.table.featureNames, classes: table.table.classNames,
                    rows: table.table.count, dropped_rows: table.table.droppedRows,
                    split: ["train": sizes.train, "valid": sizes.valid, "test": sizes.test],
                    projected: table.project, permuted: table.permute)
            }
            tasks[role.rawValue] = TaskInfo(
                generator: spec.generator.name, count: spec.count, epochs: spec.epochs,
                metric: spec.metric.rawValue, data: data)
        }
        self.tasks = tasks
    }
}

/// One row of `galapagos searchspace list --json`.
struct SearchSpaceListEntry: Encodable {
    var file: String
    var name: String?
    var description: String?
    var error: String?
}
