/// QEMU 10.0+: one AioPolledEvent per AioHandler (ee416407 plus "Adjust polling time also for new handlers";
/// reference §2b).
///
/// Kevin Wolf's rationale: a fast guest virtqueue and a slow backend fd in the same context should not share one
/// budget. Each handler therefore learns from its own events only, and the context polls for as long as its most
/// demanding member wants. Handlers that did not fire keep their value: an idle handler's poll_ns never decays, it
/// only leaves the budget when idle-handler removal takes it off the poll list.
@usableFromInline
struct PerHandlerPolling: Sendable {
    /// node->poll.ns, indexed by HandlerID. Invariant: every value is in 0...poll-max-ns (the rule caps growth, the
    /// shrink only divides, and `resetPollState` zeroes everything when the cap changes).
    @usableFromInline var pollNs: [Int64]
    /// The maximum of `pollNs` over all handlers, kept current so that observing it is O(1) per iteration.
    @usableFromInline var maximumPollNs: Int64 = 0
    /// Evaluations of the rule: one per dispatch of a handler on the poll list while poll-max-ns != 0.
    @usableFromInline var adjustments = 0
    /// Evaluations that took a handler's non-zero poll.ns to 0.
    @usableFromInline var resets = 0

    @usableFromInline
    init(handlerCount: Int) {
        pollNs = Array(repeating: 0, count: handlerCount)
    }

    /// try_poll_mode's `max(node->poll.ns)` over poll_aio_handlers.
    @inlinable
    func budget(pollList: some Sequence<HandlerID>, parameters: PollParameters) -> Int64 {
        guard parameters.maxNs != 0 else { return 0 }
        var budget: Int64 = 0
        for id in pollList {
            budget = Swift.max(budget, pollNs[id])
            if budget >= parameters.maxNs { break }  // nothing can exceed the cap (see the invariant on `pollNs`)
        }
        return budget
    }

    /// The update in aio_dispatch_ready_handlers, after the handler's dispatch, only for a node on the poll list:
    /// the 10.0 intermediate version adjusted before dispatch, so a handler joining the list stayed at 0 for one more
    /// event; this is the fixed order.
    @inlinable
    mutating func handlerDispatched(_ id: HandlerID, onPollList: Bool, blockNs: Int64, parameters: PollParameters) {
        guard parameters.maxNs != 0, onPollList else { return }
        let old = pollNs[id]
        let new = AdaptivePollStep.adjusted(old, blockNs: blockNs, parameters: parameters)
        adjustments += 1
        if old != 0 && new == 0 { resets += 1 }
        guard new != old else { return }
        pollNs[id] = new
        if new > maximumPollNs {
            maximumPollNs = new
        } else if old == maximumPollNs {
            recomputeMaximum(previous: old)
        }
    }

    /// The handler that held the maximum shrank. A scan is needed, but it can stop at the first handler still at the
    /// old maximum, which is the common case when several queues sit at poll-max-ns.
    @usableFromInline
    mutating func recomputeMaximum(previous: Int64) {
        var maximum: Int64 = 0
        for value in pollNs {
            if value >= previous { maximumPollNs = value; return }
            maximum = Swift.max(maximum, value)
        }
        maximumPollNs = maximum
    }

    /// aio_context_set_poll_params: `node->poll.ns = 0` on every node of aio_handlers.
    @usableFromInline
    mutating func resetPollState() {
        for id in pollNs.indices { pollNs[id] = 0 }
        maximumPollNs = 0
    }
}
