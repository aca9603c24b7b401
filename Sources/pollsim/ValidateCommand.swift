import ArgumentParser
import Foundation
import PollModel
import RealLoop
import Reporting

/// `pollsim validate`: the same scenario and seed simulated and replayed, metric by metric.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Simulate a scenario and replay it on the real loop with the same seed, and print the errors.",
        discussion: """
            Both sides run the scenario with every disk on aio=io_uring and one guest vCPU (what the real loop \
            implements). The simulator uses --profile, or a quick calibration of this host when none is given. \
            Prints per metric the simulated value, the measured value and the error: IOPS, p50, p90, p99 and mean \
            latency in %, IOThread CPU in percentage points, and the demerit (RMS distance between the latency \
            CDFs over percentiles 1 to 99, relative to the measured mean). See docs/validation.md.
            """)

    @Argument(help: "Scenario YAML file (default: the built-in default scenario).")
    var scenario: String?

    @Option(help: ArgumentHelp("Host profile for the simulation (a file written by `pollsim calibrate`, or a built-in name). Default: calibrate now.", valueName: "host.yaml"))
    var profile: String?

    @Option(help: "With no --profile: the calibration's --scale.")
    var calibrationScale: Double = 0.3

    @Option(help: ArgumentHelp("With a file or block device: measure its read latency with this many reads just before the replay and simulate with it in place of the scenario's read-latency (docs/validation.md, finding 13). 0 keeps the scenario's.", valueName: "n"))
    var deviceReads: Int = 2000

    @Option(help: ArgumentHelp("Measure the host's wake-ups with two replays of this many ms (policy none, the synthetic device), one just before the replay and one just after, and simulate with them in place of the profile's (docs/validation.md, finding 15). 0 keeps the profile's.", valueName: "ms"))
    var wakeupProbeMs: Int = 300

    @Option(help: ArgumentHelp("Replay the scenario this many times, 1 s apart, and compare the simulation with the median replay by IOPS; the table and the JSON also say of how many replays the simulated IOPS, p50 and CPU are within target (docs/validation.md, finding 23: the real loop moves from one replay to the next by more than the targets).", valueName: "n"))
    var replays: Int = 1

    @OptionGroup var replay: ReplayOptions
    @OptionGroup var options: ScenarioOptions

    @Option(help: ArgumentHelp("Write the simulation's and the replay's first \(DecisionsOutput.limit) aio_poll iterations as CSV to PREFIX-simulated.csv and PREFIX-measured.csv (`pollsim run/replay --decisions`; scripts/iteration-compare.py compares them).", valueName: "PREFIX"))
    var decisions: String?

    @Option(help: "table, json or csv.")
    var outputFormat: OutputFormat = .table

    @Option(name: .shortAndLong, help: "Write the comparison to this file instead of standard output.")
    var output: String?

    func run() throws {
        var scenarioOptions = options
        if let profile {
            let path = profile.hasPrefix("/") || HostProfile.builtIn[profile] != nil
                ? profile : FileManager.default.currentDirectoryPath + "/" + profile
            scenarioOptions.overrides.append("profile=\(path)")
        }
        var configuration = try scenarioOptions.load(scenario)
        if profile == nil {
            StandardError.write("validate: no --profile; calibrating this host (scale \(calibrationScale))\n")
            let calibration = try Calibrator.run(.init(scale: calibrationScale))
            configuration.profile = calibration.profile()
        }
        guard deviceReads >= 0 else {
            throw CommandFailure(message: "validate: --device-reads must be >= 0 (got \(deviceReads))")
        }
        guard wakeupProbeMs >= 0 && wakeupProbeMs <= 10_000 else {
            throw CommandFailure(message: "validate: --wakeup-probe-ms must be between 0 and 10000 (got \(wakeupProbeMs))")
        }
        guard (1...20).contains(replays) else {
            throw CommandFailure(message: "validate: --replays must be between 1 and 20 (got \(replays))")
        }
        var replay = self.replay
        if decisions != nil { replay.recordDecisions = DecisionsOutput.limit }
        let report = try Validation.run(configuration, setup: replay.setup, deviceReads: deviceReads,
                                        wakeupProbeNs: Int64(wakeupProbeMs) * 1_000_000, replays: replays,
                                        replay: replay.replay, note: { StandardError.write("note: \($0)\n") },
                                        iterations: { simulated, measured in
                                            guard let decisions else { return }
                                            try DecisionsOutput.write(simulated, to: decisions + "-simulated.csv")
                                            try DecisionsOutput.write(measured, to: decisions + "-measured.csv")
                                        })
        let text: String
        switch outputFormat {
        case .table: text = report.table()
        case .csv: text = report.csv()
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            text = String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
        }
        if let output {
            try FileOutput.writeAtomically(text, to: output)
        } else {
            print(text, terminator: "")
        }
    }
}
