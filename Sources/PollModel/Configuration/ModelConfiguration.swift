import PollingPolicy
import SimKernel

/// Everything a simulation run needs, already validated and in model units (nanoseconds, bytes, counts).
/// The Scenario module builds it from YAML; tests build it directly.
public struct ModelConfiguration: Sendable, Equatable {
    public var name: String
    public var seed: UInt64
    /// Measured simulated time after the warm-up (fio's runtime).
    public var runtime: SimTime
    /// Warm-up excluded from every metric (fio's ramp_time).
    public var rampTime: SimTime
    public var profile: HostProfile
    public var guest: GuestConfig
    public var devices: [DeviceConfig]
    public var iothreads: [IOThreadConfig]
    public var disks: [DiskConfig]
    public var jobs: [JobConfig]

    public init(name: String, seed: UInt64 = 1, runtime: SimTime, rampTime: SimTime = 0,
                profile: HostProfile = .bareMetal, guest: GuestConfig = GuestConfig(),
                devices: [DeviceConfig], iothreads: [IOThreadConfig], disks: [DiskConfig], jobs: [JobConfig]) {
        self.name = name
        self.seed = seed
        self.runtime = runtime
        self.rampTime = rampTime
        self.profile = profile
        self.guest = guest
        self.devices = devices
        self.iothreads = iothreads
        self.disks = disks
        self.jobs = jobs
    }
}

/// The guest VM as far as I/O is concerned.
public struct GuestConfig: Sendable, Equatable {
    /// vCPUs that run the guest's I/O submission and completion work. Jobs are spread over them round-robin;
    /// 0 means one vCPU per job (the guest CPU is never the bottleneck).
    public var vcpus: Int
    public init(vcpus: Int = 0) { self.vcpus = vcpus }
}

/// A host block device.
public struct DeviceConfig: Sendable, Equatable {
    public var id: String
    public var readLatency: Distribution
    public var writeLatency: Distribution
    /// Bytes per second; `bs / bandwidth` is added to each service time. nil = unlimited.
    public var bandwidth: Double?
    /// Requests served at once; the rest wait in FIFO order.
    public var parallelism: Int
    /// Which CPU posts the device's completions.
    public var completionCPU: CompletionCPU

    public init(id: String, readLatency: Distribution, writeLatency: Distribution? = nil, bandwidth: Double? = nil,
                parallelism: Int = 1, completionCPU: CompletionCPU = .other) {
        self.id = id
        self.readLatency = readLatency
        self.writeLatency = writeLatency ?? readLatency
        self.bandwidth = bandwidth
        self.parallelism = parallelism
        self.completionCPU = completionCPU
    }
}

/// Which CPU runs a device's completion work: posting a completion into the backend's queue and waking the pollers
/// of its fd, and noticing the requests submitted to the device.
public enum CompletionCPU: String, Sendable, CaseIterable, Codable {
    /// A host CPU the model does not track (a real device's interrupt handler): it costs no modelled CPU anything.
    case other
    /// The vCPU of the request's job. The real loop's synthetic device runs in its guest driver's thread (the VM has
    /// two CPUs, docs/validation.md), so a completion is posted only when that thread is free, posting it costs the
    /// thread `eventfd-write` plus `fd-event-signal` when a POLL_ADD is armed on the backend's fd, and a request
    /// reaches the device only when the thread is free to notice it (finding 12).
    case vcpu
}

/// QEMU's fd monitors (util/fdmon-*.c).
public enum FdMonitorKind: String, Sendable, CaseIterable, Codable {
    case poll, epoll
    case ioUring = "io_uring"
}

/// How ready handlers are found after a wait.
public enum DispatchKind: String, Sendable, CaseIterable, Codable {
    /// The O(1) per-call ready list (QEMU 5.0+).
    case readyList = "ready-list"
    /// The pre-2020 scan of every handler after each wait.
    case scan
}

/// One IOThread: its AioContext's polling configuration.
public struct IOThreadConfig: Sendable, Equatable {
    public var id: String
    public var policy: PolicyKind
    public var poll: PollParameters
    public var fdmon: FdMonitorKind
    /// POLL_IDLE_INTERVAL_NS removal of idle handlers from the poll list (effective only with io_uring, as in QEMU).
    public var idleHandlerRemoval: Bool
    public var dispatch: DispatchKind
    /// aio-max-batch: requests per io_submit; 0 = the engine default (32).
    public var aioMaxBatch: Int

