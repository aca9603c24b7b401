import PollModel

/// The wake-up keys of a host profile, as the real loop meets them: a short replay records every blocking wait that
/// an event ended (`BlockedWakeup`), and the keys are fitted to those waits (docs/validation.md, finding 15).
/// `calibrate` writes them; `validate` measures them again around its replay.
extension Calibrator {
    /// What a wake-up replay measured (`replayWakeups`).
    public struct WakeupProbe: Sendable {
        /// The IOThread's blocking waits that a kick or a completion ended.
        public var wakeups: [BlockedWakeup]
        /// How long each of the guest's kicks kept it (its eventfd write, with a POLL_ADD armed).
        public var kickWrite: LatencySeries
        /// Guest submission to IOThread pop, for kicks that reached the IOThread while it ran.
        public var runningKickPickup: LatencySeries
        /// The fd monitor's reaping of each event after a wait (`LoopWorkTimes.fdEventReap`).
        public var fdEventReap = LatencySeries()

        /// The profile keys it gives: `wakeupCosts` (fitted, or split at `haltAfterNs` when given); `fd-event-signal`,
        /// the kicks' cost beyond `plainWriteNs` (an eventfd write with no POLL_ADD armed): the waker pays for the
        /// wake-up too, on this VM its write takes microseconds while a POLL_ADD is armed on the eventfd (finding 12),
        /// an interrupt to the IOThread's CPU, which the simulator adds to a kick, and to a completion a vCPU posts,
        /// when a POLL_ADD is armed; and `fd-event-latency`: the pickup of kicks that reached the thread while it ran
        /// minus the eventfd read that follows the interrupt (`plainReadNs`). The micro-benchmark's spinning waiter
        /// saw its CQEs 21-23 µs after the write, while replays' IOThreads picked their kicks up after 16-27 µs,
        /// moving from run to run. Each of the two needs 50 kicks (a busy-polling replay has next to none).
        public func costs(plainWriteNs: Double, plainReadNs: Double, micro: String = "", fdEventMicro: String = "",
                          haltAfterNs: Int64? = nil) -> [CalibratedCost] {
            func percentiles(_ series: LatencySeries, minus offset: Double) -> (median: Double, p90: Double, p99: Double) {
                (max(0, Double(series.percentile(50)) - offset), max(0, Double(series.percentile(90)) - offset),
                 max(0, Double(series.percentile(99)) - offset))
            }
            var costs = haltAfterNs.map { Calibrator.wakeupCosts(wakeups, splitAt: $0) } ?? wakeupCosts(wakeups, micro: micro)
            if kickWrite.count >= Calibrator.minimumReplaySamples {
                let kick = percentiles(kickWrite, minus: plainWriteNs)
                costs.append(CalibratedCost(key: "fd-event-signal", median: kick.median, p99: kick.p99, samples: kickWrite.count,
                                            p90: kick.p90, spread: true,
                                            method: "the same replay: the guest's kick (median \(kickWrite.percentile(50))ns, push to the end of its eventfd write) minus an eventfd write with no POLL_ADD armed"))
            }
            if runningKickPickup.count >= Calibrator.minimumReplaySamples {
                let pickup = percentiles(runningKickPickup, minus: plainReadNs)
                costs.append(CalibratedCost(key: "fd-event-latency", median: pickup.median, p99: pickup.p99,
                                            samples: runningKickPickup.count, p90: pickup.p90, spread: true,
                                            method: "the same replay: guest submission to IOThread pop for kicks that reached it while it ran (their POLL_ADD completion is task_work, run when an interrupt lands), minus an eventfd read; \(fdEventMicro)"))
            }
            if fdEventReap.count >= Calibrator.minimumReplaySamples {
                costs.append(CalibratedCost(key: "fd-event-reap", median: Double(fdEventReap.percentile(50)),
                                            p99: Double(fdEventReap.percentile(99)), samples: fdEventReap.count,
                                            p90: Double(fdEventReap.percentile(90)), spread: true,
                                            method: "the same replay's IOThread, wall time: the fd monitor's CQEs reaped after a wait (CQE, ready-list insert, POLL_ADD re-armed), per event (docs/validation.md, finding 23)"))
            }
            return costs
        }

