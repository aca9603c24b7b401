import XCTest
import PollingPolicy
@testable import PollModel
import SimKernel

/// The seed threads' findings, qualitatively: the model must show the effects the maintainers measured.
final class SeedBehaviourTests: XCTestCase {
    /// Seed 000: a guest with 100 virtio-blk devices × 32 queues on one IOThread, randread 4k QD1 on one disk.
    private func manyDisks(count: Int, queues: Int, fdmon: FdMonitorKind, removal: Bool) throws -> RunResult {
        let configuration = ModelConfiguration(
            name: "seed000", seed: 1, runtime: 500_000_000, rampTime: 7_500_000_000,
            devices: [DeviceConfig(id: "nullb0", readLatency: try .lognormal(median: 4_000, p99: 8_000), parallelism: 64)],
            iothreads: [IOThreadConfig(id: "iothread0", policy: .classic, poll: .qemuClassic, fdmon: fdmon,
                                       idleHandlerRemoval: removal)],
            disks: [DiskConfig(id: "vd", device: "nullb0", iothread: "iothread0", numQueues: queues, count: count)],
            jobs: [JobConfig(name: "randread", disk: count > 1 ? "vd0" : "vd", rw: .randread, bs: 4096, iodepth: 1)])
        return try Fixture.run(configuration)
    }

    func testManyPolledHandlersCollapseIOPSAndIdleRemovalRestoresIt() throws {
        let one = try manyDisks(count: 1, queues: 1, fdmon: .epoll, removal: false)
        let pollEverything = try manyDisks(count: 100, queues: 32, fdmon: .epoll, removal: false)
        let idleRemoval = try manyDisks(count: 100, queues: 32, fdmon: .ioUring, removal: true)
        let removalWithoutIoUring = try manyDisks(count: 100, queues: 32, fdmon: .epoll, removal: true)
        XCTAssertLessThan(pollEverything.iops, one.iops / 2, "polling 3 200 handlers must cost most of the IOPS")
        XCTAssertGreaterThan(pollEverything.iothreads[0].poll.handlers_per_pass, 3_000)
        XCTAssertGreaterThan(idleRemoval.iops, one.iops * 0.9, "idle-handler removal restores single-disk IOPS")
        XCTAssertLessThan(idleRemoval.iothreads[0].poll.handlers_per_pass, 10)
        XCTAssertEqual(removalWithoutIoUring.iops, pollEverything.iops, accuracy: pollEverything.iops * 0.01,
                       "idle-handler removal only works with the io_uring fd monitor")
    }

    func testPollingCutsLatencyOnAFastDeviceAndCostsCPU() throws {
        let fast = try Distribution.lognormal(median: 10_000, p99: 20_000)
        let none = try Fixture.run(Fixture.single(policy: .none, latency: fast))
        let classic = try Fixture.run(Fixture.single(policy: .classic, latency: fast))
        XCTAssertLessThan(classic.latency_ns.mean, none.latency_ns.mean * 0.85)
        XCTAssertGreaterThan(classic.iops, none.iops * 1.15)
        XCTAssertGreaterThan(classic.iothreads[0].cpu_util, none.iothreads[0].cpu_util + 0.3)
        XCTAssertGreaterThan(classic.iothreads[0].poll.hit_rate, 0.9)
    }

    func testClassicPolicyStopsPollingOnASlowDevice() throws {
        let slow = try Distribution.lognormal(median: 200_000, p99: 300_000)
        let none = try Fixture.run(Fixture.single(policy: .none, latency: slow))
        let classic = try Fixture.run(Fixture.single(policy: .classic, latency: slow))
        let thread = classic.iothreads[0]
        XCTAssertLessThan(thread.poll.mean_poll_ns, 4_000, "poll_ns keeps being reset to 0 by 200 µs blocks")
        XCTAssertLessThan(thread.poll.hit_rate, 0.5)
        XCTAssertLessThan(thread.cpu_util, none.iothreads[0].cpu_util + 0.05, "almost no CPU spent polling")
        XCTAssertEqual(classic.iops, none.iops, accuracy: none.iops * 0.03)
    }

    func testPollWeightSpendsLessCPUThanClassicOnASlowishDevice() throws {
        // Seed 003: the weighted-interval policy trades a little throughput for IOThread CPU.
        let fcp = try Distribution.lognormal(median: 30_000, p99: 90_000)
        let classic = try Fixture.run(Fixture.single(policy: .classic, latency: fcp, iodepth: 8, numjobs: 4))
        let weighted = try Fixture.run(Fixture.single(policy: .pollWeight, poll: .pollWeightMerged, latency: fcp,
                                                      iodepth: 8, numjobs: 4))
        XCTAssertLessThan(weighted.iothreads[0].cpu_util, classic.iothreads[0].cpu_util)
        XCTAssertGreaterThan(weighted.iops, classic.iops * 0.9)
    }
}
