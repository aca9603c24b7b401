import Scenario

/// One dimension of a sweep: a column name and its levels, each level a label (the column's value) and the
/// `key.path=value` overrides that set it.
///
/// A plain axis (`--vary jobs.0.iodepth=1,2,4`) is named by its key path and each level sets that one key. A case axis
/// (`--vary 'layout=shared{disks.vdb.iothread=iothread0},separate{disks.vdb.iothread=iothread1}'`, or a map of cases
/// in a scenario's `sweep:` section) is named freely and each level sets any number of keys.
public struct SweepAxis: Sendable, Equatable {
    public struct Level: Sendable, Equatable {
        public var label: String
        public var overrides: [String]

        public init(label: String, overrides: [String]) {
            self.label = label
            self.overrides = overrides
        }
    }

    /// The CSV column: the key path, or the case axis's name.
    public var name: String
    public var levels: [Level]
    /// True when `name` is a key path and every level sets it to its label.
    public var isKeyPath: Bool
    /// Where the axis was given, for messages: `--vary key=values`, or `file:line:column` of a `sweep.vary` key.
    public var origin: String

    public init(name: String, levels: [Level], isKeyPath: Bool, origin: String) {
        self.name = name
        self.levels = levels
        self.isKeyPath = isKeyPath
        self.origin = origin
    }

    /// A plain axis: `key` set to each of `values`.
    public static func key(_ key: String, values: [String], origin: String? = nil) -> SweepAxis {
        SweepAxis(name: key, levels: values.map { Level(label: $0, overrides: ["\(key)=\($0)"]) }, isKeyPath: true,
                  origin: origin ?? "--vary \(key)=\(values.joined(separator: ","))")
    }

    /// Parses a `--vary` argument: `key.path=values` (ValueList syntax), or `name=label{key=value;key=value},...`.
    public static func parse(vary text: String) throws(SweepError) -> SweepAxis {
        let origin = "--vary \(text)"
        guard let equals = text.firstIndex(of: "=") else {
            throw SweepError("\(origin): expected key.path=values, like jobs.0.iodepth=1,2,4 or iothreads.0.poll-max-ns=0..65536:16384")
        }
        let name = String(text[..<equals]).trimmingSpaces
        let valuesText = String(text[text.index(after: equals)...])
        guard !name.isEmpty else { throw SweepError("\(origin): the key path is empty") }
        guard !name.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) else {
            throw SweepError("\(origin): the key path '\(name)' has an empty component")
        }
        let items = ValueList.split(valuesText.trimmingSpaces, at: ",").map(\.trimmingSpaces)
        let caseItems = items.map(caseItem)
        if caseItems.contains(where: { $0 != nil }) {
            guard caseItems.allSatisfy({ $0 != nil }) else {
                throw SweepError("\(origin): mixes named cases (label{key=value;...}) with plain values; give every value as a case")
            }
            let levels = try caseItems.compactMap { $0 }.map { (label, body) throws(SweepError) -> Level in
                let overrides = ValueList.split(body, at: ";").map(\.trimmingSpaces).filter { !$0.isEmpty }
                guard !overrides.isEmpty else { throw SweepError("\(origin): the case '\(label)' sets no key") }
                for override in overrides where !override.contains("=") {
                    throw SweepError("\(origin): in case '\(label)', expected key.path=value, got '\(override)'")
                }
                return Level(label: label, overrides: overrides)
            }
            let axis = SweepAxis(name: name, levels: levels, isKeyPath: false, origin: origin)
            try axis.checkDistinctLabels()
            return axis
        }
        let values: [String]
        do {
            values = try ValueList.expand(valuesText)
        } catch {
            throw SweepError("\(origin): \(error.message)")
        }
        let axis = SweepAxis.key(name, values: values, origin: origin)
        try axis.checkDistinctLabels()
        return axis
    }

    /// An axis of a scenario's `sweep:` section.
    public init(_ axis: ScenarioSweep.Axis) throws(SweepError) {
        let origin = "\(axis.origin): sweep.vary.\(axis.name)"
        switch axis.values {
        case .list(let values):
            self = .key(axis.name, values: values, origin: origin)
        case .text(let text):
            do {
                self = .key(axis.name, values: try ValueList.expand(text), origin: origin)
            } catch {
                throw SweepError("\(origin): \(error.message)")
            }
        case .cases(let cases):
            self.init(name: axis.name, levels: cases.map { Level(label: $0.label, overrides: $0.overrides) },
                      isKeyPath: false, origin: origin)
        }
        try checkDistinctLabels()
    }

    /// `label{body}` with a non-empty label and nothing after the closing brace; nil otherwise (a plain value, which
    /// may itself be a YAML map like `{dist: constant, value: 10us}`).
    private static func caseItem(_ item: String) -> (String, String)? {
        guard item.hasSuffix("}"), let open = item.firstIndex(of: "{"), open != item.startIndex else { return nil }
        let label = String(item[..<open]).trimmingSpaces
        guard !label.isEmpty, !label.contains(where: { "[]{}\"',=".contains($0) }) else { return nil }
        let body = item[item.index(after: open)..<item.index(before: item.endIndex)]
        return (label, String(body))
    }

    private func checkDistinctLabels() throws(SweepError) {
        var seen = Set<String>()
        for level in levels where !seen.insert(level.label).inserted {
            throw SweepError("\(origin): the value '\(level.label)' appears twice")
        }
    }
}

/// The cross product of the axes. Points are numbered from 0 with the first axis varying slowest (the last axis
/// fastest), as nested loops over the axes in order would visit them.
public struct SweepGrid: Sendable, Equatable {
    public var axes: [SweepAxis]

    public init(axes: [SweepAxis]) {
        self.axes = axes
    }

    /// The number of points: the product of the axes' sizes (1 without axes: the scenario as it is).
    public var pointCount: Int {
        axes.reduce(1) { $0 * $1.levels.count }
    }

    /// The level index of every axis at `point`.
    public func levelIndices(of point: Int) -> [Int] {
        var remainder = point
        var indices = Array(repeating: 0, count: axes.count)
        for (position, axis) in axes.enumerated().reversed() {
            indices[position] = remainder % axis.levels.count
            remainder /= axis.levels.count
        }
        return indices
    }

    /// `(axis name, label)` for every axis at `point`: the point's extra CSV columns.
    public func columns(of point: Int) -> [(String, String)] {
        zip(axes, levelIndices(of: point)).map { axis, index in (axis.name, axis.levels[index].label) }
    }

    /// The overrides that make `point`, in axis order.
    public func overrides(of point: Int) -> [String] {
        zip(axes, levelIndices(of: point)).flatMap { axis, index in axis.levels[index].overrides }
    }

    /// `jobs.0.iodepth=4, jobs.0.bs=8k`: the point for messages.
    public func describe(_ point: Int) -> String {
        columns(of: point).map { "\($0)=\($1)" }.joined(separator: ", ")
    }
}
