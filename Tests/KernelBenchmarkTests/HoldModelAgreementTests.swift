import XCTest
import KernelBenchmark

/// The Swift kernel and the C reference heap run the same hold model and must pop the same events in the same order.
/// Correctness only: no timing assertions here, ever (speed is measured by `pollsim bench kernel`).
///
/// Needs this line in Package.swift's targets (not yet added):
///     .testTarget(name: "KernelBenchmarkTests", dependencies: ["KernelBenchmark"]),
final class HoldModelAgreementTests: XCTestCase {
    func testSwiftAndCPopTheSameEventsInTheSameOrder() throws {
        let increments = try HoldModel.increments(count: 4_096, mean: 1_000)
        for pending in [1, 2, 10, 100, 1_000] {
            let result = try KernelBenchmark.verifyAgreement(pending: pending, operations: 20_000,
                                                             increments: increments)
            XCTAssertGreaterThan(result.lastTime, 0)
        }
    }

    func testTiesOnTimeAreBrokenInInsertionOrderOnBothSides() throws {
        // Increments of 0 and 1 ns only: most pops tie on time with other pending events.
        let increments: [Int64] = [0, 1, 0, 0, 1, 0, 1, 1, 0]
        for pending in [3, 64] {
            _ = try KernelBenchmark.verifyAgreement(pending: pending, operations: 5_000, increments: increments)
        }
    }

    func testEveryImplementationGivesTheSameResultAsTheNaiveModel() throws {
        let increments: [Int64] = [5, 3, 9, 0, 2, 7, 1]
        let pending = 4, operations = 200
        // The recipe of hold_model.h on a sorted list.
        var entries = (0..<pending).map { k in
            (time: increments[k % increments.count], seq: UInt64(k), token: Int32(k))
        }
        var sequence = UInt64(pending)
        var times: [Int64] = []
        for i in 0..<operations {
            let index = entries.indices.min { a, b in
                (entries[a].time, entries[a].seq) < (entries[b].time, entries[b].seq)
            }!
            let entry = entries.remove(at: index)
            times.append(entry.time)
            entries.append((entry.time + increments[i % increments.count], sequence, entry.token))
            sequence += 1
        }
        for implementation in HoldImplementation.allCases {
            let (result, _) = try HoldModel.run(implementation, pending: pending, operations: operations,
                                                increments: increments)
            XCTAssertEqual(result.timeSum, UInt64(times.reduce(0, +)), "\(implementation)")
            XCTAssertEqual(result.lastTime, times.last, "\(implementation)")
        }
    }

    func testInvalidArgumentsAreRejected() {
        XCTAssertThrowsError(try HoldModel.increments(count: 0, mean: 1_000))
        XCTAssertThrowsError(try HoldModel.increments(count: 10, mean: 0))
        XCTAssertThrowsError(try HoldModel.run(.simulation, pending: 0, operations: 10, increments: [1]))
        XCTAssertThrowsError(try HoldModel.run(.c, pending: 1, operations: 10, increments: []))
        XCTAssertThrowsError(try KernelBenchmark.run(.init(repetitions: 0)))
    }

    func testReportRendersAsTableAndJSON() throws {
        let report = try KernelBenchmark.run(.init(pendingSizes: [10, 100], operations: 2_000, repetitions: 2))
        XCTAssertEqual(report.rows.map(\.pending), [10, 100])
        XCTAssertTrue(report.checksumsAgree)
        XCTAssertTrue(report.table().contains("Simulation/C"))
        let json = try report.json()
        let decoded = try JSONDecoder().decode(KernelBenchmark.Report.self, from: Data(json.utf8))
        XCTAssertEqual(decoded, report)
    }
}