        /// Whether it lacks what its keys need: blocking waits that an event ended, and kicks.
        public var isEmpty: Bool { wakeups.isEmpty || kickWrite.count == 0 }

        /// Pools another probe's measurements into this one.
        public mutating func add(_ other: WakeupProbe) {
            wakeups += other.wakeups
            kickWrite.add(other.kickWrite)
            runningKickPickup.add(other.runningKickPickup)
            fdEventReap.add(other.fdEventReap)
        }
    }

    /// A replay-measured cost needs this many samples (kicks, requests); fewer, and the profile keeps its value.
    static let minimumReplaySamples = 50

    /// A short replay of 4 KiB reads at queue depth 1 with policy none on the synthetic device (20 µs): the IOThread
    /// blocks before nearly every completion, at every idle time the device's latency spreads over, and the real
    /// loop records each blocking wait that an event ended (`BlockedWakeup`), measured by the real loop itself.
    /// A probe can measure nothing (`WakeupProbe.isEmpty`: a machine so busy that the IOThread never blocked);
    /// `calibrate` then fails, `validate` keeps the profile's wake-ups.
    public static func replayWakeups(runtimeNs: Int64) throws -> WakeupProbe {
        let report = try Replay.run(probeConfiguration(runtimeNs: runtimeNs), setup: ReplaySetup(device: .synthetic))
        return WakeupProbe(wakeups: report.blockedWakeups, kickWrite: report.kickWrite,
                           runningKickPickup: report.runningKickPickup, fdEventReap: report.loopWork.fdEventReap)
    }

    static let measuredNothing = "the wake-up replay measured no blocking wait ended by an event"

    /// The calibration's replays: 4 KiB reads at queue depth 1 with policy none on a 20 µs synthetic device.
    static func probeConfiguration(runtimeNs: Int64) -> ModelConfiguration {
        ModelConfiguration(
            name: "calibrate-wakeups", seed: 1, runtime: runtimeNs, rampTime: 50_000_000, profile: .bareMetal,
            // A literal, valid lognormal.
            devices: [DeviceConfig(id: "synthetic", readLatency: try! .lognormal(median: 20_000, p99: 60_000))],
            iothreads: [IOThreadConfig(id: "iothread0", policy: .none, fdmon: .ioUring)],
            disks: [DiskConfig(id: "vda", device: "synthetic", iothread: "iothread0", aio: .ioUring)],
            jobs: [JobConfig(name: "probe", disk: "vda", rw: .randread, bs: 4096, iodepth: 1)])
    }

