import XCTest
@testable import Scenario

final class SuggestionTests: XCTestCase {
    func testEditDistance() {
        XCTAssertEqual(Suggestion.editDistance("poll-weight", "poll-weight"), 0)
        XCTAssertEqual(Suggestion.editDistance("poll-wieght", "poll-weight"), 1, "a transposition is one edit")
        XCTAssertEqual(Suggestion.editDistance("ramp-time", "ramp_time"), 1)
        XCTAssertEqual(Suggestion.editDistance("", "abc"), 3)
        XCTAssertEqual(Suggestion.editDistance("kitten", "sitting"), 3)
    }

    func testClosest() {
        let keys = ScenarioSchema.iothread.keyNames
        XCTAssertEqual(Suggestion.closest(to: "poll-wieght", among: keys), "poll-weight")
        XCTAssertEqual(Suggestion.closest(to: "poll_max_ns", among: keys), "poll-max-ns")
        XCTAssertEqual(Suggestion.closest(to: "Policy", among: keys), "policy", "case is ignored")
        XCTAssertEqual(Suggestion.closest(to: "idle-handler-remove", among: keys), "idle-handler-removal")
        XCTAssertNil(Suggestion.closest(to: "banana", among: keys), "nothing plausible")
        XCTAssertNil(Suggestion.closest(to: "xy", among: ["id", "bs"]), "short words allow one edit only")
        XCTAssertEqual(Suggestion.closest(to: "bz", among: ["id", "bs"]), "bs")
        XCTAssertEqual(Suggestion.clause(for: "iodepht", among: ScenarioSchema.job.keyNames), "; did you mean 'iodepth'?")
        XCTAssertEqual(Suggestion.clause(for: "zzz", among: ScenarioSchema.job.keyNames), "")
    }

    func testEnumValuesAreSuggested() {
        assertError(minimal(replacing: "    disk: vda", with: "    disk: vda\n    rw: randreed"), at: "14:9",
                    contains: "unknown rw 'randreed' (expected read, write, randread, randwrite, randrw, readwrite, rw); did you mean 'randread'?")
        assertError(minimal(replacing: "    device: nvme0", with: "    device: nvme0\n    architecture: vhost_blk"), at: "10:19",
                    contains: "did you mean 'vhost-blk'?")
        assertError(minimal(replacing: "    device: nvme0", with: "    device: nvme0\n    aio: iouring"), at: "10:10",
                    contains: "did you mean 'io_uring'?")
    }
}
