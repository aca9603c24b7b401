import CGSL
import HoldModelReference
import SimKernel

/// The event type of the Swift hold model: a small enum, as a pollsim model's events are.
public enum HoldEvent: Equatable, Sendable {
    /// A held event; `token` identifies it (tokens are unique among pending events, so the sequence of popped
    /// (time, token) pairs pins down the pop order).
    case hold(token: Int32)
    /// Never scheduled; present so that the enum has the shape of a real model's event type (more than one case).
    case stop
}

/// What one hold-model run observed. Equal results mean the same events were popped in the same order.
public struct HoldResult: Equatable, Sendable, Codable {
    /// Order-sensitive hash of the popped (time, token) pairs (the same mixing as `hold_mix` in hold_model.h).
    public var checksum: UInt64
    /// Sum of the popped times (wrapping).
    public var timeSum: UInt64
    /// The last popped time: the simulated clock at the end of the run.
    public var lastTime: SimTime

    public init(checksum: UInt64, timeSum: UInt64, lastTime: SimTime) {
        self.checksum = checksum
        self.timeSum = timeSum
        self.lastTime = lastTime
    }
}

public enum HoldModelError: Error, CustomStringConvertible, Equatable {
    case invalidArgument(String)
    case queueRanEmpty(implementation: String)
    case referenceFailed(String)

    public var description: String {
        switch self {
        case .invalidArgument(let message): return "hold model: \(message)"
        case .queueRanEmpty(let implementation): return "hold model: the \(implementation) queue ran empty"
        case .referenceFailed(let message): return "hold model (C reference): \(message)"
        }
    }
}

/// The three implementations of the hold model that the benchmark compares.
public enum HoldImplementation: String, CaseIterable, Sendable, Codable {
    /// `Simulation<HoldEvent>`: `next(until:)` then `schedule(_:after:)`, the API the simulator uses.
    case simulation
    /// `EventQueue<HoldEvent>`: raw `popMin()` then `push(_:at:)`.
    case eventQueue
    /// The C `-O2` binary heap in HoldModelReference.
    case c

    public var label: String {
        switch self {
        case .simulation: return "Swift Simulation"
        case .eventQueue: return "Swift EventQueue"
        case .c: return "C -O2 heap"
        }
    }
}

/// The hold model (see hold_model.h for the exact recipe, which every implementation here follows).
///
/// The queue starts with `pending` events; each of `operations` steps pops the earliest event and re-schedules it
/// at its time plus the next precomputed increment, so the queue size stays at `pending`. Only the steps are timed;
/// filling the queue and allocating it are not.
public enum HoldModel {
    /// `count` increments in integer nanoseconds, drawn from GSL's exponential distribution with the given mean
    /// through a `RandomStream` (rounded to the nearest nanosecond, so some are 0 and exercise the FIFO tie-break).
    public static func increments(count: Int, mean: Double, seed: UInt64 = 1) throws -> [Int64] {
        guard count >= 1 else { throw HoldModelError.invalidArgument("increment count must be >= 1, got \(count)") }
        let distribution = try Distribution.exponential(mean: mean)
        let stream = RandomStream(seed: seed, entity: "bench.kernel.increments")
        return (0..<count).map { _ in Int64(distribution.sample(stream).rounded()) }
    }

    /// Runs the model once with `implementation`; returns what it observed and the wall time of the `operations`
    /// steps in nanoseconds (CLOCK_MONOTONIC).
    public static func run(_ implementation: HoldImplementation, pending: Int, operations: Int,
                           increments: [Int64]) throws -> (result: HoldResult, nanoseconds: UInt64) {
        guard pending >= 1, pending <= Int(Int32.max) else {
            throw HoldModelError.invalidArgument("pending must be in 1...\(Int32.max), got \(pending)")
        }
        guard operations >= 0 else {
            throw HoldModelError.invalidArgument("operations must be >= 0, got \(operations)")
        }
        guard !increments.isEmpty else { throw HoldModelError.invalidArgument("increments must not be empty") }
        return try increments.withUnsafeBufferPointer { table in
            switch implementation {
            case .simulation: return try runSimulation(pending: pending, operations: operations, increments: table)
            case .eventQueue: return try runEventQueue(pending: pending, operations: operations, increments: table)
            case .c: return try runReference(pending: pending, operations: operations, increments: table)
            }
        }
    }

