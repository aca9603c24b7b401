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
///   events scheduled for the same instant come out in the order they were scheduled (FIFO tie-break).
///
/// `EventQueue` is a value type: copies share the buffer until one of them is mutated (copy-on-write).
///
/// A hand-written heap rather than swift-collections' `Heap`: on these machines it ran 15-25 % faster for the
/// hold model (platform notes, "Event-queue speed"), and the kernel's speed bounds the whole simulator's.
/// The buffer is a `ManagedBuffer` addressed through raw pointers rather than an `Array`: with an `Array`, every
/// element write in the sift loops re-checked uniqueness (a runtime call) and bounds, and the queue ran at 0.71x the
/// speed of the same heap in C at 1000 pending events; one uniqueness check per push or pop, no bounds checks inside
/// the loops and no exclusivity checks on the header bring it to about 0.9x (docs/performance.md, "Kernel"; measure
/// with `pollsim bench kernel`). Indices in the loops stay in `0 ..< count` by construction.
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
            EventQueue.precedes(time, sequence, other.time, other.sequence)
        }
    }

    /// The order on entries: (time, sequence) lexicographically. Takes the keys only, so that comparing entries in
    /// the buffer never copies (retains) their events.
    @inlinable @inline(__always)
    static func precedes(_ time: SimTime, _ sequence: UInt64, _ otherTime: SimTime, _ otherSequence: UInt64) -> Bool {
        time < otherTime || (time == otherTime && sequence < otherSequence)
    }

    @usableFromInline
    struct Header {
        /// Initialized entries: `elements[0 ..< count]`.
        @usableFromInline var count: Int
        /// Entries the buffer can hold (stored: `ManagedBuffer.capacity` asks malloc on Linux, which is slow).
        @usableFromInline var capacity: Int

        @inlinable init(count: Int, capacity: Int) {
            self.count = count
            self.capacity = capacity
        }
    }

    /// The heap's storage: a header and `capacity` tail-allocated entries, the first `count` initialized.
    @usableFromInline
    final class Storage: ManagedBuffer<Header, Entry> {
        @inlinable
        static func make(capacity: Int) -> Storage {
            let capacity = Swift.max(capacity, 4)
            let buffer = Storage.create(minimumCapacity: capacity) { _ in Header(count: 0, capacity: capacity) }
            return unsafeDowncast(buffer, to: Storage.self)
        }

        /// A new buffer with room for `capacity` entries holding copies of this one's.
        @inlinable
        func copy(capacity: Int) -> Storage {
            let new = Storage.make(capacity: capacity)
            withUnsafeMutablePointers { header, elements in
                new.withUnsafeMutablePointers { newHeader, newElements in
                    newElements.initialize(from: elements, count: header.pointee.count)
                    newHeader.pointee.count = header.pointee.count
                }
            }
            return new
        }

        /// Moves this buffer's entries into a new one of `capacity` (this one is left empty).
        @inlinable
        func moveToNew(capacity: Int) -> Storage {
            let new = Storage.make(capacity: capacity)
            withUnsafeMutablePointers { header, elements in
                new.withUnsafeMutablePointers { newHeader, newElements in
                    newElements.moveInitialize(from: elements, count: header.pointee.count)
                    newHeader.pointee.count = header.pointee.count
                }
                header.pointee.count = 0
            }
            return new
        }

        deinit {
            withUnsafeMutablePointers { header, elements in
                _ = elements.deinitialize(count: header.pointee.count)
            }
        }
    }

    @usableFromInline var storage: Storage
    @usableFromInline var nextSequence: UInt64 = 0

    public init(reservingCapacity capacity: Int = 0) {
        storage = Storage.make(capacity: capacity)
    }

    // The header is always reached through `withUnsafeMutablePointerToHeader`, never through
    // `ManagedBuffer.header`: that is a stored class property, and every access to it costs a dynamic exclusivity
    // check (a `swift_beginAccess` runtime call).

    @inlinable public var count: Int { storage.withUnsafeMutablePointerToHeader { $0.pointee.count } }
    @inlinable public var isEmpty: Bool { count == 0 }

    /// The time of the earliest pending event, if any.
    @inlinable public var nextTime: SimTime? {
        storage.withUnsafeMutablePointers { header, elements in
            header.pointee.count == 0 ? nil : elements.pointee.time
        }
    }

    /// Makes `storage` uniquely referenced with room for at least `minimumCapacity` entries.
    @inlinable
    mutating func makeUniqueAndReserve(_ minimumCapacity: Int) {
        let unique = isKnownUniquelyReferenced(&storage)
        let capacity = storage.withUnsafeMutablePointerToHeader { $0.pointee.capacity }
        if _fastPath(unique && capacity >= minimumCapacity) { return }
        let newCapacity = capacity >= minimumCapacity ? capacity : Swift.max(minimumCapacity, 2 * capacity)
        storage = unique ? storage.moveToNew(capacity: newCapacity) : storage.copy(capacity: newCapacity)
    }

    /// Inserts `event` at `time` and returns the sequence number that identifies it (for cancellation).
    @inlinable @discardableResult
    public mutating func push(_ event: Event, at time: SimTime) -> UInt64 {
        let sequence = nextSequence
        nextSequence &+= 1
        makeUniqueAndReserve(count + 1)
        storage.withUnsafeMutablePointers { header, elements in
            let count = header.pointee.count
            header.pointee.count = count + 1
            Self.siftUp(Entry(time: time, sequence: sequence, event: event), from: count, in: elements)
        }
        return sequence
    }

    /// Removes and returns the earliest event with its time and sequence number.
    @inlinable
    public mutating func popMin() -> (time: SimTime, sequence: UInt64, event: Event)? {
        if count == 0 { return nil }
        makeUniqueAndReserve(0)
        return storage.withUnsafeMutablePointers { header, elements in
            let count = header.pointee.count - 1
            header.pointee.count = count
            let first = elements.move()
            if count > 0 {
                Self.siftDown((elements + count).move(), from: 0, count: count, in: elements)
            }
            return (first.time, first.sequence, first.event)
        }
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
