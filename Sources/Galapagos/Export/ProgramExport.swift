/// The formats `galapagos export` writes.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// A self-contained Swift struct that reproduces the interpreter bit for bit.
    case swift
    /// The simplified program in the `.gal` text format.
    case dsl
    /// The program, simplified and original, with its provenance, as one JSON object.
    case json
    /// A Python class using NumPy.
    case python
    /// The `predict` function as LaTeX math.
    case latex

    /// The usual file extension.
    public var fileExtension: String {
        switch self {
        case .swift: "swift"
        case .dsl: "gal"
        case .json: "json"
        case .python: "py"
        case .latex: "tex"
        }
    }
}

/// Where an exported program comes from: what the doc comment of the export says about it.
public struct ExportMetadata: Sendable {
    /// The name of the exported type (`struct SGDRegressor`, `class SGDRegressor`).
    public var typeName: String
    /// The search space's name.
    public var searchSpace: String
    /// How predictions are scored; a classifier's `s1` passes through a sigmoid before `learn`.
    public var metric: FitnessMetric
    /// The program's fitness, if known.
    public var fitness: Double?
    /// What the fitness was measured on, e.g. `mean over 10 search tasks`.
    public var fitnessNote: String?
    /// The run's seed (or the seed the fitness was measured with).
    public var seed: UInt64?
    /// The run's name, for programs read from a run file.
    public var runName: String?
    /// The program's member id in its run.
    public var programID: Int?
    /// The file the program was read from.
    public var source: String?

    public init(
        typeName: String, searchSpace: String, metric: FitnessMetric = .rms,
        fitness: Double? = nil, fitnessNote: String? = nil, seed: UInt64? = nil,
        runName: String? = nil, programID: Int? = nil, source: String? = nil
    ) {
        self.typeName = typeName
        self.searchSpace = searchSpace
        self.metric = metric
        self.fitness = fitness
        self.fitnessNote = fitnessNote
        self.seed = seed
        self.runName = runName
        self.programID = programID
        self.source = source
    }
}

/// A program prepared for export: validated, simplified and named.
///
/// ```swift
/// let export = try ProgramExport(program: program, shape: space.memory,
///                                metadata: ExportMetadata(typeName: "SGDRegressor", searchSpace: space.name))
/// let swift = export.render(.swift)
/// ```
public struct ProgramExport: Sendable {
    /// The metadata the export describes itself with.
    public let metadata: ExportMetadata
    /// The memory shape the program runs with (F is the feature count of the export).
    public let shape: MemoryShape
    /// The program as given and simplified.
    public let simplification: Simplification
    /// How the evaluator calls the program: AutoML-Zero's scalar protocol, with the shape's
    /// input scalars among the inputs.
    public let callProtocol: CallProtocol

    /// Validates and simplifies a program for export.
    ///
    /// - Throws: ``GalapagosError/invalidArgument(_:)`` if `metadata.typeName` is not a usable
    ///   Swift (and Python) identifier; ``GalapagosError/program(_:_:)`` if the program does not
    ///   fit `shape` or holds a constant that is NaN or infinite (which no source text can hold).
    public init(program: Program, shape: MemoryShape, metadata: ExportMetadata) throws {
        try SwiftIdentifier.validateTypeName(metadata.typeName)
        for component in Component.allCases {
            for (position, instruction) in program[component].enumerated() {
                let constants = [instruction.constant1, instruction.constant2].prefix(instruction.op.info.constantCount)
                guard constants.allSatisfy(\.isFinite) else {
                    throw GalapagosError.program(
                        SourceLocation(file: metadata.source ?? "<program>"),
                        "\(component.name) instruction \(position + 1) '\(ProgramPrinter.format(instruction))'"
                            + " has a constant that is not finite, which exported code cannot hold")
                }
            }
        }
        self.metadata = metadata
        self.shape = shape
        let simplifier = ProgramSimplifier(shape: shape)
        callProtocol = simplifier.callProtocol
        simplification = try simplifier.simplify(program)
    }

    /// The program that is exported: the simplified one.
    public var program: Program { simplification.program }

    /// The export in one format.
    public func render(_ format: ExportFormat) -> String {
        switch format {
        case .swift: SwiftExporter(self).render()
        case .dsl: dslText()
        case .json: JSONExporter(self).render()
        case .python: PythonExporter(self).render()
        case .latex: LaTeXExporter(self).render()
        }
    }

    /// The simplified program as `.gal` text, its provenance in comments after the header.
    func dslText() -> String {
        var lines = ProgramPrinter.print(program, searchSpace: metadata.searchSpace)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let notes = provenance().map { "# \($0)" }
        lines.insert(contentsOf: notes, at: 1)
        return lines.joined(separator: "\n")
    }

