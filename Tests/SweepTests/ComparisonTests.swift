import XCTest
import PollModel
@testable import Sweep

/// pollsim compare: paired differences under common random numbers, the threshold, the outputs.
final class ComparisonTests: XCTestCase {
    func plans(candidate: [String], vary: [String] = ["jobs.0.iodepth=1,4"], replications: Int = 3) throws -> (SweepPlan, SweepPlan) {
        let baseline = try plan(vary, replications: replications)
        let candidatePlan = try plan(vary, replications: replications, overrides: tinyOverrides + candidate,
                                     seed: baseline.baseSeed)
        return (baseline, candidatePlan)
    }

    func testACandidateEqualToTheBaselineDiffersByExactlyZero() throws {
        // The same scenario under another name: common random numbers make every pair identical.
        let (baseline, candidate) = try plans(candidate: ["name=candidate"])
        let comparison = try XCTUnwrap(try Comparison.run(baseline: baseline, candidate: candidate, threads: 2, threshold: 5))
        XCTAssertEqual(comparison.rows.count, 2)
        for row in comparison.rows {
            XCTAssertEqual(row.diffPercent, 0)
            XCTAssertEqual(row.diffHalfWidthPercent, 0)
            XCTAssertEqual(row.baselineIOPS, row.candidateIOPS)
            XCTAssertFalse(row.regression)
        }
        XCTAssertEqual(comparison.summaryLine, "0 of 2 rows regress by more than 5 %")
    }

