import Foundation
import PollModel

/// The JSON rendering: JSONEncoder with sorted keys and pretty printing, after non-finite Doubles became 0.
enum JSONOutput {
    static func render(_ result: RunResult) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(result.withFiniteNumbers), as: UTF8.self) + "\n"
        } catch {
            // Only a non-finite Double makes JSONEncoder throw, and `withFiniteNumbers` removed them all; a Double
            // field added to RunResult later and not listed there lands here, as a string, rather than crashing.
            encoder.nonConformingFloatEncodingStrategy = .convertToString(
                positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            guard let data = try? encoder.encode(result) else {
                preconditionFailure("RunResult could not be encoded as JSON: \(error)")
            }
            return String(decoding: data, as: UTF8.self) + "\n"
        }
    }
}

/// NaN and ±infinity as 0 and negative zero as 0, so that JSONEncoder accepts the value and the output stays numeric.
func finiteOrZero(_ x: Double) -> Double {
    x.isFinite && x != 0 ? x : 0
}

extension RunResult {
    /// The same result with every Double field passed through `finiteOrZero` (JSON has no NaN or infinity).
    var withFiniteNumbers: RunResult {
        var copy = self
        copy.iops = finiteOrZero(iops)
        copy.bw_bytes_per_s = finiteOrZero(bw_bytes_per_s)
        copy.latency_ns = latency_ns.withFiniteNumbers
        copy.jobs = jobs.map { job in
            var job = job
            job.iops = finiteOrZero(job.iops)
            job.bw_bytes_per_s = finiteOrZero(job.bw_bytes_per_s)
            job.latency_ns = job.latency_ns.withFiniteNumbers
            return job
        }
        copy.iothreads = iothreads.map { thread in
            var thread = thread
            thread.cpu_util = finiteOrZero(thread.cpu_util)
            thread.poll = PollStats(
                mean_poll_ns: finiteOrZero(thread.poll.mean_poll_ns),
                hit_rate: finiteOrZero(thread.poll.hit_rate),
                reset_rate: finiteOrZero(thread.poll.reset_rate),
                near_max_share: finiteOrZero(thread.poll.near_max_share),
                handlers_per_pass: finiteOrZero(thread.poll.handlers_per_pass))
            thread.wakeups_per_io = finiteOrZero(thread.wakeups_per_io)
            thread.syscalls_per_io = finiteOrZero(thread.syscalls_per_io)
            return thread
        }
        copy.sim = SimulatorStats(
            events: sim.events,
            events_per_io: finiteOrZero(sim.events_per_io),
            wall_s: finiteOrZero(sim.wall_s),
            events_per_s: finiteOrZero(sim.events_per_s),
            sim_per_wall: finiteOrZero(sim.sim_per_wall))
        return copy
    }
}

extension LatencySummary {
    var withFiniteNumbers: LatencySummary {
        var copy = self
        copy.mean = finiteOrZero(mean)
        return copy
    }
}
