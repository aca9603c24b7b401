import XCTest
import PollingPolicy

/// QEMU ≤ 9.2's single ctx->poll_ns (reference §2a), replayed iteration by iteration.
final class ClassicPollingTests: XCTestCase {
    private func classic(_ parameters: PollParameters = .qemuClassic) -> PollPolicy {
        PollPolicy(kind: .classic, parameters: parameters, handlerCount: 2)
    }

    func testDefaultGrowthIs4000ThenDoublingUpToTheCap() {
        var policy = classic()
        XCTAssertEqual(policy.contextPollNs, 0)
        XCTAssertEqual(policy.pollBudget(pollList: [0]), 0)
        // Each block is just above the current poll_ns and below the cap: the value grows by the rule, not to the block.
        let seen = policy.contextPollNs(afterBlocks: [1, 4001, 8001, 16001, 32001, 32767])
        XCTAssertEqual(seen, [4000, 8000, 16000, 32000, 32768, 32768])
        XCTAssertEqual(policy.pollBudget(pollList: [0]), 32768)
        XCTAssertEqual(policy.adjustments, 6)
        XCTAssertEqual(policy.resets, 0)
    }

    func testBudgetIgnoresThePollListContents() {
        var policy = classic()
        _ = policy.contextPollNs(afterBlocks: [1])
        XCTAssertEqual(policy.pollBudget(pollList: []), 4000)
        XCTAssertEqual(policy.pollBudget(pollList: [0, 1]), 4000)
    }

    func testOneBlockLongerThanTheCapResetsWithDefaultShrink() {
        var policy = classic()
        _ = policy.contextPollNs(afterBlocks: [1, 4001, 8001, 16001, 32001])
        XCTAssertEqual(policy.contextPollNs, 32768)
        XCTAssertEqual(policy.contextPollNs(afterBlocks: [32769]), [0])
        XCTAssertEqual(policy.resets, 1)
        // Growth restarts from the 4000 ns seed.
        XCTAssertEqual(policy.contextPollNs(afterBlocks: [10]), [4000])
    }

    func testShrinkTwoDividesInsteadOfResetting() {
        var policy = classic(.with(shrink: 2))
        _ = policy.contextPollNs(afterBlocks: [1, 4001, 8001, 16001, 32001])
        XCTAssertEqual(policy.contextPollNs(afterBlocks: [40000, 40000, 1_000_000]), [16384, 8192, 4096])
        XCTAssertEqual(policy.resets, 0)
    }

    func testBlockWithinThePollTimeLeavesItAlone() {
        var policy = classic()
        _ = policy.contextPollNs(afterBlocks: [1, 4001])
        XCTAssertEqual(policy.contextPollNs(afterBlocks: [8000, 5, 0, 7999]), [8000, 8000, 8000, 8000])
        XCTAssertEqual(policy.adjustments, 6, "an evaluation that changes nothing still counts")
    }

    func testBlockExactlyAtTheCapLeavesItAlone() {
        var policy = classic()
        XCTAssertEqual(policy.contextPollNs(afterBlocks: [32768]), [0], "not above the cap, not below it: no grow")
        _ = policy.contextPollNs(afterBlocks: [1, 4001, 8001])
        XCTAssertEqual(policy.contextPollNs(afterBlocks: [32768]), [16000])
    }

    func testGrowOneFreezesAt4000() {
        var policy = classic(.with(grow: 1))
        XCTAssertEqual(policy.contextPollNs(afterBlocks: [30000, 30000, 30000]), [4000, 4000, 4000])
    }

    func testGrowThreeTriplesAndCaps() {
        var policy = classic(.with(grow: 3))
        XCTAssertEqual(policy.contextPollNs(afterBlocks: [30000, 30000, 30000]), [4000, 12000, 32768])
    }

    func testHugeGrowSaturatesAtTheCapInsteadOfOverflowing() {
        for grow in [Int64.max, Int64.max / 2, 1 << 50] {
            var policy = classic(.with(grow: grow))
            XCTAssertEqual(policy.contextPollNs(afterBlocks: [1, 5000, 30000]), [4000, 32768, 32768], "grow \(grow)")
        }
        var huge = classic(.with(maxNs: .max, grow: .max))
        XCTAssertEqual(huge.contextPollNs(afterBlocks: [1, 5000]), [4000, .max])
    }

    func testCapBelowTheSeedClampsTheFirstGrow() {
        var policy = classic(.with(maxNs: 1000))
        XCTAssertEqual(policy.contextPollNs(afterBlocks: [500, 999]), [1000, 1000])
    }

    func testShrinkDivisorLargerThanPollNsCountsAsAReset() {
        var policy = classic(.with(maxNs: 5000, shrink: 8192))
        XCTAssertEqual(policy.contextPollNs(afterBlocks: [1, 6000, 6000]), [4000, 0, 0])
        XCTAssertEqual(policy.adjustments, 3)
        XCTAssertEqual(policy.resets, 1, "0 -> 0 is not a reset")
    }

    func testZeroMaxDisablesEverything() {
        var policy = classic(.with(maxNs: 0))
        XCTAssertEqual(policy.contextPollNs(afterBlocks: [1, 4001, 10]), [0, 0, 0])
        XCTAssertEqual(policy.pollBudget(pollList: [0, 1]), 0)
        XCTAssertEqual(policy.adjustments, 0)
    }

    func testDispatchesAndHandlerStateAreIgnored() {
        var policy = classic()
        policy.handlerDispatched(0, onPollList: true, blockNs: 1)
        XCTAssertEqual(policy.contextPollNs, 0, "classic updates only at the end of the iteration")
        XCTAssertEqual(policy.handlerPollNs(0), 0)
        XCTAssertEqual(policy.sleepBeforePolling(), 0)
    }

    func testSetParametersResetsPollNsAndKeepsCounting() {
        var policy = classic()
        _ = policy.contextPollNs(afterBlocks: [1, 4001, 8001, 40000, 1, 4001])
        XCTAssertEqual(policy.contextPollNs, 8000)
        XCTAssertEqual(policy.adjustments, 6)
        XCTAssertEqual(policy.resets, 1)

        policy.setParameters(.with(maxNs: 100_000, grow: 4, shrink: 2))
        XCTAssertEqual(policy.parameters, .with(maxNs: 100_000, grow: 4, shrink: 2))
        XCTAssertEqual(policy.kind, .classic)
        XCTAssertEqual(policy.contextPollNs, 0)
        XCTAssertEqual(policy.contextPollNs(afterBlocks: [1, 4001, 16001, 64001, 99999, 200_000]),
                       [4000, 16000, 64000, 100_000, 100_000, 50_000])
        XCTAssertEqual(policy.adjustments, 12)
        XCTAssertEqual(policy.resets, 1)
    }
}
