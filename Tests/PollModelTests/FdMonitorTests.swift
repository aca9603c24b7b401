import PollingPolicy
import SimKernel
import XCTest
@testable import PollModel

/// How fd events reach an IOThread through each fd monitor (docs/model.md, "One aio_poll iteration" step 4).
final class FdMonitorTests: XCTestCase {
    private func iterationsPerIO(fdmon: FdMonitorKind, aio: AioBackend, policy: PolicyKind = .none) throws -> Double {
        let result = try Fixture.run(Fixture.single(policy: policy, fdmon: fdmon, aio: aio, runtime: 50_000_000,
                                                    rampTime: 5_000_000))
        return Double(result.iothreads[0].iterations) / Double(result.jobs[0].ios)
    }

    func testIoUringSubmissionWakesTheRingFdPollAddOnlyUnderIoUring() throws {
        // Policy none at queue depth 1: one iteration for the kick, one for the completion. Under fdmon io_uring, a
        // submission on the io_uring backend's ring completes the armed POLL_ADD on that ring's fd although no
        // completion is there: need_wait() is true, and one more iteration dispatches an empty reap.
        XCTAssertEqual(try iterationsPerIO(fdmon: .ioUring, aio: .native), 2, accuracy: 0.01)
        XCTAssertEqual(try iterationsPerIO(fdmon: .ioUring, aio: .ioUring), 3, accuracy: 0.01)
        // epoll re-checks the file and reports nothing.
        XCTAssertEqual(try iterationsPerIO(fdmon: .epoll, aio: .ioUring), 2, accuracy: 0.01)
    }

    func testIterationRecordsCountTheRequestsEachDispatchHandled() throws {
        // The same run as above (fdmon io_uring, io_uring backend): per I/O, a kick's pop of one request, the
        // submission's empty reap, and the completion's reap of one. The records say which dispatch was which.
        let records = try Fixture.iterationRecords(Fixture.single(policy: .none, fdmon: .ioUring, aio: .ioUring,
                                                                  runtime: 50_000_000, rampTime: 5_000_000))
        var handled: [String: [Int]] = [:]
        for record in records {
            XCTAssertEqual(record.requests.count, record.dispatched.count)
            for (handler, requests) in zip(record.dispatched, record.requests) { handled[handler, default: []].append(requests) }
        }
        let reaps = try XCTUnwrap(handled[IterationRecord.completionsHandler])
        let pops = try XCTUnwrap(handled.first { $0.key != IterationRecord.completionsHandler }?.value)
        XCTAssertGreaterThan(pops.count, 100)
        XCTAssertEqual(Set(pops), [1])
        XCTAssertEqual(reaps.filter { $0 == 0 }.count, pops.count, accuracy: 1)
        XCTAssertEqual(reaps.reduce(0, +), pops.count, accuracy: 1)
        let requestsColumn = try XCTUnwrap(IterationRecord.csvColumns.firstIndex(of: "requests"))
        XCTAssertEqual(records.last?.csvFields(iteration: 0)[requestsColumn],
                       records.last?.requests.map(String.init).joined(separator: " "))
    }

    func testAPolledThreadIsNotInterruptedByADisarmedFd() throws {
        // Busy polling never waits, so each POLL_ADD fires at most once and is never re-armed: after the first
        // completions' CQE, polling runs undisturbed, as fast as with epoll (no need_wait()).
        let uring = try Fixture.run(Fixture.single(policy: .busy, fdmon: .ioUring, aio: .ioUring, runtime: 50_000_000,
                                                   rampTime: 5_000_000))
        let epoll = try Fixture.run(Fixture.single(policy: .busy, fdmon: .epoll, aio: .ioUring, runtime: 50_000_000,
                                                   rampTime: 5_000_000))
        XCTAssertEqual(uring.iops, epoll.iops, accuracy: epoll.iops * 0.001)
        XCTAssertEqual(uring.iothreads[0].syscalls_per_io, epoll.iothreads[0].syscalls_per_io, accuracy: 0.01)
    }

