import PollModel
import Reporting
import SimKernel
#if canImport(Glibc)
import Glibc
#endif

/// One row of a validation: a metric simulated and measured, and the error of the simulation.
public struct ValidationMetric: Codable, Sendable, Equatable {
    public var metric: String
    public var simulated: Double
    public var measured: Double
    /// Relative error in % ((simulated - measured) / measured), or the difference in percentage points for
    /// utilisations, or the demerit itself.
    public var error: Double
    /// "%", "pp" or "" (the demerit is a ratio).
    public var errorUnit: String
    /// The acceptance bound on |error|, when the campaign has one for this metric.
    public var target: Double?
    public var withinTarget: Bool? { target.map { abs(error) <= $0 } }

    enum CodingKeys: String, CodingKey { case metric, simulated, measured, error, errorUnit = "error_unit", target }
}

/// A simulation and a real replay of the same scenario and seed, side by side.
public struct ValidationReport: Codable, Sendable {
    public var scenario: String
    public var seed: UInt64
    public var policy: String
    public var device: String
    public var metrics: [ValidationMetric]
    public var simulated: RunResult
    public var measured: RunResult
    /// Synthetic device: completion lateness p50 and p99 (ns).
    public var latenessP50: Int64?
    public var latenessP99: Int64?
    public var notes: [String]
    /// Where the simulation's wake-up costs came from: "probes" (measured around the replay) or "profile".
    public var wakeupsFrom: String = "profile"
    /// The simulation again with the host costs the replay itself met, when it met enough.
    public var replayCosts: ReplayCostCheck?
    /// With several replays (`validate --replays N`): where the simulated value stands among them.
    public var replaySpread: ReplaySpread?
}

/// The scenario simulated a second time with the host's costs as the replay met them: its blocking waits split at
/// the simulation's halt-after, its kicks (`Calibrator.WakeupProbe.costs`), and its cross-CPU handoffs
/// (`Calibrator.handoffCosts`).
///
/// Why: on this kind of VM the host changes its wake-up regime from one second to the next (docs/validation.md,
/// finding 15), and where it runs the two vCPUs, which sets what a cache line takes to cross (finding 16), so costs
/// measured around a replay can miss the ones inside it. The main comparison is a prediction from the probes and
/// the profile; this one is a diagnosis: what is left of the error when the host's costs are the replay's own,
/// which is the model's. It cannot be a prediction, since it takes its inputs from the measurement.
public struct ReplayCostCheck: Codable, Sendable {
    /// The profile keys replaced and the replay's medians (ns).
    public var costs: [String: Double]
    /// The comparison with this simulation, as the report's `metrics`.
    public var metrics: [ValidationMetric]
    public var simulated: RunResult
    /// Per key replaced: what the main simulation used (the probes' p50, or the profile's constant) as `simulated`,
    /// the replay's own as `measured`: how far the host moved between them.
    public var host: [ValidationMetric]
}

public enum Validation {
    /// The percentiles the demerit compares: 1 to 99, the whole CDF but the extreme tail, too noisy in a short real
    /// run. Both sides have their full histogram (the same `LatencySeries` type, 3 significant digits).
    public static let demeritPercentiles: [Double] = (1...99).map(Double.init)

    /// A simulation's result and its latency quantiles at `demeritPercentiles`.
    public struct SimulatedRun: Sendable {
        public var result: RunResult
        public var quantiles: [Double]
        /// The first `recordIterations` aio_poll iterations (`PollSimulator.iterationObserver`).
        public var iterations: [IterationRecord] = []
    }

    /// Simulates a prepared scenario, recording its first `recordIterations` iterations.
    public static func simulate(_ prepared: ModelConfiguration, recordIterations: Int = 0) throws -> SimulatedRun {
        let simulator = try PollSimulator(prepared)
        var iterations: [IterationRecord] = []
        if recordIterations > 0 {
            simulator.iterationObserver = { if iterations.count < recordIterations { iterations.append($0) } }
        }
        let result = simulator.run()
        return SimulatedRun(result: result, quantiles: simulator.latencyPercentiles(demeritPercentiles).map(Double.init),
                            iterations: iterations)
    }

