import Yams

/// The scenario as a tree of located nodes: what Yams composed, with every node's position, before any meaning is
/// given to it. `--set` overrides edit this tree, so their values go through exactly the checks file values do.
struct ScenarioNode: Sendable {
    struct Entry: Sendable {
        var key: String
        var keyLocation: SourceLocation
        var value: ScenarioNode
    }

    enum Content: Sendable {
        /// `plain` is false for quoted and block scalars: `"null"` is a string, `null` is nothing.
        case scalar(String, plain: Bool)
        case mapping([Entry])
        case sequence([ScenarioNode])
    }

    var content: Content
    var location: SourceLocation

    var isNull: Bool {
        if case .scalar(let text, plain: true) = content { return ["", "~", "null", "Null", "NULL"].contains(text) }
        return false
    }

    var scalarText: String? {
        if case .scalar(let text, _) = content, !isNull { return text }
        return nil
    }

    var entries: [Entry]? {
        if case .mapping(let entries) = content { return entries }
        return nil
    }

    var elements: [ScenarioNode]? {
        if case .sequence(let elements) = content { return elements }
        return nil
    }

    /// How the node reads in an error message: `'fast'`, `a map`, `a list`, `nothing`.
    var shown: String {
        switch content {
        case .scalar(let text, _):
            if isNull { return "nothing" }
            return "'\(ScenarioNode.clip(text))'"
        case .mapping: return "a map"
        case .sequence: return "a list"
        }
    }

    /// The value of `key` in a mapping, if present.
    subscript(key: String) -> ScenarioNode? {
        entries?.first { $0.key == key }?.value
    }

    static func clip(_ text: String) -> String {
        let oneLine = text.replacingOccurrences(of: "\n", with: "\\n")
        return oneLine.count > 60 ? String(oneLine.prefix(57)) + "..." : oneLine
    }
}

// MARK: From Yams

extension ScenarioNode {
    /// The most nodes a document may expand to. Aliases share subtrees in Yams but are copied here, so a
    /// "billion laughs" document would otherwise exhaust memory.
    static let nodeBudget = 200_000

    /// Parses one YAML document. Returns nil for an empty document. Yams' errors become `ScenarioError`s.
    static func parse(yaml text: String, source: String) throws -> ScenarioNode? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw YAMLSyntax.scenarioError(error, text: text, source: source)
        } catch {
            throw ScenarioError(file: source, line: nil, column: nil, message: "cannot parse YAML: \(error)")
        }
        guard let root else { return nil }
        var budget = nodeBudget
        return try ScenarioNode(root, source: source, budget: &budget)
    }

    init(_ node: Node, source: String, budget: inout Int) throws {
        budget -= 1
        let location = SourceLocation.file(source, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
        guard budget >= 0 else {
            throw ScenarioError(at: location, "the document expands to more than \(ScenarioNode.nodeBudget) nodes (nested aliases?)")
        }
        switch node {
        case .scalar(let scalar):
            self.init(content: .scalar(scalar.string, plain: scalar.style == .plain || scalar.style == .any),
                      location: location)
        case .sequence(let sequence):
            var elements: [ScenarioNode] = []
            elements.reserveCapacity(sequence.count)
            for element in sequence { elements.append(try ScenarioNode(element, source: source, budget: &budget)) }
            self.init(content: .sequence(elements), location: location)
        case .mapping(let mapping):
            var entries: [Entry] = []
            for (key, value) in mapping {
                let keyLocation = SourceLocation.file(source, line: key.mark?.line ?? location.line ?? 1,
                                                      column: key.mark?.column ?? location.column ?? 1)
                guard case .scalar(let keyScalar) = key else {
                    throw ScenarioError(at: keyLocation, "a key must be a name, not \(key.mapping != nil ? "a map" : "a list")")
                }
                entries.append(Entry(key: keyScalar.string, keyLocation: keyLocation,
                                     value: try ScenarioNode(value, source: source, budget: &budget)))
            }
            self.init(content: .mapping(entries), location: location)
        case .alias:
            throw ScenarioError(at: location, "unresolved YAML alias")
        }
    }
}
