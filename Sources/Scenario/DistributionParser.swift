import SimKernel

/// Reads a latency or cost: a bare duration (a constant) or a distribution map such as
/// `{dist: lognormal, median: 9us, p99: 20us}`. Durations are in nanoseconds; `DistributionError`s are reported at
/// the parameter they name.
enum DistributionParser {
    /// The parameters of each distribution, in documentation order. Alternatives (lognormal) are listed together.
    static let parameters: [(dist: String, keys: [String], summary: String)] = [
        ("constant", ["value"], "value (duration)"),
        ("uniform", ["min", "max"], "min, max (durations)"),
        ("exponential", ["mean"], "mean (duration)"),
        ("normal", ["mean", "sd"], "mean, sd (durations; truncated at 0)"),
        ("lognormal", ["median", "p99", "mu", "sigma"], "median, p99 (durations) or mu, sigma (plain numbers: the mean and sd of ln(ns))"),
        ("gamma", ["shape", "scale"], "shape (number), scale (duration)"),
        ("weibull", ["shape", "scale"], "shape (number), scale (duration)"),
        ("pareto", ["shape", "scale"], "shape (number), scale (duration, the minimum)"),
        ("mixture", ["components"], "components: a list of distribution maps, each with a relative weight"),
        ("empirical", ["samples", "percentiles"], "samples: [durations] (drawn uniformly) or percentiles: {50: 9us, 99: 20us} (piecewise-linear)"),
    ]

    static var names: [String] { parameters.map(\.dist) }

    static func parse(_ node: ScenarioNode, context: String) throws -> Distribution {
        if let text = node.scalarText {
            let ns: Double
            do {
                ns = try Units.durationNs(text)
            } catch {
                let generic = "expected a duration like 10us, got "
                guard error.message.hasPrefix(generic) else { throw ScenarioError(at: node.location, error.message) }
                throw ScenarioError(at: node.location, "expected a duration like 10us or a distribution map like "
                    + "{dist: lognormal, median: 9us, p99: 20us}, got " + error.message.dropFirst(generic.count))
            }
            return try located(node, node) { try .constant(ns) }
        }
        guard node.entries != nil else {
            throw ScenarioError(at: node.location,
                                "expected a duration like 10us or a distribution map like {dist: lognormal, median: 9us, p99: 20us} for \(context), got \(node.shown)")
        }
        // With a known dist, unknown keys are reported against that distribution's parameters; otherwise against
        // every distribution key first (a misspelt key is likelier than a misspelt dist).
        if let name = node["dist"]?.scalarText, let spec = parameters.first(where: { $0.dist == name }) {
            return try parse(node, spec: spec, context: context)
        }
        let general = try MapReader(node, context: context, allowed: ScenarioSchema.distributionKeys.filter { $0 != "weight" })
        let distNode = try general.required("dist")
        let dist = try MapReader.name(distNode, key: "dist")
        throw ScenarioError(at: distNode.location,
                            "unknown dist '\(ScenarioNode.clip(dist))' (expected \(names.joined(separator: ", ")))"
                            + Suggestion.clause(for: dist, among: names))
    }

