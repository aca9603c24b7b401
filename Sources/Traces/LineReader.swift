#if canImport(Glibc)
import Glibc
#endif

/// Reads a file (or standard input, `-`) line by line through one buffer, so that memory stays constant whatever
/// the file's length: the buffer starts at 256 KiB and grows only for a line longer than that, up to 1 MiB.
///
/// `next()` returns each line without its terminator (`\n` or `\r\n`) as bytes that stay valid until the next call.
final class LineReader {
    static let initialCapacity = 1 << 18
    static let maxLineLength = 1 << 20

    /// The file as named by the caller, for messages.
    let path: String
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Unconsumed bytes are buffer[start..<end].
    private var start = 0
    private var end = 0
    private var atEOF = false
    /// The number of the line last returned (1-based).
    private(set) var lineNumber = 0

    init(path: String) throws(TraceError) {
        self.path = path
        if path == "-" {
            fd = STDIN_FILENO
            ownsDescriptor = false
        } else {
            let opened = open(path, O_RDONLY | O_CLOEXEC)
            guard opened >= 0 else {
                throw TraceError(file: path, line: nil, message: "cannot open: \(String(cString: strerror(errno)))")
            }
            var info = stat()
            if fstat(opened, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
                close(opened)
                throw TraceError(file: path, line: nil, message: "cannot read: it is a directory")
            }
            fd = opened
            ownsDescriptor = true
        }
        capacity = Self.initialCapacity
        buffer = .allocate(capacity: capacity)
    }

    deinit {
        buffer.deallocate()
        if ownsDescriptor { close(fd) }
    }

    /// The next line, or nil at the end of the file. A final line without a terminator is returned too.
    func next() throws(TraceError) -> ByteSpan? {
        while true {
            if start < end, let found = memchr(buffer + start, 0x0A, end - start) {
                let newline = found.assumingMemoryBound(to: UInt8.self) - UnsafeMutableRawPointer(buffer).assumingMemoryBound(to: UInt8.self)
                var lineEnd = newline
                if lineEnd > start && buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let line = ByteSpan(base: UnsafePointer(buffer + start), count: lineEnd - start)
                start = newline + 1
                lineNumber += 1
                return line
            }
            if atEOF {
                guard start < end else { return nil }
                var lineEnd = end
                if buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let line = ByteSpan(base: UnsafePointer(buffer + start), count: lineEnd - start)
                start = end
                lineNumber += 1
                return line
            }
            try fill()
        }
    }

    /// Reads more bytes after the unconsumed ones (moved to the front first).
    private func fill() throws(TraceError) {
        if start > 0 {
            if end > start { memmove(buffer, buffer + start, end - start) }
            end -= start
            start = 0
        }
        if end == capacity {
            guard capacity < Self.maxLineLength else {
                throw TraceError(file: path, line: lineNumber + 1,
                                 message: "line longer than \(Self.maxLineLength) bytes (is this a text trace?)")
            }
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: min(capacity * 2, Self.maxLineLength))
            bigger.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = bigger
            capacity = min(capacity * 2, Self.maxLineLength)
        }
        while true {
            let count = read(fd, buffer + end, capacity - end)
            if count > 0 {
                end += count
                return
            }
            if count == 0 {
                atEOF = true
                return
            }
            if errno == EINTR { continue }
            throw TraceError(file: path, line: nil, message: "read failed: \(String(cString: strerror(errno)))")
        }
    }
}
