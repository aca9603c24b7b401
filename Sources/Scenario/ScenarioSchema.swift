import PollModel
import PollingPolicy

/// One key a section of a scenario file accepts, with the documentation docs/scenario-format.md is generated from.
struct ScenarioKey: Sendable {
    /// What the value is, for `--set` navigation: a plain value, a nested section, a list of sections, a cost
    /// distribution, or the map of host-profile costs.
    indirect enum Shape: Sendable {
        case value
        case section(ScenarioSection)
        /// Entries are selected by `--set` with their `selector` key (id or name) or their index.
        case list(ScenarioSection, selector: String)
        case distribution
        case costs
        /// A map whose keys are the user's own names (a trace's disks), each with a plain value.
        case openMap
    }

    let key: String
    let unit: String
    let defaultValue: String
    let meaning: String
    let shape: Shape

    init(_ key: String, _ unit: String, _ defaultValue: String, _ meaning: String, shape: Shape = .value) {
        self.key = key
        self.unit = unit
        self.defaultValue = defaultValue
        self.meaning = meaning
        self.shape = shape
    }
}

/// A map in a scenario file and the keys it accepts. The builder reads only these keys and rejects every other.
struct ScenarioSection: Sendable {
    /// How the section is named in docs and error messages (`devices[]` entries are named `devices[0]`).
    let name: String
    let keys: [ScenarioKey]

    var keyNames: [String] { keys.map(\.key) }

    func key(_ name: String) -> ScenarioKey? { keys.first { $0.key == name } }
}

/// The scenario file schema: keys, units, defaults and meanings. DESIGN.md's names are kept; fio's underscore
/// spellings are used where fio has the option (ramp_time, rate_iops, rate_process), QEMU's dash spellings where QEMU
/// has it (poll-max-ns, num-queues, aio-max-batch), and dashes for pollsim's own keys. Each key has exactly one
/// spelling.
enum ScenarioSchema {
    static let guest = ScenarioSection(name: "guest", keys: [
        .init("vcpus", "integer >= 0", "0",
              "vCPUs that run the guest's I/O submission and completion work; jobs are spread over them round-robin. 0 = one vCPU per job (the guest CPU is never the bottleneck)."),
    ])

    static let device = ScenarioSection(name: "devices[]", keys: [
        .init("id", "name", "required", "Unique device id, referenced by disks' `device`."),
        .init("read-latency", "distribution", "required",
              "Service time of one read, excluding the bandwidth term. A duration (constant) or a distribution map.",
              shape: .distribution),
        .init("write-latency", "distribution", "read-latency", "Service time of one write.", shape: .distribution),
        .init("bandwidth", "bandwidth", "unlimited", "Transfer rate; `bs / bandwidth` is added to each service time."),
        .init("parallelism", "integer >= 1", "1", "Requests the device serves at once; the rest wait in FIFO order."),
        .init("completion-cpu", CompletionCPU.allCases.map(\.rawValue).joined(separator: " | "), "other",
              "The CPU that posts the device's completions: `other`, one the model does not track (a real device's interrupt); `vcpu`, the guest vCPU of the request's job, which then posts a completion only when free, pays `eventfd-write` (plus `fd-event-signal` when a POLL_ADD is armed on the backend's fd) and notices new requests only when free. `pollsim validate` sets `vcpu` for the synthetic device, which runs in the real loop's guest driver thread."),
    ])

