import Foundation
import GalapagosTestSupport
import Testing
@testable import Galapagos

private func sgdExport(_ name: String = "SGDRegressor") throws -> ProgramExport {
    let space = try linearDemoSpace()
    return try ProgramExport(
        program: sgdRegressor(), shape: space.memory,
        metadata: ExportMetadata(
            typeName: name, searchSpace: space.name, fitness: 0.99, fitnessNote: "test", seed: 3,
            runName: "demo", programID: 42))
}

private func export(_ body: String, shape: MemoryShape, name: String = "Model") throws -> ProgramExport {
    let program = try ProgramParser().parse("# galapagos program v1\n" + body)
    return try ProgramExport(program: program, shape: shape, metadata: ExportMetadata(typeName: name, searchSpace: "test"))
}

@Suite("Export formats")
struct ExportFormatTests {
    @Test("the SGD regressor reads like hand-written Swift")
    func readableSwift() throws {
        let text = try sgdExport().render(.swift)
        for line in [
            "struct SGDRegressor {", "var alpha = 0.0", "var w = Vector()", "alpha = 0.2",
            "prediction = dot(x, w)", "let t1 = label - prediction", "let t2 = alpha * t1", "let v = t2 * x",
            "w = w + v", "/// - Fitness: 0.99 (test)", "/// - Origin: run `demo`, program 42, seed 3",
            "mutating func train(_ examples: [[Double]], labels: [Double], epochs: Int = 1) {",
        ] {
            #expect(text.contains(line), "missing: \(line)")
        }
        // No dependencies: no Foundation, no generator, no unused helpers.
        #expect(!text.contains("import"))
        #expect(!text.contains("RandomGenerator"))
        #expect(!text.contains("struct Matrix"))
        #expect(!text.contains("@main"))
    }

    @Test("constants a rounding step away from a short fraction are annotated")
    func approximationComments() throws {
        let shape = MemoryShape(features: 2, scalars: 4, vectors: 2, matrices: 0)
        let text = try export("""
            def setup():
              s2 = 0.19999999999999998
            def predict():
              s1 = s2 * s1
            def learn():
              s1 = s0 + s2
            """, shape: shape).render(.swift)
        #expect(text.contains("alpha = 0.19999999999999998  // ≈ 1/5"))
    }

    @Test("Foundation, the generator and helpers appear only when used; every value is its own let")
    func helpersOnDemand() throws {
        let shape = MemoryShape(features: 3, scalars: 4, vectors: 3, matrices: 2)
        let text = try export("""
            def setup():
              m1 = gaussian(0.0, 1.0)
            def predict():
              v1 = m1 @ v0
              s2 = sin(s1)
              s3 = norm(v1)
              s1 = s3 + s2
            def learn():
            """, shape: shape).render(.swift)
        for line in [
            "import Foundation", "init(seed: UInt64 = 0) {", "U = Matrix.gaussian(0.0, 1.0, using: &random)",
            "let v = matmul(U, x)", "let t1 = sin(prediction)", "let t2 = norm(v)", "prediction = t2 + t1",
            "mutating func gaussian(", "private func norm(_ v: Vector) -> Double",
        ] {
            #expect(text.contains(line), "missing: \(line)\n\(text)")
        }
        #expect(!text.contains("private func outer"))
    }

    @Test("dsl and json round-trip the simplified program")
    func dslAndJSON() throws {
        let export = try sgdExport()
        let dsl = export.render(.dsl)
        #expect(dsl.hasPrefix(ProgramPrinter.header))
        #expect(try ProgramParser().parse(dsl) == export.program)

        let json = export.render(.json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["name"] as? String == "SGDRegressor")
        #expect(object["seed"] as? String == "3")
        #expect(object["program_id"] as? Int == 42)
        #expect(object["instructions_after"] as? Int == 6)
        let program = try #require(object["program"] as? String)
        #expect(try ProgramParser().parse(program) == export.program)
        let components = try #require(object["components"] as? [String: [[String: Any]]])
        #expect(components["predict"]?.first?["text"] as? String == "s1 = dot(v0, v1)")
    }

