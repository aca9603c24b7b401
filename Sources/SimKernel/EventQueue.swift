/// Simulated time: a count of nanoseconds since the start of the run.
///
/// Integer nanoseconds keep event order exact: two runs can never disagree about which of two events came first
/// because of floating-point rounding.
public typealias SimTime = Int64

/// A pending-event set ordered by (time, insertion sequence): a binary min-heap kept in one contiguous array.
///
/// Events are values (`Event` is typically a small enum), so a steady-state run performs no heap allocation per
/// event: the storage array grows to the peak number of pending events and then stays put.
///
/// Invariants, kept by `siftUp`/`siftDown`:
/// - heap order: for every index `i > 0`, `entries[(i - 1) / 2]` precedes `entries[i]`;
/// - "precedes" is the strict total order on (`time`, `sequence`); sequences are unique, so no two entries tie and
///   events scheduled for the same instant come out in the order they were scheduled (FIFO tie-break).
///
/// A hand-written heap rather than swift-collections' `Heap`: on these machines it ran 15-25 % faster for the
/// hold model (docs/performance.md), and the kernel's speed bounds the whole simulator's.
public struct EventQueue<Event> {
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
            time < other.time || (time == other.time && sequence < other.sequence)
        }
    }

    @usableFromInline var entries: [Entry] = []
    @usableFromInline var nextSequence: UInt64 = 0

    public init(reservingCapacity capacity: Int = 0) {
        entries.reserveCapacity(capacity)
    }

    @inlinable public var count: Int { entries.count }
    @inlinable public var isEmpty: Bool { entries.isEmpty }

    /// The time of the earliest pending event, if any.
    @inlinable public var nextTime: SimTime? { entries.first?.time }

    /// Inserts `event` at `time` and returns the sequence number that identifies it (for cancellation).
    @inlinable @discardableResult
    public mutating func push(_ event: Event, at time: SimTime) -> UInt64 {
        let sequence = nextSequence
        nextSequence &+= 1
        entries.append(Entry(time: time, sequence: sequence, event: event))
        siftUp(from: entries.count - 1)
        return sequence
    }

    /// Removes and returns the earliest event with its time and sequence number.
    @inlinable
    public mutating func popMin() -> (time: SimTime, sequence: UInt64, event: Event)? {
        guard !entries.isEmpty else { return nil }
        let last = entries.removeLast()
        guard !entries.isEmpty else { return (last.time, last.sequence, last.event) }
        let first = entries[0]
        entries[0] = last
        siftDown(from: 0)
        return (first.time, first.sequence, first.event)
    }

    @inlinable
    mutating func siftUp(from start: Int) {
        var child = start
        let moving = entries[child]
        while child > 0 {
            let parent = (child - 1) >> 1
            guard moving.precedes(entries[parent]) else { break }
            entries[child] = entries[parent]
            child = parent
        }
        entries[child] = moving
    }

    @inlinable
    mutating func siftDown(from start: Int) {
        let count = entries.count
        var parent = start
        let moving = entries[parent]
        while true {
            var child = 2 * parent + 1
            if child >= count { break }
            let right = child + 1
            if right < count && entries[right].precedes(entries[child]) { child = right }
            guard entries[child].precedes(moving) else { break }
            entries[parent] = entries[child]
            parent = child
        }
        entries[parent] = moving
    }
}
