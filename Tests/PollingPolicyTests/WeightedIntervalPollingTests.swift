import XCTest
import PollingPolicy

/// The poll-weight policy (reference §3.2, §3.5): every expected value below is computed by hand from
/// adjust_block_ns, with `>>` as an arithmetic shift.
final class WeightedIntervalPollingTests: XCTestCase {
    private func pollWeight(_ parameters: PollParameters, handlers: Int = 3) -> PollPolicy {
        PollPolicy(kind: .pollWeight, parameters: parameters, handlerCount: handlers)
    }

    private func estimates(_ policy: PollPolicy) -> [Int64] {
        (0..<policy.handlerCount).map(policy.handlerPollNs)
    }

    /// RFC v1: weight 0 = shift 2, grow 0 = ×2, shrink 0 = ÷2.
    func testRFCv1Sequence() {
        var policy = pollWeight(.pollWeightRFCv1)
        let list: [HandlerID] = [0, 1]

        // First sample is block_ns itself; growth from 0 jumps straight to it (no 4000 seed).
        policy.iterate(blockNs: 10000, fired: [0], pollList: list)
        XCTAssertEqual(estimates(policy), [10000, 0, 0])
        XCTAssertEqual(policy.contextPollNs, 10000)

        // EWMA: 10000 - (10000 >> 2) + (2000 >> 2) = 10000 - 2500 + 500 = 8000; 8000 is not < 10000 / 2: no shrink.
        policy.iterate(blockNs: 2000, fired: [0], pollList: list)
        XCTAssertEqual(estimates(policy), [8000, 0, 0])
        XCTAssertEqual(policy.contextPollNs, 10000)

        // 8000 - 2000 + 100 = 6100: still not below 5000.
        policy.iterate(blockNs: 400, fired: [0], pollList: list)
        XCTAssertEqual(policy.handlerPollNs(0), 6100)
        XCTAssertEqual(policy.contextPollNs, 10000)

        // 6100 - 1525 + 0 = 4575 < 5000: halve.
        policy.iterate(blockNs: 0, fired: [0], pollList: list)
        XCTAssertEqual(policy.handlerPollNs(0), 4575)
        XCTAssertEqual(policy.contextPollNs, 5000)

        // Idle accumulation: nobody fired, handler 0 was active, so 4575 + 3000. adj stays -1: ctx untouched.
        policy.iterate(blockNs: 3000, pollList: list)
        XCTAssertEqual(estimates(policy), [7575, 0, 0])
        XCTAssertEqual(policy.contextPollNs, 5000)

        // 7575 + 30000 >= 32768: the handler resets its own estimate; ctx still untouched (no event).
        policy.iterate(blockNs: 30000, pollList: list)
        XCTAssertEqual(estimates(policy), [0, 0, 0])
        XCTAssertEqual(policy.contextPollNs, 5000)
        XCTAssertEqual(policy.resets, 1)

        // An estimate of 0 does not accumulate.
        policy.iterate(blockNs: 1000, pollList: list)
        XCTAssertEqual(estimates(policy), [0, 0, 0])
        XCTAssertEqual(policy.adjustments, 6)

        // Handler 1's first sample is over the cap: its estimate resets, adj = 0, and ctx is halved, not zeroed.
        policy.iterate(blockNs: 40000, fired: [1], pollList: list)
        XCTAssertEqual(estimates(policy), [0, 0, 0])
        XCTAssertEqual(policy.contextPollNs, 2500)
        XCTAssertEqual(policy.resets, 2)

        // adj = 20000 > 2500 * 2: grow jumps to adj.
        policy.iterate(blockNs: 20000, fired: [0], pollList: list)
        XCTAssertEqual(policy.contextPollNs, 20000)

        // Two handlers fire: 20000 - 5000 + 2000 = 17000 and a first sample of 8000; adj = max = 17000 <= 20000,
        // and 17000 is not below 10000: no change.
        policy.iterate(blockNs: 8000, fired: [0, 1], pollList: list)
        XCTAssertEqual(estimates(policy), [17000, 8000, 0])
        XCTAssertEqual(policy.contextPollNs, 20000)
        XCTAssertEqual(policy.pollBudget(pollList: list), 20000)
        XCTAssertEqual(policy.adjustments, 10)
        XCTAssertEqual(policy.resets, 2)
    }

