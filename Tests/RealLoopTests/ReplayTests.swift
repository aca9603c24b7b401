import Foundation
import PollModel
import PollingPolicy
import RealLoop
import SimKernel
import XCTest

/// Replays on the synthetic device and on a temporary file, and the safety checks of the file backend. The
/// assertions are loose on purpose: the machines are noisy 2-vCPU VMs shared with builds.
final class ReplayTests: XCTestCase {
    static func configuration(policy: PolicyKind = .classic, rw: ReadWrite = .randread, bs: Int = 4096,
                              iodepth: Int = 4, runtime: Int64 = 200_000_000,
                              rateIOPS: Double? = nil) throws -> ModelConfiguration {
        let parameters = policy == .pollWeight ? PollParameters.pollWeightMerged : PollParameters.qemuClassic
        return ModelConfiguration(
            name: "realloop-test", seed: 7, runtime: runtime, rampTime: 20_000_000,
            devices: [DeviceConfig(id: "dev0", readLatency: try .lognormal(median: 20_000, p99: 60_000),
                                   writeLatency: try .constant(30_000), parallelism: 4)],
            iothreads: [IOThreadConfig(id: "iothread0", policy: policy, poll: parameters)],
            disks: [DiskConfig(id: "vda", device: "dev0", iothread: "iothread0", aio: .ioUring)],
            jobs: [JobConfig(name: "job", disk: "vda", rw: rw, bs: bs, iodepth: iodepth, rateIOPS: rateIOPS)])
    }

    static func requireIoUring() throws {
        try XCTSkipUnless(RealLoopEnvironment.ioUringAvailable, "io_uring is not available here")
    }

    private var temporaryFiles: [String] = []

    override func tearDown() {
        for path in temporaryFiles { try? FileManager.default.removeItem(atPath: path) }
        temporaryFiles = []
        Interrupt.reset()
    }

    /// A file of real random data written with O_DIRECT, in a directory on a real filesystem (not tmpfs, which has
    /// no O_DIRECT).
    private func testFile(bytes: Int = 8 << 20) throws -> String {
        let directory = FileManager.default.currentDirectoryPath + "/.build"
        let path = "\(directory)/realloop-test-\(getpid())-\(temporaryFiles.count).img"
        temporaryFiles.append(path)
        do {
            try FileDevice.createTestFile(path: path, bytes: bytes)
        } catch {
            throw XCTSkip("cannot create an O_DIRECT test file at \(path): \(error)")
        }
        return path
    }

    private func assertSane(_ report: ReplayReport, file: StaticString = #filePath, line: UInt = #line) {
        let result = report.result
        XCTAssertGreaterThan(result.iops, 0, file: file, line: line)
        XCTAssertGreaterThan(result.latency_ns.p50, 0, file: file, line: line)
        XCTAssertLessThanOrEqual(result.latency_ns.p50, result.latency_ns.p99, file: file, line: line)
        XCTAssertLessThanOrEqual(result.latency_ns.p99, result.latency_ns.max, file: file, line: line)
        XCTAssertEqual(result.iothreads.count, 1, file: file, line: line)
        let thread = result.iothreads[0]
        XCTAssertGreaterThanOrEqual(thread.cpu_util, 0, file: file, line: line)
        XCTAssertLessThanOrEqual(thread.cpu_util, 1, file: file, line: line)
        XCTAssertGreaterThan(thread.iterations, 0, file: file, line: line)
        XCTAssertEqual(result.jobs.map(\.ios).reduce(0, +), report.latency.count, file: file, line: line)
        XCTAssertFalse(report.interrupted, file: file, line: line)
    }

    func testSyntheticReplayIsSane() throws {
        try Self.requireIoUring()
        for policy in [PolicyKind.none, .classic, .pollWeight] {
            let report = try Replay.run(try Self.configuration(policy: policy), setup: ReplaySetup(device: .synthetic))
            assertSane(report)
            let lateness = try XCTUnwrap(report.lateness)
            XCTAssertGreaterThan(lateness.count, 0)
            // The device is 20 µs at the median; nothing completes faster than about that.
            XCTAssertGreaterThan(report.result.latency_ns.p50, 10_000, "\(policy)")
            // Every completion is posted by the driver thread and timed (finding 12's measurement).
            XCTAssertGreaterThan(report.postSubmit.count, 0, "\(policy)")
            // The stages around the device are timed for every measured request, and each is a part of its
            // latency: the device's 20 µs median is not among them.
            let arrival = try XCTUnwrap(report.deviceArrival)
            XCTAssertEqual(Double(arrival.count), Double(report.latency.count), accuracy: 0.05 * Double(report.latency.count))
            XCTAssertEqual(Double(report.usedDelivery.count), Double(report.latency.count), accuracy: 0.05 * Double(report.latency.count))
            XCTAssertLessThan(report.submissionPickup.percentile(50) + arrival.percentile(50) + report.usedDelivery.percentile(50),
                              report.result.latency_ns.p50, "\(policy)")
            // The loop's own work is timed per request it handled; the tail only where the next iteration polls.
            let work = report.loopWork
            for series in [work.completionDispatch, work.virtqueueDispatch] {
                XCTAssertGreaterThan(series.count, 0, "\(policy)")
                XCTAssertLessThanOrEqual(series.count, report.result.jobs.map(\.ios).reduce(0, +) + 64, "\(policy)")
                XCTAssertLessThan(series.percentile(50), report.result.latency_ns.p50, "\(policy)")
            }
            XCTAssertEqual(work.iterationTail.count == 0, policy == .none, "\(policy)")
            if policy == .none {
                XCTAssertEqual(report.result.iothreads[0].poll.hit_rate, 0)
                // Without polling, every request kicks, and every kick is timed.
                XCTAssertEqual(report.kicksPerIO, 1, accuracy: 0.01)
                XCTAssertGreaterThan(report.kickWrite.count, 0)
            }
        }
    }

