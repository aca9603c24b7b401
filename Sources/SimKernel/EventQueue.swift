/// Simulated time: a count of nanoseconds since the start of the run.
///
/// Integer nanoseconds keep event order exact: two runs can never disagree about which of two events came first
/// because of floating-point rounding.
public typealias SimTime = Int64

/// A pending-event set ordered by (time, insertion sequence): a 4-ary min-heap of keys kept in one contiguous
/// buffer, with the events beside it in a slab of slots (each heap entry names its event's slot).
///
/// Events are values (`Event` is typically a small enum), so a steady-state run performs no heap allocation per
/// event: the buffers grow (doubling) to the peak number of pending events and then stay put. The heap holds only
/// (time, sequence, slot), three words, so the sift loops move 24 bytes per level rather than the whole event (the
/// simulator's `ModelEvent` made a 48-byte entry; moving the keys alone cut a whole-model run by about 2.5 %).
///
/// Invariants, kept by `siftUp`/`siftDown`:
/// - heap order: for every index `i > 0`, entry `(i - 1) / 4` precedes entry `i`;
/// - "precedes" is the strict total order on (`time`, `sequence`), which is the order of the entries' 128-bit keys
///   (`orderKey`); sequences are unique, so no two entries tie and events scheduled for the same instant come out in
///   the order they were scheduled (FIFO tie-break);
/// - `elements[0 ..< count]` are the heap; their slots are distinct, and exactly those slots of `events` are
///   initialized; the other `capacity - count` slots are listed once each in `freeSlots[0 ..< capacity - count]`;
/// - the queue owns its buffers alone (it is `~Copyable`, so no other value can reach them) and frees them, with any
///   pending events, in `deinit`.
///
/// `EventQueue` is noncopyable: a queue can be moved (`consume`) or borrowed, never copied. An earlier version was a
/// copy-on-write value type; that cost a uniqueness check (a Swift runtime call) on every push and every pop, about
/// 6 % of a whole-model run (docs/performance.md), and nothing ever copied a queue. Noncopyable ownership gives the
/// same safety (no two values share a buffer) with no check at run time.
///
/// A hand-written heap rather than swift-collections' `Heap`: on these machines it ran 15-25 % faster for the
/// hold model (platform notes, "Event-queue speed"), and the kernel's speed bounds the whole simulator's.
/// 4-ary rather than binary: sifting down is a chain of dependent loads and comparisons, and four children per node
/// halve its length; the earliest of the four is found by a tournament of independent branch-free comparisons.
/// With 48-byte entries and branchy comparisons a 4-ary heap was slower; with 24-byte keys and branch-free 128-bit
/// comparisons it beats the binary one at every size of `pollsim bench kernel` (docs/performance.md).
/// The buffer is addressed through a raw pointer rather than kept in an `Array`: with an `Array`, every element write
/// in the sift loops re-checked uniqueness (a runtime call) and bounds, and the queue ran at 0.71x the speed of the
/// same heap in C at 1000 pending events (docs/performance.md, "Kernel"; measure with `pollsim bench kernel`).
/// Indices in the loops stay in `0 ..< count` by construction.
public struct EventQueue<Event>: ~Copyable {
    /// A heap entry: the ordering key and where the event is kept. Trivial (three words), so the sift loops move
    /// 24 bytes per level whatever the size of `Event`; the events themselves stay put in `events` until popped.
    ///
    /// The time is stored with its sign bit flipped (`biasedTime`), so that the entry's order is the unsigned order
    /// of the 128-bit `orderKey` (biasedTime, sequence): every comparison is a compare and a subtract with borrow,
    /// with no conversion (flipping the bit at each comparison cost two instructions per child and level).
    @usableFromInline
    struct Entry {
        @usableFromInline var biasedTime: UInt64
        @usableFromInline var sequence: UInt64
        /// The event's slot in `events`.
        @usableFromInline var slot: Int

        @inlinable @inline(__always)
        init(time: SimTime, sequence: UInt64, slot: Int) {
            self.biasedTime = EventQueue.bias(time)
            self.sequence = sequence
            self.slot = slot
        }

        @inlinable @inline(__always) var time: SimTime { EventQueue.unbias(biasedTime) }
        @inlinable @inline(__always) var orderKey: UInt128 { EventQueue.orderKey(biasedTime, sequence) }
    }

