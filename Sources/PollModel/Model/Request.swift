import SimKernel

/// One guest I/O, from fio's submission to the guest seeing its completion.
struct Request {
    var job: Int = 0
    var queue: Int = 0
    var isWrite = false
    var bytes: Int = 0
    /// When the job issued it (start of guest-visible latency).
    var issuedAt: SimTime = 0
    /// Submitted synchronously (SIO): the device completion resumes the IOThread instead of posting a completion.
    var synchronous = false
}

/// A free-list pool of requests, so that steady state allocates nothing: indices are reused (most recently released
/// first). Noncopyable, like the entity tables it is built from (EntityTable.swift).
struct RequestPool: ~Copyable {
    private var storage = EntityTable<Request>()
    /// Released indices, a stack: `free[0 ..< freeCount]`.
    private var free = EntityTable<Int>()
    private var freeCount = 0

    /// Inlined: as a call, the request was written to the stack field by field and copied into the pool from there
    /// (about 25 instructions per request, docs/performance.md); inlined, its fields are stored in place.
    @inline(__always)
    mutating func allocate(_ request: Request) -> Int {
        if freeCount > 0 {
            freeCount -= 1
            let index = free[freeCount]
            storage[index] = request
            return index
        }
        storage.append(request)
        return storage.count - 1
    }

    mutating func release(_ index: Int) {
        if freeCount == free.count { free.append(index) } else { free[freeCount] = index }
        freeCount += 1
    }

    subscript(index: Int) -> Request {
        @inline(__always) unsafeAddress { storage.pointer(to: index) }
        @inline(__always) unsafeMutableAddress { storage.mutablePointer(to: index) }
    }

    /// Requests allocated and not yet released.
    var inFlight: Int { storage.count - freeCount }
}

/// A FIFO of integers on a growable ring buffer (request queues of devices and virtqueues). No allocation once it
/// has reached its peak size.
///
/// Noncopyable, and therefore so are the entity states that hold one: it owns its ring alone, so a push or pop needs
/// no copy-on-write uniqueness check (a Swift runtime call per operation when the ring was an `Array`).
/// Invariants: the capacity is a power of two (`mask + 1`); the `count` values start at `head` and wrap around.
struct IntFIFO: ~Copyable {
    private var buffer: UnsafeMutablePointer<Int>
    private var mask: Int
    private var head = 0
    private(set) var count = 0

    init() {
        mask = 7
        buffer = UnsafeMutablePointer<Int>.allocate(capacity: mask + 1)
    }

    deinit { buffer.deallocate() }

    var isEmpty: Bool { count == 0 }

    mutating func push(_ value: Int) {
        if count > mask { grow() }
        buffer[(head &+ count) & mask] = value
        count &+= 1
    }

    mutating func pop() -> Int? {
        guard count > 0 else { return nil }
        let value = buffer[head]
        head = (head &+ 1) & mask
        count &-= 1
        return value
    }

    private mutating func grow() {
        let capacity = 2 * (mask + 1)
        let bigger = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
        for i in 0..<count { bigger[i] = buffer[(head + i) & mask] }
        buffer.deallocate()
        buffer = bigger
        mask = capacity - 1
        head = 0
    }
}
