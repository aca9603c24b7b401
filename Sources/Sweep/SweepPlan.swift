import PollModel
import Scenario

/// One row of a sweep: a point of the grid and a replication of it.
public struct RowID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var point: Int
    public var replication: Int

    public init(point: Int, replication: Int) {
        self.point = point
        self.replication = replication
    }

    public static func < (lhs: RowID, rhs: RowID) -> Bool {
        (lhs.point, lhs.replication) < (rhs.point, rhs.replication)
    }

    public var description: String { "point \(point), replication \(replication)" }
}

/// Common random numbers: replication k of every point runs with the same seed.
///
/// seed_k is output k (counting from 0) of a SplitMix64 generator started at the base seed:
/// `seed_k = mix(base + (k + 1) * 0x9E3779B97F4A7C15)` with SplitMix64's finaliser `mix` (all arithmetic modulo 2^64).
/// The base seed is `--seed`, else the scenario's `seed` (default 1). The CSV's `seed` column holds seed_k, so
/// `pollsim run FILE --set <the point's keys> --seed <seed>` reproduces any row.
public enum SeedSchedule {
    public static func seed(base: UInt64, replication: Int) -> UInt64 {
        var z = base &+ (UInt64(replication) &+ 1) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `--shard K/N`: this process runs the rows whose index (point × replications + replication, in canonical order)
/// is K − 1 modulo N. Round-robin spreads expensive points over the shards; K counts from 1.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) throws(SweepError) {
        guard count >= 1, (1...count).contains(index) else {
            throw SweepError("--shard \(index)/\(count): expected K/N with 1 <= K <= N")
        }
        self.index = index
        self.count = count
    }

    /// `3/8`.
    public init(parsing text: String) throws(SweepError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw SweepError("--shard \(text): expected K/N, like 1/4 (K counts from 1)")
        }
        try self.init(index: index, count: count)
    }

    public func contains(rowIndex: Int) -> Bool { rowIndex % count == index - 1 }

    public var description: String { "\(index)/\(count)" }
}

/// Where a sweep's scenario comes from: a file, or text in memory (the built-in default scenario, tests).
public struct ScenarioSource: Sendable, Equatable {
    public var yaml: String
    /// The name errors use and relative profile paths are resolved against.
    public var fileName: String

    public init(yaml: String, fileName: String) {
        self.yaml = yaml
        self.fileName = fileName
    }

    public static func file(_ path: String) throws -> ScenarioSource {
        ScenarioSource(yaml: try ScenarioLoader.readScenarioText(path: path), fileName: path)
    }

    public static var defaultScenario: ScenarioSource {
        ScenarioSource(yaml: ScenarioLoader.defaultScenarioYAML, fileName: "default.yaml")
    }

    func load(_ overrides: [String], seed: UInt64? = nil) throws -> ModelConfiguration {
        try ScenarioLoader.parse(yaml: yaml, fileName: fileName, overrides: overrides, seed: seed)
    }

    /// The scenario's `sweep:` section after `overrides`, if it has one.
    public func sweepSection(overrides: [String]) throws -> ScenarioSweep? {
        try ScenarioLoader.parseSweep(yaml: yaml, fileName: fileName, overrides: overrides)
    }
}

/// A validated sweep: the grid, the configuration of every point, the seeds, and the rows this process runs.
/// Making a plan checks every value of every axis and every point before anything runs.
public struct SweepPlan: Sendable {
    public let source: ScenarioSource
    public let baseOverrides: [String]
    public let grid: SweepGrid
    public let replications: Int
    public let baseSeed: UInt64
    public let shard: Shard?
    /// The configuration of every point (all points, whatever the shard), with the base seed.
    public let configurations: [ModelConfiguration]
    /// The rows this process runs, in canonical order: every (point, replication), or the shard's share of them.
    public let rows: [RowID]
    /// The IOThread ids over all points, in order of first appearance: the CSV's per-IOThread column groups.
    public let iothreadIDs: [String]
    /// Identifies the sweep for resuming: the scenario text, overrides, grid, replications, seed, shard and the
    /// resolved configurations. The number of worker threads is not part of it.
    public let fingerprint: String

    /// Column names the sweep adds besides the axes.
    public static let pointColumn = "point"
    public static let replicationColumn = "replication"

    /// The most rows one sweep may have.
    public static let maxRows = 10_000_000

