import Synchronization

/// A lock-free single-producer single-consumer ring of UInt32 values in memory shared by two threads.
///
/// Invariants: `tail - head` is the number of values in the ring, between 0 and `capacity`; only the producer stores
/// `tail` (release, after writing the slot), only the consumer stores `head` (release, after reading the slot), so a
/// slot is never read and written at once. Positions are 64-bit and never wrap in practice.
final class SPSCRing: @unchecked Sendable {
    let capacity: Int
    private let mask: UInt64
    private let slots: UnsafeMutablePointer<UInt32>
    /// Consumer position.
    private let head = Atomic<UInt64>(0)
    /// Producer position.
    private let tail = Atomic<UInt64>(0)

    /// `capacity` is rounded up to a power of two.
    init(capacity: Int) {
        var size = 1
        while size < max(capacity, 2) { size <<= 1 }
        self.capacity = size
        mask = UInt64(size - 1)
        slots = .allocate(capacity: size)
        slots.initialize(repeating: 0, count: size)
    }

    deinit { slots.deallocate() }

    /// Producer: false when full.
    @inline(__always) @discardableResult
    func push(_ value: UInt32) -> Bool {
        let t = tail.load(ordering: .relaxed)
        guard t &- head.load(ordering: .acquiring) < UInt64(capacity) else { return false }
        slots[Int(t & mask)] = value
        tail.store(t &+ 1, ordering: .releasing)
        return true
    }

    /// Consumer.
    @inline(__always)
    func pop() -> UInt32? {
        let h = head.load(ordering: .relaxed)
        guard h != tail.load(ordering: .acquiring) else { return nil }
        let value = slots[Int(h & mask)]
        head.store(h &+ 1, ordering: .releasing)
        return value
    }

    /// Consumer: is there anything to pop? This is what a virtqueue's io_poll costs: two loads and a compare.
    @inline(__always)
    var isEmpty: Bool { head.load(ordering: .relaxed) == tail.load(ordering: .acquiring) }

    /// Values in the ring (either side; approximate while the other side runs).
    var count: Int { Int(tail.load(ordering: .acquiring) &- head.load(ordering: .acquiring)) }
}

/// One virtqueue: the avail ring (guest → IOThread), the used ring (IOThread → guest), the host's notification
/// suppression flag (virtio_queue_set_notification) and the ioeventfd the guest kicks.
///
/// Kick protocol (no lost wake-ups, as with virtio's flags): the guest pushes, issues a full fence, then reads
/// `suppressed` and kicks unless it is set; the IOThread's io_poll_end clears `suppressed`, issues a full fence, then
/// checks the avail ring once more (poll_set_started's final io_poll). One of the two always sees the other.
final class Virtqueue: @unchecked Sendable {
    let index: Int
    let name: String
    let avail: SPSCRing
    let used: SPSCRing
    /// Set by the IOThread while it polls this queue (io_poll_begin), cleared by io_poll_end.
    let suppressed = Atomic<Bool>(false)
    /// The ioeventfd: the guest writes it to kick, the IOThread's fd monitor watches it.
    let kickFd: Int32

    init(index: Int, name: String, capacity: Int) throws {
        self.index = index
        self.name = name
        avail = SPSCRing(capacity: capacity)
        used = SPSCRing(capacity: capacity)
        kickFd = try Sys.eventfd()
    }

    deinit { Sys.close(kickFd) }

    /// Guest side. Returns whether it kicked.
    @inline(__always)
    func guestPush(_ request: UInt32) -> Bool {
        avail.push(request)
        atomicMemoryFence(ordering: .sequentiallyConsistent)
        guard !suppressed.load(ordering: .sequentiallyConsistent) else { return false }
        Sys.eventfdWrite(kickFd)
        return true
    }

    /// io_poll_begin / io_poll_end.
    @inline(__always)
    func setNotifications(enabled: Bool) {
        suppressed.store(!enabled, ordering: .sequentiallyConsistent)
        atomicMemoryFence(ordering: .sequentiallyConsistent)
    }
}

/// What the guest wrote about one request, in the slot its id indexes. The driver thread fills the slot before
/// pushing the id (release) and the IOThread reads it after popping (acquire); `result` goes the other way through
/// the used ring; `postedAt` goes the same way through the backend ring's CQE.
struct RequestSlot {
    var job: Int32 = 0
    var queue: Int32 = 0
    var device: Int32 = 0
    var isWrite = false
    var bytes: Int32 = 0
    var offset: Int64 = 0
    /// Guest submission time (CLOCK_MONOTONIC ns).
    var issuedAt: Int64 = 0
    /// Backend result: bytes transferred, or -errno.
    var result: Int32 = 0
    /// Synthetic device: when the device model posted the completion (CLOCK_MONOTONIC ns).
    var postedAt: Int64 = 0
    /// Synthetic device, measured window: when the IOThread prepared the request's MSG_RING to the device model,
    /// just before its submission (0: not stamped).
    var deviceSubmittedAt: Int64 = 0
    /// Measured window: when the IOThread pushed the completion onto the used ring (0: not stamped).
    var usedPushedAt: Int64 = 0
}

/// The request slots shared by the driver thread and the IOThread, with an aligned data buffer per slot for the
/// file backend. Heap memory that never moves: the kernel reads and writes the buffers.
final class RequestTable: @unchecked Sendable {
    let count: Int
    let slots: UnsafeMutablePointer<RequestSlot>
    let buffers: UnsafeMutableRawPointer?
    let bufferBytes: Int

    init(count: Int, bufferBytes: Int, alignment: Int) throws {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: RequestSlot(), count: count)
        self.bufferBytes = bufferBytes
        buffers = bufferBytes > 0 ? try Sys.alignedAllocate(bytes: bufferBytes * count, alignment: alignment) : nil
    }

    deinit {
        slots.deallocate()
        if let buffers { Sys.free(buffers) }
    }

    @inline(__always)
    func buffer(_ id: Int) -> UnsafeMutableRawPointer { buffers! + id * bufferBytes }
}