    /// The scenario as both sides run it: every disk on the io_uring backend (the real loop's only one) and one
    /// guest vCPU (the real loop's single driver thread), so that jobs map to the same queues on both sides. The
    /// synthetic device runs in that same thread, so its completions are posted by the vCPU (`completion-cpu`).
    public static func prepare(_ configuration: ModelConfiguration, device: ReplaySetup.Device) -> ModelConfiguration {
        var prepared = configuration
        for index in prepared.disks.indices { prepared.disks[index].aio = .ioUring }
        prepared.guest.vcpus = 1
        if device == .synthetic {
            for index in prepared.devices.indices { prepared.devices[index].completionCPU = .vcpu }
        }
        return prepared
    }

    /// A file or block device's read latency, measured just before its replay.
    public struct DeviceMeasurement: Sendable {
        public var path: String
        public var latency: LatencySeries
        /// The scenario's distribution it replaced.
        public var replaced: Distribution

        /// What the report says about it.
        public var note: String {
            "device read latency measured just before the replay (\(latency.count) 4 KiB O_DIRECT random reads, "
                + "busy-polled): p50 \(latency.percentile(50)) ns, p99 \(latency.percentile(99)) ns; the simulation "
                + "used it in place of the scenario's read-latency (\(replaced.description))"
        }
    }

    /// Measures the device the replay will read and makes it every scenario device's read latency, so that the
    /// simulation's largest input for a real device is its speed at the time of the replay, not at calibration.
    /// On this kind of VM a disk's latency moves by a factor of 2-3 with the host's page cache (docs/validation.md,
    /// finding 13). The blocks read are drawn from their own stream of the scenario's seed, not the replay's, so
    /// they do not warm the replay's blocks; both sets are read once per validation, so they age alike.
    /// Write latencies are left as the scenario gives them (only reads are measured: nothing is written).
    public static func measureDevice(_ configuration: ModelConfiguration, path: String, reads: Int = 2000) throws
        -> (configuration: ModelConfiguration, measurement: DeviceMeasurement) {
        let (_, latency) = try Calibrator.deviceLatency(
            path: path, reads: reads, stream: RandomStream(seed: configuration.seed, entity: "validate:device"))
        let table = Calibrator.percentileTable(latency).map { (percentile: $0.percentile, value: Double($0.ns)) }
        let distribution = try Distribution.empirical(percentiles: table)
        var measured = configuration
        for index in measured.devices.indices { measured.devices[index].readLatency = distribution }
        let replaced = configuration.devices.first?.readLatency ?? distribution
        return (measured, DeviceMeasurement(path: path, latency: latency, replaced: replaced))
    }

    /// The host's wake-ups, measured around a replay.
    public struct WakeupMeasurement: Sendable {
        public var costs: [CalibratedCost]
        public var runtimeNs: Int64
        /// False when the replay was interrupted: only the probe before it ran.
        public var afterReplay = true

        /// What the report says about it.
        public var note: String {
            // A cost with a spread is a distribution: its median is a p50.
            let figures = costs.map { "\($0.key) \($0.spread ? "p50 " : "")\(CalibratedCost.ns($0.median))" }
            let when = afterReplay ? "just before and just after the replay (two \(runtimeNs / 1_000_000) ms replays"
                : "just before the replay (a \(runtimeNs / 1_000_000) ms replay"
            guard !costs.isEmpty else {
                return "wake-ups probed \(when) with policy none), but \(Calibrator.measuredNothing) (a machine too busy for the IOThread to block?): the simulation used the profile's"
            }
            return "wake-ups measured \(when) with policy none): " + figures.joined(separator: ", ") + "; the simulation used them in place of the profile's"
        }
    }

