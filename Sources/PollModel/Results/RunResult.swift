/// The result of one run, simulated or measured: the shape documented in docs/output-format.md.
///
/// Field names are the JSON keys (snake_case). Bump `currentSchema` whenever a field changes meaning or goes away;
/// adding a field is compatible.
public struct RunResult: Codable, Sendable, Equatable {
    public static let currentSchema = 1

    public var schema: Int = RunResult.currentSchema
    public var scenario: String
    public var seed: UInt64
    /// Completed I/Os per second of measured time, over all jobs.
    public var iops: Double
    public var bw_bytes_per_s: Double
    public var latency_ns: LatencySummary
    public var jobs: [JobResult]
    public var iothreads: [IOThreadResult]
    public var sim: SimulatorStats

    public init(scenario: String, seed: UInt64, iops: Double, bw_bytes_per_s: Double, latency_ns: LatencySummary,
                jobs: [JobResult], iothreads: [IOThreadResult], sim: SimulatorStats) {
        self.scenario = scenario
        self.seed = seed
        self.iops = iops
        self.bw_bytes_per_s = bw_bytes_per_s
        self.latency_ns = latency_ns
        self.jobs = jobs
        self.iothreads = iothreads
        self.sim = sim
    }
}

/// Guest-visible latency, submission to the guest seeing the completion (fio's lat). Percentiles come from a full
/// histogram (3 significant digits), the mean from the exact sum.
public struct LatencySummary: Codable, Sendable, Equatable {
    public var mean: Double
    public var p50: Int64
    public var p90: Int64
    public var p99: Int64
    public var p99_9: Int64
    public var p99_99: Int64
    public var max: Int64

    public init(mean: Double, p50: Int64, p90: Int64, p99: Int64, p99_9: Int64, p99_99: Int64, max: Int64) {
        self.mean = mean
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.p99_9 = p99_9
        self.p99_99 = p99_99
        self.max = max
    }
}

public struct JobResult: Codable, Sendable, Equatable {
    public var name: String
    /// Completed I/Os in the measured window.
    public var ios: Int
    public var iops: Double
    public var bw_bytes_per_s: Double
    public var latency_ns: LatencySummary

    public init(name: String, ios: Int, iops: Double, bw_bytes_per_s: Double, latency_ns: LatencySummary) {
        self.name = name
        self.ios = ios
        self.iops = iops
        self.bw_bytes_per_s = bw_bytes_per_s
        self.latency_ns = latency_ns
    }
}

/// Where an IOThread's wall time went. The four parts sum to the measured wall time exactly.
public struct ThreadTime: Codable, Sendable, Equatable {
    public var poll: Int64
    public var dispatch: Int64
    public var syscall: Int64
    public var blocked: Int64

    public init(poll: Int64 = 0, dispatch: Int64 = 0, syscall: Int64 = 0, blocked: Int64 = 0) {
        self.poll = poll
        self.dispatch = dispatch
        self.syscall = syscall
        self.blocked = blocked
    }

    public var onCPU: Int64 { poll + dispatch + syscall }
    public var total: Int64 { onCPU + blocked }
}

/// The polling statistics of the poll-weight series' table, plus the cost of a pass.
public struct PollStats: Codable, Sendable, Equatable {
    /// Mean poll budget (ns) over aio_poll iterations that had polled handlers.
    public var mean_poll_ns: Double
    /// Share of iterations that polled and found work while polling.
    public var hit_rate: Double
    /// Share of policy updates that reset a non-zero poll_ns to 0.
    public var reset_rate: Double
    /// Share of iterations whose budget was at least 90 % of poll-max-ns.
    public var near_max_share: Double
    /// Mean number of handlers on the poll list per polling pass.
    public var handlers_per_pass: Double

    public init(mean_poll_ns: Double, hit_rate: Double, reset_rate: Double, near_max_share: Double,
                handlers_per_pass: Double) {
        self.mean_poll_ns = mean_poll_ns
        self.hit_rate = hit_rate
        self.reset_rate = reset_rate
        self.near_max_share = near_max_share
        self.handlers_per_pass = handlers_per_pass
    }
}

public struct IOThreadResult: Codable, Sendable, Equatable {
    public var id: String
    public var policy: String
    /// On-CPU time / wall time.
    public var cpu_util: Double
    public var time_ns: ThreadTime
    public var poll: PollStats
    public var wakeups_per_io: Double
    public var syscalls_per_io: Double
    /// aio_poll iterations in the measured window.
    public var iterations: Int

    public init(id: String, policy: String, cpu_util: Double, time_ns: ThreadTime, poll: PollStats,
                wakeups_per_io: Double, syscalls_per_io: Double, iterations: Int) {
        self.id = id
        self.policy = policy
        self.cpu_util = cpu_util
        self.time_ns = time_ns
        self.poll = poll
        self.wakeups_per_io = wakeups_per_io
        self.syscalls_per_io = syscalls_per_io
        self.iterations = iterations
    }
}

/// How the simulator itself performed. `wall_s`, `events_per_s` and `sim_per_wall` measure the host the simulator ran
/// on and are the only fields that differ between two runs of the same scenario and seed; `--reproducible` zeroes
/// them so that outputs compare byte for byte.
public struct SimulatorStats: Codable, Sendable, Equatable {
    public var events: Int
    public var events_per_io: Double
    public var wall_s: Double
    public var events_per_s: Double
    /// Simulated seconds per wall-clock second.
    public var sim_per_wall: Double

    public init(events: Int, events_per_io: Double, wall_s: Double, events_per_s: Double, sim_per_wall: Double) {
        self.events = events
        self.events_per_io = events_per_io
        self.wall_s = wall_s
        self.events_per_s = events_per_s
        self.sim_per_wall = sim_per_wall
    }

    /// The same statistics without the wall-clock measurements.
    public var withoutWallClock: SimulatorStats {
        SimulatorStats(events: events, events_per_io: events_per_io, wall_s: 0, events_per_s: 0, sim_per_wall: 0)
    }
}
