import Foundation
import XCTest
import Scenario

/// Every scenario file under scenarios/ (the default, all-keys and the seed reproductions that
/// scripts/reproduce.py runs) must load, so that a broken scenario or profile fails CI rather than the script.
final class SeedScenarioTests: XCTestCase {
    /// The repository root, three levels above this file (Tests/ScenarioTests/SeedScenarioTests.swift).
    private static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testEveryScenarioFileLoads() throws {
        let directory = Self.repositoryRoot.appendingPathComponent("scenarios")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".yaml") }
            .sorted()
        XCTAssertTrue(files.contains("default.yaml"), "scenarios/ not found at \(directory.path)")
        for seed in ["seed000-many-disks", "seed001-o1-dispatch", "seed002-sync-io", "seed003-optane",
                     "seed003-s390x-fcp", "seed004-vhost-blk"] {
            XCTAssertTrue(files.contains("\(seed).yaml"), "scenarios/\(seed).yaml is missing")
        }
        for file in files {
            let path = directory.appendingPathComponent(file).path
            do {
                let configuration = try ScenarioLoader.load(path: path)
                XCTAssertFalse(configuration.jobs.isEmpty, "\(file): no jobs")
            } catch {
                XCTFail("\(file) does not load: \(error)")
            }
        }
    }
}
