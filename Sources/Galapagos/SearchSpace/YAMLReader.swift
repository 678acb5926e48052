import Yams

/// Typed, located access to one mapping of a YAML document.
///
/// Every accessor names the field's dotted path and line in its error, and ``finish()``
/// rejects fields nobody asked for, so that a typo is an error rather than a silent default.
struct YAMLReader {
    let file: String
    let path: String
    let mapping: Node.Mapping
    let mark: Mark?
    private var consumed: Set<String> = []

    init(file: String, path: String, node: Node) throws {
        self.file = file
        self.path = path
        self.mark = node.mark
        guard let mapping = node.mapping else {
            throw Self.error(
                file: file, mark: node.mark, path: path,
                "expected a mapping of fields, found \(Self.describe(node))")
        }
        self.mapping = mapping
    }

    static func error(file: String, mark: Mark?, path: String, _ message: String) -> GalapagosError {
        .searchSpace(
            SourceLocation(file: file, line: mark?.line),
            path.isEmpty ? message : "\(path): \(message)")
    }

    static func describe(_ node: Node) -> String {
        switch node {
        case let .scalar(scalar): scalar.string.isEmpty ? "an empty value" : "'\(scalar.string.prefix(40))'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func error(_ key: String, _ node: Node?, _ message: String) -> GalapagosError {
        Self.error(file: file, mark: node?.mark ?? mark, path: fieldPath(key), message)
    }

    /// The raw node of a field, marking it as known.
    mutating func node(_ key: String) -> Node? {
        consumed.insert(key)
        return mapping[key]
    }

    func has(_ key: String) -> Bool { mapping[key] != nil }

    /// A nested mapping.
    mutating func object(_ key: String) throws -> YAMLReader? {
        guard let node = node(key) else { return nil }
        return try YAMLReader(file: file, path: fieldPath(key), node: node)
    }

    mutating func string(_ key: String) throws -> String? {
        guard let node = node(key) else { return nil }
        guard case let .scalar(scalar) = node else {
            throw error(key, node, "expected text, found \(Self.describe(node))")
        }
        return scalar.string
    }

    mutating func int(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let node = node(key) else { return nil }
        guard case let .scalar(scalar) = node, let value = Int(scalar.string) else {
            throw error(
                key, node, "expected a whole number \(range.lowerBound)…\(range.upperBound),"
                    + " found \(Self.describe(node))")
        }
        guard range.contains(value) else {
            throw error(
                key, node,
                "expected a whole number \(range.lowerBound)…\(range.upperBound), found \(value)")
        }
        return value
    }

    mutating func seed(_ key: String) throws -> UInt64? {
        guard let node = node(key) else { return nil }
        guard case let .scalar(scalar) = node, let value = UInt64(scalar.string) else {
            throw error(key, node, "expected a seed 0…2^64−1, found \(Self.describe(node))")
        }
        return value
    }

    mutating func double(_ key: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let node = node(key) else { return nil }
        guard case let .scalar(scalar) = node, let value = Double(scalar.string), value.isFinite
        else {
            throw error(
                key, node, "expected a number \(range.lowerBound)…\(range.upperBound),"
                    + " found \(Self.describe(node))")
        }
        guard range.contains(value) else {
            throw error(
                key, node,
                "expected a number \(range.lowerBound)…\(range.upperBound), found \(value)")
        }
        return value
    }

    mutating func bool(_ key: String) throws -> Bool? {
        guard let node = node(key) else { return nil }
        guard case let .scalar(scalar) = node,
              let value = ["true": true, "false": false, "yes": true, "no": false][scalar.string]
        else {
            throw error(key, node, "expected true or false, found \(Self.describe(node))")
        }
        return value
    }

    /// A list of text values, or a single text value taken as a one-element list.
    mutating func strings(_ key: String, maximumCount: Int = 1_000) throws -> [(String, Mark?)]? {
        guard let node = node(key) else { return nil }
        if case let .scalar(scalar) = node { return [(scalar.string, scalar.mark)] }
        guard case let .sequence(sequence) = node else {
            throw error(key, node, "expected a list, found \(Self.describe(node))")
        }
        guard sequence.count <= maximumCount else {
            throw error(key, node, "expected at most \(maximumCount) entries, found \(sequence.count)")
        }
        return try sequence.map { item in
            guard case let .scalar(scalar) = item else {
                throw error(key, item, "expected a list of names, found \(Self.describe(item))")
            }
            return (scalar.string, scalar.mark)
        }
    }

    /// A value of a `RawRepresentable` enum named by text.
    mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String, _: T.Type) throws -> T?
    where T.RawValue == String {
        guard let text = try string(key) else { return nil }
        guard let value = T(rawValue: text) else {
            let options = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw error(key, mapping[key], "expected one of \(options), found '\(text)'")
        }
        return value
    }

    /// Rejects every field that was not read.
    func finish() throws {
        for (keyNode, _) in mapping {
            let key = keyNode.string ?? ""
            if !consumed.contains(key) {
                let known = consumed.sorted().joined(separator: ", ")
                throw Self.error(
                    file: file, mark: keyNode.mark, path: fieldPath(key),
                    "unknown field (expected one of: \(known))")
            }
        }
    }
}
