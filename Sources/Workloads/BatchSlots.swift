/// The pointer buffer of the workloads that hold a whole batch of fragments at once
/// (alloc-only keeps what it allocates until the batch ends; free-only allocates the batch it
/// will free), and how large such a batch may be.
extension WorkloadParameters {
    /// A batch holds every fragment until it ends, so it must fit three quarters of the arena,
    /// alignment padding counted.
    var fragmentsFittingArena: Int {
        max(1, arenaBytes * 3 / 4 / (fragsz + align - 1))
    }
}

/// Grows `slots` (never shrinks it) so a batch of `ops` fits; untimed, before the batch runs.
func growSlots(_ slots: inout UnsafeMutablePointer<UnsafeMutableRawPointer?>, capacity: inout Int, toFit ops: Int) {
    guard ops > capacity else { return }
    slots.deallocate()
    capacity = ops
    slots = .allocate(capacity: capacity)
}
