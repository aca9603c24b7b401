import PollModel

/// `--set key.path=value` overrides, applied to the node tree before validation so that an overridden value goes
/// through exactly the checks a value in the file does (its errors name the `--set` instead of a line).
///
/// Path components are map keys; list entries are selected by their id (`name` for jobs) or, failing that, by
/// their index: `iothreads.iothread0.poll-weight=3`, `iothreads.0.poll-weight=3`, `jobs.reader.iodepth=16`,
/// `devices.nvme0.read-latency.median=12us`, `profile-overrides.wakeup-cross-cpu=8us`. Keys are checked against the
/// schema, so a misspelt key is an error rather than a new, ignored entry. A key the file leaves out is added; a map
/// on the way is created when missing; list entries are never created. The value is read as YAML, so a whole map may
/// be given: `devices.nvme0.read-latency={dist: constant, value: 10us}`.
enum Overrides {
    static func apply(_ overrides: [String], to root: inout ScenarioNode) throws {
        for text in overrides {
            try apply(text, to: &root)
        }
    }

    static func apply(_ text: String, to root: inout ScenarioNode) throws {
        let origin = SourceLocation.override(text)
        func fail(_ message: String) -> ScenarioError { ScenarioError(at: origin, message) }
        guard let equals = text.firstIndex(of: "=") else {
            throw fail("expected key.path=value")
        }
        let path = text[..<equals].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !path.contains(where: { $0.isEmpty }) else {
            throw fail("the key path '\(text[..<equals])' has an empty component")
        }
        let valueText = String(text[text.index(after: equals)...])
        var value: ScenarioNode
        do {
            value = try ScenarioNode.parse(yaml: valueText, source: origin.source)
                ?? ScenarioNode(content: .scalar("", plain: true), location: origin)
        } catch let error as ScenarioError {
            throw fail("the value is not valid YAML: \(error.message)")
        }
        value.relocate(to: origin)
        try set(&root, path: path[...], shape: .section(ScenarioSchema.top), value: value, trail: [], fail: fail)
    }

    /// The shapes inside a distribution map.
    private static func distributionChildShape(_ key: String) -> ChildShape {
        switch key {
        case "components": return .componentList
        case "samples": return .valueList
        case "percentiles": return .openMap
        default: return .value
        }
    }

    private enum ChildShape {
        case schema(ScenarioKey.Shape)
        case value, componentList, componentMap, valueList, openMap
    }

    private static func set(_ node: inout ScenarioNode, path: ArraySlice<String>, shape: ScenarioKey.Shape,
                            value: ScenarioNode, trail: [String], fail: (String) -> ScenarioError) throws {
        try set(&node, path: path, child: .schema(shape), value: value, trail: trail, fail: fail)
    }

    private static func set(_ node: inout ScenarioNode, path: ArraySlice<String>, child shape: ChildShape,
                            value: ScenarioNode, trail: [String], fail: (String) -> ScenarioError) throws {
        guard let component = path.first else {
            node = value
            return
        }
        let rest = path.dropFirst()
        let here = trail.isEmpty ? "the scenario" : "'\(trail.joined(separator: "."))'"
        switch shape {
        case .value:
            throw fail("\(here) is a single value; it has no key '\(component)'")

        case .schema(.value):
            throw fail("\(here) is a single value; it has no key '\(component)'")

        case .schema(.section(let section)):
            guard let key = section.key(component) else {
                throw fail("unknown key '\(component)'" + Suggestion.clause(for: component, among: section.keyNames))
            }
            try setInMap(&node, key: component, rest: rest, child: .schema(key.shape), value: value, trail: trail, fail: fail)

        case .schema(.costs):
            let keys = HostProfile.parameters.map(\.key)
            guard keys.contains(component) else {
                throw fail("unknown profile key '\(component)'" + Suggestion.clause(for: component, among: keys))
            }
            try setInMap(&node, key: component, rest: rest, child: .schema(.distribution), value: value, trail: trail, fail: fail)

        case .schema(.distribution):
            if node.scalarText != nil {
                throw fail("\(here) is a single duration, not a distribution map; set it whole, e.g. --set \(trail.joined(separator: "."))={dist: lognormal, median: 9us, p99: 20us}")
            }
            let keys = ScenarioSchema.distributionKeys.filter { $0 != "weight" }
            guard keys.contains(component) else {
                throw fail("unknown key '\(component)'" + Suggestion.clause(for: component, among: keys))
            }
            try setInMap(&node, key: component, rest: rest, child: distributionChildShape(component), value: value, trail: trail, fail: fail)

        case .openMap, .schema(.openMap):
            try setInMap(&node, key: component, rest: rest, child: .value, value: value, trail: trail, fail: fail)

        case .schema(.list(let section, let selector)):
            try setInList(&node, selector: selector, component: component, rest: rest,
                          child: .schema(.section(section)), value: value, trail: trail, fail: fail)

        case .componentList:
            try setInList(&node, selector: nil, component: component, rest: rest, child: .componentMap,
                          value: value, trail: trail, fail: fail)

        case .valueList:
            try setInList(&node, selector: nil, component: component, rest: rest, child: .value,
                          value: value, trail: trail, fail: fail)

        case .componentMap:
            // A mixture component: a distribution map plus its weight.
            if component == "weight" {
                try setInMap(&node, key: component, rest: rest, child: .value, value: value, trail: trail, fail: fail)
            } else {
                try set(&node, path: path, child: .schema(.distribution), value: value, trail: trail, fail: fail)
            }
        }
    }

