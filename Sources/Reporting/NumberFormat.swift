/// Locale-independent number formatting with fixed rules: the same value always prints the same bytes.
///
/// Nothing here goes through `String(format:)`, `NumberFormatter` or the C library's `printf`, whose output can
/// depend on the process locale.
package enum NumberFormat {
    /// What the table prints for a NaN or an infinity.
    package static let notAvailable = "n/a"

    /// The shortest decimal that reads back to the same Double (Swift's `description`, the rule JSONEncoder uses),
    /// without a trailing `.0`, and `0` for negative zero; nil for NaN and ±infinity.
    package static func shortest(_ x: Double) -> String? {
        guard x.isFinite else { return nil }
        if x == 0 { return "0" }
        var text = x.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    /// `x` rounded half away from zero to `decimals` places (0...6), always with exactly that many decimals and never
    /// with an exponent while |x| × 10^decimals < 9e18 (beyond, the shortest form); `n/a` for NaN and ±infinity.
    package static func fixed(_ x: Double, decimals: Int) -> String {
        guard x.isFinite else { return notAvailable }
        let places = min(max(decimals, 0), 6)
        var scale: Int64 = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = (x.magnitude * Double(scale)).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e18 else { return shortest(x) ?? notAvailable }
        let units = Int64(scaled)
        let sign = x < 0 && units != 0 ? "-" : ""
        let whole = String(units / scale)
        guard places > 0 else { return sign + whole }
        let fraction = String(units % scale)
        return sign + whole + "." + String(repeating: "0", count: places - fraction.count) + fraction
    }

    /// A ratio in [0, 1] as a percentage with one decimal, without the `%` sign: 0.4731 → `47.3`.
    static func percent(_ ratio: Double) -> String {
        fixed(ratio * 100, decimals: 1)
    }

    /// `part / whole` as a percentage with one decimal, `n/a` when `whole` is 0.
    static func percent(_ part: Int64, of whole: Int64) -> String {
        whole == 0 ? notAvailable : percent(Double(part) / Double(whole))
    }

    /// A count or rate with a magnitude suffix, like fio's IOPS and bandwidth figures: below 10000 the whole number
    /// (`9876`); above, scaled by `base` with three significant digits (`12.3k`, `163k`, `1.23M`). `units[0]` is the
    /// unscaled suffix, each next one `base` times larger.
    static func scaled(_ x: Double, base: Double, units: [String]) -> String {
        guard x.isFinite else { return notAvailable }
        let sign = x < 0 ? "-" : ""
        var value = x.magnitude
        if value < 10_000 || units.count < 2 {
            return fixed(x, decimals: 0) + units[0]
        }
        var index = 0
        while value >= base && index < units.count - 1 {
            value /= base
            index += 1
        }
        var decimals = significantDecimals(value)
        // 999.6k would round to 1000k: carry into the next unit (1.00M).
        if roundedValue(value, decimals: decimals) >= base && index < units.count - 1 {
            value /= base
            index += 1
            decimals = significantDecimals(value)
        }
        return sign + fixed(value, decimals: decimals) + units[index]
    }

    /// A rate in the fio style: decimal prefixes (`163k`, `1.23M`).
    static func count(_ x: Double) -> String {
        scaled(x, base: 1000, units: ["", "k", "M", "G", "T", "P"])
    }

    /// A byte rate in both fio styles: binary and decimal prefixes, `638MiB/s (669MB/s)`; `n/a` when not finite.
    static func bandwidth(_ bytesPerSecond: Double) -> String {
        guard bytesPerSecond.isFinite else { return notAvailable }
        let binary = scaled(bytesPerSecond, base: 1024, units: ["B", "KiB", "MiB", "GiB", "TiB", "PiB"])
        let decimal = scaled(bytesPerSecond, base: 1000, units: ["B", "kB", "MB", "GB", "TB", "PB"])
        return "\(binary)/s (\(decimal)/s)"
    }

    /// A duration in nanoseconds with its own unit: `850 ns`, `9.50 us`, `1.20 ms`, `2.00 s`.
    static func duration(nanoseconds x: Double) -> String {
        guard x.isFinite else { return notAvailable }
        let unit = TimeUnit.fitting(x)
        return fixed(x / unit.nanoseconds, decimals: unit.decimals) + " " + unit.shortName
    }

    private static func significantDecimals(_ value: Double) -> Int {
        value < 10 ? 2 : value < 100 ? 1 : 0
    }

    private static func roundedValue(_ value: Double, decimals: Int) -> Double {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        return (value * scale).rounded(.toNearestOrAwayFromZero) / scale
    }
}
