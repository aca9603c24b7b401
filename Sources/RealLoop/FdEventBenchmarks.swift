import Synchronization

/// The micro-benchmarks of an fd event crossing to another CPU's thread through an io_uring POLL_ADD on an eventfd,
/// as the guest's kicks reach the real loop's IOThread: the wake-up of a blocked thread, the interrupt's stall of a
/// spinning one (findings 19 and 22) and what running the event's task_work adds to a system call (finding 22).
/// `WakeupCalibration.swift` measures the same in a replay.
extension Calibrator {
    /// Wake-up latency of a thread blocked in io_uring_submit_and_wait on a POLL_ADD of an eventfd (exactly how the
    /// IOThread blocks), from the eventfd write to the waiter running. `spinning`: the waiter spins on its ring
    /// instead of blocking (the fd-event latency). `wakerSpins`: the waker never leaves its CPU (it spins until the
    /// waiter is about to block, then 50 µs more before it writes), as the replay's driver thread spins on its used
    /// ring and device deadlines; otherwise it sleeps between rounds and 200 µs before it writes, so both CPUs idle.
    /// Neither matched the replay's own wake-up reliably on the development VM (docs/validation.md, finding 7), so
    /// `wakeup-cross-cpu` comes from `replayWakeups` and this one is only reported beside it.
    static func wakeup(rounds: Int, waiterCPU: Int, wakerCPU: Int, spinning: Bool = false,
                       wakerSpins: Bool = false) throws -> Measured {
        final class Shared: @unchecked Sendable {
            let sentAt = Atomic<Int64>(0)
            /// Rounds the waiter is ready for (it is about to block); -1 when it gave up.
            let ready = Atomic<Int>(0)
            var values: [Double] = []
            var cpu: [Double] = []
            var stalls: [Double] = []
            var stallStarts: [Double] = []
        }
        let shared = Shared()
        let efd = try Sys.eventfd()
        defer { Sys.close(efd) }
        let ring = try URing(entries: 8)
        let total = rounds + 5
        let waiter = try Sys.startThread {
            try? Sys.pinCurrentThread(to: waiterCPU)
            for round in 1...total {
                do {
                    try ring.preparePollAdd(fd: efd, userData: 1)
                    let cpu0: Int64
                    if spinning {
                        try ring.submit()
                        shared.ready.store(round, ordering: .releasing)
                        cpu0 = Sys.threadCPUNs()
                        // The stall ends just before the CQE shows: the loop takes one more clock read after the
                        // check that finds it, so that the stall is counted.
                        var last = Sys.monotonicNs(), stall: Int64 = 0, stallAt: Int64 = 0
                        var seen = false
                        while !seen && !Interrupt.isRequested {
                            seen = ring.completionsReady > 0
                            let clock = Sys.monotonicNs()
                            if clock - last > stall { (stall, stallAt) = (clock - last, last) }
                            last = clock
                        }
                        shared.stalls.append(Double(stall))
                        shared.stallStarts.append(Double(stallAt - shared.sentAt.load(ordering: .acquiring)))
                    } else {
                        shared.ready.store(round, ordering: .releasing)
                        cpu0 = Sys.threadCPUNs()
                        try ring.submitAndWait(1)
                    }
                    shared.cpu.append(Double(Sys.threadCPUNs() - cpu0))
                } catch {
                    shared.ready.store(-1, ordering: .releasing)
                    return
                }
                let woken = Sys.monotonicNs()
                while ring.popCompletion() != nil {}
                shared.values.append(Double(woken - shared.sentAt.load(ordering: .acquiring)))
                Sys.eventfdRead(efd)
                if Interrupt.isRequested { break }
            }
            shared.ready.store(-1, ordering: .releasing)
        }
        let waker = try Sys.startThread {
            try? Sys.pinCurrentThread(to: wakerCPU)
            for round in 1...total {
                var state = shared.ready.load(ordering: .acquiring)
                while state != round && state != -1 {
                    if !wakerSpins { Sys.sleep(ns: 20_000) }
                    state = shared.ready.load(ordering: .acquiring)
                }
                if state == -1 { return }
                if wakerSpins {
                    let until = Sys.monotonicNs() + 50_000  // let the waiter block; this CPU stays busy
                    while Sys.monotonicNs() < until {}
                } else {
                    Sys.sleep(ns: 200_000)  // let the waiter block and both CPUs go idle
                }
                shared.sentAt.store(Sys.monotonicNs(), ordering: .releasing)
                Sys.eventfdWrite(efd)
            }
        }
        Sys.joinThread(waker)
        Sys.joinThread(waiter)
        var measured = summarize(Array(shared.values.dropFirst(5)))
        measured.waitCPU = summarize(Array(shared.cpu.dropFirst(5))).median
        if spinning {
            let stalls = summarize(Array(shared.stalls.dropFirst(5)))
            (measured.stall, measured.stallP90, measured.stallP99) = (stalls.median, stalls.p90, stalls.p99)
            measured.stallStart = summarize(Array(shared.stallStarts.dropFirst(5))).median
        }
        return measured
    }

