/// The cache's own counters, all bumped on the slow path only, so they cost the fast path
/// nothing. Bytes handed out are the caller's to count: with them, waste is
/// `consumedBytes - handedOut` (alignment padding plus abandoned page tails).
/// The cache adds to them with wrapping arithmetic (`&+=`): a 64-bit count cannot overflow in
/// practice, and an overflow trap on each would be a test and a branch on every refill.
public struct FragCacheStats: Sendable, Equatable {
    /// Pages obtained from the allocator (high-order or order-0).
    public var refills = 0
    /// Refills that got an order-0 page after the high-order request failed.
    public var fallbacks = 0
    /// High-order requests that failed.
    public var highOrderFailures = 0
    /// Refills where even order 0 failed: the cache went empty and the caller got nil.
    public var refillFailures = 0
    /// Pages reused in place because every fragment had come back.
    public var reuses = 0
    /// pfmemalloc pages returned to the allocator instead of being reused.
    public var pfmemallocDrops = 0
    /// Pages the cache let go of while fragments were still out (their frees release them).
    public var pagesLeftBehind = 0
    /// Requests refused because `fragsz` exceeds the page size.
    public var oversizeFailures = 0
    /// Page bytes made available by refills and reuses.
    public var bytesOpened = 0
    /// Bytes left unused at the end of pages the cache moved on from.
    public var abandonedBytes = 0

    public init() {}
}
