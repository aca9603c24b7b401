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
}
