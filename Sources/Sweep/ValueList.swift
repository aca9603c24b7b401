/// The values of one `--vary` axis, written as text: comma-separated values and ranges.
///
/// - `randread,randwrite`, `1,4,8,16`: a list; every value is passed to the scenario as written (`4k`, `10us`).
/// - `0..8`: every whole number from 0 to 8 inclusive.
/// - `0..8:2`: from 0 to 8 in steps of 2 (0, 2, 4, 6, 8); the last value is the largest that does not pass the end.
/// - `4k..64k*2`: geometric, each value twice the one before (4k, 8k, 16k, 32k, 64k); the factor is a whole number.
/// - Ranges keep the unit of their ends (`10us..50us:10us`); both ends take the same unit, except that a bare `0`
///   takes the other end's. Numbers are decimal (`0.5..2:0.5`) and are computed exactly, never in floating point.
/// - Items can be mixed: `1,2,4..16*2`.
/// - Commas inside brackets, braces or quotes do not split, so structured YAML values work:
///   `{dist: constant, value: 10us},{dist: exponential, mean: 10us}`.
public enum ValueList {
    /// The most values one axis may hold (a guard against `0..1e9`-style typos).
    public static let maxValues = 100_000

    /// Expands `text` into values. Errors are messages without an origin; `SweepAxis` adds it.
    public static func expand(_ text: String) throws(SweepError) -> [String] {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty else { throw SweepError("no values (expected a list like 1,2,4 or a range like 0..8)") }
        var values: [String] = []
        for item in split(trimmed, at: ",") {
            let item = item.trimmingSpaces
            guard !item.isEmpty else { throw SweepError("an empty value between commas in '\(trimmed)'") }
            if let range = try expandRange(item) {
                values += range
            } else {
                values.append(item)
            }
            guard values.count <= maxValues else {
                throw SweepError("more than \(maxValues) values")
            }
        }
        return values
    }

    /// Splits at `separator` where it is not inside brackets, braces, parentheses or quotes.
    static func split(_ text: String, at separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        var quote: Character?
        for character in text {
            if let open = quote {
                current.append(character)
                if character == open { quote = nil }
                continue
            }
            switch character {
            case "\"", "'":
                quote = character
            case "[", "{", "(":
                depth += 1
            case "]", "}", ")":
                depth = max(0, depth - 1)
            case separator where depth == 0:
                parts.append(current)
                current = ""
                continue
            default:
                break
            }
            current.append(character)
        }
        parts.append(current)
        return parts
    }

    // MARK: Ranges