    /// The host's wake-ups (`Calibrator.replayWakeups`) measured just before and just after the replay, pooled, put
    /// into the profile: the simulation's wake-ups are then the host's at the time of the replay, not at
    /// calibration. On this kind of VM a halted vCPU's wake-up moves between 27 and 43 µs from one second-long
    /// replay to the next, and policy none's IOPS with it (docs/validation.md, finding 15); a probe on each side
    /// halves a steady drift. The eventfd write with no POLL_ADD armed that `fd-event-signal` is measured beyond is
    /// the profile's `guest-kick`, which `calibrate` measures so, and the eventfd read that `fd-event-latency` is
    /// measured without is the profile's `eventfd-read`.
    static func measureWakeups(around replay: () throws -> ReplayReport, configuration: ModelConfiguration,
                               runtimeNs: Int64) throws
        -> (report: ReplayReport, configuration: ModelConfiguration, measurement: WakeupMeasurement) {
        // Under SCHED_FIFO, RT threads get 0.95 s of each second: a probe and a replay back to back would be frozen
        // for the rest of a period (docs/validation.md, "How to reproduce").
        let pause: Int64 = 1_000_000_000
        var probe = try Calibrator.replayWakeups(runtimeNs: runtimeNs)
        Sys.sleep(ns: pause)
        let report = try replay()
        // A replay stopped by Ctrl-C keeps what it measured; a probe after it would stop at once. (With several
        // replays, the one compared may be an earlier one than the replay stopped.)
        let interrupted = report.interrupted || Interrupt.isRequested
        if !interrupted {
            Sys.sleep(ns: pause)
            probe.add(try Calibrator.replayWakeups(runtimeNs: runtimeNs))
        }
        let costs = probe.isEmpty ? [] : probe.costs(plainWriteNs: configuration.profile.guestKick.mean,
                                                     plainReadNs: configuration.profile.eventfdRead.mean)
        var measured = configuration
        measured.profile.replace(with: costs)
        return (report, measured, WakeupMeasurement(costs: costs, runtimeNs: runtimeNs, afterReplay: !interrupted))
    }

    /// The demerit figure: the root mean square, over the percentiles `levels`, of the horizontal distance between the
    /// two latency CDFs (the difference of their quantiles), divided by the measured mean latency.
    ///
    ///     demerit = sqrt( (1/|Q|) * Σ_{q∈Q} (x_sim(q) − x_real(q))² ) / mean_real
    ///
    /// 0 means identical quantiles; 0.1 means the CDFs are on average 10 % of the mean latency apart.
    public static func demerit(simulated: [Double], measured: [Double], measuredMean: Double) -> Double {
        precondition(simulated.count == measured.count && !simulated.isEmpty)
        guard measuredMean > 0 else { return 0 }
        let sum = zip(simulated, measured).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        return (sum / Double(simulated.count)).squareRoot() / measuredMean
    }

    /// Compares a simulation with a replay of the same prepared scenario.
    public static func compare(simulated run: SimulatedRun, replay: ReplayReport,
                               device: ReplaySetup.Device) -> ValidationReport {
        let simulated = run.result
        let measured = replay.result
        let synthetic = device == .synthetic
        func relative(_ name: String, _ s: Double, _ m: Double, target: Double? = nil) -> ValidationMetric {
            ValidationMetric(metric: name, simulated: s, measured: m, error: m == 0 ? 0 : (s - m) / m * 100,
                             errorUnit: "%", target: target)
        }
        func points(_ name: String, _ s: Double, _ m: Double, target: Double? = nil) -> ValidationMetric {
            ValidationMetric(metric: name, simulated: s, measured: m, error: (s - m) * 100, errorUnit: "pp", target: target)
        }
        let simThread = simulated.iothreads.first
        let realThread = measured.iothreads.first
        let simCPU = simThread?.cpu_util ?? 0
        let realCPU = realThread?.cpu_util ?? 0
        var metrics = [
            relative("iops", simulated.iops, measured.iops, target: synthetic ? 5 : 10),
            relative("lat_p50_ns", Double(simulated.latency_ns.p50), Double(measured.latency_ns.p50),
                     target: synthetic ? 10 : nil),
            relative("lat_p90_ns", Double(simulated.latency_ns.p90), Double(measured.latency_ns.p90)),
            relative("lat_p99_ns", Double(simulated.latency_ns.p99), Double(measured.latency_ns.p99)),
            relative("lat_mean_ns", simulated.latency_ns.mean, measured.latency_ns.mean),
            points("cpu_util", simCPU, realCPU, target: synthetic ? 5 : nil),
        ]
        // The CPU split: outside system calls (polling and dispatch) and inside them. On this VM the kernel charges a
        // wake-up to the woken thread's CPU clock inside its wait, which the simulator does not model, so the first
        // compares the rest of the model without that artefact.
        if let s = simThread, let r = realThread {
            func share(_ t: ThreadTime, _ part: Int64) -> Double { t.total == 0 ? 0 : Double(part) / Double(t.total) }
            metrics.append(points("cpu_poll_dispatch", share(s.time_ns, s.time_ns.poll + s.time_ns.dispatch),
                                  share(r.time_ns, r.time_ns.poll + r.time_ns.dispatch)))
            metrics.append(points("cpu_syscall", share(s.time_ns, s.time_ns.syscall), share(r.time_ns, r.time_ns.syscall)))
        }
        let value = demerit(simulated: run.quantiles,
                            measured: demeritPercentiles.map { Double(replay.latency.percentile($0)) },
                            measuredMean: measured.latency_ns.mean)
        metrics.append(ValidationMetric(metric: "demerit", simulated: 0, measured: 0, error: value, errorUnit: "",
                                        target: nil))
        if let s = simThread, let r = realThread {
            metrics.append(points("poll_hit_rate", s.poll.hit_rate, r.poll.hit_rate))
            metrics.append(relative("mean_poll_ns", s.poll.mean_poll_ns, r.poll.mean_poll_ns))
            metrics.append(relative("wakeups_per_io", s.wakeups_per_io, r.wakeups_per_io))
            metrics.append(relative("syscalls_per_io", s.syscalls_per_io, r.syscalls_per_io))
        }
        var notes = replay.notes
        if replay.interrupted { notes.append("the replay was interrupted; its figures cover the time measured so far") }
        return ValidationReport(scenario: simulated.scenario, seed: simulated.seed, policy: realThread?.policy ?? "",
                                device: device.description, metrics: metrics, simulated: simulated, measured: measured,
                                latenessP50: replay.lateness.map { $0.percentile(50) },
                                latenessP99: replay.lateness.map { $0.percentile(99) }, notes: notes)
    }

