/// Everything the buddy allocator mutates under its lock. Free lists are intrusive, threaded
/// through the page descriptors, so this stays a small fixed-size value.
@usableFromInline
struct BuddyState: Sendable {
    /// Orders 0...10, like the kernel's MAX_PAGE_ORDER.
    @inlinable static var orderCount: Int { 11 }

    var freeHeads = InlineArray<11, Int32>(repeating: -1)
    var freeBlocks = InlineArray<11, Int>(repeating: 0)
    var requests = InlineArray<11, Int>(repeating: 0)
    var failures = InlineArray<11, Int>(repeating: 0)
    var frees = InlineArray<11, Int>(repeating: 0)
    var injectedFailures = 0
    var pagesInUse = 0
    var peakPagesInUse = 0
    /// Pages held by `PageAllocator.fragment`, included in `pagesInUse`.
    var pinnedPages = 0

    // Injection knobs (SPEC 2): consumed by page requests in the order SPEC 5 gives.
    var failAny = 0
    var failHighOrder = 0
    var pfmemallocNext = 0

    var observer: PageEventObserver? {
        didSet { hasObserver = observer != nil }
    }
    /// Whether `observer` is set: a plain flag, so the allocation and free paths test it
    /// without copying (retaining) the optional closure.
    var hasObserver = false
}
