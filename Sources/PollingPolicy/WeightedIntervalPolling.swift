/// Jaehoon Kim's weighted-handler-interval policy, "poll-weight" (RFC v1 patch 2/3 and the merged series;
/// reference §3.2, §3.5).
///
/// Per-handler estimates again, but they no longer set the budget directly: each handler on the poll list keeps an
/// EWMA of the block time of the iterations in which it fired, and time spent idle is added on top, so the estimate
/// tracks "time between this handler's events". At the end of each iteration the largest estimate of the handlers
/// that fired moves one context-wide poll_ns. Two choices make it gentler than classic: an estimate that reaches
/// poll-max-ns resets only that handler (which then reports 0), and the context value shrinks by division, so a
/// slow device halves the budget instead of zeroing it (the cover letter's "gradual shrink rather than an immediate
/// reset").
///
/// One code path serves both versions: RFC v1 is poll-weight/grow/shrink = 0 (shift 2, ×2, ÷2 through the `?:`
/// defaults below); the merged series sets 3/2/2 explicitly at IOThread creation (`PollParameters.pollWeightMerged`).
/// [INFER] The merged code's function names and validation were not seen; only its defaults and its commit messages
/// were, and they describe the same arithmetic.
@usableFromInline
struct WeightedIntervalPolling: Sendable {
    /// POLL_WEIGHT_SHIFT in RFC v1, used when poll-weight is 0.
    @usableFromInline static let defaultWeightShift: Int64 = 2

    /// ctx->poll_ns, the single budget of the context.
    @usableFromInline var contextPollNs: Int64 = 0
    /// node->poll.ns, the handler's estimated block time, indexed by HandlerID. Always in 0..<poll-max-ns after an
    /// update (values at or above the cap are reset to 0).
    @usableFromInline var estimateNs: [Int64]
    /// node->poll.has_event: the handler was dispatched since the last adjust_block_ns.
    @usableFromInline var hasEvent: [Bool]
    /// Updates of a handler estimate in adjust_block_ns: an EWMA sample for a handler that fired, or an idle
    /// accumulation for one that did not but has a non-zero estimate. Handlers with neither are not counted.
    @usableFromInline var adjustments = 0
    /// Updates whose result reached poll-max-ns and was reset to 0: the "poll_ns reset rate" numerator of the v1
    /// commit message's table. A first sample at or above the cap counts, although the stored value was already 0:
    /// the computed estimate was not.
    @usableFromInline var resets = 0

    @usableFromInline
    init(handlerCount: Int) {
        estimateNs = Array(repeating: 0, count: handlerCount)
        hasEvent = Array(repeating: false, count: handlerCount)
    }

    @inlinable
    func budget(_ parameters: PollParameters) -> Int64 {
        parameters.maxNs == 0 ? 0 : contextPollNs
    }

    /// aio_dispatch_ready_handlers after the dispatch: only mark the event; all arithmetic waits for the end of the
    /// iteration, so a handler dispatched twice in one iteration still contributes one sample.
    @inlinable
    mutating func handlerDispatched(_ id: HandlerID, onPollList: Bool, parameters: PollParameters) {
        guard parameters.maxNs != 0, onPollList else { return }
        hasEvent[id] = true
    }

    /// adjust_block_ns, run at the end of aio_poll when poll-max-ns != 0.
    ///
    /// `>>` is Swift's smart shift, which equals C's arithmetic shift for the validated weights 0...63 and is defined
    /// (not undefined behaviour) beyond. The EWMA cannot overflow: the stored estimate is below the cap, and with a
    /// shift of 1 or more each term is at most half of Int64.max. The idle accumulation saturates instead of
    /// overflowing when poll-max-ns is huge.
    @inlinable
    mutating func iterationFinished(blockNs: Int64, pollList: some Sequence<HandlerID>, parameters: PollParameters) {
        let maxNs = parameters.maxNs
        guard maxNs != 0 else { return }
        let shift = parameters.weight != 0 ? parameters.weight : Self.defaultWeightShift
        var adj: Int64 = -1
        for id in pollList {
            let ns = estimateNs[id]
            let fired = hasEvent[id]
            var next: Int64
            if fired {
                next = ns != 0 ? (ns - (ns >> shift)) + (blockNs >> shift) : blockNs
                hasEvent[id] = false
            } else if ns != 0 {
                next = ns.saturatingAdding(blockNs)  // idle but active before: fold the elapsed time in
            } else {
                continue
            }
            adjustments += 1
            if next >= maxNs {
                next = 0
                resets += 1
            }
            estimateNs[id] = next
            if fired { adj = Swift.max(adj, next) }  // idle handlers never drive the context budget
        }
        guard adj >= 0 else { return }
        if adj > contextPollNs {
            grow(toward: adj, parameters: parameters)
        } else {
            shrink(toward: adj, parameters: parameters)
        }
    }

    /// grow_polling_time: multiply by poll-grow (0 means 2), but jump straight to the estimate when that is further;
    /// growth from 0 therefore lands on the estimate itself (no 4000 ns seed). Capped at poll-max-ns.
    @inlinable
    mutating func grow(toward estimate: Int64, parameters: PollParameters) {
        let factor = parameters.grow != 0 ? parameters.grow : 2
        let grown = contextPollNs.saturatingMultiplied(by: factor)
        contextPollNs = Swift.min(estimate > grown ? estimate : grown, parameters.maxNs)
    }

    /// shrink_polling_time: divide by poll-shrink (0 means 2, unlike classic's reset), and only when the estimate is
    /// below the divided value; the budget reaches 0 only by repeated division.
    @inlinable
    mutating func shrink(toward estimate: Int64, parameters: PollParameters) {
        let divisor = parameters.shrink != 0 ? parameters.shrink : 2
        if estimate < contextPollNs / divisor {
            contextPollNs /= divisor
        }
    }

    /// aio_context_set_poll_params: `ctx->poll_ns = 0` and has_event/ns cleared on every node.
    @usableFromInline
    mutating func resetPollState() {
        contextPollNs = 0
        for id in estimateNs.indices {
            estimateNs[id] = 0
            hasEvent[id] = false
        }
    }
}
