import PollingPolicy
import SimKernel
import Traces

/// A configuration error the model finds while building its entities (the Scenario module reports most errors
/// earlier, with file positions; this guards direct users of the model).
public struct ModelError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public var description: String { message }
}

/// The simulator proper: builds devices, virtqueues, IOThreads, vhost workers and guest jobs from a
/// `ModelConfiguration`, runs them on the kernel, and reports a `RunResult`.
///
/// Entities live in arrays and refer to each other by index; events carry indices. The event handlers are split by
/// concern: the guest and devices here, the aio_poll iteration in `PollSimulator+AioPoll.swift`, how work and fd
/// events reach it in `PollSimulator+Readiness.swift`, handler dispatch in `PollSimulator+Dispatch.swift`, vhost-blk
/// in `PollSimulator+Vhost.swift`.
public final class PollSimulator {
    let configuration: ModelConfiguration
    let profile: HostProfile
    let window: MeasurementWindow
    var kernel = Simulation<ModelEvent>(reservingCapacity: 4096)

    // Entities, by index (EntityTable.swift says why these are not Arrays).
    var requests = RequestPool()
    var devices = EntityTable<DeviceState>()
    var queues = EntityTable<VirtqueueState>()
    var threads = EntityTable<IOThreadState>()
    var jobs = EntityTable<JobState>()
    var vcpus = EntityTable<VCPUState>()
    var workers = EntityTable<VhostWorkerState>()
    /// Costs paid by the guest are drawn from one stream per vCPU.
    var vcpuStreams = EntityTable<RandomSource>()
    /// Every random stream the entities draw from: the entities hold their generators as `RandomSource`s, which
    /// do not keep the streams alive, so the simulator does.
    private var streams: [RandomStream] = []
    var latency: LatencyRecorder

    /// Observer of every aio_poll iteration's policy inputs and budget (`run --decisions`); nil unless asked for.
    public var iterationObserver: ((IterationRecord) -> Void)?
    /// Observer for time series (poll_ns over time); nil unless asked for.
    public var timeline: ((_ time: SimTime, _ thread: String, _ pollNs: Int64, _ budget: Int64) -> Void)?
    /// Observer of guest requests, for trace export; nil unless asked for. Called when a job issues a request
    /// (`latencyNs` nil) and when the guest has seen its completion (`latencyNs` = guest-visible latency, `measured`
    /// = the completion is inside the measurement window). `slot` identifies the request while it is in flight.
    public var requestObserver: ((_ slot: Int, _ issuedAt: Int64, _ queueName: String, _ isWrite: Bool, _ bytes: Int,
                                  _ latencyNs: Int64?, _ measured: Bool) -> Void)?
    /// Trace-driven jobs: each one's open trace (PollSimulator+Trace.swift), by job index.
    var traceSources: [TraceJobSource?] = []
    /// The first problem a trace-driven job met (an unreadable or malformed trace); the job stopped there.
    public internal(set) var traceError: TraceError?

    public init(_ configuration: ModelConfiguration) throws {
        self.configuration = configuration
        profile = configuration.profile
        window = MeasurementWindow(start: configuration.rampTime, end: configuration.rampTime + configuration.runtime)
        latency = LatencyRecorder(jobNames: configuration.jobs.map(\.name))
        try build()
    }

    // MARK: Building

    /// The generator of `entity`'s stream (kept alive in `streams`).
    private func stream(_ entity: String) -> RandomSource {
        let stream = RandomStream(seed: configuration.seed, entity: entity)
        streams.append(stream)
        return stream.source
    }

