#if canImport(Glibc)
import Glibc
#endif
import PollModel
import SimKernel

/// The synthetic device model of one scenario device: `parallelism` servers with FIFO waiting, service times drawn
/// from the device's distribution by the stream the simulator uses ("device:<id>"), then the shared link
/// (`bs / bandwidth`), exactly as PollSimulator+Device.swift. Times are virtual deadlines, so late posting does not
/// accumulate into later requests.
struct SyntheticDeviceModel {
    let config: DeviceConfig
    let stream: RandomStream
    let nsPerByte: Double
    var inService = 0
    var waiting: [Int] = []
    var waitingHead = 0
    var linkFreeAt: Int64 = 0

    init(config: DeviceConfig, seed: UInt64) {
        self.config = config
        stream = RandomStream(seed: seed, entity: "device:\(config.id)")
        nsPerByte = config.bandwidth.map { 1e9 / $0 } ?? 0
    }
}

/// A min-heap of device events (time, sequence) → request: small, allocation-free once warmed up.
struct DeviceEventHeap {
    struct Entry { var time: Int64; var sequence: UInt64; var request: Int; var mediaOnly: Bool }
    private(set) var entries: [Entry] = []
    private var sequence: UInt64 = 0

    var first: Entry? { entries.first }

    mutating func push(time: Int64, request: Int, mediaOnly: Bool) {
        sequence += 1
        entries.append(Entry(time: time, sequence: sequence, request: request, mediaOnly: mediaOnly))
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard less(entries[child], entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Entry? {
        guard !entries.isEmpty else { return nil }
        let top = entries[0]
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < entries.count, less(entries[left], entries[smallest]) { smallest = left }
                if right < entries.count, less(entries[right], entries[smallest]) { smallest = right }
                if smallest == parent { break }
                entries.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return top
    }

    private func less(_ a: Entry, _ b: Entry) -> Bool { a.time < b.time || (a.time == b.time && a.sequence < b.sequence) }
}

/// The guest driver and, for the synthetic device, the device model, in one spinning thread.
///
/// Why one thread: this machine has two vCPUs. The IOThread needs one; a spinning completer is the only way to post
/// completions at their deadline with sub-µs accuracy (kernel timers overshoot by 40-56 µs), and a spinning guest is
/// the only way to timestamp completions without adding a 50 µs cross-CPU wake-up to every latency. Three spinning
/// threads on two cores would time-slice at millisecond granularity, so the guest and the device share the other core.
/// The guest therefore behaves like a virtio driver that polls its used ring with interrupts suppressed: there is no
/// irqfd, and the simulator's `guest-notify`/`interrupt-injection` costs must be calibrated accordingly
/// (`pollsim calibrate` does).
///
/// Jobs follow PollSimulator+Guest.swift: closed loop at iodepth (the next request issued when the previous one is
/// seen, after `thinktime`), or open loop at `rate_iops` (linear or poisson gaps drawn from the job's stream "job:<name>"
/// in the simulator's order; arrivals beyond iodepth in flight wait in a backlog).
final class DriverThread: @unchecked Sendable {
    struct Job {
        let config: JobConfig
        let configIndex: Int
        let name: String
        let queue: Virtqueue
        let device: Int
        let stream: RandomStream
        let offsetStream: RandomStream
        var inFlight = 0
        var backlog = 0
        var nextArrival: Int64 = 0
        var thinkUntil: [Int64] = []
        var sequentialOffset: Int64 = 0
    }

    struct Result {
        var total = LatencySeries()
        var perJob: [LatencySeries]
        var lateness = LatencySeries()
        var measuredEnd: Int64 = 0
        var kicks = 0
        /// How long the guest's kicks took, from the submission's timestamp to the end of the eventfd write: with a
        /// POLL_ADD armed on the eventfd, mostly the interrupt the kernel sends the IOThread's CPU (finding 12).
        var kickWrites = LatencySeries()
        /// Synthetic device: how long each submission of completion posts (MSG_RINGs to the backend ring) took; with
        /// a POLL_ADD armed on the backend ring's fd, mostly the interrupt to the IOThread's CPU (finding 12).
        var postSubmits = LatencySeries()
        /// Synthetic device: from the IOThread preparing a request's MSG_RING to the device model noticing it, in
        /// this thread's loop: time the device's latency does not count, which a real device's would.
        var deviceArrivals = LatencySeries()
        /// From the IOThread pushing a completion onto the used ring to this thread seeing it.
        var usedDeliveries = LatencySeries()
        var submitted = 0
        var failure: Error?
    }

    private var jobs: [Job]
    private let queues: [Virtqueue]
    private let table: RequestTable
    private let window: WallWindow
    private var freeIDs: [Int]
    private var devices: [SyntheticDeviceModel]
    /// The ring the IOThread sends synthetic requests to (MSG_RING), nil for the file backend.
    let deviceRing: URing?
    /// The IOThread's backend ring, which the device posts completions to.
    var backendRingFd: Int32 = -1
    /// File backend: bytes addressable and alignment for offsets.
    private let fileSize: Int64
    private let cpu: Int?
    private var events = DeviceEventHeap()
    private var pendingPosts = 0
    private(set) var result: Result

    init(configuration: ModelConfiguration, queuesByDisk: [String: [Virtqueue]], deviceIndex: [String: Int],
         diskDevice: [String: String], table: RequestTable, window: WallWindow, synthetic: Bool, fileSize: Int64,
         cpu: Int?) throws {
        self.table = table
        self.window = window
        self.fileSize = fileSize
        self.cpu = cpu
        // A disk with copies is listed under its own id and its first copy's name: keep each queue once.
        var byIndex: [Int: Virtqueue] = [:]
        for queue in queuesByDisk.values.joined() { byIndex[queue.index] = queue }
        queues = byIndex.keys.sorted().map { byIndex[$0]! }
        devices = configuration.devices.map { SyntheticDeviceModel(config: $0, seed: configuration.seed) }
        deviceRing = synthetic ? try URing(entries: 64, completionEntries: UInt32(max(256, table.count * 4))) : nil
        freeIDs = Array((0..<table.count).reversed())
        var jobs: [Job] = []
        let clones = configuration.jobs.reduce(0) { $0 + $1.numjobs }
        let vcpus = max(1, configuration.guest.vcpus > 0 ? configuration.guest.vcpus : clones)
        var clone = 0
        for (configIndex, job) in configuration.jobs.enumerated() {
            guard let diskQueues = queuesByDisk[job.disk], let diskName = diskDevice[job.disk],
                  let device = deviceIndex[diskName] else {
                throw ReplayError(.unsupported, "job '\(job.name)' names unknown disk '\(job.disk)'")
            }
            for n in 0..<job.numjobs {
                let vcpu = clone % vcpus
                let name = job.numjobs > 1 ? "\(job.name).\(n)" : job.name
                jobs.append(Job(config: job, configIndex: configIndex, name: name,
                                queue: diskQueues[vcpu % diskQueues.count], device: device,
                                stream: RandomStream(seed: configuration.seed, entity: "job:\(name)"),
                                offsetStream: RandomStream(seed: configuration.seed, entity: "offset:\(name)")))
                clone += 1
            }
        }
        self.jobs = jobs
        result = Result(perJob: Array(repeating: LatencySeries(), count: configuration.jobs.count))
    }

    // MARK: The thread

    func run() {
        do {
            if let cpu { try Sys.pinCurrentThread(to: cpu) }
            while Sys.monotonicNs() < window.origin { /* the IOThread arms its fds meanwhile */ }
            for job in jobs.indices { try start(job) }
            try loop()
        } catch {
            result.failure = error
            result.measuredEnd = Sys.monotonicNs()
        }
    }

    private func loop() throws {
        while true {
            let now = Sys.monotonicNs()
            if now >= window.end || Interrupt.isRequested {
                result.measuredEnd = min(now, window.end)
                return
            }
            if deviceRing != nil { try deviceStep(now) }
            for queue in queues where !queue.used.isEmpty {
                let seen = Sys.monotonicNs()
                while let id = queue.used.pop() { try completed(Int(id), seenAt: seen) }
            }
            for job in jobs.indices {
                if jobs[job].config.rateIOPS != nil, now >= jobs[job].nextArrival { try arrival(job, now: now) }
                if !jobs[job].thinkUntil.isEmpty, now >= jobs[job].thinkUntil[0] {
                    jobs[job].thinkUntil.removeFirst()
                    try submit(job)
                }
            }
        }
    }

    // MARK: Guest

    private func start(_ job: Int) throws {
        if let rate = jobs[job].config.rateIOPS {
            jobs[job].nextArrival = window.origin
            scheduleNextArrival(job, rate: rate, first: true)
        } else {
            for _ in 0..<jobs[job].config.iodepth { try submit(job) }
        }
    }

    private func scheduleNextArrival(_ job: Int, rate: Double, first: Bool) {
        let gap = jobs[job].config.rateProcess.gap(rate: rate, first: first, stream: jobs[job].stream.source)
        jobs[job].nextArrival += Int64(gap.rounded())
    }

    private func arrival(_ job: Int, now: Int64) throws {
        scheduleNextArrival(job, rate: jobs[job].config.rateIOPS!, first: false)
        if jobs[job].inFlight < jobs[job].config.iodepth {
            try submit(job)
        } else {
            jobs[job].backlog += 1
        }
    }

    private func submit(_ job: Int) throws {
        let config = jobs[job].config
        let isWrite: Bool
        switch config.rw {
        case .read, .randread: isWrite = false
        case .write, .randwrite: isWrite = true
        case .randrw, .readwrite, .rw:
            isWrite = jobs[job].stream.uniformInt(below: 100) >= UInt64(config.rwmixread)
        }
        guard let id = freeIDs.popLast() else {
            throw ReplayError(.system, "internal error: no free request slot (more than iodepth in flight)")
        }
        let slot = table.slots + id
        slot.pointee.job = Int32(job)
        slot.pointee.queue = Int32(jobs[job].queue.index)
        slot.pointee.device = Int32(jobs[job].device)
        slot.pointee.isWrite = isWrite
        slot.pointee.bytes = Int32(config.bs)
        slot.pointee.offset = nextOffset(job)
        slot.pointee.result = 0
        slot.pointee.deviceSubmittedAt = 0
        slot.pointee.usedPushedAt = 0
        jobs[job].inFlight += 1
        result.submitted += 1
        let issuedAt = Sys.monotonicNs()
        slot.pointee.issuedAt = issuedAt
        if jobs[job].queue.guestPush(UInt32(id)) {
            result.kicks += 1
            if window.contains(issuedAt) {
                result.kickWrites.record(Sys.monotonicNs() - issuedAt, bytes: 0)
            }
        }
    }

    private func nextOffset(_ job: Int) -> Int64 {
        let bs = Int64(jobs[job].config.bs)
        let blocks = fileSize / bs
        guard blocks > 0 else { return 0 }
        switch jobs[job].config.rw {
        case .randread, .randwrite, .randrw:
            return Int64(jobs[job].offsetStream.uniformInt(below: UInt64(blocks))) * bs
        case .read, .write, .readwrite, .rw:
            let offset = jobs[job].sequentialOffset
            jobs[job].sequentialOffset = offset + bs >= blocks * bs ? 0 : offset + bs
            return offset
        }
    }

    private func completed(_ id: Int, seenAt: Int64) throws {
        let slot = table.slots[id]
        let job = Int(slot.job)
        if window.contains(seenAt) {
            if slot.usedPushedAt > 0 { result.usedDeliveries.record(seenAt - slot.usedPushedAt, bytes: 0) }
            let latency = seenAt - slot.issuedAt
            result.total.record(latency, bytes: Int(slot.bytes))
            result.perJob[jobs[job].configIndex].record(latency, bytes: Int(slot.bytes))
        }
        freeIDs.append(id)
        jobs[job].inFlight -= 1
        if jobs[job].config.rateIOPS != nil {
            if jobs[job].backlog > 0 {
                jobs[job].backlog -= 1
                try submit(job)
            }
        } else if jobs[job].config.thinktime > 0 {
            jobs[job].thinkUntil.append(seenAt + jobs[job].config.thinktime)
        } else {
            try submit(job)
        }
    }

    // MARK: Synthetic device

    private func deviceStep(_ now: Int64) throws {
        guard let ring = deviceRing else { return }
        while let (userData, posted) = ring.popCompletion() {
            guard userData < UInt64(table.count) else {
                if posted < 0 { throw SystemError("IORING_OP_MSG_RING", errno: -posted, detail: "to the IOThread") }
                continue
            }
            let submittedAt = table.slots[Int(userData)].deviceSubmittedAt
            if submittedAt > 0 && window.contains(now) { result.deviceArrivals.record(now - submittedAt, bytes: 0) }
            arrive(Int(userData), at: now)
        }
        while let next = events.first, next.time <= now {
            _ = events.pop()
            let id = next.request
            let device = Int(table.slots[id].device)
            if next.mediaOnly {
                freeServer(device, at: next.time)
                let transfer = Int64((Double(table.slots[id].bytes) * devices[device].nsPerByte).rounded())
                let start = max(next.time, devices[device].linkFreeAt)
                devices[device].linkFreeAt = start + transfer
                events.push(time: start + transfer, request: id, mediaOnly: false)
            } else {
                if devices[device].nsPerByte == 0 { freeServer(device, at: next.time) }
                try post(id, deadline: next.time, now: now)
            }
        }
        if pendingPosts > 0 {
            let submitted = Sys.monotonicNs()
            try ring.submit()
            if window.contains(submitted) {
                result.postSubmits.record(Sys.monotonicNs() - submitted, bytes: 0)
            }
            pendingPosts = 0
        }
    }

    private func arrive(_ id: Int, at time: Int64) {
        let device = Int(table.slots[id].device)
        if devices[device].inService < devices[device].config.parallelism {
            startService(device, id, at: time)
        } else {
            devices[device].waiting.append(id)
        }
    }

    private func startService(_ device: Int, _ id: Int, at time: Int64) {
        devices[device].inService += 1
        let config = devices[device].config
        let distribution = table.slots[id].isWrite ? config.writeLatency : config.readLatency
        let media = Int64(distribution.sample(devices[device].stream).rounded())
        events.push(time: time + media, request: id, mediaOnly: devices[device].nsPerByte > 0)
    }

    private func freeServer(_ device: Int, at time: Int64) {
        devices[device].inService -= 1
        if devices[device].waitingHead < devices[device].waiting.count {
            let next = devices[device].waiting[devices[device].waitingHead]
            devices[device].waitingHead += 1
            if devices[device].waitingHead > 64 && devices[device].waitingHead * 2 > devices[device].waiting.count {
                devices[device].waiting.removeFirst(devices[device].waitingHead)
                devices[device].waitingHead = 0
            }
            startService(device, next, at: time)
        }
    }

    private func post(_ id: Int, deadline: Int64, now: Int64) throws {
        guard let ring = deviceRing else { return }
        if window.contains(now) { result.lateness.record(Sys.monotonicNs() - deadline, bytes: 0) }
        table.slots[id].postedAt = Sys.monotonicNs()
        try ring.prepareMessage(to: backendRingFd, result: table.slots[id].bytes, userData: UInt64(id))
        pendingPosts += 1
    }
}

