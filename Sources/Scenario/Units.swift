/// The unit grammar of scenario files. Each parser takes the scalar text and returns the value in model units
/// (nanoseconds, bytes, bytes per second, per second) or a message describing what was expected; the caller adds
/// the location. Numbers are decimal (`12`, `2.5`, `1e3`); signs other than a leading `-` (which is reported as
/// negative), NaN, infinity, and values that overflow are rejected.
enum Units {
    struct Failure: Error, Equatable {
        let message: String
    }

    // MARK: Numbers

    /// A decimal number: digits, an optional fraction, an optional exponent. Returns nil if `text` is not one.
    static func decimal(_ text: Substring) -> Double? {
        var index = text.startIndex
        func digits() -> Int {
            var count = 0
            while index < text.endIndex, let ascii = text[index].asciiValue, (48...57).contains(ascii) {
                index = text.index(after: index)
                count += 1
            }
            return count
        }
        guard digits() > 0 else { return nil }
        if index < text.endIndex, text[index] == "." {
            index = text.index(after: index)
            _ = digits()
        }
        if index < text.endIndex, text[index] == "e" || text[index] == "E" {
            index = text.index(after: index)
            if index < text.endIndex, text[index] == "+" || text[index] == "-" { index = text.index(after: index) }
            guard digits() > 0 else { return nil }
        }
        guard index == text.endIndex, let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// Splits `12.5us` (or `12.5 us`) into ("12.5", "us"). The number part is everything up to the first letter (or µ, or /).
    static func split(_ text: String) -> (number: Substring, suffix: Substring) {
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character.isLetter || character == "µ" || character == "/" {
                // An exponent is part of the number when a digit follows it: 1e3, 2.5E-2.
                if character == "e" || character == "E" {
                    let next = text.index(after: index)
                    if next < text.endIndex, text[next].isNumber || text[next] == "+" || text[next] == "-" {
                        index = next
                        continue
                    }
                }
                break
            }
            index = text.index(after: index)
        }
        // A space may separate the number from its unit: `10 us`.
        var number = text[text.startIndex..<index]
        while let last = number.last, last == " " { number.removeLast() }
        return (number, text[index...])
    }

    static func isNegative(_ text: String) -> Bool {
        text.hasPrefix("-") && text.dropFirst().first.map { $0.isNumber || $0 == "." } == true
    }

    // MARK: Durations

