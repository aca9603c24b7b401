import PollingPolicy
import SimKernel

/// aio_dispatch_ready_handlers: run each ready handler, submit and complete requests, let the policy learn, and
/// start the next iteration. The work of one dispatch is planned at once on the thread's cursor (events that happen
/// meanwhile are seen by the next iteration), except a synchronous request (SIO), which suspends the thread until
/// the device completes it.
extension PollSimulator {
    func startDispatch(_ thread: Int) {
        threads[thread].cursor = max(threads[thread].cursor, now)
        // block_ns: poll time plus blocked time of this iteration; dispatch is not included.
        threads[thread].blockNs = threads[thread].cursor - threads[thread].iterationStart
        threads[thread].phase = .running(step: .continueDispatch)
        threads[thread].readyIndex = 0
        threads[thread].handlerStarted = false
        if threads[thread].config.dispatch == .scan {
            // Before 2020: every registered handler is visited after each wait.
            spend(thread, .dispatch, profile.scanPerHandler.draw(threads[thread].stream, times: threads[thread].roles.count))
        }
        continueDispatch(thread)
    }

    func continueDispatch(_ thread: Int) {
        threads[thread].cursor = max(threads[thread].cursor, now)
        while threads[thread].readyIndex < threads[thread].ready.count {
            let handler = threads[thread].ready[threads[thread].readyIndex]
            if !threads[thread].handlerStarted {
                threads[thread].handlerStarted = true
                beginHandler(thread, handler)
            }
            if case .virtqueue(let queue) = threads[thread].roles[handler], !submitPopped(thread, queue) {
                return  // suspended in a synchronous request
            }
            endHandler(thread, handler)
            threads[thread].handlerStarted = false
            threads[thread].isReady[handler] = false
            threads[thread].readyIndex += 1
        }
        if let iterationObserver, var record = threads[thread].iterationRecord {
            record.dispatched = threads[thread].ready.map { handlerName(thread, $0) }
            record.blockNs = threads[thread].blockNs
            threads[thread].iterationRecord = nil
            iterationObserver(record)
        }
        threads[thread].ready.removeAll()
        threads[thread].readyIndex = 0
        // After a blocking wait, notifications stay enabled through this: a guest submitting now still kicks.
        spend(thread, .dispatch, profile.iterationEnd.draw(threads[thread].stream))
        threads[thread].policy.iterationFinished(blockNs: threads[thread].blockNs, pollList: threads[thread].pollList.members)
        resume(thread, step: .iterate, at: threads[thread].cursor)
    }

    /// aio_dispatch_handler's own part, then the handler's callback up to (not including) backend submission.
    private func beginHandler(_ thread: Int, _ handler: HandlerID) {
        let stream = threads[thread].stream
        spend(thread, .dispatch, profile.handlerDispatch.draw(stream))
        if threads[thread].readyByFd[handler] {
            // io_read: event_notifier_test_and_clear on an eventfd; the io_uring backend's ring fd needs no read.
            threads[thread].readyByFd[handler] = false
            clearFd(thread, handler)
            if hasEventfd(thread, handler) {
                systemCall(thread, profile.eventfdRead.draw(stream), heldUntil: threads[thread].eventfdLockedUntil[handler])
                countSyscall(thread)
            }
        } else if !hasEventfd(thread, handler) {
            // io_poll_ready leaves an eventfd set, but reaping the io_uring backend's ring empties it.
            clearFd(thread, handler)
        }
        clearWork(thread, handler)
        switch threads[thread].roles[handler] {
        case .virtqueue(let queue):
            // virtio_blk_handle_vq: pop everything the guest has made available.
            let available = queues[queue].avail.count
            threads[thread].synchronousPop = queues[queue].submit == .sio
                || (queues[queue].submit == .adaptive && available == 1)
            while let request = queues[queue].avail.pop() { threads[thread].popped.push(request) }
            threads[thread].iterationRecord?.requests.append(available)
        case .completions(let index):
            var completed = 0
            while let request = threads[thread].completionQueues[index].done.pop() {
                spend(thread, .dispatch, profile.requestComplete.draw(stream))
                threads[thread].completedBuffer.append(request)
                completed += 1
            }
            threads[thread].iterationRecord?.requests.append(completed)
            if completed > 0 { notifyGuest(thread) }
        }
    }

