import Foundation

/// `pollsim trace stats`: what a trace holds, computed in one streaming pass (constant memory).
public struct TraceStats: Codable, Sendable, Equatable {
    public static let currentSchema = 1

    /// A distribution summary. Percentiles are nearest-rank over log-linear buckets (within 0.1 % below the true
    /// value; exact for values below 2048 and for multiples of 512 up to 1 MiB).
    public struct Distribution: Codable, Sendable, Equatable {
        public var count: Int
        public var min: Int64
        public var mean: Double
        public var p50: Int64
        public var p90: Int64
        public var p99: Int64
        public var p99_9: Int64
        public var max: Int64

        init(_ histogram: LogHistogram) {
            count = Int(histogram.total)
            min = histogram.total == 0 ? 0 : histogram.min
            mean = histogram.mean
            p50 = histogram.percentile(50)
            p90 = histogram.percentile(90)
            p99 = histogram.percentile(99)
            p99_9 = histogram.percentile(99.9)
            max = histogram.total == 0 ? 0 : histogram.max
        }
    }

    public struct DiskCount: Codable, Sendable, Equatable {
        public var disk: String
        public var records: Int
    }

    public var schema = TraceStats.currentSchema
    public var file: String
    public var records: Int
    public var reads: Int
    public var writes: Int
    /// reads / records (0 when empty).
    public var read_fraction: Double
    public var read_bytes: Int64
    public var write_bytes: Int64
    /// Last issue time minus first issue time.
    public var duration_ns: Int64
    /// (records - 1) / duration: one over the mean inter-arrival time. 0 with fewer than two records or no duration.
    public var iops: Double
    /// Bytes of all records but the last per second of duration, matching `iops`.
    public var bw_bytes_per_s: Double
    public var size_bytes: Distribution
    /// Gaps between consecutive issue times (records - 1 values).
    public var interarrival_ns: Distribution
    /// Recorded completion latencies; `count` says how many records had one.
    public var latency_ns: Distribution
    /// Records per disk, in order of first appearance (at most 64 disks are listed).
    public var disks: [DiskCount]
    /// Records on disks beyond the 64 listed.
    public var other_disks_records: Int

    /// Reads `path` and computes the statistics.
    public static func compute(path: String) throws -> TraceStats {
        let reader = try TraceReader(path: path)
        var accumulator = Accumulator()
        while let record = try reader.next() { accumulator.add(record) }
        return accumulator.stats(file: path)
    }

    /// Statistics of records already in memory (tests, small traces).
    public static func compute(records: [TraceRecord], file: String = "-") -> TraceStats {
        var accumulator = Accumulator()
        for record in records { accumulator.add(record) }
        return accumulator.stats(file: file)
    }

    struct Accumulator {
        var operations = OperationCounts()
        var lastLength: Int64 = 0
        var first: Int64 = 0, previous: Int64 = 0
        var sizes = LogHistogram(), gaps = LogHistogram(), latencies = LogHistogram()
        var disks: [DiskCount] = []
        var diskIndex: [String: Int] = [:]
        var lastDisk = "", lastDiskSlot = -1
        var otherDisks = 0

        mutating func add(_ record: TraceRecord) {
            if operations.records == 0 { first = record.time } else { gaps.record(record.time - previous) }
            previous = record.time
            operations.add(record)
            lastLength = Int64(record.length)
            sizes.record(Int64(record.length))
            if let latency = record.latency { latencies.record(latency) }
            if record.disk != lastDisk || lastDiskSlot < 0 {
                lastDisk = record.disk
                if let slot = diskIndex[record.disk] {
                    lastDiskSlot = slot
                } else if disks.count < 64 {
                    diskIndex[record.disk] = disks.count
                    lastDiskSlot = disks.count
                    disks.append(DiskCount(disk: record.disk, records: 0))
                } else {
                    lastDiskSlot = Int.max
                }
            }
            if lastDiskSlot == Int.max { otherDisks += 1 } else { disks[lastDiskSlot].records += 1 }
        }