    func testCompletionFdLatencyDelaysOnlyAThreadThatWaitsForTheFd() throws {
        var profile = HostProfile.bareMetal
        profile.completionFdLatency = .ns(9_000)
        func run(_ policy: PolicyKind, _ profile: HostProfile) throws -> RunResult {
            try Fixture.run(Fixture.single(policy: policy, profile: profile, aio: .ioUring, runtime: 50_000_000,
                                           rampTime: 5_000_000))
        }
        // Policy none blocks before every completion: each one reaches it 9 µs later.
        let none = try run(.none, profile), nonePlain = try run(.none, .bareMetal)
        XCTAssertEqual(none.latency_ns.mean - nonePlain.latency_ns.mean, 9_000, accuracy: 500)
        // A busy-polling thread reads the completion ring itself: the fd's delay does not matter.
        let busy = try run(.busy, profile), busyPlain = try run(.busy, .bareMetal)
        XCTAssertEqual(busy.latency_ns.mean, busyPlain.latency_ns.mean, accuracy: busyPlain.latency_ns.mean * 0.01)
    }

    func testACompletionReapedByPollingLeavesNoReadableRingFdBehind() throws {
        // docs/validation.md, finding 10. At queue depth 1, a wait that polled its whole budget, dispatched only the
        // completions handler, and was followed by an iteration whose poll found a completion, reaped nothing: the
        // next completion was not there yet. The model used to make the ring fd readable completion-fd-latency
        // after each completion, even when polling had reaped it meanwhile; the next wait's POLL_ADD re-arm then
        // found it readable and returned at once, in about one iteration in ten with these costs (2.6 % now, late reports of armed POLL_ADDs). Now the fd is
        // readable only while completions are in the ring; what is delayed is the report of an armed POLL_ADD.
        var profile = HostProfile.bareMetal
        profile.completionFdLatency = .ns(9_400)
        profile.fdEventLatency = .ns(13_600)
        profile.wakeupCrossCPU = .ns(15_800)
        profile.iterationEnd = .ns(500)
        profile.handlerDispatch = .ns(0)
        for key in [\HostProfile.guestSubmit, \.guestComplete, \.interruptInjection, \.guestNotify] {
            profile[keyPath: key] = .ns(50)
        }
        let configuration = Fixture.single(policy: .pollWeight, latency: try Distribution.lognormal(median: 20_000, p99: 60_000),
                                           profile: profile, aio: .ioUring, runtime: 50_000_000, rampTime: 5_000_000)
        let records = try Fixture.iterationRecords(configuration)
        let emptyReaps = zip(records, records.dropFirst()).filter { wait, next in
            wait.budgetNs > 0 && wait.pollSuccesses.isEmpty && wait.blockNs > wait.budgetNs
                && wait.dispatched == [IterationRecord.completionsHandler]
                && next.pollSuccesses == [IterationRecord.completionsHandler]
        }.count
        XCTAssertGreaterThan(records.count, 1_000)
        XCTAssertLessThan(Double(emptyReaps), 0.04 * Double(records.count))
    }

