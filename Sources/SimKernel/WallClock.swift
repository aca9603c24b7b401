#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Real (wall-clock) time, for measuring the simulator itself, never for simulated time: CLOCK_MONOTONIC through the
/// vDSO, about 25 ns a read on the project's VMs, so read per run or per progress update, never per event.
public enum WallClock {
    @inline(__always)
    public static func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }

    public static func seconds() -> Double { Double(nanoseconds()) / 1e9 }
}
