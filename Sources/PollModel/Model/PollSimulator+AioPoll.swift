import PollingPolicy
import SimKernel

/// One IOThread's aio_poll iteration (reference §1), as a chain of steps:
///
///     iterate ─► poll (passes) ─┬─► dispatch ─► iterate
///                               └─► enterWait ─► wait syscall ─┬─► dispatch
///                                                              └─► blocked ─► woken ─► dispatch
///
/// Busy-polling costs no event per pass: the pass in which a handler's io_poll first sees its work follows from
/// the pass cost and the handler's position in the poll list, so a polling phase is one event (the pass end at
/// which it stops) however many passes it spans.
extension PollSimulator {
    // MARK: Scheduling the thread

    /// Continues `thread` with `step` at `time` (>= now); earlier pending continuations become stale.
    func resume(_ thread: Int, step: IOThreadState.Step, at time: SimTime) {
        threads[thread].phase = .running(step: step)
        let generation = threads[thread].nextGeneration()
        kernel.schedule(.threadResume(thread: thread, generation: generation), at: time)
    }

    func threadResume(_ thread: Int, _ generation: UInt32) {
        guard generation == threads[thread].generation else { return }
        switch threads[thread].phase {
        case .running(let step):
            switch step {
            case .iterate: iterate(thread)
            case .enterWait: enterWait(thread)
            case .waitSyscallDone: waitSyscallDone(thread)
            case .continueDispatch: continueDispatch(thread)
            }
        case .polling:
            stopPolling(thread)
        case .sleeping(let since, let budget):
            // The hybrid sleep's timer fired: poll now (timer-overshoot is the latency of a timer's wake-up).
            chargeWakeUp(thread, blockedSince: since, until: now, halted: cpuHalted(thread, at: now))
            threads[thread].cursor = now
            beginPollMode(thread)
            startPolling(thread, budget: budget)
        case .blocked, .waking, .synchronousIO:
            break
        }
    }

    /// Whether the CPU of a blocked thread has halted by `time`: it stays ready to resume the thread for `halt-after`
    /// from the blocking call's entry (KVM's halt polling on this kind of VM, a shallow idle state on bare metal),
    /// and waking it later costs more latency and more CPU (docs/validation.md, finding 15: 14-19 µs against
    /// 33-41 µs). The call's entry, not the end of its cost, is where the real loop's measurement starts. A
    /// distribution is drawn once per wake-up, a threshold of that wait's own.
    func cpuHalted(_ thread: Int, at time: SimTime) -> Bool {
        guard profile.haltAfter.mean > 0 else { return false }
        return time - threads[thread].systemCallEnteredAt >= profile.haltAfter.draw(threads[thread].stream)
    }

    /// How long an fd event takes to get a blocked thread running again (from another CPU).
    func wakeUpLatency(_ thread: Int, halted: Bool) -> SimTime {
        (halted ? profile.wakeupHalted : profile.wakeupCrossCPU).draw(threads[thread].stream)
    }

    /// A blocked stretch that ends in a wake-up: the last `wakeup-cpu` (from a halted CPU `wakeup-halted-cpu`) ns of
    /// it are the woken thread's own kernel work (on this kind of VM its CPU clock advances through most of the
    /// wake-up latency), charged as syscall time; the rest is blocked. Overlapping the latency, the CPU adds no delay.
    func chargeWakeUp(_ thread: Int, blockedSince since: SimTime, until end: SimTime, halted: Bool) {
        let wakeupCPU = halted ? profile.wakeupHaltedCPU : profile.wakeupCPU
        let cpu = min(max(0, end - since), wakeupCPU.draw(threads[thread].stream))
        threads[thread].accounting.charge(.blocked, from: since, to: end - cpu, window: window)
        threads[thread].accounting.charge(.syscall, from: end - cpu, to: end, window: window)
        if window.contains(end) { threads[thread].counters.wakeups += 1 }
    }

    /// Charges `cost` ns of `state` to the thread from its cursor onwards and advances the cursor, by as much more as
    /// the interrupts that stall it meanwhile take (`takeStalls`).
    func spend(_ thread: Int, _ state: ThreadAccounting.State, _ cost: SimTime) {
        guard cost > 0 else { return }
        let from = threads[thread].cursor
        let stalled = threads[thread].interruptStalls.isEmpty ? 0 : takeStalls(thread, from: from, cost: cost)
        threads[thread].accounting.charge(state, from: from, to: from + cost + stalled, window: window)
        threads[thread].cursor = from + cost + stalled
    }

