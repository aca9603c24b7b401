import Foundation
import XCTest
import PollModel
@testable import Sweep

/// The package root, found from this file's path (Tests/SweepTests/TestSupport.swift).
let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Tiny runs: a few milliseconds of simulated time each.
let tinyOverrides = ["runtime=5ms", "ramp_time=1ms"]

/// A scenario with two IOThreads and two disks, so that axes can move disks between threads.
let twoThreadScenario = """
    name: two-threads
    runtime: 5ms
    devices:
      - id: nvme0
        read-latency: { dist: lognormal, median: 9us, p99: 20us }
        parallelism: 8
    iothreads:
      - id: iothread0
        policy: poll-weight
      - id: iothread1
        policy: classic
    disks:
      - id: vda
        device: nvme0
        iothread: iothread0
      - id: vdb
        device: nvme0
        iothread: iothread1
    jobs:
      - name: a
        disk: vda
        iodepth: 4
      - name: b
        disk: vdb
        iodepth: 2

    """

func plan(_ vary: [String], replications: Int = 2, source: ScenarioSource = .defaultScenario,
          overrides: [String] = tinyOverrides, seed: UInt64? = nil, shard: Shard? = nil) throws -> SweepPlan {
    let axes = try vary.map { try SweepAxis.parse(vary: $0) }
    return try SweepPlan(source: source, baseOverrides: overrides, grid: SweepGrid(axes: axes),
                         replications: replications, seed: seed, shard: shard)
}

/// Runs a plan without a journal and renders its CSV.
func csv(of plan: SweepPlan, threads: Int = 1) throws -> String {
    let (outcome, _) = try SweepSession.run(plan, threads: threads)
    XCTAssertTrue(outcome.complete)
    return SweepCSV.render(plan, outcome.results)
}

/// A fresh empty directory under the system's temporary directory.
func temporaryDirectory(_ name: String = #function) throws -> String {
    let clean = name.filter { $0.isLetter || $0.isNumber }
    let path = NSTemporaryDirectory() + "pollsim-sweep-tests-\(getpid())-\(clean)"
    try? FileManager.default.removeItem(atPath: path)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The message of the SweepError `body` throws.
func sweepError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> String? {
    do {
        try body()
        XCTFail("expected an error", file: file, line: line)
        return nil
    } catch let error as SweepError {
        return error.message
    } catch {
        XCTFail("not a SweepError: \(error)", file: file, line: line)
        return nil
    }
}

func lines(_ text: String) -> [Substring] {
    text.split(separator: "\n", omittingEmptySubsequences: false)
}
