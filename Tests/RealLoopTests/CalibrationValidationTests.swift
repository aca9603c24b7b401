import Foundation
import PollModel
import PollingPolicy
import RealLoop
import Scenario
import XCTest

final class CalibrationValidationTests: XCTestCase {
    override func tearDown() { Interrupt.reset() }

    func testDemeritIsTheRMSQuantileDistanceOverTheMean() {
        XCTAssertEqual(Validation.demerit(simulated: [10, 20, 30], measured: [10, 20, 30], measuredMean: 20), 0)
        // Every quantile 2 apart, mean 20: 0.1.
        XCTAssertEqual(Validation.demerit(simulated: [12, 22, 32], measured: [10, 20, 30], measuredMean: 20), 0.1,
                       accuracy: 1e-12)
        // RMS, not mean: one quantile 6 apart over three is sqrt(12) / 20.
        XCTAssertEqual(Validation.demerit(simulated: [10, 20, 36], measured: [10, 20, 30], measuredMean: 20),
                       12.0.squareRoot() / 20, accuracy: 1e-12)
        XCTAssertEqual(Validation.demerit(simulated: [1], measured: [2], measuredMean: 0), 0)
    }

    func testPreparationMatchesWhatTheRealLoopRuns() throws {
        var configuration = try ReplayTests.configuration()
        configuration.disks[0].aio = .native
        configuration.guest.vcpus = 4
        let prepared = Validation.prepare(configuration, device: .synthetic)
        XCTAssertEqual(prepared.disks[0].aio, .ioUring)
        XCTAssertEqual(prepared.guest.vcpus, 1)
        XCTAssertEqual(prepared.jobs, configuration.jobs)
        // The synthetic device runs in the guest driver's thread; a file's completions come from the kernel.
        XCTAssertEqual(prepared.devices.map(\.completionCPU), configuration.devices.map { _ in .vcpu })
        let onFile = Validation.prepare(configuration, device: .path("/tmp/file"))
        XCTAssertEqual(onFile.devices.map(\.completionCPU), configuration.devices.map { _ in .other })
    }

    func testCalibrationWritesAProfileTheScenarioLoaderReads() throws {
        try ReplayTests.requireIoUring()
        let calibration = try Calibrator.run(.init(scale: 0.05))
        let keys = Set(calibration.costs.map(\.key))
        for key in ["io-uring-enter", "eventfd-write", "eventfd-read", "wakeup-same-cpu", "timer-overshoot",
                    "poll-handler", "poll-pass"] {
            XCTAssertTrue(keys.contains(key), "missing \(key)")
        }
        if RealLoopEnvironment.allowedCPUs.count >= 2 {
            XCTAssertTrue(keys.contains("wakeup-cross-cpu"))
            XCTAssertTrue(keys.contains("fd-event-signal"))
        }
        for cost in calibration.costs {
            XCTAssertNotNil(HostProfile.parameter(named: cost.key), "\(cost.key) is not a profile key")
            XCTAssertGreaterThanOrEqual(cost.median, 0, cost.key)
            XCTAssertTrue(cost.median.isFinite && cost.p99.isFinite, cost.key)
        }
        // A wake-up through io_uring costs more than an eventfd write, which costs more than nothing.
        let median = Dictionary(uniqueKeysWithValues: calibration.costs.map { ($0.key, $0.median) })
        XCTAssertGreaterThan(median["eventfd-write"]!, 10)
        XCTAssertGreaterThan(median["wakeup-same-cpu"]!, median["eventfd-write"]!)
        XCTAssertGreaterThan(median["timer-overshoot"]!, 0)

        let path = FileManager.default.currentDirectoryPath + "/.build/calibration-test-\(getpid()).yaml"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try calibration.yaml().write(toFile: path, atomically: true, encoding: .utf8)
        let configuration = try ScenarioLoader.parse(yaml: ScenarioLoader.defaultScenarioYAML, fileName: "default.yaml",
                                                     overrides: ["profile=\(path)"], seed: nil)
        let enter = try XCTUnwrap(calibration.costs.first { $0.key == "io-uring-enter" })
        XCTAssertEqual(configuration.profile.ioUringEnter.mean, enter.median, accuracy: 0.1)
        XCTAssertEqual(configuration.profile.guestNotify.mean, 0)
        // The profile built in memory is the one the file describes.
        XCTAssertEqual(calibration.profile().ioUringEnter.mean, configuration.profile.ioUringEnter.mean, accuracy: 0.1)
    }

    func testValidateComparesSimulationAndReplay() throws {
        try ReplayTests.requireIoUring()
        let configuration = try ReplayTests.configuration(policy: .classic, iodepth: 2)
        let report = try Validation.run(configuration, setup: ReplaySetup(device: .synthetic))
        let metrics = Dictionary(uniqueKeysWithValues: report.metrics.map { ($0.metric, $0) })
        for name in ["iops", "lat_p50_ns", "lat_p99_ns", "cpu_util", "demerit"] {
            let metric = try XCTUnwrap(metrics[name], name)
            XCTAssertTrue(metric.error.isFinite, name)
        }
        XCTAssertGreaterThan(metrics["iops"]!.simulated, 0)
        XCTAssertGreaterThan(metrics["iops"]!.measured, 0)
        XCTAssertEqual(metrics["iops"]!.target, 5)
        XCTAssertEqual(report.simulated.seed, report.measured.seed)
        XCTAssertNotNil(report.latenessP50)
        XCTAssertTrue(report.table().contains("demerit"))
        XCTAssertEqual(report.csv().split(separator: "\n").count, report.metrics.count + 1)
    }
}
