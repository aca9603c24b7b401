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
    /// Sequences of cancelled events still in the queue. Cancellation is lazy: the entry is dropped when it reaches
    /// the front, which keeps `cancel` O(1) and costs nothing when nothing is cancelled.
    @usableFromInline var cancelled: Set<UInt64> = []

    public init(reservingCapacity capacity: Int = 1024) {
        queue = EventQueue(reservingCapacity: capacity)
    }

    /// Number of pending events, including cancelled ones not yet dropped.
    @inlinable public var pendingCount: Int { queue.count }

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
    @inlinable
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

    @inlinable
    mutating func deliverNext(notAfter limit: SimTime) -> Event? {
        while let time = queue.nextTime, time <= limit {
            let entry = queue.popMin()!
            if !cancelled.isEmpty, cancelled.remove(entry.sequence) != nil { continue }
            clock = entry.time
            delivered += 1
            return entry.event
        }
        return nil
    }
}
