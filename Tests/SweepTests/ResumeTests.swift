import Foundation
import XCTest
import PollModel
@testable import Sweep

/// The journal: a killed or interrupted sweep resumes without losing or rerunning finished rows.
final class ResumeTests: XCTestCase {
    func makePlan() throws -> SweepPlan { try plan(["jobs.0.iodepth=1,2,3"], replications: 2) }

    /// Runs a plan with a journal, as `pollsim sweep -o` does, and renders the final CSV.
    func runJournalled(_ plan: SweepPlan, journal path: String, threads: Int = 2) throws -> (String, SweepSession.Outcome) {
        let (outcome, journal) = try SweepSession.run(plan, threads: threads, journalPath: path)
        XCTAssertNotNil(journal)
        return (SweepCSV.render(plan, outcome.results), outcome)
    }

    func testResumingFromAPartialJournalGivesTheSameCSVAndRunsOnlyTheMissingRows() throws {
        let directory = try temporaryDirectory()
        let plan = try makePlan()
        let reference = try csv(of: plan)

        // A first run that finished rows 0, 2 and 5 of 6 before it was killed (the process died while writing a
        // seventh line, which is torn).
        let path = directory + "/results.csv.partial"
        let (first, _) = try SweepSession.run(try makePlan(), threads: 1, journalPath: path)
        XCTAssertTrue(first.complete)
        let journalLines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(journalLines.count, 1 + 6)
        let rowLines = journalLines.dropFirst().sorted()  // any order: the journal is in completion order
        // Keep rows (0,0), (1,0) and (2,1); mark (1,0) so that a rerun of it would show.
        var kept = rowLines.filter {
            $0.hasPrefix("{\"point\":0,\"replication\":0,") || $0.hasPrefix("{\"point\":1,\"replication\":0,")
                || $0.hasPrefix("{\"point\":2,\"replication\":1,")
        }
        XCTAssertEqual(kept.count, 3)
        let marked = 123_456.5
        kept = kept.map { line in
            guard line.hasPrefix("{\"point\":1,\"replication\":0,") else { return line }
            var entry = try! Journal.decoder.decode(Journal.Entry.self, from: Data(line.utf8))
            entry.result.iops = marked
            return String(data: try! Journal.encoder.encode(entry), encoding: .utf8)!
        }
        let torn = String(rowLines.last!.prefix(40))
        try (journalLines[0] + "\n" + kept.joined(separator: "\n") + "\n" + torn).write(toFile: path, atomically: true, encoding: .utf8)

        let (resumedCSV, outcome) = try runJournalled(plan, journal: path)
        XCTAssertEqual(outcome.resumed, 3)
        XCTAssertEqual(outcome.executed, 3, "only the missing rows run")
        XCTAssertTrue(outcome.complete)
        XCTAssertEqual(outcome.results[RowID(point: 1, replication: 0)]?.iops, marked, "a finished row is not run again")
        // The same CSV as an uninterrupted run, but for the marked row's IOPS.
        var expected = try SweepSession.run(plan, threads: 1).0.results
        expected[RowID(point: 1, replication: 0)]?.iops = marked
        XCTAssertEqual(resumedCSV, SweepCSV.render(plan, expected))
        XCTAssertNotEqual(resumedCSV, reference)

        // The journal now holds every row once, the torn line cut off.
        let after = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(after.hasSuffix("\n"))
        XCTAssertEqual(after.split(separator: "\n").count, 1 + 6)
        XCTAssertFalse(after.contains(torn + "{"))
    }

