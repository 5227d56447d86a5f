import CFragShim

/// glibc's single-threaded mode: until a process starts its first thread, glibc's own locks
/// (pthread mutexes, malloc's arenas, stdio) take no atomic instruction. A `fragbench pair`
/// worker never started one and a `run` visit process did, so the same C code cost different
/// amounts in the two; every fragbench process now leaves the mode at start-up and measures as
/// a process with threads (any server, and the kernel, whose locks are always atomic).
public enum LibcThreadMode {
    /// Starts and joins one idle thread; nil, or why it could not (the mode is then unchanged).
    @discardableResult
    public static func leaveSingleThreaded() -> String? {
        let status = fb_leave_single_threaded_mode()
        return status == 0 ? nil : "pthread_create/join failed: error \(status)"
    }

    /// The mode now, as run.json's provenance records it.
    public static var current: String {
        switch fb_libc_single_threaded() {
        case 1: return "single-threaded"
        case 0: return "multi-threaded"
        default: return "unknown (the C library has no __libc_single_threaded)"
        }
    }
}