    /// Simulates and replays `configuration` (prepared first) with the same seed. Just before the replay, with
    /// `deviceReads` > 0 and a file or block device, the device's read latency is measured (`measureDevice`); with
    /// `wakeupProbeNs` > 0 on a host with two CPUs or more, its wake-ups before and after it (`measureWakeups`).
    /// The simulation, deterministic, runs last. `replay` runs the replay, `Replay.run` by default (the CLI's handles
    /// Ctrl-C); `note` hears each measurement at once. With `setup.recordDecisions` > 0, `iterations` receives the
    /// decision records of the simulation and of the replay that the report compares: a simulation run apart
    /// (`pollsim run`) has neither this preparation nor the wake-ups measured around the replay.
    public static func run(_ configuration: ModelConfiguration, setup: ReplaySetup, deviceReads: Int = 0,
                           wakeupProbeNs: Int64 = 0, replays: Int = 1, pauseNs: Int64 = 1_000_000_000,
                           replay: ((ModelConfiguration) throws -> ReplayReport)? = nil,
                           note: (String) -> Void = { _ in },
                           iterations: ((_ simulated: [IterationRecord], _ measured: [IterationRecord]) throws -> Void)? = nil)
        throws -> ValidationReport {
        var prepared = prepare(configuration, device: setup.device)
        var notes: [String] = []
        if deviceReads > 0, case .path(let path) = setup.device {
            let measurement: DeviceMeasurement
            (prepared, measurement) = try measureDevice(prepared, path: path, reads: deviceReads)
            notes.append(measurement.note)
            note(measurement.note)
        }
        // `replays` of them, `pauseNs` apart (under SCHED_FIFO a replay needs the rest of its RT period), until one
        // is interrupted; the report compares with the median one by IOPS (`ReplaySpread`).
        var results: [ReplayReport] = []
        var comparedIndex = 0
        let runReplay = {
            for index in 0..<max(1, replays) {
                if index > 0 { Sys.sleep(ns: pauseNs) }
                results.append(try replay.map { try $0(prepared) } ?? Replay.run(prepared, setup: setup))
                if results[index].interrupted { break }
            }
            comparedIndex = ReplaySpread.medianIndex(results.map(\.result))
            return results[comparedIndex]
        }
        let measured: ReplayReport
        var probeCosts: [CalibratedCost]?
        if wakeupProbeNs > 0 && Sys.allowedCPUs().count >= 2 {
            let measurement: WakeupMeasurement
            (measured, prepared, measurement) = try measureWakeups(around: runReplay, configuration: prepared,
                                                                   runtimeNs: wakeupProbeNs)
            probeCosts = measurement.costs.isEmpty ? nil : measurement.costs
            notes.append(measurement.note)
            note(measurement.note)
        } else {
            measured = try runReplay()
        }
        let simulated = try simulate(prepared, recordIterations: setup.recordDecisions)
        try iterations?(simulated.iterations, measured.iterationRecords)
        var report = compare(simulated: simulated, replay: measured, device: setup.device)
        report.notes.insert(contentsOf: notes, at: 0)
        report.wakeupsFrom = probeCosts == nil ? "profile" : "probes"
        report.replayCosts = try checkWithReplayCosts(prepared, replay: measured, device: setup.device,
                                                      probeCosts: probeCosts ?? [])
        if results.count > 1 {
            // Each replay compared as the median one is, so that its targets and errors are the report's.
            let comparisons = results.map { compare(simulated: simulated, replay: $0, device: setup.device).metrics }
            report.replaySpread = ReplaySpread(comparisons: comparisons, compared: comparedIndex)
        }
        return report
    }

