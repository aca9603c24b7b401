import PollModel

/// Hand-built results for the tests and for the example in docs/output-format.md.
enum Fixtures {
    static let latency = LatencySummary(mean: 6120.4, p50: 5800, p90: 7100, p99: 9500, p99_9: 20100, p99_99: 80000,
                                        max: 120_000)

    /// Two jobs on two IOThreads, 163417 IOPS of 4 KiB in total.
    static func sample(scenario: String = "optane-4k", seed: UInt64 = 42) -> RunResult {
        RunResult(
            scenario: scenario, seed: seed, iops: 163_417.25, bw_bytes_per_s: 669_357_056,
            latency_ns: latency,
            jobs: [
                JobResult(name: "randread-a", ios: 163_420, iops: 81_710.0, bw_bytes_per_s: 334_684_160,
                          latency_ns: LatencySummary(mean: 6050.5, p50: 5700, p90: 7000, p99: 9400, p99_9: 19900,
                                                     p99_99: 78000, max: 110_000)),
                JobResult(name: "randread-b", ios: 163_414, iops: 81_707.25, bw_bytes_per_s: 334_672_896,
                          latency_ns: LatencySummary(mean: 6190.3, p50: 5900, p90: 7200, p99: 9600, p99_9: 20300,
                                                     p99_99: 81000, max: 120_000)),
            ],
            iothreads: [
                IOThreadResult(
                    id: "iothread0", policy: "poll-weight", cpu_util: 0.473,
                    time_ns: ThreadTime(poll: 624_000_000, dispatch: 240_000_000, syscall: 82_000_000,
                                        blocked: 1_054_000_000),
                    poll: PollStats(mean_poll_ns: 12_345.6, hit_rate: 0.875, reset_rate: 0.012, near_max_share: 0.034,
                                    handlers_per_pass: 2),
                    wakeups_per_io: 0.12, syscalls_per_io: 0.85, iterations: 123_456),
                IOThreadResult(
                    id: "iothread1", policy: "classic", cpu_util: 0.25,
                    time_ns: ThreadTime(poll: 300_000_000, dispatch: 150_000_000, syscall: 50_000_000,
                                        blocked: 1_500_000_000),
                    poll: PollStats(mean_poll_ns: 850, hit_rate: 0.5, reset_rate: 0.25, near_max_share: 0,
                                    handlers_per_pass: 1.5),
                    wakeups_per_io: 0.5, syscalls_per_io: 1.25, iterations: 98_765),
            ],
            sim: SimulatorStats(events: 1_234_567, events_per_io: 3.78, wall_s: 0.5, events_per_s: 2_469_134,
                                sim_per_wall: 4))
    }

    /// One job, one IOThread, every Double that can be non-finite set to NaN or an infinity.
    static func nonFinite() -> RunResult {
        let latency = LatencySummary(mean: .nan, p50: 0, p90: 0, p99: 0, p99_9: 0, p99_99: 0, max: 0)
        return RunResult(
            scenario: "empty", seed: 1, iops: .nan, bw_bytes_per_s: .infinity, latency_ns: latency,
            jobs: [JobResult(name: "idle", ios: 0, iops: -.infinity, bw_bytes_per_s: .nan, latency_ns: latency)],
            iothreads: [
                IOThreadResult(
                    id: "iothread0", policy: "none", cpu_util: .nan, time_ns: ThreadTime(),
                    poll: PollStats(mean_poll_ns: .nan, hit_rate: .nan, reset_rate: .infinity,
                                    near_max_share: .nan, handlers_per_pass: .nan),
                    wakeups_per_io: .infinity, syscalls_per_io: .nan, iterations: 0),
            ],
            sim: SimulatorStats(events: 0, events_per_io: .nan, wall_s: 0, events_per_s: .nan,
                                sim_per_wall: .infinity))
    }
}
