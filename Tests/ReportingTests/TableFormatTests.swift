import PollModel
import XCTest
@testable import Reporting

final class TableFormatTests: XCTestCase {
    func testJobsShowIOPSBandwidthAndLatencyInMicroseconds() {
        let table = ResultFormatter.table(Fixtures.sample())
        XCTAssertTrue(table.contains("randread-a: ios=163420, IOPS=81.7k, BW=319MiB/s (335MB/s)\n"), table)
        XCTAssertTrue(table.contains("randread-b: ios=163414, IOPS=81.7k, BW=319MiB/s (335MB/s)\n"), table)
        XCTAssertTrue(table.contains("all jobs: ios=326834, IOPS=163k, BW=638MiB/s (669MB/s)\n"), table)
        // 9500 ns is 9.50 us; the unit is named once per line, as fio does.
        XCTAssertTrue(table.contains(
            "    lat percentiles (usec): p50=5.80, p90=7.10, p99=9.50, p99.9=20.10, p99.99=80.00\n"), table)
        XCTAssertTrue(table.contains("    lat (usec): avg=6.12, max=120.00\n"), table)
    }

    func testASingleJobHasNoTotalBlock() {
        var result = Fixtures.sample()
        result.jobs.removeLast()
        let table = ResultFormatter.table(result)
        XCTAssertTrue(table.contains("randread-a: "))
        XCTAssertFalse(table.contains("all jobs"))
    }

    func testNoJobsStillShowsTheRunTotals() {
        var result = Fixtures.sample()
        result.jobs = []
        XCTAssertTrue(ResultFormatter.table(result).contains("all: IOPS=163k, BW=638MiB/s (669MB/s)\n"))
    }

    func testLatencyUnitFollowsTheMedian() {
        var result = Fixtures.sample()
        result.jobs = [JobResult(name: "fast", ios: 10, iops: 9876.4, bw_bytes_per_s: 9000,
                                 latency_ns: LatencySummary(mean: 812.345, p50: 800, p90: 900, p99: 9500, p99_9: 9600,
                                                            p99_99: 9700, max: 12_000)),
                       JobResult(name: "slow", ios: 10, iops: 1_234_567, bw_bytes_per_s: 5e9,
                                 latency_ns: LatencySummary(mean: 2_612_000, p50: 2_500_000, p90: 3_000_000,
                                                            p99: 9_500_000, p99_9: 12_000_000, p99_99: 15_000_000,
                                                            max: 2_500_000_000))]
        let table = ResultFormatter.table(result)
        XCTAssertTrue(table.contains("fast: ios=10, IOPS=9876, BW=9000B/s (9000B/s)\n"), table)
        XCTAssertTrue(table.contains("    lat (nsec): avg=812.35, max=12000\n"), table)
        XCTAssertTrue(table.contains("    lat percentiles (nsec): p50=800, p90=900, p99=9500, p99.9=9600, p99.99=9700\n"),
                      table)
        XCTAssertTrue(table.contains("slow: ios=10, IOPS=1.23M, BW=4.66GiB/s (5.00GB/s)\n"), table)
        XCTAssertTrue(table.contains("    lat (msec): avg=2.61, max=2500.00\n"), table)
        XCTAssertTrue(table.contains(
            "    lat percentiles (msec): p50=2.50, p90=3.00, p99=9.50, p99.9=12.00, p99.99=15.00\n"), table)
    }

