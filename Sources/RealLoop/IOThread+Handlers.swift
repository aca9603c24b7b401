import PollModel
import PollingPolicy

/// What the IOThread's handlers do once aio_poll dispatches them (`IOThread.swift` is the iteration itself): the
/// virtqueue's handler pops the guest's requests and submits them to the backend ring in one io_uring_enter, as
/// virtio_blk_handle_vq does with aio=io_uring; the backend ring's handler reaps its CQEs onto the used rings. QEMU
/// keeps the same split (util/aio-posix.c against hw/block/virtio-blk.c and block/io_uring.c).
extension IOThreadLoop {
    /// What one handler's dispatch did: the wall time it spent in system calls, and the requests it popped or
    /// completed.
    struct HandlerWork {
        var syscallWall: Int64 = 0
        var requests = 0
    }

    /// `LoopWorkTimes`: the dispatch's wall time without its system calls, per request.
    func timeDispatch(_ handler: HandlerID, wall: Int64, _ work: HandlerWork) {
        guard work.requests > 0 else { return }
        let perRequest = max(0, wall - work.syscallWall) / Int64(work.requests)
        switch roles[handler] {
        case .virtqueue: measurement.loopWork.virtqueueDispatch.record(perRequest, bytes: 0)
        case .completions: measurement.loopWork.completionDispatch.record(perRequest, bytes: 0)
        }
    }

    /// aio_dispatch_handler: the handler's callback.
    func dispatch(_ handler: HandlerID, measured: Bool) throws -> HandlerWork {
        var work = HandlerWork()
        switch roles[handler] {
        case .virtqueue(let queue):
            let kicked = fdReady[handler]
            if kicked {
                fdReady[handler] = false
                let t0 = Sys.monotonicNs()
                Sys.eventfdRead(queue.kickFd)  // event_notifier_test_and_clear
                work.syscallWall += Sys.monotonicNs() - t0
                if measured { measurement.counters.syscalls += 1 }
            }
            // virtio_blk_handle_vq: pop everything available, submit it to the backend in one io_uring_enter.
            var submitted = 0
            let popped = measured ? Sys.monotonicNs() : 0
            while let id = queue.avail.pop() {
                if measured {
                    let issuedAt = table.slots[Int(id)].issuedAt
                    measurement.submissionPickup.record(popped - issuedAt, bytes: 0)
                    wakeupRecorder.dispatched(.kick, at: issuedAt, dispatchedAt: popped)
                    if !kicked {
                        measurement.polledPickup.record(popped - issuedAt, bytes: 0)
                    } else if wakeupRecorder.cameWhileRunning(issuedAt) {
                        measurement.runningKickPickup.record(popped - issuedAt, bytes: 0)
                    }
                }
                try prepare(Int(id), measured: measured)
                submitted += 1
            }
            work.requests = submitted
            if submitted > 0 {
                inFlight += submitted
                let t0 = Sys.monotonicNs()
                try backend.submit()
                work.syscallWall += Sys.monotonicNs() - t0
                if measured { measurement.counters.syscalls += 1 }
            }
        case .completions:
            fdReady[handler] = false
            let seen = measured ? Sys.monotonicNs() : 0
            while let (userData, result) = backend.popCompletion() {
                if userData >= UInt64(table.count) {
                    // A failed MSG_RING (its CQE is skipped only on success).
                    if result < 0 { noteError(result) }
                    continue
                }
                let id = Int(userData)
                let slot = table.slots + id
                slot.pointee.result = result
                if measured, case .synthetic = target {
                    measurement.completionNotification.record(seen - slot.pointee.postedAt, bytes: 0)
                    wakeupRecorder.dispatched(.completion, at: slot.pointee.postedAt, dispatchedAt: seen)
                }
                if result < 0 { noteError(result) }
                inFlight -= 1
                work.requests += 1
                if measured { slot.pointee.usedPushedAt = Sys.monotonicNs() }
                queues[Int(slot.pointee.queue)].used.push(UInt32(id))
            }
        }
        return work
    }

    @inline(__always)
    private func prepare(_ id: Int, measured: Bool) throws {
        let slot = table.slots[id]
        switch target {
        case .file(let fd):
            if slot.isWrite {
                try backend.prepareWrite(fd: fd, buffer: table.buffer(id), bytes: Int(slot.bytes), offset: slot.offset,
                                         userData: UInt64(id))
            } else {
                try backend.prepareRead(fd: fd, buffer: table.buffer(id), bytes: Int(slot.bytes), offset: slot.offset,
                                        userData: UInt64(id))
            }
        case .synthetic(let deviceRingFd):
            if measured { table.slots[id].deviceSubmittedAt = Sys.monotonicNs() }
            try backend.prepareMessage(to: deviceRingFd, result: 0, userData: UInt64(id))
        }
    }

    private func noteError(_ result: Int32) {
        measurement.counters.backendErrors += 1
        if measurement.counters.firstBackendError == 0 { measurement.counters.firstBackendError = -result }
    }

    /// Before exit: the kernel may still write into request buffers; wait for every file request to complete.
    func drainBackend() throws {
        guard case .file = target else { return }
        while inFlight > 0 {
            guard let (userData, _) = try backend.waitCompletion() else { continue }
            if userData < UInt64(table.count) { inFlight -= 1 }
        }
    }
}
