import Foundation
import PollModel
import XCTest
@testable import Reporting

final class JSONFormatTests: XCTestCase {
    func testRoundTripsThroughJSONDecoder() throws {
        let result = Fixtures.sample()
        let decoded = try JSONDecoder().decode(RunResult.self, from: Data(ResultFormatter.json(result).utf8))
        XCTAssertEqual(decoded, result)
    }

    func testSameInputGivesIdenticalBytes() {
        let first = ResultFormatter.json(Fixtures.sample())
        let second = ResultFormatter.json(Fixtures.sample())
        XCTAssertEqual(Array(first.utf8), Array(second.utf8))
        XCTAssertTrue(first.hasSuffix("}\n"))
        XCTAssertFalse(first.hasSuffix("\n\n"))
        XCTAssertNotEqual(first, ResultFormatter.json(Fixtures.sample(seed: 43)))
    }

    func testKeysAreSortedInEveryObject() {
        // Walk the pretty-printed text: each `{` opens a key list, each `}` closes it; keys are `"name" : `.
        var stack: [[String]] = []
        var objects = 0
        for line in ResultFormatter.json(Fixtures.sample()).split(separator: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("\""), let end = text.range(of: "\" : ") {
                stack[stack.count - 1].append(String(text[text.index(after: text.startIndex)..<end.lowerBound]))
            }
            if text.hasSuffix("{") { stack.append([]) }
            if text.hasPrefix("}") {
                let keys = stack.removeLast()
                XCTAssertEqual(keys, keys.sorted(), "keys out of order: \(keys)")
                objects += 1
            }
        }
        XCTAssertTrue(stack.isEmpty)
        // Top level, latency, 2 jobs with their latency, 2 IOThreads with time_ns and poll, sim.
        XCTAssertEqual(objects, 1 + 1 + 2 * 2 + 2 * 3 + 1)
    }

    func testKeysAreTheSnakeCaseSchemaNames() throws {
        let object = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(ResultFormatter.json(Fixtures.sample()).utf8)) as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["schema", "scenario", "seed", "iops", "bw_bytes_per_s", "latency_ns", "jobs",
                                          "iothreads", "sim"])
        XCTAssertEqual(object["schema"] as? Int, 1)
        let latency = try XCTUnwrap(object["latency_ns"] as? [String: Any])
        XCTAssertEqual(Set(latency.keys), ["mean", "p50", "p90", "p99", "p99_9", "p99_99", "max"])
        let thread = try XCTUnwrap((object["iothreads"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(thread.keys), ["id", "policy", "cpu_util", "time_ns", "poll", "wakeups_per_io",
                                          "syscalls_per_io", "iterations"])
        let poll = try XCTUnwrap(thread["poll"] as? [String: Any])
        XCTAssertEqual(Set(poll.keys), ["mean_poll_ns", "hit_rate", "reset_rate", "near_max_share",
                                        "handlers_per_pass"])
        let sim = try XCTUnwrap(object["sim"] as? [String: Any])
        XCTAssertEqual(Set(sim.keys), ["events", "events_per_io", "wall_s", "events_per_s", "sim_per_wall"])

        let keyPattern = try NSRegularExpression(pattern: "\"([^\"]*)\" : ")
        let json = ResultFormatter.json(Fixtures.sample())
        for match in keyPattern.matches(in: json, range: NSRange(json.startIndex..., in: json)) {
            let key = String(json[Range(match.range(at: 1), in: json)!])
            XCTAssertNotNil(key.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression), "not snake_case: \(key)")
        }
    }

    func testNumbersUseTheShortestRoundTripForm() {
        var result = Fixtures.sample()
        result.iops = 163_417
        result.bw_bytes_per_s = -0.0
        result.iothreads[0].poll.hit_rate = 0.1
        result.iothreads[0].poll.reset_rate = 1e-05
        let json = ResultFormatter.json(result)
        XCTAssertTrue(json.contains("\"iops\" : 163417,"), json)
        XCTAssertTrue(json.contains("\"bw_bytes_per_s\" : 0,"), json)
        XCTAssertTrue(json.contains("\"hit_rate\" : 0.1,"), json)
        XCTAssertTrue(json.contains("\"reset_rate\" : 1e-05\n"), json)
        XCTAssertTrue(json.contains("\"seed\" : 42,"), json)
    }

    func testJSONNumbersMatchTheCSVNumbers() {
        // The CSV writes Doubles with NumberFormat.shortest; JSONEncoder must agree, so both files carry the same text.
        for value in [163_417.25, 0.30000000000000004, 1e16, 2.5e15, 123_456_789_012.5, 5e-324, 1.7976931348623157e308,
                      -42.5, 0.001] {
            var result = Fixtures.sample()
            result.iops = value
            let json = ResultFormatter.json(result)
            XCTAssertTrue(json.contains("\"iops\" : \(NumberFormat.shortest(value)!),\n"), "\(value): \(json.prefix(80))")
        }
    }

    func testSlashesAreNotEscaped() {
        let json = ResultFormatter.json(Fixtures.sample(scenario: "scenarios/optane.yaml"))
        XCTAssertTrue(json.contains("\"scenario\" : \"scenarios/optane.yaml\""), json)
    }

    func testNonFiniteNumbersBecomeZeroAndStillDecode() throws {
        let json = ResultFormatter.json(Fixtures.nonFinite())
        XCTAssertFalse(json.lowercased().contains("nan"), json)
        XCTAssertFalse(json.lowercased().contains("inf"), json)
        let decoded = try JSONDecoder().decode(RunResult.self, from: Data(json.utf8))
        XCTAssertEqual(decoded.iops, 0)
        XCTAssertEqual(decoded.bw_bytes_per_s, 0)
        XCTAssertEqual(decoded.jobs[0].iops, 0)
        XCTAssertEqual(decoded.iothreads[0].poll.reset_rate, 0)
        XCTAssertEqual(decoded.sim.sim_per_wall, 0)
        XCTAssertEqual(decoded.sim.events_per_io, 0)
    }

    func testAFullyFiniteResultIsUnchangedBySanitising() {
        XCTAssertEqual(Fixtures.sample().withFiniteNumbers, Fixtures.sample())
    }

    func testFormatDispatchesToEachFormatter() {
        let result = Fixtures.sample()
        XCTAssertEqual(ResultFormatter.format(result, as: .json), ResultFormatter.json(result))
        XCTAssertEqual(ResultFormatter.format(result, as: .table), ResultFormatter.table(result))
        XCTAssertEqual(ResultFormatter.format(result, as: .csv),
                       ResultFormatter.csv([(result: result, extraColumns: [])]))
        XCTAssertEqual(OutputFormat.allCases.map(\.rawValue), ["table", "json", "csv"])
        XCTAssertEqual(OutputFormat(rawValue: "csv"), .csv)
    }
}