    @inline(__always)
    static func mix(_ hash: UInt64, _ time: SimTime, _ token: Int32) -> UInt64 {
        var h = (hash ^ UInt64(bitPattern: time)) &* 0x0000_0100_0000_01B3
        h = (h ^ UInt64(UInt32(bitPattern: token))) &* 0x0000_0100_0000_01B3
        return h
    }

    static let checksumSeed: UInt64 = 0xCBF2_9CE4_8422_2325

    // The increments are read through an UnsafeBufferPointer in the timed loops, as the C code reads its array:
    // the harness's own bounds checks are not what is being measured.

    @inline(never)
    static func runSimulation(pending: Int, operations: Int, increments: UnsafeBufferPointer<Int64>) throws
        -> (result: HoldResult, nanoseconds: UInt64)
    {
        var sim = Simulation<HoldEvent>(reservingCapacity: pending + 1)
        for k in 0..<pending {
            sim.schedule(.hold(token: Int32(k)), at: increments[k % increments.count])
        }
        var checksum = checksumSeed
        var timeSum: UInt64 = 0
        var index = 0
        let start = WallClock.nanoseconds()
        for _ in 0..<operations {
            guard let event = sim.next(until: .max), case .hold(let token) = event else {
                throw HoldModelError.queueRanEmpty(implementation: "Simulation")
            }
            let now = sim.now
            checksum = mix(checksum, now, token)
            timeSum &+= UInt64(bitPattern: now)
            sim.schedule(event, after: increments[index])
            index += 1
            if index == increments.count { index = 0 }
        }
        let elapsed = WallClock.nanoseconds() &- start
        return (HoldResult(checksum: checksum, timeSum: timeSum, lastTime: operations > 0 ? sim.now : 0), elapsed)
    }

    @inline(never)
    static func runEventQueue(pending: Int, operations: Int, increments: UnsafeBufferPointer<Int64>) throws
        -> (result: HoldResult, nanoseconds: UInt64)
    {
        var queue = EventQueue<HoldEvent>(reservingCapacity: pending + 1)
        for k in 0..<pending {
            queue.push(.hold(token: Int32(k)), at: increments[k % increments.count])
        }
        var checksum = checksumSeed
        var timeSum: UInt64 = 0
        var lastTime: SimTime = 0
        var index = 0
        let start = WallClock.nanoseconds()
        for _ in 0..<operations {
            guard let (time, _, event) = queue.popMin(), case .hold(let token) = event else {
                throw HoldModelError.queueRanEmpty(implementation: "EventQueue")
            }
            checksum = mix(checksum, time, token)
            timeSum &+= UInt64(bitPattern: time)
            lastTime = time
            queue.push(event, at: time + increments[index])
            index += 1
            if index == increments.count { index = 0 }
        }
        let elapsed = WallClock.nanoseconds() &- start
        return (HoldResult(checksum: checksum, timeSum: timeSum, lastTime: lastTime), elapsed)
    }

    @inline(never)
    static func runReference(pending: Int, operations: Int, increments: UnsafeBufferPointer<Int64>) throws
        -> (result: HoldResult, nanoseconds: UInt64)
    {
        guard let queue = hold_queue_create(pending + 1) else { throw HoldModelError.referenceFailed("out of memory") }
        defer { hold_queue_destroy(queue) }
        let count = Int64(increments.count)
        guard hold_model_fill(queue, Int64(pending), increments.baseAddress, count) == 0 else {
            throw HoldModelError.referenceFailed("hold_model_fill failed")
        }
        var raw = hold_result()
        let start = WallClock.nanoseconds()
        let rc = hold_model_run(queue, Int64(operations), increments.baseAddress, count, &raw)
        let elapsed = WallClock.nanoseconds() &- start
        guard rc == 0 else { throw HoldModelError.referenceFailed("hold_model_run failed (queue ran empty?)") }
        return (HoldResult(checksum: raw.checksum, timeSum: raw.time_sum, lastTime: raw.last_time), elapsed)
    }
}