    /// `ReplayCostCheck`: nil when the replay met too few blocking waits, kicks and requests to replace any key.
    static func checkWithReplayCosts(_ prepared: ModelConfiguration, replay: ReplayReport, device: ReplaySetup.Device,
                                     probeCosts: [CalibratedCost]) throws -> ReplayCostCheck? {
        let haltAfter = prepared.profile.haltAfter.distribution
        let own = Calibrator.WakeupProbe(wakeups: replay.blockedWakeups, kickWrite: replay.kickWrite,
                                         runningKickPickup: replay.runningKickPickup,
                                         fdEventReap: replay.loopWork.fdEventReap)
            .costs(plainWriteNs: prepared.profile.guestKick.mean, plainReadNs: prepared.profile.eventfdRead.mean,
                   haltAfterNs: Int64((haltAfter.constantValue ?? haltAfter.mean).rounded()))
            + Calibrator.handoffCosts(polledPickup: replay.polledPickup, usedDelivery: replay.usedDelivery)
            + Calibrator.loopWorkCosts(replay.loopWork)
        guard !own.isEmpty else { return nil }
        var configuration = prepared
        configuration.profile.replace(with: own)
        let simulated = try simulate(configuration)
        // What the first simulation used: the probes' median, or the profile's (a constant or a lognormal's).
        let probes = Dictionary(probeCosts.map { ($0.key, $0.median) }, uniquingKeysWith: { first, _ in first })
        func used(_ key: String) -> Double? {
            probes[key] ?? HostProfile.parameter(named: key).flatMap { prepared.profile[keyPath: $0.keyPath].distribution.median }
        }
        let host = own.compactMap { cost in
            used(cost.key).map { probe in
                ValidationMetric(metric: cost.key.replacingOccurrences(of: "-", with: "_") + "_p50_ns", simulated: probe,
                                 measured: cost.median, error: cost.median == 0 ? 0 : (probe - cost.median) / cost.median * 100,
                                 errorUnit: "%", target: nil)
            }
        }
        return ReplayCostCheck(costs: Dictionary(own.map { ($0.key, $0.median) }, uniquingKeysWith: { first, _ in first }),
                               metrics: compare(simulated: simulated, replay: replay, device: device).metrics,
                               simulated: simulated.result, host: host)
    }
}