    public init(id: String, policy: PolicyKind = .classic, poll: PollParameters = .qemuClassic,
                fdmon: FdMonitorKind = .ioUring, idleHandlerRemoval: Bool = true, dispatch: DispatchKind = .readyList,
                aioMaxBatch: Int = 0) {
        self.id = id
        self.policy = policy
        self.poll = poll
        self.fdmon = fdmon
        self.idleHandlerRemoval = idleHandlerRemoval
        self.dispatch = dispatch
        self.aioMaxBatch = aioMaxBatch
    }
}

/// The host-side I/O engine behind a virtio disk (QEMU's aio= option).
public enum AioBackend: String, Sendable, CaseIterable, Codable {
    case native
    case ioUring = "io_uring"
    case threads
}

/// How the IOThread submits a request to the backend (seed 002).
public enum SubmitMode: String, Sendable, CaseIterable, Codable {
    /// Asynchronous submission (io_submit / io_uring), completion later through the backend's handler.
    case aio
    /// Synchronous preadv/pwritev in the IOThread: the thread stalls until the device completes.
    case sio
    /// Synchronous when the virtqueue holds exactly one request, asynchronous otherwise.
    case adaptive
}

/// Who processes the virtqueues.
public enum DiskArchitecture: String, Sendable, CaseIterable, Codable {
    /// QEMU's virtio-blk in an IOThread.
    case virtio
    /// vhost-blk: in-kernel workers, no userspace syscalls per request (seed 004).
    case vhostBlk = "vhost-blk"
}

/// A virtio disk as the guest sees it. `count > 1` stands for `count` identical disks id0 ... id(count-1).
public struct DiskConfig: Sendable, Equatable {
    public var id: String
    public var device: String
    /// The IOThread that runs its virtqueue handlers (ignored by vhost-blk).
    public var iothread: String?
    /// QEMU's iothread-vq-mapping (virtio-blk, QEMU 9.0+): virtqueue q runs in IOThread `mapping[q % count]`.
    /// When non-empty it replaces `iothread`.
    public var iothreadVQMapping: [String]
    public var numQueues: Int
    public var aio: AioBackend
    public var submit: SubmitMode
    public var count: Int
    public var architecture: DiskArchitecture
    /// vhost-blk kernel workers serving this disk's virtqueues (round-robin assignment).
    public var vhostWorkers: Int

    public init(id: String, device: String, iothread: String?, iothreadVQMapping: [String] = [], numQueues: Int = 1,
                aio: AioBackend = .native, submit: SubmitMode = .aio, count: Int = 1,
                architecture: DiskArchitecture = .virtio, vhostWorkers: Int = 1) {
        self.id = id
        self.device = device
        self.iothread = iothread
        self.iothreadVQMapping = iothreadVQMapping
        self.numQueues = numQueues
        self.aio = aio
        self.submit = submit
        self.count = count
        self.architecture = architecture
        self.vhostWorkers = vhostWorkers
    }
}

/// fio's rw= values.
public enum ReadWrite: String, Sendable, CaseIterable, Codable {
    case read, write, randread, randwrite, randrw, readwrite, rw
}

/// fio's rate_process.
public enum RateProcess: String, Sendable, CaseIterable, Codable {
    case linear, poisson
}

/// A guest fio job (fio's vocabulary and meanings).
public struct JobConfig: Sendable, Equatable {
    public var name: String
    /// A disk id; for a disk with count > 1, `id` means its first copy and `idN` copy N.
    public var disk: String
    public var rw: ReadWrite
    /// Percentage of reads for mixed workloads.
    public var rwmixread: Int
    public var bs: Int
    /// Requests kept in flight per job (closed loop).
    public var iodepth: Int
    public var numjobs: Int
    /// Pause between a completion and the next submission.
    public var thinktime: SimTime
    /// Open loop: target submissions per second per job (nil = closed loop at iodepth).
    public var rateIOPS: Double?
    public var rateProcess: RateProcess
    /// Replay a trace instead of generating requests from rw/bs (rw, bs, rwmixread and rate_iops are then unused).
    public var trace: TraceJobConfig?

    public init(name: String, disk: String, rw: ReadWrite = .randread, rwmixread: Int = 50, bs: Int = 4096,
                iodepth: Int = 1, numjobs: Int = 1, thinktime: SimTime = 0, rateIOPS: Double? = nil,
                rateProcess: RateProcess = .linear, trace: TraceJobConfig? = nil) {
        self.name = name
        self.disk = disk
        self.rw = rw
        self.rwmixread = rwmixread
        self.bs = bs
        self.iodepth = iodepth
        self.numjobs = numjobs
        self.thinktime = thinktime
        self.rateIOPS = rateIOPS
        self.rateProcess = rateProcess
        self.trace = trace
    }
}
