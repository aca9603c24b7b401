import Foundation
import PollModel
import PollingPolicy
@testable import RealLoop
import Scenario
import XCTest

final class CalibrationValidationTests: XCTestCase {
    override func tearDown() { Interrupt.reset() }

    func testHaltFitFindsTheIdleTimeAfterWhichWakeUpsAreSlower() throws {
        // Finding 15's shape: events 0-60 µs after blocking; before 11 µs a wake-up takes 15-17 µs (5 µs of CPU),
        // after it 35-37 µs (14 µs). Events within the first 2 µs scatter (60 µs here) and are left out.
        var wakeups: [BlockedWakeup] = []
        for index in 0..<1_200 {
            let blocked = Int64(index * 50)
            let halted = blocked >= 11_000
            let wake: Int64 = blocked < 2_000 ? 60_000 : (halted ? 35_000 : 15_000) + Int64(index % 5) * 500
            wakeups.append(BlockedWakeup(event: index % 7 == 0 ? .kick : .completion, blockedNs: blocked, wakeNs: wake,
                                         cpuNs: halted ? 14_000 : 5_000))
        }
        let fit = try XCTUnwrap(HaltFit(wakeups))
        XCTAssertEqual(fit.haltAfterNs, 11_000)
        XCTAssertEqual(fit.ready.count, (11_000 - 2_000) / 50)
        XCTAssertEqual(fit.halted.count, 1_200 - 11_000 / 50)
        XCTAssertEqual(HaltFit.median(fit.ready.map(\.wakeNs)), 16_000)
        XCTAssertEqual(HaltFit.median(fit.halted.map(\.wakeNs)), 36_000)
        // The calibrated keys: both states, and no second hop for completions (they wake as fast as kicks here).
        let costs = Calibrator.wakeupCosts(wakeups, micro: "")
        func median(_ key: String) -> Double? { costs.first { $0.key == key }?.median }
        XCTAssertEqual(median("halt-after"), 11_000)
        XCTAssertEqual(median("wakeup-cross-cpu"), 16_000)
        XCTAssertEqual(median("wakeup-halted"), 36_000)
        XCTAssertEqual(median("wakeup-cpu"), 5_000)
        XCTAssertEqual(median("wakeup-halted-cpu"), 14_000)
        XCTAssertEqual(median("completion-fd-latency"), 0)
        // One state (the same wake-up whatever the idle time): no fit, and halt-after 0.
        let flat = wakeups.map { BlockedWakeup(event: $0.event, blockedNs: $0.blockedNs, wakeNs: 20_000, cpuNs: 5_000) }
        XCTAssertNil(HaltFit(flat))
        XCTAssertEqual(Calibrator.wakeupCosts(flat, micro: "").first { $0.key == "halt-after" }?.median, 0)
        // Split at a given halt-after (a simulation's, 20 µs here): the states as that simulation tells them apart,
        // whatever the fit would say. Waits within the first 2 µs are left out as in the fit.
        let split = Calibrator.wakeupCosts(wakeups, splitAt: 20_000)
        func splitMedian(_ key: String) -> Double? { split.first { $0.key == key }?.median }
        XCTAssertEqual(split.map(\.key), ["wakeup-cross-cpu", "wakeup-cpu", "wakeup-halted", "wakeup-halted-cpu"])
        XCTAssertEqual(split.first?.samples, (20_000 - 2_000) / 50)
        XCTAssertEqual(splitMedian("wakeup-cross-cpu"), 35_000)  // 180 waits before 11 µs, 180 after: the upper median
        XCTAssertEqual(splitMedian("wakeup-halted"), 36_000)
        // Halt-after 0 (one state): every wait in the ready one. A state with fewer than 20 waits is left out.
        XCTAssertEqual(Calibrator.wakeupCosts(wakeups, splitAt: 0).map(\.key), ["wakeup-cross-cpu", "wakeup-cpu"])
        XCTAssertEqual(Calibrator.wakeupCosts(wakeups, splitAt: 2_900).map(\.key), ["wakeup-halted", "wakeup-halted-cpu"])
    }

