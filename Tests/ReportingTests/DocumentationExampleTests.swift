import Foundation
import PollModel
import XCTest
import Reporting

/// docs/output-format.md shows the three outputs of `Fixtures.sample()` verbatim; this test keeps them in step.
/// To regenerate them: `POLLSIM_DOC_EXAMPLE_DIR=/tmp/x swift test --disable-swift-testing --filter
/// DocumentationExampleTests` writes example.json, example.txt and example.csv into that directory.
final class DocumentationExampleTests: XCTestCase {
    static let outputs: [(file: String, fence: String, text: String)] = [
        ("example.json", "json", ResultFormatter.json(Fixtures.sample())),
        ("example.txt", "text", ResultFormatter.table(Fixtures.sample())),
        ("example.csv", "csv", ResultFormatter.csv([
            (result: Fixtures.sample(), extraColumns: [("poll_weight", "3")]),
            (result: Fixtures.sample(scenario: "optane, \"fast\" 4k", seed: 43), extraColumns: [("poll_weight", "2")]),
        ])),
    ]

    func testDocumentationShowsTheCurrentOutputs() throws {
        if let directory = ProcessInfo.processInfo.environment["POLLSIM_DOC_EXAMPLE_DIR"] {
            for output in Self.outputs {
                try output.text.write(toFile: directory + "/" + output.file, atomically: true, encoding: .utf8)
            }
        }
        let docs = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/output-format.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        for output in Self.outputs {
            XCTAssertTrue(text.contains("```\(output.fence)\n\(output.text)```\n"),
                          "docs/output-format.md does not show the current \(output.file):\n\(output.text)")
        }
    }
}