    func testAKicksEventfdReadWaitsForItsSignallersWriteAndTheInterruptStallsWhateverRunsThen() throws {
        // Findings 11, 19 and 22. Policy none, queue depth 1, every cost 0 but the IOThread's system calls
        // (io_uring_enter 2 µs, an eventfd read 1 µs: the kick's, and linux-aio's completion eventfd), a 100 µs
        // device, and the kick's interrupt: it lands 30 µs after the kick and stalls the thread for 5 µs from 6 µs
        // after it. A round, from the completion's wake-up at 0: its eventfd read ends at 1 and the guest kicks
        // then, while the IOThread is in its next wait call (1..3); the wait returns with the kick as that call does.
        func run(signal: Double, stall: Double) throws -> RunResult {
            var profile = HostProfile.ideal
            profile.ioUringEnter = .ns(2_000)
            profile.eventfdRead = .ns(1_000)
            profile.fdEventLatency = .ns(30_000)
            profile.fdEventSignal = .ns(signal)
            profile.fdEventStall = .ns(stall)
            profile.fdEventStallOnset = .ns(6_000)
            return try timeline(profile, device: 100_000)
        }
        // The guest's write holds the eventfd for 10 µs (until 11): the kick's read, entered at 3, waits for it,
        // and the stall that starts meanwhile (7..12) follows it, so the read ends at 16. The device completes at
        // 116, whose read ends at 117: a 116 µs round. On CPU: the completion's read (1), the wait call that ran the
        // kick (2), the kick's read (13), the wait call that blocks (2).
        let held = try run(signal: 10_000, stall: 5_000)
        assertRound(held, lasting: 116_000, onCPU: 18_000)
        // With no write in progress the read ends at 4 and the next wait blocks from 6: the stall (7..12) finds the
        // thread off CPU and costs nothing. A 104 µs round (wait 2, read 1, device 100, completion read 1), 6 µs of
        // it on CPU. (Before finding 22 the model held the read until the interrupt landed, at 31, whatever the
        // signaller did: a 132 µs round.)
        let blocked = try run(signal: 0, stall: 5_000)
        assertRound(blocked, lasting: 104_000, onCPU: 6_000)
        // The write alone: the read ends with it, at 11 (a 111 µs round, 13 µs on CPU).
        let written = try run(signal: 10_000, stall: 0)
        assertRound(written, lasting: 111_000, onCPU: 13_000)
    }

    func testEachReportedFdEventCostsItsReapBeforeTheDispatch() throws {
        // Finding 23. Policy none, queue depth 1, every cost 0 but fd-event-reap (3 µs), a 100 µs device: each round
        // the wait reports two fd events, the kick's eventfd and linux-aio's completion eventfd, and the dispatch of
        // each waits for its reap, on the IOThread's CPU. The completion's reap ends at 3 and the guest submits and
        // kicks then; the kick's reap ends at 6, when the request reaches the device, which completes it at 106.
        var profile = HostProfile.ideal
        profile.fdEventReap = .ns(3_000)
        let result = try timeline(profile, device: 100_000)
        assertRound(result, lasting: 106_000, onCPU: 6_000)
        let time = result.iothreads[0].time_ns
        XCTAssertEqual(Double(time.dispatch) / Double(time.onCPU), 1, accuracy: 0.001)
        // The iteration records' CPU clock: each iteration (the completion's, the kick's) reaps one event, 3 µs.
        let records = try Fixture.iterationRecords(Fixture.single(policy: .none, latency: try .constant(100_000),
                                                                  profile: profile, fdmon: .ioUring, aio: .native,
                                                                  runtime: 20_000_000, rampTime: 1_000_000))
        XCTAssertGreaterThan(records.count, 100)
        XCTAssertEqual(Set(zip(records, records.dropFirst()).map { $1.cpuNs - $0.cpuNs }), [3_000])
    }

