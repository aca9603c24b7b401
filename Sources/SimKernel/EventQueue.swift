/// Simulated time: a count of nanoseconds since the start of the run.
///
/// Integer nanoseconds keep event order exact: two runs can never disagree about which of two events came first
/// because of floating-point rounding.
public typealias SimTime = Int64

/// A pending-event set ordered by (time, insertion sequence): a binary min-heap kept in one contiguous buffer.
///
/// Events are values (`Event` is typically a small enum), so a steady-state run performs no heap allocation per
/// event: the buffer grows (doubling) to the peak number of pending events and then stays put.
///
/// Invariants, kept by `siftUp`/`siftDown`:
/// - heap order: for every index `i > 0`, entry `(i - 1) / 2` precedes entry `i`;
/// - "precedes" is the strict total order on (`time`, `sequence`); sequences are unique, so no two entries tie and
///   events scheduled for the same instant come out in the order they were scheduled (FIFO tie-break);
/// - `elements[0 ..< count]` are initialized, `elements[count ..< capacity]` are not; the queue owns the buffer
///   alone (it is `~Copyable`, so no other value can reach it) and frees it, with any pending events, in `deinit`.
///
/// `EventQueue` is noncopyable: a queue can be moved (`consume`) or borrowed, never copied. An earlier version was a
/// copy-on-write value type; that cost a uniqueness check (a Swift runtime call) on every push and every pop, about
/// 6 % of a whole-model run (docs/performance.md), and nothing ever copied a queue. Noncopyable ownership gives the
/// same safety (no two values share a buffer) with no check at run time.
///
/// A hand-written heap rather than swift-collections' `Heap`: on these machines it ran 15-25 % faster for the
/// hold model (platform notes, "Event-queue speed"), and the kernel's speed bounds the whole simulator's.
/// The buffer is addressed through a raw pointer rather than kept in an `Array`: with an `Array`, every element write
/// in the sift loops re-checked uniqueness (a runtime call) and bounds, and the queue ran at 0.71x the speed of the
/// same heap in C at 1000 pending events (docs/performance.md, "Kernel"; measure with `pollsim bench kernel`).
/// Indices in the loops stay in `0 ..< count` by construction.
public struct EventQueue<Event>: ~Copyable {
    @usableFromInline
    struct Entry {
        @usableFromInline var time: SimTime
        @usableFromInline var sequence: UInt64
        @usableFromInline var event: Event

        @inlinable init(time: SimTime, sequence: UInt64, event: Event) {
            self.time = time
            self.sequence = sequence
            self.event = event
        }

        @inlinable func precedes(_ other: Entry) -> Bool {
            EventQueue.precedes(time, sequence, other.time, other.sequence)
        }
    }

    /// The order on entries: (time, sequence) lexicographically. Takes the keys only, so that comparing entries in
    /// the buffer never copies (retains) their events.
    @inlinable @inline(__always)
    static func precedes(_ time: SimTime, _ sequence: UInt64, _ otherTime: SimTime, _ otherSequence: UInt64) -> Bool {
        time < otherTime || (time == otherTime && sequence < otherSequence)
    }

    /// The heap: `capacity` slots, the first `count` initialized.
    @usableFromInline var elements: UnsafeMutablePointer<Entry>
    @usableFromInline var storedCount: Int
    @usableFromInline var capacity: Int
    @usableFromInline var nextSequence: UInt64 = 0

    public init(reservingCapacity capacity: Int = 0) {
        self.capacity = Swift.max(capacity, 4)
        elements = UnsafeMutablePointer<Entry>.allocate(capacity: self.capacity)
        storedCount = 0
    }

    deinit {
        elements.deinitialize(count: storedCount)
        elements.deallocate()
    }

    @inlinable public var count: Int { storedCount }
    @inlinable public var isEmpty: Bool { storedCount == 0 }

    /// The time of the earliest pending event, if any.
    @inlinable public var nextTime: SimTime? {
        storedCount == 0 ? nil : elements.pointee.time
    }

    /// Doubles the buffer (at least): called when it is full. Kept out of line, so that `push` stays small.
    @usableFromInline @inline(never)
    mutating func grow() {
        let newCapacity = Swift.max(4, 2 * capacity)
        let new = UnsafeMutablePointer<Entry>.allocate(capacity: newCapacity)
        new.moveInitialize(from: elements, count: storedCount)
        elements.deallocate()
        elements = new
        capacity = newCapacity
    }

    /// Inserts `event` at `time` and returns the sequence number that identifies it (for cancellation).
    @inlinable @discardableResult
    public mutating func push(_ event: Event, at time: SimTime) -> UInt64 {
        let sequence = nextSequence
        nextSequence &+= 1
        if _slowPath(storedCount == capacity) { grow() }
        let count = storedCount
        storedCount = count &+ 1
        Self.siftUp(Entry(time: time, sequence: sequence, event: event), from: count, in: elements)
        return sequence
    }

    /// Removes and returns the earliest event with its time and sequence number.
    @inlinable
    public mutating func popMin() -> (time: SimTime, sequence: UInt64, event: Event)? {
        if storedCount == 0 { return nil }
        let count = storedCount &- 1
        storedCount = count
        let first = elements.move()
        if count > 0 {
            Self.siftDown((elements + count).move(), from: 0, count: count, in: elements)
        }
        return (first.time, first.sequence, first.event)
    }

    /// Places `moving` into the hole at `start` (uninitialized) or above it, moving parents down into the hole.
    /// On return every slot in `0 ... start` is initialized.
    @inlinable
    static func siftUp(_ moving: Entry, from start: Int, in elements: UnsafeMutablePointer<Entry>) {
        var hole = start
        while hole > 0 {
            let parent = (hole &- 1) >> 1
            guard precedes(moving.time, moving.sequence, elements[parent].time, elements[parent].sequence) else {
                break
            }
            (elements + hole).initialize(to: (elements + parent).move())
            hole = parent
        }
        (elements + hole).initialize(to: moving)
    }

    /// Places `moving` into the hole at `start` (uninitialized) or below it, among the `count` slots, moving the
    /// smaller child up into the hole. On return every slot in `0 ..< count` is initialized.
    @inlinable
    static func siftDown(_ moving: Entry, from start: Int, count: Int, in elements: UnsafeMutablePointer<Entry>) {
        var hole = start
        while true {
            // No overflow: hole < count, and count entries of at least 16 bytes fit in memory, so count < 2^60.
            var child = hole &* 2 &+ 1
            if child >= count { break }
            let right = child &+ 1
            if right < count
                && precedes(elements[right].time, elements[right].sequence,
                            elements[child].time, elements[child].sequence)
            {
                child = right
            }
            guard precedes(elements[child].time, elements[child].sequence, moving.time, moving.sequence) else { break }
            (elements + hole).initialize(to: (elements + child).move())
            hole = child
        }
        (elements + hole).initialize(to: moving)
    }
}