    // MARK: The iteration

    /// Start of aio_poll: ask the policy for a budget, then poll or wait. A loop whose iteration end makes a system
    /// call (`iteration-end-syscall`, the real loop's CPU-clock read) returns from it here, at the end of
    /// `iteration-end`, and that return runs the task_work queued by then: a kick fired during the iteration's end
    /// makes need_wait() true, and the wait dispatches it before any poll. It is run here rather than where the
    /// dispatch planned `iteration-end` because the kicks that fire during the planned stretch are only queued as
    /// the simulation reaches them.
    func iterate(_ thread: Int) {
        threads[thread].cursor = now
        if profile.iterationEndSyscall.mean > 0 { runTaskWork(thread, at: now) }
        let start = threads[thread].cursor
        threads[thread].iterationStart = start
        let measured = window.contains(start)
        if measured {
            threads[thread].counters.iterations += 1
            if threads[thread].counters.adjustmentsAtStart == nil {
                threads[thread].counters.adjustmentsAtStart = threads[thread].policy.adjustments
                threads[thread].counters.resetsAtStart = threads[thread].policy.resets
            }
        }
        var budget: Int64 = 0
        if threads[thread].pollList.count > 0 {
            budget = threads[thread].policy.pollBudget(pollList: threads[thread].pollList.members)
            if measured { recordBudget(thread, budget) }
        }
        if let timeline {
            timeline(start, threads[thread].config.id, threads[thread].policy.contextPollNs, budget)
        }
        if iterationObserver != nil {
            threads[thread].iterationRecord = IterationRecord(
                thread: threads[thread].config.id, startNs: start, budgetNs: budget,
                pollList: threads[thread].pollList.members.map { handlerName(thread, $0) })
            threads[thread].iterationRecord?.cpuNs = threads[thread].accounting.onCPUTotal
        }
        // io_uring's need_wait(): a CQE is pending in the fd monitor's ring.
        let needWait = threads[thread].config.fdmon == .ioUring && threads[thread].fdReadyCount > 0
        guard budget > 0, !needWait else {
            enterWait(thread)
            return
        }
        let sleep = threads[thread].policy.sleepBeforePolling()
        if sleep > 0, threads[thread].workOnListCount == 0, threads[thread].fdReadyCount == 0 {
            sleepBeforePolling(thread, sleep: sleep, budget: budget)
            return
        }
        beginPollMode(thread)
        startPolling(thread, budget: budget)
    }

    /// poll_set_started(true): io_poll_begin on every polled handler suppresses guest notifications.
    private func beginPollMode(_ thread: Int) {
        if !threads[thread].pollStarted {
            // poll_set_started(true): io_poll_begin on every polled handler suppresses guest notifications.
            threads[thread].pollStarted = true
            let members = threads[thread].pollList.members
            for handler in members { setNotifications(thread, handler, enabled: false) }
            spend(thread, .poll, profile.pollBeginEnd.draw(threads[thread].stream, times: members.count))
        }
    }

    /// Hybrid polling: leave poll mode, wait in the fd monitor with a timeout of `sleep` (the timer fires late by
    /// the host's overshoot), then poll; an fd event ends the sleep early as any wait.
    private func sleepBeforePolling(_ thread: Int, sleep: Int64, budget: Int64) {
        let stream = threads[thread].stream
        endPollMode(thread)
        systemCall(thread, waitSyscallCost(thread))
        if window.contains(now) { threads[thread].counters.syscalls += 1 }
        runTaskWork(thread, at: threads[thread].cursor)  // also when the call costs nothing
        rearmPollAdds(thread)
        if threads[thread].fdReadyCount > 0 {
            // A re-armed fd, or an event run as task_work, was ready already: the wait returns at once.
            resume(thread, step: .waitSyscallDone, at: threads[thread].cursor)
            return
        }
        let since = threads[thread].cursor
        threads[thread].phase = .sleeping(since: since, budget: budget)
        let generation = threads[thread].nextGeneration()
        let fires = since + sleep + profile.timerOvershoot.draw(stream)
        kernel.schedule(.threadResume(thread: thread, generation: generation), at: fires)
    }

