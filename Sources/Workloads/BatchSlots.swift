/// The pointer buffer of the workloads that hold a whole batch of fragments at once
/// (alloc-only keeps what it allocates until the batch ends; free-only allocates the batch it
/// will free), and how large such a batch may be.
extension WorkloadParameters {
    /// A batch holds every fragment until it ends, so it must fit three quarters of the arena,
    /// alignment padding counted.
    var fragmentsFittingArena: Int {
        max(1, arenaBytes * 3 / 4 / (fragsz + align - 1))
    }

    /// The most fragments one timed batch holds: what fits the arena, and never more than
    /// `heldBatchCap`. A longer sample runs as several such batches (SamplerConfig.batchLimit).
    var heldBatchLimit: Int { min(fragmentsFittingArena, Self.heldBatchCap) }

    /// 32768 pointers are 256 KiB, which stay in the L2 of the CPUs this runs on. Batches of
    /// a whole 1 ms sample (~800k fragments of 64 B, a 6 MB pointer array, 50 MB of pages)
    /// measured memory bandwidth and where the arena landed: on the 2-vCPU Intel VM of
    /// docs/noise.md the same build read 1.2 to 2.4 ns/op in separate processes, and whichever
    /// build of a pair sampled second ran ~8% slower. It also matches what the cache serves
    /// in the kernel: a refill of a receive ring, not a million live fragments.
    public static let heldBatchCap = 32_768
}

/// Grows `slots` (never shrinks it) so a batch of `ops` fits; untimed, before the batch runs.
func growSlots(_ slots: inout UnsafeMutablePointer<UnsafeMutableRawPointer?>, capacity: inout Int, toFit ops: Int) {
    guard ops > capacity else { return }
    slots.deallocate()
    capacity = ops
    slots = .allocate(capacity: capacity)
}