    /// Submits the popped requests. Returns false when the thread suspended in a synchronous request.
    private func submitPopped(_ thread: Int, _ queue: Int) -> Bool {
        let stream = threads[thread].stream
        if threads[thread].synchronousPop {
            guard let request = threads[thread].popped.pop() else { return true }
            // Seed 002's SIO calls preadv/pwritev directly from virtio-blk, bypassing the block layer (coroutines,
            // request tracking), so it pays no request-submit.
            spend(thread, .dispatch, profile.virtqueuePop.draw(stream))
            systemCall(thread, profile.preadvSync.draw(stream))
            countSyscall(thread)
            requests[request].synchronous = true
            threads[thread].phase = .synchronousIO(request: request, since: threads[thread].cursor)
            _ = threads[thread].nextGeneration()
            deviceArrival(request, at: threads[thread].cursor)
            return false
        }
        guard !threads[thread].popped.isEmpty else { return true }
        // The batch is the thread's scratch table (no allocation per dispatch); nothing else uses it meanwhile.
        threads[thread].submitBatch.removeAll()
        while let request = threads[thread].popped.pop() {
            spend(thread, .dispatch, profile.virtqueuePop.draw(stream) + profile.requestSubmit.draw(stream))
            threads[thread].submitBatch.append(request)
        }
        let count = threads[thread].submitBatch.count
        let maxBatch = threads[thread].config.aioMaxBatch > 0 ? threads[thread].config.aioMaxBatch : 32
        var index = 0
        while index < count {
            let chunk = min(maxBatch, count - index)
            var handoff: SimTime = 0
            switch queues[queue].backend {
            case .native:
                systemCall(thread, profile.ioSubmitBase.draw(stream) + profile.ioSubmitPerRequest.draw(stream, times: chunk))
                countSyscall(thread)
            case .ioUring:
                systemCall(thread, profile.ioUringEnter.draw(stream) + profile.ioUringSubmitPerRequest.draw(stream, times: chunk))
                countSyscall(thread)
                submissionWokeRingPollers(thread, queues[queue].completionHandler)
            case .threads:
                // One worker wake-up per request; the worker's own preadv is off this thread.
                for _ in 0..<chunk {
                    systemCall(thread, profile.eventfdWrite.draw(stream))
                    countSyscall(thread)
                }
                handoff = profile.threadPoolHandoff.draw(stream) / 2
            }
            for position in index..<(index + chunk) {
                deviceArrival(threads[thread].submitBatch[position], at: threads[thread].cursor + handoff)
            }
            index += chunk
        }
        return true
    }

    /// The device completed a synchronous request: the IOThread wakes inside preadv and completes it itself.
    func synchronousCompletion(_ request: Int) {
        let queue = requests[request].queue
        guard let thread = queues[queue].thread,
              case .synchronousIO(let waiting, let since) = threads[thread].phase, waiting == request else { return }
        let stream = threads[thread].stream
        let halted = cpuHalted(thread, at: now)
        let resumed = now + wakeUpLatency(thread, halted: halted)
        chargeWakeUp(thread, blockedSince: since, until: resumed, halted: halted)
        threads[thread].cursor = resumed
        requests[request].synchronous = false
        spend(thread, .dispatch, profile.requestComplete.draw(stream))
        threads[thread].completedBuffer.append(request)
        notifyGuest(thread)
        resume(thread, step: .continueDispatch, at: threads[thread].cursor)
    }

    /// One irqfd write for the completions gathered so far; each reaches the guest after interrupt injection. With
    /// `guest-notify` 0 there is no irqfd (the real loop's guest polls its used ring), so no system call either.
    private func notifyGuest(_ thread: Int) {
        systemCall(thread, profile.guestNotify.draw(threads[thread].stream))
        if profile.guestNotify.mean > 0 { countSyscall(thread) }
        for index in threads[thread].completedBuffer.indices {
            deliverToGuest(threads[thread].completedBuffer[index], notifiedAt: threads[thread].cursor)
        }
        threads[thread].completedBuffer.removeAll()
    }

    /// After the callback: a dispatched handler joins the poll list, and the policy learns (QEMU 10.0+ per-handler
    /// update point).
    private func endHandler(_ thread: Int, _ handler: HandlerID) {
        if threads[thread].polls, !threads[thread].pollList.contains(handler) {
            threads[thread].pollList.insert(handler)
            threads[thread].positionsValid = false
            if threads[thread].hasWork[handler] { threads[thread].workOnListCount += 1 }
            if threads[thread].pollStarted {
                setNotifications(thread, handler, enabled: false)
                spend(thread, .dispatch, profile.pollBeginEnd.draw(threads[thread].stream))
            }
        }
        threads[thread].policy.handlerDispatched(handler, onPollList: threads[thread].pollList.contains(handler),
                                                 blockNs: threads[thread].blockNs)
    }

    /// How `IterationRecord`s name a handler: by role, as the real loop does.
    func handlerName(_ thread: Int, _ handler: HandlerID) -> String {
        switch threads[thread].roles[handler] {
        case .virtqueue(let queue): return queues[queue].name
        case .completions(let index):
            return index == 0 ? IterationRecord.completionsHandler : "\(IterationRecord.completionsHandler)\(index)"
        }
    }

    /// Whether the handler's fd is an eventfd that its io_read must read: an ioeventfd, the linux-aio eventfd, the
    /// thread pool's notifier; not the io_uring backend's ring fd.
    func hasEventfd(_ thread: Int, _ handler: HandlerID) -> Bool {
        guard case .completions(let index) = threads[thread].roles[handler] else { return true }
        return threads[thread].completionQueues[index].backend != .ioUring
    }

    private func countSyscall(_ thread: Int) {
        if window.contains(now) { threads[thread].counters.syscalls += 1 }
    }
}