    func testAnInterruptThatLandsWhileTheThreadPollsHoldsItsPoll() throws {
        // Finding 22. Busy polling at queue depth 1, every cost 0 (a poll pass 1 ns), a 100 µs device, and an
        // interrupt that stalls the IOThread for 20 µs from 90 µs after each fd event that finds it running. The
        // guest's first request kicks at 0 (notifications are on until the first poll) and the thread runs: its
        // stall (90..110) holds the poll that would find the first completion at 100 until 110. That completion
        // fires the io_uring backend ring's armed POLL_ADD while the thread polls, and its stall (190..210) ends as
        // the second completion arrives. Busy polling never waits, so no POLL_ADD is re-armed, no later event
        // interrupts it, and each later completion is found 100 µs after the one before.
        func completionsFound(stall: Double) throws -> [Int64] {
            var profile = HostProfile.ideal
            profile.fdEventLatency = .ns(500_000)
            profile.fdEventStall = .ns(stall)
            profile.fdEventStallOnset = .ns(90_000)
            let configuration = Fixture.single(policy: .busy, latency: try .constant(100_000), profile: profile,
                                               aio: .ioUring, runtime: 1_000_000, rampTime: 0)
            return try Fixture.iterationRecords(configuration)
                .filter { $0.dispatched == [IterationRecord.completionsHandler] }
                .prefix(4).map { $0.startNs + $0.blockNs }
        }
        for (found, expected) in zip(try completionsFound(stall: 20_000), [110_000, 210_000, 310_000, 410_000] as [Int64]) {
            XCTAssertEqual(Double(found), Double(expected), accuracy: 10)
        }
        for (found, expected) in zip(try completionsFound(stall: 0), [100_000, 200_000, 300_000, 400_000] as [Int64]) {
            XCTAssertEqual(Double(found), Double(expected), accuracy: 10)
        }
    }

    func testAThreadBlockedLongerThanHaltAfterWakesFromAHaltedCPU() throws {
        // Finding 15. Policy none, queue depth 1, every cost 0 but the wake-ups: each round has two blocking waits,
        // one for the guest's kick (which comes as the wait begins: blocked 0 µs) and one for the device's completion
        // (blocked for the whole device time). Below halt-after (10 µs) a wake-up takes wakeup-cross-cpu (5 µs, 1 µs
        // of it on CPU); beyond it, wakeup-halted (30 µs, 4 µs on CPU).
        func run(device: SimTime, haltAfter: SimTime) throws -> RunResult {
            var profile = HostProfile.ideal
            profile.wakeupCrossCPU = .ns(5_000)
            profile.wakeupCPU = .ns(1_000)
            profile.haltAfter = .ns(Double(haltAfter))
            profile.wakeupHalted = .ns(30_000)
            profile.wakeupHaltedCPU = .ns(4_000)
            return try timeline(profile, device: Double(device))
        }
        // An 8 µs device: kick 5 + device 8 + completion 5 µs, 2 µs of it on CPU.
        let short = try run(device: 8_000, haltAfter: 10_000)
        assertRound(short, lasting: 18_000, onCPU: 2_000)
        // A 20 µs device: the completion wakes a halted CPU, 5 + 20 + 30 µs, 1 + 4 on CPU.
        let long = try run(device: 20_000, haltAfter: 10_000)
        assertRound(long, lasting: 55_000, onCPU: 5_000)
        // halt-after 0: the CPU never halts, one wake-up latency whatever the idle time.
        let never = try run(device: 20_000, haltAfter: 0)
        assertRound(never, lasting: 30_000, onCPU: 2_000)
    }

    func testWhatAVCPUWritesReachesAPollingThreadAHandoffLater() throws {
        // Finding 16. Policy busy, queue depth 1, every cost 0 but cross-cpu-handoff (1 µs), a 10 µs device whose
        // completions the vCPU posts: the polling IOThread sees the guest's push 1 µs late, and the completion 1 µs
        // late; nothing else changes (11 µs plus 1 µs). With the device's completions posted elsewhere (`other`),
        // only the push crosses. A blocked thread (policy none) pays its wake-up instead, not the handoff.
        func latency(policy: PolicyKind, completionCPU: CompletionCPU, handoff: Double) throws -> Double {
            var profile = HostProfile.ideal
            profile.crossCPUHandoff = .ns(handoff)
            var configuration = Fixture.single(policy: policy, latency: try .constant(10_000), profile: profile,
                                               fdmon: .ioUring, runtime: 20_000_000, rampTime: 1_000_000)
            configuration.devices[0].completionCPU = completionCPU
            configuration.guest.vcpus = 1
            return try Fixture.run(configuration).latency_ns.mean
        }
        XCTAssertEqual(try latency(policy: .busy, completionCPU: .vcpu, handoff: 0), 10_000, accuracy: 50)
        XCTAssertEqual(try latency(policy: .busy, completionCPU: .vcpu, handoff: 1_000), 12_000, accuracy: 50)
        XCTAssertEqual(try latency(policy: .busy, completionCPU: .other, handoff: 1_000), 11_000, accuracy: 50)
        XCTAssertEqual(try latency(policy: .none, completionCPU: .vcpu, handoff: 1_000),
                       try latency(policy: .none, completionCPU: .vcpu, handoff: 0))
    }