        func stats(file: String) -> TraceStats {
            let (records, reads, writes) = (operations.records, operations.reads, operations.writes)
            let (readBytes, writeBytes) = (operations.readBytes, operations.writeBytes)
            let duration = records > 0 ? previous - first : 0
            let seconds = Double(duration) / 1e9
            let rate = records >= 2 && duration > 0 ? Double(records - 1) / seconds : 0
            let bandwidth = records >= 2 && duration > 0 ? Double(readBytes + writeBytes - lastLength) / seconds : 0
            return TraceStats(file: file, records: records, reads: reads, writes: writes,
                              read_fraction: records == 0 ? 0 : Double(reads) / Double(records),
                              read_bytes: readBytes, write_bytes: writeBytes, duration_ns: duration, iops: rate,
                              bw_bytes_per_s: bandwidth, size_bytes: Distribution(sizes),
                              interarrival_ns: Distribution(gaps), latency_ns: Distribution(latencies),
                              disks: disks, other_disks_records: otherDisks)
        }
    }

    // MARK: Output

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    public func table() -> String {
        var lines: [String] = []
        lines.append("trace: \(file)")
        lines.append("records: \(records)  (reads \(reads), writes \(writes); read fraction \(Self.fixed(read_fraction * 100, 1)) %)")
        lines.append("bytes: read \(read_bytes), written \(write_bytes)")
        lines.append("duration: \(Self.duration(duration_ns))  IOPS: \(Self.fixed(iops, 1))  bandwidth: \(Self.fixed(bw_bytes_per_s / 1e6, 2)) MB/s")
        lines.append("")
        let header = ["", "count", "min", "mean", "p50", "p90", "p99", "p99.9", "max"]
        var rows = [header]
        func row(_ name: String, _ d: Distribution, unit: (Int64) -> String, mean: (Double) -> String) -> [String] {
            guard d.count > 0 else { return [name, "0", "-", "-", "-", "-", "-", "-", "-"] }
            return [name, "\(d.count)", unit(d.min), mean(d.mean), unit(d.p50), unit(d.p90), unit(d.p99), unit(d.p99_9), unit(d.max)]
        }
        rows.append(row("size (bytes)", size_bytes, unit: { "\($0)" }, mean: { Self.fixed($0, 1) }))
        rows.append(row("inter-arrival", interarrival_ns, unit: Self.duration, mean: { Self.duration(Int64($0.rounded())) }))
        rows.append(row("latency", latency_ns, unit: Self.duration, mean: { Self.duration(Int64($0.rounded())) }))
        let widths = (0..<header.count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for (index, row) in rows.enumerated() {
            let cells = row.enumerated().map { column, cell in
                column == 0 ? cell.padding(toLength: widths[0], withPad: " ", startingAt: 0)
                            : String(repeating: " ", count: widths[column] - cell.count) + cell
            }
            lines.append(cells.joined(separator: "  "))
            if index == 0 { lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
        lines.append("")
        let shown = disks.prefix(16).map { "\($0.disk) \($0.records)" }.joined(separator: ", ")
        var diskLine = "disks: \(shown)"
        if disks.count > 16 || other_disks_records > 0 {
            diskLine += " (and more; --output-format json lists up to 64)"
        }
        lines.append(diskLine)
        return lines.joined(separator: "\n")
    }

    /// `850ns`, `12.5us`, `3.20ms`, `1.500s`.
    static func duration(_ ns: Int64) -> String {
        let value = Double(ns)
        if ns < 1_000 { return "\(ns)ns" }
        if ns < 1_000_000 { return fixed(value / 1e3, 2) + "us" }
        if ns < 1_000_000_000 { return fixed(value / 1e6, 2) + "ms" }
        return fixed(value / 1e9, 3) + "s"
    }

    static func fixed(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}
