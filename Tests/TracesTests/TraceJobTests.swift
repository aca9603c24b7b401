import Foundation
import XCTest
import PollModel
import Scenario
import SimKernel
@testable import Traces

/// Trace-driven jobs in the model (`JobConfig.trace`) and in scenario files (`trace:`).
final class TraceJobTests: XCTestCase {
    /// One device, one IOThread, disks vda (1 queue) and vdb (2 queues), one trace job.
    func configuration(_ trace: TraceJobConfig, disk: String = "vda", iodepth: Int = 1, numjobs: Int = 1,
                       runtime: SimTime = 50_000_000, rampTime: SimTime = 0) -> ModelConfiguration {
        ModelConfiguration(
            name: "trace", seed: 1, runtime: runtime, rampTime: rampTime,
            devices: [DeviceConfig(id: "nvme0", readLatency: try! .constant(10_000), parallelism: 16)],
            iothreads: [IOThreadConfig(id: "iothread0", policy: .pollWeight, poll: .pollWeightMerged)],
            disks: [DiskConfig(id: "vda", device: "nvme0", iothread: "iothread0"),
                    DiskConfig(id: "vdb", device: "nvme0", iothread: "iothread0", numQueues: 2)],
            jobs: [JobConfig(name: "replay", disk: disk, iodepth: iodepth, numjobs: numjobs, trace: trace)])
    }

    /// A trace with irregular gaps, mixed ops and sizes.
    func writeTrace(_ scratch: Scratch, count: Int, name: String = "t.csv",
                    disk: (Int) -> String = { _ in "d" }) throws -> [TraceRecord] {
        let writer = try TraceWriter(path: scratch.path(name))
        var records: [TraceRecord] = []
        var time: Int64 = 3_000
        for i in 0..<count {
            time += Int64(5_000 + (i * 7919) % 40_000)  // 5-45 us apart
            let record = TraceRecord(time: time, disk: disk(i), queue: i % 2, op: i % 3 == 0 ? .write : .read,
                                     offset: Int64(i) * 4096, length: [4096, 8192, 512, 65536][i % 4])
            records.append(record)
            try writer.write(record)
        }
        try writer.finish()
        return records
    }

    struct Issue: Equatable {
        var time: Int64
        var isWrite: Bool
        var bytes: Int
        var queue: String
    }

    func observe(_ simulator: PollSimulator) -> () -> (issues: [Issue], maxInFlight: Int) {
        final class Box { var issues: [Issue] = []; var inFlight = 0; var maxInFlight = 0 }
        let box = Box()
        simulator.requestObserver = { _, issuedAt, queue, isWrite, bytes, latency, _ in
            if latency == nil {
                box.issues.append(Issue(time: issuedAt, isWrite: isWrite, bytes: bytes, queue: queue))
                box.inFlight += 1
                box.maxInFlight = max(box.maxInFlight, box.inFlight)
            } else {
                box.inFlight -= 1
            }
        }
        return { (box.issues, box.maxInFlight) }
    }

    func testOpenLoopIssuesExactlyTheTracesRequestsAtTheScaledTimes() throws {
        let scratch = Scratch()
        let records = try writeTrace(scratch, count: 1_000)
        for scale in [1.0, 0.5, 2.0] {
            let simulator = try PollSimulator(configuration(TraceJobConfig(path: scratch.path("t.csv"), mode: .open,
                                                                           timeScale: scale),
                                                            runtime: 100_000_000))
            let observed = observe(simulator)
            _ = simulator.run()
            XCTAssertNil(simulator.traceError)
            let expected = records.map {
                Issue(time: Int64((Double($0.time) * scale).rounded()), isWrite: $0.isWrite, bytes: $0.length,
                      queue: "vda.vq0")
            }
            XCTAssertEqual(observed().issues, expected, "time-scale \(scale)")
        }
    }