    /// The values of a range item, or nil when `item` is not a range.
    static func expandRange(_ item: String) throws(SweepError) -> [String]? {
        // A range starts with a number: `../profiles/a.yaml` and `a..b` are values.
        func isDigit(_ character: Character?) -> Bool { character.map { $0.isASCII && $0.isNumber } ?? false }
        guard let dots = item.range(of: ".."),
              isDigit(item.first) || (item.first == "-" && isDigit(item.dropFirst().first)) else { return nil }
        let startText = String(item[..<dots.lowerBound]).trimmingSpaces
        var rest = String(item[dots.upperBound...])
        var stepText: String?
        var factorText: String?
        if let colon = rest.firstIndex(of: ":") {
            stepText = String(rest[rest.index(after: colon)...]).trimmingSpaces
            rest = String(rest[..<colon])
        } else if let star = rest.firstIndex(of: "*") {
            factorText = String(rest[rest.index(after: star)...]).trimmingSpaces
            rest = String(rest[..<star])
        }
        let endText = rest.trimmingSpaces
        let syntax = "expected start..end, start..end:step or start..end*factor, like 0..8, 0..8:2 or 4k..64k*2"
        guard !startText.isEmpty, !endText.isEmpty, stepText?.isEmpty != true, factorText?.isEmpty != true else {
            throw SweepError("bad range '\(item)': \(syntax)")
        }
        guard var start = Quantity(startText), var end = Quantity(endText) else {
            throw SweepError("bad range '\(item)': its ends must be numbers with an optional unit (\(syntax))")
        }
        // A bare 0 takes the other end's unit: 0..64k:4k.
        if start.unit.isEmpty, start.isZero { start.unit = end.unit }
        if end.unit.isEmpty, end.isZero { end.unit = start.unit }
        guard start.unit == end.unit else {
            throw SweepError("bad range '\(item)': its ends have different units ('\(start.unit)' and '\(end.unit)'); write both in the same unit")
        }
        let unit = start.unit
        if let factorText {
            guard let factor = Int(factorText), factor >= 2, factorText.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw SweepError("bad range '\(item)': the factor of a geometric range must be a whole number >= 2, got '\(factorText)'")
            }
            guard start.mantissa > 0 else {
                throw SweepError("bad range '\(item)': a geometric range must start above 0")
            }
            let scale = max(start.scale, end.scale)
            var value = try start.scaled(to: scale, in: item)
            let last = try end.scaled(to: scale, in: item)
            guard value <= last else { throw emptyRange(item) }
            var values: [String] = []
            while value <= last {
                values.append(Quantity.render(value, scale: scale) + unit)
                guard values.count <= maxValues else { throw SweepError("bad range '\(item)': more than \(maxValues) values") }
                let (next, overflow) = value.multipliedReportingOverflow(by: factor)
                if overflow { break }
                value = next
            }
            return values
        }
        var step = Quantity(mantissa: 1, scale: 0, unit: unit)
        if let stepText {
            guard let parsed = Quantity(stepText) else {
                throw SweepError("bad range '\(item)': the step must be a number with an optional unit, got '\(stepText)'")
            }
            guard parsed.unit.isEmpty || parsed.unit == unit else {
                throw SweepError("bad range '\(item)': the step's unit '\(parsed.unit)' differs from the range's '\(unit)'")
            }
            step = parsed
            guard step.mantissa > 0 else {
                throw SweepError("bad range '\(item)': the step must be > 0")
            }
        }
        let scale = max(start.scale, end.scale, step.scale)
        var value = try start.scaled(to: scale, in: item)
        let last = try end.scaled(to: scale, in: item)
        let increment = try step.scaled(to: scale, in: item)
        guard value <= last else { throw emptyRange(item) }
        var values: [String] = []
        while value <= last {
            values.append(Quantity.render(value, scale: scale) + unit)
            guard values.count <= maxValues else { throw SweepError("bad range '\(item)': more than \(maxValues) values") }
            let (next, overflow) = value.addingReportingOverflow(increment)
            if overflow { break }
            value = next
        }
        return values
    }

    private static func emptyRange(_ item: String) -> SweepError {
        SweepError("the range '\(item)' is empty: its end is below its start")
    }

    /// A decimal number with a unit suffix, held exactly: `mantissa / 10^scale` `unit`.
    struct Quantity {
        var mantissa: Int
        var scale: Int
        var unit: String

        var isZero: Bool { mantissa == 0 }

        init(mantissa: Int, scale: Int, unit: String) {
            self.mantissa = mantissa
            self.scale = scale
            self.unit = unit
        }

        /// `-1`, `4`, `0.25`, `4k`, `10us`, `2.2GB/s`; nil for anything else (exponents, bare dots, junk).
        init?(_ text: String) {
            var characters = Substring(text)
            var negative = false
            if characters.first == "-" {
                negative = true
                characters = characters.dropFirst()
            }
            let whole = characters.prefix { $0.isASCII && $0.isNumber }
            characters = characters.dropFirst(whole.count)
            var fraction = Substring("")
            if characters.first == "." {
                characters = characters.dropFirst()
                fraction = characters.prefix { $0.isASCII && $0.isNumber }
                guard !fraction.isEmpty else { return nil }
                characters = characters.dropFirst(fraction.count)
            }
            guard !whole.isEmpty, fraction.count <= 9 else { return nil }
            let unit = String(characters).trimmingSpaces
            guard unit.allSatisfy({ $0.isLetter || $0 == "/" }) else { return nil }
            guard let mantissa = Int(whole + fraction) else { return nil }
            self.init(mantissa: negative ? -mantissa : mantissa, scale: fraction.count, unit: unit)
        }

        func scaled(to target: Int, in item: String) throws(SweepError) -> Int {
            var value = mantissa
            for _ in scale..<target {
                let (next, overflow) = value.multipliedReportingOverflow(by: 10)
                guard !overflow else { throw SweepError("bad range '\(item)': numbers too large") }
                value = next
            }
            return value
        }

        /// `value / 10^scale` in decimal, without trailing zeros in the fraction: 5 with scale 1 is `0.5`.
        static func render(_ value: Int, scale: Int) -> String {
            guard scale > 0 else { return String(value) }
            let negative = value < 0
            let digits = String(value.magnitude)
            let padded = String(repeating: "0", count: max(0, scale + 1 - digits.count)) + digits
            let whole = padded.dropLast(scale)
            var fraction = padded.suffix(scale)
            while fraction.last == "0" { fraction = fraction.dropLast() }
            let body = fraction.isEmpty ? String(whole) : "\(whole).\(fraction)"
            return negative ? "-" + body : body
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
