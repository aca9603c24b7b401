import Histogram
import SimKernel

/// Guest-visible latencies of the measured window: a full HdrHistogram (3 significant digits) per job and overall
/// for the percentiles, plus exact sums for the means, so that Little's law checks are not blurred by buckets.
struct LatencyRecorder {
    struct Series {
        var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000_000, numberOfSignificantValueDigits: .three)
        var count = 0
        var sum: Double = 0
        var bytes: Int = 0
        var max: SimTime = 0

        mutating func record(_ latency: SimTime, bytes: Int) {
            let clamped = Swift.max(0, latency)
            _ = histogram.record(UInt64(clamped))
            count += 1
            sum += Double(clamped)
            self.bytes += bytes
            if clamped > max { max = clamped }
        }

        /// The empirical CDF at every distinct recorded value (histogram bucket): (latency ns, fraction <= it).
        var cdf: [LatencyCDFPoint] {
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

        var summary: LatencySummary {
            guard count > 0 else { return LatencySummary(mean: 0, p50: 0, p90: 0, p99: 0, p99_9: 0, p99_99: 0, max: 0) }
            func at(_ percentile: Double) -> Int64 { Int64(histogram.valueAtPercentile(percentile)) }
            return LatencySummary(mean: sum / Double(count), p50: at(50), p90: at(90), p99: at(99), p99_9: at(99.9),
                                  p99_99: at(99.99), max: max)
        }
    }

    private(set) var total = Series()
    private(set) var perJob: [Series]

    init(jobNames: [String]) {
        perJob = Array(repeating: Series(), count: jobNames.count)
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
