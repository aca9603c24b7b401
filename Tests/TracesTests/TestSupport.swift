import Foundation
import XCTest
@testable import Traces

/// The package root, found from this file's path (Tests/TracesTests/TestSupport.swift).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

let fixtures = packageRoot.appendingPathComponent("Tests/TracesTests/Fixtures")

/// A scratch directory for one test, removed afterwards.
final class Scratch {
    let directory: String

    init() {
        directory = NSTemporaryDirectory() + "pollsim-traces-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Writes `text` to `name` in the directory and returns its path.
    @discardableResult
    func file(_ name: String, _ text: String) -> String {
        let path = directory + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    func path(_ name: String) -> String { directory + "/" + name }

    func read(_ name: String) -> String {
        (try? String(contentsOfFile: path(name), encoding: .utf8)) ?? ""
    }
}

/// Every record of a native trace.
func readAll(_ path: String) throws -> [TraceRecord] {
    var records: [TraceRecord] = []
    try TraceReader.forEach(path: path) { records.append($0) }
    return records
}

/// Imports `text` in `format` and returns the records and the summary.
func importText(_ text: String, _ format: TraceFormat, options: ImportOptions = ImportOptions(),
                scratch: Scratch = Scratch(), name: String = "input") throws -> ([TraceRecord], ImportSummary) {
    let path = scratch.file(name, text)
    var records: [TraceRecord] = []
    let summary = try TraceImporter.read(format: format, path: path, options: options) { records.append($0) }
    return (records, summary)
}

/// The TraceError `body` throws (fails the test when it throws none or another error).
func traceError(file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) -> TraceError? {
    do {
        try body()
        XCTFail("expected a TraceError", file: file, line: line)
    } catch let error as TraceError {
        return error
    } catch {
        XCTFail("expected a TraceError, got \(error)", file: file, line: line)
    }
    return nil
}

let header = "# pollsim-trace v1\ntime_ns,disk,queue,op,offset,length,latency_ns\n"
