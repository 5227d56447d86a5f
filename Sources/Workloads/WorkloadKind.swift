/// The workloads `fragbench run --workload` knows.
public enum WorkloadKind: String, CaseIterable, Sendable, Codable, Hashable {
    /// Allocate a batch (timed), free it all (untimed): the fast path with refills amortised.
    case allocOnly = "alloc-only"
    /// Allocate a batch (untimed), free it all (timed): the free side alone.
    case freeOnly = "free-only"
    /// A steady ring of `depth` live fragments: allocate one, free the oldest (an RX ring).
    case allocFree = "alloc-free"
    /// The kernel's page_frag test: a producer allocates into a 512-entry SPSC ring, a consumer
    /// thread pops and frees (on the CPUs `pushCPU`/`popCPU` name; the presets, peers and tune
    /// pick 0 and 1 where there are two, a plain run leaves them to the scheduler).
    case crossThread = "cross-thread"
    /// A TCP-sendmsg-like writer copying messages in through prepare/commit/commitNoref.
    case prepareCommit = "prepare-commit"
    /// alloc-free with sizes drawn from a distribution (IMIX, uniform, histogram file).
    case mixed
    /// alloc-free over a fragmented page allocator, so high-order refills fall back.
    case pressure
    /// The operations of a trace file (SPEC 5), timed.
    case replay

    /// Whether the workload allocates with the page_frag API only (no malloc-style peer can run it).
    public var isPageFragOnly: Bool {
        switch self {
        case .prepareCommit, .pressure, .replay: return true
        default: return false
        }
    }

    /// Whether one thread does all the work (and so is pinned to one CPU by default).
    public var isSingleThreaded: Bool { self != .crossThread }
}