    func testACompletionsSecondHopIsKeptOnlyBeyondTheNoiseOfTheTwoMedians() {
        // Finding 15's two idle states, 1 200 waits 0-60 µs after blocking, one in seven a kick. In the ready state,
        // completions wake `extra` later than kicks; each wake-up varies by `spread` (steps of spread / 10).
        func secondHop(extra: Int64, spread: Int64) -> Double? {
            let wakeups = (0..<1_200).map { index -> BlockedWakeup in
                let blocked = Int64(index * 50)
                let kick = index % 7 == 0
                let wake = (blocked >= 11_000 ? 35_000 : 15_000 + (kick ? 0 : extra)) + Int64(index % 11) * spread / 10
                return BlockedWakeup(event: kick ? .kick : .completion, blockedNs: blocked, wakeNs: wake, cpuNs: 5_000)
            }
            return Calibrator.wakeupCosts(wakeups, micro: "").first { $0.key == "completion-fd-latency" }?.median
        }
        // 5 µs later, each group within 0.5 µs: a second hop.
        XCTAssertEqual(try XCTUnwrap(secondHop(extra: 5_000, spread: 500)), 5_000, accuracy: 100)
        // 1 µs later, each spread over 10 µs with about 26 kicks: noise (campaign 20's probes once measured 4.4 µs
        // so, and the model's classic lost a fifth of its IOPS).
        XCTAssertEqual(secondHop(extra: 1_000, spread: 10_000), 0)
    }

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
            XCTAssertTrue(keys.contains("halt-after"))
            XCTAssertTrue(keys.contains("fd-event-reap"))
        }
        XCTAssertEqual(keys.count, calibration.costs.count, "a key written twice")
        if RealLoopEnvironment.allowedCPUs.count >= 2 {
            // The tail after the dispatch and the dispatches as a replay's IOThread pays them, not the bare clock
            // read and the hot-cache micro-benchmarks.
            for key in ["iteration-end", "virtqueue-pop", "request-complete"] {
                let cost = try XCTUnwrap(calibration.costs.first { $0.key == key })
                XCTAssertTrue(cost.method.hasPrefix("a replay's IOThread"), cost.method)
            }
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

    func testTheLoopsOwnWorkBecomesProfileKeysWithTheirSpread() throws {
        var work = LoopWorkTimes()
        for i in 0..<100 {
            work.iterationTail.record(Int64(700 + 4 * i), bytes: 0)
            work.completionDispatch.record(Int64(300 + 6 * i), bytes: 0)
        }
        for i in 0..<(Calibrator.minimumReplaySamples - 1) { work.virtqueueDispatch.record(Int64(250 + i), bytes: 0) }
        // One with too few samples is left out (and request-submit with it).
        let costs = Calibrator.loopWorkCosts(work, micro: ["iteration-end": "micro 500ns"])
        XCTAssertEqual(costs.map(\.key), ["iteration-end", "request-complete"])
        let tail = costs[0]
        XCTAssertEqual(tail.median, Double(work.iterationTail.percentile(50)))
        XCTAssertTrue(tail.method.hasSuffix("; micro 500ns"))
        XCTAssertTrue(tail.yamlValue.hasPrefix("{ dist: lognormal, median: "), tail.yamlValue)
        work.virtqueueDispatch.record(260, bytes: 0)
        let all = Calibrator.loopWorkCosts(work)
        XCTAssertEqual(all.map(\.key), ["iteration-end", "virtqueue-pop", "request-complete", "request-submit"])
        XCTAssertEqual(all[3].median, 0)
        // Over a micro-benchmark's costs, each takes the place of its key.
        var profileCosts = ["iteration-end", "guest-notify"].map {
            CalibratedCost(key: $0, median: 1, p99: 1, samples: 1, spread: false, method: "micro")
        }
        profileCosts.replaceOrAppend(all)
        XCTAssertEqual(profileCosts.map(\.key), ["iteration-end", "guest-notify", "virtqueue-pop", "request-complete",
                                                "request-submit"])
        XCTAssertEqual(profileCosts[0], all[0])
    }

    func testTheBusyReplaysCostsAreTheMedianReplaysKeyByKey() {
        func cost(_ key: String, _ median: Double) -> CalibratedCost {
            CalibratedCost(key: key, median: median, p99: 2 * median, samples: 100, p90: 1.5 * median, spread: true,
                           method: "m")
        }
        // Three replays, two in the fast state and one in the slow (finding 23); one replay lacks a key.
        let runs = [[cost("virtqueue-pop", 300), cost("request-complete", 850)],
                    [cost("virtqueue-pop", 900), cost("request-complete", 250), cost("interrupt-injection", 90)],
                    [cost("virtqueue-pop", 350), cost("request-complete", 300)]]
        let merged = Calibrator.medianReplay(runs)
        XCTAssertEqual(merged.map(\.key), ["virtqueue-pop", "request-complete", "interrupt-injection"])
        XCTAssertEqual(merged.map(\.median), [350, 300, 90])
        XCTAssertEqual(merged[0].p90, 525)
        XCTAssertTrue(merged[0].method.hasSuffix("; the median of 3 replays' (300ns, 350ns, 900ns)"), merged[0].method)
        // Of two, the lower; of one, itself.
        XCTAssertEqual(Calibrator.medianReplay(Array(runs.prefix(2))).map(\.median), [300, 250, 90])
        XCTAssertEqual(Calibrator.medianReplay([runs[1]]), runs[1])
    }

    func testValidationSimulatesWithTheWakeUpsMeasuredAroundItsReplay() throws {
        try ReplayTests.requireIoUring()
        guard RealLoopEnvironment.allowedCPUs.count >= 2 else { throw XCTSkip("the wake-up probe needs two CPUs") }
        // A profile whose wake-ups take 5 ms: policy none at queue depth 1 blocks for every request, so a simulation
        // that kept it would see milliseconds of latency; the probes' wake-ups are tens of microseconds.
        var configuration = try ReplayTests.configuration(policy: .none, iodepth: 1, runtime: 100_000_000)
        configuration.profile.wakeupCrossCPU = .ns(5_000_000)
        configuration.profile.wakeupHalted = .ns(5_000_000)
        configuration.profile.haltAfter = .ns(1_000)
        configuration.profile.virtqueuePop = Cost(try .lognormal(median: 700, p99: 900))
        var heard: [String] = []
        let report = try Validation.run(configuration, setup: ReplaySetup(device: .synthetic),
                                        wakeupProbeNs: 60_000_000, note: { heard.append($0) })
        XCTAssertEqual(heard.count, 1)
        XCTAssertTrue(report.notes.first?.hasPrefix("wake-ups measured just before and just after the replay (two 60 ms") == true,
                      "\(report.notes)")
        XCTAssertTrue(report.notes.first?.contains("wakeup-cross-cpu p50 ") == true, "\(report.notes)")
        XCTAssertLessThan(report.simulated.latency_ns.p50, 1_000_000)
        XCTAssertEqual(report.wakeupsFrom, "probes")
        // The probes' and the replay's wake-ups side by side: both tens of microseconds.
        let host = try XCTUnwrap(report.replayCosts?.host.first { $0.metric == "wakeup_halted_p50_ns" })
        XCTAssertLessThan(host.simulated, 1_000_000)
        XCTAssertLessThan(host.measured, 1_000_000)
        // Without the probes the profile's wake-ups stand, and the second simulation takes the replay's own.
        let kept = try Validation.run(configuration, setup: ReplaySetup(device: .synthetic))
        XCTAssertEqual(kept.wakeupsFrom, "profile")
        XCTAssertGreaterThan(kept.simulated.latency_ns.p50, 5_000_000)
        let second = try XCTUnwrap(kept.replayCosts)
        XCTAssertLessThan(second.simulated.latency_ns.p50, 1_000_000)
        XCTAssertLessThan(try XCTUnwrap(second.costs["wakeup-halted"]), 1_000_000)
        // Without probes, what the first simulation used is the profile's constant.
        let halted = try XCTUnwrap(second.host.first { $0.metric == "wakeup_halted_p50_ns" })
        XCTAssertEqual(halted.simulated, 5_000_000)
        XCTAssertLessThan(halted.measured, 1_000_000)
        // And a lognormal's median, beside the replay's own dispatch cost: the host's state during the replay.
        let pop = try XCTUnwrap(second.host.first { $0.metric == "virtqueue_pop_p50_ns" })
        XCTAssertEqual(pop.simulated, 700, accuracy: 1e-6)
        XCTAssertGreaterThan(pop.measured, 0)
        let secondIOPS = try XCTUnwrap(second.metrics.first { $0.metric == "iops" })
        XCTAssertEqual(secondIOPS.measured, kept.measured.iops)
        XCTAssertEqual(secondIOPS.simulated, second.simulated.iops)
        XCTAssertTrue(kept.table().contains("sim, replay's costs"))
        let rows = kept.csv().split(separator: "\n").dropFirst()
        XCTAssertEqual(rows.filter { $0.hasSuffix(",replay") }.count, second.metrics.count)
        XCTAssertEqual(rows.filter { $0.hasSuffix(",profile") }.count, kept.metrics.count + second.host.count)
    }

    func testAWakeUpProbeThatMeasuredNothingLeavesTheProfilesWakeUps() {
        // On a machine too busy for the probe's IOThread to block: no key, and the note says the profile's stand.
        let probe = Calibrator.WakeupProbe(wakeups: [], kickWrite: LatencySeries(), runningKickPickup: LatencySeries())
        XCTAssertTrue(probe.isEmpty)
        let note = Validation.WakeupMeasurement(costs: [], runtimeNs: 300_000_000).note
        XCTAssertTrue(note.contains("measured no blocking wait ended by an event"), note)
        XCTAssertTrue(note.hasSuffix("the simulation used the profile's"), note)
    }

    func testValidateWithSeveralReplaysComparesWithTheMedianOneAndCountsThoseWithinTarget() throws {
        try ReplayTests.requireIoUring()
        let configuration = try ReplayTests.configuration(policy: .busy, iodepth: 1, runtime: 50_000_000)
        var runs: [RunResult] = []
        let report = try Validation.run(configuration, setup: ReplaySetup(device: .synthetic), replays: 3,
                                        pauseNs: 10_000_000, replay: { prepared in
                                            let replay = try Replay.run(prepared, setup: ReplaySetup(device: .synthetic))
                                            runs.append(replay.result)
                                            return replay
                                        })
        XCTAssertEqual(runs.count, 3)
        let spread = try XCTUnwrap(report.replaySpread)
        XCTAssertEqual(spread.replays, 3)
        let iopsInOrder = runs.map(\.iops).sorted()
        XCTAssertEqual(report.measured.iops, iopsInOrder[1])
        XCTAssertEqual(runs[spread.compared - 1].iops, iopsInOrder[1])
        // The targeted metrics of the synthetic device, each over the three replays.
        XCTAssertEqual(spread.metrics.map(\.metric), ["iops", "lat_p50_ns", "cpu_util"])
        let iops = spread.metrics[0]
        XCTAssertEqual([iops.min, iops.median, iops.max], iopsInOrder)
        XCTAssertEqual(iops.withinTarget, runs.filter { abs(report.simulated.iops - $0.iops) <= 0.05 * $0.iops }.count)
        let p50s = runs.map { Double($0.latency_ns.p50) }.sorted()
        XCTAssertEqual([spread.metrics[1].min, spread.metrics[1].median, spread.metrics[1].max], p50s)
        XCTAssertTrue(report.table().contains("3 replays"), report.table())
        XCTAssertTrue(report.table().contains("measured: replay \(spread.compared) of 3, the median by IOPS"))
        // One replay: nothing to spread.
        XCTAssertNil(try Validation.run(configuration, setup: ReplaySetup(device: .synthetic)).replaySpread)
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
        let second = report.replayCosts.map { $0.metrics.count + $0.host.count } ?? 0
        XCTAssertEqual(report.csv().split(separator: "\n").count, report.metrics.count + second + 1)
    }

    func testValidateHandsOverTheIterationsOfTheSimulationAndReplayItCompared() throws {
        try ReplayTests.requireIoUring()
        let configuration = try ReplayTests.configuration(policy: .pollWeight, iodepth: 1)
        var setup = ReplaySetup(device: .synthetic)
        setup.recordDecisions = 2_000
        var simulated: [IterationRecord] = [], measured: [IterationRecord] = []
        _ = try Validation.run(configuration, setup: setup, iterations: { simulated = $0; measured = $1 })
        XCTAssertEqual(simulated.count, 2_000)
        XCTAssertGreaterThan(measured.count, 100)
        XCTAssertLessThanOrEqual(measured.count, 2_000)
        XCTAssertTrue(measured.contains { $0.requests.contains { $0 > 0 } })
        // Both sides' CPU clocks at each iteration's start: from 0, never backwards, and advancing.
        for records in [simulated, measured] {
            XCTAssertEqual(measured.first?.cpuNs, 0)
            XCTAssertTrue(zip(records, records.dropFirst()).allSatisfy { $0.cpuNs <= $1.cpuNs })
            XCTAssertGreaterThan(records.last?.cpuNs ?? 0, 0)
        }
        // The simulation as validate prepares it (the synthetic device's completions posted by the guest's vCPU),
        // which a plain `pollsim run` of the scenario is not.
        let prepared = Validation.prepare(configuration, device: .synthetic)
        XCTAssertEqual(simulated, try Validation.simulate(prepared, recordIterations: 2_000).iterations)
    }
}
