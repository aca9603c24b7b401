/// One request of a trace: when it was issued, where, what, and (when the recording knew it) how long it took.
///
/// Units are fixed: times in nanoseconds, offsets and lengths in bytes. See docs/trace-format.md.
public struct TraceRecord: Equatable, Sendable {
    /// Issue time in nanoseconds since the start of the trace (the first record of an imported trace is at 0).
    public var time: Int64
    /// The disk the request went to, as the trace names it (`vda`, `8:0`, `hm_1`, a file name). Not empty; no
    /// commas, whitespace or control characters.
    public var disk: String
    /// The queue of that disk (a virtqueue, a blk-mq hardware queue, a CPU); 0 when the source does not say.
    public var queue: Int
    public var op: TraceOp
    /// Byte offset on the disk.
    public var offset: Int64
    /// Bytes transferred; at least 1.
    public var length: Int
    /// Completion latency observed when the trace was recorded, in nanoseconds; nil when unknown.
    public var latency: Int64?

    public init(time: Int64, disk: String, queue: Int = 0, op: TraceOp, offset: Int64, length: Int,
                latency: Int64? = nil) {
        self.time = time
        self.disk = disk
        self.queue = queue
        self.op = op
        self.offset = offset
        self.length = length
        self.latency = latency
    }

    public var isWrite: Bool { op == .write }
}

/// A request's direction. Traces hold reads and writes only; importers drop other actions (trim, sync, flush) and
/// count them.
public enum TraceOp: String, Sendable, CaseIterable {
    case read = "R"
    case write = "W"
}

/// A problem in a trace file, compiler-style: `trace.csv:12: error: expected 7 fields, got 6`. Lines count from 1;
/// a problem with the file as a whole (cannot open it) has no line.
public struct TraceError: Error, CustomStringConvertible, Equatable, Sendable {
    public let file: String
    public let line: Int?
    public let message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): error: \(message)" }
        return "\(file): error: \(message)"
    }
}

/// A problem found in one line, before the reader adds the file name and line number.
struct LineFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
