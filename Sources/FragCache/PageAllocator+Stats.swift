import Synchronization

/// A snapshot of the allocator's counters, per order 0...10.
public struct PageAllocatorStats: Sendable, Equatable {
    public var requests: [Int]
    public var failures: [Int]
    /// Failures that an armed injection caused (included in `failures`).
    public var injectedFailures: Int
    public var frees: [Int]
    /// Free blocks on each order's list.
    public var freeBlocks: [Int]
    public var pagesInUse: Int
    public var peakPagesInUse: Int
    /// Pages pinned by `fragment`, included in `pagesInUse`.
    public var pinnedPages: Int

    /// Base pages sitting on the free lists.
    public var freePages: Int {
        freeBlocks.enumerated().reduce(0) { $0 + $1.element << $1.offset }
    }

    /// Base pages handed out by successful requests and not yet freed.
    public var outstandingPages: Int {
        (0 ..< requests.count).reduce(0) { sum, order in
            sum + (requests[order] - failures[order] - frees[order]) << order
        }
    }
}

extension PageAllocator {
    public var stats: PageAllocatorStats {
        arena.core.withLock { state in
            PageAllocatorStats(
                requests: (0 ..< BuddyState.orderCount).map { state.requests[$0] },
                failures: (0 ..< BuddyState.orderCount).map { state.failures[$0] },
                injectedFailures: state.injectedFailures,
                frees: (0 ..< BuddyState.orderCount).map { state.frees[$0] },
                freeBlocks: (0 ..< BuddyState.orderCount).map { state.freeBlocks[$0] },
                pagesInUse: state.pagesInUse,
                peakPagesInUse: state.peakPagesInUse,
                pinnedPages: state.pinnedPages)
        }
    }

    /// Starts a new peak measurement from the current use.
    public func resetPeak() {
        arena.core.withLock { $0.peakPagesInUse = $0.pagesInUse }
    }
}
