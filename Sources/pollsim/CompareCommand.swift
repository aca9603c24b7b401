import ArgumentParser
import Foundation
import Reporting
import Scenario
import Sweep

/// `pollsim compare`: baseline against candidate over a grid, with paired confidence intervals.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare a candidate with a baseline over a grid: IOPS, diff % with a 95 % CI, IOThread CPU before and after.",
        discussion: """
            The candidate is the CANDIDATE file, or the baseline with --candidate-set overrides (or both). --set \
            applies to both sides; the grid (--vary, else the baseline's sweep: section) is applied last. Replication \
            k of a point uses the same seed on both sides, so the IOPS differences are paired; diff % is \
            100 x (candidate - baseline) / baseline of the mean IOPS, with the 95 % Student-t interval of the paired \
            differences. Rows whose IOPS fall by more than --threshold percent are flagged, and a last line says how \
            many: the acceptance rule of seed 003 is "regressions below 5 %". The exit status is 0 either way.
            """)

    @Argument(help: "Baseline scenario YAML file.")
    var baseline: String

    @Argument(help: "Candidate scenario YAML file (default: the baseline, changed by --candidate-set).")
    var candidate: String?

    @Option(name: .customLong("candidate-set"), help: ArgumentHelp("Override a key of the candidate only (repeatable).", valueName: "key.path=value"))
    var candidateOverrides: [String] = []

    @Option(name: .customLong("vary"), help: ArgumentHelp("Vary a key on both sides (repeatable), as in pollsim sweep.", valueName: "key.path=values"))
    var vary: [String] = []

    @OptionGroup var options: ScenarioOptions

    @Option(help: "Runs per point and side (default: the baseline's sweep.replications, else 3).")
    var replications: Int?

    @Option(help: "Flag rows whose IOPS fall by more than this many percent.")
    var threshold: Double = 5

    @Option(name: [.customShort("j"), .customLong("jobs")], help: "Worker threads (default: the number of cores).")
    var jobs: Int?

    @Option(help: "table, csv or json.")
    var outputFormat: OutputFormat = .table

    @Option(name: .shortAndLong, help: "Write the comparison to this file (atomically) instead of standard output.")
    var output: String?

    @Flag(help: "No progress bar.")
    var quiet = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("-j must be >= 1") }
        if let replications, replications < 1 { throw ValidationError("--replications must be >= 1") }
        guard threshold.isFinite, threshold >= 0 else { throw ValidationError("--threshold must be a percentage >= 0") }
        if candidate == nil && candidateOverrides.isEmpty {
            throw ValidationError("give a CANDIDATE file or --candidate-set key=value (or both)")
        }
    }

    func run() throws {
        let (baselinePlan, candidatePlan) = try makePlans()
        let threads = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        let interrupt = InterruptMonitor.install(what: "runs")
        let progress = ProgressReporter(label: "compare")
        let comparison: Comparison?
        do {
            comparison = try Comparison.run(baseline: baselinePlan, candidate: candidatePlan, threads: threads,
                                            threshold: threshold, shouldStop: { interrupt.isInterrupted },
                                            onProgress: { state in
                interrupt.running = state.running
                if !quiet { progress.update(state.fraction, detail: "runs \(state.finished)/\(state.total)") }
            })
        } catch let error as SweepError {
            progress.finish()
            throw CommandFailure(message: error.message)
        }
        progress.finish()
        guard let comparison else {
            StandardError.write("compare: interrupted; nothing written\n")
            throw ExitCode(130)
        }
        let text: String
        switch outputFormat {
        case .table: text = comparison.table()
        case .csv: text = comparison.csv()
        case .json: text = comparison.json()
        }
        if let output {
            try FileOutput.writeAtomically(text, to: output)
            print(comparison.summaryLine)
        } else {
            print(text, terminator: "")
            if outputFormat != .table { StandardError.write(comparison.summaryLine + "\n") }
        }
    }

    private func makePlans() throws -> (SweepPlan, SweepPlan) {
        do {
            let baselineSource = try ScenarioSource.file(baseline)
            let candidateSource = try candidate.map(ScenarioSource.file) ?? baselineSource
            let (grid, replicationCount) = try SweepPlan.axes(vary: vary, source: baselineSource,
                                                              overrides: options.overrides,
                                                              replications: replications, defaultReplications: 3)
            let baselinePlan = try SweepPlan(source: baselineSource, baseOverrides: options.overrides, grid: grid,
                                             replications: replicationCount, seed: options.seed)
            let candidatePlan: SweepPlan
            do {
                candidatePlan = try SweepPlan(source: candidateSource,
                                              baseOverrides: options.overrides + candidateOverrides, grid: grid,
                                              replications: replicationCount, seed: baselinePlan.baseSeed)
            } catch let error as SweepError {
                // An error caused by a --candidate-set names it as such.
                var message = error.message
                for override in candidateOverrides where message.hasPrefix("--set \(override):") {
                    message = "--candidate-set" + message.dropFirst("--set".count)
                }
                throw SweepError("candidate: " + message)
            }
            return (baselinePlan, candidatePlan)
        } catch let error as SweepError {
            throw CommandFailure(message: error.message)
        } catch let error as ScenarioError {
            throw CommandFailure(message: error.description)
        }
    }
}