    static let iothread = ScenarioSection(name: "iothreads[]", keys: [
        .init("id", "name", "required", "Unique IOThread id, referenced by disks' `iothread`."),
        .init("policy", PolicyKind.allCases.map(\.rawValue).joined(separator: " | "), "classic",
              "Polling policy: none (never poll), busy (poll forever), classic (QEMU <= 9.2), per-handler (QEMU 10.0+), poll-weight (the weighted-interval series), hybrid (sleep, then poll)."),
        .init("poll-max-ns", "integer ns", "32768", "QEMU's poll-max-ns: the cap of the adaptive poll budget; 0 disables polling. A plain integer of nanoseconds, as in QEMU."),
        .init("poll-grow", "integer", "0 (2 with poll-weight)", "QEMU's poll-grow: budget multiplier; 0 = the default behaviour (x2)."),
        .init("poll-shrink", "integer", "0 (2 with poll-weight)", "QEMU's poll-shrink: budget divisor; 0 = reset to 0 (classic, per-handler) or divide by 2 (poll-weight)."),
        .init("poll-weight", "integer 0...63", "0 (3 with poll-weight)", "EWMA shift of the poll-weight policy; 0 = the policy's default shift."),
        .init("fdmon", FdMonitorKind.allCases.map(\.rawValue).joined(separator: " | "), "io_uring", "QEMU's fd monitor (util/fdmon-*.c)."),
        .init("idle-handler-removal", "true | false", "true", "Remove handlers idle for POLL_IDLE_INTERVAL_NS (7 s) from the poll list; effective only with fdmon io_uring, as in QEMU."),
        .init("dispatch", DispatchKind.allCases.map(\.rawValue).joined(separator: " | "), "ready-list", "How ready handlers are found after a wait: the O(1) ready list (QEMU 5.0+) or the pre-2020 O(n) scan."),
        .init("aio-max-batch", "integer >= 0", "0", "QEMU's aio-max-batch: requests per io_submit; 0 = the engine default (32)."),
    ])

    static let disk = ScenarioSection(name: "disks[]", keys: [
        .init("id", "name", "required", "Unique disk id, referenced by jobs' `disk`. With count > 1 the copies are id0 ... id(count-1)."),
        .init("device", "device id", "required", "The host device behind the disk."),
        .init("iothread", "IOThread id", "required for virtio", "The IOThread that runs the disk's virtqueue handlers. Optional with architecture vhost-blk (which has no IOThread), and replaced by iothread-vq-mapping."),
        .init("iothread-vq-mapping", "list of IOThread ids", "none", "QEMU's iothread-vq-mapping: virtqueue q runs in the q mod n-th listed IOThread (one disk served by several IOThreads). Excludes iothread."),
        .init("num-queues", "integer >= 1", "1", "Virtqueues, each one handler in the IOThread's AioContext."),
        .init("aio", AioBackend.allCases.map(\.rawValue).joined(separator: " | "), "native", "QEMU's aio= backend: linux-aio, io_uring, or the thread pool."),
        .init("submit", SubmitMode.allCases.map(\.rawValue).joined(separator: " | "), "aio", "aio: asynchronous submission; sio: blocking preadv/pwritev in the IOThread; adaptive: synchronous when the virtqueue holds exactly one request (seed 002)."),
        .init("count", "integer >= 1", "1", "Number of identical copies of this disk, for guests with many disks."),
        .init("architecture", DiskArchitecture.allCases.map(\.rawValue).joined(separator: " | "), "virtio", "virtio: virtio-blk in an IOThread; vhost-blk: in-kernel workers (seed 004)."),
        .init("vhost-workers", "integer >= 1", "1", "vhost-blk kernel workers serving the disk's virtqueues (round-robin). Only with architecture vhost-blk."),
    ])

