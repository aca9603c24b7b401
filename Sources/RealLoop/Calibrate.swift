import Histogram
#if canImport(Glibc)
import Glibc
#endif
import PollModel
import SimKernel
import Synchronization

/// Micro-benchmarks of the host-profile costs on the real loop's own machinery (the same rings, eventfds, SPSC
/// rings and clocks). Each benchmark reports its median and 99th percentile.
public enum Calibrator {
    public struct Options: Sendable {
        /// Repetitions of the cheap loops (per-sample batches) and of the wake-up ping-pongs.
        public var scale: Double = 1
        public var device: String?
        public init(scale: Double = 1, device: String? = nil) {
            self.scale = scale
            self.device = device
        }
    }

    public static func run(_ options: Options, progress: (String) -> Void = { _ in }) throws -> Calibration {
        guard URing.isAvailable() else { throw ReplayError(.unsupported, "io_uring is not available on this system") }
        let cpus = Sys.allowedCPUs()
        let n = { (base: Int) in max(20, Int(Double(base) * options.scale)) }
        var costs: [CalibratedCost] = []

        progress("clocks")
        let cpuClock = try batch(n(400), per: 64) { for _ in 0..<64 { _ = Sys.threadCPUNs() } }
        let monotonic = try batch(n(400), per: 256) { for _ in 0..<256 { _ = Sys.monotonicNs() } }

        progress("io_uring_enter")
        let ring = try URing(entries: 64)
        let enter = try batch(n(2000), per: 1) {
            try ring.prepareNop(userData: 1)
            try ring.submitAndWait(0)
            while ring.popCompletion() != nil {}
        }
        // The real loop reads the thread CPU clock before and after every wait: that is part of its wait cost.
        costs.append(CalibratedCost(key: "io-uring-enter", median: enter.median + 2 * cpuClock.median,
                                    p99: enter.p99 + 2 * cpuClock.median, samples: enter.samples, spread: false,
                                    method: "io_uring_submit_and_wait(0) of one SQE + 2 CLOCK_THREAD_CPUTIME_ID reads"))

        progress("MSG_RING submission")
        let target = try URing(entries: 64, completionEntries: 4096)
        let message = try batch(n(2000), per: 1) {
            try ring.prepareMessage(to: target.fd, result: 0, userData: 1)
            try ring.submit()
            while target.popCompletion() != nil {}
        }
        costs.append(CalibratedCost(key: "io-uring-submit-per-request", median: max(0, message.median - enter.median),
                                    p99: max(0, message.p99 - enter.p99), samples: message.samples, spread: false,
                                    method: "one IORING_OP_MSG_RING submitted (the synthetic device's request) minus an empty enter"))

        progress("eventfd")
        let efd = try Sys.eventfd()
        defer { Sys.close(efd) }
        let write = try batch(n(2000), per: 1) { Sys.eventfdWrite(efd) }
        let read = try batch(n(2000), per: 1) {
            Sys.eventfdWrite(efd)
            Sys.eventfdRead(efd)
        }
        costs.append(CalibratedCost(key: "eventfd-write", median: write.median, p99: write.p99, samples: write.samples,
                                    spread: false, method: "write(2) of 8 bytes to an eventfd"))
        costs.append(CalibratedCost(key: "eventfd-read", median: max(0, read.median - write.median),
                                    p99: max(0, read.p99 - write.p99), samples: read.samples, spread: false,
                                    method: "read(2) clearing an eventfd"))

        progress("polling")
        let queue = try Virtqueue(index: 0, name: "calibrate", capacity: 64)
        let handlers = 16
        let rings = (0..<handlers).map { _ in SPSCRing(capacity: 64) }
        let handlerCost = try batch(n(400), per: 64 * handlers) {
            var hits = 0
            for _ in 0..<64 { for ring in rings where !ring.isEmpty { hits += 1 } }
            if hits > 0 { print(hits) }
        }
        costs.append(CalibratedCost(key: "poll-handler", median: handlerCost.median, p99: handlerCost.p99,
                                    samples: handlerCost.samples, spread: false,
                                    method: "io_poll of a virtqueue: an empty check of an SPSC ring"))
        let pass = try batch(n(400), per: 64) {
            let start = Sys.monotonicNs()
            var elapsed: Int64 = 0
            for _ in 0..<64 {
                if !rings[0].isEmpty { break }
                elapsed = Sys.monotonicNs() - start
            }
            if elapsed < 0 { print(elapsed) }
        }
        costs.append(CalibratedCost(key: "poll-pass", median: max(0, pass.median - handlerCost.median),
                                    p99: max(0, pass.p99 - handlerCost.median), samples: pass.samples, spread: false,
                                    method: "one run_poll_handlers_once pass without its handlers: loop and CLOCK_MONOTONIC read"))
        let beginEnd = try batch(n(400), per: 64) {
            for i in 0..<64 { queue.setNotifications(enabled: i & 1 == 0) }
        }
        costs.append(CalibratedCost(key: "poll-begin-end", median: beginEnd.median, p99: beginEnd.p99,
                                    samples: beginEnd.samples, spread: false,
                                    method: "io_poll_begin/end: a sequentially consistent store of the suppression flag"))
        let popCost = try batch(n(400), per: 32) {
            for i in 0..<32 { rings[1].push(UInt32(i)) }
            while rings[1].pop() != nil {}
        }
        costs.append(CalibratedCost(key: "virtqueue-pop", median: popCost.median, p99: popCost.p99,
                                    samples: popCost.samples, spread: false,
                                    method: "SPSC push + pop of one request id (the real loop's vring)"))
        costs.append(CalibratedCost(key: "request-submit", median: popCost.median, p99: popCost.p99,
                                    samples: popCost.samples, spread: false,
                                    method: "preparing one SQE (measured as the SPSC push+pop, same order)"))
        costs.append(CalibratedCost(key: "request-complete", median: popCost.median + monotonic.median,
                                    p99: popCost.p99 + monotonic.median, samples: popCost.samples, spread: false,
                                    method: "reaping one CQE and pushing it onto the used ring"))
        costs.append(CalibratedCost(key: "handler-dispatch", median: 0, p99: 0, samples: 0, spread: false,
                                    method: "0: the real loop's dispatch is a switch and a call; its per-iteration clock read is iteration-end"))
        costs.append(CalibratedCost(key: "iteration-end", median: cpuClock.median, p99: cpuClock.p99,
                                    samples: cpuClock.samples, spread: false,
                                    method: "the real loop's CLOCK_THREAD_CPUTIME_ID read at the end of each iteration, after the dispatch: a guest that submits meanwhile after a blocking wait still sees notifications enabled and kicks (docs/validation.md, finding 9)"))
        // Findings 21 and 22: the clock read's kernel entry sends the kicks the real loop's way, but the model's
        // classic then polls too little, with or without the kicks' interrupts modelled (fd-event-stall). Written as
        // 0, with the measurement.
        costs.append(CalibratedCost(key: "iteration-end-syscall", median: 0, p99: 0, samples: 0, spread: false,
                                    method: "0, although the real loop's CLOCK_THREAD_CPUTIME_ID read is a system call here (median \(CalibratedCost.ns(cpuClock.median))) whose return runs a kick's task_work: with it the model's classic polled too little, before the kick's interrupt was modelled (docs/validation.md, finding 21) and after (finding 22)"))
        costs.append(CalibratedCost(key: "guest-notify", median: 0, p99: 0, samples: 0, spread: false,
                                    method: "0: the real loop's guest polls its used ring with interrupts suppressed (no irqfd)"))
        var latencySeries = LatencySeries()
        let record = try batch(n(400), per: 64) {
            for _ in 0..<64 { latencySeries.record(Sys.monotonicNs() & 0xffff, bytes: 0) }
        }
        costs.append(CalibratedCost(key: "guest-submit", median: popCost.median + monotonic.median,
                                    p99: popCost.p99 + monotonic.median, samples: popCost.samples, spread: false,
                                    method: "the driver's submission: slot fill, SPSC push, CLOCK_MONOTONIC read"))
        costs.append(CalibratedCost(key: "guest-complete", median: popCost.median + record.median,
                                    p99: popCost.p99 + record.p99, samples: record.samples, spread: false,
                                    method: "the driver's completion: SPSC pop, clock read, histogram record"))

        if cpus.count >= 2 {
            progress("cross-CPU shared memory")
            let handoff = try crossCoreHandoff(rounds: n(20_000), cpus: (cpus[0], cpus[1]))
            // The real loop's handoffs read several lines each: measured in a replay, the micro-benchmark's one
            // line kept in the comment (and as interrupt-injection should the replay fall short).
            let busyReplays = max(1, Int((5 * options.scale).rounded()))
            progress("cross-CPU handoffs and the loop's own work in \(busyReplays) busy replay\(busyReplays == 1 ? "" : "s")")
            let micro = "micro-benchmark (one cache line stored on one CPU and seen by a thread spinning on the other): median \(CalibratedCost.ns(handoff.median))"
            let measured = try busyReplayCosts(runtimeNs: Int64(max(100, 200 * options.scale)) * 1_000_000,
                                               replays: busyReplays,
                                               handoffMicro: micro,
                                               micro: ["iteration-end": "micro-benchmark (the CLOCK_THREAD_CPUTIME_ID read alone): median \(CalibratedCost.ns(cpuClock.median))",
                                                       "virtqueue-pop": "micro-benchmark (SPSC push + pop, hot caches): median \(CalibratedCost.ns(popCost.median))",
                                                       "request-complete": "micro-benchmark (CQE reap and used-ring push, hot caches): median \(CalibratedCost.ns(popCost.median + monotonic.median))"])
            costs.replaceOrAppend(measured)
            if !measured.contains(where: { $0.key == "interrupt-injection" }) {
                costs.append(CalibratedCost(key: "interrupt-injection", median: handoff.median, p99: handoff.p99,
                                            samples: handoff.samples, spread: false, method: micro + " (the guest polls its used ring)"))
            }
        }

        // How long an fd event takes to show as a POLL_ADD CQE in the ring of a thread that is running (spinning):
        // the completion needs task_work in the ring owner's context, delivered by an IPI, which on this VM costs
        // about as much as waking a sleeping thread. The simulator charges it as fd-event-latency to a running
        // IOThread, and a wake-up to a blocked one. The replay below measures it as the real loop meets it, and
        // this micro-benchmark stays for a host with one CPU, or a replay whose kicks all found the thread blocked.
        let fdEvent = try wakeup(rounds: n(300), waiterCPU: cpus.count >= 2 ? cpus[1] : cpus[0], wakerCPU: cpus[0],
                                 spinning: cpus.count >= 2)
        var fdEventMethod = "eventfd write to its POLL_ADD CQE showing in the ring of a thread spinning on the other CPU"
        if cpus.count >= 2 {
            // The same from a busy CPU, as the replay's guest writes: there the interrupt stalls the spinning thread
            // first (findings 19 and 22): fd-event-stall and its onset.
            let busy = try wakeup(rounds: n(300), waiterCPU: cpus[1], wakerCPU: cpus[0], spinning: true,
                                  wakerSpins: true)
            fdEventMethod += " (from a busy CPU: median \(CalibratedCost.ns(busy.median)), the spinning thread stalled \(CalibratedCost.ns(busy.stall)) from \(CalibratedCost.ns(busy.stallStart)) after the write; from an idle one it stalled \(CalibratedCost.ns(fdEvent.stall)))"
            costs.append(CalibratedCost(key: "fd-event-stall", median: busy.stall, p99: busy.stallP99,
                                        samples: busy.samples, p90: busy.stallP90, spread: true,
                                        method: "an eventfd write from a busy CPU with a POLL_ADD armed by a thread spinning on the other CPU: the spinner's longest gap between two clock reads, the interrupt that delivers the event taking its CPU (docs/validation.md, findings 19 and 22)"))
            costs.append(CalibratedCost(key: "fd-event-stall-onset", median: max(0, busy.stallStart - write.median),
                                        p99: max(0, busy.stallStart - write.median), samples: busy.samples, spread: false,
                                        method: "the same: when that gap began after the write began (median \(CalibratedCost.ns(busy.stallStart))), minus an eventfd write with no POLL_ADD armed, after which the model's kick fires"))
            progress("task_work run by a system call")
            // A read the stall landed in too takes it whole (7-11 µs): half the stall tells the two apart.
            let taskWork = try taskWorkRun(rounds: n(500), cpus: (cpus[0], cpus[1]), stallAbove: busy.stall / 2)
            let taskWorkRead = "a CLOCK_THREAD_CPUTIME_ID read whose return runs a POLL_ADD's task_work (2.5 us after an eventfd write from the other CPU began, before its interrupt lands"
            let stalled = "\(taskWork.stalled) of \(taskWork.stalled + taskWork.with.samples) such reads took the interrupt's stall as well and are left out"
            if taskWork.with.samples >= 20 {
                costs.append(CalibratedCost(key: "task-work-run", median: max(0, taskWork.with.median - taskWork.without.median),
                                            p99: max(0, taskWork.with.p99 - taskWork.without.median), samples: taskWork.with.samples,
                                            spread: false,
                                            method: "\(taskWorkRead); median \(CalibratedCost.ns(taskWork.with.median))) minus the same read with nothing pending (median \(CalibratedCost.ns(taskWork.without.median))); \(stalled)"))
            } else {
                costs.append(CalibratedCost(key: "task-work-run", median: 0, p99: 0, samples: taskWork.with.samples,
                                            spread: false, method: "0: not measured, \(stalled) (\(taskWorkRead)))"))
            }
        }
        var fdEventCost = CalibratedCost(key: "fd-event-latency", median: fdEvent.median, p99: fdEvent.p99,
                                         samples: fdEvent.samples, p90: fdEvent.p90, spread: true, method: fdEventMethod)

        progress("wake-ups")
        let same = try wakeup(rounds: n(300), waiterCPU: cpus[0], wakerCPU: cpus[0])
        costs.append(CalibratedCost(key: "wakeup-same-cpu", median: same.median, p99: same.p99, samples: same.samples,
                                    p90: same.p90, spread: true, method: "eventfd write to a thread blocked in io_uring_submit_and_wait on its POLL_ADD, same CPU (waiter CPU in the wait: \(CalibratedCost.ns(same.waitCPU)))"))
        if cpus.count >= 2 {
            let cross = try wakeup(rounds: n(300), waiterCPU: cpus[1], wakerCPU: cpus[0], wakerSpins: true)
            // The wake-up as the real loop meets it: the same mechanism inside a replay, whose figures on this kind
            // of VM drift between the micro-benchmark's and beyond it (docs/validation.md, campaign 5).
            progress("wake-ups in a replay")
            let probe = try replayWakeups(runtimeNs: Int64(max(100, 300 * options.scale)) * 1_000_000)
            guard !probe.isEmpty else { throw ReplayError(.system, measuredNothing) }
            let micro = "micro-benchmark (an eventfd write from a busy CPU to a thread blocked in io_uring_submit_and_wait): median \(CalibratedCost.ns(cross.median)), waiter CPU \(CalibratedCost.ns(cross.waitCPU))"
            let probeCosts = probe.costs(plainWriteNs: write.median, plainReadNs: read.median, micro: micro,
                                         fdEventMicro: "micro-benchmark (\(fdEventMethod)): median \(CalibratedCost.ns(fdEvent.median))")
            costs += probeCosts.filter { $0.key != "fd-event-latency" }
            fdEventCost = probeCosts.first { $0.key == "fd-event-latency" } ?? fdEventCost
        }
        costs.append(fdEventCost)

        costs.append(CalibratedCost(key: "guest-kick", median: write.median, p99: write.p99, samples: write.samples,
                                    spread: false, method: "the guest's kick: an eventfd write with no POLL_ADD armed (fd-event-signal is added when one is)"))

        progress("timer overshoot")
        let overshoot = try timerOvershoot(rounds: n(300), ring: ring)
        costs.append(CalibratedCost(key: "timer-overshoot", median: overshoot.median, p99: overshoot.p99,
                                    samples: overshoot.samples, p90: overshoot.p90, spread: true,
                                    method: "lateness of a 30 us IORING_OP_TIMEOUT while blocked in io_uring_submit_and_wait"))

        var calibration = Calibration(costs: costs, deviceLatency: nil, devicePath: nil,
                                      host: Sys.hostDescription().node, kernel: Sys.hostDescription().release,
                                      cpus: cpus.count)
        if let path = options.device {
            progress("device \(path)")
            let (submit, latency) = try deviceLatency(path: path, reads: n(3000))
            calibration.costs.removeAll { $0.key == "io-uring-submit-per-request" }
            calibration.costs.append(CalibratedCost(key: "io-uring-submit-per-request", median: max(0, submit.median - enter.median),
                                                    p99: max(0, submit.p99 - enter.p99), samples: submit.samples,
                                                    spread: false,
                                                    method: "io_uring_submit of one 4 KiB O_DIRECT read on the device minus an empty enter"))
            calibration.deviceLatency = percentileTable(latency)
            calibration.devicePath = path
        }
        return calibration
    }