    func testSeveralDisksQueuesAndJobs() throws {
        try Self.requireIoUring()
        var configuration = try Self.configuration(policy: .pollWeight, iodepth: 2, runtime: 100_000_000)
        configuration.disks[0].count = 2
        configuration.disks[0].numQueues = 2
        configuration.jobs = [JobConfig(name: "a", disk: "vda0", iodepth: 2, numjobs: 2),
                              JobConfig(name: "b", disk: "vda1", rw: .randrw, iodepth: 1)]
        let report = try Replay.run(configuration, setup: ReplaySetup(device: .synthetic))
        assertSane(report)
        XCTAssertEqual(report.handlerCount, 1 + 2 * 2)
        XCTAssertEqual(report.result.jobs.map(\.name), ["a", "b"])
        for job in report.result.jobs { XCTAssertGreaterThan(job.ios, 0, job.name) }
    }

    func testSyntheticOpenLoopKeepsTheRate() throws {
        try Self.requireIoUring()
        let report = try Replay.run(try Self.configuration(policy: .classic, iodepth: 8, rateIOPS: 5000),
                                    setup: ReplaySetup(device: .synthetic))
        assertSane(report)
        XCTAssertEqual(report.result.iops, 5000, accuracy: 1000)
    }

    func testFileReplayIsSane() throws {
        try Self.requireIoUring()
        let path = try testFile()
        for policy in [PolicyKind.none, .busy] {
            let report = try Replay.run(try Self.configuration(policy: policy, iodepth: 2),
                                        setup: ReplaySetup(device: .path(path)))
            assertSane(report)
            XCTAssertNil(report.lateness)
            XCTAssertNil(report.deviceArrival)
            XCTAssertGreaterThan(report.usedDelivery.count, 0)
        }
    }

    func testValidationOnAFileSimulatesWithTheDeviceMeasuredJustBefore() throws {
        try Self.requireIoUring()
        let path = try testFile()
        // A scenario device far from any real disk: 5 ms constant.
        var configuration = try Self.configuration(policy: .none, iodepth: 1, runtime: 50_000_000)
        configuration.devices[0].readLatency = try .constant(5_000_000)
        let (measured, measurement) = try Validation.measureDevice(configuration, path: path, reads: 300)
        XCTAssertEqual(measurement.latency.count, 300)
        XCTAssertEqual(measurement.replaced.constantValue, 5_000_000)
        // The simulation draws from what was measured: its median is the measured p50 (within the sampling noise).
        let stream = RandomStream(seed: 1, entity: "test")
        let draws = (0..<4001).map { _ in measured.devices[0].readLatency.sample(stream) }.sorted()
        let p50 = Double(measurement.latency.percentile(50))
        XCTAssertEqual(draws[2000], p50, accuracy: p50 * 0.1)
        XCTAssertLessThan(draws[2000], 5_000_000)

        let report = try Validation.run(configuration, setup: ReplaySetup(device: .path(path)), deviceReads: 100)
        XCTAssertTrue(report.notes.first?.contains("measured just before the replay (100 ") == true, "\(report.notes)")
        // Simulated and measured latencies now describe the same device: far below the scenario's 5 ms.
        XCTAssertLessThan(report.simulated.latency_ns.p50, 5_000_000)
        // Without the measurement the scenario's 5 ms stands.
        let kept = try Validation.run(configuration, setup: ReplaySetup(device: .path(path)))
        XCTAssertGreaterThanOrEqual(kept.simulated.latency_ns.p50, 5_000_000)
    }