extension ValidationReport {
    /// A fixed-width table: metric, simulated, measured, error, target; with `replayCosts`, the second
    /// simulation and its error beside them, and the host costs (what the first used against the replay's own) below.
    public func table() -> String {
        var lines = ["validation: scenario \"\(scenario)\", seed \(seed), policy \(policy), device \(device)"]
        if let latenessP50, let latenessP99 {
            lines.append("synthetic device completion lateness: p50 \(latenessP50) ns, p99 \(latenessP99) ns")
        }
        lines.append("")
        let second = Dictionary((replayCosts?.metrics ?? []).map { ($0.metric, $0) }, uniquingKeysWith: { a, _ in a })
        var columns: [(String, TextTable.Alignment)] = [("metric", .left), ("simulated", .right), ("measured", .right),
                                                       ("error", .right), ("target", .right), ("", .right)]
        if replayCosts != nil { columns += [("sim, replay's costs", .right), ("error", .right)] }
        var table = TextTable(columns)
        func padded(_ cells: [String]) -> [String] { cells + Array(repeating: "", count: columns.count - cells.count) }
        for m in metrics {
            let verdict = m.withinTarget.map { $0 ? "ok" : "MISS" } ?? ""
            var row = [m.metric, cell(m, m.simulated), cell(m, m.measured), errorText(m), targetText(m), verdict]
            if replayCosts != nil { row += second[m.metric].map { [cell($0, $0.simulated), errorText($0)] } ?? ["", ""] }
            table.append(row)
        }
        if let host = replayCosts?.host, !host.isEmpty {
            table.append(padded([]))
            table.append(padded(["host costs, p50", "used", "replay"]))
            for m in host { table.append(padded([m.metric, cell(m, m.simulated), cell(m, m.measured), errorText(m)])) }
        }
        if let spread = replaySpread {
            table.append(padded([]))
            table.append(padded(["\(spread.replays) replays", "min", "median", "max", "sim within target"]))
            for m in spread.metrics {
                table.append(padded([m.metric, value(m.metric, m.min), value(m.metric, m.median), value(m.metric, m.max),
                                     "\(m.withinTarget) of \(spread.replays)"]))
            }
        }
        lines += table.lines()
        lines.append("")
        if let spread = replaySpread {
            lines.append("measured: replay \(spread.compared) of \(spread.replays), the median by IOPS; \"sim within target\": of how many replays the simulated value is within the metric's target (docs/validation.md, finding 23)")
        }
        lines.append("wake-ups simulated with: \(wakeupsFrom == "probes" ? "the probes around the replay" : "the profile's")"
                     + (replayCosts == nil ? "" : "; \"replay's costs\": simulated again with the wake-ups, cross-CPU handoffs and loop's own work the replay itself met (a diagnosis, not a prediction)"))
        for note in notes { lines.append("note: \(note)") }
        return lines.joined(separator: "\n") + "\n"
    }

    private func cell(_ m: ValidationMetric, _ v: Double) -> String { m.metric == "demerit" ? "" : value(m.metric, v) }

    private func errorText(_ m: ValidationMetric) -> String {
        switch m.errorUnit {
        case "%": format(m.error, decimals: 1) + " %"
        case "pp": format(m.error, decimals: 1) + " pp"
        default: format(m.error, decimals: 3)
        }
    }

    private func targetText(_ m: ValidationMetric) -> String {
        m.target.map { "±" + format($0, decimals: 0) + (m.errorUnit == "pp" ? " pp" : " %") } ?? ""
    }

    private func value(_ metric: String, _ v: Double) -> String {
        if metric.hasPrefix("cpu_") || metric == "poll_hit_rate" { return format(v * 100, decimals: 1) + " %" }
        if metric.hasSuffix("_ns") { return format(v / 1000, decimals: 2) + " us" }
        if metric == "iops" { return format(v, decimals: 0) }
        return format(v, decimals: 3)
    }

    private func format(_ v: Double, decimals: Int) -> String { NumberFormat.fixed(v, decimals: decimals) }

    /// CSV: one row per metric, with the scenario, policy and device repeated (tidy data). `costs` says which
    /// simulation a row compares: "probes" or "profile" (the report's `metrics`, and the host rows, whose simulated
    /// side is the probes'), "replay" (`replayCosts.metrics`).
    public func csv(header: Bool = true) -> String {
        var text = header ? "scenario,seed,policy,device,metric,simulated,measured,error,error_unit,target,costs\n" : ""
        let rows = metrics.map { ($0, wakeupsFrom) } + (replayCosts?.host ?? []).map { ($0, wakeupsFrom) }
            + (replayCosts?.metrics ?? []).map { ($0, "replay") }
        for (m, costs) in rows {
            text += ResultFormatter.csvRecord([scenario, "\(seed)", policy, device, m.metric, "\(m.simulated)",
                                               "\(m.measured)", "\(m.error)", m.errorUnit, m.target.map { "\($0)" } ?? "",
                                               costs])
        }
        return text
    }
}

private extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
