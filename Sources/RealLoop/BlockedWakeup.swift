/// One blocking wait of the IOThread that an event ended, as the real loop measured it: how long the thread had
/// been blocked when the event came, how long it then took to run again, and the wait's CPU time.
///
/// Why it is kept per wait rather than as one latency: on this kind of VM the wake-up depends on how long the
/// thread's CPU had been idle. Within 8-13 µs of blocking it takes 14-19 µs; later 33-41 µs, with twice the CPU
/// time (docs/validation.md, finding 15: the host's halt polling, by the look of it, ends and the vCPU halts).
/// `HaltFit` recovers both states and the threshold from these records; `pollsim calibrate` writes them as
/// `wakeup-cross-cpu`, `halt-after` and `wakeup-halted`.
public struct BlockedWakeup: Sendable, Equatable {
    public enum Event: Sendable, Equatable {
        /// The guest's kick (timed from its submission, a few hundred ns before its eventfd write).
        case kick
        /// The synthetic device's completion (timed from its MSG_RING post).
        case completion
    }

    public var event: Event
    /// From the wait's entry (before io_uring_submit_and_wait) to the event.
    public var blockedNs: Int64
    /// From the event to the dispatch of its handler: the wait's return, the thread's CPU clock read and the fd
    /// monitor's reap after it (about 2 µs here, against 0.6 µs on a warm CPU) are the woken thread getting going
    /// again, which the simulator's wake-up latency covers up to the dispatch.
    public var wakeNs: Int64
    /// The thread's CLOCK_THREAD_CPUTIME_ID inside the wait.
    public var cpuNs: Int64

    public init(event: Event, blockedNs: Int64, wakeNs: Int64, cpuNs: Int64) {
        self.event = event
        self.blockedNs = blockedNs
        self.wakeNs = wakeNs
        self.cpuNs = cpuNs
    }

    /// At most this many are kept per replay (a second at queue depth 1 has about 15 000).
    static let limit = 200_000
}

/// Finds, in each aio_poll iteration of the real loop, the event that ended its blocking wait: the earliest of the
/// events dispatched after the wait that came while it lasted (a kick's request, a completion's post).
struct BlockedWakeupRecorder {
    private var wait: (start: Int64, end: Int64, cpu: Int64)?
    private var earliest: (at: Int64, event: BlockedWakeup.Event, dispatchedAt: Int64)?

    mutating func startIteration() {
        wait = nil
        earliest = nil
    }

    /// The iteration's wait blocked from `start` to `end` (CLOCK_MONOTONIC), with `cpu` ns of thread CPU time.
    mutating func waitBlocked(from start: Int64, to end: Int64, cpu: Int64) { wait = (start, end, cpu) }

    /// Whether an event at `time` found the thread running: before the iteration's blocking wait, or with none.
    func cameWhileRunning(_ time: Int64) -> Bool { wait.map { time <= $0.start } ?? true }

    /// An event at `time` whose handler was dispatched at `dispatchedAt`.
    @inline(__always)
    mutating func dispatched(_ event: BlockedWakeup.Event, at time: Int64, dispatchedAt: Int64) {
        guard let wait, time > wait.start, time <= wait.end else { return }
        if earliest == nil || time < earliest!.at { earliest = (time, event, dispatchedAt) }
    }

    /// The iteration's blocking wait and the event that ended it, if both.
    var wakeup: BlockedWakeup? {
        guard let wait, let earliest else { return nil }
        return BlockedWakeup(event: earliest.event, blockedNs: earliest.at - wait.start,
                             wakeNs: earliest.dispatchedAt - earliest.at, cpuNs: wait.cpu)
    }
}

/// The two idle states of a blocked thread's CPU, fitted to measured wake-ups: a threshold `haltAfterNs` of blocked
/// time, the wake-ups of events that came before it (`ready`) and after it (`halted`).
///
/// The fit is a step function with one step: the threshold (on a 0.5 µs grid from 2 to 60 µs) minimises the squared
/// error of the wake-up latencies around their two group means. Events within 2 µs of the wait's entry are left
/// out: the thread may not have been asleep yet (its wait call was still submitting), and their wake-ups scatter
/// over both states.
public struct HaltFit: Sendable {
    public var haltAfterNs: Int64
    public var ready: [BlockedWakeup]
    public var halted: [BlockedWakeup]

    static let settleNs: Int64 = 2_000
    /// Fewer wake-ups than this on either side of the threshold: no fit (one state, or too little data).
    static let minimumPerState = 50

    /// nil when either state has fewer than `minimumPerState` wake-ups, or when the halted state is not slower than
    /// the ready one by at least 2 µs at the median (no second state to speak of).
    public init?(_ wakeups: [BlockedWakeup]) {
        let usable = wakeups.filter { $0.blockedNs >= Self.settleNs }.sorted { $0.blockedNs < $1.blockedNs }
        guard usable.count >= 2 * Self.minimumPerState else { return nil }
        // Prefix sums over the wake-ups in order of blocked time: a split at index i costs
        // sum(x^2) - (prefix sum)^2/i - (suffix sum)^2/(n-i).
        let values = usable.map { Double($0.wakeNs) }
        var sums = [0.0], squares = [0.0]
        for value in values {
            sums.append(sums.last! + value)
            squares.append(squares.last! + value * value)
        }
        let n = values.count
        var best: (cost: Double, split: Int, threshold: Int64)?
        var split = 0
        for threshold in stride(from: Int64(2_000), through: 60_000, by: 500) {
            while split < n && usable[split].blockedNs < threshold { split += 1 }
            guard split >= Self.minimumPerState && n - split >= Self.minimumPerState else { continue }
            let low = sums[split], high = sums[n] - sums[split]
            let cost = squares[n] - low * low / Double(split) - high * high / Double(n - split)
            if best == nil || cost < best!.cost { best = (cost, split, threshold) }
        }
        guard let best else { return nil }
        let ready = Array(usable[..<best.split]), halted = Array(usable[best.split...])
        guard Self.median(halted.map(\.wakeNs)) - Self.median(ready.map(\.wakeNs)) >= 2_000 else { return nil }
        haltAfterNs = best.threshold
        self.ready = ready
        self.halted = halted
    }

    public static func median(_ values: [Int64]) -> Int64 {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }
}
