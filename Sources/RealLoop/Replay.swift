import PollModel
import PollingPolicy
#if canImport(Glibc)
import Glibc
#endif

/// What to replay a scenario on, and how.
public struct ReplaySetup: Sendable {
    public enum Device: Sendable, Equatable, CustomStringConvertible {
        /// Completions after latencies drawn from the scenario devices' distributions.
        case synthetic
        /// A regular file or block device, read (and written, with `allowWrite`) with O_DIRECT.
        case path(String)

        /// `synthetic`, or a path.
        public init(argument: String) {
            self = argument == "synthetic" ? .synthetic : .path(argument)
        }

        public var description: String {
            switch self {
            case .synthetic: "synthetic"
            case .path(let path): path
            }
        }
    }

    public var device: Device
    /// Writes to a file or device are refused unless this is set (`--allow-write`).
    public var allowWrite: Bool
    /// QEMU's need_wait() also counts unsubmitted SQEs (the POLL_ADD re-arm after an fd event); the simulator's
    /// does not. Off by default so that replay and simulation run the same iteration.
    public var countPendingSQEs: Bool
    /// Pin the IOThread and the driver thread to two different CPUs when there are at least two.
    public var pinThreads: Bool
    /// Record the first N iterations' observations and budgets in `ReplayReport.decisions` (tests).
    public var recordDecisions: Int = 0

    public init(device: Device, allowWrite: Bool = false, countPendingSQEs: Bool = false, pinThreads: Bool = true) {
        self.device = device
        self.allowWrite = allowWrite
        self.countPendingSQEs = countPendingSQEs
        self.pinThreads = pinThreads
    }
}

/// A replay's result in the simulator's schema, plus what only a real run has.
public struct ReplayReport: Sendable {
    public var result: RunResult
    /// Guest-visible latencies of the measured window (the full histogram, for the validation's CDF comparison).
    public var latency: LatencySeries
    /// Synthetic device only: how late each completion was posted after its deadline.
    public var lateness: LatencySeries?
    /// SIGINT stopped the run before its end; `result` covers the part measured so far.
    public var interrupted: Bool
    /// Guest kicks (eventfd writes) per I/O: how often notification suppression did not apply.
    public var kicksPerIO: Double
    /// How long each kick kept the guest driver thread (push, fence and eventfd write).
    public var kickWrite = LatencySeries()
    /// Synthetic device: how long each submission of completion posts kept the guest driver thread.
    public var postSubmit = LatencySeries()
    /// Share of the IOThread's wall time that was CPU time inside waits that blocked: on this VM the kernel charges a
    /// wake-up to the woken thread's CPU clock, a cost the simulator's host model does not have (wake-ups are latency
    /// only there).
    public var blockingWaitCPUShare: Double = 0
    /// Mean CPU time of one blocking wait (ns).
    public var blockingWaitCPUNs: Double = 0
    /// Synthetic device only: from the device posting a completion to the IOThread dispatching it (the completion
    /// path's own latency: a poll hit when the thread polls, a wake-up when it blocks).
    public var completionNotification: LatencySeries?
    /// Synthetic device: from the IOThread's MSG_RING to the device model noticing the request (`Driver`).
    public var deviceArrival: LatencySeries?
    /// From the IOThread's push onto the used ring to the guest seeing the completion.
    public var usedDelivery = LatencySeries()
    /// From the guest's submission to the IOThread popping the request from the virtqueue.
    public var submissionPickup: LatencySeries = LatencySeries()
    /// `submissionPickup` of the requests whose kick reached the IOThread while it ran (not blocked).
    public var runningKickPickup: LatencySeries = LatencySeries()
    /// `submissionPickup` of the requests that polling found (no kick).
    public var polledPickup: LatencySeries = LatencySeries()
    /// The IOThread's blocking waits that a kick or a completion ended: its wake-up by how long it had been blocked.
    public var blockedWakeups: [BlockedWakeup] = []
    /// The IOThread's own work between its waits and polls, as it ran beside the guest.
    public var loopWork = LoopWorkTimes()
    /// Things the user should know about how the scenario was mapped onto the real loop.
    public var notes: [String]
    /// The recorded decisions (`ReplaySetup.recordDecisions`).
    public var decisions: [DecisionRecord] = []
    /// The IOThread's policy configuration that made them.
    public var iothread: IOThreadConfig
    /// Handlers on the IOThread by ID, named as `IterationRecord` names them: the completions handler (0), then one
    /// per virtqueue.
    public var handlerNames: [String]
    public var handlerCount: Int { handlerNames.count }

