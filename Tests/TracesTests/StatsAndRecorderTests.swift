import Foundation
import XCTest
@testable import Traces

final class TraceStatsTests: XCTestCase {
    func testStatisticsOfAKnownTrace() throws {
        let scratch = Scratch()
        let path = scratch.file("t.csv", header + """
            0,vda,0,R,0,4096,10000
            10000,vda,0,R,4096,8192,20000
            30000,vdb,1,W,0,4096,
            60000,vda,0,R,8192,512,30000

            """)
        let stats = try TraceStats.compute(path: path)
        XCTAssertEqual(stats.records, 4)
        XCTAssertEqual(stats.reads, 3)
        XCTAssertEqual(stats.writes, 1)
        XCTAssertEqual(stats.read_fraction, 0.75)
        XCTAssertEqual(stats.read_bytes, 4096 + 8192 + 512)
        XCTAssertEqual(stats.write_bytes, 4096)
        XCTAssertEqual(stats.duration_ns, 60_000)
        XCTAssertEqual(stats.iops, 50_000, accuracy: 1e-6)  // 3 gaps in 60 us
        XCTAssertEqual(stats.bw_bytes_per_s, Double(4096 + 8192 + 4096) / 60e-6, accuracy: 1e-3)
        XCTAssertEqual(stats.interarrival_ns.count, 3)
        XCTAssertEqual(stats.interarrival_ns.min, 10_000)
        XCTAssertEqual(stats.interarrival_ns.p50, 20_000)
        XCTAssertEqual(stats.interarrival_ns.max, 30_000)
        XCTAssertEqual(stats.interarrival_ns.mean, 20_000)
        XCTAssertEqual(stats.size_bytes.min, 512)
        XCTAssertEqual(stats.size_bytes.p50, 4096)
        XCTAssertEqual(stats.size_bytes.p90, 8192)
        XCTAssertEqual(stats.size_bytes.mean, Double(4096 + 8192 + 4096 + 512) / 4)
        XCTAssertEqual(stats.latency_ns.count, 3)
        XCTAssertEqual(stats.latency_ns.p50, 20_000)
        XCTAssertEqual(stats.disks, [.init(disk: "vda", records: 3), .init(disk: "vdb", records: 1)])

        let json = try stats.json()
        XCTAssertTrue(json.contains("\"iops\" : 50000"), json)
        XCTAssertTrue(json.contains("\"schema\" : 1"))
        let table = stats.table()
        XCTAssertTrue(table.contains("records: 4  (reads 3, writes 1; read fraction 75.0 %)"), table)
        XCTAssertTrue(table.contains("IOPS: 50000.0"), table)
        XCTAssertTrue(table.contains("disks: vda 3, vdb 1"), table)
    }

    func testEmptyAndSingleRecordTraces() throws {
        let scratch = Scratch()
        let empty = try TraceStats.compute(path: scratch.file("e.csv", header))
        XCTAssertEqual(empty.records, 0)
        XCTAssertEqual(empty.iops, 0)
        XCTAssertEqual(empty.size_bytes.count, 0)
        XCTAssertTrue(empty.table().contains("records: 0"))
        let one = try TraceStats.compute(path: scratch.file("o.csv", header + "5,a,0,W,0,4096,\n"))
        XCTAssertEqual(one.records, 1)
        XCTAssertEqual(one.duration_ns, 0)
        XCTAssertEqual(one.iops, 0)
        XCTAssertEqual(one.interarrival_ns.count, 0)
    }

    func testPercentilesAreExactForBlockSizesAndWithinATenthOfAPercentElsewhere() {
        var histogram = LogHistogram()
        for size in stride(from: 512, through: 1 << 20, by: 512) { histogram.record(Int64(size)) }
        for p in [1.0, 10, 50, 90, 99, 99.9] {
            let rank = Int((p / 100 * Double(histogram.total)).rounded(.up))
            XCTAssertEqual(histogram.percentile(p), Int64(rank * 512), "p\(p)")
        }
        var values = LogHistogram()
        var state: UInt64 = 7
        var all: [Int64] = []
        for _ in 0..<20_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let value = Int64(state >> 20)
            all.append(value)
            values.record(value)
        }
        all.sort()
        for p in [50.0, 90, 99] {
            let exact = all[Int((p / 100 * Double(all.count)).rounded(.up)) - 1]
            let reported = values.percentile(p)
            XCTAssertLessThanOrEqual(reported, exact)
            XCTAssertGreaterThanOrEqual(Double(reported), Double(exact) * (1 - 1.0 / 1024))
        }
        XCTAssertEqual(values.percentile(100), all.last)
    }
}

final class SimulationTraceRecorderTests: XCTestCase {
    func testCompletionsOutOfOrderAreWrittenInIssueOrder() throws {
        let scratch = Scratch()
        let recorder = SimulationTraceRecorder(writer: try TraceWriter(path: scratch.path("r.csv")))
        recorder.issued(slot: 0, at: 100)
        recorder.issued(slot: 1, at: 120)
        recorder.issued(slot: 2, at: 130)
        try recorder.completed(slot: 1, issuedAt: 120, queueName: "vda.vq0", isWrite: false, bytes: 4096, latency: 50, measured: true)
        try recorder.completed(slot: 2, issuedAt: 130, queueName: "vdb7.vq3", isWrite: true, bytes: 512, latency: 10, measured: true)
        XCTAssertEqual(recorder.written, 0, "slot 0 (issued first) is still in flight")
        recorder.issued(slot: 1, at: 200)  // slot 1 reused
        try recorder.completed(slot: 0, issuedAt: 100, queueName: "vda.vq0", isWrite: false, bytes: 8192, latency: 200, measured: true)
        XCTAssertEqual(recorder.written, 3)
        try recorder.completed(slot: 1, issuedAt: 200, queueName: "vda.vq0", isWrite: false, bytes: 1, latency: 1, measured: false)
        recorder.issued(slot: 0, at: 300)
        try recorder.completed(slot: 0, issuedAt: 300, queueName: "vda.vq1", isWrite: true, bytes: 4096, latency: 7, measured: true)
        try recorder.finish()
        XCTAssertEqual(try readAll(scratch.path("r.csv")), [
            TraceRecord(time: 0, disk: "vda", queue: 0, op: .read, offset: 0, length: 8192, latency: 200),
            TraceRecord(time: 20, disk: "vda", queue: 0, op: .read, offset: 0, length: 4096, latency: 50),
            TraceRecord(time: 30, disk: "vdb7", queue: 3, op: .write, offset: 0, length: 512, latency: 10),
            TraceRecord(time: 200, disk: "vda", queue: 1, op: .write, offset: 0, length: 4096, latency: 7),
        ])
    }
}