    struct Measured {
        var median: Double
        var p99: Double
        var samples: Int
        var p90: Double = 0
        /// Wake-up benchmarks: the waiter's median CPU time inside the blocking wait.
        var waitCPU: Double = 0
        /// Spinning waiter: the median of its longest gap between two clock reads while it waited (the interrupt
        /// that delivers the event takes its CPU; finding 19), and of when that gap began after the write.
        var stall: Double = 0
        var stallP90: Double = 0
        var stallP99: Double = 0
        var stallStart: Double = 0
    }

    /// Runs `body` `samples` times, each doing `per` operations; per-operation median and p99 in ns.
    static func batch(_ samples: Int, per: Int, _ body: () throws -> Void) throws -> Measured {
        var values: [Double] = []
        values.reserveCapacity(samples)
        for _ in 0..<max(3, samples / 10) { try body() }  // warm-up
        for _ in 0..<samples {
            let start = Sys.monotonicNs()
            try body()
            values.append(Double(Sys.monotonicNs() - start) / Double(per))
            if Interrupt.isRequested { break }
        }
        return summarize(values)
    }

    static func summarize(_ values: [Double]) -> Measured {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return Measured(median: 0, p99: 0, samples: 0) }
        func at(_ p: Double) -> Double { quantile(sorted, p / 100) }
        return Measured(median: at(50), p99: at(99), samples: sorted.count, p90: at(90))
    }

    /// The value at `fraction` (0 to 1) of non-empty sorted values: the one at index floor(fraction × count).
    static func quantile(_ sorted: [Double], _ fraction: Double) -> Double {
        sorted[min(sorted.count - 1, Int((fraction * Double(sorted.count)).rounded(.down)))]
    }

    /// Ping-pong between two spinning threads on different CPUs through atomics; one-way latency = RTT / 2.
    static func crossCoreHandoff(rounds: Int, cpus: (Int, Int)) throws -> Measured {
        final class Shared: @unchecked Sendable {
            let ping = Atomic<Int>(0)
            let pong = Atomic<Int>(0)
        }
        let shared = Shared()
        let echo = try Sys.startThread {
            try? Sys.pinCurrentThread(to: cpus.1)
            var expected = 1
            while expected <= rounds + 10 {
                if shared.ping.load(ordering: .acquiring) == expected {
                    shared.pong.store(expected, ordering: .releasing)
                    expected += 1
                } else if Interrupt.isRequested {
                    return
                }
            }
        }
        final class Values: @unchecked Sendable { var values: [Double] = [] }
        let collected = Values()
        let driver = try Sys.startThread {
            try? Sys.pinCurrentThread(to: cpus.0)
            for i in 1...(rounds + 10) {
                let start = Sys.monotonicNs()
                shared.ping.store(i, ordering: .releasing)
                while shared.pong.load(ordering: .acquiring) != i { if Interrupt.isRequested { break } }
                if i > 10 { collected.values.append(Double(Sys.monotonicNs() - start) / 2) }
                if Interrupt.isRequested { break }
            }
        }
        Sys.joinThread(driver)
        Sys.joinThread(echo)
        let values = collected.values
        return summarize(values)
    }

    /// How late a 30 µs IORING_OP_TIMEOUT fires for a thread blocked waiting for it.
    static func timerOvershoot(rounds: Int, ring: URing) throws -> Measured {
        var values: [Double] = []
        let requested: Int64 = 30_000
        for _ in 0..<rounds {
            let start = Sys.monotonicNs()
            try ring.prepareTimeout(ns: requested, userData: 7)
            try ring.submitAndWait(1)
            let late = Sys.monotonicNs() - start - requested
            while ring.popCompletion() != nil {}
            values.append(Double(max(0, late)))
            if Interrupt.isRequested { break }
        }
        return summarize(values)
    }

    /// The percentiles a device's measured latency is described by (1 to 99 and 99.9), as an empirical
    /// distribution's table: fine enough for the bimodal disks seen here (docs/validation.md, finding 13).
    static func percentileTable(_ latency: LatencySeries) -> [(percentile: Double, ns: Int64)] {
        (Array(stride(from: 1.0, through: 99.0, by: 1.0)) + [99.9]).map { ($0, latency.percentile($0)) }
    }

    /// 4 KiB O_DIRECT random reads at queue depth 1: the submit syscall's cost, and the latency from its return to
    /// the CQE (busy-polled, so no wake-up is included).
    static func deviceLatency(path: String, reads: Int,
                              stream: RandomStream = RandomStream(seed: 1, entity: "calibrate:device"))
        throws -> (submit: Measured, latency: LatencySeries) {
        let device = try FileDevice(path: path, needsWrite: false, allowWrite: false)
        let bs = max(4096, device.alignment)
        let blocks = device.size / Int64(bs)
        guard blocks > 0 else { throw ReplayError(.tooSmall, "'\(path)' is smaller than one \(bs)-byte block") }
        let buffer = try Sys.alignedAllocate(bytes: bs, alignment: max(4096, device.alignment))
        defer { Sys.free(buffer) }
        let ring = try URing(entries: 8)
        var submits: [Double] = []
        var latency = LatencySeries()
        for i in 0..<(reads + 20) {
            let offset = Int64(stream.uniformInt(below: UInt64(blocks))) * Int64(bs)
            try ring.prepareRead(fd: device.fd, buffer: buffer, bytes: bs, offset: offset, userData: 1)
            let t0 = Sys.monotonicNs()
            try ring.submit()
            let t1 = Sys.monotonicNs()
            var completion: (userData: UInt64, result: Int32)?
            while completion == nil {
                completion = ring.popCompletion()
                if Interrupt.isRequested { break }
            }
            let t2 = Sys.monotonicNs()
            if let completion, completion.result < 0 {
                throw SystemError("read", errno: -completion.result, detail: "'\(path)' at \(offset)")
            }
            if i >= 20 {
                submits.append(Double(t1 - t0))
                latency.record(t2 - t1, bytes: bs)
            }
            if Interrupt.isRequested { break }
        }
        return (summarize(submits), latency)
    }
}
