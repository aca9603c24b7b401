import PollModel
import PollingPolicy
import RealLoop
import SimKernel
import XCTest

/// "For the same sequence of observations, the real loop's policy decisions equal the simulator's."
///
/// The reference below drives PollPolicy and PollList exactly as PollSimulator+AioPoll/Dispatch do (join the poll
/// list after dispatch when the thread polls, handlerDispatched with onPollList, iterationFinished with the poll list
/// members, recordPollSuccess, removeIdle). It is fed (1) random observation sequences alongside the loop's
/// decision type, and (2) the observations a real replay recorded, whose budgets must come out identical.
final class PolicyDecisionTests: XCTestCase {
    /// The simulator's use of the policy, written out from PollSimulator (IOThreadState.polls, endHandler,
    /// continueDispatch, stopPolling, removeIdleHandlers).
    struct Reference {
        var policy: PollPolicy
        var list: PollList
        let polls: Bool

        init(_ kind: PolicyKind, _ parameters: PollParameters, handlers: Int, idleRemoval: Bool) {
            policy = PollPolicy(kind: kind, parameters: parameters, handlerCount: handlers)
            list = PollList(handlerCount: handlers, idleRemoval: idleRemoval)
            polls = kind == .busy || (kind != .none && parameters.maxNs != 0)
        }

        func budget() -> Int64 { list.count > 0 ? policy.pollBudget(pollList: list.members) : 0 }

        mutating func dispatched(_ handler: HandlerID, blockNs: Int64) {
            if polls, !list.contains(handler) { list.insert(handler) }
            policy.handlerDispatched(handler, onPollList: list.contains(handler), blockNs: blockNs)
        }

        mutating func finished(blockNs: Int64) {
            policy.iterationFinished(blockNs: blockNs, pollList: list.members)
        }
    }

    static let cases: [(PolicyKind, PollParameters)] = [
        (.none, .qemuClassic), (.busy, .qemuClassic), (.classic, .qemuClassic),
        (.classic, PollParameters(maxNs: 50_000, grow: 3, shrink: 2)), (.perHandler, .qemuClassic),
        (.pollWeight, .pollWeightMerged), (.pollWeight, .pollWeightRFCv1), (.hybrid, .qemuClassic),
        (.classic, PollParameters(maxNs: 0)),
    ]

    func testRandomObservationsGiveTheSameBudgets() throws {
        for (kind, parameters) in Self.cases {
            let handlers = 5
            var loop = AioPollDecisions(kind: kind, parameters: parameters, handlerCount: handlers, idleRemoval: true)
            var reference = Reference(kind, parameters, handlers: handlers, idleRemoval: true)
            let stream = RandomStream(seed: 11, entity: "decisions:\(kind.rawValue)")
            var now: Int64 = 1_000_000
            for iteration in 0..<20_000 {
                XCTAssertEqual(loop.budget(), reference.budget(), "\(kind) iteration \(iteration)")
                XCTAssertEqual(loop.sleepBeforePolling(), reference.policy.sleepBeforePolling())
                XCTAssertEqual(loop.pollList.members, reference.list.members)
                // Polling: some handlers on the list succeed; then the idle check.
                if loop.budget() > 0 {
                    for handler in reference.list.members where stream.uniformInt(below: 3) == 0 {
                        loop.pollSucceeded(handler, pollStart: now)
                        reference.list.recordPollSuccess(handler, pollStart: now)
                    }
                    let checkAt = now + Int64(stream.uniformInt(below: 40_000))
                    XCTAssertEqual(loop.removeIdle(now: checkAt), reference.list.removeIdle(now: checkAt))
                }
                // Block time: mostly short, sometimes beyond poll-max-ns, now and then a multi-second idle gap
                // (which exercises idle removal).
                let shape = stream.uniformInt(below: 100)
                let blockNs: Int64 = shape < 70 ? Int64(stream.uniformInt(below: 40_000))
                    : shape < 99 ? Int64(stream.uniformInt(below: 2_000_000)) : 8_000_000_000
                for handler in 0..<handlers where stream.uniformInt(below: 4) == 0 {
                    loop.dispatched(handler, blockNs: blockNs)
                    reference.dispatched(handler, blockNs: blockNs)
                }
                loop.iterationFinished(blockNs: blockNs)
                reference.finished(blockNs: blockNs)
                XCTAssertEqual(loop.policy.contextPollNs, reference.policy.contextPollNs)
                XCTAssertEqual(loop.policy.adjustments, reference.policy.adjustments)
                XCTAssertEqual(loop.policy.resets, reference.policy.resets)
                now += blockNs + 2_000
            }
        }
    }

    /// A real replay records what each iteration observed; a fresh PollPolicy fed the same observations the
    /// simulator's way must produce the budget the real loop used, iteration by iteration.
    func testRealLoopBudgetsEqualThePolicyFedItsObservations() throws {
        try ReplayTests.requireIoUring()
        for kind in [PolicyKind.classic, .pollWeight, .perHandler, .none] {
            var setup = ReplaySetup(device: .synthetic)
            setup.recordDecisions = 50_000
            // iodepth 1 and a slow device: iterations alternate between polling and blocking.
            let configuration = try ReplayTests.configuration(policy: kind, iodepth: 1, runtime: 150_000_000)
            let report = try Replay.run(configuration, setup: setup)
            XCTAssertGreaterThan(report.decisions.count, 100, "\(kind)")
            var reference = Reference(kind, report.iothread.poll, handlers: report.handlerCount,
                                      idleRemoval: report.iothread.idleHandlerRemoval)
            var polled = 0
            var handled = [Int](repeating: 0, count: report.handlerCount)
            for (index, record) in report.decisions.enumerated() {
                XCTAssertEqual(record.requests.count, record.dispatched.count, "\(kind) iteration \(index)")
                for (handler, requests) in zip(record.dispatched, record.requests) { handled[handler] += requests }
                XCTAssertEqual(record.pollList, reference.list.members, "\(kind) iteration \(index)")
                XCTAssertEqual(record.budget, reference.budget(), "\(kind) iteration \(index)")
                guard record.budget == reference.budget() else { break }
                if let start = record.pollStart {
                    polled += 1
                    for handler in record.pollSuccesses { reference.list.recordPollSuccess(handler, pollStart: start) }
                    if let checkAt = record.idleCheckAt {
                        XCTAssertEqual(reference.list.removeIdle(now: checkAt), record.removed)
                    }
                }
                for handler in record.dispatched { reference.dispatched(handler, blockNs: record.blockNs) }
                reference.finished(blockNs: record.blockNs)
            }
            if kind != .none { XCTAssertGreaterThan(polled, 0, "\(kind) never polled") }
            // Queue depth 1 from the first iteration on: every request popped is completed, but at most the last.
            XCTAssertGreaterThan(handled[0], 50, "\(kind)")
            let inFlight = handled[1...].reduce(0, +) - handled[0]
            XCTAssertTrue((0...1).contains(inFlight), "\(kind): \(inFlight) requests popped and not completed")
        }
    }
}
