import PollingPolicy
import SimKernel

/// An fd event that reaches a running IOThread (docs/validation.md, findings 11 and 18; docs/model.md, "fd events and
/// io_uring's need_wait()"). An io_uring POLL_ADD completes as task_work for the ring's owner: the signaller queues
/// it and interrupts the owner's CPU, and the interrupt lands `fd-event-latency` later. The kernel also runs task_work
/// whenever the thread returns from a system call, so a thread that makes one meanwhile sees the event when that
/// call returns (a wait returns at once), but its read of that event's eventfd is then held, on its CPU, until the
/// interrupt lands. A thread that only polls sees the event when the interrupt lands. Both paths make the event
/// usable at the same time; what differs is where the thread spends the gap: in the model before finding 11, blocked
/// (off CPU) in the wait that the event ended; in the real loop, on CPU in the eventfd read after it, which was most
/// of policy none's CPU error. Only the eventfd read is held (finding 18): the real loop's other kernel entries in
/// between (a submission, the wait that returned, the CPU clock read) return as fast as ever, and an event on the
/// io_uring backend's ring fd, which nothing reads, holds nothing.
struct PendingTaskWork {
    var handler: HandlerID
    var firedAt: SimTime
    /// When the interrupt lands (`firedAt` + `fd-event-latency`).
    var landsAt: SimTime
}

extension PollSimulator {
    /// The monitor reported an fd while the thread runs: the report waits for a kernel entry or the interrupt.
    func queueTaskWork(_ thread: Int, _ handler: HandlerID, interruptAfter latency: SimTime) {
        threads[thread].taskWork.append(PendingTaskWork(handler: handler, firedAt: now, landsAt: now + latency))
        kernel.schedule(.taskWorkInterrupt(thread: thread, handler: handler, firedAt: now), after: latency)
    }

    /// The interrupt lands: unless a kernel entry ran the task_work first, the event reaches the thread now.
    func interruptLanded(_ thread: Int, _ handler: HandlerID, firedAt: SimTime) {
        guard let index = threads[thread].taskWork.firstIndex(where: { $0.handler == handler && $0.firedAt == firedAt })
        else { return }
        threads[thread].taskWork.remove(at: index)
        fdVisible(thread, handler, firedAt: firedAt)
    }

    /// One system call of the IOThread, costing `cost` from its cursor, and lasting at least until `heldUntil` (an
    /// eventfd read whose event's interrupt has not landed yet); it runs the task_work queued by its return. A call
    /// that costs nothing is not made (`guest-notify` 0: the real loop's guest has no irqfd).
    func systemCall(_ thread: Int, _ cost: SimTime, heldUntil: SimTime = 0) {
        let entry = threads[thread].cursor
        threads[thread].systemCallEnteredAt = entry  // a wait that costs nothing still blocks from here
        guard cost > 0 else { return }
        spend(thread, .syscall, cost + max(0, heldUntil - entry))
        runTaskWork(thread, at: threads[thread].cursor)
    }

    /// A return from the kernel at `time` runs the task_work queued by then; the events' eventfds stay held until
    /// their interrupts land. Invariant: every item in `taskWork` has its `taskWorkInterrupt` event scheduled at
    /// `landsAt`, which finds it gone once run here.
    func runTaskWork(_ thread: Int, at time: SimTime) {
        var index = 0
        while index < threads[thread].taskWork.count {
            let item = threads[thread].taskWork[index]
            guard item.firedAt <= time else { index += 1; continue }
            threads[thread].taskWork.remove(at: index)
            if hasEventfd(thread, item.handler) {
                threads[thread].eventfdHeldUntil[item.handler] = max(threads[thread].eventfdHeldUntil[item.handler],
                                                                     item.landsAt)
            }
            fdVisible(thread, item.handler, firedAt: item.firedAt)
        }
    }
}
