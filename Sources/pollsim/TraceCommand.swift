import ArgumentParser
import Foundation
import PollModel
import Traces

extension TraceFormat: ExpressibleByArgument {}
extension BlkparseIssueEvent: ExpressibleByArgument {}
extension FioWaitSemantics: ExpressibleByArgument {}

/// `pollsim trace`: the native trace format (docs/trace-format.md): import, statistics, export, benchmark.
/// Wiring and printing only; the work is in the Traces module.
struct Trace: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import, inspect and export I/O traces (the native format of docs/trace-format.md).",
        subcommands: [Import.self, Stats.self, Export.self, Benchmark.self]
    )

    enum StatsFormat: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert a fio iolog, blkparse text output or an MSR Cambridge CSV trace to the native format.",
            discussion: """
                fio-iolog: versions 2 and 3 (v3 timestamps are microseconds). blkparse: the default text output; \
                one record per D event (or Q with --blkparse-event Q), 512-byte sectors, latency from the matching \
                C event. msr: Timestamp and ResponseTime in 100 ns ticks. Time 0 is the first request. \
                A malformed line stops the import with its line number, unless --skip-bad.
                """)

        @Option(help: "Input format: fio-iolog, blkparse or msr.")
        var format: TraceFormat

        @Argument(help: "The input trace ('-' for standard input).")
        var input: String

        @Option(name: .shortAndLong, help: "The native trace to write ('-' for standard output).")
        var output: String

        @Flag(help: "Skip malformed lines (and print how many) instead of stopping at the first.")
        var skipBad = false

        @Option(help: "blkparse: the event that issues a request: D (to the driver) or Q (queued).")
        var blkparseEvent: BlkparseIssueEvent = .dispatch

        @Option(help: "fio iolog v2: what a wait line means: absolute-ms (fio's replay code) or relative-us (fio's HOWTO).")
        var fioWait: FioWaitSemantics = .absoluteMilliseconds

        func run() throws {
            let options = ImportOptions(skipBad: skipBad, blkparseIssueEvent: blkparseEvent, fioWait: fioWait)
            let summary: ImportSummary
            do {
                summary = try TraceImporter.importTrace(format: format, from: input, to: output, options: options)
            } catch let error as TraceError {
                throw CommandFailure(message: error.description)
            }
            var lines = ["imported \(summary.records) records from \(summary.lines) lines of \(input) into \(output): "
                         + "\(summary.reads) reads (\(summary.readBytes) bytes), \(summary.writes) writes (\(summary.writeBytes) bytes), "
                         + "\(summary.withLatency) with a latency"]
            if !summary.ignored.isEmpty {
                lines.append("ignored (neither read nor write): "
                             + summary.ignored.sorted(by: { $0.key < $1.key }).map { "\($0.key) x\($0.value)" }.joined(separator: ", "))
            }
            if skipBad {
                lines.append("skipped \(summary.skipped) malformed line\(summary.skipped == 1 ? "" : "s")")
                for error in summary.firstSkipped { lines.append("  \(error)") }
                if summary.skipped > summary.firstSkipped.count {
                    lines.append("  ... (\(summary.skipped - summary.firstSkipped.count) more)")
                }
            }
            let text = lines.joined(separator: "\n") + "\n"
            if output == "-" { StandardError.write(text) } else { print(text, terminator: "") }
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count, duration, IOPS, size and inter-arrival distributions and read/write mix of a native trace.")

        @Argument(help: "A native trace ('-' for standard input).")
        var file: String

        @Option(help: "table or json.")
        var outputFormat: StatsFormat = .table

        @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
        var output: String?

        func run() throws {
            let stats: TraceStats
            do {
                stats = try TraceStats.compute(path: file)
            } catch let error as TraceError {
                throw CommandFailure(message: error.description)
            }
            let text = outputFormat == .json ? try stats.json() : stats.table()
            if let output {
                try FileOutput.writeAtomically(text + "\n", to: output)
            } else {
                print(text)
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Simulate a scenario and write its requests as a native trace (same as run --trace-out).",
            discussion: """
                One record per request whose completion falls in the measured window, in issue-time order: the \
                virtio disk and virtqueue, R/W, length, and the guest-visible latency. Offsets are not modelled and \
                are written as 0. The results are not printed; use 'pollsim run --trace-out' for both.
                """)

        @Argument(help: "Scenario YAML file (default: the built-in default scenario).")
        var scenario: String?

        @OptionGroup var options: ScenarioOptions

        @Option(name: .shortAndLong, help: "The native trace to write.")
        var output: String

        func run() throws {
            let configuration = try options.load(scenario)
            let simulator = try PollSimulator(configuration)
            let export = try TraceExport(simulator: simulator, path: output, scenario: configuration)
            let progress = ProgressReporter(label: configuration.name)
            _ = simulator.run(progress: progress.update)
            progress.finish()
            try TraceExport.check(simulator)
            let written = try export.finish()
            StandardError.write("wrote \(written) records to \(output)\n")
        }
    }

    struct Benchmark: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench",
            abstract: "Import speed (records/s) and peak memory on a generated MSR Cambridge trace.",
            discussion: """
                Generates N records of MSR CSV in --directory (not timed), imports them into a native trace \
                (timed), reads that back (timed), and prints the rates and the peak RSS (getrusage ru_maxrss). Run \
                it with 1000000 and 10000000 records to see that memory does not grow with the trace. \
                Build in release first: swift build -c release.
                """)

        @Option(help: "Records to generate.")
        var records: Int = 1_000_000

        @Option(help: "Where the generated files go (they are removed afterwards unless --keep).")
        var directory: String = NSTemporaryDirectory()

        @Flag(help: "Keep the generated input and the imported trace.")
        var keep = false

        @Option(help: "table or json.")
        var outputFormat: StatsFormat = .table

        func validate() throws {
            guard records >= 1 else { throw ValidationError("--records must be >= 1") }
        }

        func run() throws {
            let report: TraceBenchmark.Report
            do {
                report = try TraceBenchmark.run(records: records, directory: directory, keepFiles: keep)
            } catch let error as TraceError {
                throw CommandFailure(message: error.description)
            }
            if outputFormat == .json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(report.table())
            }
        }
    }
}

