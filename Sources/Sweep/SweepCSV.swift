import PollModel
import Reporting

/// The sweep's tidy CSV: `ResultFormatter.csv` with the axes, `point` and `replication` as extra columns, one row per
/// (point, replication) in canonical order (points in grid order, replications ascending).
///
/// The header is the full sweep's whatever rows are present: the per-IOThread column groups are those of every
/// point's configuration, so a shard's file has the same header as the whole sweep and shards merge byte for byte.
public enum SweepCSV {
    /// Renders `results` (any subset of the plan's rows) in canonical order.
    public static func render(_ plan: SweepPlan, _ results: [RowID: RunResult]) -> String {
        let rows = results.keys.sorted()
        // ResultFormatter.csv puts the IOThread column groups in order of first appearance over its rows, so a first
        // row holding every IOThread of the plan fixes the header; that row is then dropped.
        let header = headerRow(plan)
        var input: [(result: RunResult, extraColumns: [(String, String)])] = [header]
        for row in rows {
            guard var result = results[row] else { continue }
            result.sim = result.sim.withoutWallClock
            input.append((result: result, extraColumns: plan.extraColumns(for: row)))
        }
        let text = ResultFormatter.csv(input)
        guard let firstEnd = text.firstIndex(of: "\n") else { return text }
        let afterHeader = text.index(after: firstEnd)
        guard let secondEnd = text[afterHeader...].firstIndex(of: "\n") else { return text }
        return String(text[..<afterHeader]) + String(text[text.index(after: secondEnd)...])
    }

    /// The placeholder row that fixes the header: every extra column, every IOThread of the plan.
    private static func headerRow(_ plan: SweepPlan) -> (result: RunResult, extraColumns: [(String, String)]) {
        let latency = LatencySummary(mean: 0, p50: 0, p90: 0, p99: 0, p99_9: 0, p99_99: 0, max: 0)
        let threads = plan.iothreadIDs.map {
            IOThreadResult(id: $0, policy: "", cpu_util: 0, time_ns: ThreadTime(),
                           poll: PollStats(mean_poll_ns: 0, hit_rate: 0, reset_rate: 0, near_max_share: 0, handlers_per_pass: 0),
                           wakeups_per_io: 0, syscalls_per_io: 0, iterations: 0)
        }
        let result = RunResult(scenario: "", seed: 0, iops: 0, bw_bytes_per_s: 0, latency_ns: latency, jobs: [],
                               iothreads: threads, sim: SimulatorStats(events: 0, events_per_io: 0, wall_s: 0,
                                                                       events_per_s: 0, sim_per_wall: 0))
        let extra = plan.grid.axes.map { ($0.name, "") } + [(SweepPlan.pointColumn, ""), (SweepPlan.replicationColumn, "")]
        return (result, extra)
    }

    /// The names of the columns `ResultFormatter.csv` writes for a result without IOThreads (sweep axes must not
    /// take them).
    static let resultColumnNames: Set<String> = {
        let latency = LatencySummary(mean: 0, p50: 0, p90: 0, p99: 0, p99_9: 0, p99_99: 0, max: 0)
        let result = RunResult(scenario: "", seed: 0, iops: 0, bw_bytes_per_s: 0, latency_ns: latency, jobs: [],
                               iothreads: [], sim: SimulatorStats(events: 0, events_per_io: 0, wall_s: 0, events_per_s: 0,
                                                                  sim_per_wall: 0))
        let text = ResultFormatter.csv([(result: result, extraColumns: [])])
        return Set(text.prefix { $0 != "\n" }.split(separator: ",").map(String.init))
    }()

    // MARK: Reading

    /// One CSV record: its fields and its exact text (with the line end).
    public struct Record: Sendable {
        public var fields: [String]
        public var text: Substring
    }

    /// Parses RFC 4180 text (as `ResultFormatter.csv` writes it): fields in double quotes may hold commas, quotes
    /// (doubled) and line breaks. Records end with `\n` (a last record without one is accepted).
    public static func parse(_ text: String, name: String) throws -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var fieldStarted = false
        var recordStart = text.startIndex
        var index = text.startIndex
        var line = 1
        while index < text.endIndex {
            let character = text[index]
            if inQuotes {
                if character == "\"" {
                    let next = text.index(after: index)
                    if next < text.endIndex, text[next] == "\"" {
                        field.append("\"")
                        index = text.index(after: next)
                        continue
                    }
                    inQuotes = false
                } else {
                    if character == "\n" { line += 1 }
                    field.append(character)
                }
                index = text.index(after: index)
                continue
            }
            switch character {
            case "\"" where !fieldStarted:
                inQuotes = true
                fieldStarted = true
            case "\"":
                throw SweepError("\(name):\(line): a double quote inside an unquoted field")
            case ",":
                fields.append(field)
                field = ""
                fieldStarted = false
                index = text.index(after: index)
                continue
            case "\n", "\r\n":
                fields.append(field)
                let end = text.index(after: index)
                records.append(Record(fields: fields, text: text[recordStart..<end]))
                fields = []
                field = ""
                fieldStarted = false
                recordStart = end
                line += 1
                index = end
                continue
            default:
                field.append(character)
                fieldStarted = true
            }
            index = text.index(after: index)
        }
        if inQuotes { throw SweepError("\(name):\(line): a quoted field is not closed") }
        if recordStart < text.endIndex {
            fields.append(field)
            records.append(Record(fields: fields, text: text[recordStart...] + "\n"))
        }
        return records
    }
}

