import XCTest
@testable import SimKernel

/// The event queue's storage (a noncopyable owner of a buffer addressed through raw pointers) and the hold model the
/// kernel benchmark runs. No timing assertions here, ever: speed is measured by `pollsim bench kernel`.
final class EventQueueTests: XCTestCase {
    /// The hold-model recipe of Sources/HoldModelReference/include/hold_model.h on a naive pending set (linear scan
    /// for the minimum): the pop order every implementation must reproduce.
    private func naiveHoldModel(pending: Int, operations: Int, increments: [Int64]) -> [(SimTime, Int32)] {
        var entries: [(time: SimTime, sequence: UInt64, token: Int32)] = []
        var sequence: UInt64 = 0
        for k in 0..<pending {
            entries.append((increments[k % increments.count], sequence, Int32(k)))
            sequence += 1
        }
        var popped: [(SimTime, Int32)] = []
        for i in 0..<operations {
            let index = entries.indices.min { a, b in
                (entries[a].time, entries[a].sequence) < (entries[b].time, entries[b].sequence)
            }!
            let entry = entries.remove(at: index)
            popped.append((entry.time, entry.token))
            entries.append((entry.time + increments[i % increments.count], sequence, entry.token))
            sequence += 1
        }
        return popped
    }

    /// Small increments with many repeats, so that ties on time (FIFO by sequence) are frequent.
    private func increments(count: Int, seed: UInt64) -> [Int64] {
        var rng = SplitMixForTest(seed: seed)
        return (0..<count).map { _ in Int64(rng.next() % 8) }
    }

    func testHoldModelOnEventQueueMatchesNaiveReference() {
        for pending in [1, 2, 3, 10, 100] {
            let table = increments(count: 97, seed: UInt64(pending))
            let expected = naiveHoldModel(pending: pending, operations: 2_000, increments: table)
            var queue = EventQueue<Int32>(reservingCapacity: 0)
            for k in 0..<pending { queue.push(Int32(k), at: table[k % table.count]) }
            for i in 0..<expected.count {
                guard let (time, _, token) = queue.popMin() else { return XCTFail("queue ran empty") }
                XCTAssertEqual(time, expected[i].0, "pending \(pending), operation \(i)")
                XCTAssertEqual(token, expected[i].1, "pending \(pending), operation \(i)")
                queue.push(token, at: time + table[i % table.count])
            }
            XCTAssertEqual(queue.count, pending)
        }
    }

    func testHoldModelOnSimulationMatchesNaiveReference() {
        let pending = 50
        let table = increments(count: 61, seed: 99)
        let expected = naiveHoldModel(pending: pending, operations: 3_000, increments: table)
        var sim = Simulation<Int32>(reservingCapacity: 1)
        for k in 0..<pending { sim.schedule(Int32(k), at: table[k % table.count]) }
        for i in 0..<expected.count {
            guard let token = sim.next(until: .max) else { return XCTFail("simulation ran out of events") }
            XCTAssertEqual(sim.now, expected[i].0, "operation \(i)")
            XCTAssertEqual(token, expected[i].1, "operation \(i)")
            sim.schedule(token, after: table[i % table.count])
        }
    }

    // The queue and the simulation are noncopyable (`~Copyable`): sharing a buffer between two values is a compile
    // error, so there is no copy-on-write to test. What can happen is a move; the moved-to value owns everything.

    func testMovedQueueKeepsItsEventsAndGrows() {
        var original = EventQueue<Int>(reservingCapacity: 4)
        for i in 0..<20 { original.push(i, at: SimTime(100 - i)) }
        var moved = consume original
        XCTAssertEqual(moved.popMin()?.event, 19)
        for i in 0..<50 { moved.push(1_000 + i, at: SimTime(i)) }
        XCTAssertEqual(moved.count, 69)
        var drained: [Int] = []
        while let entry = moved.popMin() { drained.append(entry.event) }
        XCTAssertEqual(drained, Array(1_000..<1_050) + Array((0..<19).reversed()))
    }

    func testMovedSimulationKeepsClockAndEvents() {
        var a = Simulation<Int>()
        a.schedule(1, at: 10)
        a.schedule(2, at: 20)
        XCTAssertEqual(a.next(until: 100), 1)
        var b = consume a
        XCTAssertEqual(b.now, 10)
        XCTAssertEqual(b.pendingCount, 1)
        XCTAssertEqual(b.next(until: 100), 2)
        XCTAssertNil(b.next(until: 100))
        XCTAssertEqual(b.now, 100)
    }

    /// siftDown chooses the smaller child with a 128-bit comparison; it must be the (time, sequence) order exactly,
    /// negative and extreme times included.
    func testBranchFreeOrderIsTheLexicographicOrder() {
        var rng = SplitMixForTest(seed: 11)
        let times: [SimTime] = [.min, .min + 1, -1_000, -1, 0, 1, 2, 1_000, .max - 1, .max]
        let sequences: [UInt64] = [0, 1, 2, UInt64(Int64.max), .max - 1, .max]
        var pairs: [(SimTime, UInt64)] = []
        for time in times { for sequence in sequences { pairs.append((time, sequence)) } }
        for _ in 0..<200 { pairs.append((SimTime(bitPattern: rng.next()), rng.next() % 4)) }
        for a in pairs {
            for b in pairs {
                XCTAssertEqual(EventQueue<Int>.key(a.0, a.1) < EventQueue<Int>.key(b.0, b.1),
                               EventQueue<Int>.precedes(a.0, a.1, b.0, b.1), "\(a) vs \(b)")
            }
        }
    }