    private static func setInMap(_ node: inout ScenarioNode, key: String, rest: ArraySlice<String>, child: ChildShape,
                                 value: ScenarioNode, trail: [String], fail: (String) -> ScenarioError) throws {
        let here = trail.isEmpty ? "the scenario" : "'\(trail.joined(separator: "."))'"
        if node.isNull {
            node.content = .mapping([])
        }
        guard var entries = node.entries else {
            throw fail("\(here) is \(node.shown), not a map")
        }
        let trail = trail + [key]
        if let index = entries.firstIndex(where: { $0.key == key }) {
            try set(&entries[index].value, path: rest, child: child, value: value, trail: trail, fail: fail)
        } else {
            var fresh = ScenarioNode(content: .scalar("", plain: true), location: value.location)
            if !rest.isEmpty {
                if case .schema(.list) = child {
                    throw fail("the scenario has no \(key) to select '\(rest.first ?? "")' from")
                }
                if case .componentList = child { throw fail("\(here) has no \(key) to select from") }
                if case .valueList = child { throw fail("\(here) has no \(key) to select from") }
                fresh.content = .mapping([])
            }
            try set(&fresh, path: rest, child: child, value: value, trail: trail, fail: fail)
            entries.append(ScenarioNode.Entry(key: key, keyLocation: value.location, value: fresh))
        }
        node.content = .mapping(entries)
    }

    private static func setInList(_ node: inout ScenarioNode, selector: String?, component: String,
                                  rest: ArraySlice<String>, child: ChildShape, value: ScenarioNode, trail: [String],
                                  fail: (String) -> ScenarioError) throws {
        let here = trail.isEmpty ? "the scenario" : "'\(trail.joined(separator: "."))'"
        guard var elements = node.elements else {
            throw fail("\(here) is \(node.shown), not a list")
        }
        let ids = selector.map { key in elements.compactMap { $0[key]?.scalarText } } ?? []
        var index = selector.flatMap { key in elements.firstIndex { $0[key]?.scalarText == component } }
        if index == nil, component.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(component),
           elements.indices.contains(number) {
            index = number
        }
        guard let index else {
            if let selector {
                let known = ids.isEmpty ? "" : " (\(selector)s: \(ids.map { ScenarioNode.clip($0) }.joined(separator: ", ")))"
                throw fail("\(here) has no entry with \(selector) or index '\(component)'\(known)"
                           + Suggestion.clause(for: component, among: ids))
            }
            throw fail("\(here) has no entry \(component) (indices 0...\(max(elements.count - 1, 0)))")
        }
        try set(&elements[index], path: rest, child: child, value: value, trail: trail + [component], fail: fail)
        node.content = .sequence(elements)
    }
}

extension ScenarioNode {
    /// Gives this node and every node below it the same location (an override's values have no line).
    mutating func relocate(to location: SourceLocation) {
        self.location = location
        switch content {
        case .scalar: break
        case .sequence(var elements):
            for index in elements.indices { elements[index].relocate(to: location) }
            content = .sequence(elements)
        case .mapping(var entries):
            for index in entries.indices {
                entries[index].keyLocation = location
                entries[index].value.relocate(to: location)
            }
            content = .mapping(entries)
        }
    }
}