    /// The wake-up keys from a replay's blocking waits: the two idle states of the IOThread's CPU when `HaltFit`
    /// finds them (`wakeup-cross-cpu` and `wakeup-cpu` before the halt, `halt-after`, `wakeup-halted` and
    /// `wakeup-halted-cpu` after it), else one state (`halt-after` 0). `completion-fd-latency` is what a completion's
    /// wake-up takes beyond a kick's in the same state (before the halt).
    public static func wakeupCosts(_ wakeups: [BlockedWakeup], micro: String) -> [CalibratedCost] {
        let source = "a replay at queue depth 1 with policy none on the synthetic device: blocking waits of the IOThread ended by a kick or a completion, from the event to the dispatch of its handler"
        let fit = HaltFit(wakeups)
        let ready = fit?.ready ?? wakeups.filter { $0.blockedNs >= HaltFit.settleNs }
        let fast = wakeLatency(ready)
        var costs: [CalibratedCost] = []
        let state = fit.map { "the event within \(CalibratedCost.ns(Double($0.haltAfterNs))) of blocking" } ?? "one idle state"
        costs.append(CalibratedCost(key: "wakeup-cross-cpu", median: fast.median, p99: fast.p99, samples: fast.samples,
                                    p90: fast.p90, spread: true, method: "\(source), \(state); \(micro)"))
        costs.append(CalibratedCost(key: "wakeup-cpu", median: wakeCPU(ready), p99: wakeCPU(ready), samples: ready.count,
                                    spread: false, method: "the same waits: the IOThread's CLOCK_THREAD_CPUTIME_ID inside one"))
        if let fit {
            let slow = wakeLatency(fit.halted)
            costs.append(CalibratedCost(key: "halt-after", median: Double(fit.haltAfterNs), p99: Double(fit.haltAfterNs),
                                        samples: wakeups.count, spread: false,
                                        method: "the same waits: the blocked time beyond which the wake-up is slower (a one-step fit, docs/validation.md finding 15)"))
            costs.append(CalibratedCost(key: "wakeup-halted", median: slow.median, p99: slow.p99, samples: slow.samples,
                                        p90: slow.p90, spread: true, method: "\(source), the event after halt-after"))
            costs.append(CalibratedCost(key: "wakeup-halted-cpu", median: wakeCPU(fit.halted), p99: wakeCPU(fit.halted),
                                        samples: fit.halted.count, spread: false,
                                        method: "the same waits, after halt-after: the IOThread's CLOCK_THREAD_CPUTIME_ID inside one"))
        } else {
            costs.append(CalibratedCost(key: "halt-after", median: 0, p99: 0, samples: wakeups.count, spread: false,
                                        method: "0: the replay's wake-ups showed no slower state after a longer idle time"))
        }
        let kicks = ready.filter { $0.event == .kick }, completions = ready.filter { $0.event == .completion }
        if kicks.count >= 20 && completions.count >= 20 {
            let kick = medianWake(kicks), completion = medianWake(completions)
            let difference = completion.median - kick.median
            let noise = 2 * (kick.error * kick.error + completion.error * completion.error).squareRoot()
            let compared = "a completion's wake-up (median \(CalibratedCost.ns(completion.median)) ± \(CalibratedCost.ns(completion.error)), \(completions.count) waits) minus a kick's (\(CalibratedCost.ns(kick.median)) ± \(CalibratedCost.ns(kick.error)), \(kicks.count) waits)"
            if difference > noise {
                costs.append(CalibratedCost(key: "completion-fd-latency", median: difference, p99: difference,
                                            samples: completions.count, spread: false,
                                            method: "the same waits, in the same idle state: \(compared): what remains would be a second hop, the backend ring's CQE reaching the fd monitor through the POLL_ADD on the ring fd (docs/validation.md, finding 15)"))
            } else {
                costs.append(CalibratedCost(key: "completion-fd-latency", median: 0, p99: 0, samples: completions.count,
                                            spread: false,
                                            method: "0: the same waits, in the same idle state: \(compared) is within twice the medians' standard error (\(CalibratedCost.ns(noise))), no second hop to tell from the noise (docs/validation.md, findings 15 and 23)"))
            }
        } else {
            costs.append(CalibratedCost(key: "completion-fd-latency", median: 0, p99: 0, samples: completions.count, spread: false,
                                        method: "0: too few kicks (\(kicks.count)) or completions (\(completions.count)) woke a blocked IOThread in the same idle state to tell a completion's wake-up from a kick's"))
        }
        return costs
    }

    /// A group of waits' median wake-up latency and that median's standard error: 1.2533 σ / √n, σ from the
    /// interquartile range (IQR / 1.349), robust to the preemptions in the tail.
    static func medianWake(_ group: [BlockedWakeup]) -> (median: Double, error: Double) {
        let sorted = group.map { Double($0.wakeNs) }.sorted()
        guard !sorted.isEmpty else { return (0, 0) }
        let sigma = (quantile(sorted, 0.75) - quantile(sorted, 0.25)) / 1.349
        return (quantile(sorted, 0.5), 1.2533 * sigma / Double(sorted.count).squareRoot())
    }

