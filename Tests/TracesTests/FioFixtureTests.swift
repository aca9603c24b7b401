import Foundation
import XCTest
@testable import Traces

/// The real iolog in Fixtures/ (see its README) against fio's own JSON report of the same run.
final class FioFixtureTests: XCTestCase {
    func testImportMatchesFiosOwnCounts() throws {
        let json = try Data(contentsOf: fixtures.appendingPathComponent("fio-randrw.json"))
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let job = try XCTUnwrap((report["jobs"] as? [[String: Any]])?.first)
        let read = try XCTUnwrap(job["read"] as? [String: Any])
        let write = try XCTUnwrap(job["write"] as? [String: Any])
        let fioReads = try XCTUnwrap(read["total_ios"] as? Int)
        let fioWrites = try XCTUnwrap(write["total_ios"] as? Int)
        let fioReadBytes = try XCTUnwrap(read["io_bytes"] as? Int)
        let fioWriteBytes = try XCTUnwrap(write["io_bytes"] as? Int)
        XCTAssertEqual(fioReads + fioWrites, 3000, "the fixture's README says 3000 I/Os")

        let scratch = Scratch()
        let summary = try TraceImporter.importTrace(format: .fioIolog,
                                                    from: fixtures.appendingPathComponent("fio-randrw.iolog").path,
                                                    to: scratch.path("fio.csv"))
        XCTAssertEqual(summary.reads, fioReads)
        XCTAssertEqual(summary.writes, fioWrites)
        XCTAssertEqual(summary.readBytes, Int64(fioReadBytes))
        XCTAssertEqual(summary.writeBytes, Int64(fioWriteBytes))
        XCTAssertEqual(summary.ignored, ["file action": 3])
        XCTAssertEqual(summary.skipped, 0)

        // The written trace says the same, and its times are microseconds: fio's run lasted a few hundred ms.
        let stats = try TraceStats.compute(path: scratch.path("fio.csv"))
        XCTAssertEqual(stats.reads, fioReads)
        XCTAssertEqual(stats.writes, fioWrites)
        XCTAssertEqual(stats.read_bytes + stats.write_bytes, Int64(fioReadBytes + fioWriteBytes))
        XCTAssertEqual(Set(stats.disks.map(\.disk)), ["/tmp/pollsim-fio-fixture.dat"])
        let runtimeMs = try XCTUnwrap(job["job_runtime"] as? Int)
        XCTAssertGreaterThan(stats.duration_ns, 10_000_000)
        XCTAssertLessThanOrEqual(stats.duration_ns, Int64(runtimeMs + 50) * 1_000_000,
                                 "the trace cannot last longer than fio's job ran")
        XCTAssertEqual(stats.size_bytes.min, 4096)
        XCTAssertEqual(stats.size_bytes.max, 8192)
    }

    func testTheReplayScenariosTraceIsThisFixtureImported() throws {
        // scenarios/traces/fio-randrw.csv was made with `pollsim trace import` from the fixture.
        let scratch = Scratch()
        _ = try TraceImporter.importTrace(format: .fioIolog, from: fixtures.appendingPathComponent("fio-randrw.iolog").path,
                                          to: scratch.path("fio.csv"))
        XCTAssertEqual(try readAll(scratch.path("fio.csv")),
                       try readAll(packageRoot.appendingPathComponent("scenarios/traces/fio-randrw.csv").path))
    }
}
