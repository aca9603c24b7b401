/// The time units of the table, chosen like fio's `clat (usec)`: one unit per line, picked from a typical value.
enum TimeUnit: CaseIterable {
    case nanoseconds, microseconds, milliseconds, seconds

    var nanoseconds: Double {
        switch self {
        case .nanoseconds: return 1
        case .microseconds: return 1e3
        case .milliseconds: return 1e6
        case .seconds: return 1e9
        }
    }

    /// fio's spelling, used in line headers: `lat (usec)`.
    var fioName: String {
        switch self {
        case .nanoseconds: return "nsec"
        case .microseconds: return "usec"
        case .milliseconds: return "msec"
        case .seconds: return "sec"
        }
    }

    /// The spelling next to a single value: `9.50 us`.
    var shortName: String {
        switch self {
        case .nanoseconds: return "ns"
        case .microseconds: return "us"
        case .milliseconds: return "ms"
        case .seconds: return "s"
        }
    }

    /// Decimals printed in this unit: whole nanoseconds, hundredths of the larger units.
    var decimals: Int { self == .nanoseconds ? 0 : 2 }

    /// The largest unit in which `nanoseconds` is at least 1 (nanoseconds below 1 µs, and for 0, NaN or negatives).
    static func fitting(_ nanoseconds: Double) -> TimeUnit {
        guard nanoseconds.isFinite else { return .nanoseconds }
        let magnitude = nanoseconds.magnitude
        if magnitude >= 1e9 { return .seconds }
        if magnitude >= 1e6 { return .milliseconds }
        if magnitude >= 1e3 { return .microseconds }
        return .nanoseconds
    }

    /// The unit of a latency line, chosen from the median as fio chooses from the minimum, and never seconds (fio
    /// stops at msec): every value of the line is printed in it.
    static func forLatency(median: Int64) -> TimeUnit {
        min(fitting(Double(median)), .milliseconds)
    }
}

extension TimeUnit: Comparable {
    static func < (lhs: TimeUnit, rhs: TimeUnit) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }
}
