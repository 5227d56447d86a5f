import FragCache

/// The steady ring behind alloc-free, mixed and pressure: `depth` slots, each holding a live
/// fragment; one operation allocates a fragment and frees the oldest one, whose slot it takes
/// (a NIC RX ring: refill the slot, hand the old buffer up the stack, which frees it).
///
/// The ring owns the allocator and the cache. The timed loops are static functions over an
/// `inout` cache, so the cache's 16 bytes of state can live in registers for the whole batch.
final class FragmentRing {
    let allocator: PageAllocator
    var cache: FragCache
    /// Safe: `depth` entries, all initialised (to nil or a live fragment) in init; freed in deinit.
    let slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    let depth: Int
    let align: Int
    /// The slot of the oldest fragment: the next operation frees it and fills the slot.
    var oldest = 0
    /// Allocations attempted: the fill plus one per operation.
    private(set) var attempts = 0

    init(_ parameters: WorkloadParameters) throws(WorkloadError) {
        allocator = try makeAllocator(parameters)
        cache = FragCache(allocator: allocator, config: parameters.config)
        depth = parameters.depth
        align = parameters.align
        slots = .allocate(capacity: depth)
        slots.initialize(repeating: nil, count: depth)
    }

    deinit { slots.deallocate() }

    /// Fills every slot (untimed set-up), then restarts the allocator's peak so that peak
    /// pinned memory describes the steady ring, not whatever preceded it.
    func fill<S: FragmentSizes>(_ sizes: inout S) {
        for i in 0 ..< depth {
            let size = sizes.next()
            slots[i] = align == 1 ? cache.allocVA(size) : cache.allocVA(size, align: align)
        }
        attempts += depth
        allocator.resetPeak()
    }

    /// The timed loop: `ops` × (allocate, free the oldest).
    func run<S: FragmentSizes>(_ ops: Int, sizes: inout S) {
        oldest = Self.cycle(&cache, arena: allocator.arena, slots: slots, depth: depth, start: oldest,
                            ops: ops, align: align, sizes: &sizes)
        attempts += ops
    }

    @inline(__always)
    static func cycle<S: FragmentSizes>(_ cache: inout FragCache, arena: PageArena,
                                        slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                                        depth: Int, start: Int, ops: Int, align: Int, sizes: inout S) -> Int {
        var i = start
        if align == 1 {
            for _ in 0 ..< ops {
                let fresh = cache.allocVA(sizes.next())
                // Safe: 0 <= i < depth, and every slot holds nil or a fragment still live.
                if let old = slots[i] { arena.freeFragment(old) }
                slots[i] = fresh
                i &+= 1
                if i == depth { i = 0 }
            }
        } else {
            for _ in 0 ..< ops {
                let fresh = cache.allocVA(sizes.next(), align: align)
                // Safe: as above.
                if let old = slots[i] { arena.freeFragment(old) }
                slots[i] = fresh
                i &+= 1
                if i == depth { i = 0 }
            }
        }
        return i
    }

    /// Allocations that returned nil. Each nil comes from exactly one failed reload (no page
    /// could be had, or the size exceeds the page), which the cache counts on its slow path, so
    /// nothing is counted in the timed loop.
    var failures: Int {
        let stats = cache.stats
        return stats.refillFailures + stats.oversizeFailures
    }

    var allocations: Int { attempts - failures }

    /// Fragments live in the ring now.
    var liveCount: Int {
        (0 ..< depth).reduce(0) { $0 + (slots[$1] == nil ? 0 : 1) }
    }

    func figures(bytesHandedOut: Int) -> CacheFigures {
        CacheFigures.from(stats: cache.stats, remaining: cache.remaining, allocator: allocator.stats,
                          pageSize: allocator.pageSize, allocations: allocations, bytesHandedOut: bytesHandedOut)
    }

    /// Frees every live fragment and drains the cache (untimed).
    func freeAll() {
        let arena = allocator.arena
        for i in 0 ..< depth {
            if let p = slots[i] { arena.freeFragment(p) }
            slots[i] = nil
        }
        cache.drain()
    }
}

/// Where a ring's fragment sizes come from: a constant, or a precomputed table. Both are a
/// load or less, so the timed loop runs no random number generator.
protocol FragmentSizes {
    mutating func next() -> Int
}

struct FixedSize: FragmentSizes {
    let size: Int
    @inline(__always) func next() -> Int { size }
}

/// Reads a `SizeTable` in order, wrapping around.
struct TableSizes: FragmentSizes {
    let sizes: UnsafeMutablePointer<UInt32>
    let mask: Int
    /// Draws so far (the index of the next one, before masking).
    var drawn: Int

    init(_ table: SizeTable, drawn: Int = 0) {
        sizes = table.sizes
        mask = table.mask
        self.drawn = drawn
    }

    @inline(__always)
    mutating func next() -> Int {
        // Safe: the mask keeps the index inside the table, which outlives this view (the
        // workload holds both).
        let size = Int(sizes[drawn & mask])
        drawn &+= 1
        return size
    }
}

/// The page allocator for one workload, with set-up failures reported as errors.
func makeAllocator(_ parameters: WorkloadParameters) throws(WorkloadError) -> PageAllocator {
    do {
        return try PageAllocator(pageSize: parameters.config.pageSize, arenaBytes: parameters.arenaBytes)
    } catch {
        throw .setupFailed("\(error)")
    }
}

/// The leak check every tear-down ends with: after freeing and draining, only pages pinned by
/// `fragment` may still be in use.
func leakReport(_ allocator: PageAllocator) -> String? {
    let stats = allocator.stats
    guard stats.pagesInUse == stats.pinnedPages else {
        return "\(stats.pagesInUse - stats.pinnedPages) pages still in use after freeing every fragment and draining"
    }
    return nil
}