    public init(source: ScenarioSource, baseOverrides: [String] = [], grid: SweepGrid, replications: Int,
                seed: UInt64? = nil, shard: Shard? = nil) throws {
        guard replications >= 1 else { throw SweepError("--replications must be >= 1, got \(replications)") }
        let base: ModelConfiguration
        do {
            base = try source.load(baseOverrides)
        } catch let error as ScenarioError {
            throw SweepError(error.description)
        }
        try SweepPlan.checkNames(grid)
        var points = 1
        for axis in grid.axes {
            let (product, overflow) = points.multipliedReportingOverflow(by: axis.levels.count)
            guard !overflow, product.multipliedReportingOverflow(by: replications).partialValue <= SweepPlan.maxRows,
                  !product.multipliedReportingOverflow(by: replications).overflow else {
                throw SweepError("the sweep has more than \(SweepPlan.maxRows) rows")
            }
            points = product
        }
        // Each level alone first, so that a bad value is reported as the value it is, then every combination.
        for axis in grid.axes {
            for level in axis.levels {
                do {
                    _ = try source.load(baseOverrides + level.overrides)
                } catch let error as ScenarioError {
                    throw SweepPlan.attribute(error, axis: axis, level: level)
                }
            }
        }
        var configurations: [ModelConfiguration] = []
        configurations.reserveCapacity(points)
        for point in 0..<points {
            do {
                var configuration = try source.load(baseOverrides + grid.overrides(of: point))
                configuration.seed = seed ?? base.seed
                configurations.append(configuration)
            } catch let error as ScenarioError {
                throw SweepError("\(error.description)\nnote: at sweep point \(point) (\(grid.describe(point)))")
            }
        }
        self.source = source
        self.baseOverrides = baseOverrides
        self.grid = grid
        self.replications = replications
        self.baseSeed = seed ?? base.seed
        self.shard = shard
        self.configurations = configurations
        var rows: [RowID] = []
        for point in 0..<points {
            for replication in 0..<replications {
                let index = point * replications + replication
                if shard?.contains(rowIndex: index) ?? true {
                    rows.append(RowID(point: point, replication: replication))
                }
            }
        }
        self.rows = rows
        var ids: [String] = []
        var seen = Set<String>()
        for configuration in configurations {
            for thread in configuration.iothreads where seen.insert(thread.id).inserted { ids.append(thread.id) }
        }
        iothreadIDs = ids
        var identity = "pollsim sweep 1\n\(source.fileName)\n\(source.yaml)\n"
        identity += baseOverrides.map { "set \($0)\n" }.joined()
        for axis in grid.axes {
            identity += "axis \(axis.name)\n" + axis.levels.map { "level \($0.label) \($0.overrides)\n" }.joined()
        }
        identity += "replications \(replications)\nseed \(baseSeed)\nshard \(shard?.description ?? "all")\n"
        identity += configurations.map { String(reflecting: $0) }.joined(separator: "\n")
        fingerprint = Fingerprint.hex(identity)
    }

    /// The grid from `--vary` arguments, or else from the scenario's `sweep:` section (or no axes at all), and the
    /// replications from `--replications`, else the section's, else `defaultReplications`.
    public static func axes(vary: [String], source: ScenarioSource, overrides: [String], replications: Int?,
                            defaultReplications: Int) throws -> (grid: SweepGrid, replications: Int) {
        let section: ScenarioSweep?
        do {
            section = try source.sweepSection(overrides: overrides)
        } catch let error as ScenarioError {
            throw SweepError(error.description)
        }
        let axes: [SweepAxis]
        if vary.isEmpty {
            axes = try (section?.axes ?? []).map { axis throws(SweepError) in try SweepAxis(axis) }
        } else {
            axes = try vary.map { text throws(SweepError) in try SweepAxis.parse(vary: text) }
        }
        return (SweepGrid(axes: axes), replications ?? section?.replications ?? defaultReplications)
    }

    /// The configuration of `row`: its point's, with replication's seed.
    public func configuration(for row: RowID) -> ModelConfiguration {
        var configuration = configurations[row.point]
        configuration.seed = seed(of: row)
        return configuration
    }

    public func seed(of row: RowID) -> UInt64 {
        SeedSchedule.seed(base: baseSeed, replication: row.replication)
    }

    /// The CSV's extra columns for `row`: the axes, `point`, `replication`.
    public func extraColumns(for row: RowID) -> [(String, String)] {
        grid.columns(of: row.point) + [(SweepPlan.pointColumn, String(row.point)),
                                       (SweepPlan.replicationColumn, String(row.replication))]
    }

    public var totalRows: Int { configurations.count * replications }

    // MARK: Checks

    /// Axis names must be distinct and must not be names of the result's own columns.
    static func checkNames(_ grid: SweepGrid) throws {
        var seen: [String: String] = [:]
        let reserved = SweepCSV.resultColumnNames.union([pointColumn, replicationColumn])
        for axis in grid.axes {
            if let first = seen[axis.name] {
                throw SweepError("\(axis.origin): '\(axis.name)' is already varied by \(first)")
            }
            seen[axis.name] = axis.origin
            if axis.isKeyPath, axis.name == "seed" {
                throw SweepError("\(axis.origin): the seed is not varied: replication k runs with seed k of the base seed at every point (common random numbers); use --replications, and --seed for the base seed")
            }
            if reserved.contains(axis.name) {
                throw SweepError("\(axis.origin): '\(axis.name)' is the name of a result column; vary it through a case axis with another name, e.g. --vary 'layout=a{\(axis.name)=...},b{\(axis.name)=...}'")
            }
        }
    }

    /// A scenario error caused by one axis value, reported as that value: `--vary jobs.0.iodepth=0: iodepth must be
    /// >= 1, got 0` (the message `--set jobs.0.iodepth=0` gets).
    static func attribute(_ error: ScenarioError, axis: SweepAxis, level: SweepAxis.Level) -> SweepError {
        guard let override = level.overrides.first(where: { error.file == "--set \($0)" }) else {
            return SweepError("\(error.description)\nnote: with \(axis.name)=\(level.label) (\(axis.origin))")
        }
        let note = error.note.map { "\nnote: \($0)" } ?? ""
        if axis.origin.hasPrefix("--vary") {
            let value = axis.isKeyPath ? "--vary \(override)" : "--vary \(axis.name)=\(level.label) (\(override))"
            return SweepError("\(value): \(error.message)\(note)")
        }
        let value = axis.isKeyPath ? "value '\(level.label)'" : "case '\(level.label)' (\(override))"
        return SweepError("\(axis.origin): \(value): \(error.message)\(note)")
    }
}

/// A stable 64-bit FNV-1a hash, as 16 hex digits (Swift's `Hasher` is seeded per process).
enum Fingerprint {
    static func hex(_ text: String) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
