import Foundation
import GalapagosTestSupport
import Testing
@testable import Galapagos

/// One program to export, compile and compare.
private struct Case {
    var name: String
    var program: Program
    var shape: MemoryShape
    var seed: UInt64
    var classification: Bool
    /// Whether the export keeps random fills, and so takes `init(seed:)`.
    var seeded = false
}

/// The driver: runs every model through the same protocol as ``interpreterTrace`` and prints
/// `name bits bits …` per model.
private func driverSource(_ cases: [Case], data: [Int: ExampleData], trainCount: Int) -> String {
    var text = """
        protocol Model {
            mutating func predict(_ features: [Double]) -> Double
            mutating func learn(_ features: [Double], label: Double)
            mutating func train(_ examples: [[Double]], labels: [Double], epochs: Int)
        }

        func check<M: Model>(_ name: String, _ initial: M, _ xs: [[Double]], _ ys: [Double]) {
            var model = initial
            var out: [Double] = []
            for k in 0..<\(trainCount) {
                out.append(model.predict(xs[k]))
                model.learn(xs[k], label: ys[k])
            }
            for k in \(trainCount)..<xs.count { out.append(model.predict(xs[k])) }
            model.train(Array(xs[0..<4]), labels: Array(ys[0..<4]), epochs: 2)
            out.append(model.predict(xs[0]))
            print(name + " " + out.map { String($0.bitPattern, radix: 16) }.joined(separator: " "))
        }


        """
    func literal(_ value: Double) -> String { "Double(bitPattern: 0x\(String(value.bitPattern, radix: 16)))" }
    for (features, examples) in data.sorted(by: { $0.key < $1.key }) {
        text += "let xs\(features): [[Double]] = [\n"
        for row in examples.features { text += "    [" + row.map(literal).joined(separator: ", ") + "],\n" }
        text += "]\n"
        text += "let ys\(features): [Double] = [" + examples.labels.map(literal).joined(separator: ", ") + "]\n"
    }
    for item in cases {
        text += "extension \(item.name): Model {}\n"
        let initializer = item.seeded ? "\(item.name)(seed: \(item.seed))" : "\(item.name)()"
        text += "check(\"\(item.name)\", \(initializer), xs\(item.shape.features), ys\(item.shape.features))\n"
    }
    return text
}

