import XCTest
import PollingPolicy

/// poll_aio_handlers and remove_idle_poll_handlers (reference §4).
final class PollListTests: XCTestCase {
    private let interval = PollList.idleIntervalNs

    func testIdleIntervalIsSevenSeconds() {
        XCTAssertEqual(PollList.idleIntervalNs, 7_000_000_000)
    }

    func testInsertAtHeadAndMembership() {
        var list = PollList(handlerCount: 4, idleRemoval: true)
        XCTAssertEqual(list.count, 0)
        XCTAssertTrue(list.insert(2))
        XCTAssertTrue(list.insert(0))
        XCTAssertTrue(list.insert(1))
        XCTAssertFalse(list.insert(0), "already on the list")
        XCTAssertEqual(list.members, [1, 0, 2])
        XCTAssertEqual(list.count, 3)
        XCTAssertTrue(list.contains(0))
        XCTAssertFalse(list.contains(3))
        XCTAssertEqual(list.handlerCount, 4)
    }

    func testIdleHandlersLeaveSevenSecondsAfterTheTimeoutIsArmed() {
        var list = PollList(handlerCount: 3, idleRemoval: true)
        list.insert(0)
        list.insert(1)
        XCTAssertEqual(list.removeIdle(now: 100), [], "the first pass only arms the timeouts")
        XCTAssertEqual(list.idleDeadline(0), 100 + interval)
        XCTAssertEqual(list.idleDeadline(1), 100 + interval)
        // A handler inserted later is armed by the next pass, from that pass's now.
        list.insert(2)
        XCTAssertEqual(list.removeIdle(now: 5_000), [])
        XCTAssertEqual(list.idleDeadline(2), 5_000 + interval)
        XCTAssertEqual(list.idleDeadline(0), 100 + interval, "an armed timeout is not re-armed")

        XCTAssertEqual(list.removeIdle(now: 100 + interval - 1), [])
        XCTAssertEqual(list.removeIdle(now: 100 + interval), [1, 0], "removed in list order at now >= timeout")
        XCTAssertEqual(list.members, [2])
        XCTAssertFalse(list.contains(0))
        XCTAssertEqual(list.idleDeadline(0), 0, "the timeout is cleared on removal")
        XCTAssertEqual(list.removeIdle(now: 5_000 + interval), [2])
        XCTAssertEqual(list.count, 0)
        XCTAssertEqual(list.removeIdle(now: 10 * interval), [])
    }

    func testAPollSuccessRefreshesTheTimeout() {
        var list = PollList(handlerCount: 2, idleRemoval: true)
        list.insert(0)
        list.insert(1)
        _ = list.removeIdle(now: 0)
        list.recordPollSuccess(0, pollStart: 5_000_000_000)
        XCTAssertEqual(list.idleDeadline(0), 5_000_000_000 + interval)
        XCTAssertEqual(list.removeIdle(now: interval), [1])
        XCTAssertEqual(list.members, [0])
        XCTAssertEqual(list.removeIdle(now: 5_000_000_000 + interval - 1), [])
        XCTAssertEqual(list.removeIdle(now: 5_000_000_000 + interval), [0])
    }

    func testAPollSuccessArmsAnUnarmedTimeout() {
        var list = PollList(handlerCount: 1, idleRemoval: true)
        list.insert(0)
        list.recordPollSuccess(0, pollStart: 40)
        XCTAssertEqual(list.removeIdle(now: 50), [])
        XCTAssertEqual(list.idleDeadline(0), 40 + interval, "armed by the poll, not re-armed by the pass")
        XCTAssertEqual(list.removeIdle(now: 40 + interval), [0])
    }

    func testAPollSuccessOffTheListIsIgnored() {
        var list = PollList(handlerCount: 2, idleRemoval: true)
        list.recordPollSuccess(1, pollStart: 40)
        XCTAssertEqual(list.idleDeadline(1), 0)
    }

    func testReinsertedHandlerStartsAFreshTimeout() {
        var list = PollList(handlerCount: 1, idleRemoval: true)
        list.insert(0)
        _ = list.removeIdle(now: 0)
        XCTAssertEqual(list.removeIdle(now: interval), [0])
        XCTAssertTrue(list.insert(0))
        XCTAssertEqual(list.removeIdle(now: interval + 1), [])
        XCTAssertEqual(list.idleDeadline(0), 2 * interval + 1)
    }

    func testNeverRemovedWithoutIdleRemoval() {
        var list = PollList(handlerCount: 2, idleRemoval: false)
        list.insert(0)
        list.insert(1)
        for now in [0, interval, 10 * interval, Int64.max] {
            XCTAssertEqual(list.removeIdle(now: now), [])
        }
        XCTAssertEqual(list.members, [1, 0])
        XCTAssertEqual(list.idleDeadline(0), 0, "not even armed, as QEMU returns before the loop")
    }

    func testExplicitRemoval() {
        var list = PollList(handlerCount: 3, idleRemoval: true)
        list.insert(0)
        list.insert(1)
        list.insert(2)
        _ = list.removeIdle(now: 0)
        XCTAssertTrue(list.remove(1))
        XCTAssertFalse(list.remove(1))
        XCTAssertEqual(list.members, [2, 0])
        XCTAssertEqual(list.idleDeadline(1), 0)
    }

    func testDeadlinesSaturateNearTheEndOfTime() {
        var list = PollList(handlerCount: 1, idleRemoval: true)
        list.insert(0)
        XCTAssertEqual(list.removeIdle(now: .max - 1), [])
        XCTAssertEqual(list.idleDeadline(0), .max)
        XCTAssertEqual(list.removeIdle(now: .max), [0])
    }
}
