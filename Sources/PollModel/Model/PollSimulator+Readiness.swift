import PollingPolicy
import SimKernel

/// How work and fd events reach an IOThread (docs/model.md, "fd events and io_uring's need_wait()"), kept apart from
/// the iteration that reacts to them (`PollSimulator+AioPoll.swift`): a handler's work is what its io_poll sees; its fd's
/// readiness is what the fd monitor reports, through level-triggered poll/epoll or one-shot io_uring POLL_ADDs.
extension PollSimulator {
    // MARK: What the rest of the model tells an IOThread

    /// What a vCPU's write takes to reach a polling thread's io_poll (`cross-cpu-handoff`): 0 when the thread is not
    /// polling (a wake-up or the next iteration covers it), so that nothing is drawn then.
    func crossCPUHandoff(_ thread: Int, _ stream: RandomSource) -> SimTime {
        guard case .polling = threads[thread].phase else { return 0 }
        return profile.crossCPUHandoff.draw(stream)
    }

    /// A handler now has work its io_poll would see (a request in the vring, a completion in the ring). A polling
    /// thread's io_poll sees it `handoff` later when another CPU wrote it (`crossCPUHandoff`); the final io_poll
    /// after polling, the wait and the dispatch see it at once (they would stall on the cache lines for at most that
    /// long, which is not modelled).
    func workArrived(_ thread: Int, _ handler: HandlerID, handoff: SimTime = 0) {
        let onList = threads[thread].pollList.contains(handler)
        if !threads[thread].hasWork[handler] {
            threads[thread].hasWork[handler] = true
            if !threads[thread].inWorkList[handler] {
                threads[thread].inWorkList[handler] = true
                threads[thread].workList.append(handler)
            }
            if onList { threads[thread].workOnListCount += 1 }
        }
        guard onList, case .polling(let start, let passCost, let deadline, let stopAt) = threads[thread].phase else { return }
        // The pass whose io_poll call for this handler comes at or after now.
        let position = SimTime(threads[thread].position(of: handler))
        let offset = min(passCost, SimTime((profile.pollPass.mean + Double(position + 1) * profile.pollHandler.mean).rounded()))
        let seen = max(now + handoff, threads[thread].stalledUntil)  // an interrupt's stall holds the poll
        let pass = max(0, ceilDiv(seen - start - offset, passCost))
        let passEnd = start + (pass + 1) * passCost
        if let deadline, passEnd > deadline { return }
        if let stopAt, stopAt <= passEnd { return }
        schedulePollStop(thread, at: passEnd)
    }

    /// A handler's fd became readable (a guest kick on an ioeventfd, a backend's eventfd). A blocked thread is woken
    /// (after `wakeup-cross-cpu`); a running one gets the event as task_work (`PollSimulator+TaskWork.swift`). With
    /// io_uring, only an armed POLL_ADD reports it (once); a disarmed one sees the fd when the next wait re-arms it.
    func fdBecameReady(_ thread: Int, _ handler: HandlerID) {
        threads[thread].fdSignalled[handler] = true
        guard monitorReports(thread, handler) else { return }
        monitorReported(thread, handler)
    }

    /// A backend's completion queue received a completion: its fd is readable now (a wait that re-arms its POLL_ADD,
    /// or a level-triggered poll, sees it at once), but the report of an armed monitor reaches the thread only
    /// `completion-fd-latency` later, through a second hop (`completionFdFired`). Reaping the queue meanwhile makes
    /// the fd unreadable again; a report already on its way still arrives (an io_uring CQE, once posted, stays).
    /// Delaying the readability itself instead left the fd readable after its completions had been reaped by
    /// polling, so the next wait returned at once: a spurious extra iteration with a fresh poll budget that the real
    /// loop does not have (docs/validation.md, finding 10).
    func completionQueueFilled(_ thread: Int, _ handler: HandlerID) {
        threads[thread].fdSignalled[handler] = true
        guard monitorReports(thread, handler) else { return }
        let latency = profile.completionFdLatency.draw(threads[thread].stream)
        if latency > 0 {
            kernel.schedule(.completionFdFired(thread: thread, handler: handler), after: latency)
        } else {
            monitorReported(thread, handler)
        }
    }

