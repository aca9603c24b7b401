import PollModel
import PollingPolicy
import Synchronization

/// Where the IOThread sends the requests it pops from its virtqueues (QEMU's aio=io_uring backend): SQEs on the
/// backend ring, whose completions come back on that same ring. The ring's fd is an AioHandler (the "completions"
/// handler): its io_poll checks the CQ ring from userspace, and the fd monitor watches its fd with POLL_ADD, as
/// QEMU's block/io_uring.c registers its ring.
enum BackendTarget {
    /// Reads (and writes) of a file or block device opened with O_DIRECT, into the request's aligned buffer.
    case file(fd: Int32)
    /// The synthetic device: an IORING_OP_MSG_RING per request into the device model's ring.
    case synthetic(deviceRingFd: Int32)
}

/// The measured window, in CLOCK_MONOTONIC ns, shared by every thread of a replay.
struct WallWindow: Sendable {
    /// When the guest starts submitting.
    let origin: Int64
    /// Warm-up (ramp_time) ends, measurement starts.
    let start: Int64
    let end: Int64

    /// Whether `time` is in the measured part (after the warm-up, before the end).
    @inline(__always)
    func contains(_ time: Int64) -> Bool { time >= start && time < end }
}

/// One IOThread's measurements, read by the orchestrator after the thread stopped.
struct IOThreadMeasurement {
    var spanNs: Int64 = 0
    var pollNs: Int64 = 0
    var dispatchNs: Int64 = 0
    var syscallNs: Int64 = 0
    var wakeups = 0
    /// Waits that blocked (wall time exceeded CPU time by more than 1 µs) and the thread CPU time spent in them: on
    /// this VM a wake-up is charged to the woken thread's CPU clock (about the wake-up latency itself).
    var blockingWaits = 0
    var blockingWaitCPUNs: Int64 = 0
    /// Synthetic device: from the device model posting a completion to the IOThread dispatching it.
    var completionNotification = LatencySeries()
    /// From the guest's submission to the IOThread popping the request (kick or poll, then dispatch).
    var submissionPickup = LatencySeries()
    /// The same for requests whose kick reached the thread while it ran (before its wait, or with no blocking wait):
    /// the kick's POLL_ADD completion is task_work, and the thread gets going when its interrupt lands (finding 11).
    var runningKickPickup = LatencySeries()
    /// The same for requests that polling found (no kick): the guest's push crossing to this CPU's caches.
    var polledPickup = LatencySeries()
    /// Blocking waits that a kick or a completion ended (at most `BlockedWakeup.limit`).
    var blockedWakeups: [BlockedWakeup] = []
    var loopWork = LoopWorkTimes()
    var counters = LoopCounters()
    var adjustments = 0
    var resets = 0
}

/// The IOThread's own work between its waits and polls, timed in wall-clock ns as it runs beside the guest
/// (docs/validation.md, finding 17). Each reads lines that the other CPU wrote last (a CQE, a ring entry, a request
/// slot, the used ring's index), so it costs the replay several times what the same code costs a micro-benchmark
/// with hot caches; `Calibrator.loopWorkCosts` turns these into `request-complete`, `virtqueue-pop` and
/// `iteration-end`, and `Calibrator.WakeupProbe` the fd events' reaping into `fd-event-reap`.
public struct LoopWorkTimes: Sendable {
    /// A completions dispatch (reap the CQEs, push each onto its used ring), per request it completed.
    public var completionDispatch = LatencySeries()
    /// A virtqueue dispatch (pop, fill the SQE) without its system calls (the kick's eventfd read, the backend
    /// submission), per request it popped.
    public var virtqueueDispatch = LatencySeries()
    /// From the end of an iteration's dispatch to the next iteration's io_poll_begin: the policy's update, the
    /// loop's CLOCK_THREAD_CPUTIME_ID read and the next budget. A guest submitting meanwhile still kicks.
    public var iterationTail = LatencySeries()
    /// The fd monitor's CQEs reaped after a wait, per handler event: the CQE, the ready-list insert and the POLL_ADD
    /// re-armed (fdmon-io_uring's process_cqe), work that no other series times.
    public var fdEventReap = LatencySeries()
    /// From a wait's return to the first handler's dispatch: the loop's CPU-clock read after the wait, its
    /// measurement of the wait, and the reap (`fdEventReap`), per iteration that waited and dispatched. Not a model
    /// key: it shows what the real loop pays after a wait beyond the reap (docs/validation.md, finding 23).
    public var waitReturn = LatencySeries()
    /// The dispatch loop's wall time beyond its handlers' own, per iteration that dispatched: their timing and
    /// latency records and the policy's bookkeeping (finding 23), work that no profile key covers.
    public var dispatchOverhead = LatencySeries()

    public init() {}
}
