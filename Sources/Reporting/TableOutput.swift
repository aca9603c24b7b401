import PollModel

/// The human summary: a header line, one fio-style block per job (and one for all jobs when there are several), two
/// aligned IOThread tables (where the time went; polling), and the simulator's own speed.
///
/// ```
/// scenario "optane-4k", seed 42 (result schema 1)
///
/// randread: ios=326834, IOPS=163k, BW=638MiB/s (669MB/s)
///     lat (usec): avg=6.12, max=120.00
///     lat percentiles (usec): p50=5.80, p90=7.10, p99=9.50, p99.9=20.10, p99.99=80.00
/// ```
enum TableOutput {
    static func render(_ result: RunResult) -> String {
        var lines = ["scenario \(quoted(result.scenario)), seed \(result.seed) (result schema \(result.schema))", ""]

        for job in result.jobs {
            lines += jobBlock(title: job.name, ios: job.ios, iops: job.iops, bandwidth: job.bw_bytes_per_s,
                              latency: job.latency_ns)
        }
        if result.jobs.count != 1 {
            let title = result.jobs.isEmpty ? "all" : "all jobs"
            let ios = result.jobs.isEmpty ? nil : result.jobs.reduce(0) { $0 + $1.ios }
            lines += jobBlock(title: title, ios: ios, iops: result.iops, bandwidth: result.bw_bytes_per_s,
                              latency: result.latency_ns)
        }
        lines.append("")
        lines += iothreadLines(result.iothreads)
        lines.append("")
        lines.append(simulatorLine(result.sim))
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: Jobs

    static func jobBlock(title: String, ios: Int?, iops: Double, bandwidth: Double,
                         latency: LatencySummary) -> [String] {
        let count = ios.map { "ios=\($0), " } ?? ""
        let unit = TimeUnit.forLatency(median: latency.p50)
        func value(_ nanoseconds: Int64) -> String {
            NumberFormat.fixed(Double(nanoseconds) / unit.nanoseconds, decimals: unit.decimals)
        }
        let mean = NumberFormat.fixed(latency.mean / unit.nanoseconds, decimals: 2)
        let percentiles = [("p50", latency.p50), ("p90", latency.p90), ("p99", latency.p99),
                           ("p99.9", latency.p99_9), ("p99.99", latency.p99_99)]
            .map { "\($0.0)=\(value($0.1))" }
            .joined(separator: ", ")
        return [
            "\(title): \(count)IOPS=\(NumberFormat.count(iops)), BW=\(NumberFormat.bandwidth(bandwidth))",
            "    lat (\(unit.fioName)): avg=\(mean), max=\(value(latency.max))",
            "    lat percentiles (\(unit.fioName)): \(percentiles)",
        ]
    }

    // MARK: IOThreads

    static func iothreadLines(_ threads: [IOThreadResult]) -> [String] {
        guard !threads.isEmpty else { return ["IOThreads: none"] }
        let cores = threads.reduce(0.0) { $0 + $1.cpu_util }
        var lines = [
            "IOThreads: \(threads.count), CPU \(NumberFormat.fixed(cores, decimals: 2)) cores"
                + " (time split in % of each thread's wall time)",
        ]

        var time = TextTable([
            ("iothread", .left), ("policy", .left), ("cpu %", .right), ("poll %", .right),
            ("dispatch %", .right), ("syscall %", .right), ("blocked %", .right),
            ("wake-ups/IO", .right), ("syscalls/IO", .right),
        ])
        for thread in threads {
            let split = thread.time_ns
            time.append([
                thread.id, thread.policy, NumberFormat.percent(thread.cpu_util),
                NumberFormat.percent(split.poll, of: split.total),
                NumberFormat.percent(split.dispatch, of: split.total),
                NumberFormat.percent(split.syscall, of: split.total),
                NumberFormat.percent(split.blocked, of: split.total),
                NumberFormat.fixed(thread.wakeups_per_io, decimals: 3),
                NumberFormat.fixed(thread.syscalls_per_io, decimals: 3),
            ])
        }
        lines += time.lines(indent: "  ")
        lines.append("")

        var polling = TextTable([
            ("iothread", .left), ("mean poll_ns", .right), ("hit %", .right), ("reset %", .right),
            ("near max %", .right), ("handlers/pass", .right), ("iterations", .right),
        ])
        for thread in threads {
            polling.append([
                thread.id, NumberFormat.duration(nanoseconds: thread.poll.mean_poll_ns),
                NumberFormat.percent(thread.poll.hit_rate),
                NumberFormat.percent(thread.poll.reset_rate),
                NumberFormat.percent(thread.poll.near_max_share),
                NumberFormat.fixed(thread.poll.handlers_per_pass, decimals: 2),
                String(thread.iterations),
            ])
        }
        lines += polling.lines(indent: "  ")
        return lines
    }

    // MARK: Simulator

    static func simulatorLine(_ sim: SimulatorStats) -> String {
        let work = "sim: \(sim.events) events, \(NumberFormat.fixed(sim.events_per_io, decimals: 2)) events/IO"
        if sim.wall_s == 0 && sim.events_per_s == 0 && sim.sim_per_wall == 0 {
            return work + ", wall-clock figures zeroed"
        }
        return work + ", \(NumberFormat.fixed(sim.sim_per_wall, decimals: 2)) simulated s per wall s"
            + " (\(NumberFormat.count(sim.events_per_s)) events/s, wall \(NumberFormat.fixed(sim.wall_s, decimals: 3)) s)"
    }

    /// The scenario name in double quotes, with backslashes, quotes and control characters escaped so that one
    /// name stays on one line.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    out += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