    /// A group of waits' wake-up latency (event to dispatch) and the median CPU time inside one.
    private static func wakeLatency(_ group: [BlockedWakeup]) -> Measured { summarize(group.map { Double($0.wakeNs) }) }
    private static func wakeCPU(_ group: [BlockedWakeup]) -> Double { summarize(group.map { Double($0.cpuNs) }).median }

    /// The wake-up keys from blocking waits split at a given threshold instead of a fitted one: the host's
    /// wake-ups during a replay, in the two states a simulation with halt-after `haltAfterNs` tells apart (all in
    /// the ready one when it is 0). A state with fewer than `minimumPerState` waits is left out, so that the
    /// profile keeps its value: a policy that polls long before it blocks has its waits in one state only.
    public static func wakeupCosts(_ wakeups: [BlockedWakeup], splitAt haltAfterNs: Int64,
                                   minimumPerState: Int = 20) -> [CalibratedCost] {
        let usable = wakeups.filter { $0.blockedNs >= HaltFit.settleNs }
        let split = haltAfterNs > 0 ? haltAfterNs : Int64.max
        let states = [("wakeup-cross-cpu", "wakeup-cpu", usable.filter { $0.blockedNs < split }, "before"),
                      ("wakeup-halted", "wakeup-halted-cpu", usable.filter { $0.blockedNs >= split }, "after")]
        return states.flatMap { latencyKey, cpuKey, group, side -> [CalibratedCost] in
            guard group.count >= minimumPerState else { return [] }
            let wake = wakeLatency(group), cpu = wakeCPU(group)
            let method = "the replay's own blocking waits ended by an event \(side) halt-after (\(CalibratedCost.ns(Double(haltAfterNs))))"
            return [CalibratedCost(key: latencyKey, median: wake.median, p99: wake.p99, samples: wake.samples,
                                   p90: wake.p90, spread: true, method: method + ", from the event to its dispatch"),
                    CalibratedCost(key: cpuKey, median: cpu, p99: cpu, samples: group.count, spread: false,
                                   method: method + ": the IOThread's CLOCK_THREAD_CPUTIME_ID inside one")]
        }
    }

    /// The cross-CPU costs of the real loop's shared memory, from a replay: `cross-cpu-handoff`, the guest's push to
    /// the IOThread's pop for the requests polling found, and `interrupt-injection`, the IOThread's used-ring push to
    /// the guest seeing it (the real loop's guest polls its used ring). Each reads several cache lines that the
    /// other CPU wrote (ring index, entry, request slot), so it is a few of the micro-benchmark's one-line transfers,
    /// and it moves with where the host runs the two vCPUs (docs/validation.md, finding 16). Each needs 50 requests.
    public static func handoffCosts(polledPickup: LatencySeries, usedDelivery: LatencySeries, micro: String = "")
        -> [CalibratedCost] {
        let source = "a replay's requests: "
        let parts = [("cross-cpu-handoff", polledPickup, "the guest's submission to the IOThread's pop, for those that polling found"),
                     ("interrupt-injection", usedDelivery, "the IOThread's used-ring push to the guest seeing it (the guest polls its used ring)")]
        return parts.compactMap { key, series, what in
            replayCost(key, series, spread: false, method: source + what + (micro.isEmpty ? "" : "; \(micro)"))
        }
    }

    /// A cost that a replay measured once per request or iteration, or nil below `minimumReplaySamples` (the profile
    /// then keeps its value). With `spread`, a lognormal through its p50 and p90; else its median.
    static func replayCost(_ key: String, _ series: LatencySeries, spread: Bool, method: String) -> CalibratedCost? {
        guard series.count >= minimumReplaySamples else { return nil }
        return CalibratedCost(key: key, median: Double(series.percentile(50)), p99: Double(series.percentile(99)),
                              samples: series.count, p90: spread ? Double(series.percentile(90)) : 0, spread: spread,
                              method: method)
    }

