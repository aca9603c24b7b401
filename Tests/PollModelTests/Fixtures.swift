import PollingPolicy
@testable import PollModel
import SimKernel

/// Small configurations for model tests.
enum Fixture {
    static func ns(_ value: Double) -> Distribution { try! Distribution.constant(value) }

    /// One device, one IOThread, one disk, one job.
    static func single(policy: PolicyKind = .classic, poll: PollParameters = .qemuClassic,
                       latency: Distribution = try! Distribution.lognormal(median: 9_000, p99: 20_000),
                       parallelism: Int = 8, profile: HostProfile = .bareMetal, fdmon: FdMonitorKind = .ioUring,
                       iodepth: Int = 1, numjobs: Int = 1, bs: Int = 4096, rw: ReadWrite = .randread,
                       rateIOPS: Double? = nil, rateProcess: RateProcess = .linear, submit: SubmitMode = .aio,
                       aio: AioBackend = .native, runtime: SimTime = 200_000_000, rampTime: SimTime = 20_000_000,
                       seed: UInt64 = 1) -> ModelConfiguration {
        ModelConfiguration(
            name: "fixture", seed: seed, runtime: runtime, rampTime: rampTime, profile: profile,
            devices: [DeviceConfig(id: "nvme0", readLatency: latency, parallelism: parallelism)],
            iothreads: [IOThreadConfig(id: "iothread0", policy: policy, poll: poll, fdmon: fdmon)],
            disks: [DiskConfig(id: "vda", device: "nvme0", iothread: "iothread0", aio: aio, submit: submit)],
            jobs: [JobConfig(name: "job", disk: "vda", rw: rw, bs: bs, iodepth: iodepth, numjobs: numjobs,
                             rateIOPS: rateIOPS, rateProcess: rateProcess)])
    }

    static func run(_ configuration: ModelConfiguration) throws -> RunResult {
        try PollSimulator(configuration).run()
    }

    /// The iteration records of a run (`PollSimulator.iterationObserver`), from the end of the ramp on.
    static func iterationRecords(_ configuration: ModelConfiguration) throws -> [IterationRecord] {
        let simulator = try PollSimulator(configuration)
        var records: [IterationRecord] = []
        simulator.iterationObserver = { if $0.startNs >= configuration.rampTime { records.append($0) } }
        _ = simulator.run()
        return records
    }
}
