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

/// A free-list pool of requests, so that steady state allocates nothing: indices are reused.
struct RequestPool {
    private(set) var storage: [Request] = []
    private var free: [Int] = []

    mutating func allocate(_ request: Request) -> Int {
        if let index = free.popLast() {
            storage[index] = request
            return index
        }
        storage.append(request)
        return storage.count - 1
    }

    mutating func release(_ index: Int) { free.append(index) }

    subscript(index: Int) -> Request {
        get { storage[index] }
        set { storage[index] = newValue }
    }

    /// Requests allocated and not yet released.
    var inFlight: Int { storage.count - free.count }
}

/// A FIFO of integers on a growable ring buffer (request queues of devices and virtqueues). No allocation once it
/// has reached its peak size.
struct IntFIFO {
    private var buffer: [Int] = Array(repeating: 0, count: 8)
    private var head = 0
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func push(_ value: Int) {
        if count == buffer.count { grow() }
        buffer[(head + count) & (buffer.count - 1)] = value
        count += 1
    }

    mutating func pop() -> Int? {
        guard count > 0 else { return nil }
        let value = buffer[head]
        head = (head + 1) & (buffer.count - 1)
        count -= 1
        return value
    }

    private mutating func grow() {
        var bigger = Array(repeating: 0, count: buffer.count * 2)
        for i in 0..<count { bigger[i] = buffer[(head + i) & (buffer.count - 1)] }
        buffer = bigger
        head = 0
    }
}