    /// `decisions` in the simulator's form, times counted from the first recorded iteration.
    public var iterationRecords: [IterationRecord] {
        let origin = decisions.first?.start ?? 0
        let cpuOrigin = decisions.first?.cpu ?? 0
        return decisions.map { decision in
            func names(_ ids: [HandlerID]) -> [String] { ids.map { handlerNames[$0] } }
            var record = IterationRecord(thread: iothread.id, startNs: decision.start - origin, budgetNs: decision.budget,
                                         pollList: names(decision.pollList))
            record.pollSuccesses = names(decision.pollSuccesses)
            record.removed = names(decision.removed)
            record.dispatched = names(decision.dispatched)
            record.requests = decision.requests
            record.blockNs = decision.blockNs
            record.cpuNs = decision.cpu - cpuOrigin
            return record
        }
    }
}

public enum Replay {
    /// Replays `configuration` on the real loop for ramp_time + runtime of wall-clock time (less if SIGINT arrives:
    /// install the handler with `Replay.installInterruptHandler()`).
    public static func run(_ configuration: ModelConfiguration, setup: ReplaySetup) throws -> ReplayReport {
        var notes: [String] = []
        if let load = Sys.loadAverage(), load >= 0.5 {
            notes.append("host load average \(load) before the replay (\(Sys.allowedCPUs().count) CPUs): other processes compete with the real loop's threads, so its figures are disturbed")
        }
        let threadConfig = try supportedIOThread(configuration, notes: &notes)
        let needsWrite = configuration.jobs.contains { job in
            switch job.rw {
            case .read, .randread: false
            case .write, .randwrite: true
            case .randrw, .readwrite, .rw: job.rwmixread < 100
            }
        }

        var file: FileDevice?
        if case .path(let path) = setup.device {
            let device = try FileDevice(path: path, needsWrite: needsWrite, allowWrite: setup.allowWrite)
            for job in configuration.jobs { try device.checkAccess(offset: 0, length: job.bs) }
            file = device
        }
        guard URing.isAvailable() else {
            throw ReplayError(.unsupported, "io_uring is not available on this system (io_uring_queue_init failed)")
        }

        // Virtqueues in the simulator's order: disks in scenario order, copies, then queues.
        var queues: [Virtqueue] = []
        var queuesByDisk: [String: [Virtqueue]] = [:]
        var diskDevice: [String: String] = [:]
        let inFlight = configuration.jobs.reduce(0) { $0 + $1.iodepth * $1.numjobs }
        for disk in configuration.disks {
            for copy in 0..<disk.count {
                let name = disk.count > 1 ? "\(disk.id)\(copy)" : disk.id
                var list: [Virtqueue] = []
                for q in 0..<disk.numQueues {
                    let queue = try Virtqueue(index: queues.count, name: "\(name).vq\(q)", capacity: inFlight + 1)
                    queues.append(queue)
                    list.append(queue)
                }
                queuesByDisk[name] = list
                diskDevice[name] = disk.device
                if copy == 0 && disk.count > 1 {
                    queuesByDisk[disk.id] = list
                    diskDevice[disk.id] = disk.device
                }
            }
        }
        var deviceIndex: [String: Int] = [:]
        for (index, device) in configuration.devices.enumerated() { deviceIndex[device.id] = index }

        let maxBS = configuration.jobs.map(\.bs).max() ?? 4096
        let table = try RequestTable(count: max(1, inFlight), bufferBytes: file == nil ? 0 : maxBS,
                                     alignment: max(4096, file?.alignment ?? 4096))
        if let buffers = table.buffers {
            // Writes carry a recognisable pattern rather than whatever the buffer held.
            memset(buffers, 0x5a, table.bufferBytes * table.count)
        }

        let cpus = Sys.allowedCPUs()
        let pin = setup.pinThreads && cpus.count >= 2
        let origin = Sys.monotonicNs() + 20_000_000
        let window = WallWindow(origin: origin, start: origin + configuration.rampTime,
                                end: origin + configuration.rampTime + configuration.runtime)
        let driver = try DriverThread(configuration: configuration, queuesByDisk: queuesByDisk, deviceIndex: deviceIndex,
                                      diskDevice: diskDevice, table: table, window: window, synthetic: file == nil,
                                      fileSize: file?.size ?? Int64(1) << 40, cpu: pin ? cpus[0] : nil)
        let target: BackendTarget = file.map { .file(fd: $0.fd) } ?? .synthetic(deviceRingFd: driver.deviceRing!.fd)
        let loop = try IOThreadLoop(config: threadConfig, queues: queues, table: table, target: target,
                                    backendEntries: UInt32(table.count), window: window,
                                    options: .init(countPendingSQEs: setup.countPendingSQEs, cpu: pin ? cpus[1] : nil,
                                                  recordDecisions: setup.recordDecisions))
        driver.backendRingFd = loop.backend.fd

        let wallStart = Sys.monotonicNs()
        let ioThread = try Sys.startThread { loop.run() }
        let driverThread: pthread_t
        do {
            driverThread = try Sys.startThread { driver.run() }
        } catch {
            loop.requestStop()
            Sys.joinThread(ioThread)
            throw error
        }
        Sys.joinThread(driverThread)
        loop.requestStop()
        Sys.joinThread(ioThread)
        let wall = Double(Sys.monotonicNs() - wallStart) / 1e9
        withExtendedLifetime((queues, table, file)) {}

        if let failure = driver.result.failure { throw failure }
        if let failure = loop.failure { throw failure }
        let measurement = loop.measurement
        if measurement.counters.backendErrors > 0 {
            let text = String(cString: strerror(measurement.counters.firstBackendError))
            throw ReplayError(.system, "\(measurement.counters.backendErrors) requests failed on '\(setup.device)'; the first with: \(text)")
        }
        let interrupted = Interrupt.isRequested
        let outcome = driver.result
        let result = summarize(configuration, thread: threadConfig, measurement: measurement, driver: outcome,
                               window: window, wallSeconds: wall)
        return ReplayReport(result: result, latency: outcome.total, lateness: file == nil ? outcome.lateness : nil,
                            interrupted: interrupted,
                            kicksPerIO: outcome.submitted == 0 ? 0 : Double(outcome.kicks) / Double(outcome.submitted),
                            kickWrite: outcome.kickWrites, postSubmit: outcome.postSubmits,
                            blockingWaitCPUShare: ratio(Double(measurement.blockingWaitCPUNs), Double(measurement.spanNs)),
                            blockingWaitCPUNs: ratio(Double(measurement.blockingWaitCPUNs), Double(measurement.blockingWaits)),
                            completionNotification: file == nil ? measurement.completionNotification : nil,
                            deviceArrival: file == nil ? outcome.deviceArrivals : nil,
                            usedDelivery: outcome.usedDeliveries, submissionPickup: measurement.submissionPickup,
                            runningKickPickup: measurement.runningKickPickup, polledPickup: measurement.polledPickup,
                            blockedWakeups: measurement.blockedWakeups, loopWork: measurement.loopWork,
                            notes: notes, decisions: loop.decisionTrace, iothread: threadConfig,
                            handlerNames: loop.handlerNames)
    }

