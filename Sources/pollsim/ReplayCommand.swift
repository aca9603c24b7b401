import ArgumentParser
import PollModel
import RealLoop
import Reporting

/// `pollsim replay`: the scenario on the real io_uring loop, printed in the simulator's result schema.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a scenario on a real io_uring IOThread against a file, a block device or a synthetic device.",
        discussion: """
            Runs the scenario's IOThread as a real thread whose fd monitor is an io_uring ring, with shared-memory \
            virtqueues and the same PollingPolicy code as the simulator, for ramp_time + runtime of wall-clock time, \
            and prints the same result schema as `pollsim run`. --device synthetic completes each request after a \
            latency drawn from the scenario device's distribution (a spinning thread posts it with IORING_OP_MSG_RING); \
            --device PATH reads a regular file or block device with O_DIRECT. Writes need --allow-write and are always \
            refused on a block device that holds a mounted filesystem. Ctrl-C stops the run and prints what was \
            measured so far.
            """)

    @Argument(help: "Scenario YAML file (default: the built-in default scenario).")
    var scenario: String?

    @OptionGroup var replay: ReplayOptions
    @OptionGroup var options: ScenarioOptions
    @OptionGroup var output: OutputOptions

    @Option(help: DecisionsOutput.help)
    var decisions: String?

    @Option(help: ArgumentHelp("Write the IOThread's blocking waits that a kick or a completion ended (how long it had been blocked, how long its wake-up took, its CPU time in the wait) as CSV to this file (docs/validation.md, finding 15; scripts/wakeup-bins.py summarises it).", valueName: "FILE"))
    var wakeups: String?

    func run() throws {
        let configuration = try options.load(scenario)
        var replay = self.replay
        if decisions != nil { replay.recordDecisions = DecisionsOutput.limit }
        let report = try replay.replay(configuration)
        if let decisions {
            try DecisionsOutput.write(report.iterationRecords, to: decisions)
        }
        if let wakeups {
            var text = ResultFormatter.csvRecord(["event", "blocked_ns", "wake_ns", "cpu_ns"])
            for wakeup in report.blockedWakeups {
                text += ResultFormatter.csvRecord(["\(wakeup.event)", "\(wakeup.blockedNs)", "\(wakeup.wakeNs)", "\(wakeup.cpuNs)"])
            }
            try FileOutput.writeAtomically(text, to: wakeups)
        }
        var result = report.result
        if output.reproducible { result.sim = result.sim.withoutWallClock }
        try output.emit(ResultFormatter.format(result, as: output.outputFormat))
    }
}

/// Options shared by `replay` and `validate`.
struct ReplayOptions: ParsableArguments {
    @Option(help: ArgumentHelp("'synthetic', or the path of a file or block device to read with O_DIRECT.", valueName: "PATH|synthetic"))
    var device: String = "synthetic"

    @Flag(help: "Allow the scenario's writes to the file or device (never to a block device holding a mounted filesystem).")
    var allowWrite = false

    @Flag(help: "QEMU's need_wait(): also count unsubmitted SQEs (the POLL_ADD re-arm after each fd event), which stops polling in the iteration after an fd event. The simulator does not model it.")
    var qemuNeedWait = false

    @Flag(help: "Do not pin the IOThread and the driver thread to separate CPUs.")
    var noPin = false

    /// Iterations whose decisions are recorded (set by `replay --decisions`).
    var recordDecisions = 0

    var setup: ReplaySetup {
        var setup = ReplaySetup(device: .init(argument: device), allowWrite: allowWrite, countPendingSQEs: qemuNeedWait,
                                pinThreads: !noPin)
        setup.recordDecisions = recordDecisions
        return setup
    }

