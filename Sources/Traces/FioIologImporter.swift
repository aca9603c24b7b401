/// fio iologs (`--write_iolog`), versions 2 and 3 (fio's HOWTO, "Trace file format"; fio's iolog.c).
///
/// ```
/// fio version 3 iolog                      fio version 2 iolog
/// 30 /tmp/data add                         /tmp/data add
/// 156 /tmp/data open                       /tmp/data open
/// 161 /tmp/data read 1011712 4096          /tmp/data read 1011712 4096
/// 806 /tmp/data write 7884800 8192         /tmp/data wait 5 0
/// 192491 /tmp/data close                   /tmp/data write 7884800 8192
/// ```
///
/// Version 3 (fio 3.31+, what `--write_iolog` writes) starts each line with a timestamp in **microseconds** since
/// the log was opened (fio writes `utime_since_now(&td->io_log_start_time)`), so time_ns = (t - t_first) x 1000.
/// Version 2 has no timestamps; only `wait` lines carry time, with the meaning chosen by `FioWaitSemantics`; a v2
/// log without waits puts every request at time 0 (replay it closed loop). `read` and `write` become records;
/// `trim`, `sync`, `datasync` and the file actions (`add`, `open`, `close`) are counted and dropped.
struct FioIologImporter: LineImporter {
    let wait: FioWaitSemantics
    private var version = 0
    private var axis = TimeAxis()
    /// v2: the time the latest `wait` set, in nanoseconds since the job started.
    private var waitClock: Int64 = 0
    private var lastFileBytes: [UInt8] = []
    private var lastDisk = ""
    private(set) var ignored: [String: Int] = [:]

    init(wait: FioWaitSemantics) { self.wait = wait }

    mutating func consume(_ line: ByteSpan, into output: inout [TraceRecord]) throws(ImportFailure) {
        if version == 0 {
            var text = line
            while !text.isEmpty && (text[text.count - 1] == 0x20 || text[text.count - 1] == 0x09) { text = text.prefix(text.count - 1) }
            if text.equals("fio version 2 iolog") {
                version = 2
            } else if text.equals("fio version 3 iolog") {
                version = 3
            } else {
                throw ImportFailure("not a fio iolog: the first line must be 'fio version 2 iolog' or 'fio version 3 iolog', got '\(line.text)' (fio no longer reads version 1 either)", fatal: true)
            }
            return
        }
        if line.isBlank { return }
        var cursor = FieldCursor(line)
        let timed = version == 3
        let shape = timed ? "'timestamp filename action' or 'timestamp filename action offset length'"
                          : "'filename action' or 'filename action offset length'"
        var stamp: UInt64?
        if timed {
            guard let value = cursor.token()?.uint64 else {
                throw ImportFailure("expected a timestamp in microseconds first (a version 3 iolog line is \(shape)), got '\(line.text)'")
            }
            stamp = value
        }
        guard let file = cursor.token(), let action = cursor.token() else {
            throw ImportFailure("expected \(shape), got '\(line.text)'")
        }
        let offsetToken = cursor.token()
        let lengthToken = cursor.token()
        guard cursor.token() == nil, (offsetToken == nil) == (lengthToken == nil) else {
            throw ImportFailure("expected \(shape), got '\(line.text)'")
        }
        guard let offsetToken, let lengthToken else {
            guard action.equals("add") || action.equals("open") || action.equals("close") else {
                throw ImportFailure("unknown file action '\(action.text)' (expected add, open or close)")
            }
            ignored["file action", default: 0] += 1
            return
        }
        let isWrite: Bool
        if action.equals("read") {
            isWrite = false
        } else if action.equals("write") {
            isWrite = true
        } else if action.equals("wait") {
            guard !timed else {
                ignored["wait (fio ignores it in version 3)", default: 0] += 1
                return
            }
            try applyWait(offsetToken)
            return
        } else if action.equals("trim") {
            ignored["trim", default: 0] += 1
            return
        } else if action.equals("sync") || action.equals("datasync") {
            ignored["sync", default: 0] += 1
            return
        } else {
            throw ImportFailure("unknown action '\(action.text)' (expected read, write, trim, sync, datasync or wait)")
        }
        guard let offset = offsetToken.int64 else {
            throw ImportFailure("offset: expected a whole number of bytes, got '\(offsetToken.text)'")
        }
        guard let length = lengthToken.int64, length >= 1, length <= Int64(UInt32.max) else {
            throw ImportFailure("length: expected a whole number of bytes from 1 to \(UInt32.max), got '\(lengthToken.text)'")
        }
        let raw: UInt64
        let time: Int64
        if let stamp {
            raw = stamp
            time = try axis.nanoseconds(raw: stamp, nanosecondsPerUnit: 1_000, unit: "us")
        } else {
            raw = UInt64(waitClock)
            time = try axis.nanoseconds(raw: raw, nanosecondsPerUnit: 1, unit: "ns")
        }
        let disk = try diskName(file)
        axis.commit(raw: raw, nanoseconds: time)
        output.append(TraceRecord(time: time, disk: disk, queue: 0, op: isWrite ? .write : .read, offset: offset,
                                  length: Int(length)))
    }

    /// A v2 `wait`: its value is in the offset field (`filename wait <value> <ignored>`).
    private mutating func applyWait(_ value: ByteSpan) throws(ImportFailure) {
        guard let amount = value.int64 else {
            throw ImportFailure("wait: expected a whole number, got '\(value.text)'")
        }
        switch wait {
        case .absoluteMilliseconds:
            let (ns, overflow) = amount.multipliedReportingOverflow(by: 1_000_000)
            guard !overflow else { throw ImportFailure("wait \(amount) ms is too large") }
            // fio sleeps only when the target is ahead of the clock; an earlier target does not move time back.
            waitClock = max(waitClock, ns)
        case .relativeMicroseconds:
            let (ns, overflow1) = amount.multipliedReportingOverflow(by: 1_000)
            let (sum, overflow2) = waitClock.addingReportingOverflow(ns)
            guard !overflow1, !overflow2 else { throw ImportFailure("wait \(amount) us is too large") }
            waitClock = sum
        }
    }

    private mutating func diskName(_ bytes: ByteSpan) throws(ImportFailure) -> String {
        if !lastFileBytes.isEmpty && bytes.equals(lastFileBytes) { return lastDisk }
        guard let name = bytes.validString else { throw ImportFailure("the file name is not valid UTF-8") }
        lastFileBytes = Array(UnsafeBufferPointer(start: bytes.base, count: bytes.count))
        lastDisk = NativeFormat.diskName(escaping: name)
        return lastDisk
    }

    mutating func finish(into output: inout [TraceRecord]) throws(ImportFailure) {
        if version == 0 {
            throw ImportFailure("the file is empty; a fio iolog starts with 'fio version 2 iolog' or 'fio version 3 iolog'", fatal: true)
        }
    }
}
