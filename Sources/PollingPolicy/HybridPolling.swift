/// blk-mq style hybrid polling transplanted to the IOThread: sleep through the part of the wait that is almost
/// certainly idle, then busy-poll for the rest (reference §8; not a QEMU policy).
///
/// Everything here is [INFER]: QEMU never had it, and the kernel's adaptive mode (`io_poll_delay = 0`, removed in
/// 2023) keyed its mean on per-request statistics that an AioContext does not have. The translation:
/// - the kernel's "completion latency of the request" becomes the iteration's block_ns (time from the start of the
///   iteration to the event), sampled only in iterations in which some handler was dispatched; iterations that end
///   on a timer or a non-blocking call say nothing about the device;
/// - the kernel's 100 ms statistics window becomes an EWMA with shift 3 (1/8 weight for the newest sample, the
///   merged poll-weight default), first sample taken as is, so the estimate needs no clock;
/// - the sleep is half the estimate (the kernel uses `(mean + 1) / 2`; the brief fixes `ewma / 2`), 0 until the
///   first sample so a cold loop behaves like a polling one;
/// - the polling phase after the sleep may run up to poll-max-ns, so poll-max-ns still bounds the CPU a late event
///   can cost, and poll-max-ns = 0 still means "never poll" (no sleep and no budget, no learning).
@usableFromInline
struct HybridPolling: Sendable {
    /// EWMA shift: the newest block_ns contributes 1/8.
    @usableFromInline static let estimateShift: Int64 = 3

    /// Estimated block time of an iteration that ends in an event; meaningful once `hasEstimate`.
    @usableFromInline var estimateNs: Int64 = 0
    /// The first sample is taken as is rather than averaged with the initial 0.
    @usableFromInline var hasEstimate = false
    /// Some handler was dispatched in the current iteration.
    @usableFromInline var handlerFired = false
    /// EWMA samples taken (the policy's "adjustments"); a metric, so it survives `resetPollState`. Hybrid never
    /// resets.
    @usableFromInline var samples = 0

    @usableFromInline
    init() {}

    @inlinable
    func budget(_ parameters: PollParameters) -> Int64 {
        parameters.maxNs
    }

    @inlinable
    func sleepBeforePolling(_ parameters: PollParameters) -> Int64 {
        parameters.maxNs == 0 ? 0 : estimateNs / 2
    }

    /// Any dispatched handler counts, on the poll list or not: the estimate models the device, not the poll list.
    @inlinable
    mutating func handlerDispatched(parameters: PollParameters) {
        guard parameters.maxNs != 0 else { return }
        handlerFired = true
    }

    @inlinable
    mutating func iterationFinished(blockNs: Int64, parameters: PollParameters) {
        guard parameters.maxNs != 0, handlerFired else { return }
        handlerFired = false
        if !hasEstimate {
            estimateNs = blockNs
            hasEstimate = true
        } else {
            estimateNs = (estimateNs - (estimateNs >> Self.estimateShift)) + (blockNs >> Self.estimateShift)
        }
        samples += 1
    }

    /// set_poll_params: forget the estimate, as the QEMU policies forget their poll_ns.
    @usableFromInline
    mutating func resetPollState() {
        estimateNs = 0
        hasEstimate = false
        handlerFired = false
    }
}
