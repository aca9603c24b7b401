import PollModel

/// The generated parts of docs/scenario-format.md: one key table per section and the host-profile table, from
/// `ScenarioSchema` and `HostProfile.parameters`. A test checks that the document holds exactly these tables, so
/// the documentation cannot drift from the code (`POLLSIM_UPDATE_DOCS=1 swift test --filter ScenarioTests`
/// rewrites them).
enum ScenarioReference {
    /// The generated blocks by marker name, in document order.
    static var blocks: [(name: String, markdown: String)] {
        ScenarioSchema.sections.map { section in ("keys: \(section.name)", keyTable(section)) }
            + [("distributions", distributionTable()), ("host-profile", hostProfileTable())]
    }

    static func keyTable(_ section: ScenarioSection) -> String {
        var lines = ["| key | unit | default | meaning |", "|---|---|---|---|"]
        for key in section.keys {
            lines.append("| `\(key.key)` | \(cell(key.unit)) | \(cell(key.defaultValue)) | \(cell(key.meaning)) |")
        }
        return lines.joined(separator: "\n")
    }

    static func distributionTable() -> String {
        var lines = ["| dist | parameters |", "|---|---|"]
        for spec in DistributionParser.parameters {
            lines.append("| `\(spec.dist)` | \(cell(spec.summary)) |")
        }
        return lines.joined(separator: "\n")
    }

    static func hostProfileTable() -> String {
        var lines = ["| key | bare-metal | meaning | source of the figure |", "|---|---|---|---|"]
        for parameter in HostProfile.parameters {
            lines.append("| `\(parameter.key)` | \(formatNs(parameter.bareMetalNs)) | \(cell(parameter.meaning)) | \(cell(parameter.source)) |")
        }
        return lines.joined(separator: "\n")
    }

    /// `400ns`, `1.5us`, `5us`.
    static func formatNs(_ ns: Double) -> String {
        if ns >= 1000 {
            let us = ns / 1000
            return us == us.rounded() ? "\(Int(us))us" : "\(us)us"
        }
        return ns == ns.rounded() ? "\(Int(ns))ns" : "\(ns)ns"
    }

    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    static func beginMarker(_ name: String) -> String { "<!-- BEGIN GENERATED \(name) -->" }
    static func endMarker(_ name: String) -> String { "<!-- END GENERATED \(name) -->" }

    /// `document` with every generated block replaced by its current text (markers must already be present).
    static func refreshed(_ document: String) -> String {
        var text = document
        for block in blocks {
            let begin = beginMarker(block.name), end = endMarker(block.name)
            guard let start = text.range(of: begin), let stop = text.range(of: end, range: start.upperBound..<text.endIndex) else {
                continue
            }
            text.replaceSubrange(start.upperBound..<stop.lowerBound, with: "\n" + block.markdown + "\n")
        }
        return text
    }
}
