import PollModel
import PollingPolicy
import Synchronization

/// A real QEMU IOThread: one pthread running aio_poll iterations over an io_uring fd monitor (fdmon-io_uring), with
/// virtqueue handlers and a backend completions handler on a PollList, the poll budget decided by the PollingPolicy
/// code the simulator runs.
///
/// One iteration (reference §1, §6):
/// 1. budget from the policy; if it is non-zero and need_wait() is false: io_poll_begin on the poll list, then
///    passes over it until an io_poll finds work, the budget is spent or need_wait() turns true (run_poll_handlers),
///    then idle-handler removal;
/// 2. if nothing was found (or need_wait()): io_poll_end plus a final io_poll on every polled handler, then
///    io_uring_submit_and_wait (wait_nr 1 to block, 0 when the final check found work), which also submits the
///    one-shot POLL_ADD re-arms; CQEs mark their handlers ready;
/// 3. block_ns = now - start; dispatch the ready handlers (pop the vring and submit to the backend; or reap the
///    backend's CQEs into the used rings); after each, the handler joins the poll list and the policy learns;
/// 4. the policy's end-of-iteration update.
///
/// need_wait() is "a CQE is pending on the fd monitor ring". QEMU also counts SQEs not yet submitted (the POLL_ADD
/// re-arm queued after every fd event), which stops it from polling in the iteration that follows an fd event;
/// the simulator does not model that, so it is off by default (`countPendingSQEs`).
final class IOThreadLoop: @unchecked Sendable {
    enum Role {
        case virtqueue(Virtqueue)
        case completions
    }

    struct Options: Sendable {
        var countPendingSQEs = false
        /// CPU to pin the thread to, if any.
        var cpu: Int?
        /// Record up to this many iterations' decisions (0: none).
        var recordDecisions = 0
    }

    // What is not private here is the state the handlers' dispatch (IOThread+Handlers.swift) reads or writes.
    let config: IOThreadConfig
    let options: Options
    let roles: [Role]
    private let handlerFds: [Int32]
    let queues: [Virtqueue]
    let table: RequestTable
    let target: BackendTarget
    private let fdmon: URing
    let backend: URing
    private let stopFd: Int32
    private let window: WallWindow
    private let stopFlag = Atomic<Bool>(false)

    private var decisions: AioPollDecisions
    private var pollStarted = false
    private var ready: [HandlerID] = []
    private var isReady: [Bool]
    var fdReady: [Bool]
    private var armed: [Bool]
    private var stopping = false
    /// Requests submitted to the backend and not yet completed (the file backend drains them before exit).
    var inFlight = 0

    // Accounting.
    private var measuring = false
    private var spanStart: Int64 = 0
    private var cswStart = 0
    var measurement = IOThreadMeasurement()
    private var startAdjustments = 0
    private var startResets = 0
    private(set) var decisionTrace: [DecisionRecord] = []
    private var record: DecisionRecord?
    /// The event that ended each iteration's blocking wait, if any.
    var wakeupRecorder = BlockedWakeupRecorder()
    /// When the last measured dispatch ended (0: none since the last iteration started): the iteration tail's start.
    private var dispatchEndedAt: Int64 = 0
    /// Set when the thread failed; the orchestrator reports it.
    private(set) var failure: Error?

    static let stopTag = UInt64.max - 1
    static let messageTag = UInt64.max

    /// `handlerOrder`: the simulator's HandlerIDs: the backend completions handler first, then the virtqueues in
    /// scenario order (that is the order PollSimulator registers them).
    init(config: IOThreadConfig, queues: [Virtqueue], table: RequestTable, target: BackendTarget,
         backendEntries: UInt32, window: WallWindow, options: Options) throws {
        self.config = config
        self.options = options
        self.queues = queues
        self.table = table
        self.target = target
        self.window = window
        fdmon = try URing(entries: 128)
        var entries: UInt32 = 64
        while entries < backendEntries { entries <<= 1 }
        backend = try URing(entries: entries, completionEntries: entries * 4)
        stopFd = try Sys.eventfd()
        var roles: [Role] = [.completions]
        var fds: [Int32] = [backend.fd]
        for queue in queues {
            roles.append(.virtqueue(queue))
            fds.append(queue.kickFd)
        }
        self.roles = roles
        handlerFds = fds
        let count = roles.count
        decisions = AioPollDecisions(kind: config.policy, parameters: config.poll, handlerCount: count,
                                     idleRemoval: config.idleHandlerRemoval && config.fdmon == .ioUring)
        isReady = Array(repeating: false, count: count)
        fdReady = Array(repeating: false, count: count)
        armed = Array(repeating: false, count: count)
        ready.reserveCapacity(count)
    }

