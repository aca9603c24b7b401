/// Identifies a scheduled event so that it can be cancelled.
public struct EventHandle: Hashable, Sendable {
    public let sequence: UInt64

    @inlinable init(sequence: UInt64) { self.sequence = sequence }
}

/// The discrete-event kernel: a virtual clock and the pending events, nothing else.
///
/// The kernel does not call back into the model. The model pulls events one at a time with
/// `next(until:)`, handles each, and schedules more; this keeps events plain values (no closures, no captured
/// state) and lets the model's `switch` over its event enum be the whole dispatch.
///
/// Invariant: `now` never decreases. Every event is delivered at its own time, so `now` equals the time of the
/// last delivered event, or the limit passed to `next(until:)` when that limit was reached first.
///
/// Noncopyable, like the `EventQueue` it owns: a simulation's pending events have one owner.
public struct Simulation<Event>: ~Copyable {
    /// The current simulated time.
    @inlinable public var now: SimTime { clock }
    /// Events delivered so far (cancelled events are not counted).
    @inlinable public var deliveredEvents: Int { delivered }

    @usableFromInline var clock: SimTime = 0
    @usableFromInline var delivered: Int = 0

    @usableFromInline var queue: EventQueue<Event>
    /// `laneCount` FIFO lanes beside the heap (`OrderedLane`), for events a model schedules in time order.
    @usableFromInline var lane0 = OrderedLane<Event>()
    @usableFromInline var lane1 = OrderedLane<Event>()
    @usableFromInline var lane2 = OrderedLane<Event>()
    @usableFromInline var lane3 = OrderedLane<Event>()
    /// Sequences of cancelled events still in the queue. Cancellation is lazy: the entry is dropped when it reaches
    /// the front, which keeps `cancel` O(1) and costs nothing when nothing is cancelled.
    @usableFromInline var cancelled: Set<UInt64> = []

    public init(reservingCapacity capacity: Int = 1024) {
        queue = EventQueue(reservingCapacity: capacity)
    }

    /// Number of pending events, including cancelled ones not yet dropped.
    @inlinable public var pendingCount: Int { queue.count + lane0.count + lane1.count + lane2.count + lane3.count }

    /// The number of FIFO lanes, numbered from 0, that `schedule(_:at:lane:)` takes.
    public static var laneCount: Int { 4 }

    /// Runs `body` on lane `index` (0 ..< `laneCount`). Inlined: with a constant index the choice folds away.
    @inlinable @inline(__always)
    mutating func withLane<Result>(_ index: Int, _ body: (inout OrderedLane<Event>) -> Result) -> Result {
        switch index {
        case 0: return body(&lane0)
        case 1: return body(&lane1)
        case 2: return body(&lane2)
        default: return body(&lane3)
        }
    }

    /// Schedules `event` at `time` (not in the past) in FIFO lane `lane` (0 ..< `laneCount`) when that keeps the lane
    /// in time order, and in the heap otherwise. Which is only a matter of speed: events are delivered in
    /// (time, sequence) order wherever they wait. A model passes a lane for a kind of event it usually schedules in
    /// time order (completions leaving a FIFO server, a constant delay after a monotone clock); kinds that interleave
    /// out of order should not share a lane, or most of their events end up in the heap.
    /// Always inlined: callers pass a constant lane, so the choice of lane folds away and an append is a few stores.
    @inlinable @inline(__always) @discardableResult
    public mutating func schedule(_ event: Event, at time: SimTime, lane: Int) -> EventHandle {
        precondition(time >= now, "event scheduled in the past: \(time) < now \(now)")
        precondition(lane >= 0 && lane < Self.laneCount, "no lane \(lane)")
        if time >= withLane(lane, { $0.lastTime }) {
            let sequence = queue.takeSequence()
            withLane(lane) { $0.append(event, at: time, sequence: sequence) }
            return EventHandle(sequence: sequence)
        }
        return EventHandle(sequence: queue.push(event, at: time))
    }