    /// The order on entries: (time, sequence) lexicographically. The reference definition, which `orderKey` order
    /// must equal (a test checks it, extreme times included).
    @inlinable @inline(__always)
    static func precedes(_ time: SimTime, _ sequence: UInt64, _ otherTime: SimTime, _ otherSequence: UInt64) -> Bool {
        time < otherTime || (time == otherTime && sequence < otherSequence)
    }

    /// The order key of (time, sequence): unsigned 128-bit order on keys is the (time, sequence) order, compared with
    /// a compare and a subtract with borrow instead of two data-dependent branches.
    @inlinable @inline(__always)
    static func key(_ time: SimTime, _ sequence: UInt64) -> UInt128 {
        orderKey(bias(time), sequence)
    }

    @inlinable @inline(__always)
    static func orderKey(_ biasedTime: UInt64, _ sequence: UInt64) -> UInt128 {
        UInt128(biasedTime) << 64 | UInt128(sequence)
    }

    /// The time with its sign bit flipped: unsigned order on the result is signed order on times.
    @inlinable @inline(__always)
    static func bias(_ time: SimTime) -> UInt64 { UInt64(bitPattern: time) ^ (1 << 63) }

    @inlinable @inline(__always)
    static func unbias(_ biasedTime: UInt64) -> SimTime { SimTime(bitPattern: biasedTime ^ (1 << 63)) }

    /// The time of an order key.
    @inlinable @inline(__always)
    static func time(ofKey key: UInt128) -> SimTime { unbias(UInt64(truncatingIfNeeded: key >> 64)) }

    /// The heap: `capacity` entries, the first `count` initialized.
    @usableFromInline var elements: UnsafeMutablePointer<Entry>
    /// The pending events, by slot: `capacity` slots, initialized exactly where a heap entry refers to them.
    @usableFromInline var events: UnsafeMutablePointer<Event>
    /// The slots not in use, a stack: `freeSlots[0 ..< capacity - count]`.
    @usableFromInline var freeSlots: UnsafeMutablePointer<Int>
    @usableFromInline var storedCount: Int
    @usableFromInline var capacity: Int
    @usableFromInline var nextSequence: UInt64 = 0

    public init(reservingCapacity capacity: Int = 0) {
        let capacity = Swift.max(capacity, 4)
        self.capacity = capacity
        elements = UnsafeMutablePointer<Entry>.allocate(capacity: capacity)
        events = UnsafeMutablePointer<Event>.allocate(capacity: capacity)
        freeSlots = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
        // Slot 0 on top of the stack, so that a queue that never holds more than one event uses one slot.
        for i in 0..<capacity { freeSlots[i] = capacity - 1 - i }
        storedCount = 0
    }

    deinit {
        for i in 0..<storedCount { (events + elements[i].slot).deinitialize(count: 1) }
        elements.deallocate()
        events.deallocate()
        freeSlots.deallocate()
    }

    @inlinable public var count: Int { storedCount }
    @inlinable public var isEmpty: Bool { storedCount == 0 }

    /// The time of the earliest pending event, if any.
    @inlinable public var nextTime: SimTime? {
        storedCount == 0 ? nil : elements.pointee.time
    }

    /// The order key of the earliest pending event, `UInt128.max` when the queue is empty (no event has that key:
    /// its sequence would be `UInt64.max`, the 2^64-th event).
    @inlinable @inline(__always)
    var firstKey: UInt128 {
        storedCount == 0 ? .max : elements.pointee.orderKey
    }

    /// Doubles the buffers: called when they are full (no free slot). Kept out of line, so that `push` stays small.
    @usableFromInline @inline(never)
    mutating func grow() {
        let newCapacity = 2 * capacity
        let newElements = UnsafeMutablePointer<Entry>.allocate(capacity: newCapacity)
        newElements.moveInitialize(from: elements, count: storedCount)
        elements.deallocate()
        elements = newElements
        let newEvents = UnsafeMutablePointer<Event>.allocate(capacity: newCapacity)
        for i in 0..<storedCount {
            let slot = elements[i].slot
            (newEvents + slot).moveInitialize(from: events + slot, count: 1)
        }
        events.deallocate()
        events = newEvents
        // Full, so no slot was free: the new ones are capacity ..< newCapacity.
        freeSlots.deallocate()
        freeSlots = UnsafeMutablePointer<Int>.allocate(capacity: newCapacity)
        for i in 0..<(newCapacity - capacity) { freeSlots[i] = newCapacity - 1 - i }
        capacity = newCapacity
    }

