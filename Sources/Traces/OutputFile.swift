#if canImport(Glibc)
import Glibc
#endif

/// A file written through one fixed buffer, created under a temporary name and renamed into place by `commit()`
/// (so a reader never sees a half-written file under the final name); `-` is standard output, written directly.
/// Closing without `commit()` (an error, or deinit) removes the temporary file.
final class OutputFile {
    let path: String
    private let temporaryPath: String?
    private let fd: Int32
    static let capacity = 1 << 18
    private let buffer: UnsafeMutablePointer<UInt8>
    private var used = 0
    private var closed = false

    init(path: String) throws(TraceError) {
        self.path = path
        if path == "-" {
            fd = STDOUT_FILENO
            temporaryPath = nil
        } else {
            let temporary = path + ".tmp-\(getpid())"
            let opened = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard opened >= 0 else {
                throw TraceError(file: path, line: nil, message: "cannot write: \(String(cString: strerror(errno)))")
            }
            fd = opened
            temporaryPath = temporary
        }
        buffer = .allocate(capacity: Self.capacity)
    }

    deinit {
        if !closed, let temporaryPath {
            close(fd)
            unlink(temporaryPath)
        }
        buffer.deallocate()
    }

    /// Makes room for `bytes` more bytes (at most 4 KiB at a time).
    @inline(__always)
    func reserve(_ bytes: Int) throws(TraceError) {
        if Self.capacity - used < bytes { try flush() }
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        buffer[used] = byte
        used += 1
    }

    /// Decimal digits of `value` (call `reserve` first: up to 20 bytes), two at a time from a table.
    @inline(__always)
    func append(number value: UInt64) {
        if value < 10 {
            buffer[used] = UInt8(truncatingIfNeeded: value) &+ 0x30
            used += 1
            return
        }
        var length = 1
        var probe = value
        while probe >= 10 {
            probe /= 10
            length += 1
        }
        var v = value
        var i = used + length
        Self.digitPairs.withUnsafeBufferPointer { pairs in
            while v >= 100 {
                let pair = Int(v % 100) &* 2
                v /= 100
                i -= 2
                buffer[i] = pairs[pair]
                buffer[i + 1] = pairs[pair + 1]
            }
            if v >= 10 {
                let pair = Int(v) &* 2
                i -= 2
                buffer[i] = pairs[pair]
                buffer[i + 1] = pairs[pair + 1]
            } else {
                i -= 1
                buffer[i] = UInt8(truncatingIfNeeded: v) &+ 0x30
            }
        }
        used += length
    }

    /// "00" "01" ... "99" as bytes.
    private static let digitPairs: [UInt8] = {
        var pairs: [UInt8] = []
        for n in 0..<100 {
            pairs.append(UInt8(48 + n / 10))
            pairs.append(UInt8(48 + n % 10))
        }
        return pairs
    }()

    /// The UTF-8 bytes of `text` (call `reserve` first).
    @inline(__always)
    func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            (buffer + used).update(from: base, count: bytes.count)
            used += bytes.count
        }
    }

    /// Any amount of text, flushing as needed.
    func write(_ text: String) throws(TraceError) {
        for byte in text.utf8 {
            if used == Self.capacity { try flush() }
            append(byte)
        }
    }

    func flush() throws(TraceError) {
        var offset = 0
        while offset < used {
            let written = Glibc.write(fd, buffer + offset, used - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw TraceError(file: path, line: nil, message: "cannot write: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        used = 0
    }

    /// Flushes, closes and renames the file into place.
    func commit() throws(TraceError) {
        guard !closed else { return }
        try flush()
        closed = true
        guard let temporaryPath else { return }
        let closedOK = close(fd) == 0
        guard closedOK, rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw TraceError(file: path, line: nil, message: "cannot write: \(reason)")
        }
    }
}
