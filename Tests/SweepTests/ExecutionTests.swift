import Foundation
import XCTest
import PollModel
import Scenario
@testable import Sweep

/// Running sweeps: common random numbers, independence from the number of threads, the CSV's shape.
final class ExecutionTests: XCTestCase {
    func testSeedScheduleIsSplitMix64FromTheBaseSeed() {
        // SplitMix64 seeded with 1: its first outputs (state += 0x9E3779B97F4A7C15, then the finaliser).
        var state: UInt64 = 1
        for k in 0..<4 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            XCTAssertEqual(SeedSchedule.seed(base: 1, replication: k), z ^ (z >> 31))
        }
        XCTAssertEqual(SeedSchedule.seed(base: 1, replication: 0), 10_451_216_379_200_822_465)
        XCTAssertNotEqual(SeedSchedule.seed(base: 1, replication: 1), SeedSchedule.seed(base: 2, replication: 0))
    }

    /// Replication k has the same seed at every point, and different replications have different seeds.
    func testCommonRandomNumbers() throws {
        let plan = try plan(["jobs.0.iodepth=1,2,4"], replications: 3, seed: 42)
        let text = try csv(of: plan)
        let records = try SweepCSV.parse(text, name: "sweep.csv")
        let header = records[0].fields
        let seed = try XCTUnwrap(header.firstIndex(of: "seed"))
        let replication = try XCTUnwrap(header.firstIndex(of: "replication"))
        var seeds: [String: Set<String>] = [:]
        for record in records.dropFirst() { seeds[record.fields[replication], default: []].insert(record.fields[seed]) }
        XCTAssertEqual(seeds.count, 3)
        for k in 0..<3 {
            XCTAssertEqual(seeds[String(k)], [String(SeedSchedule.seed(base: 42, replication: k))], "replication \(k)")
        }
        // And the seed is what the run used: the same point run alone with that seed gives the same result.
        var configuration = try ScenarioLoader.parse(yaml: ScenarioLoader.defaultScenarioYAML, fileName: "default.yaml",
                                                     overrides: tinyOverrides + ["jobs.0.iodepth=2"])
        configuration.seed = SeedSchedule.seed(base: 42, replication: 1)
        let alone = try PollSimulator(configuration).run()
        let row = records.first { $0.fields[replication] == "1" && $0.fields[header.firstIndex(of: "point")!] == "1" }!
        XCTAssertEqual(row.fields[header.firstIndex(of: "iops")!], NumberText.shortest(alone.iops))
    }

    func testTheCSVHasTheAxesPointReplicationThenTheMetrics() throws {
        let text = try csv(of: try plan(["jobs.0.iodepth=1,2", "jobs.0.bs=4k,8k"], replications: 2))
        let all = lines(text)
        XCTAssertEqual(all.count, 1 + 8 + 1, "header, 8 rows, and the final newline")
        XCTAssertTrue(all[0].hasPrefix("jobs.0.iodepth,jobs.0.bs,point,replication,scenario,seed,iops,"), String(all[0]))
        XCTAssertFalse(all[0].contains("wall"))
        XCTAssertEqual(all[1...8].map { $0.split(separator: ",").prefix(4).joined(separator: ",") },
                       ["1,4k,0,0", "1,4k,0,1", "1,8k,1,0", "1,8k,1,1", "2,4k,2,0", "2,4k,2,1", "2,8k,3,0", "2,8k,3,1"])
    }

    func testOneAndTwoThreadsGiveByteIdenticalCSV() throws {
        let plan = try plan(["jobs.0.iodepth=1..4", "iothreads.0.policy=classic,poll-weight"], replications: 2)
        let one = try csv(of: plan, threads: 1)
        let two = try csv(of: plan, threads: 2)
        let three = try csv(of: plan, threads: 3)
        XCTAssertEqual(one, two)
        XCTAssertEqual(one, three)
        XCTAssertEqual(lines(one).count, 1 + 16 + 1)
    }

    func testResultsDoNotDependOnOtherPoints() throws {
        // The row of a point is the same whether the sweep has other points or not.
        let small = try csv(of: try plan(["jobs.0.iodepth=2"], replications: 2))
        let large = try csv(of: try plan(["jobs.0.iodepth=1,2,3"], replications: 2))
        // Everything but the point number (column 2) is the same.
        func withoutPoint(_ record: SweepCSV.Record) -> [String] { record.fields.enumerated().filter { $0.offset != 1 }.map(\.element) }
        let smallRows = try SweepCSV.parse(small, name: "small")[1...2].map(withoutPoint)
        let largeRows = try SweepCSV.parse(large, name: "large")[3...4].map(withoutPoint)
        XCTAssertEqual(smallRows, largeRows)
        XCTAssertEqual(smallRows[0].first, "2")
    }

    func testSummaryTable() throws {
        let plan = try plan(["jobs.0.iodepth=1,4"], replications: 3)
        let (outcome, _) = try SweepSession.run(plan, threads: 2)
        let table = SweepSummary.table(plan, outcome.results)
        let all = lines(table)
        XCTAssertEqual(all[0], "6 rows: 2 points x 3 replications, base seed 1")
        XCTAssertTrue(all[2].hasPrefix("jobs.0.iodepth"), String(all[2]))
        XCTAssertTrue(all[3].hasPrefix("1 "), String(all[3]))
        XCTAssertTrue(all[3].contains("±"), String(all[3]))
        let points = SweepSummary.points(plan, outcome.results)
        let iops = (0..<3).map { outcome.results[RowID(point: 1, replication: $0)]!.iops }
        XCTAssertEqual(points[1].iops, Statistics.confidenceInterval(iops))
        XCTAssertGreaterThan(points[1].iops.mean, points[0].iops.mean, "iodepth 4 beats iodepth 1")
    }
}