    deinit { Sys.close(stopFd) }

    var handlerCount: Int { roles.count }

    /// Handler names as `IterationRecord` has them.
    var handlerNames: [String] {
        roles.map { role in
            switch role {
            case .completions: return IterationRecord.completionsHandler
            case .virtqueue(let queue): return queue.name
            }
        }
    }

    /// Asks the loop to stop (from any thread): sets the flag and kicks the stop eventfd, as aio_notify would.
    func requestStop() {
        stopFlag.store(true, ordering: .sequentiallyConsistent)
        Sys.eventfdWrite(stopFd)
    }

    // MARK: The thread

    func run() {
        do {
            if let cpu = options.cpu { try Sys.pinCurrentThread(to: cpu) }
            for handler in 0..<handlerCount { try arm(handler) }
            try fdmon.preparePollAdd(fd: stopFd, userData: Self.stopTag)
            try fdmon.submit()
            var cpu = Sys.threadCPUNs()
            while !stopping {
                cpu = try iterate(cpuAtStart: cpu)
            }
            finishWindow(at: Sys.monotonicNs())
            try drainBackend()
        } catch {
            failure = error
            finishWindow(at: Sys.monotonicNs())
        }
    }

    private func arm(_ handler: HandlerID) throws {
        try fdmon.preparePollAdd(fd: handlerFds[handler], userData: UInt64(handler))
        armed[handler] = true
    }

    /// need_wait(): a CQE pending on the fd monitor ring (and, QEMU-style, SQEs pending).
    @inline(__always)
    private func needWait() -> Bool {
        if fdmon.completionsReady > 0 { return true }
        return options.countPendingSQEs && fdmon.submissionsReady > 0
    }

    /// io_poll: is there work in the handler's ring? An atomic load or two.
    @inline(__always)
    private func ioPoll(_ handler: HandlerID) -> Bool {
        switch roles[handler] {
        case .virtqueue(let queue): return !queue.avail.isEmpty
        case .completions: return backend.completionsReady > 0
        }
    }

    @inline(__always)
    private func markReady(_ handler: HandlerID) {
        guard !isReady[handler] else { return }
        isReady[handler] = true
        ready.append(handler)
    }

    private func updateWindow(_ now: Int64) {
        if !measuring && window.contains(now) && spanStart == 0 {
            measuring = true
            spanStart = now
            cswStart = Sys.voluntaryContextSwitches()
            startAdjustments = decisions.policy.adjustments
            startResets = decisions.policy.resets
            measurement = IOThreadMeasurement()
        } else if measuring && now >= window.end {
            finishWindow(at: now)
        }
    }

    private func finishWindow(at now: Int64) {
        guard measuring else { return }
        measuring = false
        measurement.spanNs = now - spanStart
        measurement.wakeups = Sys.voluntaryContextSwitches() - cswStart
        measurement.adjustments = decisions.policy.adjustments - startAdjustments
        measurement.resets = decisions.policy.resets - startResets
    }

