import Foundation
import XCTest
@testable import Scenario
import PollModel

/// docs/scenario-format.md holds generated tables; they must match the code. With POLLSIM_UPDATE_DOCS=1 the test
/// rewrites them instead (then review the diff).
final class DocumentationTests: XCTestCase {
    let path = packageRoot.appendingPathComponent("docs/scenario-format.md").path

    func testGeneratedTablesMatchTheCode() throws {
        let document = try String(contentsOfFile: path, encoding: .utf8)
        let refreshed = ScenarioReference.refreshed(document)
        if ProcessInfo.processInfo.environment["POLLSIM_UPDATE_DOCS"] == "1", refreshed != document {
            try refreshed.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        for block in ScenarioReference.blocks {
            XCTAssertTrue(document.contains(ScenarioReference.beginMarker(block.name)), "missing block \(block.name)")
            XCTAssertTrue(document.contains(ScenarioReference.endMarker(block.name)), "missing block end \(block.name)")
        }
        XCTAssertEqual(document, refreshed,
                       "docs/scenario-format.md is out of date: run POLLSIM_UPDATE_DOCS=1 swift test --disable-swift-testing --filter ScenarioTests.DocumentationTests")
    }

    func testEveryProfileKeyIsDocumentedWithItsDefault() throws {
        let document = try String(contentsOfFile: path, encoding: .utf8)
        for parameter in HostProfile.parameters {
            XCTAssertTrue(document.contains("| `\(parameter.key)` | \(ScenarioReference.formatNs(parameter.bareMetalNs)) |"),
                          "\(parameter.key) is not documented with its bare-metal value")
        }
    }

    func testEveryScenarioKeyIsDocumented() throws {
        let document = try String(contentsOfFile: path, encoding: .utf8)
        for section in ScenarioSchema.sections {
            for key in section.keys {
                XCTAssertTrue(document.contains("| `\(key.key)` |"), "\(section.name).\(key.key) is not documented")
            }
        }
        for name in DistributionParser.names {
            XCTAssertTrue(document.contains("| `\(name)` |"), "dist \(name) is not documented")
        }
    }

    func testTheGeneratedProfileTableListsEveryParameter() {
        let table = ScenarioReference.hostProfileTable()
        XCTAssertEqual(table.split(separator: "\n").count, HostProfile.parameters.count + 2)
        XCTAssertTrue(table.contains("| `wakeup-cross-cpu` | 5us |"))
        XCTAssertTrue(table.contains("| `poll-handler` | 15ns |"))
        XCTAssertEqual(ScenarioReference.formatNs(1500), "1.5us")
    }
}
