import PollModel
import Scenario
import XCTest

/// Finding 18 (docs/validation.md): where a kick that raced with io_poll_begin costs the IOThread its time. The real
/// loop, whose poll found the request, returns from its submission at once, then runs a short iteration that
/// dispatches the kick's fd event, and in about half the cases spends up to 14 µs (p90) in that dispatch's eventfd
/// read; the model before this held the next kernel entry instead (the submission, or the kick's iteration's wait).
/// Simulated here with campaign 15's profile of this VM, as the validation runs it.
final class HeldEventfdReadTests: XCTestCase {
    func testARacingKicksTimeIsSpentInItsEventfdReadNotInTheSubmission() throws {
        let root = packageRoot.path
        let configuration = try ScenarioLoader.load(
            path: root + "/scenarios/validation/synthetic.yaml",
            overrides: ["profile=\(root)/docs/validation-data/campaign-15/host-synthetic.yaml",
                        "iothreads.0.policy=classic", "runtime=200ms", "ramp_time=20ms"])
        let simulator = try PollSimulator(configuration)
        var records: [IterationRecord] = []
        simulator.iterationObserver = { if $0.startNs >= configuration.rampTime { records.append($0) } }
        _ = simulator.run()

        let queue = "vda.vq0"
        var afterPolledPop: [Int64] = []   // from the end of the iteration that polled the request to the next start
        var afterKickDispatch: [Int64] = [] // the same after the iteration that dispatched the kick alone
        for index in records.indices.dropLast(2) {
            let polled = records[index], kick = records[index + 1], next = records[index + 2]
            guard polled.pollSuccesses == [queue], polled.dispatched == [queue],
                  kick.pollSuccesses.isEmpty, kick.dispatched == [queue] else { continue }
            afterPolledPop.append(kick.startNs - polled.startNs - polled.blockNs)
            afterKickDispatch.append(next.startNs - kick.startNs - kick.blockNs)
        }
        XCTAssertGreaterThan(afterPolledPop.count, 200, "racing kicks after a polled request")
        let shortSubmissions = afterPolledPop.filter { $0 < 5_000 }.count
        let heldReads = afterKickDispatch.filter { $0 > 10_000 }.count
        XCTAssertGreaterThan(Double(shortSubmissions), 0.9 * Double(afterPolledPop.count),
                             "the polled request's dispatch and submission are not held")
        XCTAssertGreaterThan(Double(heldReads), 0.9 * Double(afterKickDispatch.count),
                             "the kick's eventfd read is held until its interrupt lands")
    }
}
