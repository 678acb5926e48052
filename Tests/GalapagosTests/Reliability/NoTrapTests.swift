import Foundation
import Testing

/// No `fatalError`, `try!`, `as!` or force unwrap in the product's sources, except where a
/// comment on the same or the previous line documents the invariant that makes it safe.
@Suite struct NoTrapTests {
    private static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url
    }()

    @Test func trapsAreAllowedOnlyWithADocumentedInvariant() throws {
        let sources = Self.root.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(atPath: sources.path)?
            .compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        #expect(files.count > 20)
        let forceUnwrap = try Regex(#"[A-Za-z0-9_\)\]\}]!(?!=)"#)
        let stringLiteral = try Regex(#""(\\.|[^"\\])*""#)
        let documented = try Regex(#"(?i)non-nil|never nil|invariant|never empty|cannot fail"#)
        var offenders: [String] = []
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            let lines = text.components(separatedBy: "\n")
            for (index, line) in lines.enumerated() {
                var code = line.replacing(stringLiteral, with: "\"\"")
                if let comment = code.range(of: "//") { code = String(code[..<comment.lowerBound]) }
                let risky = code.contains(forceUnwrap) || code.contains("try!")
                    || code.contains("fatalError(") || code.contains("as!")
                guard risky else { continue }
                let context = line + (index > 0 ? lines[index - 1] : "")
                if !context.contains(documented) {
                    offenders.append("Sources/\(file):\(index + 1): \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        #expect(offenders.isEmpty, "undocumented traps:\n\(offenders.joined(separator: "\n"))")
    }
}
