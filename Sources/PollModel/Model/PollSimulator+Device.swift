import SimKernel

/// Host block devices: `parallelism` servers with FIFO waiting, then the shared transfer link.
///
/// The servers need no events of their own. Waiting is FIFO, so requests start in arrival order (no later arrival
/// can overtake a waiting one), each on the server that becomes free first, at max(arrival, that server's free time)
/// (the Kiefer-Wolfowitz recursion of a FIFO multi-server queue). A request's start, its media-time draw (from the
/// device's stream, in start order, which is arrival order, as when each start was an event) and its media completion
/// time are therefore all known when it arrives. The media completion stays an event, because the link serves
/// transfers in the order media completes; the transfer's end is the completion.
///
/// An arrival is handled when it is scheduled, not as an event, when the device's arrivals are known to be scheduled
/// in time order (`arrivalsInOrder`, see `DeviceState`): handling them then is handling them in time order.
extension PollSimulator {
    /// A request reaches its device at `time` (>= now): the submitting syscall or the vhost worker has issued it.
    func deviceArrival(_ request: Int, at time: SimTime) {
        let device = queues[requests[request].queue].device
        guard devices[device].arrivalsInOrder else {
            kernel.schedule(.deviceArrive(request: request), at: time)
            return
        }
        precondition(time >= devices[device].lastArrival,
                     "device '\(devices[device].config.id)': arrivals scheduled out of time order")
        devices[device].lastArrival = time
        startService(device, request, arrival: time)
    }

    /// The arrival event of a device whose arrivals may be scheduled out of time order, or whose requests a vCPU
    /// notices (`completion-cpu: vcpu`): then the request waits until that vCPU is free.
    func deviceArrive(_ request: Int) {
        let device = queues[requests[request].queue].device
        if let busyUntil = completionVCPUBusyUntil(device, request), busyUntil > now {
            kernel.schedule(.deviceArrive(request: request), at: busyUntil)
            return
        }
        startService(device, request, arrival: now)
    }

    /// When the vCPU that runs the device's completion work (`completion-cpu: vcpu`) is free; nil for `other`.
    private func completionVCPUBusyUntil(_ device: Int, _ request: Int) -> SimTime? {
        guard devices[device].config.completionCPU == .vcpu else { return nil }
        return vcpus[jobs[requests[request].job].vcpu].busyUntil
    }

    /// The request starts on the first free server, no earlier than its arrival, and its media work is drawn.
    private func startService(_ device: Int, _ request: Int, arrival: SimTime) {
        let stream = devices[device].stream
        let media = requests[request].isWrite
            ? roundedSimTime(devices[device].config.writeLatency.sample(stream))
            : roundedSimTime(devices[device].config.readLatency.sample(stream))
        let done = devices[device].servers.serve(arrival: arrival, duration: media)
        if devices[device].nsPerByte > 0 {
            kernel.schedule(.deviceMediaDone(request: request), at: done, lane: EventLane.deviceMediaDone)
        } else {
            kernel.schedule(.deviceDone(request: request), at: done)
        }
    }

    /// Media work is done; the data crosses the link, one transfer at a time.
    func deviceMediaDone(_ request: Int) {
        let device = queues[requests[request].queue].device
        let transfer = roundedSimTime(Double(requests[request].bytes) * devices[device].nsPerByte)
        let start = max(now, devices[device].linkFreeAt)
        devices[device].linkFreeAt = start + transfer
        // Transfers leave the link in FIFO order: a lane, not the heap (EventLane).
        kernel.schedule(.transferDone(request: request), at: start + transfer, lane: EventLane.transferDone)
    }

    func deviceDone(_ request: Int) {
        routeCompletion(request)
    }
    /// A completed request goes back to whoever waits for it.
    func routeCompletion(_ request: Int) {
        let queue = requests[request].queue
        if requests[request].synchronous {
            synchronousCompletion(request)
        } else if let worker = queues[queue].worker {
            vhostCompletion(worker, request)
        } else if queues[queue].backend == .threads, let thread = queues[queue].thread {
            // The worker's completion reaches the IOThread through the pool's BH and aio_notify.
            let handoff = (profile.threadPoolHandoff.draw(threads[thread].stream) + 1) / 2
            kernel.schedule(.completionPosted(request: request), after: handoff)
        } else {
            postCompletion(request)
        }
    }

    /// The completion is in the backend's ring and its eventfd is signalled.
    func postCompletion(_ request: Int) {
        let queue = requests[request].queue
        guard let thread = queues[queue].thread else {
            if let worker = queues[queue].worker { vhostCompletion(worker, request) }
            return
        }
        let handler = queues[queue].completionHandler
        guard case .completions(let index) = threads[thread].roles[handler] else { return }
        let device = queues[queue].device
        var handoff: SimTime = 0
        if let busyUntil = completionVCPUBusyUntil(device, request) {
            // The vCPU posts the completion when it is free; the completion is in the queue at once, and the vCPU
            // then pays the signal, the interrupt to an armed POLL_ADD's owner above all (finding 12).
            guard busyUntil <= now else {
                kernel.schedule(.completionPosted(request: request), at: busyUntil)
                return
            }
            let vcpu = jobs[requests[request].job].vcpu
            let stream = vcpuStreams[vcpu]
            let write = profile.eventfdWrite.draw(stream)
            vcpus[vcpu].busyUntil = now + write + signallerWrites(thread, handler, stream, writeCost: write)
            handoff = crossCPUHandoff(thread, stream)
        }
        threads[thread].completionQueues[index].done.push(request)
        workArrived(thread, handler, handoff: handoff)
        completionQueueFilled(thread, handler)
    }
}
