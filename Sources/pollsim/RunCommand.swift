import ArgumentParser
import PollModel
import Reporting
import Scenario

/// `pollsim run`: one scenario, simulated, summarised.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate a scenario file (or the built-in default scenario) and print its results.",
        discussion: """
            Prints IOPS, bandwidth, guest latency percentiles, IOThread CPU split and polling statistics. \
            Use --set to override any scenario key, e.g. --set iothreads.0.poll-weight=2 --set jobs.0.iodepth=16.
            """)

    @Argument(help: "Scenario YAML file (default: the built-in default scenario, scenarios/default.yaml).")
    var scenario: String?

    @OptionGroup var options: ScenarioOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Write poll_ns and the poll budget of every aio_poll iteration as CSV to this file.")
    var timeline: String?

    @Option(help: DecisionsOutput.help)
    var decisions: String?

    @Option(help: "Write the guest latency CDF (latency_ns,fraction per job and overall) as CSV to this file.")
    var latencyCDF: String?

    @Option(help: "Write the measured requests as a native trace (docs/trace-format.md) to this file.")
    var traceOut: String?

    func run() throws {
        let configuration = try options.load(scenario)
        let simulator = try PollSimulator(configuration)
        var timelineWriter: TimelineWriter?
        if let timeline {
            let writer = try TimelineWriter(path: timeline)
            simulator.timeline = { time, thread, pollNs, budget in writer.record(time, thread, pollNs, budget) }
            timelineWriter = writer
        }
        var iterations: [IterationRecord] = []
        if decisions != nil {
            simulator.iterationObserver = { record in
                if iterations.count < DecisionsOutput.limit { iterations.append(record) }
            }
        }
        let export = try traceOut.map { try TraceExport(simulator: simulator, path: $0, scenario: configuration) }
        let progress = ProgressReporter(label: configuration.name)
        var result = simulator.run(progress: progress.update)
        progress.finish()
        try timelineWriter?.close()
        if let decisions { try DecisionsOutput.write(iterations, to: decisions) }
        if let latencyCDF {
            var csv = "job,latency_ns,fraction\n"
            let jobs = [("all", simulator.latencyCDF())]
                + configuration.jobs.indices.map { (configuration.jobs[$0].name, simulator.latencyCDF(job: $0)) }
            for (name, points) in jobs {
                for point in points { csv += "\(name),\(point.latency_ns),\(point.fraction)\n" }
            }
            try FileOutput.writeAtomically(csv, to: latencyCDF)
        }
        try TraceExport.check(simulator)
        _ = try export?.finish()
        if output.reproducible { result.sim = result.sim.withoutWallClock }
        try output.emit(ResultFormatter.format(result, as: output.outputFormat))
    }
}

/// Options shared by every command that loads a scenario.
struct ScenarioOptions: ParsableArguments {
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a scenario key.", valueName: "key.path=value"))
    var overrides: [String] = []

    @Option(help: "Random seed (overrides the scenario's seed).")
    var seed: UInt64?

    /// Loads `path`, or the built-in default scenario when nil.
    func load(_ path: String?) throws -> ModelConfiguration {
        do {
            if let path {
                return try ScenarioLoader.load(path: path, overrides: overrides, seed: seed)
            }
            return try ScenarioLoader.parse(yaml: ScenarioLoader.defaultScenarioYAML, fileName: "default.yaml",
                                            overrides: overrides, seed: seed)
        } catch let error as ScenarioError {
            throw CommandFailure(message: error.description)
        }
    }
}
