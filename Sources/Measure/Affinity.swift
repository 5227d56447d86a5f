import CFragShim
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// CPU placement. A benchmark thread that migrates mid-sample loses its warm
/// caches and may read another core's TSC, so `fragbench run` pins.
public enum CPUAffinity {
    /// Restricts the calling thread to `cpu` (sched_setaffinity).
    public static func pin(to cpu: Int) -> Result<Void, SystemError> {
        retryingEINTR("sched_setaffinity(\(cpu))") { fb_pin_to_cpu(Int32(cpu)) }.map { _ in () }
    }

    /// Gives the calling thread back the CPUs it could run on before its first `pin` (nothing
    /// when it never pinned).
    public static func unpin() -> Result<Void, SystemError> {
        retryingEINTR("sched_setaffinity (unpin)") { fb_unpin() }.map { _ in () }
    }

    /// The CPU the thread is on right now (sched_getcpu), nil on failure.
    public static func current() -> Int? {
        let cpu = fb_current_cpu()
        return cpu < 0 ? nil : Int(cpu)
    }

    /// Whether the thread may run on `cpu` (its affinity mask), nil if that cannot be read.
    public static func isAllowed(_ cpu: Int) -> Bool? {
        guard cpu >= 0, cpu <= Int(Int32.max) else { return false }
        let answer = fb_cpu_allowed(Int32(cpu))
        if answer < 0 { return errno == EINVAL ? false : nil }
        return answer == 1
    }

    /// How many CPUs the thread may run on (sched_getaffinity), nil on failure.
    public static func allowedCount() -> Int? {
        let n = fb_allowed_cpu_count()
        return n < 0 ? nil : Int(n)
    }
}
