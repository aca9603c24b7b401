import XCTest
@testable import Scenario

final class UnitsTests: XCTestCase {
    private func failure<T>(_ body: () throws -> T) -> String? {
        do {
            _ = try body()
            return nil
        } catch let error as Units.Failure {
            return error.message
        } catch {
            return "unexpected \(error)"
        }
    }

    func testDurations() throws {
        XCTAssertEqual(try Units.duration("150ns"), 150)
        XCTAssertEqual(try Units.duration("10us"), 10_000)
        XCTAssertEqual(try Units.duration("10µs"), 10_000)
        XCTAssertEqual(try Units.duration("2.5ms"), 2_500_000)
        XCTAssertEqual(try Units.duration("2s"), 2_000_000_000)
        XCTAssertEqual(try Units.duration("1m"), 60_000_000_000)
        XCTAssertEqual(try Units.duration("1h"), 3_600_000_000_000)
        XCTAssertEqual(try Units.duration("1e3us"), 1_000_000)
        XCTAssertEqual(try Units.duration("0.5us"), 500)
        XCTAssertEqual(try Units.duration("1500"), 1500, "a bare number is nanoseconds")
        XCTAssertEqual(try Units.duration(" 3us "), 3000)
        XCTAssertEqual(try Units.durationNs("2.5ns"), 2.5)
        XCTAssertEqual(try Units.duration("9223372036854775807ns"), Int64.max, "integers are exact")
        XCTAssertEqual(try Units.duration("0", bareIsNanoseconds: false), 0)
    }

    func testDurationErrors() {
        XCTAssertEqual(failure { try Units.duration("fast") }, "expected a duration like 10us, got 'fast'")
        XCTAssertEqual(failure { try Units.duration("-5us") }, "expected a non-negative duration like 10us, got '-5us'")
        XCTAssertEqual(failure { try Units.duration("10 parsecs") }, "unknown duration unit 'parsecs' in '10 parsecs' (use ns, us, ms, s, m or h)")
        XCTAssertEqual(failure { try Units.duration("10xs") }, "unknown duration unit 'xs' in '10xs' (use ns, us, ms, s, m or h)")
        XCTAssertEqual(failure { try Units.duration("nan") }, "expected a duration like 10us, got 'nan'")
        XCTAssertEqual(failure { try Units.duration(".nan") }, "expected a duration like 10us, got '.nan'")
        XCTAssertEqual(failure { try Units.duration("inf") }, "expected a duration like 10us, got 'inf'")
        XCTAssertEqual(failure { try Units.duration("") }, "expected a duration like 10us, got ''")
        XCTAssertEqual(failure { try Units.duration("1e400s") }, "expected a duration like 10us, got '1e400s'")
        XCTAssertEqual(failure { try Units.duration("9223372036854775808ns") }, "duration '9223372036854775808ns' is too large")
        XCTAssertEqual(failure { try Units.duration("300000000h") }, "duration '300000000h' is too large")
        XCTAssertEqual(failure { try Units.duration("1e300s") }, "duration '1e300s' is too large")
        XCTAssertEqual(failure { try Units.duration("2", bareIsNanoseconds: false) }, "'2' needs a unit, like 2s or 2ms")
        XCTAssertEqual(failure { try Units.duration("1.2.3us") }, "expected a duration like 10us, got '1.2.3us'")
        XCTAssertEqual(failure { try Units.duration("10US") }, "unknown duration unit 'US' in '10US' (use ns, us, ms, s, m or h)")
    }

    func testSizes() throws {
        XCTAssertEqual(try Units.size("4096"), 4096)
        XCTAssertEqual(try Units.size("8k"), 8192)
        XCTAssertEqual(try Units.size("8K"), 8192)
        XCTAssertEqual(try Units.size("8KB"), 8192)
        XCTAssertEqual(try Units.size("128KiB"), 131_072)
        XCTAssertEqual(try Units.size("1m"), 1_048_576)
        XCTAssertEqual(try Units.size("1MiB"), 1_048_576)
        XCTAssertEqual(try Units.size("2g"), 2_147_483_648)
        XCTAssertEqual(try Units.size("0"), 0, "the caller checks bs > 0")
    }

    func testSizeErrors() {
        XCTAssertEqual(failure { try Units.size("big") }, "expected a size like 4k or 4096, got 'big'")
        XCTAssertEqual(failure { try Units.size("-4k") }, "expected a positive size like 4k, got '-4k'")
        XCTAssertEqual(failure { try Units.size("1.5k") }, "expected a whole number of bytes like 4k or 4096, got '1.5k'")
        XCTAssertEqual(failure { try Units.size("4x") }, "unknown size unit 'x' in '4x' (use k, m, g or KiB, MiB, GiB)")
        XCTAssertEqual(failure { try Units.size("99999999999t") }, "size '99999999999t' is too large")
        XCTAssertEqual(failure { try Units.size("99999999999999999999") }, "size '99999999999999999999' is too large")
    }

