import PollModel
import Scenario
import XCTest

/// Finding 22 (docs/validation.md): in the real loop, the virtqueue dispatch of a kick that a wait returned takes
/// 18-26 µs at the median (policy none and classic, `pollsim validate --decisions`), although the read, the pop and
/// the submission cost about 2 µs: the kick's eventfd read waits for the guest's write, which holds the eventfd while
/// it wakes the IOThread's POLL_ADD and interrupts its CPU (`fd-event-signal`), and the interrupt then stalls the
/// thread (`fd-event-stall`). Simulated here with finding 22's profile of this VM, as the validation runs it.
final class KickInterruptTests: XCTestCase {
    func noneOnTheValidationScenario(overrides: [String]) throws -> (RunResult, [IterationRecord]) {
        let root = packageRoot.path
        let configuration = try ScenarioLoader.load(
            path: root + "/scenarios/validation/synthetic.yaml",
            overrides: ["profile=\(root)/docs/validation-data/finding-22/host-synthetic.yaml",
                        "iothreads.0.policy=none", "devices.0.completion-cpu=vcpu", "guest.vcpus=1",
                        "runtime=200ms", "ramp_time=20ms"] + overrides)
        let simulator = try PollSimulator(configuration)
        var records: [IterationRecord] = []
        simulator.iterationObserver = { if $0.startNs >= configuration.rampTime { records.append($0) } }
        return (simulator.run(), records)
    }

    func virtqueueDispatchesAfterAWait(overrides: [String]) throws -> [Int64] {
        let records = try noneOnTheValidationScenario(overrides: overrides).1
        // From the end of the wait to the next iteration: the dispatch and the iteration's end.
        return zip(records, records.dropFirst()).compactMap { wait, next in
            guard wait.dispatched == ["vda.vq0"], wait.pollSuccesses.isEmpty, wait.requests == [1] else { return nil }
            return next.startNs - wait.startNs - wait.blockNs
        }.sorted()
    }

    func testTheRealLoopsSystemCallsPerRequestWithPolicyNone() throws {
        // The real loop makes five per request with policy none (validate's syscalls_per_io: 4.99): the wait that
        // returns the kick, the kick's eventfd read, the submission, the wait that returns the submission's empty
        // ring event, the wait that blocks for the completion. Its guest has no irqfd (guest-notify 0): notifying it
        // makes no system call, and is not counted as one.
        let result = try noneOnTheValidationScenario(overrides: []).0
        XCTAssertEqual(result.iothreads[0].syscalls_per_io, 5, accuracy: 0.05)
    }

    func testAKicksDispatchWaitsForTheGuestsWriteAndTheInterruptsStall() throws {
        let dispatches = try virtqueueDispatchesAfterAWait(overrides: [])
        XCTAssertGreaterThan(dispatches.count, 1_000)
        let median = dispatches[dispatches.count / 2]
        XCTAssertGreaterThan(median, 15_000, "the real loop's: 18-26 µs")
        XCTAssertLessThan(median, 27_000, "the real loop's: 18-26 µs")
        // Without the interrupt's stall, the read still waits for the write, which ends about 9 µs after the kick.
        let unstalled = try virtqueueDispatchesAfterAWait(overrides: ["profile-overrides.fd-event-stall=0"])
        XCTAssertLessThan(unstalled[unstalled.count / 2], median - 5_000)
    }
}
