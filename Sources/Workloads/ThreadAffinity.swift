#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Thread placement for cross-thread without depending on Measure. Swift's Glibc module does
/// not export `sched_setaffinity` / `sched_getaffinity` (they need `_GNU_SOURCE`), so they are
/// looked up by name; the `cpu_set_t` is manipulated as its bytes (bit `cpu` of the mask, as
/// `CPU_SET` does on little- and big-endian alike: glibc's mask is an array of unsigned longs,
/// and on x86-64 byte `cpu / 8`, bit `cpu % 8` is the same bit).
enum ThreadAffinity {
    private typealias AffinityCall = @convention(c) (pid_t, Int, UnsafeMutableRawPointer?) -> Int32

    private static func call(_ name: String) -> AffinityCall? {
        // nil handle = RTLD_DEFAULT: the global symbol scope, where libc is.
        guard let symbol = dlsym(nil, name) else { return nil }
        return unsafeBitCast(symbol, to: AffinityCall.self)
    }

    /// Restricts the calling thread to `cpu`. Returns 0 or an errno value.
    static func pinCurrentThread(to cpu: Int) -> Int32 {
        var set = cpu_set_t()
        let bits = MemoryLayout<cpu_set_t>.size * 8
        guard cpu >= 0, cpu < bits else { return EINVAL }
        withUnsafeMutableBytes(of: &set) { $0[cpu / 8] |= UInt8(1) << UInt8(cpu % 8) }
        return setCurrentMask(set)
    }

    /// The calling thread's CPU mask, or nil if it cannot be read.
    static func currentMask() -> cpu_set_t? {
        guard let get = call("sched_getaffinity") else { return nil }
        var set = cpu_set_t()
        // pid 0: the calling thread.
        let rc = withUnsafeMutableBytes(of: &set) { get(0, $0.count, $0.baseAddress) }
        return rc == 0 ? set : nil
    }

    /// Sets the calling thread's CPU mask. Returns 0 or an errno value.
    @discardableResult
    static func setCurrentMask(_ mask: cpu_set_t) -> Int32 {
        guard let set = call("sched_setaffinity") else { return ENOSYS }
        var mask = mask
        let rc = withUnsafeMutableBytes(of: &mask) { set(0, $0.count, $0.baseAddress) }
        return rc == 0 ? 0 : errno
    }

    /// Gives the CPU away after a while of spinning, so two threads sharing one CPU (or a
    /// 2-core machine with other work) still make progress. `spins` counts failed checks.
    @inline(__always)
    static func backOff(_ spins: inout Int) {
        spins &+= 1
        if spins > 64 { sched_yield() }
    }
}
