import SimKernel

/// One host cost in nanoseconds: a constant or a distribution. Constants cost no random draw.
public struct Cost: Sendable, Equatable, CustomStringConvertible {
    public let distribution: Distribution
    @usableFromInline let constant: SimTime?
    /// The unrounded constant, so that a fractional per-handler cost scales with the handler count.
    @usableFromInline let exactConstant: Double?

    public init(_ distribution: Distribution) {
        self.distribution = distribution
        exactConstant = distribution.constantValue
        constant = exactConstant.map { SimTime($0.rounded()) }
    }

    /// A constant cost of `nanoseconds`.
    public static func ns(_ nanoseconds: Double) -> Cost {
        // A literal non-negative constant cannot fail validation.
        Cost(try! Distribution.constant(nanoseconds))
    }

    @inlinable public func draw(_ stream: RandomStream) -> SimTime { draw(stream.source) }

    /// `count` times one draw, rounded once: 3 200 handlers at 3.4 ns cost 10 880 ns, not 9 600.
    @inlinable public func draw(_ stream: RandomStream, times count: Int) -> SimTime { draw(stream.source, times: count) }

    @inlinable @inline(__always) public func draw(_ source: RandomSource) -> SimTime {
        if let constant { return constant }
        return roundedSimTime(distribution.sample(source))
    }

    @inlinable @inline(__always) public func draw(_ source: RandomSource, times count: Int) -> SimTime {
        let unit = exactConstant ?? distribution.sample(source)
        return roundedSimTime(unit * Double(count))
    }

    public var mean: Double { distribution.mean }
    public var description: String { constant.map { "\($0)ns" } ?? distribution.description }
}

/// The host cost model: every CPU cost and latency the simulator charges, each a named parameter in nanoseconds.
///
/// `bareMetal` holds typical figures for a current x86 server; `ideal` sets every cost to zero (for queueing-theory
/// checks). `pollsim calibrate` will measure a real machine and write a profile file with the same keys.
public struct HostProfile: Sendable, Equatable {
    // fd monitor system calls (IOThread CPU, accounted as syscall time).
    public var ioUringEnter: Cost
    public var ppollBase: Cost
    public var ppollPerFd: Cost
    public var epollWait: Cost
    // Backend submission system calls.
    public var ioSubmitBase: Cost
    public var ioSubmitPerRequest: Cost
    public var ioUringSubmitPerRequest: Cost
    public var preadvSync: Cost
    public var eventfdWrite: Cost
    public var eventfdRead: Cost
    // Wake-up latency of a blocked thread (not CPU time).
    public var wakeupSameCPU: Cost
    public var wakeupCrossCPU: Cost
    public var wakeupCPU: Cost
    public var haltAfter: Cost
    public var wakeupHalted: Cost
    public var wakeupHaltedCPU: Cost
    public var fdEventLatency: Cost
    public var fdEventStall: Cost
    public var fdEventStallOnset: Cost
    public var taskWorkRun: Cost
    public var completionFdLatency: Cost
    /// Not a latency: CPU time of the thread that signals an fd with an armed POLL_ADD (grouped with fd events).
    public var fdEventSignal: Cost
    public var timerOvershoot: Cost
    public var fdEventReap: Cost
    // Userspace polling (IOThread CPU, accounted as poll time).
    public var pollPass: Cost
    public var pollHandler: Cost
    public var pollBeginEnd: Cost
    // Request processing in the IOThread (accounted as dispatch time).
    public var handlerDispatch: Cost
    public var iterationEnd: Cost
    public var iterationEndSyscall: Cost
    public var scanPerHandler: Cost
    public var virtqueuePop: Cost
    public var requestSubmit: Cost
    public var requestComplete: Cost
    public var guestNotify: Cost
    // Guest side.
    public var guestSubmit: Cost
    public var guestKick: Cost
    public var guestComplete: Cost
    public var interruptInjection: Cost
    public var crossCPUHandoff: Cost
    // Other architectures.
    public var threadPoolHandoff: Cost
    public var vhostPerRequest: Cost
    public var vhostWakeup: Cost