    static let job = ScenarioSection(name: "jobs[]", keys: [
        .init("name", "name", "required", "Unique job name (fio's job name)."),
        .init("disk", "disk id", "required", "The disk the job drives; for a disk with count > 1, `id` is its first copy and `idN` copy N."),
        .init("rw", ReadWrite.allCases.map(\.rawValue).joined(separator: " | "), "randread", "fio's rw: the I/O pattern."),
        .init("rwmixread", "integer 0...100", "50", "Percentage of reads; only for mixed patterns (randrw, readwrite, rw)."),
        .init("bs", "size", "4k", "Block size of every request."),
        .init("iodepth", "integer >= 1", "1", "Requests kept in flight per job (closed loop)."),
        .init("numjobs", "integer >= 1", "1", "Identical copies of the job."),
        .init("thinktime", "duration (unit required)", "0", "Pause between a completion and the next submission."),
        .init("rate_iops", "rate", "none (closed loop)", "Open loop: target submissions per second per job."),
        .init("rate_process", RateProcess.allCases.map(\.rawValue).joined(separator: " | "), "linear", "Arrival process of rate_iops: evenly spaced or Poisson. Only with rate_iops."),
        .init("trace", "map", "none", "Replay a trace instead of generating requests: see `jobs[].trace`. Excludes rw, rwmixread, bs, rate_iops and rate_process.", shape: .section(jobTrace)),
    ])

    static let jobTrace = ScenarioSection(name: "jobs[].trace", keys: [
        .init("file", "path", "required", "A native trace (docs/trace-format.md), relative to the scenario file. `pollsim trace import` converts fio iologs, blkparse output and MSR Cambridge CSV into one."),
        .init("mode", TraceMode.allCases.map(\.rawValue).joined(separator: " | "), "open", "open: issue each request at its recorded time (scaled by time-scale), however many are in flight; closed: keep iodepth requests in flight, in trace order, ignoring the times."),
        .init("time-scale", "number > 0", "1", "Multiplies the recorded issue times (mode open only): 0.5 replays twice as fast, 2 half as fast."),
        .init("disk-map", "map of trace disk -> disk id", "none (every request goes to the job's disk)", "Sends the requests of each listed trace disk to a scenario disk (`idN` for a copy); requests of trace disks not listed are not replayed.", shape: .openMap),
    ])

    static let top = ScenarioSection(name: "top level", keys: [
        .init("name", "text", "the file name without extension", "Scenario name, copied into results."),
        .init("seed", "integer >= 0", "1", "Master seed. Each entity draws from its own stream keyed by (seed, entity id). A seed given to the loader (`--seed`) replaces it."),
        .init("runtime", "duration (unit required)", "required", "Measured simulated time after the warm-up (fio's runtime)."),
        .init("ramp_time", "duration (unit required)", "0", "Warm-up, excluded from every metric (fio's ramp_time)."),
        .init("profile", "name or path", "bare-metal", "Host profile: a built-in name (\(HostProfile.builtIn.keys.sorted().joined(separator: ", "))) or the path of a profile file, relative to the scenario file."),
        .init("profile-overrides", "map of cost", "none", "Individual host costs replacing the profile's: profile key -> cost.", shape: .costs),
        .init("guest", "map", "{vcpus: 0}", "The guest VM.", shape: .section(guest)),
        .init("devices", "list", "required", "Host block devices.", shape: .list(device, selector: "id")),
        .init("iothreads", "list", "required unless every disk is vhost-blk", "IOThreads and their polling configuration.", shape: .list(iothread, selector: "id")),
        .init("disks", "list", "required", "Virtio disks as the guest sees them.", shape: .list(disk, selector: "id")),
        .init("jobs", "list", "required", "Guest fio-style jobs.", shape: .list(job, selector: "name")),
        .init("sweep", "map", "none", "The scenario's own sweep, used by `pollsim sweep` and `pollsim compare` when no `--vary` is given; ignored by `pollsim run`.", shape: .section(sweep)),
    ])

    /// The sections of a scenario file, in documentation order.
    static let sections: [ScenarioSection] = [top, guest, device, iothread, disk, job, jobTrace, sweep]

    /// Every key a distribution map may hold (which ones apply depends on `dist`).
    static let distributionKeys = ["dist", "value", "min", "max", "mean", "sd", "median", "p99", "mu", "sigma",
                                   "shape", "scale", "components", "samples", "percentiles", "weight"]

    /// The keys of a profile file: `base` and every host-profile parameter.
    static var profileFileKeys: [String] { ["base"] + HostProfile.parameters.map(\.key) }
}