    /// SIGINT stops a replay cleanly: the loops notice, and `run` returns what was measured so far.
    public static func installInterruptHandler() { Sys.installInterruptHandler() }
    public static func removeInterruptHandler() { Sys.removeInterruptHandler() }

    /// The one IOThread the real loop runs, after checking that the scenario uses only what the real loop implements.
    static func supportedIOThread(_ configuration: ModelConfiguration, notes: inout [String]) throws -> IOThreadConfig {
        guard !configuration.jobs.isEmpty else { throw ReplayError(.unsupported, "the scenario has no jobs") }
        var used: [String] = []
        for disk in configuration.disks {
            guard disk.architecture == .virtio else {
                throw ReplayError(.unsupported, "disk '\(disk.id)': the real loop replays virtio disks only, not \(disk.architecture.rawValue)")
            }
            guard disk.submit == .aio else {
                throw ReplayError(.unsupported, "disk '\(disk.id)': the real loop submits asynchronously only (submit: aio), not \(disk.submit.rawValue)")
            }
            if disk.aio != .ioUring {
                notes.append("disk '\(disk.id)': aio=\(disk.aio.rawValue) replayed as aio=io_uring (the real loop's only backend)")
            }
            if let thread = disk.iothread, !used.contains(thread) { used.append(thread) }
        }
        guard used.count == 1, let thread = configuration.iothreads.first(where: { $0.id == used[0] }) else {
            throw ReplayError(.unsupported, "the real loop runs exactly one IOThread; the scenario's disks use \(used.count) (\(used.joined(separator: ", ")))")
        }
        guard thread.fdmon == .ioUring else {
            throw ReplayError(.unsupported, "iothread '\(thread.id)': the real loop's fd monitor is io_uring; fdmon \(thread.fdmon.rawValue) is simulated only")
        }
        guard thread.dispatch == .readyList else {
            throw ReplayError(.unsupported, "iothread '\(thread.id)': the real loop dispatches from a ready list; dispatch: scan is simulated only")
        }
        for job in configuration.jobs where job.bs <= 0 || job.iodepth < 1 || job.numjobs < 1 {
            throw ReplayError(.unsupported, "job '\(job.name)': bs, iodepth and numjobs must be >= 1")
        }
        return thread
    }

