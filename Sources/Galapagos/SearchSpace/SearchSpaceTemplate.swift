/// A commented search space for a user's CSV file, as `galapagos init` writes it: defaults that
/// work on the file, and comments that say what to change.
public struct SearchSpaceTemplate: Sendable {
    /// What the search looks for.
    public enum Kind: String, Sendable, CaseIterable {
        /// Learning algorithms (setup/predict/learn) for the classes of a column.
        case classification
        /// Learning algorithms for a numeric column.
        case regression
        /// A formula (predict-only program) for a numeric column, in the table's units.
        case symbolic
    }

    public var name: String
    public var kind: Kind
    /// The CSV's path relative to the search-space file.
    public var dataPath: String
    public var target: String
    public var drop: [String]
    public var dropMissing: Bool
    /// Feature columns the file has (after drop).
    public var features: Int
    /// Classes (classification).
    public var classes: Int

    public init(
        name: String, kind: Kind, dataPath: String, target: String, drop: [String], dropMissing: Bool,
        features: Int, classes: Int
    ) {
        self.name = name
        self.kind = kind
        self.dataPath = dataPath
        self.target = target
        self.drop = drop
        self.dropMissing = dropMissing
        self.features = features
        self.classes = classes
    }

    /// F: the features programs see. Learning spaces keep at most 16 (more columns are
    /// projected down) and at least the number of classes; symbolic spaces see every column.
    public var memoryFeatures: Int {
        switch kind {
        case .symbolic: features
        case .regression: min(max(features, 1), 16)
        case .classification: max(min(features, 16), classes)
        }
    }

    /// The YAML text.
    public var text: String {
        let quoted = { (name: String) in "'" + name.replacingOccurrences(of: "'", with: "''") + "'" }
        let dropLine = drop.isEmpty
            ? "  # drop: [id, name]                  # columns to ignore"
            : "  drop: [\(drop.map(quoted).joined(separator: ", "))]   # text columns and row numbers: ignored"
        let missingLine = dropMissing
            ? "  missing: drop                       # rows with an empty/NA cell are left out"
            : "  # missing: drop                     # leave out rows with empty/NA cells (default: error)"
        let targetKey = kind == .classification ? "label" : "target"
        let f = memoryFeatures
        var lines = [
            "# Written by `galapagos init` for \(dataPath). Run it with:",
            "#   galapagos evolve --searchspace <this file> --max-time 10m",
            "name: \(name)",
            "description: >",
        ]
        switch kind {
        case .classification:
            lines.append("  Learning algorithms (setup/predict/learn) for the \(classes) classes of '\(target)'.")
        case .regression:
            lines.append("  Learning algorithms (setup/predict/learn) that predict '\(target)'.")
        case .symbolic:
            lines.append("  A formula for '\(target)' in terms of the other columns (predict-only programs).")
        }
        lines += [
            "",
            "data:",
            "  dataset: \(quoted(dataPath))",
            "  \(targetKey): \(quoted(target))",
            dropLine,
            missingLine,
            "",
        ]
        switch kind {
        case .symbolic:
            lines += [
                "memory:",
                "  features: \(f)        # one per input column, in file order",
                "  inputs: scalars      # x0 in s2, x1 in s3, …",
                "  scalars: \(f + 6)",
                "  vectors: 1",
                "  matrices: 0",
                "",
                "ops: [scalar_sum, scalar_diff, scalar_product, scalar_division, scalar_sin, scalar_cos,",
                "      scalar_exp, scalar_log, scalar_sqrt, scalar_square, scalar_const_set]",
                "setup: 0",
                "predict: {min: 1, max: 20, initial: 6}",
                "learn: 0",
                "",
                "mutation:",
                "  probability: 0.9",
                "  operators: [alter_argument, randomize_instruction, insert_instruction, remove_instruction,",
                "              crossover]",
                "",
                "# fit_constants: a fifth of the children get their constants fitted (Levenberg–Marquardt);",
                "# fit_terms: a fifth get their prediction rewritten as the least-squares sum (or ratio of",
                "# sums) of terms their predict computes and their products (x², x·y, sin x … anywhere).",
                "evolution: {population: 100, tournament: 10, islands: 10, batch: 16, fit_constants: 0.2,",
                "            fit_terms: 0.2, migration: {every: 20000, count: 5, topology: ring}}",
                "",
                "tasks:",
                "  # One fixed split, in the table's own units: the formula is the point.",
                "  search: {generator: csv, count: 1, split: {train: 0.5, valid: 0.25, test: 0.25}, data_seed: 1}",
                "  final: {generator: csv, count: 1, split: {train: 0.5, valid: 0.25, test: 0.25}, data_seed: 1}",
            ]
        case .classification, .regression:
            let classify = kind == .classification
            lines += [
                "memory:",
                "  features: \(f)        # more columns are projected down to \(f) per task, fewer padded",
                "  scalars: 6",
                "  vectors: 6" + (classify && classes > 2 ? "          # v1: one logit per class; v2: the one-hot label during learn" : ""),
                "  matrices: 3",
                "",
                "ops: [scalar_const_set, scalar_sum, scalar_diff, scalar_product, scalar_vector_product,",
                "      vector_sum, vector_diff, vector_product, vector_inner_product, vector_heaviside,",
                "      vector_outer_product, matrix_vector_product, scalar_matrix_product, matrix_sum,",
                "      matrix_diff, matrix_gaussian_set, vector_gaussian_set]",
                "setup: {min: 0, max: 8, initial: 3}",
                "predict: {min: 1, max: 8, initial: 3}",
                "learn: {min: 0, max: 12, initial: 5}",
                "",
                "mutation:",
                "  probability: 0.9",
                "  operators: [alter_argument, randomize_instruction, insert_instruction, remove_instruction,",
                "              randomize_component]",
                "",
                "evolution: {population: 100, tournament: 10, islands: 6,",
                "            migration: {every: 20000, count: 5, topology: ring}}",
                "",
                "fec: {train: 10, valid: 10}",
                "",
                "tasks:",
                "  # Each task resamples the rows and shuffles the feature order: programs must learn.",
                "  search: {generator: csv, count: 6, epochs: 2\(classify ? ", metric: log_loss" : ""), split: {train: 0.5, valid: 0.25, test: 0.25}}",
                "  select: {generator: csv, count: 10, epochs: 2, split: {train: 0.5, valid: 0.25, test: 0.25}}",
                "  final: {generator: csv, count: 10, epochs: 2, split: {train: 0.6, valid: 0.2, test: 0.2},",
                "          data_seed: 1000000, param_seed: 2000000}",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