    /// Runs the replay with SIGINT handled, and prints its notes and the device accuracy on standard error.
    func replay(_ configuration: ModelConfiguration) throws -> ReplayReport {
        Replay.installInterruptHandler()
        defer { Replay.removeInterruptHandler() }
        let report: ReplayReport
        do {
            report = try Replay.run(configuration, setup: setup)
        } catch let error as ReplayError {
            throw CommandFailure(message: "replay: \(error)")
        } catch let error as SystemError {
            throw CommandFailure(message: "replay: \(error)")
        }
        for note in report.notes { StandardError.write("note: \(note)\n") }
        if report.interrupted { StandardError.write("replay: interrupted; the results cover the time measured so far\n") }
        if let lateness = report.lateness {
            StandardError.write("replay: synthetic device completion lateness p50 \(lateness.percentile(50)) ns, p99 \(lateness.percentile(99)) ns, max \(lateness.max) ns over \(lateness.count) completions\n")
            let posts = report.postSubmit
            if posts.count > 0 {
                StandardError.write("replay: synthetic device completion posts (MSG_RING submissions, in the guest's thread) p10 \(posts.percentile(10)) ns, p50 \(posts.percentile(50)) ns, p90 \(posts.percentile(90)) ns\n")
            }
        }
        /// A stage of the request's path, as every line below prints it.
        func spread(_ series: LatencySeries) -> String {
            // The mean beside the percentiles: what a CPU total adds up is the mean, tails and all.
            "p50 \(series.percentile(50)) ns, p90 \(series.percentile(90)) ns, p99 \(series.percentile(99)) ns, mean \(series.count > 0 ? series.sumNs / Int64(series.count) : 0) ns"
        }
        let pickup = report.submissionPickup
        let running = report.runningKickPickup
        let kicked = running.count > 0 ? "; kicks that reached it running p50 \(running.percentile(50)) ns over \(running.count)" : ""
        StandardError.write("replay: guest submission to IOThread pop \(spread(pickup))\(kicked)\n")
        if let arrival = report.deviceArrival, arrival.count > 0 {
            StandardError.write("replay: IOThread submission to synthetic device arrival \(spread(arrival))\n")
        }
        if let notification = report.completionNotification {
            StandardError.write("replay: device completion to IOThread dispatch \(spread(notification))\n")
        }
        let delivery = report.usedDelivery
        if delivery.count > 0 {
            StandardError.write("replay: IOThread used-ring push to guest completion \(spread(delivery))\n")
        }
        let work = report.loopWork
        for (what, series) in [("completion dispatch per request", work.completionDispatch),
                               ("virtqueue dispatch per request, without system calls", work.virtqueueDispatch),
                               ("dispatch end to the next io_poll_begin", work.iterationTail),
                               ("fd monitor's reap after a wait, per fd event", work.fdEventReap),
                               ("wait's return to the first dispatch", work.waitReturn),
                               ("dispatch loop beyond its handlers", work.dispatchOverhead)] where series.count > 0 {
            StandardError.write("replay: IOThread \(what) \(spread(series))\n")
        }
        if let fit = HaltFit(report.blockedWakeups) {
            func median(_ group: [BlockedWakeup], _ value: KeyPath<BlockedWakeup, Int64>) -> Int64 {
                HaltFit.median(group.map { $0[keyPath: value] })
            }
            StandardError.write("replay: IOThread wake-ups from a blocking wait: p50 \(median(fit.ready, \.wakeNs)) ns (CPU \(median(fit.ready, \.cpuNs)) ns) for an event within \(fit.haltAfterNs) ns of blocking (\(fit.ready.count) waits), p50 \(median(fit.halted, \.wakeNs)) ns (CPU \(median(fit.halted, \.cpuNs)) ns) later (\(fit.halted.count) waits)\n")
        }
        let kick = report.kickWrite.count > 0 ? " (p50 \(report.kickWrite.percentile(50)) ns each)" : ""
        StandardError.write("replay: guest kicks per I/O \(report.kicksPerIO)\(kick); CPU inside blocking waits \(report.blockingWaitCPUShare * 100) % of wall time (\(Int(report.blockingWaitCPUNs)) ns per blocking wait)\n")
        return report
    }
}
