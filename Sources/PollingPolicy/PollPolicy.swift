/// Dense index of an AioHandler in its AioContext, `0..<handlerCount`: per-handler state lives in arrays indexed by
/// it, so the hot path never hashes or allocates.
public typealias HandlerID = Int

/// One AioContext's polling policy: the decisions QEMU's aio_poll takes about polling, as a pure value.
///
/// It has no clock, no I/O and no randomness: the caller reports what happened (block_ns, which handler was
/// dispatched, the poll list) at the points where QEMU's own code updates its state, and asks for the budget. The
/// simulator and the real io_uring loop drive this same type, so a validation run compares models, not two
/// implementations of the policies.
///
/// Call protocol, once per aio_poll iteration:
/// 1. `sleepBeforePolling()` (hybrid only, otherwise 0), then `pollBudget(pollList:)` in try_poll_mode, before the
///    caller clamps it by the timer/BH deadline;
/// 2. `handlerDispatched(_:onPollList:blockNs:)` after each handler's dispatch in aio_dispatch_ready_handlers;
/// 3. `iterationFinished(blockNs:pollList:)` at the end of the iteration, every iteration.
///
/// `blockNs` is QEMU's block_ns: polling plus blocked time of this iteration, dispatch excluded; it must not be
/// negative. When poll-max-ns is 0 QEMU does not measure it and no policy reads it.
///
/// The per-policy state machines are internal structs held in an enum, not behind a protocol: a switch over six
/// cases is cheaper than an existential on a path taken millions of times per simulated second, and the public
/// surface stays one concrete type.
public struct PollPolicy: Sendable {
    @usableFromInline
    enum State: Sendable {
        case none
        case busy
        case classic(ClassicPolling)
        case perHandler(PerHandlerPolling)
        case pollWeight(WeightedIntervalPolling)
        case hybrid(HybridPolling)
    }

    public let kind: PolicyKind
    /// The current poll-max-ns/grow/shrink/weight; change them with `setParameters(_:)`, which also resets state.
    public private(set) var parameters: PollParameters
    /// Handlers in the context; valid HandlerIDs are `0..<handlerCount`.
    public let handlerCount: Int
    @usableFromInline var state: State

    /// `parameters` must already be valid (`PollParameters.validated()`): like QEMU, the policies rely on the
    /// setters having rejected negative values and shifts over 63. Debug builds check it.
    public init(kind: PolicyKind, parameters: PollParameters, handlerCount: Int) {
        precondition(handlerCount >= 0, "handlerCount must not be negative")
        assert((try? parameters.validated()) != nil, "PollPolicy needs validated PollParameters: \(parameters)")
        self.kind = kind
        self.parameters = parameters
        self.handlerCount = handlerCount
        self.state = Self.initialState(kind, handlerCount: handlerCount)
    }

    static func initialState(_ kind: PolicyKind, handlerCount: Int) -> State {
        switch kind {
        case .none: .none
        case .busy: .busy
        case .classic: .classic(ClassicPolling())
        case .perHandler: .perHandler(PerHandlerPolling(handlerCount: handlerCount))
        case .pollWeight: .pollWeight(WeightedIntervalPolling(handlerCount: handlerCount))
        case .hybrid: .hybrid(HybridPolling())
        }
    }

    /// try_poll_mode's budget before the caller clamps it by the timer deadline (`qemu_soonest_timeout`).
    ///
    /// - none: 0; busy: `Int64.max` (the "no deadline" value, so the deadline alone bounds it);
    /// - classic and poll-weight: ctx->poll_ns;
    /// - per-handler: the maximum node->poll.ns over `pollList` (0 if it is empty);
    /// - hybrid: poll-max-ns, the polling allowed after its sleep.
    /// Every policy but busy returns 0 when poll-max-ns is 0: busy models SPDK-style loops, which have no such knob.
    @inlinable
    public func pollBudget(pollList: some Sequence<HandlerID>) -> Int64 {
        switch state {
        case .none: 0
        case .busy: .max
        case .classic(let policy): policy.budget(parameters)
        case .perHandler(let policy): policy.budget(pollList: pollList, parameters: parameters)
        case .pollWeight(let policy): policy.budget(parameters)
        case .hybrid(let policy): policy.budget(parameters)
        }
    }

    /// Hybrid only: how long to sleep (blocking, off CPU) before polling; 0 for every other policy, for hybrid before
    /// its first sample, and when poll-max-ns is 0.
    @inlinable
    public func sleepBeforePolling() -> Int64 {
        guard case .hybrid(let policy) = state else { return 0 }
        return policy.sleepBeforePolling(parameters)
    }

    /// The QEMU 10.0+ update point: handler `id` was just dispatched in aio_dispatch_ready_handlers.
    ///
    /// `onPollList`: the node is on poll_aio_handlers after its dispatch (dispatch inserts handlers with io_poll).
    /// per-handler adjusts node->poll.ns with `blockNs` and poll-weight sets has_event, both only when poll-max-ns != 0
    /// and `onPollList`; hybrid notes that the iteration ended in an event; the others ignore the call.
    @inlinable
    public mutating func handlerDispatched(_ id: HandlerID, onPollList: Bool, blockNs: Int64) {
        assert(blockNs >= 0, "block_ns cannot be negative")
        // Each mutating case moves the payload out and parks `.none` in `state` first, so the payload's arrays are
        // uniquely referenced and mutate in place instead of being copied (copy-on-write) on every call.
        switch state {
        case .none, .busy, .classic:
            return
        case .perHandler(var policy):
            state = .none
            policy.handlerDispatched(id, onPollList: onPollList, blockNs: blockNs, parameters: parameters)
            state = .perHandler(policy)
        case .pollWeight(var policy):
            state = .none
            policy.handlerDispatched(id, onPollList: onPollList, parameters: parameters)
            state = .pollWeight(policy)
        case .hybrid(var policy):
            policy.handlerDispatched(parameters: parameters)
            state = .hybrid(policy)
        }
    }

