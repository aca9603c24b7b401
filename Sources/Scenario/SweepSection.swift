/// A scenario's own sweep: the optional top-level `sweep:` section, used by `pollsim sweep FILE` and
/// `pollsim compare` when no `--vary` is given (docs/scenario-format.md, docs/sweeps.md).
///
/// ```yaml
/// sweep:
///   vary:
///     jobs.reader.numjobs: [1, 4, 8, 16]      # a list of values, each passed as written
///     jobs.reader.bs: "8k..128k*16"            # or a string in --vary syntax: lists and ranges
///     layout:                                  # or named cases: each sets several keys at once
///       one-thread: { disks.vda.iothread: iothread0 }
///       two-threads: { disks.vda.iothread: iothread1, jobs.reader.numjobs: 2 }
///   replications: 3
/// ```
///
/// This module checks the section's shape (and `ScenarioBuilder` does so for every scenario it loads, so `pollsim run`
/// rejects a malformed section too); whether the keys exist and the values are valid is checked by the sweep, which
/// applies every value as a `--set` override.
public struct ScenarioSweep: Sendable, Equatable {
    public struct Axis: Sendable, Equatable {
        /// The values of one axis, as the file writes them.
        public enum Values: Sendable, Equatable {
            /// A YAML list: each element is one value, passed as written (no range expansion, no comma splitting).
            case list([String])
            /// A string in `--vary` syntax: comma-separated values and ranges (`0..8`, `0..8:2`, `4k..64k*2`).
            case text(String)
            /// Named cases: a label and the `key.path=value` overrides it stands for, in file order.
            case cases([Case])
        }

        public struct Case: Sendable, Equatable {
            public var label: String
            public var overrides: [String]

            public init(label: String, overrides: [String]) {
                self.label = label
                self.overrides = overrides
            }
        }

        /// The key path (for `list` and `text`) or the axis name (for `cases`).
        public var name: String
        public var values: Values
        /// Where the axis is written, `file:line:column`, for error messages.
        public var origin: String

        public init(name: String, values: Values, origin: String) {
            self.name = name
            self.values = values
            self.origin = origin
        }
    }

    /// The axes in file order: the first varies slowest.
    public var axes: [Axis]
    /// `replications`, when the file gives it.
    public var replications: Int?

    public init(axes: [Axis], replications: Int?) {
        self.axes = axes
        self.replications = replications
    }
}

extension ScenarioSchema {
    static let sweep = ScenarioSection(name: "sweep", keys: [
        .init("vary", "map", "required", "Scenario key path -> a list of values, a string in `--vary` syntax (`0..8`, `4k..64k*2`, `1,2,4`), or a map of named cases (label -> map of key path -> value). The first key varies slowest."),
        .init("replications", "integer >= 1", "1", "Runs per point; replication k uses the same seed at every point (common random numbers). `--replications` replaces it."),
    ])
}

extension ScenarioSweep {
    /// Reads and checks a `sweep:` node.
    init(_ node: ScenarioNode) throws {
        let map = try MapReader(node, section: ScenarioSchema.sweep, context: "sweep")
        let vary = try map.required("vary")
        guard let entries = vary.entries else {
            throw ScenarioError(at: vary.location, "expected a map of key.path -> values for 'sweep.vary', got \(vary.shown)")
        }
        guard !entries.isEmpty else {
            throw ScenarioError(at: vary.location, "'sweep.vary' needs at least one key")
        }
        var axes: [Axis] = []
        for entry in entries {
            let origin = entry.keyLocation.description
            guard !entry.key.isEmpty, !entry.key.contains("=") else {
                throw ScenarioError(at: entry.keyLocation, "'\(ScenarioNode.clip(entry.key))' is not a key path (like jobs.0.iodepth) or a name")
            }
            let value = entry.value
            switch value.content {
            case .scalar:
                guard let text = value.scalarText, !text.isEmpty else {
                    throw ScenarioError(at: value.location.line == nil ? entry.keyLocation : value.location,
                                        "'sweep.vary.\(ScenarioNode.clip(entry.key))' has no values")
                }
                axes.append(Axis(name: entry.key, values: .text(text), origin: origin))
            case .sequence(let elements):
                guard !elements.isEmpty else {
                    throw ScenarioError(at: value.location, "'sweep.vary.\(ScenarioNode.clip(entry.key))' has no values")
                }
                let values = try elements.map { element -> String in
                    guard let text = element.scalarText else {
                        throw ScenarioError(at: element.location,
                                            "expected a single value in 'sweep.vary.\(ScenarioNode.clip(entry.key))', got \(element.shown) (write a structured value as a quoted string: \"{dist: constant, value: 10us}\")")
                    }
                    return text
                }
                axes.append(Axis(name: entry.key, values: .list(values), origin: origin))
            case .mapping(let caseEntries):
                guard !caseEntries.isEmpty else {
                    throw ScenarioError(at: value.location, "'sweep.vary.\(ScenarioNode.clip(entry.key))' has no cases")
                }
                let cases = try caseEntries.map { caseEntry -> Axis.Case in
                    let context = "sweep.vary.\(ScenarioNode.clip(entry.key)).\(ScenarioNode.clip(caseEntry.key))"
                    guard let settings = caseEntry.value.entries, !settings.isEmpty else {
                        throw ScenarioError(at: caseEntry.value.location.line == nil ? caseEntry.keyLocation : caseEntry.value.location,
                                            "expected a map of key.path -> value for case '\(context)', got \(caseEntry.value.shown)")
                    }
                    let overrides = try settings.map { setting -> String in
                        guard let text = setting.value.scalarText else {
                            throw ScenarioError(at: setting.value.location.line == nil ? setting.keyLocation : setting.value.location,
                                                "expected a single value for '\(ScenarioNode.clip(setting.key))' in case '\(context)', got \(setting.value.shown)")
                        }
                        return "\(setting.key)=\(text)"
                    }
                    return Axis.Case(label: caseEntry.key, overrides: overrides)
                }
                axes.append(Axis(name: entry.key, values: .cases(cases), origin: origin))
            }
        }
        let replications = map.has("replications")
            ? try map.integer("replications", default: 1, in: 1...1_000_000) : nil
        self.init(axes: axes, replications: replications)
    }
}

extension ScenarioLoader {
    /// The `sweep:` section of the scenario at `path` after `overrides`, or nil when it has none.
    public static func loadSweep(path: String, overrides: [String] = []) throws -> ScenarioSweep? {
        let text = try readScenarioText(path: path)
        return try parseSweep(yaml: text, fileName: path, overrides: overrides)
    }

    /// As `loadSweep`, for text already in memory. The whole scenario is validated, as `parse` does.
    public static func parseSweep(yaml: String, fileName: String, overrides: [String] = []) throws -> ScenarioSweep? {
        _ = try parse(yaml: yaml, fileName: fileName, overrides: overrides)
        var root = try ScenarioNode.parse(yaml: yaml, source: fileName)
            ?? ScenarioNode(content: .mapping([]), location: .file(fileName, line: 1, column: 1))
        try Overrides.apply(overrides, to: &root)
        return try root["sweep"].map(ScenarioSweep.init)
    }
}
