import Foundation
import PollModel

/// Reads scenario files (docs/scenario-format.md) into a validated `ModelConfiguration`.
///
/// Every problem is a `ScenarioError` at file:line:column (or at the `--set` that caused it): YAML syntax, unknown
/// keys (with a suggestion), wrong types and units, out-of-range values (QEMU's wording for the poll-* properties),
/// duplicate ids, dangling references, distributions that cannot be sampled, missing required keys.
public enum ScenarioLoader {
    /// Reads, applies `--set` overrides, validates, and builds the configuration.
    /// `seed`, when given, replaces the file's `seed`. Relative profile paths are resolved against the scenario
    /// file's directory.
    public static func load(path: String, overrides: [String] = [], seed: UInt64? = nil) throws -> ModelConfiguration {
        try parse(yaml: try readScenarioText(path: path), fileName: path, overrides: overrides, seed: seed)
    }

    /// The text of the scenario file at `path`, or a `ScenarioError` saying why it cannot be read.
    public static func readScenarioText(path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let reason = !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) ? "no such file"
                : isDirectory.boolValue ? "it is a directory" : "permission denied"
            throw ScenarioError(file: path, line: nil, column: nil, message: "cannot read the scenario file: \(reason)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScenarioError(file: path, line: nil, column: nil, message: "the scenario file is not UTF-8 text")
        }
        return text
    }

    /// As `load`, for text already in memory. `fileName` names the text in errors, gives the default scenario name
    /// and the directory relative profile paths are resolved against.
    public static func parse(yaml: String, fileName: String, overrides: [String] = [], seed: UInt64? = nil) throws -> ModelConfiguration {
        let start = SourceLocation.file(fileName, line: 1, column: 1)
        var root = try ScenarioNode.parse(yaml: yaml, source: fileName)
            ?? ScenarioNode(content: .mapping([]), location: start)
        if root.isNull { root = ScenarioNode(content: .mapping([]), location: root.location) }
        guard root.entries != nil else {
            throw ScenarioError(at: root.location, "expected a map of scenario keys (name, runtime, devices, ...) at the top level, got \(root.shown)")
        }
        try Overrides.apply(overrides, to: &root)
        var configuration = try ScenarioBuilder(fileName: fileName).build(root)
        if let seed { configuration.seed = seed }
        return configuration
    }
}