@Suite("Swift export compiles and matches the interpreter", .serialized)
struct SwiftExportCompileTests {
    @Test("the SGD regressor, a probe per op, corner cases and 200 random programs, compiled together, match bit for bit")
    func exportsMatchInterpreter() throws {
        let clock = ContinuousClock()
        let start = clock.now
        var cases: [Case] = []
        let linear = try linearDemoSpace()
        cases.append(Case(name: "SGDRegressor", program: try sgdRegressor(), shape: linear.memory, seed: 0, classification: false))

        let probeShape = MemoryShape(features: 3, scalars: 6, vectors: 5, matrices: 3)
        for (index, program) in probePrograms().enumerated() {
            cases.append(Case(
                name: "Probe\(index)", program: program, shape: probeShape, seed: UInt64(1_000 + index),
                classification: index % 3 == 0))
        }
        // Corner cases of declarations: zero locals read twice, the label and the features
        // rewritten, element writes to the features, an empty program, state read before written.
        let cornerShape = MemoryShape(features: 3, scalars: 6, vectors: 4, matrices: 2)
        let corners = [
            "def setup():\n  v2 = gaussian(0.0, 1.0)\n  s2 = dot(v2, v2)\n  v2 = v1 + v1\n  v3 = uniform(0.0, 1.0)\n"
                + "  v2 = v2 + v3\n  s3 = dot(v2, v2)\ndef predict():\n  s1 = s2 * s3\n  s1 = s1 + s2\ndef learn():\n",
            "def setup():\n  s0 = 0.5\n  v0[1] = 2.0\n  s2 = dot(v0, v0)\n  s2 = s2 + s0\n"
                + "def predict():\n  s0 = s0 + s2\n  v0[2] = 0.25\n  s1 = dot(v0, v0)\n  s1 = s1 + s0\n"
                + "def learn():\n  s0 = s0 - s1\n  v0 = s0 * v0\n  v1 = v1 + v0\n  s2 = dot(v1, v1)\n",
            "def setup():\ndef predict():\ndef learn():\n",
            "def setup():\n  m1[0, 2] = 1.5\ndef predict():\n  v2 = m1 @ v0\n  s1 = dot(v2, v3)\n"
                + "def learn():\n  m0 = outer(v0, v2)\n  m1 = m1 + m0\n  v3 = v3 + v0\n",
        ]
        for (index, text) in corners.enumerated() {
            let program = try ProgramParser().parse(ProgramPrinter.header + "\n" + text)
            cases.append(Case(
                name: "Corner\(index)", program: program, shape: cornerShape, seed: UInt64(index),
                classification: index == 1))
        }
        var random = RandomGenerator(seed: 2024)
        for index in 0..<200 {
            let features = index % 2 == 0 ? 3 : 4
            // Every fourth program also gets the features in s2, s3, … (symbolic regression).
            let shape = index % 4 == 3
                ? MemoryShape(features: features, scalars: 7, vectors: 2, matrices: 1, inputScalars: features)
                : MemoryShape(features: features, scalars: 5, vectors: 4, matrices: 3)
            let program = RandomPrograms(shape: shape).make(using: &random)
            cases.append(Case(
                name: "Random\(index)", program: program, shape: shape, seed: UInt64(index) &* 7_919,
                classification: index % 3 == 1))
        }

        // Export every case; check that every op survives simplification somewhere.
        var source = ""
        var liveOps = Set<Op>()
        for index in cases.indices {
            let item = cases[index]
            let metadata = ExportMetadata(
                typeName: item.name, searchSpace: "test", metric: item.classification ? .accuracy : .rms)
            let export = try ProgramExport(program: item.program, shape: item.shape, metadata: metadata)
            for component in Component.allCases { liveOps.formUnion(export.program[component].map(\.op)) }
            cases[index].seeded = Component.allCases.contains { export.program[$0].contains(where: \.op.info.isRandom) }
            source += export.render(.swift) + "\n"
        }
        #expect(liveOps.union([.noOp]) == Set(Op.allCases), "ops never exported: \(Set(Op.allCases).subtracting(liveOps))")

        let trainCount = 12
        let data = [3: ExampleData(features: 3, count: 16, seed: 31), 4: ExampleData(features: 4, count: 16, seed: 41)]
        let directory = try makeTemporaryDirectory("galapagos-export-compile")
        defer { try? FileManager.default.removeItem(at: directory) }
        try source.write(to: directory.appendingPathComponent("Exports.swift"), atomically: true, encoding: .utf8)
        try driverSource(cases, data: data, trainCount: trainCount)
            .write(to: directory.appendingPathComponent("main.swift"), atomically: true, encoding: .utf8)
        let generated = clock.now

        let compile = try runProcess(
            "swiftc", ["-Onone", "-warnings-as-errors", "-o", "driver", "Exports.swift", "main.swift"], in: directory)
        try #require(compile.status == 0, "swiftc failed:\n\(compile.output.prefix(20_000))")
        let compiled = clock.now
        let run = try runProcess(directory.appendingPathComponent("driver").path, [])
        try #require(run.status == 0, "the driver failed:\n\(run.output.prefix(5_000))")
        let ran = clock.now

        var outputs: [String: [UInt64]] = [:]
        for line in run.output.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let name = fields.first else { continue }
            outputs[String(name)] = fields.dropFirst().compactMap { UInt64($0, radix: 16) }
        }
        var mismatches: [String] = []
        for item in cases {
            let examples = try #require(data[item.shape.features])
            let expected = try interpreterTrace(
                item.program, shape: item.shape, seed: item.seed, classification: item.classification,
                data: examples, trainCount: trainCount)
            if outputs[item.name] != expected {
                mismatches.append("\(item.name): expected \(expected.map { Double(bitPattern: $0) })"
                    + " got \((outputs[item.name] ?? []).map { Double(bitPattern: $0) })\n"
                    + ProgramPrinter.print(item.program))
            }
        }
        if !mismatches.isEmpty {
            Issue.record("\(mismatches.count) of \(cases.count) exports differ:\n\(mismatches.prefix(3).joined(separator: "\n"))")
        }
        print("export compile test: \(cases.count) structs; generate \(generated - start), swiftc -Onone \(compiled - generated), run \(ran - compiled), compare \(clock.now - ran)")
    }
}
