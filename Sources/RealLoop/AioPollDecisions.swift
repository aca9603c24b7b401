import PollingPolicy

/// The decisions of one aio_poll iteration that belong to the policy, as a pure value: the real IOThread calls it at
/// exactly the points where the simulator's aio_poll calls its PollPolicy and PollList, so that for the same
/// observations (block_ns, which handlers fired, which polls succeeded) both loops take the same decisions. It has no
/// clock and no I/O, which is what lets the tests drive it and PollPolicy side by side.
///
/// Call protocol per iteration: `budget()` (try_poll_mode), `pollSucceeded` for every io_poll hit and
/// `removeIdle` at the end of run_poll_handlers, `dispatched` after each handler's dispatch, `iterationFinished`
/// at the end.
public struct AioPollDecisions: Sendable {
    public private(set) var policy: PollPolicy
    public private(set) var pollList: PollList
    /// Whether handlers join the poll list: busy, or a polling policy with poll-max-ns != 0 (the simulator's rule;
    /// with the poll-weight series' patch 1 QEMU inserts nothing when poll-max-ns is 0).
    public let polls: Bool

    public init(kind: PolicyKind, parameters: PollParameters, handlerCount: Int, idleRemoval: Bool) {
        policy = PollPolicy(kind: kind, parameters: parameters, handlerCount: handlerCount)
        pollList = PollList(handlerCount: handlerCount, idleRemoval: idleRemoval)
        polls = kind == .busy || (kind != .none && parameters.maxNs != 0)
    }

    /// try_poll_mode's budget before the timer clamp (the real loop has no timers, so none applies): 0 when the
    /// poll list is empty, else the policy's.
    @inline(__always)
    public func budget() -> Int64 {
        pollList.count > 0 ? policy.pollBudget(pollList: pollList.members) : 0
    }

    /// Hybrid's sleep before polling (0 for the others).
    public func sleepBeforePolling() -> Int64 { policy.sleepBeforePolling() }

    /// A successful io_poll of `handler` in the run_poll_handlers that started at `pollStart` (ns, any epoch).
    public mutating func pollSucceeded(_ handler: HandlerID, pollStart: Int64) {
        pollList.recordPollSuccess(handler, pollStart: pollStart)
    }

    /// remove_idle_poll_handlers at `now` (the same epoch as `pollStart`).
    public mutating func removeIdle(now: Int64) -> [HandlerID] {
        pollList.removeIdle(now: now)
    }

    /// After `handler`'s dispatch: it joins the poll list if the loop polls, then the policy learns. Returns true
    /// when the handler just joined (the caller then runs its io_poll_begin if poll mode is on).
    @discardableResult
    public mutating func dispatched(_ handler: HandlerID, blockNs: Int64) -> Bool {
        var joined = false
        if polls, !pollList.contains(handler) {
            pollList.insert(handler)
            joined = true
        }
        policy.handlerDispatched(handler, onPollList: pollList.contains(handler), blockNs: blockNs)
        return joined
    }

    /// The end of the iteration.
    public mutating func iterationFinished(blockNs: Int64) {
        policy.iterationFinished(blockNs: blockNs, pollList: pollList.members)
    }
}

/// What one real aio_poll iteration observed and decided, recorded when asked (`ReplaySetup.recordDecisions`) so
/// that a test can feed the same observations to a bare PollPolicy and compare the budgets.
public struct DecisionRecord: Sendable, Equatable {
    /// CLOCK_MONOTONIC at the start of the iteration.
    public var start: Int64 = 0
    /// The budget the loop used.
    public var budget: Int64
    /// The poll list at the start of the iteration.
    public var pollList: [HandlerID]
    /// Start of run_poll_handlers, if it ran.
    public var pollStart: Int64?
    /// Handlers whose io_poll succeeded in it.
    public var pollSuccesses: [HandlerID] = []
    /// The `now` of remove_idle_poll_handlers, if it ran.
    public var idleCheckAt: Int64?
    /// Handlers the idle check removed.
    public var removed: [HandlerID] = []
    /// Handlers dispatched, in order.
    public var dispatched: [HandlerID] = []
    /// Requests each dispatched handler popped or completed, in `dispatched` order.
    public var requests: [Int] = []
    public var blockNs: Int64 = 0
    /// CLOCK_THREAD_CPUTIME_ID at the start of the iteration (the previous one's closing read).
    public var cpu: Int64 = 0
}

/// The IOThread's counters for the measured window, with the simulator's definitions (docs/policies.md).
struct LoopCounters {
    var iterations = 0
    /// Iterations with a non-empty poll list, whose budget was recorded.
    var budgetIterations = 0
    var budgetSum: Double = 0
    var nearMax = 0
    /// Iterations that ran run_poll_handlers.
    var pollingIterations = 0
    /// ... and found work while polling.
    var pollHits = 0
    var passes: Int64 = 0
    var handlersPolled: Int64 = 0
    var syscalls = 0
    var fdEvents = 0
    var backendErrors = 0
    var firstBackendError: Int32 = 0

    /// The simulator's recordBudget: busy's "no limit" counts as 0 when poll-max-ns is 0, else the budget is capped.
    mutating func recordBudget(_ budget: Int64, maxNs: Int64) {
        let counted = maxNs > 0 ? min(budget, maxNs) : budget == .max ? 0 : budget
        budgetSum += Double(counted)
        budgetIterations += 1
        if maxNs > 0, Double(budget) >= 0.9 * Double(maxNs) { nearMax += 1 }
    }
}
