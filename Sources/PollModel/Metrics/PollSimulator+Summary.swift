import PollingPolicy
import SimKernel

extension PollSimulator {
    /// Closes every open state at the window's end and builds the result.
    func summarize(wallSeconds: Double) -> RunResult {
        let seconds = Double(window.length) / 1e9
        for thread in threads.indices { closeOpenState(thread) }
        let total = latency.total
        let ios = total.count
        let jobResults = configuration.jobs.enumerated().map { index, job in
            let series = latency.perJob[index]
            return JobResult(name: job.name, ios: series.count, iops: Double(series.count) / seconds,
                             bw_bytes_per_s: Double(series.bytes) / seconds, latency_ns: series.summary)
        }
        let threadResults = threads.map { thread -> IOThreadResult in
            let c = thread.counters
            let time = thread.accounting.time
            let adjustments = thread.policy.adjustments - (c.adjustmentsAtStart ?? thread.policy.adjustments)
            let resets = thread.policy.resets - (c.adjustmentsAtStart == nil ? thread.policy.resets : c.resetsAtStart)
            let poll = PollStats(
                mean_poll_ns: ratio(c.budgetSum, Double(c.budgetIterations)),
                hit_rate: ratio(Double(c.pollHits), Double(c.pollingIterations)),
                reset_rate: ratio(Double(resets), Double(adjustments)),
                near_max_share: ratio(Double(c.nearMax), Double(c.budgetIterations)),
                handlers_per_pass: ratio(Double(c.handlersPolled), Double(c.passes)))
            return IOThreadResult(id: thread.config.id, policy: thread.config.policy.rawValue,
                                  cpu_util: ratio(Double(time.onCPU), Double(window.length)), time_ns: time, poll: poll,
                                  wakeups_per_io: ratio(Double(c.wakeups), Double(ios)),
                                  syscalls_per_io: ratio(Double(c.syscalls), Double(ios)), iterations: c.iterations)
        }
        let events = kernel.deliveredEvents
        let simulatedSeconds = Double(window.end) / 1e9
        let stats = SimulatorStats(events: events, events_per_io: ratio(Double(events), Double(ios)),
                                   wall_s: wallSeconds, events_per_s: ratio(Double(events), wallSeconds),
                                   sim_per_wall: ratio(simulatedSeconds, wallSeconds))
        return RunResult(scenario: configuration.name, seed: configuration.seed, iops: Double(ios) / seconds,
                         bw_bytes_per_s: Double(total.bytes) / seconds, latency_ns: total.summary, jobs: jobResults,
                         iothreads: threadResults, sim: stats)
    }

    /// The state the thread is in at the window's end runs until the window's end.
    private func closeOpenState(_ thread: Int) {
        let end = window.end
        let state: ThreadAccounting.State
        let since: SimTime
        switch threads[thread].phase {
        case .polling(let start, _, _, _): state = .poll; since = start
        case .blocked(let from), .waking(let from, _), .synchronousIO(_, let from), .sleeping(let from, _):
            state = .blocked; since = from
        case .running: return  // CPU work was charged ahead, up to its planned end
        }
        threads[thread].accounting.charge(state, from: since, to: end, window: window)
        threads[thread].phase = .running(step: .iterate)
    }
}

/// a / b, or 0 when b is 0 (an empty window must not print NaN).
func ratio(_ a: Double, _ b: Double) -> Double { b == 0 ? 0 : a / b }
