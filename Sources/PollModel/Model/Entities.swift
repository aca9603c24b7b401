import PollingPolicy
import SimKernel

/// A host block device: `parallelism` requests in service at once (the rest wait FIFO), then a data transfer over a
/// link of `bandwidth` shared by all requests, so that large blocks saturate at the device's bandwidth.
struct DeviceState: ~Copyable {
    let config: DeviceConfig
    let parallelism: Int
    let stream: RandomSource
    /// Nanoseconds per byte on the transfer link (0 = unlimited).
    let nsPerByte: Double
    var inService = 0
    var waiting = IntFIFO()
    var linkFreeAt: SimTime = 0
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
