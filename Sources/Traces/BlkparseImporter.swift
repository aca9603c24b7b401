/// blkparse's default text output (`blkparse -i sda` with no `-f`/`-F` format), one event per line:
///
/// ```
///   8,0    3        1     0.000000000  697  Q  WS 3417048 + 8 [kworker/u8:2]
///   8,0    3        4     0.000010000  697  D  WS 3417048 + 8 [kworker/u8:2]
///   8,0    0        5     0.000210000    0  C  WS 3417048 + 8 [0]
/// ```
///
/// Fields: device (major,minor), CPU, sequence number, time in seconds with nine decimals, PID, action, RWBS, and for
/// requests `sector + sectors`. Sectors are 512 bytes whatever the device's block size, so offset = sector x 512 and
/// length = sectors x 512. One record per issue event (`D` by default, or `Q`); its latency is the time to the first
/// `C` event with the same device and start sector, when one follows within `pendingLimit` issues. The disk is
/// `major:minor` (a comma is not allowed in a disk name), the queue the issuing CPU. Discards, flushes and other
/// non-data requests are counted and dropped; the per-CPU summary blkparse prints at the end is skipped.
struct BlkparseImporter: LineImporter {
    let issue: BlkparseIssueEvent
    let pendingLimit: Int
    private var axis = TimeAxis()
    private var inSummary = false
    private(set) var ignored: [String: Int] = [:]

    /// Issued requests in issue order, waiting for their completion; ring[(sequence) % capacity].
    private var ring: [Pending?]
    private var head = 0  // sequence number of the oldest pending request
    private var count = 0
    /// (device, sector) of a pending request -> its sequence number.
    private var bySector: [SectorKey: Int] = [:]
    private var lastDevice = -1
    private var lastDisk = ""

    struct SectorKey: Hashable {
        let device: Int
        let sector: UInt64
    }

    struct Pending {
        var record: TraceRecord
        let key: SectorKey
        let issuedRaw: Int64
        var done: Bool
    }

    init(issue: BlkparseIssueEvent, pendingLimit: Int) {
        self.issue = issue
        self.pendingLimit = pendingLimit
        ring = Array(repeating: nil, count: pendingLimit + 1)
    }

    mutating func consume(_ line: ByteSpan, into output: inout [TraceRecord]) throws(ImportFailure) {
        if inSummary || line.isBlank { return }
        var cursor = FieldCursor(line)
        guard let deviceToken = cursor.token() else { return }
        guard let device = Self.device(deviceToken) else {
            if deviceToken.equals("CPU") || deviceToken.hasPrefix("CPU") || deviceToken.equals("Total") {
                inSummary = true  // blkparse's closing per-CPU and total statistics
                return
            }
            throw ImportFailure("not a blkparse event: expected 'major,minor cpu sequence seconds.nanoseconds pid action rwbs ...', got '\(line.text)'")
        }
        guard let cpuToken = cursor.token(), let cpu = cpuToken.int64, cpu <= Int64(Int32.max),
              let sequence = cursor.token(), sequence.isDigits,
              let timeToken = cursor.token(), let pidToken = cursor.token(), pidToken.isDigits,
              let action = cursor.token(), let rwbs = cursor.token() else {
            throw ImportFailure("not a blkparse event: expected 'major,minor cpu sequence seconds.nanoseconds pid action rwbs ...', got '\(line.text)'")
        }
        guard let raw = Self.nanoseconds(timeToken) else {
            throw ImportFailure("time: expected seconds with up to nine decimals (e.g. 0.000010000), got '\(timeToken.text)'")
        }
        let isIssue = action.count == 1 && action[0] == (issue == .dispatch ? 0x44 : 0x51)
        let isCompletion = action.count == 1 && action[0] == 0x43  // 'C'
        guard isIssue || isCompletion else {
            ignored["other blkparse event", default: 0] += 1
            return
        }
        // `sector + sectors`; requests without one (flushes, passthrough commands) are not data.
        guard let sectorToken = cursor.token(), let plus = cursor.token(), plus.equals("+"),
              let countToken = cursor.token() else {
            if isIssue { ignored["request without sectors (flush, passthrough)", default: 0] += 1 }
            return
        }
        guard let sector = sectorToken.uint64, sector <= UInt64(Int64.max / 512) else {
            throw ImportFailure("sector: expected a whole number, got '\(sectorToken.text)'")
        }
        guard let sectors = countToken.int64, sectors <= Int64(Int32.max) else {
            throw ImportFailure("sectors: expected a whole number, got '\(countToken.text)'")
        }
        let key = SectorKey(device: device, sector: sector)

        if isCompletion {
            complete(key, at: raw)
            release(into: &output)
            return
        }
        // An issue.
        var isWrite = false, isRead = false, isDiscard = false
        for i in 0..<rwbs.count {
            switch rwbs[i] {
            case 0x57: isWrite = true  // W
            case 0x52: isRead = true  // R
            case 0x44, 0x45: isDiscard = true  // D (discard), E (secure erase)
            default: break
            }
        }
        if isDiscard {
            ignored["discard", default: 0] += 1
            return
        }
        guard isWrite || isRead else {
            ignored["request that is neither read nor write (RWBS '\(rwbs.text)')", default: 0] += 1
            return
        }
        guard sectors > 0 else {
            ignored["zero-length request", default: 0] += 1
            return
        }
        let time = try axis.nanoseconds(raw: UInt64(raw), nanosecondsPerUnit: 1, unit: "ns")
        axis.commit(raw: UInt64(raw), nanoseconds: time)
        let record = TraceRecord(time: time, disk: diskName(device), queue: Int(cpu), op: isWrite ? .write : .read,
                                 offset: Int64(sector) * 512, length: Int(sectors) * 512)
        if count == pendingLimit {
            releaseOldest(into: &output)
        }
        let sequenceNumber = head + count
        ring[sequenceNumber % ring.count] = Pending(record: record, key: key, issuedRaw: raw, done: false)
        count += 1
        bySector[key] = sequenceNumber
        release(into: &output)
    }