    /// One line per known fact: fitness, run, seed, source and the simplification.
    func provenance() -> [String] {
        var lines: [String] = []
        lines.append(
            "\(metadata.typeName), simplified by galapagos \(ProductVersion.current) from"
                + " \(simplification.instructionsBefore) to \(simplification.instructionsAfter) instructions")
        if let fitness = metadata.fitness {
            lines.append("fitness \(fitness)" + (metadata.fitnessNote.map { " (\($0))" } ?? ""))
        }
        var origin: [String] = []
        if let runName = metadata.runName { origin.append("run \(runName)") }
        if let programID = metadata.programID { origin.append("program \(programID)") }
        if let seed = metadata.seed { origin.append("seed \(seed)") }
        if !origin.isEmpty { lines.append(origin.joined(separator: ", ")) }
        if let source = metadata.source { lines.append("from \(source)") }
        return lines
    }
}

/// Checks names that become identifiers in generated code.
public enum SwiftIdentifier {
    /// Swift keywords, which cannot name a type without backquotes.
    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import",
        "init", "inout", "internal", "let", "open", "operator", "private", "precedencegroup",
        "protocol", "public", "rethrows", "static", "struct", "subscript", "typealias", "var",
        "break", "case", "catch", "continue", "default", "defer", "do", "else", "fallthrough",
        "for", "guard", "if", "in", "repeat", "return", "throw", "switch", "where", "while", "as",
        "Any", "await", "false", "is", "nil", "self", "Self", "super", "throws", "true", "try",
        "_", "Type", "Protocol", "some", "any", "consume", "copy", "discard", "each", "borrowing",
        "consuming", "sending", "package",
        // Python keywords too: the same name becomes a Python class.
        "None", "True", "False", "and", "assert", "async", "def", "del", "elif", "except",
        "finally", "from", "global", "lambda", "nonlocal", "not", "or", "pass", "raise", "with",
        "yield",
    ]

    /// Names the exported code itself uses, which a type of that name would shadow.
    static let reserved: Set<String> = [
        "Double", "Int", "UInt64", "Array", "Bool", "String", "Swift", "Foundation", "Vector",
        "Matrix", "RandomGenerator", "Range", "Sequence", "np", "math",
    ]

    /// The longest name accepted.
    static let maximumLength = 100

    /// Whether `name` is an ASCII identifier: a letter or `_`, then letters, digits or `_`.
    public static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= maximumLength
        else { return false }
        func isLetter(_ c: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_"
        }
        return isLetter(first)
            && name.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) }
    }

    /// Throws unless `name` can name the exported type: an identifier that starts (after any
    /// underscores) with an uppercase letter, is not a keyword, and cannot be mistaken for a name
    /// the exported code declares (`Vector`, a matrix `W2`, `Double`…).
    ///
    /// - Throws: ``GalapagosError/invalidArgument(_:)`` naming the problem.
    public static func validateTypeName(_ name: String) throws {
        guard isIdentifier(name) else {
            throw GalapagosError.invalidArgument(
                "--name: '\(name)' is not a Swift identifier (expected a letter or _ followed by"
                    + " letters, digits or _, at most \(maximumLength) characters)")
        }
        guard !keywords.contains(name) else {
            throw GalapagosError.invalidArgument("--name: '\(name)' is a Swift or Python keyword")
        }
        let letters = name.drop { $0 == "_" }
        guard let first = letters.first, ("A"..."Z").contains(first) else {
            throw GalapagosError.invalidArgument(
                "--name: '\(name)' should start with an uppercase letter, as Swift type names do")
        }
        guard !letters.dropFirst().allSatisfy(\.isNumber) else {
            throw GalapagosError.invalidArgument(
                "--name: '\(name)' is too short: one letter (and digits) may name a matrix in the"
                    + " exported code; choose a longer name")
        }
        guard !reserved.contains(name) else {
            throw GalapagosError.invalidArgument(
                "--name: '\(name)' would shadow a type the exported code uses; choose another name")
        }
    }

    /// A type name made from arbitrary text: `sgd_linear_regression` → `SgdLinearRegression`;
    /// `fallback` when nothing usable remains.
    public static func typeName(from text: String, fallback: String = "EvolvedAlgorithm") -> String {
        let words = text.split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }
        var name = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        if let first = name.first, first.isNumber { name = "Program" + name }
        name = String(name.prefix(maximumLength))
        return (try? validateTypeName(name)) == nil ? fallback : name
    }
}
