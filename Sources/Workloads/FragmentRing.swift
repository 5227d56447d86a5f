import FragCache

/// The steady ring behind alloc-free, mixed and pressure: `depth` slots, each holding a live
/// fragment; one operation allocates a fragment and frees the oldest one, whose slot it takes
/// (a NIC RX ring: refill the slot, hand the old buffer up the stack, which frees it).
///
/// The ring owns the allocator (the Swift cache and its page allocator, the C cache, or a
/// peer). The timed loops are static functions over an `inout` allocator, specialised per
/// implementation, so the cache's 16 bytes of state can live in registers for the whole batch.
final class FragmentRing<A: FragmentAllocator & ~Copyable> {
    var cache: A
    /// Safe: `depth` entries, all initialised (to nil or a live fragment) in init; freed in deinit.
    let slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    let depth: Int
    let align: Int
    /// The slot of the oldest fragment: the next operation frees it and fills the slot.
    var oldest = 0
    /// Allocations attempted: the fill plus one per operation.
    private(set) var attempts = 0

    init(_ parameters: WorkloadParameters) throws(WorkloadError) {
        cache = try A.make(parameters)
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
            slots[i] = align == 1 ? cache.alloc(size) : cache.alloc(size, align: align)
        }
        attempts += depth
        cache.resetPeak()
    }

    /// The timed loop: `ops` × (allocate, free the oldest).
    func run(_ ops: Int, sizes: inout FixedSize) {
        oldest = A.cycle(&cache, slots: slots, depth: depth, start: oldest, ops: ops, align: align, sizes: &sizes)
        attempts += ops
    }

    func run(_ ops: Int, sizes: inout TableSizes) {
        oldest = A.cycle(&cache, slots: slots, depth: depth, start: oldest, ops: ops, align: align, sizes: &sizes)
        attempts += ops
    }

    /// Allocations that returned nil. Each nil comes from exactly one failed reload (no page
    /// could be had, or the size exceeds the page), which the cache counts on its slow path, so
    /// nothing is counted in the timed loop.
    var failures: Int { cache.failedAllocations }

    var allocations: Int { attempts - failures }

    /// Fragments live in the ring now.
    var liveCount: Int {
        (0 ..< depth).reduce(0) { $0 + (slots[$1] == nil ? 0 : 1) }
    }

    func figures(bytesHandedOut: Int) -> CacheFigures? {
        // An operation is an attempt, failed or not (ns/op counts it too).
        cache.figures(allocations: allocations, bytesHandedOut: bytesHandedOut).map { figures in
            var figures = figures
            figures.operations = attempts
            return figures
        }
    }

    /// Frees every live fragment and drains the cache (untimed); returns a leak, if any.
    func freeAll() -> String? {
        let freer = cache.freer
        for i in 0 ..< depth {
            if let p = slots[i] { freer.free(p) }
            slots[i] = nil
        }
        return cache.tearDown()
    }
}

extension FragmentRing where A == SwiftRemaining {
    /// The Swift model's page allocator (tests look inside).
    var allocator: PageAllocator { cache.pageAllocator }
}

extension FragmentAllocator where Self: ~Copyable {
    /// Restarts the page allocator's peak (caches); nothing for peers.
    mutating func resetPeak() {}

    /// No arena of the model's to fragment (C, peers).
    func fragmentArena(_ fragmentation: ArenaFragmentation) -> Int? { nil }
    func unfragmentArena() {}

    /// The ring's timed loop: `ops` × (allocate, free the oldest). The C cache replaces it with
    /// the same loop written in C (`CFragAllocator.cycle`).
    static func cycle(_ cache: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                      depth: Int, start: Int, ops: Int, align: Int, sizes: inout FixedSize) -> Int {
        cycleLoop(&cache, slots: slots, depth: depth, start: start, ops: ops, align: align, sizes: &sizes)
    }

    static func cycle(_ cache: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                      depth: Int, start: Int, ops: Int, align: Int, sizes: inout TableSizes) -> Int {
        cycleLoop(&cache, slots: slots, depth: depth, start: start, ops: ops, align: align, sizes: &sizes)
    }

    @inline(__always)
    static func cycleLoop<S: FragmentSizes>(_ cache: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                                            depth: Int, start: Int, ops: Int, align: Int, sizes: inout S) -> Int {
        let freer = cache.freer
        var i = start
        if align == 1 {
            for _ in 0 ..< ops {
                let fresh = cache.alloc(sizes.next())
                // Safe: 0 <= i < depth, and every slot holds nil or a fragment still live.
                if let old = slots[i] { freer.free(old) }
                slots[i] = fresh
                i &+= 1
                if i == depth { i = 0 }
            }
        } else {
            for _ in 0 ..< ops {
                let fresh = cache.alloc(sizes.next(), align: align)
                // Safe: as above.
                if let old = slots[i] { freer.free(old) }
                slots[i] = fresh
                i &+= 1
                if i == depth { i = 0 }
            }
        }
        return i
    }
}

/// Where a ring's fragment sizes come from: a constant, or a precomputed table. Both are a
/// load or less, so the timed loop runs no random number generator.
protocol FragmentSizes {
    mutating func next() -> Int
    /// For loops written in C: the fixed size, or the table, its mask and the draws so far.
    var cSizes: (fixed: Int, table: UnsafeMutablePointer<UInt32>?, mask: Int, drawn: Int) { get }
    mutating func advance(drawnTo: Int)
}

struct FixedSize: FragmentSizes {
    let size: Int
    @inline(__always) func next() -> Int { size }
    var cSizes: (fixed: Int, table: UnsafeMutablePointer<UInt32>?, mask: Int, drawn: Int) { (size, nil, 0, 0) }
    func advance(drawnTo: Int) {}
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

    var cSizes: (fixed: Int, table: UnsafeMutablePointer<UInt32>?, mask: Int, drawn: Int) { (0, sizes, mask, drawn) }
    mutating func advance(drawnTo: Int) { drawn = drawnTo }
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
