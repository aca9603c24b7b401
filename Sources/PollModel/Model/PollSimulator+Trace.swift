import SimKernel
import Traces

/// One request of a trace, mapped onto the model: its (scaled) issue time, direction, size and virtqueue.
struct TraceRequest {
    var time: SimTime
    var isWrite: Bool
    var bytes: Int
    var queue: Int
}

/// A trace-driven job's trace, read one request ahead: the reader's fixed buffer holds the rest, so memory does not
/// depend on the trace's length.
final class TraceJobSource {
    let reader: TraceReader
    let config: TraceJobConfig
    /// Added to a record's queue number before choosing among a disk's virtqueues, so that clones of a job
    /// (numjobs) spread over the queues as ordinary jobs do.
    let queueOffset: Int
    /// Where the records of the job's own disk go when there is no disk map.
    let defaultQueues: [Int]
    /// Scenario disk name -> its virtqueues, for the disk map.
    let diskQueues: [String: [Int]]
    /// Trace disk -> virtqueues, or nil for a trace disk the map leaves out (its records are not replayed).
    private var resolved: [String: [Int]?] = [:]
    private(set) var head: TraceRequest?
    /// Records not replayed because the disk map does not list their disk.
    private(set) var unmapped = 0

    init(reader: TraceReader, config: TraceJobConfig, queueOffset: Int, defaultQueues: [Int],
         diskQueues: [String: [Int]]) {
        self.reader = reader
        self.config = config
        self.queueOffset = queueOffset
        self.defaultQueues = defaultQueues
        self.diskQueues = diskQueues
    }

    /// Reads the next replayed record into `head` (nil at the end of the trace).
    func advance() throws {
        head = nil
        while let record = try reader.next() {
            guard let targets = targets(for: record.disk), !targets.isEmpty else {
                unmapped += 1
                continue
            }
            head = TraceRequest(time: scaled(record.time), isWrite: record.isWrite, bytes: record.length,
                                queue: targets[(record.queue + queueOffset) % targets.count])
            return
        }
    }

    /// Stops the job (after an error).
    func stop() { head = nil }

    private func targets(for disk: String) -> [Int]? {
        guard !config.diskMap.isEmpty else { return defaultQueues }
        if let known = resolved[disk] { return known }
        let targets = config.diskMap[disk].flatMap { diskQueues[$0] }
        if resolved.count >= 4096 { resolved.removeAll(keepingCapacity: true) }  // bound the cache
        resolved[disk] = .some(targets)
        return targets
    }

    private func scaled(_ time: Int64) -> SimTime {
        if config.timeScale == 1 { return time }
        let value = (Double(time) * config.timeScale).rounded()
        return value >= Double(Int64.max / 2) ? Int64.max / 2 : SimTime(value)
    }
}

/// Trace-driven jobs (`JobConfig.trace`): open loop issues each request at its recorded time (scaled), closed loop
/// keeps `iodepth` requests in flight in trace order. The trace supplies each request's direction, size and queue.
extension PollSimulator {
    func startTraceJob(_ job: Int) {
        guard let trace = jobs[job].config.trace, let source = openTrace(job) else { return }
        switch trace.mode {
        case .open:
            if let first = source.head { kernel.schedule(.jobIssue(job: job), at: max(first.time, now)) }
        case .closed:
            for _ in 0..<jobs[job].config.iodepth { submit(job) }
        }
    }

    /// jobIssue of a trace job. Open loop: submits every request that is due and schedules the next arrival.
    /// Closed loop: the end of a thinktime.
    func issueTrace(_ job: Int) {
        guard jobs[job].config.trace?.mode == .open else {
            submit(job)
            return
        }
        guard let source = traceSources[job] else { return }
        while let due = source.head, due.time <= now { submit(job) }
        if let next = source.head { kernel.schedule(.jobIssue(job: job), at: next.time) }
    }

    /// The job's next trace request, which it is about to submit; nil once the trace is used up (or failed).
    func takeTraceRequest(_ job: Int) -> TraceRequest? {
        guard job < traceSources.count, let source = traceSources[job], let request = source.head else { return nil }
        do {
            try source.advance()
        } catch {
            fail(source, error)
        }
        return request
    }

    /// Opens the job's trace and reads its first request; on failure records `traceError` (the job stays idle).
    private func openTrace(_ job: Int) -> TraceJobSource? {
        if traceSources.count < jobs.count { traceSources = Array(repeating: nil, count: jobs.count) }
        guard let trace = jobs[job].config.trace else { return nil }
        let table = diskQueueTable()
        do {
            let reader = try TraceReader(path: trace.path)
            for (traceDisk, disk) in trace.diskMap.sorted(by: { $0.key < $1.key }) where table[disk] == nil {
                throw TraceError(file: trace.path, line: nil,
                                 message: "job '\(jobs[job].name)': disk-map sends trace disk '\(traceDisk)' to disk '\(disk)', which the scenario does not have")
            }
            let source = TraceJobSource(reader: reader, config: trace, queueOffset: jobs[job].vcpu,
                                        defaultQueues: table[jobs[job].config.disk] ?? [jobs[job].queue],
                                        diskQueues: table)
            traceSources[job] = source
            try source.advance()
            return source
        } catch {
            traceSources[job]?.stop()
            traceError = traceError ?? (error as? TraceError)
                ?? TraceError(file: trace.path, line: nil, message: "\(error)")
            return nil
        }
    }

    private func fail(_ source: TraceJobSource, _ error: Error) {
        source.stop()
        traceError = traceError ?? (error as? TraceError)
            ?? TraceError(file: source.config.path, line: nil, message: "\(error)")
    }

    /// Disk name as jobs name it (`vda`, `vdb7`, and `vdb` for copy 0 of a disk with count > 1) -> its virtqueues,
    /// recovered from the virtqueue names (`vdb7.vq1`).
    private func diskQueueTable() -> [String: [Int]] {
        var table: [String: [Int]] = [:]
        for index in queues.indices {
            let name = queues[index].name
            guard let range = name.range(of: ".vq", options: .backwards) else { continue }
            table[String(name[..<range.lowerBound]), default: []].append(index)
        }
        for disk in configuration.disks where disk.count > 1 {
            table[disk.id] = table["\(disk.id)0"]
        }
        return table
    }
}