    private func build() throws {
        var deviceIndex: [String: Int] = [:]
        for device in configuration.devices {
            guard deviceIndex[device.id] == nil else { throw ModelError(message: "duplicate device id '\(device.id)'") }
            guard device.parallelism >= 1 else { throw ModelError(message: "device '\(device.id)': parallelism must be >= 1") }
            deviceIndex[device.id] = devices.count
            let nsPerByte = device.bandwidth.map { 1e9 / $0 } ?? 0
            devices.append(DeviceState(config: device, parallelism: device.parallelism, stream: stream("device:\(device.id)"),
                                       nsPerByte: nsPerByte))
        }
        var threadIndex: [String: Int] = [:]
        for thread in configuration.iothreads {
            guard threadIndex[thread.id] == nil else { throw ModelError(message: "duplicate iothread id '\(thread.id)'") }
            threadIndex[thread.id] = threads.count
            threads.append(IOThreadState(config: thread, stream: stream("iothread:\(thread.id)")))
        }

        // One completion handler per (IOThread, backend), registered when first needed.
        var completionHandler: [String: HandlerID] = [:]
        var diskQueues: [String: [Int]] = [:]
        for disk in configuration.disks {
            guard let device = deviceIndex[disk.device] else {
                throw ModelError(message: "disk '\(disk.id)' names unknown device '\(disk.device)'")
            }
            guard disk.numQueues >= 1, disk.count >= 1 else {
                throw ModelError(message: "disk '\(disk.id)': num-queues and count must be >= 1")
            }
            // The IOThread of each virtqueue: iothread-vq-mapping round-robin, or the disk's one IOThread.
            var queueThreads: [Int] = []
            if disk.architecture == .virtio {
                let names = disk.iothreadVQMapping.isEmpty ? [disk.iothread ?? ""] : disk.iothreadVQMapping
                for name in names {
                    guard let index = threadIndex[name] else {
                        throw ModelError(message: "disk '\(disk.id)' names unknown iothread '\(name)'")
                    }
                    queueThreads.append(index)
                }
            }
            let firstWorker = workers.count
            if disk.architecture == .vhostBlk {
                for w in 0..<max(1, disk.vhostWorkers) {
                    workers.append(VhostWorkerState(stream: stream("vhost:\(disk.id):\(w)")))
                }
            }
            for copy in 0..<disk.count {
                let diskName = disk.count > 1 ? "\(disk.id)\(copy)" : disk.id
                var indices: [Int] = []
                for q in 0..<disk.numQueues {
                    let queueIndex = queues.count
                    var handler: HandlerID = -1
                    var completions: HandlerID = -1
                    var worker: Int?
                    let thread: Int? = queueThreads.isEmpty ? nil : queueThreads[q % queueThreads.count]
                    if let thread {
                        let key = "\(thread):\(disk.aio.rawValue)"
                        if let existing = completionHandler[key] {
                            completions = existing
                        } else {
                            let cq = threads[thread].completionQueues.count
                            completions = threads[thread].addHandler(.completions(cq))
                            threads[thread].completionQueues.append(CompletionQueueState(backend: disk.aio, handler: completions))
                            completionHandler[key] = completions
                        }
                        handler = threads[thread].addHandler(.virtqueue(queueIndex))
                    } else {
                        worker = firstWorker + (q % max(1, disk.vhostWorkers))
                    }
                    queues.append(VirtqueueState(name: "\(diskName).vq\(q)", device: device, backend: disk.aio,
                                                 submit: disk.submit, thread: thread, handler: handler,
                                                 completionHandler: completions, worker: worker))
                    indices.append(queueIndex)
                }
                diskQueues[diskName] = indices
                if copy == 0 && disk.count > 1 { diskQueues[disk.id] = indices }
            }
        }
        for index in threads.indices { threads[index].finishSetup() }
        // A device's arrivals come in time order when one IOThread submits them all without a random hand-off
        // (DeviceState.arrivalsInOrder).
        var submitters: [Int: Set<Int>] = [:]
        var unordered = Set<Int>()
        for index in queues.indices {
            let device = queues[index].device
            if let thread = queues[index].thread, queues[index].backend != .threads {
                submitters[device, default: []].insert(thread)
            } else {
                unordered.insert(device)
            }
        }
        // A device whose completions a vCPU posts notices arrivals only when that vCPU is free (deviceArrive).
        for (device, threadSet) in submitters
        where threadSet.count == 1 && !unordered.contains(device) && devices[device].config.completionCPU == .other {
            devices[device].arrivalsInOrder = true
        }

        let vcpuCount = configuration.guest.vcpus > 0
            ? configuration.guest.vcpus
            : configuration.jobs.reduce(0) { $0 + $1.numjobs }
        vcpus = EntityTable(repeating: VCPUState(), count: max(1, vcpuCount))
        for index in vcpus.indices { vcpuStreams.append(stream("vcpu:\(index)")) }
        var clone = 0
        for (configIndex, job) in configuration.jobs.enumerated() {
            guard let diskQueueList = diskQueues[job.disk] else {
                throw ModelError(message: "job '\(job.name)' names unknown disk '\(job.disk)'")
            }
            guard job.iodepth >= 1, job.numjobs >= 1, job.bs > 0 else {
                throw ModelError(message: "job '\(job.name)': iodepth, numjobs and bs must be >= 1")
            }
            for n in 0..<job.numjobs {
                let vcpu = clone % vcpus.count
                let name = job.numjobs > 1 ? "\(job.name).\(n)" : job.name
                jobs.append(JobState(config: job, configIndex: configIndex, name: name,
                                     queue: diskQueueList[vcpu % diskQueueList.count], vcpu: vcpu,
                                     stream: stream("job:\(name)")))
                clone += 1
            }
        }
    }