    /// The loop's own work in a replay (`LoopWorkTimes`; docs/validation.md, finding 17): `iteration-end`, from a
    /// dispatch's end to the next io_poll_begin, which decides whether the guest's next submission still sees
    /// notifications enabled and kicks; `request-complete` and `virtqueue-pop` (`request-submit` 0: the replay times
    /// the SQE with the pop). The dispatches read lines the other CPU wrote, and cost 0.3–0.5 µs per request in some
    /// replays and 0.75–1.2 µs in others, whatever the policy (campaign 14): like the handoffs, they move with where
    /// the host runs the two vCPUs. Each keeps its spread (lognormal through p50 and p90), so that the race between
    /// the tail and the guest's submission is one in the model too; each needs 50 samples.
    public static func loopWorkCosts(_ work: LoopWorkTimes, micro: [String: String] = [:]) -> [CalibratedCost] {
        let source = "a replay's IOThread, wall time: "
        let parts = [("iteration-end", work.iterationTail, "from the end of an iteration's dispatch to the next io_poll_begin (the policy's update, the loop's CLOCK_THREAD_CPUTIME_ID read, the next budget): a guest submitting meanwhile still kicks"),
                     ("virtqueue-pop", work.virtqueueDispatch, "a virtqueue dispatch per request popped, without its system calls (ring entry, request slot and SQE; request-submit included)"),
                     ("request-complete", work.completionDispatch, "a completions dispatch per request completed (CQE, request slot, used-ring push)")]
        var costs = parts.compactMap { key, series, what in
            replayCost(key, series, spread: true, method: source + what + (micro[key].map { "; \($0)" } ?? ""))
        }
        if costs.contains(where: { $0.key == "virtqueue-pop" }) {
            costs.append(CalibratedCost(key: "request-submit", median: 0, p99: 0, samples: 0, spread: false,
                                        method: "0: included in virtqueue-pop, which the replay times with the SQE"))
        }
        return costs
    }

    /// Short replays with policy busy on the synthetic device (the IOThread always polling), 1 s apart (the RT
    /// budget): their `handoffCosts` and `loopWorkCosts`, each key from the median replay (`medianReplay`). On this
    /// kind of VM the loop's own work costs 0.25-0.35 µs per request in most replays and 0.65-1.2 µs in the others, a
    /// state that holds for a whole replay and changes from one to the next (docs/validation.md, finding 23): one
    /// replay would calibrate whichever state it met.
    public static func busyReplayCosts(runtimeNs: Int64, replays: Int = 1, handoffMicro: String = "",
                                       micro: [String: String] = [:]) throws -> [CalibratedCost] {
        var configuration = probeConfiguration(runtimeNs: runtimeNs)
        configuration.iothreads[0].policy = .busy
        var runs: [[CalibratedCost]] = []
        for index in 0..<max(1, replays) {
            if index > 0 { Sys.sleep(ns: 1_000_000_000) }
            let report = try Replay.run(configuration, setup: ReplaySetup(device: .synthetic))
            runs.append(handoffCosts(polledPickup: report.polledPickup, usedDelivery: report.usedDelivery,
                                     micro: handoffMicro) + loopWorkCosts(report.loopWork, micro: micro))
        }
        return medianReplay(runs)
    }

    /// Per key, the cost of the replay whose median is the median of the replays' (the lower one of an even count),
    /// with that replay's own spread; the method lists every replay's median.
    static func medianReplay(_ runs: [[CalibratedCost]]) -> [CalibratedCost] {
        guard runs.count > 1 else { return runs.first ?? [] }
        var keys: [String] = []
        for cost in runs.joined() where !keys.contains(cost.key) { keys.append(cost.key) }
        return keys.map { key in
            let candidates = runs.compactMap { run in run.first { $0.key == key } }.sorted { $0.median < $1.median }
            let chosen = candidates[(candidates.count - 1) / 2]
            let medians = candidates.map { CalibratedCost.ns($0.median) }.joined(separator: ", ")
            return CalibratedCost(key: key, median: chosen.median, p99: chosen.p99, samples: chosen.samples,
                                  p90: chosen.p90, spread: chosen.spread,
                                  method: chosen.method + "; the median of \(candidates.count) replays' (\(medians))")
        }
    }
}
