import PollingPolicy
import SimKernel

/// One IOThread: its AioContext (handlers, poll list, policy), where it is in its aio_poll iteration, and its
/// counters. The iteration itself is driven by `PollSimulator+AioPoll.swift`.
/// Noncopyable because it owns FIFOs (`IntFIFO`) and tables (`EntityTable`); it lives in `PollSimulator.threads` and
/// is mutated in place.
///
/// The per-handler flags and the handler and request lists are `EntityTable`s, not `Array`s: they are written several
/// times per simulated I/O, and each write to an `Array` here checked its buffer's uniqueness (a Swift runtime call),
/// iterating one retained and released it, and emptying one went through a generic `replaceSubrange`
/// (docs/performance.md).
struct IOThreadState: ~Copyable {
    /// Where the thread is. CPU work is charged as it is planned and ends with a `threadResume` event carrying the
    /// next step, so that anything that happened meanwhile is visible when the step runs.
    enum Phase {
        /// On CPU; `step` runs at the next `threadResume` of the current generation.
        case running(step: Step)
        /// Busy-polling since `start`, one pass every `passCost` ns, until `deadline` (nil = forever, busy policy).
        /// `stopAt` is the pass end at which polling is currently scheduled to stop.
        case polling(start: SimTime, passCost: SimTime, deadline: SimTime?, stopAt: SimTime?)
        /// Blocked in the fd monitor's wait since `since`.
        case blocked(since: SimTime)
        /// Hybrid polling's sleep: blocked until a timer at `since + sleep`, then polling with `budget`, unless an
        /// fd wakes the thread first.
        case sleeping(since: SimTime, budget: Int64)
        /// Woken: blocked until the `threadWoken` event; `halted` if its CPU had halted when the event came (the
        /// wake-up's CPU cost depends on it).
        case waking(since: SimTime, halted: Bool)
        /// Inside a synchronous preadv/pwritev (SIO) since `since`, waiting for `request`.
        case synchronousIO(request: Int, since: SimTime)
    }

    enum Step {
        case iterate
        case enterWait
        case waitSyscallDone
        case continueDispatch
    }

    let config: IOThreadConfig
    let stream: RandomSource
    var policy: PollPolicy
    var pollList: PollList
    /// Whether handlers join the poll list at all (Jaehoon patch 1: not when poll-max-ns is 0; never for `none`).
    let polls: Bool
    var roles: [HandlerRole] = []
    var completionQueues = EntityTable<CompletionQueueState>()

    var phase: Phase = .running(step: .iterate)
    var generation: UInt32 = 0
    /// poll_set_started: io_poll_begin ran on the poll list and virtqueue notifications are suppressed.
    var pollStarted = false
    var iterationStart: SimTime = 0
    var blockNs: Int64 = 0
    /// The current iteration's record, kept only while `PollSimulator.iterationObserver` is set.
    var iterationRecord: IterationRecord?

    /// fd events queued as task_work while the thread ran (`PollSimulator+TaskWork.swift`): each reaches it at its
    /// next kernel entry, or when the interrupt lands.
    var taskWork: [PendingTaskWork] = []
    /// The stalls of those events' interrupts (`fd-event-stall`) that have not taken the thread's CPU yet: work
    /// planned across one's start takes it (`PollSimulator.takeStalls`), otherwise its `interruptStall` event does.
    var interruptStalls: [InterruptStall] = []
    /// While polling: an interrupt holds the thread's CPU until then, so its io_poll sees nothing new before.
    var stalledUntil: SimTime = 0
    /// When the thread's latest system call was entered: a blocked thread's idle time counts from its wait call's
    /// entry, as the real loop measures it (`PollSimulator.cpuHalted`).
    var systemCallEnteredAt: SimTime = 0

