/// The simulator's entity arrays (devices, virtqueues, IOThreads, jobs, vCPUs, vhost workers, the request pool) and
/// the IOThreads' per-handler flags and lists: a growable buffer of values that are read and mutated in place, and
/// that has exactly one owner. Emptied with `removeAll`, a table keeps its buffer (a list refilled every iteration
/// allocates nothing in steady state).
///
/// Why not `Array`: the simulator keeps its entities in arrays stored in a class and mutates them in place
/// (`threads[t].cursor = x`, `devices[d].waiting.push(r)`). Every such mutation of an `Array` first checks that its
/// buffer is uniquely referenced (copy-on-write), which is a call into the Swift runtime; nested mutations check once
/// per level. In a whole-model run these checks were about 5 % of all instructions (docs/performance.md). Nothing
/// ever copies an entity array, so `EntityTable` is `~Copyable`: a second reference to its buffer cannot exist, and
/// no check is needed. Elements are reached through addressors, so a mutation writes straight into the buffer.
///
/// Elements may themselves be noncopyable (states that own an `IntFIFO`), so a state is never copied by accident.
///
/// Invariants: `base[0 ..< count]` are initialized and `base[count ..< capacity]` are not; the table frees both,
/// and deinitializes its elements, in `deinit`. Indices are bounds-checked (one unsigned comparison), as an
/// `Array`'s are.
struct EntityTable<Element: ~Copyable>: ~Copyable {
    private var base: UnsafeMutablePointer<Element>
    private(set) var count: Int
    private var capacity: Int

    init() {
        capacity = 4
        base = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
        count = 0
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    var indices: Range<Int> { 0..<count }
    var isEmpty: Bool { count == 0 }

    mutating func append(_ element: consuming Element) {
        if count == capacity {
            let newCapacity = 2 * capacity
            let new = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
            new.moveInitialize(from: base, count: count)
            base.deallocate()
            base = new
            capacity = newCapacity
        }
        (base + count).initialize(to: element)
        count += 1
    }

    /// Removes every element and keeps the buffer, so that a table refilled to the same size allocates nothing.
    mutating func removeAll() {
        base.deinitialize(count: count)
        count = 0
    }

    /// Removes the last `k` elements (at most `count`), keeping the buffer.
    mutating func removeLast(_ k: Int) {
        precondition(k >= 0 && k <= count, "cannot remove \(k) of \(count) elements")
        (base + (count - k)).deinitialize(count: k)
        count -= k
    }

    subscript(index: Int) -> Element {
        @inline(__always) unsafeAddress { pointer(to: index) }
        @inline(__always) unsafeMutableAddress { mutablePointer(to: index) }
    }

    /// The address of element `index`, bounds-checked (for types that forward their own addressors to a table).
    @inline(__always) func pointer(to index: Int) -> UnsafePointer<Element> {
        precondition(UInt(bitPattern: index) < UInt(bitPattern: count), "entity index out of range")
        return UnsafePointer(base + index)
    }

    /// The address of element `index` for writing, bounds-checked. Valid until the table next grows.
    @inline(__always) mutating func mutablePointer(to index: Int) -> UnsafeMutablePointer<Element> {
        precondition(UInt(bitPattern: index) < UInt(bitPattern: count), "entity index out of range")
        return base + index
    }

    /// The elements transformed in order (for summaries; not a `Sequence`, which a noncopyable type cannot be).
    func map<T>(_ transform: (borrowing Element) throws -> T) rethrows -> [T] {
        var result: [T] = []
        result.reserveCapacity(count)
        for index in 0..<count { result.append(try transform(base[index])) }
        return result
    }
}

extension EntityTable where Element: Copyable {
    init(repeating element: Element, count: Int) {
        self.init()
        for _ in 0..<count { append(element) }
    }
}
