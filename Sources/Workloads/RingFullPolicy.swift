/// cross-thread: what the producer does when the 512-entry ring is full (`--ring-full`).
public enum RingFullPolicy: String, CaseIterable, Sendable, Codable, Hashable {
    /// The lab's default: wait (spin, then yield) for room, so every operation is exactly one
    /// allocation, one push, one pop and one free.
    case wait
    /// The kernel test module's logic (page_frag_test.c, `page_frag_push_thread`): free the
    /// fragment just allocated, call `cond_resched()` (a no-op here, as it is in the kernel
    /// unless the scheduler has flagged the thread) and allocate again; only pushes count.
    /// The consumer likewise spins on an empty ring without yielding (`page_frag_pop_thread`).
    case free
}
