/// Which free-side API a workload drives the Swift cache through (`--api`): the kernel's, or
/// one of the experiments the kernel does not have. Each is its own allocator type, so the
/// choice is made at compile time like the layouts and the kernel API's loops never change.
public enum FragAPI: String, CaseIterable, Sendable, Codable, Hashable {
    /// page_frag_alloc_va + page_frag_free_va: one atomic decrement per free.
    case kernel
    /// OwnerLocalFragCache: the owner's frees of the current page or a left page in its set go
    /// to that page's bias.
    case localFree = "local-free"
    /// allocBulk (one bias and cursor update per page) and bulk free (one atomic per run of
    /// same-page fragments), `bulk` fragments at a time.
    case bulk

    /// The largest `--bulk`: a batch lives on the stack of the timed loop's caller.
    public static let largestBulk = 4096
}
