import XCTest
@testable import Reporting

final class NumberFormatTests: XCTestCase {
    func testFixedDecimals() {
        XCTAssertEqual(NumberFormat.fixed(9.5, decimals: 2), "9.50")
        XCTAssertEqual(NumberFormat.fixed(0.125, decimals: 2), "0.13")
        XCTAssertEqual(NumberFormat.fixed(-0.004, decimals: 2), "0.00")
        XCTAssertEqual(NumberFormat.fixed(-1.5, decimals: 0), "-2")
        XCTAssertEqual(NumberFormat.fixed(123_456.789, decimals: 1), "123456.8")
        XCTAssertEqual(NumberFormat.fixed(0.05, decimals: 3), "0.050")
        XCTAssertEqual(NumberFormat.fixed(1e300, decimals: 2), "1e+300")
        XCTAssertEqual(NumberFormat.fixed(.nan, decimals: 2), "n/a")
        XCTAssertEqual(NumberFormat.fixed(-.infinity, decimals: 2), "n/a")
    }

    func testShortest() {
        XCTAssertEqual(NumberFormat.shortest(163_417), "163417")
        XCTAssertEqual(NumberFormat.shortest(0.1), "0.1")
        XCTAssertEqual(NumberFormat.shortest(-0.0), "0")
        XCTAssertEqual(NumberFormat.shortest(1e-05), "1e-05")
        XCTAssertEqual(NumberFormat.shortest(2.5e15), "2500000000000000")
        XCTAssertEqual(NumberFormat.shortest(1e16), "1e+16")
        XCTAssertNil(NumberFormat.shortest(.nan))
        XCTAssertNil(NumberFormat.shortest(.infinity))
    }

    func testCountsLikeFio() {
        XCTAssertEqual(NumberFormat.count(0), "0")
        XCTAssertEqual(NumberFormat.count(9876.4), "9876")
        XCTAssertEqual(NumberFormat.count(12_345), "12.3k")
        XCTAssertEqual(NumberFormat.count(163_417.25), "163k")
        XCTAssertEqual(NumberFormat.count(999_600), "1.00M")
        XCTAssertEqual(NumberFormat.count(1_234_567), "1.23M")
        XCTAssertEqual(NumberFormat.count(.nan), "n/a")
    }

    func testBandwidthInBinaryAndDecimalUnits() {
        XCTAssertEqual(NumberFormat.bandwidth(669_357_056), "638MiB/s (669MB/s)")
        XCTAssertEqual(NumberFormat.bandwidth(4096), "4096B/s (4096B/s)")
        XCTAssertEqual(NumberFormat.bandwidth(2_547_000), "2.43MiB/s (2.55MB/s)")
        XCTAssertEqual(NumberFormat.bandwidth(.infinity), "n/a")
    }

    func testDurationsScaleToTheirOwnUnit() {
        XCTAssertEqual(NumberFormat.duration(nanoseconds: 850), "850 ns")
        XCTAssertEqual(NumberFormat.duration(nanoseconds: 9500), "9.50 us")
        XCTAssertEqual(NumberFormat.duration(nanoseconds: 1_200_000), "1.20 ms")
        XCTAssertEqual(NumberFormat.duration(nanoseconds: 2e9), "2.00 s")
        XCTAssertEqual(NumberFormat.duration(nanoseconds: .nan), "n/a")
    }

    func testLatencyUnitChoice() {
        XCTAssertEqual(TimeUnit.forLatency(median: 0), .nanoseconds)
        XCTAssertEqual(TimeUnit.forLatency(median: 999), .nanoseconds)
        XCTAssertEqual(TimeUnit.forLatency(median: 1000), .microseconds)
        XCTAssertEqual(TimeUnit.forLatency(median: 5_000_000), .milliseconds)
        XCTAssertEqual(TimeUnit.forLatency(median: 5_000_000_000), .milliseconds)
    }
}