    func testBandwidth() throws {
        XCTAssertEqual(try Units.bandwidth("2.2GB/s"), 2.2e9)
        XCTAssertEqual(try Units.bandwidth("500MB/s"), 5e8)
        XCTAssertEqual(try Units.bandwidth("2GiB/s"), 2_147_483_648)
        XCTAssertEqual(try Units.bandwidth("100KiB/s"), 102_400)
        XCTAssertEqual(try Units.bandwidth("750kB/s"), 750_000)
        XCTAssertEqual(try Units.bandwidth("1000000"), 1e6, "a bare number is bytes per second")
    }

    func testBandwidthErrors() {
        XCTAssertEqual(failure { try Units.bandwidth("fast") }, "expected a bandwidth like 2.2GB/s, got 'fast'")
        XCTAssertEqual(failure { try Units.bandwidth("2.2GB") }, "a bandwidth is per second: write '2.2GB/s'")
        XCTAssertEqual(failure { try Units.bandwidth("2Gb/s") },
                       "unknown bandwidth unit 'Gb/s' in '2Gb/s' (use B/s, kB/s, MB/s, GB/s (powers of 1000) or KiB/s, MiB/s, GiB/s (powers of 1024))")
        XCTAssertEqual(failure { try Units.bandwidth("-1GB/s") }, "expected a positive bandwidth like 2.2GB/s, got '-1GB/s'")
        XCTAssertEqual(failure { try Units.bandwidth("0GB/s") }, "bandwidth must be > 0, got '0GB/s' (omit the key for unlimited)")
        XCTAssertEqual(failure { try Units.bandwidth("1e308TB/s") }, "bandwidth '1e308TB/s' is too large")
    }

    func testRates() throws {
        XCTAssertEqual(try Units.rate("100000"), 100_000)
        XCTAssertEqual(try Units.rate("100k"), 100_000)
        XCTAssertEqual(try Units.rate("2.5M"), 2_500_000)
        XCTAssertEqual(failure { try Units.rate("lots") }, "expected a rate like 100000 or 100k (per second), got 'lots'")
        XCTAssertEqual(failure { try Units.rate("100kiops") }, "expected a rate like 100000 or 100k (per second), got '100kiops'")
        XCTAssertEqual(failure { try Units.rate("-5") }, "expected a positive rate like 100k, got '-5'")
        XCTAssertEqual(failure { try Units.rate("0") }, "rate must be > 0, got '0'")
    }

    func testPlainValues() throws {
        XCTAssertEqual(try Units.integer("-3"), -3)
        XCTAssertEqual(try Units.integer("42"), 42)
        XCTAssertEqual(failure { try Units.integer("3.5") }, "expected a whole number, got '3.5'")
        XCTAssertEqual(failure { try Units.integer("99999999999999999999") }, "'99999999999999999999' is out of range")
        XCTAssertEqual(try Units.number("-1.5"), -1.5)
        XCTAssertEqual(failure { try Units.number("nan") }, "expected a number, got 'nan'")
        XCTAssertEqual(try Units.boolean("false"), false)
        XCTAssertEqual(failure { try Units.boolean("yes") }, "expected true or false, got 'yes'")
    }

    func testUnitsInAScenario() throws {
        let yaml = minimal(replacing: "runtime: 10ms", with: "runtime: 2s\nramp_time: 150ms")
            .replacingOccurrences(of: "    read-latency: 10us", with: "    read-latency: 10us\n    bandwidth: 2GiB/s")
            .replacingOccurrences(of: "    disk: vda", with: "    disk: vda\n    bs: 128KiB\n    thinktime: 5us\n    rate_iops: 100k")
        let config = try parse(yaml)
        XCTAssertEqual(config.runtime, 2_000_000_000)
        XCTAssertEqual(config.rampTime, 150_000_000)
        XCTAssertEqual(config.devices[0].bandwidth, 2_147_483_648)
        XCTAssertEqual(config.devices[0].readLatency.constantValue, 10_000)
        XCTAssertEqual(config.jobs[0].bs, 131_072)
        XCTAssertEqual(config.jobs[0].thinktime, 5000)
        XCTAssertEqual(config.jobs[0].rateIOPS, 100_000)
    }
}