    func testPairedDifferencesAndTheThreshold() throws {
        // Hand-made results: IOPS per replication, baseline vs candidate.
        let (baseline, candidate) = try plans(candidate: ["name=candidate"])
        func result(_ iops: Double, cpu: Double) -> RunResult {
            let latency = LatencySummary(mean: 0, p50: 0, p90: 0, p99: 0, p99_9: 0, p99_99: 0, max: 0)
            let thread = IOThreadResult(id: "iothread0", policy: "x", cpu_util: cpu, time_ns: ThreadTime(),
                                        poll: PollStats(mean_poll_ns: 0, hit_rate: 0, reset_rate: 0, near_max_share: 0, handlers_per_pass: 0),
                                        wakeups_per_io: 0, syscalls_per_io: 0, iterations: 0)
            return RunResult(scenario: "s", seed: 0, iops: iops, bw_bytes_per_s: 0, latency_ns: latency, jobs: [],
                             iothreads: [thread], sim: SimulatorStats(events: 0, events_per_io: 0, wall_s: 0, events_per_s: 0, sim_per_wall: 0))
        }
        var base: [RowID: RunResult] = [:], cand: [RowID: RunResult] = [:]
        // Point 0: -10 %, -9 %, -8 % of 100 -> mean diff -9 %, paired differences [-10, -9, -8].
        // Point 1: +1 % each time -> no spread.
        for (k, (b, c)) in [(100.0, 90.0), (100, 91), (100, 92)].enumerated() {
            base[RowID(point: 0, replication: k)] = result(b, cpu: 0.98)
            cand[RowID(point: 0, replication: k)] = result(c, cpu: 0.95)
        }
        for k in 0..<3 {
            base[RowID(point: 1, replication: k)] = result(200, cpu: 0.5)
            cand[RowID(point: 1, replication: k)] = result(202, cpu: 0.4)
        }
        let comparison = Comparison(baseline: baseline, candidate: candidate, baselineResults: base,
                                    candidateResults: cand, threshold: 5)
        XCTAssertEqual(comparison.rows[0].diffPercent, -9, accuracy: 1e-12)
        // t(0.975, 2) · sd([-10, -9, -8]) / √3 / 100 · 100 = 4.302652730 · 1 / 1.732050808
        XCTAssertEqual(comparison.rows[0].diffHalfWidthPercent, 2.484137709, accuracy: 1e-8)
        XCTAssertTrue(comparison.rows[0].regression)
        XCTAssertEqual(comparison.rows[0].baselineCPU.mean, 98, accuracy: 1e-12)
        XCTAssertEqual(comparison.rows[0].candidateCPU.mean, 95, accuracy: 1e-12)
        XCTAssertEqual(comparison.rows[1].diffPercent, 1, accuracy: 1e-12)
        XCTAssertEqual(comparison.rows[1].diffHalfWidthPercent, 0)
        XCTAssertFalse(comparison.rows[1].regression)
        XCTAssertEqual(comparison.summaryLine, "1 of 2 rows regress by more than 5 %")
        let strict = Comparison(baseline: baseline, candidate: candidate, baselineResults: base, candidateResults: cand, threshold: 10)
        XCTAssertEqual(strict.summaryLine, "0 of 2 rows regress by more than 10 %")

        let table = comparison.table()
        XCTAssertTrue(table.contains("REGRESSION"), table)
        XCTAssertTrue(table.hasSuffix("1 of 2 rows regress by more than 5 %\n"), table)
        let tableLines = lines(table)
        XCTAssertTrue(tableLines[1].hasPrefix("jobs.0.iodepth  baseline IOPS  candidate IOPS  diff %  95 % CI"), String(tableLines[1]))
        XCTAssertTrue(tableLines[2].hasPrefix("1                         100              91   -9.00    ±2.48          98.0         95.0  REGRESSION"), String(tableLines[2]))
        XCTAssertTrue(tableLines[3].hasPrefix("4                         200             202   +1.00    ±0.00          50.0         40.0"), String(tableLines[3]))

        XCTAssertEqual(lines(comparison.csv())[0], "jobs.0.iodepth,point,replications,baseline_iops,baseline_iops_ci,candidate_iops,candidate_iops_ci,diff_pct,diff_pct_ci,baseline_cpu_pct,candidate_cpu_pct,regression")
        XCTAssertTrue(lines(comparison.csv())[1].hasPrefix("1,0,3,100,0,91,2.48"), String(lines(comparison.csv())[1]))
        XCTAssertTrue(lines(comparison.csv())[1].hasSuffix(",98,95,true"), String(lines(comparison.csv())[1]))
        let json = try JSONSerialization.jsonObject(with: Data(comparison.json().utf8)) as? [String: Any]
        XCTAssertEqual(json?["regressions"] as? Int, 1)
        XCTAssertEqual(json?["rows_total"] as? Int, 2)
        XCTAssertEqual(json?["summary"] as? String, "1 of 2 rows regress by more than 5 %")
        let rows = json?["rows"] as? [[String: Any]]
        XCTAssertEqual((rows?[0]["axes"] as? [String: String])?["jobs.0.iodepth"], "1")
        XCTAssertEqual(rows?[0]["regression"] as? Bool, true)
        XCTAssertEqual(rows?[1]["diff_pct"] as? Double ?? 0, 1, accuracy: 1e-12)
    }

    func testARealCandidateIsPairedRowByRow() throws {
        // busy polling against none: a real difference, compared over the same seeds.
        let baseline = try plan(["jobs.0.iodepth=1,8"], replications: 3, overrides: tinyOverrides + ["iothreads.0.policy=none"])
        let candidate = try plan(["jobs.0.iodepth=1,8"], replications: 3, overrides: tinyOverrides + ["iothreads.0.policy=busy"],
                                 seed: baseline.baseSeed)
        let comparison = try XCTUnwrap(try Comparison.run(baseline: baseline, candidate: candidate, threads: 2, threshold: 5))
        XCTAssertEqual(comparison.rows.count, 2)
        XCTAssertTrue(comparison.rows.allSatisfy { $0.candidateCPU.mean > $0.baselineCPU.mean }, "busy polling costs CPU")
        XCTAssertTrue(comparison.rows.allSatisfy { $0.diffHalfWidthPercent.isFinite })
        // Deterministic: the same comparison twice, whatever the thread count.
        let again = try XCTUnwrap(try Comparison.run(baseline: baseline, candidate: candidate, threads: 1, threshold: 5))
        XCTAssertEqual(again.csv(), comparison.csv())
    }
}