    static func summarize(_ configuration: ModelConfiguration, thread: IOThreadConfig, measurement: IOThreadMeasurement,
                          driver: DriverThread.Result, window: WallWindow, wallSeconds: Double) -> RunResult {
        let measuredNs = max(0, driver.measuredEnd - window.start)
        let seconds = Double(measuredNs) / 1e9
        let total = driver.total
        let ios = total.count
        let jobs = configuration.jobs.enumerated().map { index, job in
            let series = driver.perJob[index]
            return JobResult(name: job.name, ios: series.count, iops: ratio(Double(series.count), seconds),
                             bw_bytes_per_s: ratio(Double(series.bytes), seconds), latency_ns: series.summary)
        }
        let c = measurement.counters
        let span = measurement.spanNs
        let onCPU = measurement.pollNs + measurement.dispatchNs + measurement.syscallNs
        let time = ThreadTime(poll: measurement.pollNs, dispatch: measurement.dispatchNs, syscall: measurement.syscallNs,
                              blocked: max(0, span - onCPU))
        let poll = PollStats(mean_poll_ns: ratio(c.budgetSum, Double(c.budgetIterations)),
                             hit_rate: ratio(Double(c.pollHits), Double(c.pollingIterations)),
                             reset_rate: ratio(Double(measurement.resets), Double(measurement.adjustments)),
                             near_max_share: ratio(Double(c.nearMax), Double(c.budgetIterations)),
                             handlers_per_pass: ratio(Double(c.handlersPolled), Double(c.passes)))
        let threadResult = IOThreadResult(id: thread.id, policy: thread.policy.rawValue,
                                          cpu_util: min(1, ratio(Double(onCPU), Double(span))), time_ns: time,
                                          poll: poll, wakeups_per_io: ratio(Double(measurement.wakeups), Double(ios)),
                                          syscalls_per_io: ratio(Double(c.syscalls), Double(ios)),
                                          iterations: c.iterations)
        // `sim` describes the simulator; for a replay: no events, and measured time runs at wall-clock speed.
        let stats = SimulatorStats(events: 0, events_per_io: 0, wall_s: wallSeconds, events_per_s: 0,
                                   sim_per_wall: ratio(seconds, wallSeconds))
        return RunResult(scenario: configuration.name, seed: configuration.seed, iops: ratio(Double(ios), seconds),
                         bw_bytes_per_s: ratio(Double(total.bytes), seconds), latency_ns: total.summary, jobs: jobs,
                         iothreads: [threadResult], sim: stats)
    }
}

/// a / b, or 0 when b is 0.
func ratio(_ a: Double, _ b: Double) -> Double { b == 0 ? 0 : a / b }

/// What the host offers the real loop.
public enum RealLoopEnvironment {
    /// io_uring_queue_init works (tests skip otherwise).
    public static var ioUringAvailable: Bool { URing.isAvailable() }
    /// CPUs this process may run on.
    public static var allowedCPUs: [Int] { Sys.allowedCPUs() }
}