    /// A profile key as written in scenario and profile files, with its documentation.
    public struct Parameter: Sendable {
        public let key: String
        public let keyPath: WritableKeyPath<HostProfile, Cost> & Sendable
        public let meaning: String
        /// The bare-metal default in ns and where the figure comes from.
        public let bareMetalNs: Double
        public let source: String
    }

    /// Every parameter, in documentation order. The single source of truth for keys, defaults and docs.
    public static let parameters: [Parameter] = [
        .init(key: "io-uring-enter", keyPath: \.ioUringEnter, meaning: "one io_uring_enter in fdmon-io_uring's wait (submit + reap, excluding sleep)",
              bareMetalNs: 400, source: "estimate; 120-136 ns measured here for an empty call (platform notes), plus SQE/CQE processing"),
        .init(key: "ppoll-base", keyPath: \.ppollBase, meaning: "fixed part of one ppoll() in fdmon-poll",
              bareMetalNs: 500, source: "estimate: syscall entry/exit plus poll table setup"),
        .init(key: "ppoll-per-fd", keyPath: \.ppollPerFd, meaning: "per-fd part of ppoll(): building pollfds, the kernel's per-fd poll, the result scan",
              bareMetalNs: 30, source: "estimate: O(n) walk of fdmon-poll"),
        .init(key: "epoll-wait", keyPath: \.epollWait, meaning: "one epoll_wait() (or the ppoll(epollfd) of a timed wait)",
              bareMetalNs: 400, source: "estimate"),
        .init(key: "io-submit-base", keyPath: \.ioSubmitBase, meaning: "fixed part of one linux-aio io_submit()",
              bareMetalNs: 1000, source: "estimate; commit 826cc324 notes io_submit can take tens of µs"),
        .init(key: "io-submit-per-request", keyPath: \.ioSubmitPerRequest, meaning: "per-iocb part of io_submit() (block layer submission)",
              bareMetalNs: 500, source: "estimate"),
        .init(key: "io-uring-submit-per-request", keyPath: \.ioUringSubmitPerRequest, meaning: "per-SQE submission cost of the aio=io_uring backend",
              bareMetalNs: 400, source: "estimate"),
        .init(key: "preadv-sync", keyPath: \.preadvSync, meaning: "CPU of a blocking preadv/pwritev in the IOThread (SIO), excluding the device time",
              bareMetalNs: 1500, source: "estimate"),
        .init(key: "eventfd-write", keyPath: \.eventfdWrite, meaning: "one eventfd write (aio_notify, thread-pool completion)",
              bareMetalNs: 300, source: "estimate"),
        .init(key: "eventfd-read", keyPath: \.eventfdRead, meaning: "one eventfd read to clear a notifier after a wake-up",
              bareMetalNs: 250, source: "estimate"),
        .init(key: "wakeup-same-cpu", keyPath: \.wakeupSameCPU, meaning: "latency from an fd becoming ready to a blocked thread running, same CPU",
              bareMetalNs: 2000, source: "estimate; 3.5 µs measured in this VM (platform notes)"),
        .init(key: "wakeup-cross-cpu", keyPath: \.wakeupCrossCPU, meaning: "the same from another CPU (guest kicks and device interrupts arrive this way)",
              bareMetalNs: 5000, source: "estimate; 53-60 µs measured in this VM, where the target vCPU halts (platform notes)"),
        .init(key: "wakeup-cpu", keyPath: \.wakeupCPU, meaning: "CPU the woken thread spends in the kernel per wake-up, within the wake-up latency: the end of each blocked stretch counts as syscall time",
              bareMetalNs: 0, source: "not estimated for bare metal (0: the wake-up latency alone); 20-24 µs measured per cross-CPU wake-up in this VM (docs/validation.md), written by pollsim calibrate"),
        .init(key: "halt-after", keyPath: \.haltAfter, meaning: "how long the CPU of a blocked thread stays ready to resume it before it halts (KVM halt polling in a guest, a shallow idle state on bare metal): an fd event that comes later wakes the thread after wakeup-halted instead of wakeup-cross-cpu, and costs it wakeup-halted-cpu instead of wakeup-cpu; 0: never halts",
              bareMetalNs: 0, source: "not estimated for bare metal (0: one wake-up latency whatever the idle time); 8-13 µs measured in this VM (docs/validation.md, finding 15), written by pollsim calibrate"),
        .init(key: "wakeup-halted", keyPath: \.wakeupHalted, meaning: "latency from an fd becoming ready to a blocked thread running when that thread's CPU has halted (blocked longer than halt-after)",
              bareMetalNs: 5000, source: "estimate, as wakeup-cross-cpu (used only when halt-after > 0); 33-41 µs measured in this VM against 14-19 µs before the halt (docs/validation.md, finding 15)"),
        .init(key: "wakeup-halted-cpu", keyPath: \.wakeupHaltedCPU, meaning: "wakeup-cpu for a wake-up from a halted CPU",
              bareMetalNs: 0, source: "not estimated for bare metal (0); 11-15 µs measured in this VM against 5-6 µs before the halt (docs/validation.md, finding 15), written by pollsim calibrate"),
        .init(key: "fd-event-latency", keyPath: \.fdEventLatency, meaning: "latency from an fd becoming readable to a running (not blocked) IOThread seeing it (io_uring POLL_ADD completion via task_work)",
              bareMetalNs: 0, source: "not estimated for bare metal (0: seen at once); 15-20 µs measured in this VM, an inter-processor interrupt (docs/validation.md), written by pollsim calibrate"),
        .init(key: "fd-event-stall", keyPath: \.fdEventStall, meaning: "how long the interrupt that delivers an fd event to a running IOThread takes that thread's CPU (an eventfd with an armed POLL_ADD, or a ring whose fd has one): whatever the thread does when it lands (a system call, a dispatch, a poll) takes that much longer, whether or not a system call already ran the event's task_work; nothing while the thread is off CPU; 0: free",
              bareMetalNs: 0, source: "not estimated for bare metal (0: an interrupt costs the thread about a microsecond); 7-11 µs measured in this VM, for a kick's eventfd and for a MSG_RING completion alike (docs/validation.md, findings 19 and 22), written by pollsim calibrate"),
        .init(key: "fd-event-stall-onset", keyPath: \.fdEventStallOnset, meaning: "from an fd event to the start of its fd-event-stall",
              bareMetalNs: 0, source: "not estimated for bare metal; 4.4-6.7 µs measured in this VM (docs/validation.md, findings 19 and 22), written by pollsim calibrate"),
        .init(key: "task-work-run", keyPath: \.taskWorkRun, meaning: "what a system call's return pays to run one fd event's task_work (completing its io_uring POLL_ADD): a wait that returns at once with a kick takes this much longer than an empty one",
              bareMetalNs: 0, source: "not estimated for bare metal (0); 0.2-0.5 µs measured in this VM (docs/validation.md, finding 22), written by pollsim calibrate"),
        .init(key: "completion-fd-latency", keyPath: \.completionFdLatency, meaning: "latency from a completion reaching the backend's completion queue to the fd monitor's report of that queue's fd (the fd is readable at once, and unreadable again once the queue is reaped; polling sees the completion at once)",
              bareMetalNs: 0, source: "not estimated for bare metal (0: at once); in this VM once taken for a 7-14 µs second hop, which was the halted CPU's slower wake-up (halt-after): 0 since, a completion waking the IOThread as fast as a kick in the same idle state (docs/validation.md, finding 15), written by pollsim calibrate"),
        .init(key: "fd-event-signal", keyPath: \.fdEventSignal, meaning: "CPU time of the thread that makes an fd readable while an io_uring POLL_ADD is armed on it (the kernel queues the completion as task_work for the ring's owner and interrupts that CPU): added to a guest kick, and to a completion posted by a vCPU (devices' completion-cpu: vcpu)",
              bareMetalNs: 0, source: "not estimated for bare metal (0: an eventfd write's cost only); 6.6-12 µs measured in this VM from one run to the next, against 0.27 µs without a POLL_ADD (docs/validation.md, finding 12), written by pollsim calibrate"),
        .init(key: "fd-event-reap", keyPath: \.fdEventReap, meaning: "the fd monitor's work for one event a wait reports, before its handler is dispatched (fdmon-io_uring's process_cqe: the CQE, the handler's ready-list insert, its POLL_ADD re-armed), accounted as dispatch time",
              bareMetalNs: 0, source: "not estimated for bare metal (0: folded into handler-dispatch); 0.14-0.23 µs per event measured in this VM, in replays of every policy (docs/validation.md, finding 23), written by pollsim calibrate"),
        .init(key: "timer-overshoot", keyPath: \.timerOvershoot, meaning: "how late a kernel timer fires (hybrid polling's sleep)",
              bareMetalNs: 2000, source: "estimate; 40-56 µs at p50 in this VM (platform notes)"),
        .init(key: "poll-pass", keyPath: \.pollPass, meaning: "fixed cost of one run_poll_handlers_once pass (loop, clock read)",
              bareMetalNs: 40, source: "estimate; clock_gettime is about 25 ns (platform notes)"),
        .init(key: "poll-handler", keyPath: \.pollHandler, meaning: "one io_poll() callback (reading a vring index or a completion ring)",
              bareMetalNs: 15, source: "calibrated on seed 000: 3 200 polled handlers bring 105k IOPS down to about 10k"),
        .init(key: "poll-begin-end", keyPath: \.pollBeginEnd, meaning: "one io_poll_begin/io_poll_end (virtio_queue_set_notification)",
              bareMetalNs: 50, source: "estimate"),
        .init(key: "handler-dispatch", keyPath: \.handlerDispatch, meaning: "dispatching one ready handler (aio_dispatch_handler)",
              bareMetalNs: 100, source: "estimate"),
        .init(key: "iteration-end", keyPath: \.iterationEnd, meaning: "aio_poll's own work after the dispatch, before the next iteration polls (bottom halves, timers, lockcnt): while it runs, virtqueue notifications are still as the iteration left them",
              bareMetalNs: 0, source: "not estimated for bare metal (0: folded into handler-dispatch); pollsim calibrate writes the real loop's, timed in a busy replay from a dispatch's end to the next io_poll_begin (its CLOCK_THREAD_CPUTIME_ID read among them), 0.75-1.3 us on this VM against 0.5 us for the clock read alone (docs/validation.md, finding 17)"),
        .init(key: "iteration-end-syscall", keyPath: \.iterationEndSyscall, meaning: "the system call among iteration-end's work, if the loop makes one there: its return, taken at iteration-end's end, runs the task_work queued by then, so a guest kick fired during the iteration's end reaches the next iteration's wait before it polls (docs/validation.md, finding 21); part of iteration-end, not added to it; 0: no kernel entry there",
              bareMetalNs: 0, source: "0: QEMU's aio_poll reads only vDSO clocks between a dispatch and the next poll. The real loop's CLOCK_THREAD_CPUTIME_ID read is a system call on this VM (0.4-0.6 us), but pollsim calibrate writes 0, with the read's cost in a comment: it made the model's classic poll too little, before the kicks' interrupts were modelled and after (docs/validation.md, findings 21 and 22)"),
        .init(key: "scan-per-handler", keyPath: \.scanPerHandler, meaning: "pre-2020 dispatch: visiting one registered handler after each wait",
              bareMetalNs: 20, source: "estimate; seed 001's 260k IOPS implies about 3 ns on that host (scenarios/profiles/seed001-host.yaml)"),
        .init(key: "virtqueue-pop", keyPath: \.virtqueuePop, meaning: "virtqueue_pop of one request (descriptor walk, mapping)",
              bareMetalNs: 400, source: "estimate"),
        .init(key: "request-submit", keyPath: \.requestSubmit, meaning: "block-layer work to submit one request, excluding the syscall",
              bareMetalNs: 800, source: "estimate"),
        .init(key: "request-complete", keyPath: \.requestComplete, meaning: "completing one request (callback, virtqueue_push)",
              bareMetalNs: 600, source: "estimate"),
        .init(key: "guest-notify", keyPath: \.guestNotify, meaning: "notifying the guest of completions (irqfd eventfd write), once per dispatch that completed requests",
              bareMetalNs: 300, source: "estimate"),
        .init(key: "guest-submit", keyPath: \.guestSubmit, meaning: "guest vCPU time to issue one request (fio, block layer, virtio driver)",
              bareMetalNs: 1000, source: "estimate"),
        .init(key: "guest-kick", keyPath: \.guestKick, meaning: "guest vCPU time and latency of a virtqueue kick (VM exit to ioeventfd)",
              bareMetalNs: 1500, source: "estimate"),
        .init(key: "guest-complete", keyPath: \.guestComplete, meaning: "guest vCPU time to handle one completion (interrupt, fio)",
              bareMetalNs: 1000, source: "estimate"),
        .init(key: "interrupt-injection", keyPath: \.interruptInjection, meaning: "latency from the irqfd write to the guest running its handler",
              bareMetalNs: 1500, source: "estimate"),
        .init(key: "cross-cpu-handoff", keyPath: \.crossCPUHandoff, meaning: "latency for what a vCPU writes (a virtqueue push, a completion it posts with completion-cpu: vcpu) to be seen by an IOThread on CPU on another CPU: the cache lines' transfer, which a blocked IOThread's wake-up already covers",
              bareMetalNs: 0, source: "not estimated for bare metal (0); 0.7-1.2 µs measured in this VM for the real loop's virtqueue push, moving with where the host runs its vCPUs (docs/validation.md, finding 16), written by pollsim calibrate"),
        .init(key: "thread-pool-handoff", keyPath: \.threadPoolHandoff, meaning: "aio=threads: waking a pool worker and its completion reaching the IOThread",
              bareMetalNs: 5000, source: "estimate"),
        .init(key: "vhost-per-request", keyPath: \.vhostPerRequest, meaning: "vhost-blk kernel worker CPU per request (bio submit and completion)",
              bareMetalNs: 800, source: "estimate"),
        .init(key: "vhost-wakeup", keyPath: \.vhostWakeup, meaning: "latency to wake a vhost kernel worker",
              bareMetalNs: 3000, source: "estimate"),
    ]

