import PollingPolicy
import SimKernel

/// A host block device: `parallelism` requests in service at once (the rest wait FIFO), then a data transfer over a
/// link of `bandwidth` shared by all requests, so that large blocks saturate at the device's bandwidth.
/// (PollSimulator+Device.swift says how the servers are simulated.)
struct DeviceState: ~Copyable {
    let config: DeviceConfig
    let stream: RandomSource
    /// Nanoseconds per byte on the transfer link (0 = unlimited).
    let nsPerByte: Double
    /// Arrivals are scheduled in time order, so each can be handled when it is scheduled: every virtqueue on this
    /// device belongs to one IOThread, which submits at its cursor (it never goes back) with no thread-pool
    /// hand-off; vhost-blk workers, several IOThreads and aio=threads (a random hand-off) need arrival events.
    var arrivalsInOrder = false
    /// The latest arrival handled when scheduled (checks `arrivalsInOrder`).
    var lastArrival: SimTime = 0
    var servers: ServerPool
    var linkFreeAt: SimTime = 0

    init(config: DeviceConfig, parallelism: Int, stream: RandomSource, nsPerByte: Double) {
        self.config = config
        self.stream = stream
        self.nsPerByte = nsPerByte
        servers = ServerPool(parallelism: parallelism)
    }
}

/// When a device's busy servers become free, as a min-heap: a request takes the server that frees up first.
///
/// Only servers that have been used are kept (one never used has been free since time 0), and a server that is free
/// by a request's arrival is reused before another is added, so the heap holds at most as many servers as were ever
/// busy at once, however large `parallelism` is. Invariants: `freeAt[(i - 1) / 2] <= freeAt[i]` for `0 < i < count`,
/// `count <= capacity`, `count <= parallelism`; the heap's indices stay in `0 ..< count` by construction, so it is
/// reached through its raw pointer without bounds checks (it runs once per request).
struct ServerPool: ~Copyable {
    let parallelism: Int
    private var freeAt: UnsafeMutablePointer<SimTime>
    private var count = 0
    private var capacity: Int

    init(parallelism: Int) {
        self.parallelism = parallelism
        capacity = min(parallelism, 8)
        freeAt = UnsafeMutablePointer<SimTime>.allocate(capacity: capacity)
    }

    deinit { freeAt.deallocate() }

    /// Serves `duration` ns on the first server to be free at or after `arrival`; returns when that work ends.
    mutating func serve(arrival: SimTime, duration: SimTime) -> SimTime {
        if count < parallelism && (count == 0 || freeAt[0] > arrival) {
            // Every used server is busy at `arrival`, and an unused one is free: add it.
            let done = arrival + duration
            if count == capacity { grow() }
            var hole = count
            count += 1
            while hole > 0 {
                let parent = (hole - 1) / 2
                guard done < freeAt[parent] else { break }
                freeAt[hole] = freeAt[parent]
                hole = parent
            }
            freeAt[hole] = done
            return done
        }
        // The first server to be free takes the request.
        let done = max(arrival, freeAt[0]) + duration
        var hole = 0
        while true {
            var child = 2 * hole + 1
            if child >= count { break }
            if child + 1 < count && freeAt[child + 1] < freeAt[child] { child += 1 }
            guard freeAt[child] < done else { break }
            freeAt[hole] = freeAt[child]
            hole = child
        }
        freeAt[hole] = done
        return done
    }

    private mutating func grow() {
        let newCapacity = min(parallelism, 2 * capacity)
        let bigger = UnsafeMutablePointer<SimTime>.allocate(capacity: newCapacity)
        bigger.initialize(from: freeAt, count: count)
        freeAt.deallocate()
        freeAt = bigger
        capacity = newCapacity
    }
}

/// One virtqueue of a virtio disk: the vring (requests the guest made available) and its notification state.
struct VirtqueueState: ~Copyable {
    let name: String
    let device: Int
    let backend: AioBackend
    let submit: SubmitMode
    /// The IOThread and the handler this virtqueue is in that IOThread's AioContext (nil for vhost-blk).
    let thread: Int?
    let handler: HandlerID
    /// The IOThread handler that receives this queue's completions.
    let completionHandler: HandlerID
    /// The vhost worker serving this queue (vhost-blk only).
    let worker: Int?
    var avail = IntFIFO()
    /// Guest kicks are suppressed while false (QEMU's virtio_queue_set_notification(vq, 0) while polling).
    var notificationsEnabled = true
}

/// What an AioHandler in an IOThread stands for.
enum HandlerRole {
    case virtqueue(Int)
    /// A backend's completion notifier (linux-aio eventfd, io_uring CQ ring, thread-pool completion BH).
    case completions(Int)
}

/// A backend's completed-but-not-reaped requests in one IOThread.
struct CompletionQueueState: ~Copyable {
    let backend: AioBackend
    let handler: HandlerID
    var done = IntFIFO()
}

/// A guest fio job clone (one of `numjobs`).
struct JobState {
    let config: JobConfig
    let configIndex: Int
    let name: String
    let queue: Int
    let vcpu: Int
    let stream: RandomSource
    /// Open loop: requests whose arrival time has come but which wait for a free iodepth slot.
    var backlog = 0
    var inFlight = 0
}

/// A guest vCPU: a FIFO server for submission and completion work.
struct VCPUState {
    var busyUntil: SimTime = 0

    /// Runs `cost` of work as soon as the vCPU is free; returns when it finishes.
    mutating func run(_ cost: SimTime, at now: SimTime) -> SimTime {
        let start = max(now, busyUntil)
        busyUntil = start + cost
        return busyUntil
    }
}

/// A vhost-blk kernel worker: wakes on kicks and completions, processes them in order, sleeps when idle.
struct VhostWorkerState: ~Copyable {
    let stream: RandomSource
    var kicks = IntFIFO()
    var completions = IntFIFO()
    var scheduled = false
    var busyUntil: SimTime = 0
}