    func testSignallingAnArmedPollAddCostsTheSignallingVCPU() throws {
        // Finding 12: an fd write while an io_uring POLL_ADD is armed on the fd costs the writer fd-event-signal.
        // Every other cost is zero and the device takes a constant time; policy none blocks before every kick and
        // completion, so both find their POLL_ADD armed. Latency, per case:
        func latency(device: SimTime, completionCPU: CompletionCPU, fdmon: FdMonitorKind = .ioUring) throws -> Double {
            var profile = HostProfile.ideal
            profile.fdEventSignal = .ns(50_000)
            var configuration = Fixture.single(policy: .none, latency: try .constant(Double(device)), profile: profile,
                                               fdmon: fdmon, runtime: 20_000_000, rampTime: 1_000_000)
            configuration.devices[0].completionCPU = completionCPU
            configuration.guest.vcpus = 1
            return try Fixture.run(configuration).latency_ns.mean
        }
        // The kick keeps the vCPU 50 µs; a completion after that is seen at once, one before it when the vCPU is free.
        XCTAssertEqual(try latency(device: 100_000, completionCPU: .other), 100_000, accuracy: 1)
        XCTAssertEqual(try latency(device: 10_000, completionCPU: .other), 50_000, accuracy: 1)
        // The vCPU runs the device: it notices the request only when its kick is done (at 50 µs), and posting the
        // completion costs it 50 µs more before it sees the completion.
        XCTAssertEqual(try latency(device: 100_000, completionCPU: .vcpu), 200_000, accuracy: 1)
        XCTAssertEqual(try latency(device: 10_000, completionCPU: .vcpu), 110_000, accuracy: 1)
        // epoll has no POLL_ADD to signal.
        XCTAssertEqual(try latency(device: 10_000, completionCPU: .vcpu, fdmon: .epoll), 10_000, accuracy: 1)
    }

    /// Policy none at queue depth 1 on a device that takes `device` ns, linux-aio and fdmon io_uring: a timeline that
    /// repeats every request.
    private func timeline(_ profile: HostProfile, device: Double) throws -> RunResult {
        try Fixture.run(Fixture.single(policy: .none, latency: try .constant(device), profile: profile, fdmon: .ioUring,
                                       aio: .native, runtime: 20_000_000, rampTime: 1_000_000))
    }

    /// A queue-depth-1 timeline: every request takes `lasting` ns, `onCPU` of them on the IOThread's CPU.
    private func assertRound(_ result: RunResult, lasting: Double, onCPU: Double, line: UInt = #line) {
        XCTAssertEqual(result.latency_ns.mean, lasting, accuracy: 1, line: line)
        XCTAssertEqual(result.iothreads[0].cpu_util, onCPU / lasting, accuracy: 0.001, line: line)
    }
}

/// `iteration-end` and the iteration records (`PollSimulator.iterationObserver`, `run --decisions`).
final class IterationEndTests: XCTestCase {
    /// Iterations of a polling run, recorded, after the ramp.
    private func records(iterationEnd: SimTime, syscall: SimTime = 0) throws -> [IterationRecord] {
        var profile = HostProfile.bareMetal
        profile.iterationEnd = .ns(Double(iterationEnd))
        profile.iterationEndSyscall = .ns(Double(syscall))
        profile.fdEventLatency = .ns(10_000)
        profile.guestComplete = .ns(100)
        profile.guestSubmit = .ns(100)
        profile.guestKick = .ns(100)
        profile.interruptInjection = .ns(200)
        let configuration = Fixture.single(policy: .classic, latency: try Distribution.lognormal(median: 20_000, p99: 60_000),
                                           profile: profile, aio: .ioUring, runtime: 20_000_000, rampTime: 2_000_000)
        return try Fixture.iterationRecords(configuration)
    }

