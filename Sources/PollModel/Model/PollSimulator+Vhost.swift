import SimKernel

/// vhost-blk (seed 004): kernel workers take kicks and completions directly; no IOThread, no userspace syscalls.
/// A worker processes everything queued, then sleeps; waking it costs `vhost-wakeup`.
extension PollSimulator {
    func vhostKick(_ worker: Int, _ queue: Int) {
        workers[worker].kicks.push(queue)
        wakeWorker(worker)
    }

    func vhostCompletion(_ worker: Int, _ request: Int) {
        workers[worker].completions.push(request)
        wakeWorker(worker)
    }

    private func wakeWorker(_ worker: Int) {
        guard !workers[worker].scheduled else { return }
        workers[worker].scheduled = true
        let busyUntil = workers[worker].busyUntil
        // A worker still busy picks the work up when it finishes; an idle one must be woken.
        let start = busyUntil > now ? busyUntil : now + profile.vhostWakeup.draw(workers[worker].stream)
        kernel.schedule(.vhostRun(worker: worker), at: start)
    }

    func vhostRun(_ worker: Int) {
        workers[worker].scheduled = false
        var cursor = max(now, workers[worker].busyUntil)
        let stream = workers[worker].stream
        while let request = workers[worker].completions.pop() {
            cursor += profile.vhostPerRequest.draw(stream)
            deliverToGuest(request, notifiedAt: cursor)
        }
        while let queue = workers[worker].kicks.pop() {
            while let request = queues[queue].avail.pop() {
                cursor += profile.vhostPerRequest.draw(stream)
                deviceArrival(request, at: cursor)
            }
        }
        workers[worker].busyUntil = cursor
    }
}
