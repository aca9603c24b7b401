#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Wall-clock time for the benchmark: CLOCK_MONOTONIC through the vDSO (about 25 ns a read on the project's VMs;
/// read twice per timed run, never per event).
enum Clock {
    @inline(__always)
    static func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }
}