    func testOpenLoopIOPSMatchTheTracesIOPS() throws {
        // 20 000 requests 10 us apart (100k IOPS) for 200 ms; the run measures 150 ms after 20 ms of warm-up.
        let scratch = Scratch()
        let writer = try TraceWriter(path: scratch.path("even.csv"))
        for i in 0..<20_000 {
            try writer.write(TraceRecord(time: Int64(i) * 10_000, disk: "d", op: .read, offset: 0, length: 4096))
        }
        try writer.finish()
        let stats = try TraceStats.compute(path: scratch.path("even.csv"))
        XCTAssertEqual(stats.iops, 100_000, accuracy: 1)
        let result = try PollSimulator(configuration(TraceJobConfig(path: scratch.path("even.csv")),
                                                     runtime: 150_000_000, rampTime: 20_000_000)).run()
        XCTAssertEqual(result.iops, stats.iops, accuracy: stats.iops * 0.001)
        // Twice as fast with time-scale 0.5.
        let faster = try PollSimulator(configuration(TraceJobConfig(path: scratch.path("even.csv"), timeScale: 0.5),
                                                     runtime: 80_000_000, rampTime: 10_000_000)).run()
        XCTAssertEqual(faster.iops, 2 * stats.iops, accuracy: stats.iops * 0.002)
    }

    func testClosedLoopKeepsIodepthInFlightInTraceOrder() throws {
        let scratch = Scratch()
        let records = try writeTrace(scratch, count: 500)
        let simulator = try PollSimulator(configuration(TraceJobConfig(path: scratch.path("t.csv"), mode: .closed),
                                                        iodepth: 4))
        let observed = observe(simulator)
        let result = simulator.run()
        let (issues, maxInFlight) = observed()
        XCTAssertEqual(maxInFlight, 4)
        XCTAssertEqual(issues.map(\.isWrite), records.map(\.isWrite))
        XCTAssertEqual(issues.map(\.bytes), records.map(\.length))
        XCTAssertEqual(result.jobs[0].ios, 500, "the whole trace, much faster than recorded")
        XCTAssertLessThan(issues.last?.time ?? .max, records.last?.time ?? 0)
    }

    func testDiskMapSendsEachTraceDiskToItsDiskAndDropsTheRest() throws {
        let scratch = Scratch()
        let records = try writeTrace(scratch, count: 300, disk: { ["a", "b", "c"][$0 % 3] })
        let simulator = try PollSimulator(configuration(TraceJobConfig(path: scratch.path("t.csv"),
                                                                       diskMap: ["a": "vda", "b": "vdb"])))
        let observed = observe(simulator)
        _ = simulator.run()
        let expected = records.filter { $0.disk != "c" }.map { record -> String in
            record.disk == "a" ? "vda.vq0" : "vdb.vq\(record.queue % 2)"  // the trace's queue on vdb's 2 queues
        }
        XCTAssertEqual(observed().issues.map(\.queue), expected)
    }

    func testAMalformedRecordStopsTheJobAndIsReported() throws {
        let scratch = Scratch()
        let path = scratch.file("bad.csv", header + "0,d,0,R,0,4096,\n1000,d,0,R,0,4096,\n2000,d,0,X,0,4096,\n3000,d,0,R,0,4096,\n")
        let simulator = try PollSimulator(configuration(TraceJobConfig(path: path)))
        let observed = observe(simulator)
        _ = simulator.run()
        XCTAssertEqual(simulator.traceError?.description, "\(path):5: error: op: expected R or W, got 'X'")
        XCTAssertEqual(observed().issues.count, 2)

        let missing = try PollSimulator(configuration(TraceJobConfig(path: scratch.path("none.csv"))))
        _ = missing.run()
        XCTAssertEqual(missing.traceError?.message, "cannot open: No such file or directory")
    }

    func testAnExportedRunReadsBackSortedWithTheRunsLatencies() throws {
        // Closed loop, 2 clones at iodepth 8 on a 2-queue disk: completions come back out of order.
        let scratch = Scratch()
        _ = try writeTrace(scratch, count: 3_000)
        let simulator = try PollSimulator(configuration(TraceJobConfig(path: scratch.path("t.csv"), mode: .closed),
                                                        disk: "vdb", iodepth: 8, numjobs: 2, runtime: 5_000_000,
                                                        rampTime: 1_000_000))
        let recorder = SimulationTraceRecorder(writer: try TraceWriter(path: scratch.path("out.csv")))
        var failure: Error?
        simulator.requestObserver = { slot, issuedAt, queue, isWrite, bytes, latency, measured in
            guard let latency else { return recorder.issued(slot: slot, at: issuedAt) }
            do {
                try recorder.completed(slot: slot, issuedAt: issuedAt, queueName: queue, isWrite: isWrite,
                                       bytes: bytes, latency: latency, measured: measured)
            } catch { failure = error }
        }
        let result = simulator.run()
        try recorder.finish()
        XCTAssertNil(failure)
        let exported = try readAll(scratch.path("out.csv"))  // the reader checks the order
        XCTAssertEqual(exported.count, result.jobs[0].ios)
        XCTAssertEqual(Set(exported.map(\.disk)), ["vdb"])
        XCTAssertEqual(Set(exported.map(\.queue)), [0, 1])
        let mean = Double(exported.compactMap(\.latency).reduce(0, +)) / Double(exported.count)
        XCTAssertEqual(mean, result.latency_ns.mean, accuracy: 0.5)
        XCTAssertEqual(exported.first?.time, 0)
    }
}