    private init(every cost: (Parameter) -> Cost) {
        let zero = Cost.ns(0)
        ioUringEnter = zero; ppollBase = zero; ppollPerFd = zero; epollWait = zero
        ioSubmitBase = zero; ioSubmitPerRequest = zero; ioUringSubmitPerRequest = zero; preadvSync = zero
        eventfdWrite = zero; eventfdRead = zero; wakeupSameCPU = zero; wakeupCrossCPU = zero; wakeupCPU = zero
        haltAfter = zero; wakeupHalted = zero; wakeupHaltedCPU = zero
        fdEventLatency = zero; fdEventStall = zero; fdEventStallOnset = zero; taskWorkRun = zero; completionFdLatency = zero; fdEventSignal = zero; timerOvershoot = zero; fdEventReap = zero
        pollPass = zero; pollHandler = zero; pollBeginEnd = zero; handlerDispatch = zero; iterationEnd = zero; iterationEndSyscall = zero; scanPerHandler = zero
        virtqueuePop = zero; requestSubmit = zero; requestComplete = zero; guestNotify = zero
        guestSubmit = zero; guestKick = zero; guestComplete = zero; interruptInjection = zero; crossCPUHandoff = zero
        threadPoolHandoff = zero; vhostPerRequest = zero; vhostWakeup = zero
        for parameter in Self.parameters { self[keyPath: parameter.keyPath] = cost(parameter) }
    }

    /// Typical published and estimated figures for a current x86 server (see each parameter's `source`).
    public static let bareMetal = HostProfile { .ns($0.bareMetalNs) }
    /// Every host cost zero: the model reduces to its queueing core.
    public static let ideal = HostProfile { _ in .ns(0) }

    /// Built-in profiles by name.
    public static let builtIn: [String: HostProfile] = ["bare-metal": .bareMetal, "ideal": .ideal]

    public static func parameter(named key: String) -> Parameter? {
        parameters.first { $0.key == key }
    }
}
