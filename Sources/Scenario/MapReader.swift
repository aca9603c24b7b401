/// Reads one map of a scenario file against its section: rejects unknown keys (with a suggestion), keys without a
/// value, and gives typed access to the rest, each error at the offending node.
struct MapReader {
    let node: ScenarioNode
    let entries: [ScenarioNode.Entry]
    /// How the map is named in messages: `iothreads[0]`, `devices[1].read-latency`, `the top level`.
    let context: String

    /// Checks that `node` is a map whose keys are all in `allowed`.
    init(_ node: ScenarioNode, context: String, allowed: [String]) throws {
        guard let entries = node.entries else {
            throw ScenarioError(at: node.location, "expected a map for \(context), got \(node.shown)")
        }
        var seen: [String: SourceLocation] = [:]
        for entry in entries {
            guard allowed.contains(entry.key) else {
                throw ScenarioError(at: entry.keyLocation,
                                    "unknown key '\(ScenarioNode.clip(entry.key))' \(MapReader.preposition(context))"
                                    + MapReader.hint(for: entry.key, among: allowed))
            }
            // Yams rejects duplicate keys in files; `--set` cannot create them. Kept for trees built otherwise.
            if let first = seen[entry.key] {
                throw ScenarioError(at: entry.keyLocation, "duplicate key '\(entry.key)'", note: "first defined at \(first)")
            }
            seen[entry.key] = entry.keyLocation
            if entry.value.isNull {
                throw ScenarioError(at: entry.value.location.line == nil ? entry.value.location : entry.keyLocation,
                                    "'\(entry.key)' has no value")
            }
        }
        self.node = node
        self.entries = entries
        self.context = context
    }

    init(_ node: ScenarioNode, section: ScenarioSection, context: String) throws {
        try self.init(node, context: context, allowed: section.keyNames)
    }

    /// `; did you mean 'x'?` for a likely typo; otherwise, for a key of another section, where it belongs.
    static func hint(for key: String, among allowed: [String]) -> String {
        let suggestion = Suggestion.clause(for: key, among: allowed)
        guard suggestion.isEmpty else { return suggestion }
        let homes = ScenarioSchema.sections.filter { $0.key(key) != nil && $0.keyNames != allowed }.map(\.name)
        guard !homes.isEmpty else { return "" }
        return " ('\(key)' is a key of \(homes.joined(separator: ", ")))"
    }

    static func preposition(_ context: String) -> String {
        context == "the top level" ? "at the top level" : "in \(context)"
    }

    var keys: [String] { entries.map(\.key) }

    func has(_ key: String) -> Bool { entries.contains { $0.key == key } }

    subscript(key: String) -> ScenarioNode? {
        entries.first { $0.key == key }?.value
    }

    func required(_ key: String) throws -> ScenarioNode {
        guard let value = self[key] else {
            throw ScenarioError(at: node.location, "missing required key '\(key)' \(MapReader.preposition(context))")
        }
        return value
    }

    // MARK: Typed values

    /// Applies a unit parser to the scalar at `key`, if present.
    func optional<T>(_ key: String, _ parse: (String) throws(Units.Failure) -> T) throws -> T? {
        guard let value = self[key] else { return nil }
        return try Self.scalar(value, key: key, parse)
    }

    func value<T>(_ key: String, default defaultValue: T, _ parse: (String) throws(Units.Failure) -> T) throws -> T {
        try optional(key, parse) ?? defaultValue
    }

    func requiredValue<T>(_ key: String, _ parse: (String) throws(Units.Failure) -> T) throws -> T {
        try Self.scalar(try required(key), key: key, parse)
    }

    static func scalar<T>(_ node: ScenarioNode, key: String, _ parse: (String) throws(Units.Failure) -> T) throws -> T {
        guard let text = node.scalarText else {
            throw ScenarioError(at: node.location, "expected a single value for '\(key)', got \(node.shown)")
        }
        do {
            return try parse(text)
        } catch {
            throw ScenarioError(at: node.location, error.message)
        }
    }

    /// A name (an id): a non-empty scalar without surrounding whitespace.
    func name(_ key: String) throws -> String {
        let node = try required(key)
        return try Self.name(node, key: key)
    }

    static func name(_ node: ScenarioNode, key: String) throws -> String {
        guard let text = node.scalarText, !text.isEmpty else {
            throw ScenarioError(at: node.location, "expected a name for '\(key)', got \(node.shown)")
        }
        guard text.trimmingWhitespace() == text, !text.contains("\n") else {
            throw ScenarioError(at: node.location, "'\(key)' must not contain line breaks or surrounding spaces, got '\(ScenarioNode.clip(text))'")
        }
        return text
    }

    /// An integer checked against `range`, e.g. `iodepth must be >= 1, got 0`.
    func integer(_ key: String, default defaultValue: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let node = self[key] else { return defaultValue }
        let value = try Self.scalar(node, key: key, Units.integer)
        guard let narrowed = Int(exactly: value), range.contains(narrowed) else {
            let bound: String
            if range.upperBound == Int.max {
                bound = "must be >= \(range.lowerBound)"
            } else {
                bound = "must be in \(range.lowerBound)...\(range.upperBound)"
            }
            throw ScenarioError(at: node.location, "\(key) \(bound), got \(value)")
        }
        return narrowed
    }

    /// One of an enum's raw values, e.g. `unknown policy 'poll-wieght' (expected none, busy, ...); did you mean ...`.
    func choice<E: RawRepresentable & CaseIterable>(_ key: String, default defaultValue: E) throws -> E where E.RawValue == String {
        guard let node = self[key] else { return defaultValue }
        return try Self.choice(node, key: key, E.self)
    }

    static func choice<E: RawRepresentable & CaseIterable>(_ node: ScenarioNode, key: String, _: E.Type) throws -> E where E.RawValue == String {
        let names = E.allCases.map(\.rawValue)
        guard let text = node.scalarText else {
            throw ScenarioError(at: node.location, "expected one of \(names.joined(separator: ", ")) for '\(key)', got \(node.shown)")
        }
        guard let value = E(rawValue: text) else {
            throw ScenarioError(at: node.location,
                                "unknown \(key) '\(ScenarioNode.clip(text))' (expected \(names.joined(separator: ", ")))"
                                + Suggestion.clause(for: text, among: names))
        }
        return value
    }

    /// The elements of the list at `key`; `what` names an element in messages.
    static func list(_ node: ScenarioNode, key: String, example: String) throws -> [ScenarioNode] {
        guard let elements = node.elements else {
            throw ScenarioError(at: node.location, "expected a list for '\(key)' (entries like '- \(example)'), got \(node.shown)")
        }
        return elements
    }
}