    /// Events scheduled in lanes come out in exactly the order they would from the heap alone: (time, sequence),
    /// whether a lane took them or, out of order, the heap did; cancelled lane events are dropped.
    func testLanesDeliverInHeapOrder() {
        var rng = SplitMixForTest(seed: 5)
        var plain = Simulation<Int>(reservingCapacity: 1)
        var laned = Simulation<Int>(reservingCapacity: 1)
        var cancelledEvents = Set<Int>()
        var delivered: [(SimTime, Int)] = []
        var expected: [(SimTime, Int)] = []
        var next = 0
        for round in 0..<20_000 {
            if round % 3 == 0 || round >= 15_000 {
                // Every pending event is at most 50 ns ahead; with none, next(until:) moves the clock to the limit.
                let a = laned.next(until: laned.now + 64)
                let b = plain.next(until: plain.now + 64)
                if let a { delivered.append((laned.now, a)) }
                if let b { expected.append((plain.now, b)) }
                continue
            }
            // Mostly increasing times per lane (the lanes' purpose), sometimes not (they fall back to the heap).
            let lane = Int(rng.next() % UInt64(Simulation<Int>.laneCount + 1)) - 1  // -1: heap
            let delay = SimTime(rng.next() % (rng.next() % 4 == 0 ? 50 : 8))
            let time = laned.now + delay
            let event = next
            next += 1
            let handleA = lane < 0 ? laned.schedule(event, at: time) : laned.schedule(event, at: time, lane: lane)
            let handleB = plain.schedule(event, at: time)
            XCTAssertEqual(handleA, handleB, "lanes share the heap's sequence numbers")
            if rng.next() % 50 == 0 {
                laned.cancel(handleA)
                plain.cancel(handleB)
                cancelledEvents.insert(event)
            }
            XCTAssertEqual(laned.pendingCount, plain.pendingCount)
        }
        XCTAssertEqual(delivered.map(\.0), expected.map(\.0))
        XCTAssertEqual(delivered.map(\.1), expected.map(\.1))
        XCTAssertTrue(delivered.allSatisfy { !cancelledEvents.contains($0.1) })
        XCTAssertGreaterThan(delivered.count, 9_000)
    }

    func testGrowsFromZeroCapacityAndKeepsOrder() {
        var queue = EventQueue<Int>(reservingCapacity: 0)
        var rng = SplitMixForTest(seed: 3)
        var times: [SimTime] = []
        for i in 0..<10_000 {
            let time = SimTime(rng.next() % 1_000)
            times.append(time)
            queue.push(i, at: time)
        }
        XCTAssertEqual(queue.count, 10_000)
        XCTAssertEqual(queue.nextTime, times.min())
        var previous: (SimTime, UInt64) = (.min, 0)
        while let (time, sequence, _) = queue.popMin() {
            XCTAssertTrue((previous.0, previous.1) < (time, sequence) || previous.0 == .min)
            previous = (time, sequence)
        }
        XCTAssertTrue(queue.isEmpty)
        XCTAssertNil(queue.nextTime)
        XCTAssertNil(queue.popMin())
    }

    /// Events that are references: every one must be released exactly once, whether popped, left in the queue when
    /// it is dropped, moved by a growth, or moved with the queue.
    func testReferenceEventsAreReleasedExactlyOnce() {
        let tracker = LiveCounter()
        do {
            var queue = EventQueue<Tracked>(reservingCapacity: 2)
            for i in 0..<300 { queue.push(Tracked(i, tracker), at: SimTime(i % 17)) }
            XCTAssertEqual(tracker.live, 300)
            for _ in 0..<100 { _ = queue.popMin() }
            XCTAssertEqual(tracker.live, 200)
            var moved = consume queue
            XCTAssertEqual(tracker.live, 200, "moving the queue neither copies nor releases events")
            for _ in 0..<50 { _ = moved.popMin() }
            XCTAssertEqual(tracker.live, 150)
            moved.push(Tracked(-1, tracker), at: 0)
            XCTAssertEqual(moved.popMin()?.event.id, -1)
            XCTAssertEqual(moved.count, 150)
            XCTAssertEqual(tracker.live, 150)
        }
        XCTAssertEqual(tracker.live, 0, "dropping the queues released every pending event")
    }

    func testStringEventsSurviveSiftsAndGrowth() {
        var queue = EventQueue<String>()
        for i in 0..<500 { queue.push(String(repeating: "x", count: i % 40) + "\(i)", at: SimTime((i * 7919) % 501)) }
        var seen = Set<Int>()
        var last = SimTime.min
        while let (time, _, event) = queue.popMin() {
            XCTAssertGreaterThanOrEqual(time, last)
            let i = Int(event.drop { $0 == "x" })!
            XCTAssertEqual(event, String(repeating: "x", count: i % 40) + "\(i)")
            XCTAssertEqual(SimTime((i * 7919) % 501), time)
            seen.insert(i)
            last = time
        }
        XCTAssertEqual(seen, Set(0..<500))
    }
}

private final class LiveCounter {
    var live = 0
}

private final class Tracked {
    let id: Int
    let counter: LiveCounter
    init(_ id: Int, _ counter: LiveCounter) {
        self.id = id
        self.counter = counter
        counter.live += 1
    }
    deinit { counter.live -= 1 }
}
