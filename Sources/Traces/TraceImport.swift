/// The foreign formats `pollsim trace import` reads.
public enum TraceFormat: String, Sendable, CaseIterable {
    /// fio's `--write_iolog` output, versions 2 and 3.
    case fioIolog = "fio-iolog"
    /// blkparse's default text output.
    case blkparse
    /// The MSR Cambridge block traces (SNIA IOTTA), CSV.
    case msr
}

/// Which blkparse event counts as the issue of a request.
public enum BlkparseIssueEvent: String, Sendable, CaseIterable {
    /// `D`: issued to the device driver (the default; its latency to `C` is the device's service time).
    case dispatch = "D"
    /// `Q`: queued by the block layer (the latency to `C` then includes the I/O scheduler; merged requests have none).
    case queue = "Q"
}

/// What a `wait` line of a version 2 fio iolog means. fio's documentation and fio's code disagree; see
/// docs/trace-format.md.
public enum FioWaitSemantics: String, Sendable, CaseIterable {
    /// What fio's replay code does (iolog.c, read_iolog_get, fio 1.x to 3.x): the value is a time in milliseconds
    /// since the job started; the following I/Os are not issued before it.
    case absoluteMilliseconds = "absolute-ms"
    /// What fio's HOWTO and man page say: wait that many microseconds after the previous wait.
    case relativeMicroseconds = "relative-us"
}

public struct ImportOptions: Sendable, Equatable {
    /// Skip malformed lines (counting them) instead of stopping at the first.
    public var skipBad: Bool
    public var blkparseIssueEvent: BlkparseIssueEvent
    public var fioWait: FioWaitSemantics
    /// blkparse: issued requests held back while waiting for their completion event (bounded memory); beyond this
    /// the oldest is written without a latency.
    public var blkparsePendingLimit: Int

    public init(skipBad: Bool = false, blkparseIssueEvent: BlkparseIssueEvent = .dispatch,
                fioWait: FioWaitSemantics = .absoluteMilliseconds, blkparsePendingLimit: Int = 65_536) {
        self.skipBad = skipBad
        self.blkparseIssueEvent = blkparseIssueEvent
        self.fioWait = fioWait
        self.blkparsePendingLimit = max(1, blkparsePendingLimit)
    }
}

/// What an import read and wrote.
public struct ImportSummary: Sendable, Equatable {
    /// Input lines read.
    public var lines = 0
    /// Records produced, by operation.
    public var operations = OperationCounts()
    public var records: Int { operations.records }
    public var reads: Int { operations.reads }
    public var writes: Int { operations.writes }
    public var readBytes: Int64 { operations.readBytes }
    public var writeBytes: Int64 { operations.writeBytes }
    /// Records with a known completion latency.
    public var withLatency = 0
    /// Malformed lines skipped under `skipBad`.
    public var skipped = 0
    /// The first few skipped lines' errors.
    public var firstSkipped: [TraceError] = []
    /// Valid input that is not a read or a write, by kind (`trim`, `sync`, `file action`, `discard`, ...): dropped
    /// on purpose, counted so that nothing disappears silently.
    public var ignored: [String: Int] = [:]

    public init() {}

    mutating func count(_ record: TraceRecord) {
        operations.add(record)
        if record.latency != nil { withLatency += 1 }
    }
}

/// A line-by-line parser of one foreign format. `consume` appends the records a line completes to `output`
/// (usually zero or one; blkparse releases held-back records when their completion arrives).
protocol LineImporter {
    mutating func consume(_ line: ByteSpan, into output: inout [TraceRecord]) throws(ImportFailure)
    /// End of input: release anything held back; fail if the input as a whole was not of this format.
    mutating func finish(into output: inout [TraceRecord]) throws(ImportFailure)
    var ignored: [String: Int] { get }
}

/// A problem with one input line. `fatal` problems (not this format at all) stop the import even under skipBad.
struct ImportFailure: Error {
    let message: String
    let fatal: Bool
    init(_ message: String, fatal: Bool = false) {
        self.message = message
        self.fatal = fatal
    }
}

