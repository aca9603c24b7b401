import PollingPolicy
import SimKernel

/// An fd event that reaches a running IOThread (docs/validation.md, findings 11, 18, 19 and 22; docs/model.md, "fd
/// events and io_uring's need_wait()"). An io_uring POLL_ADD completes as task_work for the ring's owner: the
/// signaller queues it and interrupts the owner's CPU, and the interrupt lands `fd-event-latency` later. The kernel
/// also runs task_work whenever the thread returns from a system call, so a thread that makes one meanwhile sees the
/// event when that call returns (a wait returns at once); a thread that only polls sees it when the interrupt lands.
///
/// In a VM the interrupt is not free for the thread it reaches: from `fd-event-stall-onset` after the event, for
/// `fd-event-stall`, that vCPU runs none of the thread's work, whether or not a system call has already run the
/// task_work (finding 19 for a kick's eventfd, finding 22 for a MSG_RING completion on a ring whose fd is polled).
/// Whatever the thread does then takes that much longer: a wait that returned at once (so its block_ns grows, which
/// classic's grow rule reads), a submission, an eventfd read, the loop's own work; a poll sees nothing new until the
/// stall ends. A thread off CPU (blocked, waking, in a synchronous read) loses nothing: its wake-up is the interrupt.
/// The signaller, for its part, holds the eventfd through its whole write (`fd-event-signal`), so a read of that
/// eventfd waits for the write to end, with interrupts off, and a stall that starts meanwhile follows the read
/// (`PollSimulator.signallerWrites`): that is where a kick's interrupt most often falls in the real loop, whose
/// virtqueue dispatch after such a kick takes 18-26 µs. Together they replace finding 18's stand-in, a read held
/// until the interrupt landed.
struct PendingTaskWork {
    var handler: HandlerID
    var firedAt: SimTime
}

/// The interrupt of the fd event of `handler` fired at `firedAt`: it takes the thread's CPU for `duration` from
/// `start`.
struct InterruptStall {
    var handler: HandlerID
    var firedAt: SimTime
    var start: SimTime
    var duration: SimTime
}

extension PollSimulator {
    /// The monitor reported an fd while the thread runs: the report waits for a kernel entry or the interrupt, and
    /// the interrupt stalls the thread before it lands.
    func queueTaskWork(_ thread: Int, _ handler: HandlerID, interruptAfter latency: SimTime) {
        threads[thread].taskWork.append(PendingTaskWork(handler: handler, firedAt: now))
        kernel.schedule(.taskWorkInterrupt(thread: thread, handler: handler, firedAt: now), after: latency)
        let stream = threads[thread].stream
        let duration = profile.fdEventStall.draw(stream)
        guard duration > 0 else { return }
        let onset = profile.fdEventStallOnset.draw(stream)
        threads[thread].interruptStalls.append(InterruptStall(handler: handler, firedAt: now, start: now + onset,
                                                              duration: duration))
        kernel.schedule(.interruptStall(thread: thread, handler: handler, firedAt: now), after: onset)
    }

    /// The interrupt lands: unless a kernel entry ran the task_work first, the event reaches the thread now.
    func interruptLanded(_ thread: Int, _ handler: HandlerID, firedAt: SimTime) {
        guard let index = threads[thread].taskWork.firstIndex(where: { $0.handler == handler && $0.firedAt == firedAt })
        else { return }
        threads[thread].taskWork.remove(at: index)
        fdVisible(thread, handler, firedAt: firedAt)
    }

    /// The interrupt starts taking the thread's CPU, and no work planned across this instant has taken it: the work
    /// planned before the stall was known (the rest of a dispatch, a wait's return) ends `duration` later; a poll sees
    /// nothing until the stall ends, and stops no earlier; a thread off CPU loses nothing.
    func interruptStallBegins(_ thread: Int, _ handler: HandlerID, firedAt: SimTime) {
        guard let index = threads[thread].interruptStalls.firstIndex(where: { $0.handler == handler && $0.firedAt == firedAt })
        else { return }
        let stall = threads[thread].interruptStalls.remove(at: index)
        switch threads[thread].phase {
        case .running(let step):
            // Through `spend`, so that another stall starting meanwhile overlaps this one rather than adding to it.
            threads[thread].cursor = max(threads[thread].cursor, now)
            spend(thread, .syscall, stall.duration)
            resume(thread, step: step, at: threads[thread].cursor)
        case .polling(let start, let passCost, _, let stopAt):
            let end = max(threads[thread].stalledUntil, now + stall.duration)
            threads[thread].stalledUntil = end
            if let stopAt, stopAt < end {
                schedulePollStop(thread, at: start + ceilDiv(end - start, passCost) * passCost)
            }
        case .blocked, .sleeping, .waking, .synchronousIO:
            break
        }
    }

    /// How much longer the thread's work from `from`, which costs `cost`, takes for the interrupt stalls that start
    /// while it runs (each is then taken, and its event finds it gone); stalls that overlap count once.
    func takeStalls(_ thread: Int, from: SimTime, cost: SimTime) -> SimTime {
        var end = from + cost
        var stalledUntil = from
        while let index = firstStall(thread, startingIn: from, end) {
            let stall = threads[thread].interruptStalls.remove(at: index)
            let stallStart = max(stall.start, stalledUntil)
            let stallEnd = stall.start + stall.duration
            if stallEnd > stallStart {
                end += stallEnd - stallStart
                stalledUntil = stallEnd
            }
        }
        return end - from - cost
    }

    /// The index of the earliest pending stall that starts in `from ..< end`.
    private func firstStall(_ thread: Int, startingIn from: SimTime, _ end: SimTime) -> Int? {
        var first: Int?
        for index in threads[thread].interruptStalls.indices {
            let start = threads[thread].interruptStalls[index].start
            guard start >= from, start < end else { continue }
            if first == nil || start < threads[thread].interruptStalls[first!].start { first = index }
        }
        return first
    }

    /// One system call of the IOThread, costing `cost` from its cursor and lasting at least until `heldUntil` (an
    /// eventfd read that waits for a signaller's lock, with interrupts off, so that a stall starting meanwhile
    /// follows it), and longer by any stall meanwhile; it runs the task_work queued by its return. A call that
    /// costs nothing is not made (`guest-notify` 0: the real loop's guest has no irqfd).
    func systemCall(_ thread: Int, _ cost: SimTime, heldUntil: SimTime = 0) {
        let entry = threads[thread].cursor
        threads[thread].systemCallEnteredAt = entry  // a wait that costs nothing still blocks from here
        guard cost > 0 else { return }
        spend(thread, .syscall, cost + max(0, heldUntil - entry - cost))
        runTaskWork(thread, at: threads[thread].cursor)
    }

    /// A return from the kernel at `time` runs the task_work queued by then, `task-work-run` each. Invariant: every
    /// item in `taskWork` has its `taskWorkInterrupt` event scheduled for when it lands, which finds it gone once run
    /// here.
    func runTaskWork(_ thread: Int, at time: SimTime) {
        var index = 0
        var run = 0
        while index < threads[thread].taskWork.count {
            let item = threads[thread].taskWork[index]
            guard item.firedAt <= time else { index += 1; continue }
            threads[thread].taskWork.remove(at: index)
            fdVisible(thread, item.handler, firedAt: item.firedAt)
            run += 1
        }
        if run > 0 { spend(thread, .syscall, profile.taskWorkRun.draw(threads[thread].stream, times: run)) }
    }
}