/// Connects a simulator's request observer to a native trace file (`run --trace-out`, `trace export`).
final class TraceExport {
    private let recorder: SimulationTraceRecorder
    private var failure: Error?

    init(simulator: PollSimulator, path: String, scenario: ModelConfiguration) throws {
        let writer: TraceWriter
        do {
            writer = try TraceWriter(path: path, comments: [
                "exported by pollsim \(Pollsim.version) from a simulation of scenario '\(scenario.name)', seed \(scenario.seed)",
                "one record per request completed in the measured window; disk = virtio disk, queue = virtqueue;",
                "latency_ns = guest-visible latency; offsets are not modelled (0); time_ns counts from the first request",
            ])
        } catch {
            throw CommandFailure(message: error.description)
        }
        let recorder = SimulationTraceRecorder(writer: writer)
        self.recorder = recorder
        simulator.requestObserver = { [unowned self] slot, issuedAt, queueName, isWrite, bytes, latency, measured in
            guard self.failure == nil else { return }
            guard let latency else {
                recorder.issued(slot: slot, at: issuedAt)
                return
            }
            do {
                try recorder.completed(slot: slot, issuedAt: issuedAt, queueName: queueName, isWrite: isWrite,
                                       bytes: bytes, latency: latency, measured: measured)
            } catch {
                self.failure = error
            }
        }
    }

    /// Writes what is still held and closes the file; returns the number of records.
    func finish() throws -> Int {
        do {
            if let failure { throw failure }
            try recorder.finish()
        } catch let error as TraceError {
            throw CommandFailure(message: error.description)
        }
        return recorder.written
    }

    /// Fails if a trace-driven job met a broken trace during the run.
    static func check(_ simulator: PollSimulator) throws {
        if let error = simulator.traceError {
            throw CommandFailure(message: "\(error.description) (the job replaying it stopped there)")
        }
    }
}