    /// The fd monitor reports a readable fd: a blocked thread is woken at once; a running one sees the event at its
    /// next system call's return or after `fd-event-latency`, whichever comes first (`queueTaskWork`).
    func monitorReported(_ thread: Int, _ handler: HandlerID) {
        switch threads[thread].phase {
        case .blocked, .sleeping:
            fdVisible(thread, handler, firedAt: now)
        default:
            let latency = profile.fdEventLatency.draw(threads[thread].stream)
            if latency > 0 {
                queueTaskWork(thread, handler, interruptAfter: latency)
            } else {
                fdVisible(thread, handler, firedAt: now)
            }
        }
    }

    /// The fd event that fired at `firedAt` reaches the thread. A thread blocked when the event fired is woken after
    /// `wakeup-cross-cpu`, or `wakeup-halted` once its CPU has halted (`cpuHalted`). One that was running then and
    /// is asleep now (a hybrid sleep whose wait call cost nothing ran no task_work) is woken as the interrupt lands,
    /// before its CPU has gone idle.
    func fdVisible(_ thread: Int, _ handler: HandlerID, firedAt: SimTime) {
        let ioUring = threads[thread].config.fdmon == .ioUring
        // poll/epoll are level-triggered: an fd read (cleared) before the monitor looked is not reported. An io_uring
        // CQE, once posted, stays.
        guard ioUring || threads[thread].fdSignalled[handler] else { return }
        if !threads[thread].fdReady[handler] {
            threads[thread].fdReady[handler] = true
            threads[thread].fdReadyCount += 1
            if !threads[thread].inFdReadyList[handler] {
                threads[thread].inFdReadyList[handler] = true
                threads[thread].fdReadyList.append(handler)
            }
        }
        switch threads[thread].phase {
        case .blocked(let since), .sleeping(let since, _):
            let awake = firedAt < now
            let halted = !awake && cpuHalted(thread, at: now)
            threads[thread].phase = .waking(since: since, halted: halted)
            let generation = threads[thread].nextGeneration()
            let latency = awake ? 0 : wakeUpLatency(thread, halted: halted)
            kernel.schedule(.threadWoken(thread: thread, generation: generation), after: latency)
        case .polling(let start, let passCost, _, let stopAt):
            // io_uring posts a CQE for the fd; need_wait() ends polling after the current pass, whether or not the
            // handler is polled (a racing kick, a backend completion whose work polling has already found).
            guard ioUring else { return }
            let passEnd = start + max(1, ceilDiv(max(now, threads[thread].stalledUntil) - start, passCost)) * passCost
            if stopAt == nil || passEnd < stopAt! { schedulePollStop(thread, at: passEnd) }
        default:
            break
        }
    }

    /// io_uring: the wait's submission re-arms the one-shot POLL_ADD of every handler whose CQE an earlier wait
    /// consumed; one whose fd is readable again completes during the submission itself.
    func rearmPollAdds(_ thread: Int) {
        guard !threads[thread].rearmList.isEmpty else { return }
        for index in threads[thread].rearmList.indices {
            let handler = threads[thread].rearmList[index]
            if threads[thread].fdSignalled[handler] {
                fdVisible(thread, handler, firedAt: now)
            } else {
                threads[thread].armed[handler] = true
            }
        }
        threads[thread].rearmList.removeAll()
    }

    /// A submission on the io_uring backend's ring wakes the pollers of that ring's fd as if it had completions
    /// (the kernel's completion flush wakes its poll wait queue with EPOLLIN as the key, and a POLL_ADD woken that
    /// way completes without polling the file again): an armed POLL_ADD on the ring fd posts a CQE although the ring
    /// is empty, so need_wait() is true in the next iteration, whose wait dispatches an empty reap. poll and epoll
    /// re-check the file and report nothing. [INFER] from the real loop's decision records (docs/model.md).
    func submissionWokeRingPollers(_ thread: Int, _ handler: HandlerID) {
        guard threads[thread].config.fdmon == .ioUring, monitorReports(thread, handler) else { return }
        fdVisible(thread, handler, firedAt: now)
    }

