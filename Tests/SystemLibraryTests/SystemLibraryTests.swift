import XCTest
import CGSL
import CURing

/// The C libraries are reachable from Swift and behave as the platform notes say.
final class SystemLibraryTests: XCTestCase {
    func testGSLIsTheExpectedVersionAndSeedsDeterministically() {
        XCTAssertTrue(String(cString: pollsim_gsl_version()).hasPrefix("2."))
        let a = gsl_rng_alloc(pollsim_gsl_rng_mt19937())!
        let b = gsl_rng_alloc(pollsim_gsl_rng_mt19937())!
        defer { gsl_rng_free(a); gsl_rng_free(b) }
        gsl_rng_set(a, 42)
        gsl_rng_set(b, 42)
        for _ in 0..<100 { XCTAssertEqual(gsl_rng_get(a), gsl_rng_get(b)) }
    }

    func testIoUringCompletesANop() throws {
        let ring = UnsafeMutablePointer<io_uring>.allocate(capacity: 1)
        defer { ring.deallocate() }
        let rc = io_uring_queue_init(8, ring, 0)
        try XCTSkipIf(rc == -38 || rc == -1, "io_uring is not available in this kernel (rc \(rc))")
        XCTAssertEqual(rc, 0)
        defer { io_uring_queue_exit(ring) }
        let sqe = try XCTUnwrap(io_uring_get_sqe(ring))
        io_uring_prep_nop(sqe)
        io_uring_sqe_set_data64(sqe, 0xC0FFEE)
        XCTAssertEqual(io_uring_submit(ring), 1)
        var cqe: UnsafeMutablePointer<io_uring_cqe>?
        XCTAssertEqual(io_uring_wait_cqe(ring, &cqe), 0)
        XCTAssertEqual(cqe?.pointee.user_data, 0xC0FFEE)
        XCTAssertEqual(cqe?.pointee.res, 0)
        io_uring_cqe_seen(ring, cqe)
    }
}