    /// Nanoseconds per unit of the duration suffixes.
    static let durationUnits: [(suffix: String, ns: Int64)] = [
        ("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000),
        ("m", 60_000_000_000), ("h", 3_600_000_000_000),
    ]

    /// A duration in nanoseconds as a Double (latencies and costs, which may be fractional): `10us`, `2.5ms`,
    /// `150ns`, `2s`, `1m`, `1h`. A bare number is nanoseconds when `bareIsNanoseconds`; otherwise only `0` may omit
    /// the unit.
    static func durationNs(_ text: String, bareIsNanoseconds: Bool = true) throws(Failure) -> Double {
        let trimmed = text.trimmingWhitespace()
        let expected = "expected a duration like 10us, got '\(ScenarioNode.clip(trimmed))'"
        if isNegative(trimmed) {
            throw Failure(message: "expected a non-negative duration like 10us, got '\(ScenarioNode.clip(trimmed))'")
        }
        let (numberText, suffix) = split(trimmed)
        guard let number = decimal(numberText) else { throw Failure(message: expected) }
        let perUnit: Int64
        if suffix.isEmpty {
            guard bareIsNanoseconds || number == 0 else {
                throw Failure(message: "'\(ScenarioNode.clip(trimmed))' needs a unit, like \(ScenarioNode.clip(trimmed))s or \(ScenarioNode.clip(trimmed))ms")
            }
            perUnit = 1
        } else if let unit = durationUnits.first(where: { $0.suffix == suffix }) {
            perUnit = unit.ns
        } else {
            throw Failure(message: "unknown duration unit '\(ScenarioNode.clip(String(suffix)))' in '\(ScenarioNode.clip(trimmed))' (use ns, us, ms, s, m or h)")
        }
        let value = number * Double(perUnit)
        guard value.isFinite, value < 9.2e18 else {
            throw Failure(message: "duration '\(ScenarioNode.clip(trimmed))' is too large")
        }
        return value
    }

    /// A duration in whole nanoseconds (simulated times: runtime, ramp_time, thinktime), rounded to the nearest ns.
    /// Integers are computed exactly, so large values do not lose precision through Double.
    static func duration(_ text: String, bareIsNanoseconds: Bool = true) throws(Failure) -> Int64 {
        let trimmed = text.trimmingWhitespace()
        let (numberText, suffix) = split(trimmed)
        if !numberText.isEmpty, numberText.allSatisfy({ $0.isASCII && $0.isNumber }),
           let unit = suffix.isEmpty ? (bareIsNanoseconds ? 1 : nil) : durationUnits.first(where: { $0.suffix == suffix })?.ns {
            guard let count = Int64(numberText) else {
                throw Failure(message: "duration '\(ScenarioNode.clip(trimmed))' is too large")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: unit)
            guard !overflow else { throw Failure(message: "duration '\(ScenarioNode.clip(trimmed))' is too large") }
            return product
        }
        let value = try durationNs(trimmed, bareIsNanoseconds: bareIsNanoseconds)
        return Int64(value.rounded())
    }

    // MARK: Sizes

    /// Bytes per size suffix. As in fio, k, m and g are powers of 1024 whatever their case, and a trailing `b` is
    /// allowed (`8k` = `8K` = `8KB` = 8192). `KiB`, `MiB`, `GiB` are also 1024-based (IEC). fio's default
    /// `kb_base=1024` reads `KiB` as 1000; pollsim does not follow fio there.
    static let sizeUnits: [(suffix: String, bytes: Int64)] = [
        ("", 1), ("b", 1),
        ("k", 1 << 10), ("kb", 1 << 10), ("kib", 1 << 10),
        ("m", 1 << 20), ("mb", 1 << 20), ("mib", 1 << 20),
        ("g", 1 << 30), ("gb", 1 << 30), ("gib", 1 << 30),
        ("t", 1 << 40), ("tb", 1 << 40), ("tib", 1 << 40),
    ]

    /// A size in bytes: `4096`, `8k`, `8K`, `128KiB`, `1m`. Whole numbers only.
    static func size(_ text: String) throws(Failure) -> Int64 {
        let trimmed = text.trimmingWhitespace()
        let expected = "expected a size like 4k or 4096, got '\(ScenarioNode.clip(trimmed))'"
        if isNegative(trimmed) {
            throw Failure(message: "expected a positive size like 4k, got '\(ScenarioNode.clip(trimmed))'")
        }
        let (numberText, suffix) = split(trimmed)
        guard !numberText.isEmpty, numberText.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            if decimal(numberText) != nil {
                throw Failure(message: "expected a whole number of bytes like 4k or 4096, got '\(ScenarioNode.clip(trimmed))'")
            }
            throw Failure(message: expected)
        }
        guard let unit = sizeUnits.first(where: { $0.suffix == suffix.lowercased() }) else {
            throw Failure(message: "unknown size unit '\(ScenarioNode.clip(String(suffix)))' in '\(ScenarioNode.clip(trimmed))' (use k, m, g or KiB, MiB, GiB)")
        }
        guard let count = Int64(numberText) else { throw Failure(message: "size '\(ScenarioNode.clip(trimmed))' is too large") }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: unit.bytes)
        guard !overflow else { throw Failure(message: "size '\(ScenarioNode.clip(trimmed))' is too large") }
        return bytes
    }

    // MARK: Bandwidth

    /// Bytes per second per bandwidth unit: decimal for B, kB, MB, GB, TB (as drive vendors quote them), binary for
    /// KiB, MiB, GiB, TiB.
    static let bandwidthUnits: [(suffix: String, bytesPerSecond: Double)] = [
        ("B/s", 1),
        ("kB/s", 1e3), ("KB/s", 1e3), ("MB/s", 1e6), ("GB/s", 1e9), ("TB/s", 1e12),
        ("KiB/s", 1024), ("MiB/s", 1_048_576), ("GiB/s", 1_073_741_824), ("TiB/s", 1_099_511_627_776),
    ]

    /// A bandwidth in bytes per second: `2.2GB/s`, `500MB/s`, `2GiB/s`; a bare number is bytes per second.
    static func bandwidth(_ text: String) throws(Failure) -> Double {
        let trimmed = text.trimmingWhitespace()
        let expected = "expected a bandwidth like 2.2GB/s, got '\(ScenarioNode.clip(trimmed))'"
        if isNegative(trimmed) {
            throw Failure(message: "expected a positive bandwidth like 2.2GB/s, got '\(ScenarioNode.clip(trimmed))'")
        }
        let (numberText, suffix) = split(trimmed)
        guard let number = decimal(numberText) else { throw Failure(message: expected) }
        let perUnit: Double
        if suffix.isEmpty {
            perUnit = 1
        } else if let unit = bandwidthUnits.first(where: { $0.suffix == suffix }) {
            perUnit = unit.bytesPerSecond
        } else if !suffix.hasSuffix("/s") {
            throw Failure(message: "a bandwidth is per second: write '\(ScenarioNode.clip(trimmed))/s'")
        } else {
            throw Failure(message: "unknown bandwidth unit '\(ScenarioNode.clip(String(suffix)))' in '\(ScenarioNode.clip(trimmed))' (use B/s, kB/s, MB/s, GB/s (powers of 1000) or KiB/s, MiB/s, GiB/s (powers of 1024))")
        }
        let value = number * perUnit
        guard value.isFinite else { throw Failure(message: "bandwidth '\(ScenarioNode.clip(trimmed))' is too large") }
        guard value > 0 else { throw Failure(message: "bandwidth must be > 0, got '\(ScenarioNode.clip(trimmed))' (omit the key for unlimited)") }
        return value
    }

    // MARK: Rates

    /// Multipliers of rates: `100k` = 100 000 per second, `1.5M`, `1G` (powers of 1000).
    static let rateUnits: [(suffix: String, factor: Double)] = [("", 1), ("k", 1e3), ("K", 1e3), ("M", 1e6), ("G", 1e9)]

    /// Events per second: `100000`, `100k`, `2.5M`.
    static func rate(_ text: String) throws(Failure) -> Double {
        let trimmed = text.trimmingWhitespace()
        if isNegative(trimmed) {
            throw Failure(message: "expected a positive rate like 100k, got '\(ScenarioNode.clip(trimmed))'")
        }
        let (numberText, suffix) = split(trimmed)
        guard let number = decimal(numberText), let unit = rateUnits.first(where: { $0.suffix == suffix }) else {
            throw Failure(message: "expected a rate like 100000 or 100k (per second), got '\(ScenarioNode.clip(trimmed))'")
        }
        let value = number * unit.factor
        guard value.isFinite else { throw Failure(message: "rate '\(ScenarioNode.clip(trimmed))' is too large") }
        guard value > 0 else { throw Failure(message: "rate must be > 0, got '\(ScenarioNode.clip(trimmed))'") }
        return value
    }

    // MARK: Plain values

    /// A whole number, possibly negative (so that range errors can be reported with QEMU's wording).
    static func integer(_ text: String) throws(Failure) -> Int64 {
        let trimmed = text.trimmingWhitespace()
        let body = trimmed.hasPrefix("-") || trimmed.hasPrefix("+") ? trimmed.dropFirst() : Substring(trimmed)
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw Failure(message: "expected a whole number, got '\(ScenarioNode.clip(trimmed))'")
        }
        guard let value = Int64(trimmed) else {
            throw Failure(message: "'\(ScenarioNode.clip(trimmed))' is out of range")
        }
        return value
    }

    /// A plain number (distribution shapes, weights, lognormal mu and sigma); may be negative (mu may be).
    static func number(_ text: String) throws(Failure) -> Double {
        let trimmed = text.trimmingWhitespace()
        let negative = trimmed.hasPrefix("-")
        guard let magnitude = decimal(negative ? trimmed.dropFirst() : Substring(trimmed)) else {
            throw Failure(message: "expected a number, got '\(ScenarioNode.clip(trimmed))'")
        }
        return negative ? -magnitude : magnitude
    }

    static func boolean(_ text: String) throws(Failure) -> Bool {
        switch text.trimmingWhitespace() {
        case "true": return true
        case "false": return false
        default: throw Failure(message: "expected true or false, got '\(ScenarioNode.clip(text))'")
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
