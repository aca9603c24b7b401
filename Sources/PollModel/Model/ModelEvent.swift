import SimKernel

/// Everything that can happen in the model, as small values (no closures): the kernel stores them inline, so a
/// steady-state run allocates nothing per event. Indices refer to the simulator's entity arrays.
enum ModelEvent {
    /// A job issues its next request (closed-loop refill, thinktime end, or an open-loop arrival).
    case jobIssue(job: Int)
    /// The guest finished writing a request into its virtqueue (after the vCPU's submission work).
    case vringPush(request: Int)
    /// A virtqueue kick reached the host: the ioeventfd became readable.
    case kick(queue: Int)
    /// A request reaches a device (after the submitting syscall); only for devices whose arrivals may be scheduled
    /// out of time order (the others handle an arrival when it is scheduled, PollSimulator+Device.swift).
    case deviceArrive(request: Int)
    /// A device finished the media part of a request.
    case deviceMediaDone(request: Int)
    /// A device without a bandwidth limit finished a request: the request is complete on the host.
    case deviceDone(request: Int)
    /// A request's data crossed the device's link: the request is complete on the host.
    case transferDone(request: Int)
    /// A host completion reaches its backend's completion queue (thread-pool hand-off delay included).
    case completionPosted(request: Int)
    /// The guest vCPU finished handling a completion: fio sees it, latency is recorded.
    case guestSeen(request: Int)
    /// An IOThread's CPU work up to this instant is done; `generation` discards stale continuations.
    case threadResume(thread: Int, generation: UInt32)
    /// The fd monitor's report of a backend completion queue's fd arrives (`completion-fd-latency` after the
    /// completion reached the queue and fired the armed monitor).
    case completionFdFired(thread: Int, handler: Int)
    /// The interrupt for an fd event that fired at `firedAt` while the IOThread ran lands (`fd-event-latency` later):
    /// the event reaches the thread now unless a system call ran its task_work first.
    case taskWorkInterrupt(thread: Int, handler: Int, firedAt: SimTime)
    /// The interrupt of an fd event that fired at `firedAt` while the IOThread ran starts taking its CPU
    /// (`fd-event-stall-onset` later), unless work planned across this instant has taken it already.
    case interruptStall(thread: Int, handler: Int, firedAt: SimTime)
    /// A blocked IOThread is running again after a wake-up.
    case threadWoken(thread: Int, generation: UInt32)
    /// A vhost worker should look at its work list.
    case vhostRun(worker: Int)
}

/// The kernel's FIFO lanes (`Simulation.schedule(_:at:lane:)`), one per kind of event that is often scheduled in time
/// order: those events skip the heap. An event scheduled out of its lane's order goes to the heap, so a lane is only
/// a matter of speed, never of order. Shares measured on seed 003's Optane guest and benchmarks/optane-4x8.yaml.
enum EventLane {
    /// guestSeen: an IOThread notifies at its cursor, which never goes back, plus the injection latency (constant
    /// in the bare-metal profile): nearly all in order.
    static let guestSeen = 0
    /// transferDone: the link is FIFO: all in order.
    static let transferDone = 1
    /// vringPush: each vCPU is a FIFO server, and the vCPUs' submissions mostly follow the completions that trigger
    /// them: about 70 % in order.
    static let vringPush = 2
    /// deviceMediaDone: a FIFO multi-server device, random media times: about 40 % in order.
    static let deviceMediaDone = 3
}
