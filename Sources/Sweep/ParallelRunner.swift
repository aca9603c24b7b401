import Foundation
import PollModel

/// Runs simulations on worker threads. Each task gets its own `PollSimulator` on one thread; simulators share no
/// mutable state, so results do not depend on the number of threads or on which thread ran what. Results are handed
/// to the caller's thread (the one that called `run`) as they finish, in completion order; callers that need a
/// deterministic order sort them (the sweep orders rows canonically).
public enum ParallelRunner {
    public struct Task: Sendable {
        public var id: Int
        public var configuration: ModelConfiguration

        public init(id: Int, configuration: ModelConfiguration) {
            self.id = id
            self.configuration = configuration
        }
    }

    /// Progress as the caller's thread sees it.
    public struct Progress: Sendable {
        /// Tasks finished in this call.
        public var finished: Int
        /// Tasks of this call.
        public var total: Int
        /// Tasks running now.
        public var running: Int
        /// Finished tasks plus the simulated fraction of running ones, over `total`.
        public var fraction: Double
    }

    /// Runs `tasks` on `threads` worker threads. `onResult` is called on this thread for each finished task; if it
    /// throws, no further task starts and the error is rethrown once the running ones have finished. `shouldStop` is
    /// polled before each task starts (Ctrl-C): when it returns true no further task starts, the running ones finish
    /// and are delivered, and `run` returns false. Returns true when every task ran.
    public static func run(_ tasks: [Task], threads: Int, shouldStop: @escaping @Sendable () -> Bool = { false },
                           onResult: (Int, RunResult) throws -> Void,
                           onProgress: ((Progress) -> Void)? = nil) throws -> Bool {
        guard !tasks.isEmpty else { return true }
        let workers = max(1, min(threads, tasks.count))
        let state = SharedState(tasks: tasks, workers: workers, shouldStop: shouldStop)
        for slot in 0..<workers {
            let thread = Thread { state.work(slot: slot) }
            thread.stackSize = 16 << 20
            thread.name = "pollsim-sweep-\(slot)"
            thread.start()
        }
        var firstError: Error?
        var callbackFailed = false
        var delivered = 0
        while true {
            let (batch, alive, partial, stopped) = state.waitForResults(timeout: 0.2)
            for (index, outcome) in batch {
                delivered += 1
                switch outcome {
                case .success(let result):
                    // After a failed task the others' results are still delivered (and journaled); after a failed
                    // delivery, nothing more is.
                    guard !callbackFailed else { continue }
                    do {
                        try onResult(tasks[index].id, result)
                    } catch {
                        callbackFailed = true
                        firstError = firstError ?? error
                        state.stop()
                    }
                case .failure(let error):
                    firstError = firstError ?? TaskFailure(id: tasks[index].id, error: error)
                    state.stop()
                }
            }
            onProgress?(Progress(finished: delivered, total: tasks.count, running: alive == 0 ? 0 : state.running,
                                 fraction: min(1, (Double(delivered) + partial) / Double(tasks.count))))
            if alive == 0 && batch.isEmpty {
                if let firstError { throw firstError }
                return !stopped && delivered == tasks.count
            }
        }
    }

    /// A simulation that could not be built (the model's own checks, after the scenario's).
    public struct TaskFailure: Error, CustomStringConvertible {
        public var id: Int
        public var error: Error
        public var description: String { "\(error)" }
    }

    /// What the workers and the caller's thread share, behind one condition variable.
    private final class SharedState: @unchecked Sendable {
        let tasks: [Task]
        let shouldStop: @Sendable () -> Bool
        let condition = NSCondition()
        var next = 0
        var alive: Int
        var stopped = false
        var completed: [(Int, Result<RunResult, Error>)] = []
        /// The simulated fraction of each worker's current task.
        var fractions: [Double]
        var busy: [Bool]

        init(tasks: [Task], workers: Int, shouldStop: @escaping @Sendable () -> Bool) {
            self.tasks = tasks
            self.shouldStop = shouldStop
            alive = workers
            fractions = Array(repeating: 0, count: workers)
            busy = Array(repeating: false, count: workers)
        }

        var running: Int {
            condition.lock()
            defer { condition.unlock() }
            return busy.filter { $0 }.count
        }

        func stop() {
            condition.lock()
            stopped = true
            condition.unlock()
        }

        func work(slot: Int) {
            while true {
                condition.lock()
                if !stopped && shouldStop() { stopped = true }
                guard !stopped, next < tasks.count else {
                    alive -= 1
                    condition.broadcast()
                    condition.unlock()
                    return
                }
                let index = next
                next += 1
                busy[slot] = true
                fractions[slot] = 0
                condition.unlock()

                let outcome = Result<RunResult, Error> {
                    let simulator = try PollSimulator(tasks[index].configuration)
                    return simulator.run { fraction in
                        self.condition.lock()
                        self.fractions[slot] = fraction
                        self.condition.unlock()
                    }
                }

                condition.lock()
                busy[slot] = false
                fractions[slot] = 0
                completed.append((index, outcome))
                condition.broadcast()
                condition.unlock()
            }
        }

        /// Waits up to `timeout` seconds for finished tasks; returns them, the number of live workers, the summed
        /// fraction of running tasks, and whether the run was stopped.
        func waitForResults(timeout: Double) -> ([(Int, Result<RunResult, Error>)], Int, Double, Bool) {
            condition.lock()
            defer { condition.unlock() }
            if completed.isEmpty && alive > 0 {
                _ = condition.wait(until: Date(timeIntervalSinceNow: timeout))
            }
            let batch = completed
            completed.removeAll()
            return (batch, alive, fractions.reduce(0, +), stopped)
        }
    }
}