    /// Iterations that dispatched the virtqueue and popped nothing: a kick's fd event ended polling, and the request
    /// itself had been found by an earlier poll.
    private func racingKicks(_ records: [IterationRecord]) -> Int {
        records.filter { zip($0.dispatched, $0.requests).contains { $0 == ("vda.vq0", 0) } }.count
    }

    func testAGuestSubmittingDuringIterationEndAfterABlockingWaitKicks() throws {
        // The guest's round trip is 0.4 µs. With no iteration-end the next iteration starts polling (notifications
        // off) before the guest submits; with 2 µs of it, notifications are still on from the blocking wait, the
        // guest kicks, and that kick's fd event ends a later polling phase.
        let without = try records(iterationEnd: 0), with = try records(iterationEnd: 2_000)
        XCTAssertGreaterThan(without.count, 100)
        XCTAssertEqual(racingKicks(without), 0)
        XCTAssertGreaterThan(racingKicks(with), with.count / 50)
    }

    /// Iterations that popped a request from the virtqueue that no poll found although the policy gave a budget:
    /// its kick's fd event was ready before polling began, so need_wait() sent the iteration to its wait at once.
    private func kicksSeenBeforePolling(_ records: [IterationRecord]) -> Int {
        records.filter { record in
            record.budgetNs > 0 && record.pollSuccesses.isEmpty
                && zip(record.dispatched, record.requests).contains { $0 == ("vda.vq0", 1) }
        }.count
    }

    func testASystemCallAtTheIterationEndRunsTheTaskWorkOfAKickFiredBeforeIt() throws {
        // Finding 21: the real loop's CPU-clock read at the end of each iteration is a kernel entry, whose return runs
        // the task_work of a kick the guest made during iteration-end. Without it the kick reaches the thread only
        // when its interrupt lands (10 µs), after the next poll has found the request: a racing kick. With it the
        // kick is ready before the next iteration polls, and that iteration's wait dispatches the request.
        let without = try records(iterationEnd: 2_000), with = try records(iterationEnd: 2_000, syscall: 500)
        // (Without it, some requests are still dispatched unpolled: those whose kick came with the io_uring backend
        // ring fd's event, which also sends the iteration to its wait.)
        XCTAssertGreaterThan(racingKicks(without), without.count / 50)
        XCTAssertEqual(racingKicks(with), 0)
        XCTAssertGreaterThan(kicksSeenBeforePolling(with), kicksSeenBeforePolling(without) + with.count / 50)
    }

    func testRecordsNameHandlersByRoleAndCarryTheBudgetAndBlockTime() throws {
        let records = try records(iterationEnd: 0)
        XCTAssertTrue(records.allSatisfy { $0.thread == "iothread0" && $0.blockNs >= 0 })
        XCTAssertTrue(records.allSatisfy { Set($0.pollList).isSubset(of: ["completions", "vda.vq0"]) })
        XCTAssertTrue(records.contains { $0.dispatched == ["completions"] })
        XCTAssertTrue(records.contains { $0.pollSuccesses == ["vda.vq0"] && $0.budgetNs > 0 })
        XCTAssertTrue(zip(records, records.dropFirst()).allSatisfy { $0.startNs < $1.startNs })
        let fields = records[0].csvFields(iteration: 7)
        XCTAssertEqual(Array(fields.prefix(3)), ["7", "iothread0", String(records[0].startNs)])
        XCTAssertEqual(fields.count, IterationRecord.csvColumns.count)
    }
}
