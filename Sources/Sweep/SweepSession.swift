import PollModel

/// Runs a plan's rows, resuming from and appending to a journal when one is given.
public enum SweepSession {
    public struct Outcome: Sendable {
        /// Every finished row: those read from the journal and those run now.
        public var results: [RowID: RunResult]
        /// Rows run by this call.
        public var executed: Int
        /// Rows taken from the journal.
        public var resumed: Int
        /// True when every row of the plan is in `results`.
        public var complete: Bool
    }

    /// Progress of a session: rows done (resumed ones included) and the fraction of this call's work done.
    public struct Progress: Sendable {
        public var done: Int
        public var total: Int
        public var running: Int
        /// Over the rows this call runs (resumed rows excluded), so that an ETA derived from it is right.
        public var fraction: Double
    }

    /// Runs the plan's missing rows on `threads` threads. With `journalPath`, the rows already in the journal are
    /// not run again and every row is appended to it as it finishes; the caller removes the journal once the final
    /// output is safely written.
    public static func run(_ plan: SweepPlan, threads: Int, journalPath: String? = nil,
                           shouldStop: @escaping @Sendable () -> Bool = { false },
                           onStart: ((_ resumed: Int, _ pending: Int) -> Void)? = nil,
                           onProgress: ((Progress) -> Void)? = nil) throws -> (Outcome, Journal?) {
        var results: [RowID: RunResult] = [:]
        var journal: Journal?
        if let journalPath {
            let opened = try Journal.open(path: journalPath, plan: plan)
            journal = opened.journal
            results = opened.finished
        }
        let resumed = results.count
        let pending = plan.rows.filter { results[$0] == nil }
        onStart?(resumed, pending.count)
        let tasks = pending.enumerated().map { index, row in
            ParallelRunner.Task(id: index, configuration: plan.configuration(for: row))
        }
        let total = plan.rows.count
        let complete: Bool
        do {
            complete = try ParallelRunner.run(tasks, threads: threads, shouldStop: shouldStop, onResult: { id, result in
                let row = pending[id]
                try journal?.append(row, result)
                var result = result
                result.sim = result.sim.withoutWallClock
                results[row] = result
            }, onProgress: { progress in
                onProgress?(Progress(done: resumed + progress.finished, total: total, running: progress.running,
                                     fraction: progress.fraction))
            })
        } catch let failure as ParallelRunner.TaskFailure {
            let row = pending[failure.id]
            throw SweepError("sweep point \(row.point) (\(plan.grid.describe(row.point))), replication \(row.replication): \(failure.error)")
        }
        let outcome = Outcome(results: results, executed: results.count - resumed, resumed: resumed,
                              complete: complete && results.count == total)
        return (outcome, journal)
    }
}
