import XCTest
@testable import Sweep

/// --shard K/N and pollsim merge: the shards together are the whole sweep, byte for byte.
final class ShardMergeTests: XCTestCase {
    func testShardsPartitionTheRows() throws {
        let full = try plan(["jobs.0.iodepth=1..5"], replications: 3)
        var seen: [RowID] = []
        for k in 1...4 {
            let shard = try plan(["jobs.0.iodepth=1..5"], replications: 3, shard: try Shard(index: k, count: 4))
            seen += shard.rows
            XCTAssertTrue(shard.rows.allSatisfy { ($0.point * 3 + $0.replication) % 4 == k - 1 })
        }
        XCTAssertEqual(seen.sorted(), full.rows)
        XCTAssertEqual(Set(seen).count, full.rows.count)
        XCTAssertNotEqual(try plan(["jobs.0.iodepth=1..5"], replications: 3, shard: try Shard(index: 1, count: 4)).fingerprint,
                          full.fingerprint)
    }

    func testShardSyntax() throws {
        XCTAssertEqual(try Shard(parsing: "2/5"), try Shard(index: 2, count: 5))
        XCTAssertEqual(sweepError { _ = try Shard(parsing: "0/4") }, "--shard 0/4: expected K/N with 1 <= K <= N")
        XCTAssertEqual(sweepError { _ = try Shard(parsing: "5/4") }, "--shard 5/4: expected K/N with 1 <= K <= N")
        XCTAssertEqual(sweepError { _ = try Shard(parsing: "1-4") }, "--shard 1-4: expected K/N, like 1/4 (K counts from 1)")
    }

    func testMergingAllShardsEqualsTheFullSweep() throws {
        let vary = ["jobs.0.iodepth=1..3", "jobs.0.bs=4k,8k"]
        let whole = try csv(of: try plan(vary, replications: 2), threads: 2)
        var shards: [(name: String, text: String)] = []
        for k in 1...3 {
            let text = try csv(of: try plan(vary, replications: 2, shard: try Shard(index: k, count: 3)))
            XCTAssertEqual(lines(text)[0], lines(whole)[0], "every shard has the full sweep's header")
            shards.append(("shard\(k).csv", text))
        }
        let merged = try SweepMerge.merge(shards.reversed())
        XCTAssertEqual(merged.csv, whole)
        XCTAssertEqual(merged.rows, 12)
        XCTAssertEqual(merged.missing, [])
        // More shards than rows: some shards are empty (a header alone) and still merge.
        var many: [(name: String, text: String)] = []
        for k in 1...14 { many.append(("s\(k)", try csv(of: try plan(vary, replications: 2, shard: try Shard(index: k, count: 14))))) }
        XCTAssertEqual(try SweepMerge.merge(many).csv, whole)
    }

    /// Points with different IOThreads: the header must still be the whole sweep's in every shard.
    func testShardHeadersCoverIOThreadsOfPointsTheyDoNotRun() throws {
        let source = ScenarioSource(yaml: twoThreadScenario, fileName: "two.yaml")
        let onlyOne = "iothreads=[{id: iothread0}];disks.vdb.iothread=iothread0"
        let vary = ["layout=one{\(onlyOne)},two{jobs.b.iodepth=2}"]
        let whole = try csv(of: try plan(vary, replications: 1, source: source, overrides: []))
        XCTAssertTrue(lines(whole)[0].contains("iothread1_cpu_util"))
        let first = try csv(of: try plan(vary, replications: 1, source: source, overrides: [], shard: try Shard(index: 1, count: 2)))
        XCTAssertEqual(lines(first)[0], lines(whole)[0])
        let second = try csv(of: try plan(vary, replications: 1, source: source, overrides: [], shard: try Shard(index: 2, count: 2)))
        XCTAssertEqual(try SweepMerge.merge([("a", first), ("b", second)]).csv, whole)
        // The one-IOThread point has empty iothread1 cells.
        let records = try SweepCSV.parse(whole, name: "whole")
        let column = try XCTUnwrap(records[0].fields.firstIndex(of: "iothread1_cpu_util"))
        XCTAssertEqual(records[1].fields[column], "")
        XCTAssertNotEqual(records[2].fields[column], "")
    }

