import Foundation

/// Writes an export as one JSON object: provenance, the simplified and the original program
/// text, and the simplified program instruction by instruction.
///
/// ```json
/// {"format": "galapagos-export-v1", "name": "SGDRegressor", "searchspace": "linear_demo",
///  "features": 4, "input_scalars": 0, "metric": "rms", "fitness": 0.99, "seed": "1", "run": null, "program_id": null,
///  "instructions_before": 7, "instructions_after": 7, "program": "# galapagos program v1…",
///  "original": "…", "components": {"setup": [{"op": "scalar_const_set", "text": "s2 = 0.2",
///  "output": "s2", "inputs": [], "constants": [0.2], "indices": []}], "predict": […], "learn": […]}}
/// ```
///
/// The seed is a string, because JSON numbers cannot hold every 64-bit seed.
struct JSONExporter {
    let export: ProgramExport

    init(_ export: ProgramExport) {
        self.export = export
    }

    struct Document: Encodable {
        var format = "galapagos-export-v1"
        var name: String
        var searchspace: String
        var features: Int
        /// How many features also arrive in `s2`, `s3`, … (`inputs: scalars`).
        var input_scalars: Int
        var metric: String
        var fitness: Double?
        var fitness_note: String?
        var seed: String?
        var run: String?
        var program_id: Int?
        var source: String?
        var instructions_before: Int
        var instructions_after: Int
        var program: String
        var original: String
        var components: [String: [Entry]]

        // Absent values are written as null rather than left out.
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(format, forKey: .format)
            try container.encode(name, forKey: .name)
            try container.encode(searchspace, forKey: .searchspace)
            try container.encode(features, forKey: .features)
            try container.encode(input_scalars, forKey: .input_scalars)
            try container.encode(metric, forKey: .metric)
            try container.encode(fitness, forKey: .fitness)
            try container.encode(fitness_note, forKey: .fitness_note)
            try container.encode(seed, forKey: .seed)
            try container.encode(run, forKey: .run)
            try container.encode(program_id, forKey: .program_id)
            try container.encode(source, forKey: .source)
            try container.encode(instructions_before, forKey: .instructions_before)
            try container.encode(instructions_after, forKey: .instructions_after)
            try container.encode(program, forKey: .program)
            try container.encode(original, forKey: .original)
            try container.encode(components, forKey: .components)
        }

        enum CodingKeys: String, CodingKey {
            case format, name, searchspace, features, input_scalars, metric, fitness, fitness_note, seed, run,
                 program_id, source, instructions_before, instructions_after, program, original,
                 components
        }
    }

    /// One instruction.
    struct Entry: Encodable {
        var op: String
        var text: String
        var output: String
        var inputs: [String]
        var constants: [Double]
        var indices: [Int]
    }

    func render() -> String {
        let metadata = export.metadata
        var components: [String: [Entry]] = [:]
        for component in Component.allCases {
            components[component.name] = export.program[component].map(Self.entry)
        }
        let document = Document(
            name: metadata.typeName, searchspace: metadata.searchSpace,
            features: export.shape.features, input_scalars: export.shape.inputScalarRegisters.count,
            metric: metadata.metric.rawValue,
            fitness: metadata.fitness, fitness_note: metadata.fitnessNote,
            seed: metadata.seed.map(String.init), run: metadata.runName,
            program_id: metadata.programID, source: metadata.source,
            instructions_before: export.simplification.instructionsBefore,
            instructions_after: export.simplification.instructionsAfter,
            program: ProgramPrinter.print(export.program, searchSpace: metadata.searchSpace),
            original: ProgramPrinter.print(export.simplification.original, searchSpace: metadata.searchSpace),
            components: components)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        // Encoding plain strings and numbers cannot fail; fall back to an empty object rather
        // than trap regardless.
        guard let data = try? encoder.encode(document) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private static func entry(_ instruction: Instruction) -> Entry {
        let info = instruction.op.info
        let indices = [Int(instruction.index1), Int(instruction.index2)].prefix(info.indexCount)
        let constants = [instruction.constant1, instruction.constant2].prefix(info.constantCount)
        return Entry(
            op: info.name, text: ProgramPrinter.format(instruction),
            output: instruction.outputRegister?.description ?? "",
            inputs: instruction.inputRegisters.map(\.description),
            constants: Array(constants), indices: Array(indices))
    }
}