    func testGrowMultipliesWhenThatGoesFurtherThanAdjAndCapsAtMax() {
        var policy = pollWeight(.pollWeightRFCv1)
        policy.iterate(blockNs: 10000, fired: [0], pollList: [0])
        XCTAssertEqual(policy.contextPollNs, 10000)
        // Handler 1 alone on the list, first sample over the cap: adj = 0, ctx halves.
        policy.iterate(blockNs: 40000, fired: [1], pollList: [1])
        XCTAssertEqual(policy.contextPollNs, 5000)
        // 10000 - 2500 + 0 = 7500 > 5000, but 5000 * 2 goes further.
        policy.iterate(blockNs: 0, fired: [0], pollList: [0])
        XCTAssertEqual(policy.handlerPollNs(0), 7500)
        XCTAssertEqual(policy.contextPollNs, 10000)
        // 7500 - 1875 + 15000 = 20625 > 10000 * 2: jump to adj.
        policy.iterate(blockNs: 60000, fired: [0], pollList: [0])
        XCTAssertEqual(policy.handlerPollNs(0), 20625)
        XCTAssertEqual(policy.contextPollNs, 20625)
        // 20625 - 5156 + 7500 = 22969 > 20625; 20625 * 2 = 41250 is capped at 32768.
        policy.iterate(blockNs: 30000, fired: [0], pollList: [0])
        XCTAssertEqual(policy.handlerPollNs(0), 22969)
        XCTAssertEqual(policy.contextPollNs, 32768)
    }

    func testMergedParametersSequence() {
        var policy = pollWeight(.pollWeightMerged)  // shift 3, ×2, ÷2
        policy.iterate(blockNs: 16000, fired: [0], pollList: [0])
        XCTAssertEqual(policy.contextPollNs, 16000)
        policy.iterate(blockNs: 0, fired: [0], pollList: [0])          // 16000 - 2000 + 0
        XCTAssertEqual(policy.handlerPollNs(0), 14000)
        policy.iterate(blockNs: 800, fired: [0], pollList: [0])        // 14000 - 1750 + 100
        XCTAssertEqual(policy.handlerPollNs(0), 12350)
        XCTAssertEqual(policy.contextPollNs, 16000, "12350 is not below 8000")
        policy.iterate(blockNs: 1000, pollList: [0])                   // idle: 12350 + 1000
        XCTAssertEqual(policy.handlerPollNs(0), 13350)
        policy.iterate(blockNs: 48000, fired: [0], pollList: [0])      // 13350 - 1668 + 6000 = 17682 > 16000
        XCTAssertEqual(policy.handlerPollNs(0), 17682)
        XCTAssertEqual(policy.contextPollNs, 32000, "16000 * 2 goes further than adj")
        policy.iterate(blockNs: 3_000_000, fired: [0], pollList: [0])  // 17682 - 2210 + 375000 >= cap: reset
        XCTAssertEqual(policy.handlerPollNs(0), 0)
        XCTAssertEqual(policy.contextPollNs, 16000, "adj = 0: gradual shrink")
        XCTAssertEqual(policy.adjustments, 6)
        XCTAssertEqual(policy.resets, 1)
    }

    func testWeightZeroIsShiftTwo() {
        let blocks: [Int64] = [12000, 3000, 0, 9000, 31000, 100, 77]
        var implicit = pollWeight(.with(weight: 0))
        var explicit = pollWeight(.with(weight: 2))
        var heavier = pollWeight(.with(weight: 3))
        for block in blocks {
            implicit.iterate(blockNs: block, fired: [0], pollList: [0])
            explicit.iterate(blockNs: block, fired: [0], pollList: [0])
            heavier.iterate(blockNs: block, fired: [0], pollList: [0])
            XCTAssertEqual(implicit.handlerPollNs(0), explicit.handlerPollNs(0))
            XCTAssertEqual(implicit.contextPollNs, explicit.contextPollNs)
        }
        XCTAssertNotEqual(implicit.handlerPollNs(0), heavier.handlerPollNs(0))
    }

