import Synchronization

/// Failure and pressure injection (SPEC 2 and 5). Each page request first consumes an armed
/// any-order failure, else (if high-order) an armed high-order failure, and fails if it
/// consumed one. Arming sets the count; it does not add to what is left.
extension PageAllocator {
    /// The next `count` requests of order > 0 fail.
    public func failNextHighOrder(_ count: Int) {
        precondition(count >= 0, "failNextHighOrder: count \(count) is negative")
        arena.core.withLock { $0.failHighOrder = count }
    }

    /// The next `count` requests of any order fail.
    public func failNextAny(_ count: Int) {
        precondition(count >= 0, "failNextAny: count \(count) is negative")
        arena.core.withLock { $0.failAny = count }
    }

    /// The next `count` successful order-0 requests that may use the reserves (no
    /// `.noMemalloc`) return pfmemalloc pages.
    public func pfmemallocNext(_ count: Int) {
        precondition(count >= 0, "pfmemallocNext: count \(count) is negative")
        arena.core.withLock { $0.pfmemallocNext = count }
    }

    /// What is still armed: (any-order failures, high-order failures, pfmemalloc pages).
    public var armedInjections: (failAny: Int, failHighOrder: Int, pfmemalloc: Int) {
        arena.core.withLock { ($0.failAny, $0.failHighOrder, $0.pfmemallocNext) }
    }
}
