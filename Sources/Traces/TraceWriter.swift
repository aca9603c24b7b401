/// Writes a native trace record by record through a fixed buffer (constant memory). The file appears only when
/// `finish()` succeeds: records go to a temporary file next to it, renamed into place at the end, so an interrupted
/// import never leaves a truncated trace under the final name. `-` writes to standard output instead.
///
/// Every record is checked as the reader would check it (issue times never decrease, valid disk names, length >= 1),
/// so whatever the writer accepts, the reader reads back unchanged.
public final class TraceWriter {
    private let file: OutputFile
    private var finished = false
    private var previousTime: Int64 = 0
    /// The two disk names checked most recently (traces often alternate between two disks).
    private var lastDisk = ""
    private var otherDisk = ""
    /// Records written so far.
    public private(set) var count = 0

    public var path: String { file.path }

    /// Creates the file and writes the version line, `comments` (one `# ` line each) and the header.
    public init(path: String, comments: [String] = []) throws(TraceError) {
        file = try OutputFile(path: path)
        var head = NativeFormat.versionLine + "\n"
        for comment in comments {
            for line in comment.split(separator: "\n", omittingEmptySubsequences: false) { head += "# \(line)\n" }
        }
        head += NativeFormat.header + "\n"
        try file.write(head)
    }

    /// Appends one record.
    public func write(_ record: TraceRecord) throws(TraceError) {
        guard !finished else { throw failure("write after finish()") }
        guard record.time >= 0 else { throw failure("record \(count + 1): time \(record.time) ns is negative") }
        guard record.time >= previousTime else {
            throw failure("record \(count + 1): time \(record.time) ns is earlier than the previous record's \(previousTime) ns (records must be in issue-time order)")
        }
        if record.disk != lastDisk && record.disk != otherDisk {
            if let problem = NativeFormat.diskNameProblem(record.disk) { throw failure("record \(count + 1): \(problem)") }
            otherDisk = lastDisk
            lastDisk = record.disk
        }
        guard record.queue >= 0, record.queue <= Int(Int32.max) else {
            throw failure("record \(count + 1): queue \(record.queue) is not in 0...\(Int32.max)")
        }
        guard record.offset >= 0 else { throw failure("record \(count + 1): offset \(record.offset) is negative") }
        guard record.length >= 1 else { throw failure("record \(count + 1): length \(record.length) must be >= 1") }
        if let latency = record.latency, latency < 0 {
            throw failure("record \(count + 1): latency \(latency) ns is negative")
        }
        try file.reserve(6 * 20 + 8 + NativeFormat.maxDiskLength)
        previousTime = record.time
        file.append(number: UInt64(record.time))
        file.append(0x2C)
        file.append(record.disk)
        file.append(0x2C)
        file.append(number: UInt64(record.queue))
        file.append(0x2C)
        file.append(record.op == .read ? 0x52 : 0x57)
        file.append(0x2C)
        file.append(number: UInt64(record.offset))
        file.append(0x2C)
        file.append(number: UInt64(record.length))
        file.append(0x2C)
        if let latency = record.latency { file.append(number: UInt64(latency)) }
        file.append(0x0A)
        count += 1
    }

    /// Flushes, closes and renames the file into place.
    public func finish() throws(TraceError) {
        guard !finished else { return }
        finished = true
        try file.commit()
    }

    private func failure(_ message: String) -> TraceError { TraceError(file: file.path, line: nil, message: message) }
}