/// `pollsim merge`: joins CSV files of one sweep (its shards, or the parts of an interrupted run written with
/// `--shard`) into the file the whole sweep writes.
public enum SweepMerge {
    public struct Output: Sendable {
        public var csv: String
        public var rows: Int
        /// Rows that a complete sweep of the seen points and replications would have and no file has.
        public var missing: [RowID]
    }

    /// Checks that every file has the same header, that no (point, replication) appears twice and that a point has
    /// the same axis values in every file, and orders the rows canonically.
    public static func merge(_ inputs: [(name: String, text: String)]) throws -> Output {
        guard let first = inputs.first else { throw SweepError("merge: no input files") }
        var header: [String]?
        var headerText: Substring = ""
        var headerSource = first.name
        var rows: [RowID: (record: SweepCSV.Record, source: String)] = [:]
        var axisValues: [Int: (values: [String], source: String)] = [:]
        var pointIndex = 0, replicationIndex = 0
        for input in inputs {
            let records = try SweepCSV.parse(input.text, name: input.name)
            guard let fileHeader = records.first else {
                throw SweepError("\(input.name): empty file (expected a pollsim sweep CSV with a header line)")
            }
            if let header {
                guard fileHeader.fields == header else {
                    let position = zip(fileHeader.fields, header).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(fileHeader.fields.count, header.count)
                    let found = position < fileHeader.fields.count ? "'\(fileHeader.fields[position])'" : "nothing"
                    let expected = position < header.count ? "'\(header[position])'" : "nothing"
                    throw SweepError("\(input.name): its header differs from \(headerSource)'s: column \(position + 1) is \(found), expected \(expected) (the files come from different sweeps, or from different versions of pollsim)")
                }
            } else {
                guard let p = fileHeader.fields.firstIndex(of: SweepPlan.pointColumn),
                      let r = fileHeader.fields.firstIndex(of: SweepPlan.replicationColumn) else {
                    throw SweepError("\(input.name): not a pollsim sweep CSV (no '\(SweepPlan.pointColumn)' and '\(SweepPlan.replicationColumn)' columns)")
                }
                header = fileHeader.fields
                headerText = fileHeader.text
                headerSource = input.name
                pointIndex = p
                replicationIndex = r
            }
            for (offset, record) in records.dropFirst().enumerated() {
                let where_ = "\(input.name): row \(offset + 1)"
                guard record.fields.count == header?.count else {
                    throw SweepError("\(where_): \(record.fields.count) fields, the header has \(header?.count ?? 0)")
                }
                guard let point = Int(record.fields[pointIndex]), point >= 0,
                      let replication = Int(record.fields[replicationIndex]), replication >= 0 else {
                    throw SweepError("\(where_): '\(record.fields[pointIndex])', '\(record.fields[replicationIndex])' are not a point and a replication number")
                }
                let row = RowID(point: point, replication: replication)
                if let earlier = rows[row] {
                    throw SweepError("duplicate row (\(row)) in \(earlier.source) and \(input.name): merge each shard once")
                }
                let values = Array(record.fields[..<pointIndex])
                if let known = axisValues[point] {
                    guard known.values == values else {
                        throw SweepError("point \(point) is \(values.joined(separator: ", ")) in \(input.name) but \(known.values.joined(separator: ", ")) in \(known.source): the files come from different sweeps")
                    }
                } else {
                    axisValues[point] = (values, input.name)
                }
                rows[row] = (record, input.name)
            }
        }
        let ordered = rows.keys.sorted()
        var csv = String(headerText)
        for row in ordered { csv += rows[row]!.record.text }
        var missing: [RowID] = []
        if let last = ordered.last {
            let replications = (ordered.map(\.replication).max() ?? 0) + 1
            for point in 0...last.point {
                for replication in 0..<replications where rows[RowID(point: point, replication: replication)] == nil {
                    missing.append(RowID(point: point, replication: replication))
                }
            }
        }
        return Output(csv: csv, rows: ordered.count, missing: missing)
    }
}