/// `trace:` in scenario files: parsing, paths relative to the scenario, and errors at file:line:column.
final class TraceScenarioTests: XCTestCase {
    let base = """
        runtime: 10ms
        devices:
          - id: nvme0
            read-latency: 10us
        iothreads:
          - id: iothread0
        disks:
          - id: vda
            device: nvme0
            iothread: iothread0
          - id: vdb
            device: nvme0
            iothread: iothread0
            count: 4
        jobs:
          - name: replay
            disk: vda

        """

    func load(_ jobLines: String, scratch: Scratch, overrides: [String] = []) throws -> ModelConfiguration {
        let path = scratch.file("scenario.yaml", base + jobLines)
        return try ScenarioLoader.load(path: path, overrides: overrides)
    }

    func error(_ jobLines: String, scratch: Scratch, overrides: [String] = []) -> String? {
        do {
            _ = try load(jobLines, scratch: scratch, overrides: overrides)
            XCTFail("expected an error")
            return nil
        } catch let error as ScenarioError {
            let position = error.line.map { "\($0):\(error.column ?? 0): " } ?? ""
            return position + error.message
        } catch {
            XCTFail("\(error)")
            return nil
        }
    }

    func scratchWithTrace() -> Scratch {
        let scratch = Scratch()
        try? FileManager.default.createDirectory(atPath: scratch.path("traces"), withIntermediateDirectories: true)
        scratch.file("traces/t.csv", header + "0,8:0,0,R,0,4096,\n")
        return scratch
    }

    func testATraceJobParsesWithItsPathRelativeToTheScenario() throws {
        let scratch = scratchWithTrace()
        let config = try load("""
                iodepth: 4
                thinktime: 5us
                trace:
                  file: traces/t.csv
                  mode: closed
                  disk-map: { "8:0": vdb2, "8:16": vda }

            """, scratch: scratch)
        XCTAssertEqual(config.jobs[0].trace, TraceJobConfig(path: scratch.path("traces/t.csv"), mode: .closed,
                                                            diskMap: ["8:0": "vdb2", "8:16": "vda"]))
        XCTAssertEqual(config.jobs[0].iodepth, 4)
        let open = try load("    trace: {file: traces/t.csv, time-scale: 0.25}\n", scratch: scratch)
        XCTAssertEqual(open.jobs[0].trace, TraceJobConfig(path: scratch.path("traces/t.csv"), timeScale: 0.25))
        let overridden = try load("    trace: {file: traces/t.csv}\n", scratch: scratch,
                                  overrides: ["jobs.replay.trace.mode=closed", "jobs.0.trace.disk-map.8:0=vdb"])
        XCTAssertEqual(overridden.jobs[0].trace?.mode, .closed)
        XCTAssertEqual(overridden.jobs[0].trace?.diskMap, ["8:0": "vdb"])
    }