    private func recordBudget(_ thread: Int, _ budget: Int64) {
        let maxNs = threads[thread].config.poll.maxNs
        let counted = maxNs > 0 ? min(budget, maxNs) : budget == .max ? 0 : budget
        threads[thread].counters.budgetSum += Double(counted)
        threads[thread].counters.budgetIterations += 1
        if maxNs > 0, Double(budget) >= 0.9 * Double(maxNs) { threads[thread].counters.nearMax += 1 }
    }

    /// run_poll_handlers: passes over the poll list from the cursor until a handler has work, the budget is spent,
    /// or need_wait() turns true.
    private func startPolling(_ thread: Int, budget: Int64) {
        let stream = threads[thread].stream
        let handlers = threads[thread].pollList.count
        let passCost = max(1, profile.pollPass.draw(stream) + profile.pollHandler.draw(stream, times: handlers))
        let start = threads[thread].cursor
        // The loop always runs one pass, then continues while elapsed < budget.
        let deadline: SimTime? = budget == .max ? nil : start + max(1, ceilDiv(budget, passCost)) * passCost
        threads[thread].phase = .polling(start: start, passCost: passCost, deadline: deadline, stopAt: nil)
        if window.contains(now) { threads[thread].counters.pollingIterations += 1 }
        if threads[thread].workOnListCount > 0 {
            schedulePollStop(thread, at: start + passCost)
        } else if let deadline {
            schedulePollStop(thread, at: deadline)
        }
    }

    func schedulePollStop(_ thread: Int, at time: SimTime) {
        guard case .polling(let start, let passCost, let deadline, _) = threads[thread].phase else { return }
        threads[thread].phase = .polling(start: start, passCost: passCost, deadline: deadline, stopAt: time)
        let generation = threads[thread].nextGeneration()
        kernel.schedule(.threadResume(thread: thread, generation: generation), at: max(time, now))
    }

    /// Polling ends at a pass boundary: dispatch what the last pass found, or go and wait.
    private func stopPolling(_ thread: Int) {
        guard case .polling(let start, let passCost, _, _) = threads[thread].phase else { return }
        let end = now
        threads[thread].accounting.charge(.poll, from: start, to: end, window: window)
        threads[thread].cursor = end
        if window.contains(end) {
            let passes = max(1, (end - start) / passCost)
            threads[thread].counters.passes += passes
            threads[thread].counters.handlersPolled += passes * Int64(threads[thread].pollList.count)
        }
        threads[thread].phase = .running(step: .iterate)
        var found = false
        if threads[thread].workOnListCount > 0 {
            found = true
            compactWorkList(thread)
            for index in threads[thread].workList.indices {
                let handler = threads[thread].workList[index]
                guard threads[thread].pollList.contains(handler) else { continue }
                markReady(thread, handler)
                threads[thread].pollList.recordPollSuccess(handler, pollStart: start)
                if iterationObserver != nil { threads[thread].iterationRecord?.pollSuccesses.append(handlerName(thread, handler)) }
            }
        }
        removeIdleHandlers(thread, now: end)
        if found, window.contains(end) { threads[thread].counters.pollHits += 1 }
        if !threads[thread].ready.isEmpty && threads[thread].config.fdmon == .ioUring && threads[thread].fdReadyCount > 0 {
            // Work found, but need_wait() is true as well: aio_poll still calls wait (timeout 0), which leaves poll
            // mode and reaps the CQEs into the same dispatch.
            enterWait(thread)
        } else if !threads[thread].ready.isEmpty {
            startDispatch(thread)
        } else if threads[thread].cursor > now {
            resume(thread, step: .enterWait, at: threads[thread].cursor)
        } else {
            enterWait(thread)
        }
    }

