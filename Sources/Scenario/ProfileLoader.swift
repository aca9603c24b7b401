import Foundation
import PollModel

/// Host profiles in scenarios: `profile:` (a built-in name or a profile file) and `profile-overrides:`.
///
/// A profile file is a YAML map of profile keys to costs, plus an optional `base:` naming the built-in profile that
/// supplies the keys the file leaves out (default bare-metal):
/// ```yaml
/// base: bare-metal
/// wakeup-cross-cpu: 55us
/// timer-overshoot: {dist: lognormal, median: 45us, p99: 120us}
/// ```
enum ProfileLoader {
    static let maxFileSize = 4 << 20

    static var builtInNames: [String] { HostProfile.builtIn.keys.sorted() }

    /// Resolves the `profile:` value: a built-in name, or a path relative to `baseDirectory`.
    static func load(_ node: ScenarioNode, baseDirectory: String) throws -> HostProfile {
        let name = try MapReader.name(node, key: "profile")
        if let builtIn = HostProfile.builtIn[name] { return builtIn }
        let path = resolve(name, relativeTo: baseDirectory)
        // Only regular files of reasonable size: `profile: /dev/zero` must fail, not hang.
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let attributes, attributes[.type] as? FileAttributeType == .typeRegular,
              (attributes[.size] as? NSNumber)?.intValue ?? 0 <= maxFileSize,
              let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ScenarioError(at: node.location,
                                "profile '\(ScenarioNode.clip(name))' is neither a built-in profile (\(builtInNames.joined(separator: ", "))) nor a readable file ('\(ScenarioNode.clip(path))')"
                                + Suggestion.clause(for: name, among: builtInNames))
        }
        return try parseFile(text, source: path)
    }

    /// Parses the text of a profile file; errors are located in that file.
    static func parseFile(_ text: String, source: String) throws -> HostProfile {
        guard let root = try ScenarioNode.parse(yaml: text, source: source) else {
            throw ScenarioError(file: source, line: nil, column: nil, message: "the profile file is empty")
        }
        let map = try MapReader(root, context: "the profile file", allowed: ScenarioSchema.profileFileKeys)
        var profile = HostProfile.bareMetal
        if let baseNode = map["base"] {
            let base = try MapReader.name(baseNode, key: "base")
            guard let builtIn = HostProfile.builtIn[base] else {
                throw ScenarioError(at: baseNode.location,
                                    "unknown base profile '\(ScenarioNode.clip(base))' (expected \(builtInNames.joined(separator: ", ")))"
                                    + Suggestion.clause(for: base, among: builtInNames))
            }
            profile = builtIn
        }
        for entry in map.entries where entry.key != "base" {
            try set(entry, in: &profile)
        }
        return profile
    }

    /// Applies `profile-overrides:`: a map of profile key to cost.
    static func applyOverrides(_ node: ScenarioNode, to profile: inout HostProfile) throws {
        let map = try MapReader(node, context: "profile-overrides", allowed: HostProfile.parameters.map(\.key))
        for entry in map.entries { try set(entry, in: &profile) }
    }

    private static func set(_ entry: ScenarioNode.Entry, in profile: inout HostProfile) throws {
        guard let parameter = HostProfile.parameter(named: entry.key) else {
            throw ScenarioError(at: entry.keyLocation, "unknown profile key '\(ScenarioNode.clip(entry.key))'")
        }
        profile[keyPath: parameter.keyPath] = Cost(try DistributionParser.parse(entry.value, context: entry.key))
    }

    static func resolve(_ path: String, relativeTo baseDirectory: String) -> String {
        if path.hasPrefix("/") || baseDirectory.isEmpty { return path }
        return baseDirectory.hasSuffix("/") ? baseDirectory + path : baseDirectory + "/" + path
    }
}