    func testWritesAreRefusedWithoutAllowWrite() throws {
        try Self.requireIoUring()
        let path = try testFile(bytes: 1 << 20)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Replay.run(try Self.configuration(rw: .randwrite), setup: ReplaySetup(device: .path(path)))) {
            XCTAssertEqual(($0 as? ReplayError)?.kind, .writeNotAllowed, "\($0)")
            XCTAssertTrue("\($0)".contains("--allow-write"), "\($0)")
        }
        XCTAssertThrowsError(try Replay.run(try Self.configuration(rw: .randrw), setup: ReplaySetup(device: .path(path)))) {
            XCTAssertEqual(($0 as? ReplayError)?.kind, .writeNotAllowed, "\($0)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before)
        // With the flag, the same scenario runs and writes.
        let report = try Replay.run(try Self.configuration(rw: .randwrite, iodepth: 1, runtime: 50_000_000),
                                    setup: ReplaySetup(device: .path(path), allowWrite: true))
        XCTAssertGreaterThan(report.result.iops, 0)
        XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before)
    }

    func testMountedBlockDeviceIsRefusedForWrites() throws {
        guard let device = Self.blockDeviceBacking("/") else { throw XCTSkip("no block device node backs / here") }
        XCTAssertThrowsError(try FileDevice(path: device, needsWrite: true, allowWrite: true)) {
            XCTAssertEqual(($0 as? ReplayError)?.kind, .mountedDevice, "\($0)")
            XCTAssertTrue("\($0)".contains("mounted"), "\($0)")
        }
        // And through a whole replay, even with --allow-write.
        XCTAssertThrowsError(try Replay.run(try Self.configuration(rw: .randwrite),
                                            setup: ReplaySetup(device: .path(device), allowWrite: true))) {
            XCTAssertEqual(($0 as? ReplayError)?.kind, .mountedDevice, "\($0)")
        }
    }

    func testMisalignedAccessIsRejected() throws {
        try Self.requireIoUring()
        let path = try testFile(bytes: 1 << 20)
        let device = try FileDevice(path: path, needsWrite: false, allowWrite: false)
        XCTAssertNoThrow(try device.checkAccess(offset: 8192, length: 4096))
        XCTAssertThrowsError(try device.checkAccess(offset: 100, length: 4096)) {
            XCTAssertEqual(($0 as? ReplayError)?.kind, .misaligned)
        }
        XCTAssertThrowsError(try device.checkAccess(offset: 0, length: 1000)) {
            XCTAssertEqual(($0 as? ReplayError)?.kind, .misaligned)
        }
        XCTAssertThrowsError(try device.checkAccess(offset: 1 << 20, length: 4096)) {
            XCTAssertEqual(($0 as? ReplayError)?.kind, .tooSmall)
        }
        XCTAssertThrowsError(try Replay.run(try Self.configuration(bs: 1000), setup: ReplaySetup(device: .path(path)))) {
            XCTAssertEqual(($0 as? ReplayError)?.kind, .misaligned, "\($0)")
        }
    }

    func testUnsupportedScenariosAreRefusedWithAReason() throws {
        var configuration = try Self.configuration()
        configuration.iothreads[0].fdmon = .epoll
        XCTAssertThrowsError(try Replay.run(configuration, setup: ReplaySetup(device: .synthetic))) {
            XCTAssertTrue("\($0)".contains("io_uring"), "\($0)")
        }
        configuration = try Self.configuration()
        configuration.disks[0].submit = .sio
        XCTAssertThrowsError(try Replay.run(configuration, setup: ReplaySetup(device: .synthetic))) {
            XCTAssertTrue("\($0)".contains("submit"), "\($0)")
        }
    }

    func testInterruptStopsCleanlyWithPartialResults() throws {
        try Self.requireIoUring()
        let configuration = try Self.configuration(runtime: 10_000_000_000)
        let start = Date()
        let stopper = Thread {
            Thread.sleep(forTimeInterval: 0.3)
            Interrupt.request()
        }
        stopper.start()
        let report = try Replay.run(configuration, setup: ReplaySetup(device: .synthetic))
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        XCTAssertTrue(report.interrupted)
        XCTAssertGreaterThan(report.result.iops, 0)
    }

    /// /dev/... of the block device whose filesystem is mounted on `mountPoint`, from its st_dev.
    static func blockDeviceBacking(_ mountPoint: String) -> String? {
        var info = stat()
        guard stat(mountPoint, &info) == 0 else { return nil }
        let dev = UInt64(info.st_dev)
        let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~UInt64(0xfff))
        let minor = (dev & 0xff) | ((dev >> 12) & ~UInt64(0xff))
        guard let uevent = try? String(contentsOfFile: "/sys/dev/block/\(major):\(minor)/uevent", encoding: .utf8),
              let line = uevent.split(separator: "\n").first(where: { $0.hasPrefix("DEVNAME=") }) else { return nil }
        let path = "/dev/" + line.dropFirst("DEVNAME=".count)
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}