/// Keeps imported issue times in order: the first record is time 0, later ones count from it, and a time earlier
/// than the previous record's is an error (the native format is in issue-time order). Works in the source's unit and
/// converts with an overflow check, so that 64-bit FILETIME stamps do not overflow when turned into nanoseconds.
struct TimeAxis {
    private(set) var origin: UInt64?
    private(set) var previous: Int64 = 0

    /// Nanoseconds since the first record for a raw stamp in units of `nanosecondsPerUnit`; nothing is committed.
    func nanoseconds(raw: UInt64, nanosecondsPerUnit: Int64, unit: String) throws(ImportFailure) -> Int64 {
        let base = origin ?? raw
        guard raw >= base else {
            throw ImportFailure("time \(raw) \(unit) is earlier than the first record's \(base) \(unit) (records must be in issue-time order)")
        }
        let (ns, overflow) = Int64(clamping: raw - base).multipliedReportingOverflow(by: nanosecondsPerUnit)
        guard !overflow, raw - base <= UInt64(Int64.max) else {
            throw ImportFailure("time \(raw) \(unit) is too far from the first record's (more than 292 years)")
        }
        guard ns >= previous else {
            throw ImportFailure("time goes backwards: \(ns) ns after the start is earlier than the previous record's \(previous) ns (records must be in issue-time order)")
        }
        return ns
    }

    mutating func commit(raw: UInt64, nanoseconds: Int64) {
        if origin == nil { origin = raw }
        previous = nanoseconds
    }
}

/// `pollsim trace import`: reads a foreign trace line by line and produces native records, in constant memory.
public enum TraceImporter {
    /// Reads `path` (`-` = standard input) in `format` and hands each record to `body`, in issue-time order.
    /// A malformed line throws `path:line: error: ...`, or is skipped and counted when `options.skipBad`.
    public static func read(format: TraceFormat, path: String, options: ImportOptions = ImportOptions(),
                            _ body: (TraceRecord) throws -> Void) throws -> ImportSummary {
        switch format {
        case .fioIolog:
            var importer = FioIologImporter(wait: options.fioWait)
            return try run(&importer, path: path, options: options, body)
        case .blkparse:
            var importer = BlkparseImporter(issue: options.blkparseIssueEvent, pendingLimit: options.blkparsePendingLimit)
            return try run(&importer, path: path, options: options, body)
        case .msr:
            var importer = MSRImporter()
            return try run(&importer, path: path, options: options, body)
        }
    }

    /// Imports `input` into a native trace at `output` (written atomically; `-` = standard output).
    public static func importTrace(format: TraceFormat, from input: String, to output: String,
                                   options: ImportOptions = ImportOptions()) throws -> ImportSummary {
        let writer = try TraceWriter(path: output, comments: [
            "imported by pollsim from \(format.rawValue): \(input)",
            "time_ns counts from the first request; offsets and lengths in bytes",
        ])
        let summary = try read(format: format, path: input, options: options) { try writer.write($0) }
        try writer.finish()
        return summary
    }

    private static func run<I: LineImporter>(_ importer: inout I, path: String, options: ImportOptions,
                                             _ body: (TraceRecord) throws -> Void) throws -> ImportSummary {
        let lines = try LineReader(path: path)
        var summary = ImportSummary()
        var output: [TraceRecord] = []
        output.reserveCapacity(16)
        while let line = try lines.next() {
            do {
                try importer.consume(line, into: &output)
            } catch {
                let located = TraceError(file: path, line: lines.lineNumber, message: error.message)
                guard options.skipBad, !error.fatal else { throw located }
                summary.skipped += 1
                if summary.firstSkipped.count < 10 { summary.firstSkipped.append(located) }
            }
            if !output.isEmpty {
                for record in output {
                    summary.count(record)
                    try body(record)
                }
                output.removeAll(keepingCapacity: true)
            }
        }
        summary.lines = lines.lineNumber
        do {
            try importer.finish(into: &output)
        } catch {
            throw TraceError(file: path, line: nil, message: error.message)
        }
        for record in output {
            summary.count(record)
            try body(record)
        }
        summary.ignored = importer.ignored
        return summary
    }
}