    // Per-handler readiness.
    /// The handler has work its io_poll would see (non-empty vring, pending completions).
    var hasWork = EntityTable<Bool>()
    /// Handlers that had work since the list was last compacted: each at most once (`inWorkList`); entries whose
    /// `hasWork` has since been cleared are stale and dropped by compaction.
    var workList = EntityTable<HandlerID>()
    var inWorkList = EntityTable<Bool>()
    /// Number of handlers on the poll list with work.
    var workOnListCount = 0
    /// The handler's fd is readable: an ioeventfd or eventfd whose counter is not zero (set by a kick or a write,
    /// cleared by the read in its io_read handler), or a backend ring with completions in it (cleared by reaping).
    var fdSignalled = EntityTable<Bool>()
    /// The fd monitor reports the handler's fd at its next wait. With poll/epoll: the fd was readable when the
    /// monitor looked (level-triggered). With io_uring: the POLL_ADD's CQE is in the ring, and need_wait() is true
    /// until a wait consumes it, whether or not polling has meanwhile found and dispatched the handler's work
    /// (io_poll_ready does not clear an eventfd): a kick that raced with io_poll_begin ends the next polling phase.
    var fdReady = EntityTable<Bool>()
    /// Handlers whose fd became readable since the last wait collected them, each at most once (`inFdReadyList`):
    /// a thread that never blocks never collects, so the list must stay bounded by the handler count.
    var fdReadyList = EntityTable<HandlerID>()
    var inFdReadyList = EntityTable<Bool>()
    var fdReadyCount = 0
    /// io_uring only: the handler's one-shot POLL_ADD is armed. It fires once (disarming) when the fd is signalled;
    /// after a wait has consumed its CQE it is re-armed by the next wait's submission, and fires at once if the fd is
    /// still readable then. Between the two, polling is not interrupted by that fd.
    var armed = EntityTable<Bool>()
    /// io_uring only: handlers whose CQE a wait consumed, re-armed by the next wait.
    var rearmList = EntityTable<HandlerID>()
    /// The current iteration's wait reported the handler's fd: its io_read runs (and reads the eventfd), not only
    /// io_poll_ready.
    var readyByFd = EntityTable<Bool>()
    /// The handler's eventfd is locked until then by a signaller's write that is still waking its POLL_ADD (and
    /// interrupting this thread's CPU): a read of that eventfd waits for it, on CPU (finding 22).
    var eventfdLockedUntil = EntityTable<SimTime>()

    // Dispatch in progress.
    var ready = EntityTable<HandlerID>()
    var isReady = EntityTable<Bool>()
    var readyIndex = 0
    var cursor: SimTime = 0
    /// Requests popped from the current virtqueue and not yet submitted (SIO resumes here).
    var popped = IntFIFO()
    /// The handler at `readyIndex` has run its callback's first part (resuming after SIO must not repeat it).
    var handlerStarted = false
    /// The requests in `popped` go through synchronous preadv/pwritev (SIO, or adaptive with one request).
    var synchronousPop = false
    /// Completions reaped and waiting for the guest notification.
    var completedBuffer = EntityTable<Int>()
    /// Scratch space for the requests one virtqueue handler submits (kept to reuse its capacity).
    var submitBatch = EntityTable<Int>()

    /// Position of each handler in the poll list (its io_poll's place in a pass), rebuilt when the list changes.
    var positions = EntityTable<Int>()
    var positionsValid = false

    var accounting = ThreadAccounting()
    var counters = Counters()

    struct Counters {
        var iterations = 0
        var pollingIterations = 0
        var pollHits = 0
        var budgetSum: Double = 0
        var budgetIterations = 0
        var nearMax = 0
        var passes: Int64 = 0
        var handlersPolled: Int64 = 0
        var wakeups = 0
        var syscalls = 0
        var adjustmentsAtStart: Int?
        var resetsAtStart = 0
    }

    init(config: IOThreadConfig, stream: RandomSource) {
        self.config = config
        self.stream = stream
        polls = config.policy == .busy || (config.policy != .none && config.poll.maxNs != 0)
        policy = PollPolicy(kind: config.policy, parameters: config.poll, handlerCount: 0)
        pollList = PollList(handlerCount: 0, idleRemoval: false)
    }

    /// Registers a handler and returns its id.
    mutating func addHandler(_ role: HandlerRole) -> HandlerID {
        roles.append(role)
        hasWork.append(false)
        inWorkList.append(false)
        fdSignalled.append(false)
        fdReady.append(false)
        inFdReadyList.append(false)
        armed.append(true)
        readyByFd.append(false)
        eventfdLockedUntil.append(0)
        isReady.append(false)
        return roles.count - 1
    }

    /// Builds the policy and poll list once every handler is registered. Every handler starts on the poll list,
    /// as after guest boot, when the driver has touched every queue (QEMU before 5.0 polled all handlers always).
    mutating func finishSetup() {
        let count = roles.count
        policy = PollPolicy(kind: config.policy, parameters: config.poll, handlerCount: count)
        let removal = config.idleHandlerRemoval && config.fdmon == .ioUring
        pollList = PollList(handlerCount: count, idleRemoval: removal)
        if polls {
            for handler in (0..<count).reversed() { pollList.insert(handler) }
        }
        positions = EntityTable(repeating: 0, count: count)
        positionsValid = false
    }

    mutating func position(of handler: HandlerID) -> Int {
        if !positionsValid {
            for (index, member) in pollList.members.enumerated() { positions[member] = index }
            positionsValid = true
        }
        return positions[handler]
    }

    mutating func nextGeneration() -> UInt32 {
        generation &+= 1
        return generation
    }
}
