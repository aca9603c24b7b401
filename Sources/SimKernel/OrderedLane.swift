/// A FIFO of pending events whose (time, sequence) keys were pushed in increasing order, so its head is its earliest
/// event: pushing and popping cost O(1) instead of a heap's O(log n). `Simulation` keeps a few of them beside its
/// heap for events that a model schedules in time order (for example completions that leave a FIFO server), and
/// delivers from whichever of heap and lanes holds the earliest key, so the delivery order is exactly the heap-only
/// order. An event that would break a lane's order goes to the heap instead (`Simulation.schedule(_:at:lane:)`).
///
/// Keys are `EventQueue` order keys (128 bits: the biased time, then the sequence), so that `Simulation` compares a
/// lane's head with the heap's top in one unsigned comparison.
///
/// Invariants: the `count` entries start at `head` and wrap around a ring of `mask + 1` slots (a power of two), and
/// `count <= mask`, so the ring always has a free slot; their keys increase from head to tail; the slot after the
/// tail, `keys[(head + count) & mask]`, holds `UInt128.max` (a key no event has); `headKey == keys[head]`, which is
/// therefore the head's key, or `UInt128.max` when the lane is empty; `lastTime` is the tail's time (or `SimTime.min`
/// when nothing was ever pushed).
@usableFromInline
struct OrderedLane<Event>: ~Copyable {
    @usableFromInline var keys: UnsafeMutablePointer<UInt128>
    @usableFromInline var events: UnsafeMutablePointer<Event>
    @usableFromInline var mask: Int
    @usableFromInline var head = 0
    @usableFromInline var count = 0
    @usableFromInline var lastTime = SimTime.min
    /// The head's key, `UInt128.max` when empty: kept beside the ring so that choosing the earliest source, once per
    /// delivered event, reads two words rather than indexing the ring (the sentinel after the tail makes refreshing
    /// it on a pop one unconditional load).
    @usableFromInline var headKey = UInt128.max

    @usableFromInline init() {
        mask = 15
        keys = .allocate(capacity: mask + 1)
        events = .allocate(capacity: mask + 1)
        keys[0] = .max
    }

    @inlinable deinit {
        for i in 0..<count { (events + ((head + i) & mask)).deinitialize(count: 1) }
        keys.deallocate()
        events.deallocate()
    }

    /// Appends an event; the caller guarantees `time >= lastTime` and a sequence above every one in the lane.
    @inlinable @inline(__always)
    mutating func append(_ event: Event, at time: SimTime, sequence: UInt64) {
        if _slowPath(count == mask) { grow() }
        let slot = (head &+ count) & mask
        let key = EventQueue<Event>.key(time, sequence)
        keys[slot] = key
        keys[(slot &+ 1) & mask] = .max
        (events + slot).initialize(to: event)
        count &+= 1
        lastTime = time
        // The new key is the head's if the lane was empty (headKey was .max); otherwise the head's key is earlier.
        // Computed, not reloaded from `keys`: a 16-byte load of the key just stored as two words cannot be forwarded
        // from the store buffer and stalls.
        headKey = Swift.min(headKey, key)
    }

    /// Removes the head (the lane must not be empty).
    @inlinable @inline(__always)
    mutating func removeFirst() -> Event {
        let event = (events + head).move()
        head = (head &+ 1) & mask
        count &-= 1
        headKey = keys[head]
        return event
    }

    @usableFromInline @inline(never)
    mutating func grow() {
        let capacity = 2 * (mask + 1)
        let newKeys = UnsafeMutablePointer<UInt128>.allocate(capacity: capacity)
        let newEvents = UnsafeMutablePointer<Event>.allocate(capacity: capacity)
        for i in 0..<count {
            let slot = (head + i) & mask
            newKeys[i] = keys[slot]
            (newEvents + i).moveInitialize(from: events + slot, count: 1)
        }
        newKeys[count] = .max
        keys.deallocate()
        events.deallocate()
        keys = newKeys
        events = newEvents
        mask = capacity - 1
        head = 0
    }
}