    func testErrorsAreReportedAtTheirLineAndColumn() {
        let scratch = scratchWithTrace()
        XCTAssertEqual(error("    trace: {file: traces/none.csv}\n", scratch: scratch),
                       "18:19: trace 'traces/none.csv' (\(scratch.path("traces/none.csv"))) cannot be replayed: cannot open: No such file or directory")
        scratch.file("traces/fio.log", "fio version 3 iolog\n")
        XCTAssertEqual(error("    trace: {file: traces/fio.log}\n", scratch: scratch),
                       "18:19: trace 'traces/fio.log' (\(scratch.path("traces/fio.log"))) cannot be replayed: line 1: not a pollsim trace: the first line must be '# pollsim-trace v1', got 'fio version 3 iolog' (import other formats with 'pollsim trace import')")
        XCTAssertEqual(error("    rw: randwrite\n    trace: {file: traces/t.csv}\n", scratch: scratch),
                       "18:9: rw does not apply to a job with a trace: the trace gives each request's operation")
        XCTAssertEqual(error("    bs: 8k\n    trace: {file: traces/t.csv}\n", scratch: scratch),
                       "18:9: bs does not apply to a job with a trace: the trace gives each request's length")
        XCTAssertEqual(error("    rate_iops: 10k\n    trace: {file: traces/t.csv}\n", scratch: scratch),
                       "18:16: rate_iops does not apply to a job with a trace: requests arrive at the trace's times (mode: open) or as completions allow (mode: closed)")
        XCTAssertEqual(error("    iodepth: 8\n    trace: {file: traces/t.csv}\n", scratch: scratch),
                       "18:14: iodepth applies only to closed-loop trace jobs (trace mode: closed); in mode open every request is issued at its recorded time")
        XCTAssertEqual(error("    trace: {file: traces/t.csv, mode: closed, time-scale: 2}\n", scratch: scratch),
                       "18:59: time-scale applies only to trace mode: open (mode closed does not use the recorded times)")
        XCTAssertEqual(error("    trace: {file: traces/t.csv, time-scale: 0}\n", scratch: scratch),
                       "18:45: time-scale must be a number > 0, got '0'")
        XCTAssertEqual(error("    trace: {file: traces/t.csv, mode: replay}\n", scratch: scratch),
                       "18:39: unknown mode 'replay' (expected open, closed)")
        XCTAssertEqual(error("    trace: {file: traces/t.csv, time_scale: 2}\n", scratch: scratch),
                       "18:33: unknown key 'time_scale' in jobs[0].trace; did you mean 'time-scale'?")
        XCTAssertEqual(error("    trace: {file: traces/t.csv, disk-mpa: {a: vda}}\n", scratch: scratch),
                       "18:33: unknown key 'disk-mpa' in jobs[0].trace; did you mean 'disk-map'?")
        XCTAssertEqual(error("    trace: {mode: open}\n", scratch: scratch),
                       "18:12: missing required key 'file' in jobs[0].trace")
        XCTAssertEqual(error("    mode: open\n", scratch: scratch),
                       "18:5: unknown key 'mode' in jobs[0] ('mode' is a key of jobs[].trace)")
        XCTAssertEqual(error("    trace:\n      file: traces/t.csv\n      disk-map:\n        \"8:0\": vdx\n", scratch: scratch),
                       "21:16: jobs[0].trace.disk-map names disk 'vdx', which does not exist (defined: vda, vdb); did you mean 'vda'?")
        XCTAssertEqual(error("    trace:\n      file: traces/t.csv\n      disk-map: {a: vdb9}\n", scratch: scratch),
                       "20:21: jobs[0].trace.disk-map names disk 'vdb9', but disk 'vdb' has count 4 (copies vdb0 ... vdb3)")
        XCTAssertEqual(error("    trace: {file: traces/t.csv, disk-map: {}}\n", scratch: scratch),
                       "18:43: 'disk-map' needs at least one entry; leave it out to send every request to the job's disk")
        XCTAssertEqual(error("    trace: {file: traces/t.csv, disk-map: vda}\n", scratch: scratch),
                       "18:43: expected a map of trace disk -> disk id for 'disk-map' (e.g. {0: vda}), got 'vda'")
        XCTAssertEqual(error("    trace: {file: traces/t.csv}\n", scratch: scratch, overrides: ["jobs.0.trace.time-scale=-1"]),
                       "time-scale must be a number > 0, got '-1'")
    }

    func testTheExampleScenarioReplaysItsTrace() throws {
        let path = packageRoot.appendingPathComponent("scenarios/trace-replay.yaml").path
        let config = try ScenarioLoader.load(path: path)
        let simulator = try PollSimulator(config)
        let result = simulator.run()
        XCTAssertNil(simulator.traceError)
        // The fio trace runs at about 10k IOPS; open loop, the model completes what the trace issues.
        let stats = try TraceStats.compute(path: try XCTUnwrap(config.jobs[0].trace?.path))
        XCTAssertEqual(result.iops, stats.iops, accuracy: stats.iops * 0.1)
    }
}
