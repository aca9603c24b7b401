import XCTest
@testable import PollingPolicy

/// The hot path must mutate per-handler arrays in place: a copy-on-write copy per call would cost O(handlers) time
/// and an allocation on every dispatch. A copy shows as a new buffer address, because the old buffer is still alive
/// while the copy is allocated; the address is checked after every single call, since after two copies the
/// allocator may hand the first buffer back. Deterministic, unlike a timing test.
final class InPlaceMutationTests: XCTestCase {
    private func perHandlerBuffer(_ policy: PollPolicy) -> UnsafeRawPointer? {
        guard case .perHandler(let state) = policy.state else { return nil }
        return state.pollNs.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    private func weightedBuffers(_ policy: PollPolicy) -> [UnsafeRawPointer?] {
        guard case .pollWeight(let state) = policy.state else { return [] }
        return [state.estimateNs.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) },
                state.hasEvent.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }]
    }

    func testPerHandlerUpdatesInPlace() {
        var policy = PollPolicy(kind: .perHandler, parameters: .qemuClassic, handlerCount: 64)
        let before = perHandlerBuffer(policy)
        XCTAssertNotNil(before)
        for id in 0..<64 {
            policy.handlerDispatched(id, onPollList: true, blockNs: 1)
            XCTAssertEqual(perHandlerBuffer(policy), before, "dispatch \(id)")
        }
        XCTAssertEqual(policy.handlerPollNs(63), 4000)
        policy.setParameters(.qemuClassic)
        XCTAssertEqual(perHandlerBuffer(policy), before)
    }

    func testPollWeightUpdatesInPlace() {
        var policy = PollPolicy(kind: .pollWeight, parameters: .pollWeightMerged, handlerCount: 64)
        let before = weightedBuffers(policy)
        XCTAssertEqual(before.count, 2)
        policy.handlerDispatched(0, onPollList: true, blockNs: 1000)
        XCTAssertEqual(weightedBuffers(policy), before, "dispatch")
        policy.iterationFinished(blockNs: 1000, pollList: Array(0..<64))
        XCTAssertEqual(weightedBuffers(policy), before, "adjust_block_ns")
        XCTAssertEqual(policy.handlerPollNs(0), 1000)
        policy.setParameters(.pollWeightRFCv1)
        XCTAssertEqual(weightedBuffers(policy), before, "reset")
    }
}