    private static func parse(_ node: ScenarioNode, spec: (dist: String, keys: [String], summary: String),
                              context: String) throws -> Distribution {
        let dist = spec.dist
        let map = try MapReader(node, context: "\(context) (\(dist) takes \(spec.summary))", allowed: ["dist"] + spec.keys)
        func duration(_ key: String) throws -> Double { try map.requiredValue(key) { text throws(Units.Failure) in try Units.durationNs(text) } }
        func number(_ key: String) throws -> Double { try map.requiredValue(key, Units.number) }
        func build(_ make: () throws -> Distribution) throws -> Distribution { try located(node, map.node, make) }

        switch dist {
        case "constant":
            let value = try duration("value")
            return try build { try .constant(value) }
        case "uniform":
            let (low, high) = (try duration("min"), try duration("max"))
            return try build { try .uniform(min: low, max: high) }
        case "exponential":
            let mean = try duration("mean")
            return try build { try .exponential(mean: mean) }
        case "normal":
            let (mean, sd) = (try duration("mean"), try duration("sd"))
            return try build { try .normal(mean: mean, sd: sd) }
        case "lognormal":
            let byPercentiles = map.has("median") || map.has("p99")
            let byParameters = map.has("mu") || map.has("sigma")
            if byPercentiles && byParameters {
                throw ScenarioError(at: node.location, "lognormal takes either median and p99, or mu and sigma, not both")
            }
            if byParameters {
                let (mu, sigma) = (try number("mu"), try number("sigma"))
                return try build { try .lognormal(mu: mu, sigma: sigma) }
            }
            guard byPercentiles else {
                throw ScenarioError(at: node.location, "lognormal needs median and p99 (durations), or mu and sigma (of ln(ns))")
            }
            let (median, p99) = (try duration("median"), try duration("p99"))
            return try build { try .lognormal(median: median, p99: p99) }
        case "gamma", "weibull", "pareto":
            let (shape, scale) = (try number("shape"), try duration("scale"))
            return try build {
                switch dist {
                case "gamma": return try .gamma(shape: shape, scale: scale)
                case "weibull": return try .weibull(shape: shape, scale: scale)
                default: return try .pareto(shape: shape, scale: scale)
                }
            }
        case "mixture":
            let list = try MapReader.list(try map.required("components"), key: "components",
                                          example: "{weight: 0.9, dist: constant, value: 10us}")
            var components: [Distribution.Component] = []
            for (index, element) in list.enumerated() {
                let componentContext = "\(context).components[\(index)]"
                guard let entries = element.entries else {
                    throw ScenarioError(at: element.location,
                                        "expected a map like {weight: 0.9, dist: lognormal, median: 9us, p99: 20us} for \(componentContext), got \(element.shown)")
                }
                guard let weightNode = element["weight"] else {
                    throw ScenarioError(at: element.location, "missing required key 'weight' in \(componentContext)")
                }
                let weight = try MapReader.scalar(weightNode, key: "weight", Units.number)
                var rest = element
                rest.content = .mapping(entries.filter { $0.key != "weight" })
                components.append(.init(weight: weight, distribution: try parse(rest, context: componentContext)))
            }
            return try build { try .mixture(components) }
        case "empirical":
            if map.has("samples") == map.has("percentiles") {
                throw ScenarioError(at: node.location, "empirical needs either samples or percentiles (exactly one)")
            }
            if let samplesNode = map["samples"] {
                var samples: [Double] = []
                for element in try MapReader.list(samplesNode, key: "samples", example: "9us") {
                    samples.append(try MapReader.scalar(element, key: "samples") { text throws(Units.Failure) in try Units.durationNs(text) })
                }
                return try build { try .empirical(samples: samples) }
            }
            let table = try map.required("percentiles")
            guard let entries = table.entries else {
                throw ScenarioError(at: table.location, "expected a map like {50: 9us, 99: 20us} for 'percentiles', got \(table.shown)")
            }
            var knots: [(percentile: Double, value: Double)] = []
            for entry in entries {
                let percentile: Double
                do {
                    percentile = try Units.number(entry.key)
                } catch {
                    throw ScenarioError(at: entry.keyLocation, "expected a percentile in (0, 100] as the key, got '\(ScenarioNode.clip(entry.key))'")
                }
                guard percentile > 0, percentile <= 100 else {
                    throw ScenarioError(at: entry.keyLocation, "percentile must be in (0, 100], got \(ScenarioNode.clip(entry.key))")
                }
                let value = try MapReader.scalar(entry.value, key: entry.key) { text throws(Units.Failure) in try Units.durationNs(text) }
                knots.append((percentile, value))
            }
            return try build { try .empirical(percentiles: knots) }
        default:
            throw ScenarioError(at: node.location, "unknown dist '\(dist)'")
        }
    }

    /// Runs a validated constructor; a `DistributionError` is reported at the node of the parameter it names, or at
    /// the distribution itself.
    private static func located(_ node: ScenarioNode, _ map: ScenarioNode, _ make: () throws -> Distribution) throws -> Distribution {
        do {
            return try make()
        } catch let error as DistributionError {
            let parameter = error.parameter
            let key = parameter.split(separator: "[").first.map(String.init) ?? parameter
            var location = node.location
            if let value = map[key] {
                location = value.location
                // components[i].weight, samples[i], percentiles[p]: the element itself.
                if let open = parameter.firstIndex(of: "["), let close = parameter.firstIndex(of: "]"), open < close {
                    let inside = String(parameter[parameter.index(after: open)..<close])
                    if let index = Int(inside), let elements = value.elements, elements.indices.contains(index) {
                        location = elements[index]["weight"]?.location ?? elements[index].location
                    } else if let percentile = Double(inside),
                              let entry = value.entries?.first(where: { (try? Units.number($0.key)) == percentile }) {
                        location = entry.value.location
                    }
                }
            }
            throw ScenarioError(at: location, error.description)
        }
    }
}
