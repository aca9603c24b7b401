import ArgumentParser
import Foundation
import PollModel
import Scenario
import Sweep

/// `pollsim sweep`: a grid of scenario variants, replicated, run in parallel, written as tidy CSV.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a scenario over a grid of key values with replications, in parallel, and write tidy CSV.",
        discussion: """
            Each --vary key=values adds an axis; the grid is their cross product, the first --vary varying slowest. \
            Values are a list (1,4,8,16; randread,randwrite; 4k,8k) or ranges: 0..8 (step 1, inclusive), 0..8:2 \
            (step 2), 4k..64k*2 (geometric: 4k 8k 16k 32k 64k). A named case sets several keys at once: \
            --vary 'layout=shared{disks.vdb.iothread=iothread0},separate{disks.vdb.iothread=iothread1}'. Without \
            --vary, the scenario's own sweep: section is used. Replication k of every point runs with the same seed \
            (common random numbers). The CSV has one row per (point, replication), in that order, whatever -j is; a \
            mean and 95 % confidence interval per point is printed after it. With --output, finished rows are \
            journalled to OUTPUT.partial as they finish, and the same command run again resumes from it. \
            See docs/sweeps.md.
            """)

    @Argument(help: "Scenario YAML file (default: the built-in default scenario).")
    var scenario: String?

    @Option(name: .customLong("vary"), help: ArgumentHelp("Vary a scenario key (repeatable).", valueName: "key.path=values"))
    var vary: [String] = []

    @OptionGroup var options: ScenarioOptions

    @Option(help: "Runs per point (default: the scenario's sweep.replications, else 1).")
    var replications: Int?

    @Option(name: [.customShort("j"), .customLong("jobs")], help: "Worker threads (default: the number of cores).")
    var jobs: Int?

    @Option(name: .shortAndLong, help: "Write the CSV to this file (atomically, at the end; rows are journalled to FILE.partial meanwhile) instead of standard output.")
    var output: String?

    @Option(help: ArgumentHelp("Run only rows i with i mod N = K - 1 (i = point x replications + replication); join the shards' files with pollsim merge.", valueName: "K/N"))
    var shard: String?

    @Flag(help: "Print no summary table and no progress bar.")
    var quiet = false

    @Flag(help: "Check the scenario and the grid, print the points and the number of rows, and run nothing.")
    var dryRun = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("-j must be >= 1") }
        if let replications, replications < 1 { throw ValidationError("--replications must be >= 1") }
    }

    func run() throws {
        let plan = try makePlan()
        if dryRun {
            print(SweepSummary.dryRun(plan), terminator: "")
            return
        }
        let threads = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        let interrupt = InterruptMonitor.install(what: "rows")
        let progress = ProgressReporter(label: "sweep")
        let journalPath = output.map(Journal.path(for:))
        let (outcome, journal): (SweepSession.Outcome, Journal?)
        do {
            (outcome, journal) = try SweepSession.run(
                plan, threads: threads, journalPath: journalPath, shouldStop: { interrupt.isInterrupted },
                onStart: { resumed, pending in
                    interrupt.running = min(threads, pending)
                    if resumed > 0, !quiet {
                        StandardError.write("sweep: resuming from \(journalPath ?? ""): \(resumed) of \(plan.rows.count) rows already done, \(pending) to run\n")
                    }
                },
                onProgress: { state in
                    interrupt.running = state.running
                    if !quiet { progress.update(state.fraction, detail: "rows \(state.done)/\(state.total)") }
                })
        } catch let error as SweepError {
            progress.finish()
            throw CommandFailure(message: error.message)
        }
        progress.finish()
        guard outcome.complete else {
            let kept = journalPath.map { "; the journal \($0) keeps them: run the same command again to resume" }
                ?? " (use --output FILE to keep finished rows across runs)"
            StandardError.write("sweep: interrupted after \(outcome.results.count) of \(plan.rows.count) rows\(kept)\n")
            throw ExitCode(130)
        }
        let csv = SweepCSV.render(plan, outcome.results)
        if let output {
            try FileOutput.writeAtomically(csv, to: output)
            journal?.remove()
        } else {
            print(csv, terminator: "")
        }
        if !quiet {
            let table = SweepSummary.table(plan, outcome.results)
            if output != nil { print(table, terminator: "") } else { StandardError.write(table) }
        }
    }

    private func makePlan() throws -> SweepPlan {
        do {
            let source = try scenario.map(ScenarioSource.file) ?? .defaultScenario
            let (grid, replicationCount) = try SweepPlan.axes(vary: vary, source: source, overrides: options.overrides,
                                                              replications: replications, defaultReplications: 1)
            let shard = try shard.map { text throws(SweepError) in try Shard(parsing: text) }
            return try SweepPlan(source: source, baseOverrides: options.overrides, grid: grid,
                                 replications: replicationCount, seed: options.seed, shard: shard)
        } catch let error as SweepError {
            throw CommandFailure(message: error.message)
        } catch let error as ScenarioError {
            throw CommandFailure(message: error.description)
        }
    }
}

/// `pollsim merge`: shard CSVs into the whole sweep's CSV.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the CSV files of a sweep's shards (pollsim sweep --shard K/N) into the whole sweep's CSV.",
        discussion: """
            Checks that the files have the same header, that no (point, replication) row appears twice and that a \
            point has the same values in every file, and writes the rows in canonical order: merging every shard \
            gives, byte for byte, the CSV of the unsharded sweep. Rows missing below the highest point seen are \
            reported on standard error.
            """)

    @Argument(help: "CSV files written by pollsim sweep.")
    var files: [String]

    @Option(name: .shortAndLong, help: "Write the merged CSV to this file (atomically) instead of standard output.")
    var output: String?

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one CSV file") }
    }

    func run() throws {
        var inputs: [(name: String, text: String)] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                throw CommandFailure(message: "cannot read '\(file)'")
            }
            inputs.append((file, text))
        }
        let merged: SweepMerge.Output
        do {
            merged = try SweepMerge.merge(inputs)
        } catch let error as SweepError {
            throw CommandFailure(message: error.message)
        }
        if !merged.missing.isEmpty {
            let shown = merged.missing.prefix(5).map { "(\($0))" }.joined(separator: ", ")
            StandardError.write("merge: warning: \(merged.missing.count) rows missing: \(shown)\(merged.missing.count > 5 ? ", ..." : "")\n")
        }
        if let output {
            try FileOutput.writeAtomically(merged.csv, to: output)
        } else {
            print(merged.csv, terminator: "")
        }
    }
}