    @Test("latex shows predict as one formula, temporaries substituted")
    func latex() throws {
        let sgd = try sgdExport().render(.latex)
        #expect(sgd.contains("\\hat{y} &= \\mathbf{x} \\cdot \\mathbf{w}"))
        #expect(sgd.contains("\\begin{aligned}") && sgd.contains("\\end{aligned}"))
        let shape = MemoryShape(features: 3, scalars: 5, vectors: 3, matrices: 1)
        let text = try export("""
            def setup():
              s2 = 0.5
            def predict():
              s3 = dot(v0, v1)
              s4 = s3 * s3
              s1 = s4 + s3
              s1 = s1 * s2
            def learn():
              v1 = s0 * v0
            """, shape: shape).render(.latex)
        // s3 is used twice: a line of its own; s4 once: substituted.
        #expect(text.contains("t_{1} &= \\mathbf{x} \\cdot \\mathbf{w}"), "\(text)")
        #expect(text.contains("\\hat{y} &\\leftarrow t_{1} \\cdot t_{1} + t_{1}"), "\(text)")
        #expect(text.contains("\\hat{y} &\\leftarrow \\hat{y} \\cdot \\alpha"), "\(text)")
        #expect(text.contains("\\text{where } \\alpha = 0.5"), "\(text)")
    }

    @Test("python carries only the helpers and imports the program uses")
    func pythonHasNoUnusedHelpers() throws {
        let sgd = try sgdExport().render(.python)
        #expect(sgd.contains("def _dot("))
        for unused in ["def _libm(", "def _norm(", "def _norm_each(", "def _matvec(", "def _std(", "import math", "_RandomGenerator"] {
            #expect(!sgd.contains(unused), "\(unused) in:\n\(sgd)")
        }
        #expect(!sgd.contains("\n\n\n\n"), "\(sgd)")
        let shape = MemoryShape(features: 3, scalars: 5, vectors: 3, matrices: 1)
        let text = try export("""
            def setup():
              s2 = 0.5
            def predict():
              s3 = std(v0)
              s4 = exp(s3)
              s1 = s4 * s2
            def learn():
              s2 = s2 + s0
            """, shape: shape).render(.python)
        for used in ["def _std(", "def _mean(", "def _libm(", "import math"] {
            #expect(text.contains(used), "\(used) missing from:\n\(text)")
        }
        #expect(!text.contains("def _dot("))
    }

    @Test("latex shows setup and learn too: the learning rule is the discovery")
    func latexAlgorithm() throws {
        let sgd = try sgdExport().render(.latex)
        #expect(sgd.contains("&\\textbf{setup}:"), "\(sgd)")
        #expect(sgd.contains("&\\textbf{learn}(\\mathbf{x}, y):"), "\(sgd)")
        #expect(sgd.contains("\\mathbf{w} &\\leftarrow \\mathbf{w} +"), "\(sgd)")
    }

    /// Every op once, element writes included (`{M_{1}}_{[1,3]}`, not a double subscript),
    /// through pdflatex. Skipped when pdflatex is not installed.
    @Test("latex of every op compiles")
    func latexCompiles() throws {
        guard let check = try? runProcess("pdflatex", ["--version"]), check.status == 0 else {
            print("latex not compiled: pdflatex is not installed (apt-get install texlive-latex-base)")
            return
        }
        let source = try repositoryText("Tests/Fuzz/corpus/parser/every_op.gal")
        let program = try ProgramParser().parse(source)
        let shape = MemoryShape(features: 4, scalars: 8, vectors: 6, matrices: 6)
        let math = try ProgramExport(program: program, shape: shape, metadata: ExportMetadata(typeName: "EveryOp", searchSpace: "every_op")).render(.latex)
        let elements = try export("""
            def setup():
              m1[1, 2] = 0.5
            def predict():
              v1 = m1 @ v0
              s1 = dot(v1, v0)
            def learn():
              m1[0, 1] = 0.25
            """, shape: MemoryShape(features: 3, scalars: 4, vectors: 3, matrices: 2)).render(.latex)
        #expect(elements.contains("}_{[1,2]} &\\leftarrow 0.5"), "\(elements)")
        let directory = URL(fileURLWithPath: try temporaryDirectory())
        let document = "\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n"
            + "\\[\n\(math)\\]\n\\[\n\(elements)\\]\n\\end{document}\n"
        try document.write(to: directory.appendingPathComponent("every_op.tex"), atomically: true, encoding: .utf8)
        let run = try runProcess("pdflatex", ["-interaction=nonstopmode", "-halt-on-error", "every_op.tex"], in: directory)
        #expect(run.status == 0, "\(run.output.suffix(2000))")
    }

    @Test("names must be Swift identifiers that shadow nothing the export uses")
    func names() throws {
        for bad in ["", "9Lives", "my-model", "Struct Name", "struct", "self", "Double", "Vector", "lambda", "Ünïcode", "model", "W2", "_X"] {
            #expect(throws: GalapagosError.self, "accepted '\(bad)'") { try sgdExport(bad) }
        }
        #expect(throws: Never.self) { try sgdExport("_Private9") }
        #expect(SwiftIdentifier.typeName(from: "sgd_linear_regression") == "SgdLinearRegression")
        #expect(SwiftIdentifier.typeName(from: "linear_demo 197133") == "LinearDemo197133")
        #expect(SwiftIdentifier.typeName(from: "2024-run") == "Program2024Run")
        #expect(SwiftIdentifier.typeName(from: "???") == "EvolvedAlgorithm")
    }