    /// Takes the next sequence number without pushing (for events a `Simulation` keeps in an `OrderedLane`, which
    /// share the queue's numbering so that ties between heap and lanes break in scheduling order).
    @inlinable @inline(__always)
    mutating func takeSequence() -> UInt64 {
        let sequence = nextSequence
        nextSequence &+= 1
        return sequence
    }

    /// Inserts `event` at `time` and returns the sequence number that identifies it (for cancellation).
    @inlinable @discardableResult
    public mutating func push(_ event: Event, at time: SimTime) -> UInt64 {
        let sequence = nextSequence
        nextSequence &+= 1
        if _slowPath(storedCount == capacity) { grow() }
        let count = storedCount
        storedCount = count &+ 1
        let slot = freeSlots[capacity &- count &- 1]
        (events + slot).initialize(to: event)
        Self.siftUp(Entry(time: time, sequence: sequence, slot: slot), from: count, in: elements)
        return sequence
    }

    /// Removes and returns the earliest event with its time and sequence number.
    @inlinable
    public mutating func popMin() -> (time: SimTime, sequence: UInt64, event: Event)? {
        if storedCount == 0 { return nil }
        let first = elements.pointee
        return (first.time, first.sequence, removeFirst())
    }

    /// Removes the earliest event and returns it (the queue must not be empty). For callers that have read its key
    /// already (`firstKey`).
    @inlinable @inline(__always)
    mutating func removeFirst() -> Event {
        let count = storedCount &- 1
        storedCount = count
        let slot = elements.pointee.slot
        if count > 0 {
            Self.siftDown(elements[count], from: 0, count: count, in: elements)
        }
        freeSlots[capacity &- count &- 1] = slot
        return (events + slot).move()
    }

    /// Places `moving` into the hole at `start` (uninitialized) or above it, moving parents down into the hole.
    /// On return every slot in `0 ... start` is initialized.
    /// The comparison branches: a new event is usually later than its parent (most sift-ups stop at once), which a
    /// branch predictor learns, and the first of the two branches usually decides.
    @inlinable @inline(__always)
    static func siftUp(_ moving: Entry, from start: Int, in elements: UnsafeMutablePointer<Entry>) {
        var hole = start
        while hole > 0 {
            let parent = (hole &- 1) >> 2
            let above = elements[parent]
            guard moving.biasedTime < above.biasedTime
                || (moving.biasedTime == above.biasedTime && moving.sequence < above.sequence) else { break }
            elements[hole] = elements[parent]
            hole = parent
        }
        elements[hole] = moving
    }

    /// The earlier of entries `a` and `b`, chosen without a branch (which child is earlier is a coin toss that a
    /// branch predictor would lose half the time).
    @inlinable @inline(__always)
    static func earlier(_ a: Int, _ b: Int, in elements: UnsafeMutablePointer<Entry>) -> Int {
        elements[b].orderKey < elements[a].orderKey ? b : a
    }

    /// Places `moving` into the hole at `start` (uninitialized) or below it, among the `count` slots, moving the
    /// earliest child up into the hole. On return every slot in `0 ..< count` is initialized.
    @inlinable
    static func siftDown(_ moving: Entry, from start: Int, count: Int, in elements: UnsafeMutablePointer<Entry>) {
        var hole = start
        let key = moving.orderKey
        while true {
            // No overflow: hole < count, and count entries of at least 16 bytes fit in memory, so count < 2^60.
            let first = hole &* 4 &+ 1
            if first >= count { break }
            var child: Int
            if first &+ 3 < count {
                // All four children: a tournament of independent branch-free comparisons.
                child = earlier(earlier(first, first &+ 1, in: elements), earlier(first &+ 2, first &+ 3, in: elements),
                                in: elements)
            } else {
                child = first
                var other = first &+ 1
                while other < count {
                    child = earlier(child, other, in: elements)
                    other &+= 1
                }
            }
            guard elements[child].orderKey < key else { break }
            elements[hole] = elements[child]
            hole = child
        }
        elements[hole] = moving
    }
}