    // MARK: Running

    /// Runs ramp_time + runtime of simulated time and summarises the measured window.
    public func run(progress: ((_ fraction: Double) -> Void)? = nil) -> RunResult {
        let wallStart = WallClock.seconds()
        for job in jobs.indices { startJob(job) }
        for thread in threads.indices { resume(thread, step: .iterate, at: 0) }

        let end = window.end
        let slice = max(1, end / 100)
        var nextReport = slice
        while let event = kernel.next(until: end) {
            handle(event)
            if let progress, kernel.now >= nextReport {
                progress(Double(kernel.now) / Double(end))
                nextReport += slice
            }
        }
        let wall = WallClock.seconds() - wallStart
        return summarize(wallSeconds: wall)
    }

    /// Inlined into `run`'s loop: the event's payload then stays in registers, and the call (about 13 instructions
    /// per event) is gone.
    @inline(__always)
    func handle(_ event: ModelEvent) {
        switch event {
        case .jobIssue(let job): issue(job)
        case .vringPush(let request): vringPush(request)
        case .kick(let queue): kick(queue)
        case .deviceArrive(let request): deviceArrive(request)
        case .deviceMediaDone(let request): deviceMediaDone(request)
        case .deviceDone(let request): deviceDone(request)
        case .transferDone(let request): routeCompletion(request)
        case .completionPosted(let request): postCompletion(request)
        case .guestSeen(let request): guestSeen(request)
        case .threadResume(let thread, let generation): threadResume(thread, generation)
        case .completionFdFired(let thread, let handler): monitorReported(thread, handler)
        case .taskWorkInterrupt(let thread, let handler, let firedAt): interruptLanded(thread, handler, firedAt: firedAt)
        case .interruptStall(let thread, let handler, let firedAt): interruptStallBegins(thread, handler, firedAt: firedAt)
        case .threadWoken(let thread, let generation): threadWoken(thread, generation)
        case .vhostRun(let worker): vhostRun(worker)
        }
    }

    /// The measured guest latency distribution of the last run, overall or for one job (by its index in the
    /// configuration), at histogram resolution (3 significant digits).
    public func latencyCDF(job: Int? = nil) -> [LatencyCDFPoint] {
        if let job { return latency.perJob[job].cdf }
        return latency.total.cdf
    }

    /// The measured guest latencies at the percentiles `levels` (0...100) of the last run, overall or for one job.
    public func latencyPercentiles(_ levels: [Double], job: Int? = nil) -> [SimTime] {
        let series = job.map { latency.perJob[$0] } ?? latency.total  // the overall series is a merge: build it once
        return levels.map { series.percentile($0) }
    }

    var now: SimTime { kernel.now }
}