    /// Schedules `event` at the absolute time `time`, which must not lie in the past.
    @inlinable @discardableResult
    public mutating func schedule(_ event: Event, at time: SimTime) -> EventHandle {
        precondition(time >= now, "event scheduled in the past: \(time) < now \(now)")
        return EventHandle(sequence: queue.push(event, at: time))
    }

    /// Schedules `event` `delay` nanoseconds from now.
    @inlinable @discardableResult
    public mutating func schedule(_ event: Event, after delay: SimTime) -> EventHandle {
        precondition(delay >= 0, "negative delay \(delay)")
        return EventHandle(sequence: queue.push(event, at: now + delay))
    }

    /// Cancels a pending event. Cancelling an event that was already delivered or cancelled is a no-op only if its
    /// handle is not reused, which sequences guarantee.
    @inlinable
    public mutating func cancel(_ handle: EventHandle) {
        cancelled.insert(handle.sequence)
    }

    /// Delivers the earliest pending event whose time is at or before `limit`, advancing the clock to its time.
    /// Returns `nil`, with the clock set to exactly `limit`, when no such event remains.
    @inlinable @inline(__always)
    public mutating func next(until limit: SimTime) -> Event? {
        if let event = deliverNext(notAfter: limit) { return event }
        if limit > clock { clock = limit }
        return nil
    }

    /// Runs `handle` on every event up to `limit` (inclusive), then leaves the clock at `limit`.
    public mutating func run(until limit: SimTime, _ handle: (inout Simulation<Event>, Event) -> Void) {
        while let event = next(until: limit) {
            handle(&self, event)
        }
    }

    /// Runs until no event is pending; the clock stays at the last delivered event.
    public mutating func runUntilEmpty(_ handle: (inout Simulation<Event>, Event) -> Void) {
        while let event = deliverNext(notAfter: .max) {
            handle(&self, event)
        }
    }

    /// Delivers the earliest of the heap's top and the lanes' heads, if it is not after `limit`.
    ///
    /// The sources are compared by their 128-bit order keys (an empty source's key is `UInt128.max`): the earliest
    /// lane head is chosen by a tournament of branch-free comparisons, then one branch picks heap or lane. Which
    /// source holds the earliest event is unpredictable, so fewer branches here is fewer mispredictions as well as
    /// fewer instructions.
    /// Inlined, with `next(until:)`, into the caller's event loop: as a call (it was one while the heap-only case had
    /// a path of its own), its register saves and returning the event through memory cost about 30 instructions per
    /// event of the whole model (docs/performance.md).
    @inlinable @inline(__always)
    mutating func deliverNext(notAfter limit: SimTime) -> Event? {
        while true {
            let (laneKey, lane) = Self.earlier(Self.earlier((lane0.headKey, 0), (lane1.headKey, 1)),
                                               Self.earlier((lane2.headKey, 2), (lane3.headKey, 3)))
            let heapKey = queue.firstKey
            let event: Event
            let key: UInt128
            if heapKey < laneKey {
                key = heapKey
                guard EventQueue<Event>.time(ofKey: key) <= limit else { return nil }
                event = queue.removeFirst()
            } else {
                key = laneKey
                // `key == .max`: nothing is pending at all.
                guard key != .max, EventQueue<Event>.time(ofKey: key) <= limit else { return nil }
                event = withLane(lane) { $0.removeFirst() }
            }
            if !cancelled.isEmpty, cancelled.remove(UInt64(truncatingIfNeeded: key)) != nil { continue }
            clock = EventQueue<Event>.time(ofKey: key)
            delivered &+= 1
            return event
        }
    }

    /// The earlier of two (order key, lane) pairs, chosen without a branch.
    @inlinable @inline(__always)
    static func earlier(_ a: (key: UInt128, lane: Int), _ b: (key: UInt128, lane: Int)) -> (key: UInt128, lane: Int) {
        b.key < a.key ? b : a
    }
}