    // MARK: Merge's checks

    let header = "jobs.0.iodepth,point,replication,scenario,iops\n"

    func testMergeRejectsMismatchedHeaders() {
        XCTAssertEqual(sweepError { _ = try SweepMerge.merge([("a.csv", self.header + "1,0,0,s,5\n"),
                                                               ("b.csv", "jobs.0.bs,point,replication,scenario,iops\n4k,1,0,s,6\n")]) },
                       "b.csv: its header differs from a.csv's: column 1 is 'jobs.0.bs', expected 'jobs.0.iodepth' (the files come from different sweeps, or from different versions of pollsim)")
        XCTAssertEqual(sweepError { _ = try SweepMerge.merge([("a.csv", self.header), ("b.csv", "jobs.0.iodepth,point,replication,scenario\n")]) },
                       "b.csv: its header differs from a.csv's: column 5 is nothing, expected 'iops' (the files come from different sweeps, or from different versions of pollsim)")
        XCTAssertEqual(sweepError { _ = try SweepMerge.merge([("a.csv", "x,y\n1,2\n")]) },
                       "a.csv: not a pollsim sweep CSV (no 'point' and 'replication' columns)")
        XCTAssertEqual(sweepError { _ = try SweepMerge.merge([("a.csv", "")]) },
                       "a.csv: empty file (expected a pollsim sweep CSV with a header line)")
    }

    func testMergeRejectsDuplicates() {
        XCTAssertEqual(sweepError { _ = try SweepMerge.merge([("a.csv", self.header + "1,0,0,s,5\n1,0,1,s,6\n"),
                                                               ("b.csv", self.header + "2,1,0,s,7\n1,0,1,s,6\n")]) },
                       "duplicate row (point 0, replication 1) in a.csv and b.csv: merge each shard once")
        XCTAssertEqual(sweepError { _ = try SweepMerge.merge([("a.csv", self.header + "1,0,0,s,5\n"), ("a.csv", self.header + "1,0,0,s,5\n")]) },
                       "duplicate row (point 0, replication 0) in a.csv and a.csv: merge each shard once")
    }

    func testMergeRejectsFilesOfDifferentSweeps() {
        XCTAssertEqual(sweepError { _ = try SweepMerge.merge([("a.csv", self.header + "1,0,0,s,5\n"), ("b.csv", self.header + "4,0,1,s,6\n")]) },
                       "point 0 is 4 in b.csv but 1 in a.csv: the files come from different sweeps")
        XCTAssertEqual(sweepError { _ = try SweepMerge.merge([("a.csv", self.header + "1,x,0,s,5\n")]) },
                       "a.csv: row 1: 'x', '0' are not a point and a replication number")
        XCTAssertEqual(sweepError { _ = try SweepMerge.merge([("a.csv", self.header + "1,0,0,s\n")]) },
                       "a.csv: row 1: 4 fields, the header has 5")
    }

    func testMergeOrdersRowsAndReportsGaps() throws {
        let merged = try SweepMerge.merge([("b.csv", header + "3,2,1,s,9\n1,0,1,s,6\n"), ("a.csv", header + "\"1\",0,0,\"s, t\",5\n")])
        XCTAssertEqual(merged.csv, header + "\"1\",0,0,\"s, t\",5\n1,0,1,s,6\n3,2,1,s,9\n", "rows keep their exact text")
        XCTAssertEqual(merged.missing, [RowID(point: 1, replication: 0), RowID(point: 1, replication: 1), RowID(point: 2, replication: 0)])
    }

    func testCSVParserHandlesQuotes() throws {
        let records = try SweepCSV.parse("a,b\n\"x, \"\"y\"\"\",\"line\nbreak\"\nlast,row", name: "t")
        XCTAssertEqual(records.map(\.fields), [["a", "b"], ["x, \"y\"", "line\nbreak"], ["last", "row"]])
        XCTAssertEqual(records[1].text, "\"x, \"\"y\"\"\",\"line\nbreak\"\n")
        XCTAssertEqual(sweepError { _ = try SweepCSV.parse("a,\"b\n", name: "t") }, "t:2: a quoted field is not closed")
    }
}
