import XCTest
@testable import SimKernel

final class SimulationTests: XCTestCase {
    private enum Tagged: Equatable { case tag(Int) }

    private func drain(_ sim: inout Simulation<Tagged>, until limit: SimTime) -> [(SimTime, Int)] {
        var seen: [(SimTime, Int)] = []
        sim.run(until: limit) { sim, event in
            if case .tag(let n) = event { seen.append((sim.now, n)) }
        }
        return seen
    }

    func testEventsComeOutInTimeOrder() {
        var sim = Simulation<Tagged>()
        for (i, t) in [50, 10, 40, 20, 30].enumerated() { sim.schedule(.tag(i), at: SimTime(t)) }
        let seen = drain(&sim, until: 100)
        XCTAssertEqual(seen.map(\.0), [10, 20, 30, 40, 50])
        XCTAssertEqual(seen.map(\.1), [1, 3, 4, 2, 0])
    }

    func testSameTimeEventsRunInInsertionOrder() {
        var sim = Simulation<Tagged>()
        for i in 0..<100 { sim.schedule(.tag(i), at: 7) }
        sim.schedule(.tag(-1), at: 3)
        let seen = drain(&sim, until: 7)
        XCTAssertEqual(seen.map(\.1), [-1] + Array(0..<100))
    }

    func testEventsScheduledDuringHandlingAtTheSameTimeRunAfterEarlierOnes() {
        var sim = Simulation<Tagged>()
        sim.schedule(.tag(0), at: 5)
        sim.schedule(.tag(1), at: 5)
        var order: [Int] = []
        sim.run(until: 10) { sim, event in
            guard case .tag(let n) = event else { return }
            order.append(n)
            if n == 0 { sim.schedule(.tag(2), after: 0) }
        }
        XCTAssertEqual(order, [0, 1, 2])
    }

    func testCancelledEventsAreNeverDelivered() {
        var sim = Simulation<Tagged>()
        let keep = sim.schedule(.tag(1), at: 10)
        let drop = sim.schedule(.tag(2), at: 20)
        sim.schedule(.tag(3), at: 30)
        sim.cancel(drop)
        _ = keep
        let seen = drain(&sim, until: 100)
        XCTAssertEqual(seen.map(\.1), [1, 3])
        XCTAssertEqual(sim.deliveredEvents, 2)
    }

    func testRunUntilStopsExactlyAtTheLimit() {
        var sim = Simulation<Tagged>()
        sim.schedule(.tag(1), at: 99)
        sim.schedule(.tag(2), at: 100)
        sim.schedule(.tag(3), at: 101)
        let seen = drain(&sim, until: 100)
        XCTAssertEqual(seen.map(\.1), [1, 2], "events at the limit run, later ones do not")
        XCTAssertEqual(sim.now, 100)
        XCTAssertEqual(sim.pendingCount, 1)
        XCTAssertEqual(sim.next(until: 100_000), .tag(3))
        XCTAssertEqual(sim.now, 101)
        XCTAssertNil(sim.next(until: 100_000))
        XCTAssertEqual(sim.now, 100_000)
    }

    func testClockAdvancesToLimitWhenQueueIsEmpty() {
        var sim = Simulation<Tagged>()
        XCTAssertNil(sim.next(until: 12_345))
        XCTAssertEqual(sim.now, 12_345)
    }

    func testRunUntilEmptyLeavesClockAtLastEvent() {
        var sim = Simulation<Tagged>()
        sim.schedule(.tag(1), at: 42)
        sim.runUntilEmpty { _, _ in }
        XCTAssertEqual(sim.now, 42)
    }

    func testHeapPopsTheMinimumUnderRandomInterleaving() {
        var queue = EventQueue<Int>()
        var rng = SplitMixForTest(seed: 7)
        var pending: [(time: SimTime, sequence: UInt64)] = []
        for round in 0..<6_000 {
            if round % 3 == 2 || round >= 5_000 {
                guard let popped = queue.popMin() else { continue }
                let expected = pending.indices.min { a, b in
                    (pending[a].time, pending[a].sequence) < (pending[b].time, pending[b].sequence)
                }!
                XCTAssertEqual(popped.time, pending[expected].time)
                XCTAssertEqual(popped.sequence, pending[expected].sequence)
                pending.remove(at: expected)
            } else {
                let time = SimTime(rng.next() % 100)
                pending.append((time, queue.push(round, at: time)))
            }
        }
        XCTAssertEqual(queue.count, pending.count)
    }
}

/// A tiny deterministic generator for shuffling test inputs (not used by the simulator).
struct SplitMixForTest {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
