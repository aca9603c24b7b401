/// A run of bytes inside a line (no copy). Parsing works on these directly: importing millions of records must not
/// allocate per field.
struct ByteSpan {
    let base: UnsafePointer<UInt8>
    let count: Int

    var isEmpty: Bool { count == 0 }

    subscript(index: Int) -> UInt8 { base[index] }

    func dropFirst(_ n: Int) -> ByteSpan { ByteSpan(base: base + n, count: count - n) }
    func prefix(_ n: Int) -> ByteSpan { ByteSpan(base: base, count: n) }

    /// The bytes as text for messages (invalid UTF-8 repaired, long text clipped).
    var text: String {
        let shown = String(decoding: UnsafeBufferPointer(start: base, count: min(count, 60)), as: UTF8.self)
        return count > 60 ? shown + "..." : shown
    }

    /// The bytes as a String, nil unless valid UTF-8.
    var validString: String? {
        String(validating: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
    }

    func equals(_ literal: StaticString) -> Bool {
        guard literal.utf8CodeUnitCount == count else { return false }
        return memcmp(base, literal.utf8Start, count) == 0
    }

    func equals(_ bytes: [UInt8]) -> Bool {
        guard bytes.count == count else { return false }
        return bytes.withUnsafeBufferPointer { memcmp(base, $0.baseAddress!, count) == 0 }
    }

    /// ASCII case-insensitive comparison with a lower-case literal.
    func equalsIgnoringCase(_ literal: StaticString) -> Bool {
        guard literal.utf8CodeUnitCount == count else { return false }
        let other = literal.utf8Start
        for i in 0..<count where base[i] | 0x20 != other[i] | 0x20 { return false }
        return true
    }

    func hasPrefix(_ literal: StaticString) -> Bool {
        guard literal.utf8CodeUnitCount <= count else { return false }
        return memcmp(base, literal.utf8Start, literal.utf8CodeUnitCount) == 0
    }

    var isBlank: Bool {
        for i in 0..<count where base[i] != 0x20 && base[i] != 0x09 { return false }
        return true
    }

    /// A decimal whole number: digits only (no sign, no spaces), at most Int64.max. nil otherwise.
    var int64: Int64? {
        guard count > 0 else { return nil }
        var value: Int64 = 0
        if count <= 18 {  // cannot overflow
            for i in 0..<count {
                let digit = base[i] &- 0x30
                guard digit < 10 else { return nil }
                value = value &* 10 &+ Int64(digit)
            }
            return value
        }
        for i in 0..<count {
            let digit = base[i] &- 0x30
            guard digit < 10 else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int64(digit))
            guard !o1, !o2 else { return nil }
            value = sum
        }
        return value
    }

    /// A decimal whole number that may exceed Int64 (Windows FILETIME stamps do not, but keep headroom).
    var uint64: UInt64? {
        guard count > 0 else { return nil }
        var value: UInt64 = 0
        if count <= 19 {  // cannot overflow
            for i in 0..<count {
                let digit = base[i] &- 0x30
                guard digit < 10 else { return nil }
                value = value &* 10 &+ UInt64(digit)
            }
            return value
        }
        for i in 0..<count {
            let digit = base[i] &- 0x30
            guard digit < 10 else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
            guard !o1, !o2 else { return nil }
            value = sum
        }
        return value
    }

    /// Whether the span holds only decimal digits (for messages that distinguish "not a number" from "too large").
    var isDigits: Bool {
        guard count > 0 else { return false }
        for i in 0..<count where base[i] &- 0x30 >= 10 { return false }
        return true
    }
}

/// Walks a line field by field: `field(separator:)` for CSV (empty fields kept), `token()` for text split on runs of
/// spaces and tabs.
struct FieldCursor {
    let line: ByteSpan
    private(set) var position = 0

    init(_ line: ByteSpan) { self.line = line }

    var atEnd: Bool { position > line.count }

    /// The next field up to `separator` or the end of the line; nil once the line is used up.
    mutating func field(separator: UInt8 = 0x2C) -> ByteSpan? {
        guard position <= line.count else { return nil }
        let begin = position
        var i = begin
        while i < line.count && line.base[i] != separator { i += 1 }
        position = i + 1
        return ByteSpan(base: line.base + begin, count: i - begin)
    }

    /// The next whitespace-separated token; nil when only spaces remain.
    mutating func token() -> ByteSpan? {
        var i = position
        while i < line.count && (line.base[i] == 0x20 || line.base[i] == 0x09) { i += 1 }
        guard i < line.count else {
            position = line.count + 1
            return nil
        }
        let begin = i
        while i < line.count && line.base[i] != 0x20 && line.base[i] != 0x09 { i += 1 }
        position = i
        return ByteSpan(base: line.base + begin, count: i - begin)
    }
}

#if canImport(Glibc)
import Glibc
#endif