    private mutating func complete(_ key: SectorKey, at raw: Int64) {
        guard let sequenceNumber = bySector.removeValue(forKey: key), sequenceNumber >= head else { return }
        let slot = sequenceNumber % ring.count
        guard var pending = ring[slot], !pending.done else { return }
        let latency = raw - pending.issuedRaw
        pending.record.latency = latency >= 0 ? latency : nil
        pending.done = true
        ring[slot] = pending
    }

    /// Releases the completed requests at the head, in issue order.
    private mutating func release(into output: inout [TraceRecord]) {
        while count > 0, let pending = ring[head % ring.count], pending.done {
            output.append(pending.record)
            ring[head % ring.count] = nil
            head += 1
            count -= 1
        }
    }

    /// Writes the oldest request without a latency (its completion never came within the window).
    private mutating func releaseOldest(into output: inout [TraceRecord]) {
        guard count > 0, let pending = ring[head % ring.count] else { return }
        if bySector[pending.key] == head { bySector.removeValue(forKey: pending.key) }
        output.append(pending.record)
        ring[head % ring.count] = nil
        head += 1
        count -= 1
    }

    mutating func finish(into output: inout [TraceRecord]) throws(ImportFailure) {
        while count > 0 {
            if let pending = ring[head % ring.count], pending.done {
                release(into: &output)
            } else {
                releaseOldest(into: &output)
            }
        }
    }

    private mutating func diskName(_ device: Int) -> String {
        if device != lastDevice {
            lastDevice = device
            lastDisk = "\(device >> 32):\(device & 0xFFFF_FFFF)"
        }
        return lastDisk
    }

    /// `8,0` -> major << 32 | minor.
    static func device(_ token: ByteSpan) -> Int? {
        var comma = -1
        for i in 0..<token.count where token[i] == 0x2C {
            comma = i
            break
        }
        guard comma > 0, comma < token.count - 1,
              let major = token.prefix(comma).int64, let minor = token.dropFirst(comma + 1).int64,
              major <= Int64(UInt32.max), minor <= Int64(UInt32.max) else { return nil }
        return Int(major) << 32 | Int(minor)
    }

    /// `12.000010000` -> 12000010000 ns (exact decimal arithmetic, no floating point).
    static func nanoseconds(_ token: ByteSpan) -> Int64? {
        var dot = -1
        for i in 0..<token.count where token[i] == 0x2E {
            dot = i
            break
        }
        guard dot > 0, dot < token.count - 1, token.count - dot - 1 <= 9,
              let seconds = token.prefix(dot).int64, let fraction = token.dropFirst(dot + 1).int64 else { return nil }
        var scale: Int64 = 1
        for _ in 0..<(9 - (token.count - dot - 1)) { scale *= 10 }
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (sum, overflow2) = ns.addingReportingOverflow(fraction * scale)
        guard !overflow, !overflow2 else { return nil }
        return sum
    }
}