    /// The end of one aio_poll iteration; call it for every iteration, including non-blocking ones and timer-only
    /// wake-ups (QEMU ≤ 9.2 updated on all of them).
    ///
    /// classic runs the ≤ 9.2 update of ctx->poll_ns, poll-weight runs adjust_block_ns over `pollList` (both only
    /// when poll-max-ns != 0), hybrid updates its estimate; the others do nothing.
    @inlinable
    public mutating func iterationFinished(blockNs: Int64, pollList: some Sequence<HandlerID>) {
        assert(blockNs >= 0, "block_ns cannot be negative")
        switch state {
        case .none, .busy, .perHandler:
            return
        case .classic(var policy):
            policy.iterationFinished(blockNs: blockNs, parameters: parameters)
            state = .classic(policy)
        case .pollWeight(var policy):
            state = .none  // see handlerDispatched: keeps the arrays uniquely referenced
            policy.iterationFinished(blockNs: blockNs, pollList: pollList, parameters: parameters)
            state = .pollWeight(policy)
        case .hybrid(var policy):
            policy.iterationFinished(blockNs: blockNs, parameters: parameters)
            state = .hybrid(policy)
        }
    }

    /// aio_context_set_poll_params: installs new parameters and resets all poll state to 0, the context's and every
    /// handler's (QEMU does the same, then aio_notify()s the loop). `adjustments` and `resets` are metrics and keep
    /// counting across the change. `parameters` must be valid, as for `init`.
    public mutating func setParameters(_ parameters: PollParameters) {
        assert((try? parameters.validated()) != nil, "PollPolicy needs validated PollParameters: \(parameters)")
        self.parameters = parameters
        switch state {
        case .none, .busy:
            return
        case .classic(var policy):
            policy.resetPollState()
            state = .classic(policy)
        case .perHandler(var policy):
            state = .none
            policy.resetPollState()
            state = .perHandler(policy)
        case .pollWeight(var policy):
            state = .none
            policy.resetPollState()
            state = .pollWeight(policy)
        case .hybrid(var policy):
            policy.resetPollState()
            state = .hybrid(policy)
        }
    }
}

// MARK: - Observability

extension PollPolicy {
    /// The context-wide poll_ns, for metrics ("mean poll_ns", "time near max") and timelines.
    ///
    /// classic and poll-weight: ctx->poll_ns; per-handler: the maximum node->poll.ns over all handlers, on the poll
    /// list or not (O(1), maintained incrementally); none: 0; busy: `Int64.max`; hybrid: its poll budget.
    @inlinable
    public var contextPollNs: Int64 {
        switch state {
        case .none: 0
        case .busy: .max
        case .classic(let policy): policy.pollNs
        case .perHandler(let policy): policy.maximumPollNs
        case .pollWeight(let policy): policy.contextPollNs
        case .hybrid(let policy): policy.budget(parameters)
        }
    }

    /// The handler's own poll state: node->poll.ns for per-handler (its budget), node->poll.ns for poll-weight (its
    /// estimated block time, which is not a budget). 0 for the policies without per-handler state.
    @inlinable
    public func handlerPollNs(_ id: HandlerID) -> Int64 {
        precondition(id >= 0 && id < handlerCount, "HandlerID \(id) out of range 0..<\(handlerCount)")
        switch state {
        case .none, .busy, .classic, .hybrid: return 0
        case .perHandler(let policy): return policy.pollNs[id]
        case .pollWeight(let policy): return policy.estimateNs[id]
        }
    }

    /// Hybrid's current estimate of an iteration's block time (`nil` before its first sample, and for the others).
    public var hybridEstimateNs: Int64? {
        guard case .hybrid(let policy) = state, policy.hasEstimate else { return nil }
        return policy.estimateNs
    }

    /// Number of poll_ns updates performed since `init` (not reset by `setParameters`). An update is one evaluation of
    /// the policy's rule, whether or not the value changed:
    /// - classic: one per `iterationFinished` while poll-max-ns != 0;
    /// - per-handler: one per `handlerDispatched` with `onPollList` while poll-max-ns != 0;
    /// - poll-weight: one per handler estimate changed by adjust_block_ns (an EWMA sample of a handler that fired,
    ///   or the idle accumulation of one with a non-zero estimate), so that `resets / adjustments` is the v1 commit
    ///   message's "poll_ns reset rate"; the context-wide grow/shrink that follows is not counted;
    /// - hybrid: one per EWMA sample;
    /// - none, busy: always 0.
    @inlinable
    public var adjustments: Int {
        switch state {
        case .none, .busy: 0
        case .classic(let policy): policy.adjustments
        case .perHandler(let policy): policy.adjustments
        case .pollWeight(let policy): policy.adjustments
        case .hybrid(let policy): policy.samples
        }
    }

    /// How many of `adjustments` set a non-zero value to 0:
    /// - classic, per-handler: a shrink from non-zero to 0 (poll-shrink 0, or a divisor larger than poll_ns);
    /// - poll-weight: a handler estimate that reached poll-max-ns and was reset to 0, including a first sample at or
    ///   above the cap (the stored value was 0 but the computed one was not). The context poll_ns reaching 0 by
    ///   division is not a reset;
    /// - none, busy, hybrid: always 0.
    @inlinable
    public var resets: Int {
        switch state {
        case .none, .busy, .hybrid: 0
        case .classic(let policy): policy.resets
        case .perHandler(let policy): policy.resets
        case .pollWeight(let policy): policy.resets
        }
    }
}