    func testShrinkOneNeverShrinksAndGrowOneOnlyFollowsAdj() {
        var policy = pollWeight(.with(grow: 1, shrink: 1))
        policy.iterate(blockNs: 20000, fired: [0], pollList: [0])
        XCTAssertEqual(policy.contextPollNs, 20000)
        policy.iterate(blockNs: 40000, fired: [1], pollList: [1])  // adj = 0 < 20000 / 1: "divide" by 1
        XCTAssertEqual(policy.contextPollNs, 20000)
        policy.iterate(blockNs: 32000, fired: [0], pollList: [0])  // 20000 - 5000 + 8000 = 23000 > 20000 * 1
        XCTAssertEqual(policy.contextPollNs, 23000)
    }

    func testDispatchOffThePollListSetsNoEvent() {
        var policy = pollWeight(.pollWeightRFCv1)
        policy.handlerDispatched(0, onPollList: false, blockNs: 5000)
        policy.iterationFinished(blockNs: 5000, pollList: [0])
        XCTAssertEqual(policy.handlerPollNs(0), 0)
        XCTAssertEqual(policy.contextPollNs, 0)
        XCTAssertEqual(policy.adjustments, 0)
    }

    func testOnlyHandlersOnThePollListAreVisited() {
        var policy = pollWeight(.pollWeightRFCv1)
        policy.iterate(blockNs: 5000, fired: [0, 1], pollList: [0, 1])
        XCTAssertEqual(estimates(policy), [5000, 5000, 0])
        // Handler 1 left the list: it neither accumulates nor resets.
        policy.iterate(blockNs: 30000, pollList: [0])
        XCTAssertEqual(estimates(policy), [0, 5000, 0])
        // A pending event survives until the handler is visited again.
        policy.handlerDispatched(2, onPollList: true, blockNs: 100)
        policy.iterationFinished(blockNs: 100, pollList: [0])
        XCTAssertEqual(policy.handlerPollNs(2), 0)
        policy.iterationFinished(blockNs: 700, pollList: [2])
        XCTAssertEqual(policy.handlerPollNs(2), 700)
    }

    func testZeroMaxDoesNothing() {
        var policy = pollWeight(.with(maxNs: 0))
        policy.iterate(blockNs: 5000, fired: [0], pollList: [0])
        XCTAssertEqual(policy.handlerPollNs(0), 0)
        XCTAssertEqual(policy.contextPollNs, 0)
        XCTAssertEqual(policy.pollBudget(pollList: [0]), 0)
        XCTAssertEqual(policy.adjustments, 0)
    }

    func testSetParametersClearsEstimatesAndPendingEvents() {
        var policy = pollWeight(.pollWeightRFCv1)
        policy.iterate(blockNs: 9000, fired: [0, 1], pollList: [0, 1])
        policy.handlerDispatched(0, onPollList: true, blockNs: 1)
        policy.setParameters(.pollWeightMerged)
        XCTAssertEqual(estimates(policy), [0, 0, 0])
        XCTAssertEqual(policy.contextPollNs, 0)
        XCTAssertEqual(policy.adjustments, 2)
        // The event recorded before the reset is gone: nothing to sample, nothing to accumulate.
        policy.iterationFinished(blockNs: 1, pollList: [0, 1])
        XCTAssertEqual(estimates(policy), [0, 0, 0])
        XCTAssertEqual(policy.adjustments, 2)
    }

    func testHugeMaxAccumulatesWithoutOverflow() {
        var policy = pollWeight(.with(maxNs: .max, weight: 1))
        policy.iterate(blockNs: .max - 1, fired: [0], pollList: [0])
        policy.iterate(blockNs: .max, pollList: [0])  // saturates at Int64.max, which is >= the cap: reset
        XCTAssertEqual(policy.handlerPollNs(0), 0)
        XCTAssertEqual(policy.resets, 1)
    }
}