    /// The Python export runs the same protocol as the interpreter on a probe per op and on
    /// random programs; its
    /// predictions match bit for bit (NaNs compared as NaN: NumPy and the C library may set a
    /// NaN's sign differently). Skipped when `python3` with NumPy is not installed.
    @Test("python exports match the interpreter")
    func pythonMatches() throws {
        guard let check = try? runProcess("python3", ["-c", "import numpy"]), check.status == 0 else {
            print("python exports not checked: python3 with NumPy is not available")
            return
        }
        // The last 20 random programs also get the features in s2, s3, s4 (symbolic regression).
        let plain = MemoryShape(features: 3, scalars: 6, vectors: 5, matrices: 3)
        let fed = MemoryShape(features: 3, scalars: 6, vectors: 2, matrices: 1, inputScalars: 3)
        let data = ExampleData(features: 3, count: 16, seed: 8)
        var random = RandomGenerator(seed: 606)
        var programs: [(name: String, program: Program, classification: Bool, seeded: Bool)] = []
        var source = ""
        let probes = probePrograms()
        func shape(_ index: Int) -> MemoryShape { index >= probes.count + 60 ? fed : plain }
        for index in 0..<(probes.count + 80) {
            let shape = shape(index)
            let program = index < probes.count ? probes[index] : RandomPrograms(shape: shape).make(using: &random)
            let name = "Model\(index)"
            let classification = index % 3 == 0
            let export = try ProgramExport(
                program: program, shape: shape,
                metadata: ExportMetadata(typeName: name, searchSpace: "test", metric: classification ? .accuracy : .rms))
            let seeded = Component.allCases.contains { export.program[$0].contains(where: \.op.info.isRandom) }
            programs.append((name, program, classification, seeded))
            source += export.render(.python) + "\n\n"
        }
        func literal(_ value: Double) -> String { "_d(0x\(String(value.bitPattern, radix: 16)))" }
        var driver = """
            import struct
            from exports import *

            def _d(bits):
                return struct.unpack("<d", bits.to_bytes(8, "little"))[0]

            def _bits(value):
                return format(struct.unpack("<Q", struct.pack("<d", float(value)))[0], "x")

            xs = [\(data.features.map { "[" + $0.map(literal).joined(separator: ", ") + "]" }.joined(separator: ", "))]
            ys = [\(data.labels.map(literal).joined(separator: ", "))]

            def check(name, model):
                out = []
                for k in range(12):
                    out.append(model.predict(xs[k]))
                    model.learn(xs[k], ys[k])
                for k in range(12, len(xs)):
                    out.append(model.predict(xs[k]))
                model.train(xs[:4], ys[:4], 2)
                out.append(model.predict(xs[0]))
                print(name, " ".join(_bits(v) for v in out))


            """
        for item in programs {
            driver += "check(\"\(item.name)\", \(item.name)(\(item.seeded ? "seed=\(Int(item.name.dropFirst(5)) ?? 0)" : "")))\n"
        }
        let directory = try makeTemporaryDirectory("galapagos-export-python")
        defer { try? FileManager.default.removeItem(at: directory) }
        try source.write(to: directory.appendingPathComponent("exports.py"), atomically: true, encoding: .utf8)
        try driver.write(to: directory.appendingPathComponent("driver.py"), atomically: true, encoding: .utf8)
        let run = try runProcess("python3", ["driver.py"], in: directory)
        try #require(run.status == 0, "python failed:\n\(run.output.prefix(5_000))")
        var outputs: [String: [UInt64]] = [:]
        for line in run.output.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let name = fields.first else { continue }
            outputs[String(name)] = fields.dropFirst().compactMap { UInt64($0, radix: 16) }
        }
        func canonical(_ bits: [UInt64]) -> [UInt64] {
            bits.map { Double(bitPattern: $0).isNaN ? Double.nan.bitPattern : $0 }
        }
        for (index, item) in programs.enumerated() {
            let expected = try interpreterTrace(
                item.program, shape: shape(index), seed: UInt64(index), classification: item.classification,
                data: data, trainCount: 12)
            #expect(canonical(outputs[item.name] ?? []) == canonical(expected),
                    "\(item.name) differs:\n\(ProgramPrinter.print(item.program))")
        }
    }
}
