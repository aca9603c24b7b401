import PollModel
import XCTest
@testable import Reporting

final class CSVFormatTests: XCTestCase {
    /// An RFC 4180 reader, independent of the writer: records of fields, quoted fields may hold `,`, `""` and newlines.
    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.append("\""); chars.removeFirst() } else { quoted = false }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                record.append(field); field = ""
            } else if c == "\n" {
                record.append(field); field = ""
                records.append(record); record = []
            } else {
                field.append(c)
            }
        }
        XCTAssertTrue(record.isEmpty && field.isEmpty, "CSV does not end with a newline")
        return records
    }

    static let runHeader = ["scenario", "seed", "iops", "bw_bytes_per_s", "lat_mean_ns", "lat_p50_ns", "lat_p90_ns",
                            "lat_p99_ns", "lat_p99_9_ns", "lat_p99_99_ns", "lat_max_ns"]
    static let totalHeader = ["iothreads", "cpu_cores", "poll_cores", "dispatch_cores", "syscall_cores",
                              "iterations", "mean_poll_ns", "poll_hit_rate", "poll_reset_rate",
                              "poll_near_max_share", "handlers_per_pass"]
    static let threadSuffixes = ["policy", "cpu_util", "poll_share", "dispatch_share", "syscall_share",
                                 "blocked_share", "mean_poll_ns", "poll_hit_rate", "poll_reset_rate",
                                 "poll_near_max_share", "handlers_per_pass", "wakeups_per_io", "syscalls_per_io",
                                 "iterations"]

    func testHeaderAndRowHaveTheDocumentedColumns() {
        let records = Self.parse(ResultFormatter.csv([(result: Fixtures.sample(), extraColumns: [])]))
        XCTAssertEqual(records.count, 2)
        let expectedHeader = Self.runHeader + Self.totalHeader
            + Self.threadSuffixes.map { "iothread0_" + $0 } + Self.threadSuffixes.map { "iothread1_" + $0 }
            + ["sim_events", "sim_events_per_io"]
        XCTAssertEqual(records[0], expectedHeader)
        XCTAssertEqual(records[1].count, records[0].count)
        let row = Dictionary(uniqueKeysWithValues: zip(records[0], records[1]))
        XCTAssertEqual(row["scenario"], "optane-4k")
        XCTAssertEqual(row["seed"], "42")
        XCTAssertEqual(row["iops"], "163417.25")
        XCTAssertEqual(row["bw_bytes_per_s"], "669357056")
        XCTAssertEqual(row["lat_mean_ns"], "6120.4")
        XCTAssertEqual(row["lat_p99_ns"], "9500")
        XCTAssertEqual(row["lat_max_ns"], "120000")
        XCTAssertEqual(row["iothreads"], "2")
        XCTAssertEqual(row["cpu_cores"], NumberFormat.shortest(0.473 + 0.25))
        XCTAssertEqual(row["iterations"], "222221")
        XCTAssertEqual(row["poll_hit_rate"], "0.6875")
        XCTAssertEqual(row["iothread0_policy"], "poll-weight")
        XCTAssertEqual(row["iothread0_cpu_util"], "0.473")
        XCTAssertEqual(row["iothread0_poll_share"], "0.312")
        XCTAssertEqual(row["iothread0_poll_hit_rate"], "0.875")
        XCTAssertEqual(row["iothread1_blocked_share"], "0.75")
        XCTAssertEqual(row["iothread1_iterations"], "98765")
        XCTAssertEqual(row["sim_events"], "1234567")
        XCTAssertEqual(row["sim_events_per_io"], "3.78")
        XCTAssertFalse(records[0].contains { $0.contains("wall") }, "wall-clock figures must stay out of the CSV")
    }

    func testQuotesAScenarioNameWithACommaAndAQuote() {
        let csv = ResultFormatter.csv([(result: Fixtures.sample(scenario: "optane, \"fast\" 4k"), extraColumns: [])])
        let lines = csv.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[1].hasPrefix("\"optane, \"\"fast\"\" 4k\",42,"), String(lines[1]))
        let records = Self.parse(csv)
        XCTAssertEqual(records[1].count, records[0].count)
        XCTAssertEqual(records[1][0], "optane, \"fast\" 4k")
    }

    func testQuotesNewlinesAndLeavesPlainFieldsAlone() {
        XCTAssertEqual(CSVOutput.escape("plain value"), "plain value")
        XCTAssertEqual(CSVOutput.escape("a\nb"), "\"a\nb\"")
        XCTAssertEqual(CSVOutput.escape("a\r\nb"), "\"a\r\nb\"")
        XCTAssertEqual(CSVOutput.escape("\""), "\"\"\"\"")
        XCTAssertEqual(CSVOutput.escape(""), "")
        let records = Self.parse(ResultFormatter.csv([(result: Fixtures.sample(scenario: "two\nlines"),
                                                        extraColumns: [("note", "x,y")])]))
        XCTAssertEqual(records.count, 2)
        XCTAssertEqual(records[1][0], "x,y")
        XCTAssertEqual(records[1][1], "two\nlines")
    }

    func testExtraColumnsComeFirstInTheirOrder() {
        let csv = ResultFormatter.csv([
            (result: Fixtures.sample(seed: 1), extraColumns: [("poll_weight", "3"), ("poll_max_ns", "32000")]),
            (result: Fixtures.sample(seed: 2), extraColumns: [("poll_weight", "2"), ("poll_max_ns", "64000")]),
        ])
        let records = Self.parse(csv)
        XCTAssertEqual(records.count, 3)
        XCTAssertEqual(Array(records[0].prefix(3)), ["poll_weight", "poll_max_ns", "scenario"])
        XCTAssertEqual(Array(records[1].prefix(4)), ["3", "32000", "optane-4k", "1"])
        XCTAssertEqual(Array(records[2].prefix(4)), ["2", "64000", "optane-4k", "2"])
        XCTAssertTrue(records.allSatisfy { $0.count == records[0].count })
    }

    func testRowsWithDifferentKeysAndIOThreadsShareOneHeader() {
        var small = Fixtures.sample(seed: 2)
        small.iothreads = [small.iothreads[1]]
        let records = Self.parse(ResultFormatter.csv([
            (result: Fixtures.sample(seed: 1), extraColumns: [("b", "1")]),
            (result: small, extraColumns: [("a", "2"), ("b", "3")]),
        ]))
        XCTAssertTrue(records.allSatisfy { $0.count == records[0].count })
        XCTAssertEqual(Array(records[0].prefix(2)), ["b", "a"])
        XCTAssertEqual(Array(records[1].prefix(2)), ["1", ""])
        XCTAssertEqual(Array(records[2].prefix(2)), ["3", "2"])
        let second = Dictionary(uniqueKeysWithValues: zip(records[0], records[2]))
        XCTAssertEqual(second["iothreads"], "1")
        XCTAssertEqual(second["iothread0_cpu_util"], "")
        XCTAssertEqual(second["iothread0_policy"], "")
        XCTAssertEqual(second["iothread1_cpu_util"], "0.25")
    }

    func testNoResultsGiveTheHeaderOnly() {
        let records = Self.parse(ResultFormatter.csv([]))
        XCTAssertEqual(records, [Self.runHeader + Self.totalHeader + ["sim_events", "sim_events_per_io"]])
    }

    func testNonFiniteValuesAreEmptyCells() {
        let records = Self.parse(ResultFormatter.csv([(result: Fixtures.nonFinite(), extraColumns: [])]))
        XCTAssertEqual(records[1].count, records[0].count)
        let row = Dictionary(uniqueKeysWithValues: zip(records[0], records[1]))
        XCTAssertEqual(row["iops"], "")
        XCTAssertEqual(row["bw_bytes_per_s"], "")
        XCTAssertEqual(row["lat_mean_ns"], "")
        XCTAssertEqual(row["cpu_cores"], "")
        XCTAssertEqual(row["iothread0_poll_share"], "", "a thread without wall time has no time split")
        XCTAssertEqual(row["iothread0_wakeups_per_io"], "")
        XCTAssertEqual(row["iothread0_iterations"], "0")
        XCTAssertEqual(row["sim_events_per_io"], "")
        XCTAssertEqual(row["lat_p50_ns"], "0")
    }

    func testSameInputGivesIdenticalBytes() {
        let rows = { [(result: Fixtures.sample(), extraColumns: [("k", "v")])] }
        XCTAssertEqual(Array(ResultFormatter.csv(rows()).utf8), Array(ResultFormatter.csv(rows()).utf8))
    }
}
