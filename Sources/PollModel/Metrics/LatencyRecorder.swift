import Histogram
import SimKernel

/// The latencies of one series: a full HdrHistogram (3 significant digits) for the percentiles and the CDF, and the
/// exact sum for the mean, so that Little's law checks are not blurred by buckets. The simulator and the real loop
/// record through this one type, so a validation compares their latencies with the same conventions.
public struct LatencySeries: Sendable {
    public private(set) var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000_000,
                                                          numberOfSignificantValueDigits: .three)
    public private(set) var count = 0
    /// The sum of the recorded latencies in ns, kept as an integer: exact, whatever the order of the values, so that
    /// merged series (`add`) have exactly the sum of their parts. (A `Double` running sum of integers is exact too
    /// until it passes 2^53 ns, about 104 days of summed latency.)
    public private(set) var sumNs: Int64 = 0
    public var sum: Double { Double(sumNs) }
    public private(set) var bytes = 0
    public private(set) var max: SimTime = 0

    public init() {}

    @inline(__always)
    public mutating func record(_ latency: SimTime, bytes: Int) {
        let clamped = Swift.max(0, latency)
        _ = histogram.record(UInt64(clamped))
        count += 1
        sumNs += clamped
        self.bytes += bytes
        if clamped > max { max = clamped }
    }

    /// Adds every value recorded in `other`, as if they had been recorded here (same buckets, count, sum, bytes, max).
    public mutating func add(_ other: LatencySeries) {
        histogram.add(other.histogram)
        count += other.count
        sumNs += other.sumNs
        bytes += other.bytes
        max = Swift.max(max, other.max)
    }

    /// The latency at percentile `p` (0...100), 0 when nothing was recorded.
    public func percentile(_ p: Double) -> SimTime {
        count == 0 ? 0 : SimTime(histogram.valueAtPercentile(p))
    }

    /// The empirical CDF at every distinct recorded value (histogram bucket): (latency ns, fraction <= it).
    public var cdf: [LatencyCDFPoint] {
        guard count > 0 else { return [] }
        var points: [LatencyCDFPoint] = []
        var seen: UInt64 = 0
        for bucket in histogram.recordedValues() {
            seen += bucket.count
            points.append(LatencyCDFPoint(latency_ns: Int64(histogram.highestEquivalentForValue(bucket.value)),
                                          fraction: Double(seen) / Double(histogram.totalCount)))
        }
        return points
    }

    public var summary: LatencySummary {
        guard count > 0 else { return LatencySummary(mean: 0, p50: 0, p90: 0, p99: 0, p99_9: 0, p99_99: 0, max: 0) }
        return LatencySummary(mean: sum / Double(count), p50: percentile(50), p90: percentile(90), p99: percentile(99),
                              p99_9: percentile(99.9), p99_99: percentile(99.99), max: max)
    }
}

/// Guest-visible latencies of the measured window, per job and overall.
///
/// Each request is recorded once, in its job's series; the overall series is their merge, built when asked for.
/// (Recording every request twice, per job and overall, was about 4 % of a whole-model run; a merged histogram has
/// exactly the counts of one recorded value by value, docs/performance.md.)
struct LatencyRecorder: ~Copyable {
    /// An entity table, not an Array: recording mutates a series in place with no copy-on-write check.
    private(set) var perJob: EntityTable<LatencySeries>

    init(jobNames: [String]) {
        perJob = EntityTable(repeating: LatencySeries(), count: jobNames.count)
    }

    mutating func record(job: Int, latency: SimTime, bytes: Int) {
        perJob[job].record(latency, bytes: bytes)
    }

    /// Every job's latencies together.
    var total: LatencySeries {
        if perJob.count == 1 { return perJob[0] }
        var total = LatencySeries()
        for job in perJob.indices { total.add(perJob[job]) }
        return total
    }
}

/// One point of a latency CDF: the share of requests whose latency was at most `latency_ns`.
public struct LatencyCDFPoint: Codable, Sendable, Equatable {
    public var latency_ns: Int64
    public var fraction: Double

    public init(latency_ns: Int64, fraction: Double) {
        self.latency_ns = latency_ns
        self.fraction = fraction
    }
}
