/// An AioContext's poll_aio_handlers: the handlers each polling pass calls io_poll on, and the idle-handler removal
/// that keeps that list short (reference §4, d37d0e36).
///
/// Why it matters: before the 2020 series every pass polled every handler, so a guest with 3200 virtqueues paid 3200
/// io_poll calls per pass. Handlers now join only when they are dispatched and, with io_uring, leave after
/// POLL_IDLE_INTERVAL_NS without a successful poll.
///
/// Membership changes are rare (a join on first dispatch, a removal every 7 s at most) while reads happen on every
/// pass, so `members` is a plain array kept in list order (reading it costs no allocation) and `contains` is a
/// flag lookup; inserting at the head and removing are O(n) and that is fine.
public struct PollList: Sendable {
    /// POLL_IDLE_INTERVAL_NS: 7 s without a successful io_poll takes a handler off the list.
    public static let idleIntervalNs: Int64 = 7_000_000_000

    /// Whether `removeIdle` ever removes: QEMU removes idle handlers only when the fd monitor supports polling
    /// (`need_wait != aio_poll_disabled`, i.e. io_uring), because with poll/epoll handlers off the list could starve.
    public let idleRemoval: Bool
    /// The list in QLIST_INSERT_HEAD order: the most recently inserted handler first (the order of a polling pass).
    public private(set) var members: [HandlerID]
    @usableFromInline var isMember: [Bool]
    /// node->poll_idle_timeout by HandlerID; 0 means "not armed".
    @usableFromInline var idleTimeout: [Int64]

    /// `idleRemoval`: the caller passes (the idle-handler-removal switch && the fd monitor is io_uring).
    public init(handlerCount: Int, idleRemoval: Bool) {
        precondition(handlerCount >= 0, "handlerCount must not be negative")
        self.idleRemoval = idleRemoval
        members = []
        members.reserveCapacity(handlerCount)
        isMember = Array(repeating: false, count: handlerCount)
        idleTimeout = Array(repeating: 0, count: handlerCount)
    }

    /// Handlers in the context; valid HandlerIDs are `0..<handlerCount`.
    public var handlerCount: Int { isMember.count }

    /// Handlers currently on the list.
    @inlinable public var count: Int { members.count }

    /// O(1).
    @inlinable
    public func contains(_ id: HandlerID) -> Bool {
        isMember[id]
    }

    /// node->poll_idle_timeout: the time at which the handler leaves the list if no poll succeeds, or 0 when the
    /// timeout is not armed (for metrics and tests).
    public func idleDeadline(_ id: HandlerID) -> Int64 {
        idleTimeout[id]
    }

    /// aio_dispatch_handler's insertion of a dispatched handler that has io_poll (QLIST_INSERT_HEAD). The caller
    /// decides eligibility (the handler has io_poll, is not deleted; with poll-weight patch 1, poll-max-ns != 0).
    /// Returns false if the handler was already on the list.
    @discardableResult
    public mutating func insert(_ id: HandlerID) -> Bool {
        guard !isMember[id] else { return false }
        isMember[id] = true
        members.insert(id, at: 0)
        return true
    }

    /// Takes a handler off the list outside idle removal (the handler was deleted, or lost io_poll). Its idle
    /// timeout is cleared, as a newly registered AioHandler starts zeroed. Returns false if it was not on the list.
    @discardableResult
    public mutating func remove(_ id: HandlerID) -> Bool {
        guard isMember[id] else { return false }
        isMember[id] = false
        idleTimeout[id] = 0
        if let index = members.firstIndex(of: id) {
            members.remove(at: index)
        }
        return true
    }

    /// A successful io_poll in run_poll_handlers_once: poll_idle_timeout = start of this run_poll_handlers + 7 s.
    /// Only polling refreshes it: activity seen through fds does not. Ignored for a handler not on the list, which
    /// QEMU would not have polled.
    public mutating func recordPollSuccess(_ id: HandlerID, pollStart: Int64) {
        guard isMember[id] else { return }
        idleTimeout[id] = pollStart.saturatingAdding(Self.idleIntervalNs)
    }

    /// remove_idle_poll_handlers(ctx, ready_list, now), run at the end of each run_poll_handlers with
    /// `now = start_time + elapsed`. For each node in list order: an unarmed timeout is armed to `now + 7 s`;
    /// otherwise, once `now >= timeout`, the timeout is cleared and the node leaves the list.
    ///
    /// Returns the removed handlers in list order; the caller runs io_poll_end and a final io_poll on them (if poll
    /// mode is started) and sets its timeout to 0 when any were removed. Returns `[]` (no allocation) when
    /// `idleRemoval` is false or nothing left; the list is then not even armed, as in QEMU.
    public mutating func removeIdle(now: Int64) -> [HandlerID] {
        guard idleRemoval else { return [] }
        var removed: [HandlerID] = []
        var kept = 0
        for index in members.indices {
            let id = members[index]
            if idleTimeout[id] == 0 {
                idleTimeout[id] = now.saturatingAdding(Self.idleIntervalNs)
            } else if now >= idleTimeout[id] {
                idleTimeout[id] = 0
                isMember[id] = false
                removed.append(id)
                continue
            }
            if kept != index { members[kept] = id }  // untouched (no copy-on-write) unless something was removed
            kept += 1
        }
        if kept != members.count {
            members.removeLast(members.count - kept)
        }
        return removed
    }
}
