/// Turns the requests of a simulation run into a native trace in issue-time order (`pollsim run --trace-out`).
///
/// A simulator reports a request twice: when its job issues it, and when the guest has seen its completion.
/// Completions arrive out of issue order, so completed requests wait in a heap until no request still in flight was
/// issued earlier; then they are written. This is exact (the trace is sorted by issue time) as long as the simulator
/// keeps its promise that a request issued later never has an earlier issue time than one already completed (true
/// of a discrete-event simulation: a request is issued at or after the current simulated time). Memory is bounded by
/// the requests in flight plus those that completed while an older one was still in flight.
///
/// Times are written relative to the first recorded request. Only completions flagged `measured` (inside the
/// measurement window) become records; the others are only retired.
public final class SimulationTraceRecorder {
    private let writer: TraceWriter
    /// Issue sequence number of the request occupying each slot, or -1 when the slot is free.
    private var slotSequence: [Int] = []
    /// Requests in flight by (issue time, sequence), with entries of completed requests removed lazily.
    private var inFlight = MinHeap<Key>()
    /// Completed, measured requests not yet written.
    private var completed = MinHeap<Completed>()
    private var sequence = 0
    private var origin: Int64?
    private var queueNames: [String: (disk: String, queue: Int)] = [:]
    public var written: Int { writer.count }

    struct Key: Comparable {
        let time: Int64
        let sequence: Int
        let slot: Int
        static func < (a: Key, b: Key) -> Bool { (a.time, a.sequence) < (b.time, b.sequence) }
        static func == (a: Key, b: Key) -> Bool { a.time == b.time && a.sequence == b.sequence }
    }

    struct Completed: Comparable {
        let key: Key
        let record: TraceRecord
        static func < (a: Completed, b: Completed) -> Bool { a.key < b.key }
        static func == (a: Completed, b: Completed) -> Bool { a.key == b.key }
    }

    public init(writer: TraceWriter) {
        self.writer = writer
    }

    /// A job issued the request that now occupies `slot` (slots are reused once a request completes).
    public func issued(slot: Int, at time: Int64) {
        if slot >= slotSequence.count {
            slotSequence.append(contentsOf: repeatElement(-1, count: slot - slotSequence.count + 1))
        }
        slotSequence[slot] = sequence
        inFlight.push(Key(time: time, sequence: sequence, slot: slot))
        sequence += 1
    }

    /// The guest has seen the completion of the request in `slot`. `queueName` is the simulator's virtqueue name
    /// (`vda.vq0`, `vdb7.vq1`): the disk is the part before `.vq`, the queue the number after it.
    public func completed(slot: Int, issuedAt: Int64, queueName: String, isWrite: Bool, bytes: Int, latency: Int64,
                          measured: Bool) throws {
        guard slot < slotSequence.count, slotSequence[slot] >= 0 else { return }
        let key = Key(time: issuedAt, sequence: slotSequence[slot], slot: slot)
        slotSequence[slot] = -1
        if measured {
            let (disk, queue) = split(queueName)
            completed.push(Completed(key: key, record: TraceRecord(time: issuedAt, disk: disk, queue: queue,
                                                                   op: isWrite ? .write : .read, offset: 0,
                                                                   length: bytes, latency: latency)))
        }
        // Drop in-flight entries of completed requests, then write what nothing in flight precedes.
        while let top = inFlight.min, slotSequence[top.slot] != top.sequence { _ = inFlight.popMin() }
        let horizon = inFlight.min
        while let next = completed.min, horizon.map({ next.key < $0 }) ?? true {
            _ = completed.popMin()
            try emit(next.record)
        }
    }

    /// Writes whatever is still held (requests in flight at the end never completed and are not written) and
    /// finishes the file.
    public func finish() throws {
        while let next = completed.popMin() { try emit(next.record) }
        try writer.finish()
    }

    private func emit(_ record: TraceRecord) throws {
        var record = record
        let base = origin ?? record.time
        origin = base
        record.time -= base
        try writer.write(record)
    }

    private func split(_ queueName: String) -> (disk: String, queue: Int) {
        if let known = queueNames[queueName] { return known }
        var result = (disk: NativeFormat.diskName(escaping: queueName), queue: 0)
        if let range = queueName.range(of: ".vq", options: .backwards),
           let queue = Int(queueName[range.upperBound...]) {
            result = (NativeFormat.diskName(escaping: String(queueName[..<range.lowerBound])), queue)
        }
        queueNames[queueName] = result
        return result
    }
}

/// A binary min-heap (the smallest element on top).
struct MinHeap<Element: Comparable> {
    private var elements: [Element] = []

    var count: Int { elements.count }
    var min: Element? { elements.first }

    mutating func push(_ element: Element) {
        elements.append(element)
        var child = elements.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard elements[child] < elements[parent] else { break }
            elements.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popMin() -> Element? {
        guard !elements.isEmpty else { return nil }
        elements.swapAt(0, elements.count - 1)
        let top = elements.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < elements.count && elements[left] < elements[smallest] { smallest = left }
            if right < elements.count && elements[right] < elements[smallest] { smallest = right }
            if smallest == parent { break }
            elements.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
