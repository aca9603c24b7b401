/// The native trace format, version 1 (docs/trace-format.md):
///
/// ```
/// # pollsim-trace v1
/// # any number of comment lines
/// time_ns,disk,queue,op,offset,length,latency_ns
/// 0,vda,0,R,1048576,4096,21000
/// 12500,vda,0,W,8192,8192,
/// ```
public enum NativeFormat {
    public static let version = 1
    public static let versionLine = "# pollsim-trace v1"
    public static let header = "time_ns,disk,queue,op,offset,length,latency_ns"
    /// The longest disk name a trace may hold, in bytes.
    public static let maxDiskLength = 255

    /// Why `name` cannot be a disk name, or nil when it can.
    public static func diskNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "the disk name is empty" }
        if name.utf8.count > maxDiskLength { return "the disk name is longer than \(maxDiskLength) bytes" }
        for byte in name.utf8 where byte <= 0x20 || byte == 0x7F || byte == 0x2C {
            return "the disk name '\(name)' contains a comma, a space or a control character"
        }
        return nil
    }

    /// `name` made into a valid disk name: `%` and the forbidden bytes percent-encoded (`a,b` -> `a%2Cb`); an empty
    /// name becomes `-`. Importers use it for names taken from the input (fio file names, MSR host names).
    public static func diskName(escaping name: String) -> String {
        if name.isEmpty { return "-" }
        if diskNameProblem(name) == nil && !name.utf8.contains(0x25) { return name }
        var out = ""
        for scalar in name.unicodeScalars {
            if scalar.value <= 0x20 || scalar.value == 0x7F || scalar == "," || scalar == "%" {
                out += "%" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        if out.utf8.count > maxDiskLength {
            out = String(decoding: Array(out.utf8.prefix(maxDiskLength)), as: UTF8.self)
            while diskNameProblem(out) != nil, !out.isEmpty { out.removeLast() }
        }
        return out
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}

/// Reads a native trace record by record, in constant memory (see `LineReader`). Problems are thrown as
/// `file:line: error: ...`; the reader checks every field and that issue times never decrease.
public final class TraceReader {
    private let lines: LineReader
    /// The comment lines before the header, without their `#` (the provenance an importer writes there).
    public private(set) var comments: [String] = []
    private var previousTime: Int64 = 0
    private var lastDiskBytes: [UInt8] = []
    private var lastDisk = ""
    private var pending: ByteSpan?

    public var path: String { lines.path }
    /// The line number of the record last returned.
    public var lineNumber: Int { lines.lineNumber }

    /// Opens `path` (`-` for standard input) and checks the version line and the header.
    public init(path: String) throws(TraceError) {
        lines = try LineReader(path: path)
        guard let first = try lines.next() else {
            throw TraceError(file: path, line: nil, message: "the file is empty; a native trace starts with '\(NativeFormat.versionLine)'")
        }
        if !first.equals("# pollsim-trace v1") {
            if first.hasPrefix("# pollsim-trace v"), let version = first.dropFirst(17).int64 {
                throw TraceError(file: path, line: 1, message: "unsupported trace format version \(version) (this pollsim reads version \(NativeFormat.version))")
            }
            throw TraceError(file: path, line: 1,
                             message: "not a pollsim trace: the first line must be '\(NativeFormat.versionLine)', got '\(first.text)' (import other formats with 'pollsim trace import')")
        }
        while let line = try lines.next() {
            if line.isBlank { continue }
            if line[0] == 0x23 {  // '#'
                if comments.count < 100 {
                    var text = line.dropFirst(1)
                    if !text.isEmpty && text[0] == 0x20 { text = text.dropFirst(1) }
                    comments.append(String(decoding: UnsafeBufferPointer(start: text.base, count: text.count), as: UTF8.self))
                }
                continue
            }
            guard line.equals("time_ns,disk,queue,op,offset,length,latency_ns") else {
                throw TraceError(file: path, line: lines.lineNumber,
                                 message: "expected the header '\(NativeFormat.header)', got '\(line.text)'")
            }
            return
        }
        throw TraceError(file: path, line: nil, message: "missing the header line '\(NativeFormat.header)'")
    }

    /// The next record, or nil at the end of the trace.
    public func next() throws(TraceError) -> TraceRecord? {
        while let line = try lines.next() {
            if line.isEmpty || line[0] == 0x23 || line.isBlank { continue }
            do {
                return try parse(line)
            } catch {
                throw TraceError(file: lines.path, line: lines.lineNumber, message: error.message)
            }
        }
        return nil
    }

    private func parse(_ line: ByteSpan) throws(LineFailure) -> TraceRecord {
        var cursor = FieldCursor(line)
        guard let f0 = cursor.field(), let f1 = cursor.field(), let f2 = cursor.field(), let f3 = cursor.field(),
              let f4 = cursor.field(), let f5 = cursor.field(), let f6 = cursor.field(), cursor.atEnd else {
            throw LineFailure("expected 7 fields (\(NativeFormat.header)), got \(Self.fieldCount(line))")
        }
        let fields = (f0, f1, f2, f3, f4, f5, f6)

        guard let time = fields.0.int64 else {
            throw LineFailure("time_ns: expected a whole number of nanoseconds, got '\(fields.0.text)'")
        }
        guard time >= previousTime else {
            throw LineFailure("time_ns \(time) is earlier than the previous record's \(previousTime) (records must be in issue-time order)")
        }
        let disk = try diskName(fields.1)
        guard let queue = fields.2.int64, queue <= Int64(Int32.max) else {
            throw LineFailure("queue: expected a whole number from 0 to \(Int32.max), got '\(fields.2.text)'")
        }
        let op: TraceOp
        if fields.3.count == 1 && fields.3[0] == 0x52 {
            op = .read
        } else if fields.3.count == 1 && fields.3[0] == 0x57 {
            op = .write
        } else {
            throw LineFailure("op: expected R or W, got '\(fields.3.text)'")
        }
        guard let offset = fields.4.int64 else {
            throw LineFailure("offset: expected a whole number of bytes, got '\(fields.4.text)'")
        }
        guard let length = fields.5.int64, length >= 1 else {
            throw LineFailure("length: expected a whole number of bytes >= 1, got '\(fields.5.text)'")
        }
        var latency: Int64?
        if !fields.6.isEmpty {
            guard let value = fields.6.int64 else {
                throw LineFailure("latency_ns: expected nothing (unknown) or a whole number of nanoseconds, got '\(fields.6.text)'")
            }
            latency = value
        }
        previousTime = time
        return TraceRecord(time: time, disk: disk, queue: Int(queue), op: op, offset: offset, length: Int(length),
                           latency: latency)
    }

    /// The disk field as a String; the previous record's String is reused when the bytes are the same (traces
    /// rarely change disk from one record to the next), so most records allocate nothing here.
    private func diskName(_ bytes: ByteSpan) throws(LineFailure) -> String {
        if bytes.equals(lastDiskBytes) && !lastDiskBytes.isEmpty { return lastDisk }
        guard let name = bytes.validString else { throw LineFailure("disk: not valid UTF-8 text") }
        if let problem = NativeFormat.diskNameProblem(name) { throw LineFailure("disk: \(problem)") }
        lastDiskBytes = Array(UnsafeBufferPointer(start: bytes.base, count: bytes.count))
        lastDisk = name
        return name
    }

    private static func fieldCount(_ line: ByteSpan) -> Int {
        var count = 1
        for i in 0..<line.count where line[i] == 0x2C { count += 1 }
        return count
    }

    /// Reads a whole trace through `body` (convenience for tools and tests).
    public static func forEach(path: String, _ body: (TraceRecord) throws -> Void) throws {
        let reader = try TraceReader(path: path)
        while let record = try reader.next() { try body(record) }
    }
}