    /// One aio_poll iteration; returns the thread CPU clock at its end.
    private func iterate(cpuAtStart: Int64) throws -> Int64 {
        let start = Sys.monotonicNs()
        let previousDispatchEnd = dispatchEndedAt
        dispatchEndedAt = 0
        updateWindow(start)
        let measured = measuring
        if measured { measurement.counters.iterations += 1 }
        let budget = decisions.budget()
        if decisionTrace.count < options.recordDecisions {
            record = DecisionRecord(start: start, budget: budget, pollList: decisions.pollList.members)
            record?.cpu = cpuAtStart
        }
        if measured && decisions.pollList.count > 0 {
            measurement.counters.recordBudget(budget, maxNs: config.poll.maxNs)
        }

        wakeupRecorder.startIteration()
        var found = false      // *timeout == 0: an io_poll found work; do not block
        var cpuBeforeWait = cpuAtStart
        var wallBeforeWait = start
        if budget > 0 && !needWait() {
            let sleep = decisions.sleepBeforePolling()
            var woken = false
            if sleep > 0 {
                // Hybrid: leave poll mode and wait with a timeout of `sleep`; an fd event ends the sleep early and
                // is dispatched without polling, as in the simulator.
                if setPollStarted(false) { found = true }
                if !found {
                    let cpu0 = Sys.threadCPUNs()
                    if measured { measurement.pollNs += cpu0 - cpuAtStart; measurement.counters.syscalls += 1 }
                    try fdmon.submitAndWait(timeoutNs: sleep)
                    let cpu1 = Sys.threadCPUNs()
                    if measured { measurement.syscallNs += cpu1 - cpu0 }
                    cpuBeforeWait = cpu1
                    wallBeforeWait = Sys.monotonicNs()
                    woken = processFdmonCompletions()
                }
            }
            if !found && !woken {
                found = runPollHandlers(budget: budget, measured: measured,
                                        tailFrom: sleep > 0 ? 0 : previousDispatchEnd)
            }
        }
        var cpuAfterWait: Int64
        var waitReturnedAt: Int64 = 0
        if !found && ready.isEmpty || needWait() {
            if setPollStarted(false) { found = true }
            let cpu0 = Sys.threadCPUNs()
            if measured { measurement.pollNs += cpu0 - cpuBeforeWait }
            let waitFor: UInt32 = found || !ready.isEmpty || stopFlag.load(ordering: .relaxed) ? 0 : 1
            let entersKernel = waitFor > 0 || fdmon.submissionsReady > 0
            let wall0 = Sys.monotonicNs()
            try fdmon.submitAndWait(waitFor)
            let wall1 = Sys.monotonicNs()
            waitReturnedAt = wall1
            cpuAfterWait = Sys.threadCPUNs()
            if measured {
                let cpu = cpuAfterWait - cpu0
                measurement.syscallNs += cpu
                if entersKernel { measurement.counters.syscalls += 1 }
                if waitFor > 0 && (wall1 - wall0) - cpu > 1_000 {
                    measurement.blockingWaits += 1
                    measurement.blockingWaitCPUNs += cpu
                    wakeupRecorder.waitBlocked(from: wall0, to: wall1, cpu: cpu)
                }
            }
            _ = processFdmonCompletions()
        } else {
            // No wait: the thread was on CPU throughout, so the poll's CPU time is its wall time. CLOCK_MONOTONIC is
            // read in the vDSO (25 ns) where CLOCK_THREAD_CPUTIME_ID is a system call (0.4 µs here) that would delay
            // every polled dispatch, an instrument's cost QEMU does not have.
            cpuAfterWait = cpuBeforeWait + max(0, Sys.monotonicNs() - wallBeforeWait)
            if measured { measurement.pollNs += cpuAfterWait - cpuBeforeWait }
        }
        if stopFlag.load(ordering: .relaxed) || Interrupt.isRequested { stopping = true }
        let blockEnd = Sys.monotonicNs()
        let blockNs = max(0, blockEnd - start)

        // aio_dispatch_ready_handlers.
        var syscallWall: Int64 = 0
        var handlersWall: Int64 = 0
        var index = 0
        while index < ready.count {
            let handler = ready[index]
            let dispatchStart = measured ? Sys.monotonicNs() : 0
            if measured && index == 0 && waitReturnedAt > 0 {
                measurement.loopWork.waitReturn.record(dispatchStart - waitReturnedAt, bytes: 0)
            }
            let work = try dispatch(handler, measured: measured)
            syscallWall += work.syscallWall
            record?.requests.append(work.requests)
            if measured {
                dispatchEndedAt = Sys.monotonicNs()
                handlersWall += dispatchEndedAt - dispatchStart
                timeDispatch(handler, wall: dispatchEndedAt - dispatchStart, work)
            }
            isReady[handler] = false
            if decisions.dispatched(handler, blockNs: blockNs), pollStarted,
               case .virtqueue(let queue) = roles[handler] {
                queue.setNotifications(enabled: false)  // io_poll_begin for a handler joining while polling
            }
            index += 1
        }
        if measured && index > 0 {
            // What the loop does around its handlers: their timing and latency records, the policy's bookkeeping.
            measurement.loopWork.dispatchOverhead.record(Sys.monotonicNs() - blockEnd - handlersWall, bytes: 0)
        }
        if var entry = record {
            entry.dispatched = ready
            entry.blockNs = blockNs
            decisionTrace.append(entry)
            record = nil
        }
        ready.removeAll(keepingCapacity: true)
        if let wakeup = wakeupRecorder.wakeup, measurement.blockedWakeups.count < BlockedWakeup.limit {
            measurement.blockedWakeups.append(wakeup)
        }
        decisions.iterationFinished(blockNs: blockNs)
        let cpuEnd = Sys.threadCPUNs()
        if measured {
            measurement.dispatchNs += max(0, cpuEnd - cpuAfterWait - syscallWall)
            measurement.syscallNs += syscallWall
        }
        return cpuEnd
    }