    /// What a system call's return pays to run an fd event's task_work (`task-work-run`, finding 22): a thread on
    /// `cpus.0` arms a POLL_ADD on an eventfd that a thread on `cpus.1` writes; 2.5 µs after the write began (its
    /// task_work is queued about 1.4 µs in, its interrupt lands 5-6 µs in: finding 19), the first times one
    /// CLOCK_THREAD_CPUTIME_ID read (a system call on a VM), counted when the CQE showed across it; `without`: the
    /// same read with nothing pending. A read that the interrupt's stall landed in as well (it took more than
    /// `stallAbove` beyond the median plain read) is left out and counted in `stalled`: the model charges the stall
    /// where it lands (`fd-event-stall`), and on some days it lands in most of these reads (finding 23).
    static func taskWorkRun(rounds: Int, cpus: (Int, Int), stallAbove: Double)
        throws -> (with: Measured, without: Measured, stalled: Int) {
        final class Shared: @unchecked Sendable {
            /// The round whose write may start; -1 when the reader gave up.
            let go = Atomic<Int>(0)
            let writeStartedAt = Atomic<Int64>(0)
            let written = Atomic<Int>(0)
            var with: [Double] = []
            var without: [Double] = []
        }
        let shared = Shared()
        let efd = try Sys.eventfd()
        defer { Sys.close(efd) }
        let ring = try URing(entries: 8)
        let total = rounds + 5
        let reader = try Sys.startThread {
            try? Sys.pinCurrentThread(to: cpus.0)
            for round in 1...total {
                do {
                    try ring.preparePollAdd(fd: efd, userData: 1)
                    try ring.submit()
                } catch {
                    shared.go.store(-1, ordering: .releasing)
                    return
                }
                let settle = Sys.monotonicNs() + 20_000
                while Sys.monotonicNs() < settle {}
                var start = Sys.monotonicNs()
                _ = Sys.threadCPUNs()
                let plain = Sys.monotonicNs() - start
                shared.writeStartedAt.store(0, ordering: .releasing)
                shared.go.store(round, ordering: .releasing)
                var sent: Int64 = 0
                while sent == 0 && !Interrupt.isRequested { sent = shared.writeStartedAt.load(ordering: .acquiring) }
                while Sys.monotonicNs() - sent < 2_500 {}
                let before = ring.completionsReady
                start = Sys.monotonicNs()
                _ = Sys.threadCPUNs()
                let elapsed = Sys.monotonicNs() - start
                if round > 5 {
                    shared.without.append(Double(plain))
                    if before == 0 && ring.completionsReady > 0 { shared.with.append(Double(elapsed)) }
                }
                while shared.written.load(ordering: .acquiring) != round && !Interrupt.isRequested {}
                while ring.completionsReady == 0 && !Interrupt.isRequested {}
                while ring.popCompletion() != nil {}
                Sys.eventfdRead(efd)
                if Interrupt.isRequested { break }
            }
            shared.go.store(-1, ordering: .releasing)
        }
        let writer = try Sys.startThread {
            try? Sys.pinCurrentThread(to: cpus.1)
            for round in 1...total {
                var state = shared.go.load(ordering: .acquiring)
                while state != round && state != -1 { state = shared.go.load(ordering: .acquiring) }
                if state == -1 { return }
                shared.writeStartedAt.store(Sys.monotonicNs(), ordering: .releasing)
                Sys.eventfdWrite(efd)
                shared.written.store(round, ordering: .releasing)
            }
        }
        Sys.joinThread(reader)
        Sys.joinThread(writer)
        let without = summarize(shared.without)
        let unstalled = shared.with.filter { $0 - without.median <= stallAbove }
        return (summarize(unstalled), without, shared.with.count - unstalled.count)
    }
}
