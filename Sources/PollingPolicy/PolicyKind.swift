/// The polling policies pollsim knows, by the names scenario files use.
public enum PolicyKind: String, CaseIterable, Sendable, Codable {
    /// Never poll: every aio_poll iteration blocks in the fd monitor (QEMU with poll-max-ns=0).
    case none
    /// Poll forever: the SPDK-style upper bound on CPU use and lower bound on latency.
    case busy
    /// One poll_ns per AioContext with fixed grow/shrink (QEMU 2.9 to 9.2).
    case classic
    /// One AioPolledEvent per handler, budget = max over the poll list (QEMU 10.0+).
    case perHandler = "per-handler"
    /// Weighted handler intervals (the poll-weight series, seed 003).
    case pollWeight = "poll-weight"
    /// blk-mq style hybrid polling: sleep about half the expected wait, then poll (beyond QEMU).
    case hybrid
}