    /// A signaller's write, costing it `writeCost`, makes the handler's fd readable now. Returns what that costs the
    /// signalling CPU beyond the write itself: `fd-event-signal` if an io_uring POLL_ADD is armed on the fd (the
    /// kernel queues its completion as task_work for the IOThread and interrupts the IOThread's CPU, finding 12),
    /// else nothing; poll and epoll waiters are woken only while they sleep, which the wake-up latency covers. The
    /// signaller holds the fd's eventfd lock until its write ends, so a read of that eventfd returns no earlier
    /// (finding 22).
    func signallerWrites(_ thread: Int, _ handler: HandlerID, _ stream: RandomSource, writeCost: SimTime) -> SimTime {
        guard threads[thread].config.fdmon == .ioUring, threads[thread].armed[handler] else { return 0 }
        let signal = profile.fdEventSignal.draw(stream)
        threads[thread].eventfdLockedUntil[handler] = max(threads[thread].eventfdLockedUntil[handler],
                                                          now + writeCost + signal)
        return signal
    }

    /// Whether the fd monitor reports a readiness of the handler's fd: poll and epoll report every one; io_uring's
    /// POLL_ADD is one-shot, so it reports one only if armed, and disarms.
    private func monitorReports(_ thread: Int, _ handler: HandlerID) -> Bool {
        guard threads[thread].config.fdmon == .ioUring else { return true }
        guard threads[thread].armed[handler] else { return false }
        threads[thread].armed[handler] = false
        return true
    }

    // MARK: Readiness bookkeeping

    func markReady(_ thread: Int, _ handler: HandlerID) {
        guard !threads[thread].isReady[handler] else { return }
        threads[thread].isReady[handler] = true
        threads[thread].ready.append(handler)
    }

    /// The wait reports the ready fds: their handlers are dispatched through io_read. With io_uring this consumes
    /// the CQEs (need_wait() turns false) and queues the POLL_ADD re-arms for the next wait. Each event reported
    /// costs `fd-event-reap` before the dispatch, inside the iteration's block_ns as in the real loop.
    func collectReadyFds(_ thread: Int) {
        let ioUring = threads[thread].config.fdmon == .ioUring
        var reported = 0
        for index in threads[thread].fdReadyList.indices {
            let handler = threads[thread].fdReadyList[index]
            threads[thread].inFdReadyList[handler] = false
            guard threads[thread].fdReady[handler] else { continue }
            reported += 1
            markReady(thread, handler)
            threads[thread].readyByFd[handler] = true
            if ioUring {
                threads[thread].fdReady[handler] = false
                threads[thread].fdReadyCount -= 1
                threads[thread].rearmList.append(handler)
            }
        }
        threads[thread].fdReadyList.removeAll()
        if reported > 0 { spend(thread, .dispatch, profile.fdEventReap.draw(threads[thread].stream, times: reported)) }
    }

    func compactWorkList(_ thread: Int) {
        var kept = 0
        for index in threads[thread].workList.indices {
            let handler = threads[thread].workList[index]
            if threads[thread].hasWork[handler] {
                threads[thread].workList[kept] = handler
                kept += 1
            } else {
                threads[thread].inWorkList[handler] = false
            }
        }
        threads[thread].workList.removeLast(threads[thread].workList.count - kept)
    }

    func clearWork(_ thread: Int, _ handler: HandlerID) {
        guard threads[thread].hasWork[handler] else { return }
        threads[thread].hasWork[handler] = false
        if threads[thread].pollList.contains(handler) { threads[thread].workOnListCount -= 1 }
    }

    /// The handler's fd is no longer readable (its eventfd was read, or its ring reaped empty). poll/epoll would
    /// no longer report it; an io_uring CQE already posted for it stays in the ring.
    func clearFd(_ thread: Int, _ handler: HandlerID) {
        threads[thread].fdSignalled[handler] = false
        guard threads[thread].config.fdmon != .ioUring, threads[thread].fdReady[handler] else { return }
        threads[thread].fdReady[handler] = false
        threads[thread].fdReadyCount -= 1
    }

    func setNotifications(_ thread: Int, _ handler: HandlerID, enabled: Bool) {
        if case .virtqueue(let queue) = threads[thread].roles[handler] {
            queues[queue].notificationsEnabled = enabled
        }
    }
}
