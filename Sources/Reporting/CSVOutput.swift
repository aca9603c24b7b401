import PollModel

/// The tidy CSV rendering: one header line and one line per result.
///
/// Columns, in order: the extra columns (the union of the keys over all results, in order of first appearance),
/// the run's own columns, the IOThread totals, per IOThread (the union of the IOThread ids over all results, in
/// order of first appearance) one group of columns prefixed by its id, and the simulator's deterministic figures.
/// A cell a result has no value for (an extra key it lacks, an IOThread it does not have, a non-finite number) is
/// empty. The wall-clock figures of `sim` are left out, so the CSV of a scenario and seed never varies.
enum CSVOutput {
    typealias Row = (result: RunResult, extraColumns: [(String, String)])

    static func render(_ rows: [Row]) -> String {
        let extraKeys = orderedUnion(rows.map { $0.extraColumns.map(\.0) })
        let threadIDs = orderedUnion(rows.map { $0.result.iothreads.map(\.id) })

        var header = extraKeys
        header += runColumns.map(\.name)
        header += totalColumns.map(\.name)
        for id in threadIDs {
            header += threadColumns.map { "\(id)_\($0.name)" }
        }
        header += simulatorColumns.map(\.name)

        var lines = [line(header)]
        for row in rows {
            var cells: [String] = extraKeys.map { key in
                row.extraColumns.first { $0.0 == key }?.1 ?? ""
            }
            cells += runColumns.map { $0.value(row.result) }
            cells += totalColumns.map { $0.value(row.result.iothreads) }
            for id in threadIDs {
                if let thread = row.result.iothreads.first(where: { $0.id == id }) {
                    cells += threadColumns.map { $0.value(thread) }
                } else {
                    cells += threadColumns.map { _ in "" }
                }
            }
            cells += simulatorColumns.map { $0.value(row.result.sim) }
            lines.append(line(cells))
        }
        return lines.joined()
    }

    // MARK: Columns

    struct Column<Source>: Sendable {
        var name: String
        var value: @Sendable (Source) -> String
    }

    static let runColumns: [Column<RunResult>] = [
        Column(name: "scenario") { $0.scenario },
        Column(name: "seed") { String($0.seed) },
        Column(name: "iops") { number($0.iops) },
        Column(name: "bw_bytes_per_s") { number($0.bw_bytes_per_s) },
        Column(name: "lat_mean_ns") { number($0.latency_ns.mean) },
        Column(name: "lat_p50_ns") { String($0.latency_ns.p50) },
        Column(name: "lat_p90_ns") { String($0.latency_ns.p90) },
        Column(name: "lat_p99_ns") { String($0.latency_ns.p99) },
        Column(name: "lat_p99_9_ns") { String($0.latency_ns.p99_9) },
        Column(name: "lat_p99_99_ns") { String($0.latency_ns.p99_99) },
        Column(name: "lat_max_ns") { String($0.latency_ns.max) },
    ]

    /// Sums where a sum means something (CPU as a number of cores, iterations), unweighted means over the IOThreads
    /// for the polling rates. No totals for wake-ups and syscalls per I/O: their per-IOThread denominators are not
    /// known here; see the per-IOThread columns.
    static let totalColumns: [Column<[IOThreadResult]>] = [
        Column(name: "iothreads") { String($0.count) },
        Column(name: "cpu_cores") { number($0.reduce(0) { $0 + $1.cpu_util }) },
        Column(name: "poll_cores") { number($0.reduce(0) { $0 + share($1.time_ns.poll, of: $1.time_ns) }) },
        Column(name: "dispatch_cores") { number($0.reduce(0) { $0 + share($1.time_ns.dispatch, of: $1.time_ns) }) },
        Column(name: "syscall_cores") { number($0.reduce(0) { $0 + share($1.time_ns.syscall, of: $1.time_ns) }) },
        Column(name: "iterations") { String($0.reduce(0) { $0 + $1.iterations }) },
        Column(name: "mean_poll_ns") { mean($0.map(\.poll.mean_poll_ns)) },
        Column(name: "poll_hit_rate") { mean($0.map(\.poll.hit_rate)) },
        Column(name: "poll_reset_rate") { mean($0.map(\.poll.reset_rate)) },
        Column(name: "poll_near_max_share") { mean($0.map(\.poll.near_max_share)) },
        Column(name: "handlers_per_pass") { mean($0.map(\.poll.handlers_per_pass)) },
    ]

    static let threadColumns: [Column<IOThreadResult>] = [
        Column(name: "policy") { $0.policy },
        Column(name: "cpu_util") { number($0.cpu_util) },
        Column(name: "poll_share") { number(share($0.time_ns.poll, of: $0.time_ns)) },
        Column(name: "dispatch_share") { number(share($0.time_ns.dispatch, of: $0.time_ns)) },
        Column(name: "syscall_share") { number(share($0.time_ns.syscall, of: $0.time_ns)) },
        Column(name: "blocked_share") { number(share($0.time_ns.blocked, of: $0.time_ns)) },
        Column(name: "mean_poll_ns") { number($0.poll.mean_poll_ns) },
        Column(name: "poll_hit_rate") { number($0.poll.hit_rate) },
        Column(name: "poll_reset_rate") { number($0.poll.reset_rate) },
        Column(name: "poll_near_max_share") { number($0.poll.near_max_share) },
        Column(name: "handlers_per_pass") { number($0.poll.handlers_per_pass) },
        Column(name: "wakeups_per_io") { number($0.wakeups_per_io) },
        Column(name: "syscalls_per_io") { number($0.syscalls_per_io) },
        Column(name: "iterations") { String($0.iterations) },
    ]

    static let simulatorColumns: [Column<SimulatorStats>] = [
        Column(name: "sim_events") { String($0.events) },
        Column(name: "sim_events_per_io") { number($0.events_per_io) },
    ]

    // MARK: Values

    /// The shortest round-trip decimal, as in the JSON; empty for NaN and ±infinity.
    static func number(_ x: Double) -> String {
        NumberFormat.shortest(x) ?? ""
    }

    /// A part of a thread's wall time as a fraction of it; NaN (an empty cell) when the thread has no wall time.
    static func share(_ part: Int64, of time: ThreadTime) -> Double {
        time.total == 0 ? .nan : Double(part) / Double(time.total)
    }

    /// The unweighted mean, empty without IOThreads or when a value is not finite.
    static func mean(_ values: [Double]) -> String {
        values.isEmpty ? "" : number(values.reduce(0, +) / Double(values.count))
    }

    // MARK: RFC 4180

    /// One record: fields joined by commas, terminated by `\n`.
    static func line(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: ",") + "\n"
    }

    /// A field in double quotes, inner quotes doubled, when it holds a comma, a quote, CR or LF; as is otherwise.
    static func escape(_ field: String) -> String {
        guard field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
            return field
        }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The distinct strings of `lists`, in order of first appearance.
    static func orderedUnion(_ lists: [[String]]) -> [String] {
        var seen = Set<String>()
        var union: [String] = []
        for list in lists {
            for item in list where seen.insert(item).inserted {
                union.append(item)
            }
        }
        return union
    }
}