    /// run_poll_handlers: passes over the poll list. Returns whether a handler had work. `tailFrom`: when the
    /// previous iteration's dispatch ended, if nothing but the loop's own work came since (`LoopWorkTimes`).
    private func runPollHandlers(budget: Int64, measured: Bool, tailFrom: Int64) -> Bool {
        setPollStarted(true)
        let pollStart = Sys.monotonicNs()
        if measured && tailFrom > 0 { measurement.loopWork.iterationTail.record(pollStart - tailFrom, bytes: 0) }
        var found = false
        var elapsed: Int64 = 0
        var passes: Int64 = 0
        let members = decisions.pollList.members
        repeat {
            for handler in members where ioPoll(handler) {
                markReady(handler)
                decisions.pollSucceeded(handler, pollStart: pollStart)
                record?.pollSuccesses.append(handler)
                found = true
            }
            passes += 1
            elapsed = Sys.monotonicNs() - pollStart
            if found { break }
        } while elapsed < budget && !needWait() && !stopFlag.load(ordering: .relaxed) && !Interrupt.isRequested
        let removed = decisions.removeIdle(now: pollStart + elapsed)
        if record != nil {
            record!.pollStart = pollStart
            record!.idleCheckAt = pollStart + elapsed
            record!.removed = removed
        }
        for handler in removed {
            // remove_idle_poll_handlers: io_poll_end and one last io_poll for a handler leaving the list.
            if pollStarted, case .virtqueue(let queue) = roles[handler] { queue.setNotifications(enabled: true) }
            if ioPoll(handler) {
                markReady(handler)
                found = true
            }
        }
        if measured {
            measurement.counters.pollingIterations += 1
            measurement.counters.passes += passes
            measurement.counters.handlersPolled += passes * Int64(members.count)
            if found { measurement.counters.pollHits += 1 }
        }
        return found
    }

    /// poll_set_started: io_poll_begin/io_poll_end on the poll list; when stopping, one last io_poll per handler.
    /// Returns whether that final check found work.
    @discardableResult
    private func setPollStarted(_ started: Bool) -> Bool {
        guard pollStarted != started else { return false }
        pollStarted = started
        var progress = false
        for handler in decisions.pollList.members {
            if case .virtqueue(let queue) = roles[handler] { queue.setNotifications(enabled: !started) }
            if !started && ioPoll(handler) {
                markReady(handler)
                progress = true
            }
        }
        return progress
    }

    /// fdmon-io_uring's process_cq_ring: ready handlers, and the one-shot POLL_ADD re-armed (submitted by the next
    /// wait). Returns whether any handler became ready.
    private func processFdmonCompletions() -> Bool {
        let start = measuring ? Sys.monotonicNs() : 0
        var events = 0
        defer {
            if measuring && events > 0 {
                measurement.loopWork.fdEventReap.record((Sys.monotonicNs() - start) / Int64(events), bytes: 0)
            }
        }
        var any = false
        while let (userData, result) = fdmon.popCompletion() {
            if userData == Self.stopTag {
                stopping = true
                continue
            }
            guard userData < UInt64(handlerCount) else { continue }
            let handler = HandlerID(userData)
            armed[handler] = false
            events += 1
            if measuring { measurement.counters.fdEvents += 1 }
            if result >= 0 {
                fdReady[handler] = true
                markReady(handler)
                any = true
            }
            try? arm(handler)
        }
        return any
    }
}