    /// remove_idle_poll_handlers: handlers without a poll success for POLL_IDLE_INTERVAL_NS leave the poll list;
    /// each gets io_poll_end and one last io_poll, whose hit is dispatched.
    private func removeIdleHandlers(_ thread: Int, now time: SimTime) {
        let removed = threads[thread].pollList.removeIdle(now: time)
        guard !removed.isEmpty else { return }
        if iterationObserver != nil {
            threads[thread].iterationRecord?.removed.append(contentsOf: removed.map { handlerName(thread, $0) })
        }
        threads[thread].positionsValid = false
        let stream = threads[thread].stream
        for handler in removed {
            if threads[thread].pollStarted { setNotifications(thread, handler, enabled: true) }
            spend(thread, .poll, profile.pollBeginEnd.draw(stream) + profile.pollHandler.draw(stream))
            if threads[thread].hasWork[handler] {
                threads[thread].workOnListCount -= 1
                markReady(thread, handler)
            }
        }
    }

    /// Leave poll mode if it was on (io_poll_end and a final io_poll), then enter the fd monitor's wait.
    func enterWait(_ thread: Int) {
        threads[thread].cursor = max(threads[thread].cursor, now)
        if endPollMode(thread) {
            // The final io_poll found work: wait with timeout 0. With io_uring that enters the kernel only to submit
            // pending re-arms, then reaps the CQEs already in the ring; the model skips poll/epoll's non-blocking
            // wait call (docs/model.md).
            if threads[thread].config.fdmon == .ioUring {
                if !threads[thread].rearmList.isEmpty {
                    systemCall(thread, profile.ioUringEnter.draw(threads[thread].stream))
                    if window.contains(now) { threads[thread].counters.syscalls += 1 }
                    rearmPollAdds(thread)
                }
                collectReadyFds(thread)
            }
            startDispatch(thread)
            return
        }
        systemCall(thread, waitSyscallCost(thread))
        if window.contains(now) { threads[thread].counters.syscalls += 1 }
        rearmPollAdds(thread)
        resume(thread, step: .waitSyscallDone, at: threads[thread].cursor)
    }

    /// poll_set_started(false): io_poll_end re-enables notifications, then one last io_poll per handler catches
    /// work that raced in. Returns true when that found work (marked ready: do not block).
    @discardableResult
    private func endPollMode(_ thread: Int) -> Bool {
        guard threads[thread].pollStarted else { return false }
        let stream = threads[thread].stream
        threads[thread].pollStarted = false
        let members = threads[thread].pollList.members
        for handler in members { setNotifications(thread, handler, enabled: true) }
        spend(thread, .poll, profile.pollBeginEnd.draw(stream, times: members.count) + profile.pollHandler.draw(stream, times: members.count))
        guard threads[thread].workOnListCount > 0 else { return false }
        compactWorkList(thread)
        for index in threads[thread].workList.indices {
            let handler = threads[thread].workList[index]
            if threads[thread].pollList.contains(handler) { markReady(thread, handler) }
        }
        return true
    }

    /// The CPU cost of one fd-monitor wait call (reference §6).
    private func waitSyscallCost(_ thread: Int) -> SimTime {
        let stream = threads[thread].stream
        switch threads[thread].config.fdmon {
        case .poll:
            return profile.ppollBase.draw(stream) + profile.ppollPerFd.draw(stream, times: threads[thread].roles.count)
        case .epoll:
            return profile.epollWait.draw(stream)
        case .ioUring:
            return profile.ioUringEnter.draw(stream)
        }
    }

    /// The wait returns at once if an fd is ready; otherwise the thread blocks until one is.
    private func waitSyscallDone(_ thread: Int) {
        runTaskWork(thread, at: now)
        if threads[thread].fdReadyCount > 0 {
            collectReadyFds(thread)
            startDispatch(thread)
        } else {
            threads[thread].phase = .blocked(since: now)
        }
    }

    func threadWoken(_ thread: Int, _ generation: UInt32) {
        guard generation == threads[thread].generation,
              case .waking(let since, let halted) = threads[thread].phase else { return }
        chargeWakeUp(thread, blockedSince: since, until: now, halted: halted)
        threads[thread].cursor = now
        threads[thread].phase = .running(step: .iterate)
        collectReadyFds(thread)
        startDispatch(thread)
    }
}

/// Integer division rounding up, for non-negative numerators; negative numerators give values <= 0.
@inline(__always) func ceilDiv(_ numerator: Int64, _ denominator: Int64) -> Int64 {
    numerator >= 0 ? (numerator + denominator - 1) / denominator : -((-numerator) / denominator)
}
