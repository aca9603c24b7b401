/// The MSR Cambridge block traces (Narayanan et al., "Write off-loading", FAST 2008; SNIA IOTTA), one CSV line per
/// request, usually without a header:
///
/// ```
/// Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime
/// 128166372003061629,hm,1,Read,3154227200,4096,2815
/// ```
///
/// `Timestamp` is a Windows FILETIME: 100 ns ticks since 1601-01-01 UTC; time_ns = (Timestamp - first Timestamp)
/// x 100. `ResponseTime` is in the same 100 ns ticks: latency_ns = ResponseTime x 100. Offset and Size are bytes.
/// The disk is `Hostname_DiskNumber` (`hm_1`), as the trace files are named. A header line is recognised by its
/// first field `Timestamp` and skipped.
struct MSRImporter: LineImporter {
    private var axis = TimeAxis()
    private var first = true
    private var lastHostBytes: [UInt8] = []
    private var lastDiskNumber: Int64 = -1
    private var lastDisk = ""
    /// Disk names of the current host by disk number (traces interleave a host's disks).
    private var namesOfHost: [Int64: String] = [:]
    private(set) var ignored: [String: Int] = [:]

    static let expected = "Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime"

    mutating func consume(_ line: ByteSpan, into output: inout [TraceRecord]) throws(ImportFailure) {
        defer { first = false }
        if line.isBlank { return }
        var cursor = FieldCursor(line)
        guard let stampField = cursor.field(), let host = cursor.field(), let diskField = cursor.field(),
              let type = cursor.field(), let offsetField = cursor.field(), let sizeField = cursor.field(),
              let responseField = cursor.field(), cursor.atEnd else {
            throw ImportFailure("expected 7 fields (\(Self.expected)), got \(Self.fieldCount(line))")
        }
        if first && stampField.equalsIgnoringCase("timestamp") { return }
        guard let stamp = stampField.uint64 else {
            throw ImportFailure("Timestamp: expected a whole number of 100 ns ticks (Windows FILETIME), got '\(stampField.text)'")
        }
        guard !host.isEmpty else { throw ImportFailure("Hostname is empty") }
        guard let diskNumber = diskField.int64 else {
            throw ImportFailure("DiskNumber: expected a whole number, got '\(diskField.text)'")
        }
        let isWrite: Bool
        if type.equalsIgnoringCase("read") {
            isWrite = false
        } else if type.equalsIgnoringCase("write") {
            isWrite = true
        } else {
            throw ImportFailure("Type: expected Read or Write, got '\(type.text)'")
        }
        guard let offset = offsetField.int64 else {
            throw ImportFailure("Offset: expected a whole number of bytes, got '\(offsetField.text)'")
        }
        guard let size = sizeField.int64, size >= 1, size <= Int64(UInt32.max) else {
            throw ImportFailure("Size: expected a whole number of bytes from 1 to \(UInt32.max), got '\(sizeField.text)'")
        }
        guard let response = responseField.int64, response <= Int64.max / 100 else {
            throw ImportFailure("ResponseTime: expected a whole number of 100 ns ticks, got '\(responseField.text)'")
        }
        let time = try axis.nanoseconds(raw: stamp, nanosecondsPerUnit: 100, unit: "ticks")
        let disk = try diskName(host: host, number: diskNumber)
        axis.commit(raw: stamp, nanoseconds: time)
        output.append(TraceRecord(time: time, disk: disk, queue: 0, op: isWrite ? .write : .read, offset: offset,
                                  length: Int(size), latency: response * 100))
    }

    private mutating func diskName(host: ByteSpan, number: Int64) throws(ImportFailure) -> String {
        if number == lastDiskNumber && host.equals(lastHostBytes) { return lastDisk }
        if !host.equals(lastHostBytes) {
            guard host.validString != nil else { throw ImportFailure("Hostname is not valid UTF-8") }
            lastHostBytes = Array(UnsafeBufferPointer(start: host.base, count: host.count))
            namesOfHost.removeAll(keepingCapacity: true)
        }
        lastDiskNumber = number
        if let known = namesOfHost[number] {
            lastDisk = known
        } else {
            let name = String(decoding: lastHostBytes, as: UTF8.self)
            lastDisk = NativeFormat.diskName(escaping: "\(name)_\(number)")
            if namesOfHost.count < 1024 { namesOfHost[number] = lastDisk }
        }
        return lastDisk
    }

    static func fieldCount(_ line: ByteSpan) -> Int {
        var count = 1
        for i in 0..<line.count where line[i] == 0x2C { count += 1 }
        return count
    }

    mutating func finish(into output: inout [TraceRecord]) throws(ImportFailure) {}
}
