import XCTest
import PollingPolicy

/// none and busy bound the design space; hybrid is pollsim's blk-mq style extra.
final class FixedAndHybridPolicyTests: XCTestCase {
    func testNoneNeverPolls() {
        var policy = PollPolicy(kind: .none, parameters: .qemuClassic, handlerCount: 2)
        for block: Int64 in [1, 4001, 40000] { policy.iterate(blockNs: block, fired: [0, 1], pollList: [0, 1]) }
        XCTAssertEqual(policy.pollBudget(pollList: [0, 1]), 0)
        XCTAssertEqual(policy.contextPollNs, 0)
        XCTAssertEqual(policy.sleepBeforePolling(), 0)
        XCTAssertEqual(policy.handlerPollNs(1), 0)
        XCTAssertEqual(policy.adjustments, 0)
        XCTAssertEqual(policy.resets, 0)
    }

    func testBusyPollsForeverWhateverTheParameters() {
        for parameters in [PollParameters.qemuClassic, .with(maxNs: 0)] {
            var policy = PollPolicy(kind: .busy, parameters: parameters, handlerCount: 2)
            for block: Int64 in [1, 40000] { policy.iterate(blockNs: block, fired: [0], pollList: [0]) }
            XCTAssertEqual(policy.pollBudget(pollList: []), .max)
            XCTAssertEqual(policy.contextPollNs, .max)
            XCTAssertEqual(policy.sleepBeforePolling(), 0)
            XCTAssertEqual(policy.adjustments, 0)
            policy.setParameters(.pollWeightMerged)
            XCTAssertEqual(policy.pollBudget(pollList: [0]), .max)
        }
    }

    func testHybridSleepsHalfTheEstimateThenPollsUpToTheCap() {
        var policy = PollPolicy(kind: .hybrid, parameters: .qemuClassic, handlerCount: 2)
        XCTAssertEqual(policy.sleepBeforePolling(), 0, "no sample yet: poll right away")
        XCTAssertNil(policy.hybridEstimateNs)
        XCTAssertEqual(policy.pollBudget(pollList: [0]), 32768)
        XCTAssertEqual(policy.contextPollNs, 32768)

        policy.iterate(blockNs: 10000, fired: [0], pollList: [0])
        XCTAssertEqual(policy.hybridEstimateNs, 10000, "first sample taken as is")
        XCTAssertEqual(policy.sleepBeforePolling(), 5000)

        // Iterations without a dispatched handler (timers, non-blocking calls) are not samples.
        policy.iterate(blockNs: 1_000_000, pollList: [0])
        XCTAssertEqual(policy.hybridEstimateNs, 10000)

        // 10000 - (10000 >> 3) + (2000 >> 3) = 10000 - 1250 + 250 = 9000.
        policy.iterate(blockNs: 2000, fired: [1], pollList: [0], offList: [1])
        XCTAssertEqual(policy.hybridEstimateNs, 9000, "a handler off the poll list is still a device event")
        XCTAssertEqual(policy.sleepBeforePolling(), 4500)

        // Several handlers in one iteration: one sample. 9000 - 1125 + 125 = 8000.
        policy.iterate(blockNs: 1000, fired: [0, 1], pollList: [0, 1])
        XCTAssertEqual(policy.hybridEstimateNs, 8000)
        XCTAssertEqual(policy.adjustments, 3)
        XCTAssertEqual(policy.resets, 0)
        XCTAssertEqual(policy.handlerPollNs(0), 0)
    }

    func testHybridWithZeroMaxNeitherSleepsNorPolls() {
        var policy = PollPolicy(kind: .hybrid, parameters: .with(maxNs: 0), handlerCount: 1)
        policy.iterate(blockNs: 10000, fired: [0], pollList: [0])
        XCTAssertEqual(policy.pollBudget(pollList: [0]), 0)
        XCTAssertEqual(policy.sleepBeforePolling(), 0)
        XCTAssertEqual(policy.adjustments, 0)
    }

    func testHybridSetParametersForgetsTheEstimate() {
        var policy = PollPolicy(kind: .hybrid, parameters: .qemuClassic, handlerCount: 1)
        policy.iterate(blockNs: 10000, fired: [0], pollList: [0])
        policy.handlerDispatched(0, onPollList: true, blockNs: 50)
        policy.setParameters(.with(maxNs: 100_000))
        XCTAssertNil(policy.hybridEstimateNs)
        XCTAssertEqual(policy.sleepBeforePolling(), 0)
        XCTAssertEqual(policy.pollBudget(pollList: [0]), 100_000)
        policy.iterationFinished(blockNs: 50, pollList: [0])
        XCTAssertNil(policy.hybridEstimateNs, "the dispatch before the reset is forgotten too")
        policy.iterate(blockNs: 600, fired: [0], pollList: [0])
        XCTAssertEqual(policy.hybridEstimateNs, 600)
        XCTAssertEqual(policy.adjustments, 2, "counters survive the reset")
    }

    func testKindAndParametersAreReported() {
        for kind in PolicyKind.allCases {
            let policy = PollPolicy(kind: kind, parameters: .pollWeightMerged, handlerCount: 4)
            XCTAssertEqual(policy.kind, kind)
            XCTAssertEqual(policy.parameters, .pollWeightMerged)
            XCTAssertEqual(policy.handlerCount, 4)
        }
    }

    func testEveryPolicyButBusyHasNoBudgetWhenMaxIsZero() {
        for kind in PolicyKind.allCases where kind != .busy {
            var policy = PollPolicy(kind: kind, parameters: .with(maxNs: 0), handlerCount: 2)
            for block: Int64 in [1, 4001, 8001, 100] { policy.iterate(blockNs: block, fired: [0, 1], pollList: [0, 1]) }
            XCTAssertEqual(policy.pollBudget(pollList: [0, 1]), 0, "\(kind)")
            XCTAssertEqual(policy.sleepBeforePolling(), 0, "\(kind)")
        }
    }
}
