/// Counts of non-negative 64-bit values in log-linear buckets, for percentiles in constant memory: values below
/// 2048 are counted exactly; above, each power-of-two range is split into 1024 equal buckets, so a reported value
/// is the lowest value of its bucket, within 1/1024 (0.1 %) below the true one. Multiples of 512 up to 1 MiB (block
/// sizes) are exact. Memory: 57 344 counters (448 KiB), allocated on first use.
struct LogHistogram {
    private static let subBits = 10
    private static let subCount = 1 << subBits  // 1024
    private var counts: [UInt64] = []
    private(set) var total: UInt64 = 0
    private(set) var min: Int64 = .max
    private(set) var max: Int64 = .min
    private(set) var sum: Double = 0

    static func index(_ value: UInt64) -> Int {
        if value < UInt64(2 * subCount) { return Int(value) }
        let magnitude = 63 - value.leadingZeroBitCount  // >= subBits + 1
        let shift = magnitude - subBits
        let sub = Int(value >> UInt64(shift)) - subCount  // 0..<subCount
        return 2 * subCount + (shift - 1) * subCount + sub
    }

    static func lowestValue(_ index: Int) -> UInt64 {
        if index < 2 * subCount { return UInt64(index) }
        let shift = (index - 2 * subCount) / subCount + 1
        let sub = (index - 2 * subCount) % subCount
        return UInt64(subCount + sub) << UInt64(shift)
    }

    mutating func record(_ value: Int64) {
        let v = UInt64(Swift.max(0, value))
        if counts.isEmpty { counts = Array(repeating: 0, count: 2 * Self.subCount + (64 - Self.subBits) * Self.subCount) }
        counts[Self.index(v)] += 1
        total += 1
        sum += Double(v)
        if value < min { min = value }
        if value > max { max = value }
    }

    var mean: Double { total == 0 ? 0 : sum / Double(total) }

    /// The nearest-rank percentile (`p` in 0...100): the smallest recorded bucket value with at least p % of the
    /// values at or below it; the maximum for p = 100. 0 when empty.
    func percentile(_ p: Double) -> Int64 {
        guard total > 0 else { return 0 }
        if p >= 100 { return max }
        let rank = Swift.max(1, UInt64((p / 100 * Double(total)).rounded(.up)))
        var seen: UInt64 = 0
        for (index, count) in counts.enumerated() where count > 0 {
            seen += count
            if seen >= rank { return Swift.min(Int64(Self.lowestValue(index)), max) }
        }
        return max
    }
}
