import SimKernel

/// Host block devices: `parallelism` servers with FIFO waiting, then the shared transfer link.
extension PollSimulator {
    func deviceArrive(_ request: Int) {
        let device = queues[requests[request].queue].device
        if devices[device].inService < devices[device].parallelism {
            startService(device, request)
        } else {
            devices[device].waiting.push(request)
        }
    }

    private func startService(_ device: Int, _ request: Int) {
        devices[device].inService += 1
        let stream = devices[device].stream
        let media = requests[request].isWrite
            ? roundedSimTime(devices[device].config.writeLatency.sample(stream))
            : roundedSimTime(devices[device].config.readLatency.sample(stream))
        if devices[device].nsPerByte > 0 {
            kernel.schedule(.deviceMediaDone(request: request), after: media)
        } else {
            kernel.schedule(.deviceDone(request: request), after: media)
        }
    }

    private func freeSlot(_ device: Int) {
        devices[device].inService -= 1
        if let next = devices[device].waiting.pop() { startService(device, next) }
    }

    /// Media work is done; the data crosses the link, one transfer at a time.
    func deviceMediaDone(_ request: Int) {
        let device = queues[requests[request].queue].device
        freeSlot(device)
        let transfer = roundedSimTime(Double(requests[request].bytes) * devices[device].nsPerByte)
        let start = max(now, devices[device].linkFreeAt)
        devices[device].linkFreeAt = start + transfer
        kernel.schedule(.transferDone(request: request), at: start + transfer)
    }

    func deviceDone(_ request: Int) {
        freeSlot(queues[requests[request].queue].device)
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
        threads[thread].completionQueues[index].done.push(request)
        workArrived(thread, handler)
        fdBecameReady(thread, handler)
    }
}
