import XCTest
import PollingPolicy

/// QEMU 10.0+'s per-handler AioPolledEvent (reference §2b).
final class PerHandlerPollingTests: XCTestCase {
    private func perHandler(_ parameters: PollParameters = .qemuClassic, handlers: Int = 3) -> PollPolicy {
        PollPolicy(kind: .perHandler, parameters: parameters, handlerCount: handlers)
    }

    func testOnlyTheHandlerThatFiredChanges() {
        var policy = perHandler()
        policy.iterate(blockNs: 1000, fired: [1], pollList: [0, 1, 2])
        XCTAssertEqual((0..<3).map(policy.handlerPollNs), [0, 4000, 0])
        policy.iterate(blockNs: 5000, fired: [1], pollList: [0, 1, 2])
        policy.iterate(blockNs: 20, fired: [2], pollList: [0, 1, 2])
        XCTAssertEqual((0..<3).map(policy.handlerPollNs), [0, 8000, 4000])
        XCTAssertEqual(policy.adjustments, 3)
    }

    func testEachHandlerFollowsTheClassicSequence() {
        var policy = perHandler()
        var seen: [Int64] = []
        for block: Int64 in [1, 4001, 8001, 16001, 32001, 32767] {
            policy.iterate(blockNs: block, fired: [0], pollList: [0])
            seen.append(policy.handlerPollNs(0))
        }
        XCTAssertEqual(seen, [4000, 8000, 16000, 32000, 32768, 32768])
        policy.iterate(blockNs: 40000, fired: [0], pollList: [0])
        XCTAssertEqual(policy.handlerPollNs(0), 0)
        XCTAssertEqual(policy.resets, 1)
    }

    func testBudgetIsTheMaximumOverThePollList() {
        var policy = perHandler()
        policy.iterate(blockNs: 1, fired: [0, 1], pollList: [1, 0])
        policy.iterate(blockNs: 4001, fired: [0], pollList: [1, 0])
        XCTAssertEqual((0..<3).map(policy.handlerPollNs), [8000, 4000, 0])
        XCTAssertEqual(policy.pollBudget(pollList: [1, 0]), 8000)
        XCTAssertEqual(policy.pollBudget(pollList: [2, 1]), 4000)
        XCTAssertEqual(policy.pollBudget(pollList: [2]), 0)
        XCTAssertEqual(policy.pollBudget(pollList: []), 0)
        XCTAssertEqual(policy.contextPollNs, 8000, "context value: maximum over all handlers")
    }

    func testAHandlerOffThePollListIsNotAdjusted() {
        var policy = perHandler()
        policy.handlerDispatched(0, onPollList: false, blockNs: 1000)
        XCTAssertEqual(policy.handlerPollNs(0), 0)
        XCTAssertEqual(policy.adjustments, 0)
        // And the end of the iteration does not adjust anyone.
        policy.iterationFinished(blockNs: 1000, pollList: [0, 1, 2])
        XCTAssertEqual(policy.contextPollNs, 0)
        XCTAssertEqual(policy.adjustments, 0)
    }

    func testTheFixedOrderAdjustsANewHandlerOnItsFirstDispatch() {
        // Dispatch inserted the handler into the poll list, so after its dispatch it is on it: 4000 at once (the
        // 10.0 intermediate version, adjusting before dispatch, left it at 0 for one more event).
        var policy = perHandler()
        policy.handlerDispatched(2, onPollList: true, blockNs: 700)
        XCTAssertEqual(policy.handlerPollNs(2), 4000)
    }

    func testZeroMaxDoesNothing() {
        var policy = perHandler(.with(maxNs: 0))
        policy.iterate(blockNs: 1, fired: [0, 1], pollList: [0, 1])
        XCTAssertEqual(policy.handlerPollNs(0), 0)
        XCTAssertEqual(policy.pollBudget(pollList: [0, 1]), 0)
        XCTAssertEqual(policy.adjustments, 0)
    }

    func testContextMaximumFollowsShrinkingHandlers() {
        var policy = perHandler(.with(shrink: 2), handlers: 4)
        for _ in 0..<2 { policy.iterate(blockNs: 32001, fired: [0, 1, 2], pollList: [0, 1, 2, 3]) }
        policy.iterate(blockNs: 32001, fired: [0, 1], pollList: [0, 1, 2, 3])
        XCTAssertEqual((0..<4).map(policy.handlerPollNs), [16000, 16000, 8000, 0])
        policy.handlerDispatched(0, onPollList: true, blockNs: 50000)
        XCTAssertEqual(policy.contextPollNs, 16000, "handler 1 still holds the maximum")
        policy.handlerDispatched(1, onPollList: true, blockNs: 50000)
        XCTAssertEqual(policy.contextPollNs, 8000)
        XCTAssertEqual((0..<4).map(policy.handlerPollNs), [8000, 8000, 8000, 0])
        for id in 0..<3 { policy.handlerDispatched(id, onPollList: true, blockNs: 50000) }
        XCTAssertEqual(policy.contextPollNs, 4000)
        policy.handlerDispatched(3, onPollList: true, blockNs: 10)
        XCTAssertEqual(policy.contextPollNs, 4000)
    }

    func testSetParametersResetsEveryHandler() {
        var policy = perHandler()
        policy.iterate(blockNs: 1, fired: [0, 1, 2], pollList: [0, 1, 2])
        policy.iterate(blockNs: 4001, fired: [2], pollList: [0, 1, 2])
        policy.setParameters(.pollWeightMerged)
        XCTAssertEqual((0..<3).map(policy.handlerPollNs), [0, 0, 0])
        XCTAssertEqual(policy.contextPollNs, 0)
        XCTAssertEqual(policy.pollBudget(pollList: [0, 1, 2]), 0)
        XCTAssertEqual(policy.adjustments, 4)
        // The new shrink (2) applies from now on.
        policy.iterate(blockNs: 1, fired: [0], pollList: [0])
        policy.iterate(blockNs: 40000, fired: [0], pollList: [0])
        XCTAssertEqual(policy.handlerPollNs(0), 2000)
    }
}
