#if canImport(Glibc)
import Glibc
#endif
import SimKernel

/// The guest: fio-style jobs on vCPUs. A request's guest-visible latency runs from the job issuing it to the vCPU
/// finishing the completion's interrupt handling (fio's lat).
extension PollSimulator {
    func startJob(_ job: Int) {
        if jobs[job].config.trace != nil {
            startTraceJob(job)
        } else if let rate = jobs[job].config.rateIOPS {
            scheduleNextArrival(job, rate: rate, first: true)
        } else {
            for _ in 0..<jobs[job].config.iodepth { submit(job) }
        }
    }

    /// jobIssue: an open-loop arrival or the end of a thinktime.
    func issue(_ job: Int) {
        if jobs[job].config.trace != nil {
            issueTrace(job)
            return
        }
        guard let rate = jobs[job].config.rateIOPS else {
            submit(job)
            return
        }
        scheduleNextArrival(job, rate: rate, first: false)
        if jobs[job].inFlight < jobs[job].config.iodepth {
            submit(job)
        } else {
            jobs[job].backlog += 1  // fio keeps at most iodepth in flight; later arrivals wait their turn
        }
    }

    private func scheduleNextArrival(_ job: Int, rate: Double, first: Bool) {
        let gap = jobs[job].config.rateProcess.gap(rate: rate, first: first, stream: jobs[job].stream)
        kernel.schedule(.jobIssue(job: job), after: SimTime(gap.rounded()))
    }

    /// The job writes one request into its virtqueue (the vCPU pays the submission cost first). `time` defaults to
    /// now; a closed-loop job issues its next request when its vCPU has finished handling the previous completion.
    func submit(_ job: Int, at time: SimTime? = nil) {
        let issuedAt = time ?? now
        let config = jobs[job].config
        let isWrite: Bool
        var bytes = config.bs
        var queue = jobs[job].queue
        if config.trace != nil {
            guard let next = takeTraceRequest(job) else { return }  // the trace is used up
            (isWrite, bytes, queue) = (next.isWrite, next.bytes, next.queue)
        } else {
            switch config.rw {
            case .read, .randread: isWrite = false
            case .write, .randwrite: isWrite = true
            case .randrw, .readwrite, .rw:
                isWrite = jobs[job].stream.uniformInt(below: 100) >= UInt64(config.rwmixread)
            }
        }
        let request = requests.allocate(Request(job: job, queue: queue, isWrite: isWrite, bytes: bytes,
                                                issuedAt: issuedAt))
        requestObserver?(request, issuedAt, queues[queue].name, isWrite, bytes, nil, false)
        jobs[job].inFlight += 1
        let vcpu = jobs[job].vcpu
        let done = vcpus[vcpu].run(profile.guestSubmit.draw(vcpuStreams[vcpu]), at: issuedAt)
        kernel.schedule(.vringPush(request: request), at: done, lane: EventLane.vringPush)
    }

    /// The request is in the vring: kick if the host wants notifications, and tell the consumer.
    func vringPush(_ request: Int) {
        let queue = requests[request].queue
        queues[queue].avail.push(request)
        if queues[queue].notificationsEnabled {
            let vcpu = jobs[requests[request].job].vcpu
            let stream = vcpuStreams[vcpu]
            let cost = profile.guestKick.draw(stream)
            // The ioeventfd is readable once the kick's VM exit is done; an armed POLL_ADD on it then costs the vCPU
            // the interrupt to the IOThread's CPU as well (finding 12).
            let signal = queues[queue].thread.map { signallerWrites($0, queues[queue].handler, stream, writeCost: cost) } ?? 0
            vcpus[vcpu].busyUntil = max(vcpus[vcpu].busyUntil, now) + cost + signal
            kernel.schedule(.kick(queue: queue), after: cost)
        }
        if let thread = queues[queue].thread {
            let handoff = crossCPUHandoff(thread, vcpuStreams[jobs[requests[request].job].vcpu])
            workArrived(thread, queues[queue].handler, handoff: handoff)
        }
    }

    /// The ioeventfd of a virtqueue became readable.
    func kick(_ queue: Int) {
        if let thread = queues[queue].thread {
            fdBecameReady(thread, queues[queue].handler)
        } else if let worker = queues[queue].worker {
            vhostKick(worker, queue)
        }
    }

    /// The host signalled the completion at `notifiedAt`; the guest sees it after interrupt injection.
    func deliverToGuest(_ request: Int, notifiedAt: SimTime) {
        let vcpu = jobs[requests[request].job].vcpu
        let injection = profile.interruptInjection.draw(vcpuStreams[vcpu])
        // An IOThread notifies at its cursor, which never goes back, and a constant injection keeps that order:
        // usually a lane, not the heap (EventLane).
        kernel.schedule(.guestSeen(request: request), at: notifiedAt + injection, lane: EventLane.guestSeen)
    }

    /// The interrupt reached the guest: the vCPU handles the completion, fio records it and issues the next one.
    func guestSeen(_ request: Int) {
        let job = requests[request].job
        let vcpu = jobs[job].vcpu
        let seenAt = vcpus[vcpu].run(profile.guestComplete.draw(vcpuStreams[vcpu]), at: now)
        let measured = window.contains(seenAt)
        if measured {
            latency.record(job: jobs[job].configIndex, latency: seenAt - requests[request].issuedAt,
                           bytes: requests[request].bytes)
        }
        if let observer = requestObserver {
            let r = requests[request]
            observer(request, r.issuedAt, queues[r.queue].name, r.isWrite, r.bytes, seenAt - r.issuedAt, measured)
        }
        requests.release(request)
        jobs[job].inFlight -= 1
        if jobs[job].config.trace?.mode == .open {
            return  // arrivals come from the trace's times
        } else if jobs[job].config.rateIOPS != nil {
            if jobs[job].backlog > 0 {
                jobs[job].backlog -= 1
                submit(job, at: seenAt)
            }
        } else if jobs[job].config.thinktime > 0 {
            kernel.schedule(.jobIssue(job: job), at: seenAt + jobs[job].config.thinktime)
        } else {
            submit(job, at: seenAt)
        }
    }
}

extension RateProcess {
    /// The gap (ns) from one open-loop arrival to the next at `rate` I/Os per second; the first arrival comes at once
    /// with linear gaps. The real loop's guest driver draws its gaps here too, from a stream of the same name, so that
    /// both sides replay the same arrivals.
    public func gap(rate: Double, first: Bool, stream: RandomSource) -> Double {
        let meanGap = 1e9 / rate
        switch self {
        case .linear: return first ? 0 : meanGap
        case .poisson: return -meanGap * log(stream.uniformPositive())
        }
    }
}
