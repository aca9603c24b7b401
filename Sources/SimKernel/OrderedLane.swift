/// A FIFO of pending events whose (time, sequence) keys were pushed in increasing order, so its head is its earliest
/// event: pushing and popping cost O(1) instead of a heap's O(log n). `Simulation` keeps a few of them beside its
/// heap for events that a model schedules in time order (for example completions that leave a FIFO server), and
/// delivers from whichever of heap and lanes holds the earliest key, so the delivery order is exactly the heap-only
/// order. An event that would break a lane's order goes to the heap instead (`Simulation.schedule(_:at:lane:)`).
///
/// Invariants: the `count` entries start at `head` and wrap around a ring of `mask + 1` slots (a power of two); their
/// keys increase from head to tail; `lastTime` is the tail's time (or `SimTime.min` when nothing was ever pushed).
@usableFromInline
struct OrderedLane<Event>: ~Copyable {
    @usableFromInline var times: UnsafeMutablePointer<SimTime>
    @usableFromInline var sequences: UnsafeMutablePointer<UInt64>
    @usableFromInline var events: UnsafeMutablePointer<Event>
    @usableFromInline var mask: Int
    @usableFromInline var head = 0
    @usableFromInline var count = 0
    @usableFromInline var lastTime = SimTime.min

    @usableFromInline init() {
        mask = 15
        times = .allocate(capacity: mask + 1)
        sequences = .allocate(capacity: mask + 1)
        events = .allocate(capacity: mask + 1)
    }

    @inlinable deinit {
        for i in 0..<count { (events + ((head + i) & mask)).deinitialize(count: 1) }
        times.deallocate()
        sequences.deallocate()
        events.deallocate()
    }

    /// Appends an event; the caller guarantees `time >= lastTime` and a sequence above every one in the lane.
    @inlinable @inline(__always)
    mutating func append(_ event: Event, at time: SimTime, sequence: UInt64) {
        if _slowPath(count > mask) { grow() }
        let slot = (head &+ count) & mask
        times[slot] = time
        sequences[slot] = sequence
        (events + slot).initialize(to: event)
        count &+= 1
        lastTime = time
    }

    /// Removes the head (the lane must not be empty).
    @inlinable @inline(__always)
    mutating func removeFirst() -> Event {
        let event = (events + head).move()
        head = (head &+ 1) & mask
        count &-= 1
        return event
    }

    @usableFromInline @inline(never)
    mutating func grow() {
        let capacity = 2 * (mask + 1)
        let newTimes = UnsafeMutablePointer<SimTime>.allocate(capacity: capacity)
        let newSequences = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity)
        let newEvents = UnsafeMutablePointer<Event>.allocate(capacity: capacity)
        for i in 0..<count {
            let slot = (head + i) & mask
            newTimes[i] = times[slot]
            newSequences[i] = sequences[slot]
            (newEvents + i).moveInitialize(from: events + slot, count: 1)
        }
        times.deallocate()
        sequences.deallocate()
        events.deallocate()
        times = newTimes
        sequences = newSequences
        events = newEvents
        mask = capacity - 1
        head = 0
    }
}
