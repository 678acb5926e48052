/// Checks search-space text before any YAML parsing: refuses what could make the parser
/// recurse deeply or expand without bound.
///
/// - anchors (`&name`), aliases (`*name`) and merge keys (`<<`): a "billion laughs" document
///   expands exponentially, and search spaces never need them;
/// - flow nesting (`[[[…`, `{{{…`) deeper than ``maximumDepth`` and block indentation deeper
///   than ``maximumIndentation`` columns;
/// - lines longer than ``maximumLineLength``.
///
/// Quoted strings and comments are skipped, so `'*'` or `# &` are fine.
enum YAMLPreScan {
    static let maximumDepth = 32
    static let maximumIndentation = 128
    static let maximumLineLength = 4_096

    static func check(_ text: String, file: String) throws {
        var depth = 0
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            func fail(_ message: String) -> GalapagosError {
                .searchSpace(SourceLocation(file: file, line: number), message)
            }
            guard line.utf8.count <= maximumLineLength else {
                throw fail("expected lines of at most \(maximumLineLength) bytes, found \(line.utf8.count)")
            }
            let indentation = line.prefix(while: { $0 == " " }).count
            guard indentation <= maximumIndentation else {
                throw fail("expected nesting at most \(maximumIndentation) columns deep, found \(indentation)")
            }
            let characters = Array(line)
            var quote: Character?
            var lastSignificant: Character?  // the last non-blank character outside quotes
            for (position, character) in characters.enumerated() {
                if let open = quote {
                    if character == open { quote = nil }
                    continue
                }
                let previous: Character = position > 0 ? characters[position - 1] : " "
                if character == "#" && (previous == " " || previous == "\t" || position == 0) { break }
                switch character {
                case "'", "\"":
                    quote = character
                case "[", "{":
                    depth += 1
                    guard depth <= maximumDepth else {
                        throw fail("expected lists and mappings nested at most \(maximumDepth) deep")
                    }
                case "]", "}":
                    depth = max(0, depth - 1)
                case "&", "*":
                    // Only where a YAML node starts: after `:`, `-`, `[`, `{`, `,`, `?` or at the
                    // start of the line, and followed by a name.
                    let startsNode = lastSignificant.map { ":-[{,?".contains($0) } ?? true
                    let next: Character? = position + 1 < characters.count ? characters[position + 1] : nil
                    if startsNode, let next, next.isLetter || next.isNumber || next == "_" {
                        throw fail("anchors and aliases (\(character)\(next)…) are not supported in search-space files; write the values out")
                    }
                case "<" where previous == "<" && (lastSignificant == "<"):
                    throw fail("merge keys (<<) are not supported in search-space files; write the fields out")
                default:
                    break
                }
                if character != " " && character != "\t" { lastSignificant = character }
            }
        }
    }
}