    func testIOThreadsShowCPUTimeSplitAndPolling() {
        let lines = ResultFormatter.table(Fixtures.sample()).split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
        XCTAssertTrue(lines.contains("IOThreads: 2, CPU 0.72 cores (time split in % of each thread's wall time)"),
                      "\(lines)")
        let timeRow = try? XCTUnwrap(lines.first { $0.hasPrefix("  iothread0  poll-weight") })
        XCTAssertEqual(timeRow?.split(separator: " ").map(String.init),
                       ["iothread0", "poll-weight", "47.3", "31.2", "12.0", "4.1", "52.7", "0.120", "0.850"])
        let pollRow = lines.last { $0.hasPrefix("  iothread0 ") }
        XCTAssertEqual(pollRow?.split(separator: " ").map(String.init),
                       ["iothread0", "12.35", "us", "87.5", "1.2", "3.4", "2.00", "123456"])
        let classic = lines.last { $0.hasPrefix("  iothread1 ") }
        XCTAssertEqual(classic?.split(separator: " ").map(String.init),
                       ["iothread1", "850", "ns", "50.0", "25.0", "0.0", "1.50", "98765"])
    }

    func testColumnsAreAlignedAndLinesHaveNoTrailingSpaces() {
        let lines = ResultFormatter.table(Fixtures.sample()).split(separator: "\n").map(String.init)
        for line in lines {
            XCTAssertFalse(line.hasSuffix(" "), "trailing space: \(line)")
        }
        // Right-aligned numeric columns end where their title ends.
        guard let header = lines.first(where: { $0.contains("cpu %") }),
              let row = lines.first(where: { $0.hasPrefix("  iothread1  classic") }) else {
            return XCTFail("IOThread table not found in \(lines)")
        }
        func end(of text: String, in line: String) -> Int? {
            line.range(of: text).map { line.distance(from: line.startIndex, to: $0.upperBound) }
        }
        XCTAssertNotNil(end(of: "cpu %", in: header))
        XCTAssertEqual(end(of: "cpu %", in: header), end(of: "25.0", in: row))
        XCTAssertEqual(end(of: "blocked %", in: header), end(of: "75.0", in: row))
        XCTAssertTrue(header.hasPrefix("  iothread   policy       cpu %"), header)
    }

    func testSimulatorSpeedIsTheLastLine() {
        let table = ResultFormatter.table(Fixtures.sample())
        XCTAssertTrue(table.hasSuffix(
            "sim: 1234567 events, 3.78 events/IO, 4.00 simulated s per wall s (2.47M events/s, wall 0.500 s)\n"),
            table)
        var reproducible = Fixtures.sample()
        reproducible.sim = reproducible.sim.withoutWallClock
        XCTAssertTrue(ResultFormatter.table(reproducible).hasSuffix(
            "sim: 1234567 events, 3.78 events/IO, wall-clock figures zeroed\n"))
    }

    func testScenarioHeaderEscapesTheName() {
        let table = ResultFormatter.table(Fixtures.sample(scenario: "a \"b\"\nc"))
        XCTAssertTrue(table.hasPrefix("scenario \"a \\\"b\\\"\\nc\", seed 42 (result schema 1)\n\n"), table)
    }

    func testSameInputGivesIdenticalBytes() {
        XCTAssertEqual(Array(ResultFormatter.table(Fixtures.sample()).utf8),
                       Array(ResultFormatter.table(Fixtures.sample()).utf8))
    }

    func testNonFiniteValuesPrintAsNotAvailable() {
        let table = ResultFormatter.table(Fixtures.nonFinite())
        XCTAssertTrue(table.contains("idle: ios=0, IOPS=n/a, BW=n/a\n"), table)
        XCTAssertTrue(table.contains("    lat (nsec): avg=n/a, max=0\n"), table)
        let row = table.split(separator: "\n").first { $0.hasPrefix("  iothread0  none") }
        XCTAssertEqual(row?.split(separator: " ").map(String.init),
                       ["iothread0", "none", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a"])
        XCTAssertTrue(table.hasSuffix(
            "sim: 0 events, n/a events/IO, n/a simulated s per wall s (n/a events/s, wall 0.000 s)\n"), table)
    }

    func testNoIOThreads() {
        var result = Fixtures.sample()
        result.iothreads = []
        XCTAssertTrue(ResultFormatter.table(result).contains("\nIOThreads: none\n"))
    }
}
