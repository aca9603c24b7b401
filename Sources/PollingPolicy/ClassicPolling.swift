/// QEMU 2.9 to 9.2: one poll_ns for the whole AioContext (reference §2a).
///
/// Every aio_poll iteration feeds its block_ns to the shared rule, whatever woke the loop (a disk, a timer, a
/// non-blocking call), which is exactly the weakness QEMU 10.0 fixed: one slow fd drags the budget of every fast
/// virtqueue in the context down to 0.
@usableFromInline
struct ClassicPolling: Sendable {
    /// ctx->poll_ns.
    @usableFromInline var pollNs: Int64 = 0
    /// Evaluations of the rule: one per iteration while poll-max-ns != 0, whether or not poll_ns changed.
    @usableFromInline var adjustments = 0
    /// Evaluations that took a non-zero poll_ns to 0 (shrink with poll-shrink 0, or a divisor larger than poll_ns).
    @usableFromInline var resets = 0

    @usableFromInline
    init() {}

    @inlinable
    func budget(_ parameters: PollParameters) -> Int64 {
        parameters.maxNs == 0 ? 0 : pollNs
    }

    /// The update QEMU ≤ 9.2 runs in aio_poll right after the fd monitor's wait, guarded by `if (ctx->poll_max_ns)`.
    @inlinable
    mutating func iterationFinished(blockNs: Int64, parameters: PollParameters) {
        guard parameters.maxNs != 0 else { return }
        let old = pollNs
        pollNs = AdaptivePollStep.adjusted(old, blockNs: blockNs, parameters: parameters)
        adjustments += 1
        if old != 0 && pollNs == 0 { resets += 1 }
    }

    /// aio_context_set_poll_params: `ctx->poll_ns = 0`. The counters are metrics, not poll state, and survive.
    @usableFromInline
    mutating func resetPollState() {
        pollNs = 0
    }
}