    func testAnUnchangedJournalResumesToTheIdenticalCSV() throws {
        let directory = try temporaryDirectory()
        let path = directory + "/r.csv.partial"
        let plan = try makePlan()
        let reference = try csv(of: plan, threads: 1)
        // Half the rows, as an interrupted run leaves them.
        let half = Set(plan.rows.prefix(3))
        let (partial, _) = try SweepSession.run(plan, threads: 2, journalPath: path, shouldStop: { false })
        XCTAssertTrue(partial.complete)
        var text = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        text = [text[0]] + text.dropFirst().filter { line in
            half.contains { line.hasPrefix("{\"point\":\($0.point),\"replication\":\($0.replication),") }
        }
        try (text.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let (resumed, outcome) = try runJournalled(plan, journal: path, threads: 1)
        XCTAssertEqual(outcome.resumed, 3)
        XCTAssertEqual(outcome.executed, 3)
        XCTAssertEqual(resumed, reference)
    }

    func testAStoppedRunKeepsItsRowsAndResumes() throws {
        let directory = try temporaryDirectory()
        let path = directory + "/r.csv.partial"
        let plan = try makePlan()
        let reference = try csv(of: plan)
        // Ctrl-C during the second row: shouldStop is asked before each row starts, and is true from the third on.
        let started = Counter()
        let (outcome, _) = try SweepSession.run(plan, threads: 1, journalPath: path, shouldStop: { started.next() >= 3 })
        XCTAssertFalse(outcome.complete)
        XCTAssertEqual(outcome.results.count, 2)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count, 1 + 2)
        let (resumed, second) = try runJournalled(plan, journal: path)
        XCTAssertEqual(second.resumed, 2)
        XCTAssertEqual(second.executed, 4)
        XCTAssertEqual(resumed, reference)
    }

    func testAJournalOfAnotherSweepIsRefused() throws {
        let directory = try temporaryDirectory()
        let path = directory + "/r.csv.partial"
        _ = try SweepSession.run(try makePlan(), threads: 2, journalPath: path)
        let other = try plan(["jobs.0.iodepth=1,2,3"], replications: 3)
        XCTAssertEqual(sweepError { _ = try SweepSession.run(other, threads: 1, journalPath: path) },
                       "the journal '\(path)' belongs to a different sweep (another scenario, --set, --vary, --replications, --seed or --shard); delete it to start over, or rerun the command that wrote it")
        let otherSeed = try plan(["jobs.0.iodepth=1,2,3"], replications: 2, seed: 9)
        XCTAssertNotNil(sweepError { _ = try SweepSession.run(otherSeed, threads: 1, journalPath: path) })
        // The thread count is not part of the sweep's identity.
        XCTAssertEqual(try makePlan().fingerprint, try makePlan().fingerprint)
        try "not a journal\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(sweepError { _ = try SweepSession.run(try makePlan(), threads: 1, journalPath: path) },
                       "'\(path)' is not a pollsim sweep journal; delete it or choose another --output")
    }

    /// The real thing: `pollsim sweep -o` killed with SIGKILL mid-run, then run again. Skipped when the pollsim
    /// binary has not been built next to the tests.
    func testKilledProcessResumes() throws {
        let binary = packageRoot.appendingPathComponent(".build/release/pollsim").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw XCTSkip("no .build/release/pollsim: run swift build -c release first")
        }
        let directory = try temporaryDirectory()
        let arguments = ["sweep", "--set", "runtime=20ms", "--vary", "jobs.0.iodepth=1..6", "--replications", "2",
                         "-j", "2", "--quiet"]
        func launch(_ output: String) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments + ["-o", output]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        let reference = directory + "/reference.csv"
        let whole = try launch(reference)
        whole.waitUntilExit()
        XCTAssertEqual(whole.terminationStatus, 0)

        let output = directory + "/killed.csv"
        let journal = output + ".partial"
        let victim = try launch(output)
        let deadline = Date(timeIntervalSinceNow: 60)
        while Date() < deadline {
            let count = (try? String(contentsOfFile: journal, encoding: .utf8))?.split(separator: "\n").count ?? 0
            if count >= 3 { break }  // header + two rows
            usleep(2_000)
        }
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        if FileManager.default.fileExists(atPath: output) {
            throw XCTSkip("the sweep finished before it could be killed")
        }
        let finished = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n").count - 1
        XCTAssertGreaterThanOrEqual(finished, 2)
        let rerun = try launch(output)
        rerun.waitUntilExit()
        XCTAssertEqual(rerun.terminationStatus, 0)
        XCTAssertEqual(try String(contentsOfFile: output, encoding: .utf8), try String(contentsOfFile: reference, encoding: .utf8))
        XCTAssertFalse(FileManager.default.fileExists(atPath: journal), "the journal is removed once the CSV is written")
    }
}

/// A thread-safe counter for `shouldStop` closures.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
