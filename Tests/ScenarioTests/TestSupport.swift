import Foundation
import XCTest
@testable import Scenario
import PollModel

/// The package root, found from this file's path (Tests/ScenarioTests/TestSupport.swift).
let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

func readPackageFile(_ relativePath: String) throws -> String {
    try String(contentsOf: packageRoot.appendingPathComponent(relativePath), encoding: .utf8)
}

/// A minimal valid scenario; tests splice keys into it.
let minimalScenario = """
    runtime: 10ms
    devices:
      - id: nvme0
        read-latency: 10us
    iothreads:
      - id: iothread0
    disks:
      - id: vda
        device: nvme0
        iothread: iothread0
    jobs:
      - name: reader
        disk: vda

    """

func parse(_ yaml: String, overrides: [String] = [], seed: UInt64? = nil, file: String = "scenario.yaml") throws -> ModelConfiguration {
    try ScenarioLoader.parse(yaml: yaml, fileName: file, overrides: overrides, seed: seed)
}

/// Asserts that parsing throws a ScenarioError whose description is exactly `expected`.
func assertError(_ yaml: String, overrides: [String] = [], _ expected: String,
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(scenarioError(yaml, overrides: overrides)?.description, expected, file: file, line: line)
}

/// Asserts that parsing throws a ScenarioError at `position` ("12:5") whose message contains `fragment`.
func assertError(_ yaml: String, overrides: [String] = [], at position: String?, contains fragment: String,
                 file: StaticString = #filePath, line: UInt = #line) {
    guard let error = scenarioError(yaml, overrides: overrides) else {
        XCTFail("expected an error containing '\(fragment)', but the scenario parsed", file: file, line: line)
        return
    }
    let actual = error.line.map { "\($0):\(error.column ?? 0)" }
    XCTAssertEqual(actual, position, "in: \(error)", file: file, line: line)
    XCTAssertTrue(error.message.contains(fragment), "'\(error.message)' does not contain '\(fragment)'", file: file, line: line)
}

func scenarioError(_ yaml: String, overrides: [String] = []) -> ScenarioError? {
    do {
        _ = try parse(yaml, overrides: overrides)
        return nil
    } catch let error as ScenarioError {
        return error
    } catch {
        XCTFail("not a ScenarioError: \(error)")
        return nil
    }
}

/// `minimalScenario` with `old` replaced by `new` (which must occur).
func minimal(replacing old: String, with new: String) -> String {
    precondition(minimalScenario.contains(old), "'\(old)' is not in the minimal scenario")
    return minimalScenario.replacingOccurrences(of: old, with: new)
}
