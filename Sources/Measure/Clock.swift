#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// CLOCK_MONOTONIC, the reference the TSC is calibrated against and the
/// source of every reported nanosecond: it is NTP-slewed to real seconds and
/// never jumps, unlike CLOCK_REALTIME.
public enum MonotonicClock {
    @inline(__always)
    public static func nanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// clock_getres(CLOCK_MONOTONIC), for the counters report.
    public static func resolutionNanoseconds() -> UInt64? {
        var ts = timespec()
        guard clock_getres(CLOCK_MONOTONIC, &ts) == 0 else { return nil }
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
