import Histogram
import SimKernel

/// The latencies of one series: a full HdrHistogram (3 significant digits) for the percentiles and the CDF, and the
/// exact sum for the mean, so that Little's law checks are not blurred by buckets. The simulator and the real loop
/// record through this one type, so a validation compares their latencies with the same conventions.
public struct LatencySeries: Sendable {
    public private(set) var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000_000,
                                                          numberOfSignificantValueDigits: .three)
    public private(set) var count = 0
    public private(set) var sum: Double = 0
    public private(set) var bytes = 0
    public private(set) var max: SimTime = 0

    public init() {}

    @inline(__always)
    public mutating func record(_ latency: SimTime, bytes: Int) {
        let clamped = Swift.max(0, latency)
        _ = histogram.record(UInt64(clamped))
        count += 1
        sum += Double(clamped)
        self.bytes += bytes
        if clamped > max { max = clamped }
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
struct LatencyRecorder {
    private(set) var total = LatencySeries()
    private(set) var perJob: [LatencySeries]

    init(jobNames: [String]) {
        perJob = Array(repeating: LatencySeries(), count: jobNames.count)
    }

    mutating func record(job: Int, latency: SimTime, bytes: Int) {
        total.record(latency, bytes: bytes)
        perJob[job].record(latency, bytes: bytes)
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
