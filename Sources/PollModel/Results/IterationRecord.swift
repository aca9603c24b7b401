/// One aio_poll iteration as its policy saw it, in the form both loops write (`pollsim run --decisions` from the
/// simulator, `pollsim replay --decisions` from the real loop), so that the two sequences can be compared column by
/// column (`scripts/iteration-compare.py`). The adaptive policies react to nothing but these observations, which is
/// why, when simulation and measurement disagree, this is where to look first.
///
/// Handlers are named by role, the same way on both sides: `completions` for the backend's completion handler,
/// the virtqueue's name for a virtqueue's ioeventfd handler.
public struct IterationRecord: Sendable, Equatable {
    /// The name of a thread's (first) backend completion handler.
    public static let completionsHandler = "completions"

    public var thread: String
    /// Start of the iteration, ns since the run began (simulated or monotonic time).
    public var startNs: Int64
    /// The polling budget try_poll_mode chose (0: no polling; Int64.max: busy, written as -1).
    public var budgetNs: Int64
    /// The poll list at the start of the iteration.
    public var pollList: [String]
    /// Handlers whose io_poll found work.
    public var pollSuccesses: [String] = []
    /// Handlers remove_idle_poll_handlers took off the poll list.
    public var removed: [String] = []
    /// Handlers dispatched, in order.
    public var dispatched: [String] = []
    /// Requests each dispatched handler popped or completed, in `dispatched` order. A 0 is an fd event whose work
    /// polling had already done (a racing kick, a backend completion's ring-fd event): telling those from real work
    /// is what lines up the two loops' iterations request by request.
    public var requests: [Int] = []
    /// block_ns: time polled plus time blocked before the dispatch.
    public var blockNs: Int64 = 0
    /// The thread's CPU time since it started, at the iteration's start (the real loop's CLOCK_THREAD_CPUTIME_ID, the
    /// simulator's on-CPU charges): the difference to the next record's is the iteration's CPU, iteration end
    /// included (scripts/iteration-compare.py, docs/validation.md finding 23).
    public var cpuNs: Int64 = 0

    public init(thread: String, startNs: Int64, budgetNs: Int64, pollList: [String]) {
        self.thread = thread
        self.startNs = startNs
        self.budgetNs = budgetNs
        self.pollList = pollList
    }

    public static let csvColumns = ["iteration", "thread", "start_ns", "budget_ns", "poll_list", "poll_successes",
                                    "removed", "dispatched", "block_ns", "requests", "cpu_ns"]

    /// The record's fields in `csvColumns` order, unescaped; handler lists are space-separated.
    public func csvFields(iteration: Int) -> [String] {
        func list(_ names: [String]) -> String { names.joined(separator: " ") }
        let budget = budgetNs == .max ? -1 : budgetNs
        return [String(iteration), thread, String(startNs), String(budget), list(pollList), list(pollSuccesses),
                list(removed), list(dispatched), String(blockNs), list(requests.map(String.init)), String(cpuNs)]
    }
}
