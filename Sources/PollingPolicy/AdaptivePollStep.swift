/// The grow/shrink rule QEMU has applied to a poll_ns since 2.9 (reference §2a, util/aio-posix.c @ f2465433).
///
/// It lives apart from its two users because QEMU 10.0 did not change the rule, only where it is applied: classic
/// runs it once per aio_poll iteration on the context's poll_ns, per-handler runs it on the poll_ns of each handler
/// that fired. Sharing the code guarantees the two policies cannot drift apart.
@usableFromInline
enum AdaptivePollStep {
    /// The first grow step. QEMU's comment says "start polling at 4 microseconds": 4000, not 4096, so the default
    /// sequence is 4000, 8000, 16000, 32000 and then the 32768 cap.
    @usableFromInline static let initialNs: Int64 = 4000

    /// poll_ns after an iteration that spent `blockNs` in polling plus blocking.
    ///
    /// Cases, in QEMU's order:
    /// - `blockNs <= pollNs`: the event arrived within the budget (the "sweet spot"), keep it;
    /// - `blockNs > maxNs`: polling could not have caught the event, shrink: divide by poll-shrink, or reset to 0
    ///   when poll-shrink is 0;
    /// - both below the cap: grow, by poll-grow (0 means 2), from 0 straight to 4000, capped at poll-max-ns;
    /// - otherwise (`blockNs == maxNs` exactly, or `pollNs` already at the cap): keep it.
    ///
    /// The product is saturated before the cap ([INFER], see `saturatingMultiplied(by:)`), so a huge poll-grow
    /// reaches poll-max-ns instead of overflowing. The result never exceeds `maxNs` unless `pollNs` already did.
    @inlinable
    static func adjusted(_ pollNs: Int64, blockNs: Int64, parameters: PollParameters) -> Int64 {
        let maxNs = parameters.maxNs
        if blockNs <= pollNs {
            return pollNs
        }
        if blockNs > maxNs {
            return parameters.shrink != 0 ? pollNs / parameters.shrink : 0
        }
        if pollNs < maxNs && blockNs < maxNs {
            let grow = parameters.grow != 0 ? parameters.grow : 2
            let grown = pollNs != 0 ? pollNs.saturatingMultiplied(by: grow) : initialNs
            return Swift.min(grown, maxNs)
        }
        return pollNs
    }
}
