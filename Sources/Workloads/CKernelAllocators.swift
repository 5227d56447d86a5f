import CFragCacheC
import CKernelPorts

// The C twins of five kernel versions of the page_frag allocation path (Sources/CKernelPorts,
// -O2), as `--impl c --variant v6.12|v6.13|rfc-v11-pre08|rfc-v11|part2-v2`: the reference for
// instructions per allocation of the Swift ports of the same versions. alloc-only and the
// ring run their loops in C (kp_loops.c), where every exported kernel function is a real call.

/// `page_frag_free`: an out-of-line C call, as the kernel's exported function is.
struct KernelCFreer: FragmentFreer, @unchecked Sendable {
    let arena: UnsafeMutablePointer<cfrag_arena>
    @inline(__always)
    func free(_ fragment: UnsafeMutableRawPointer) { kp_page_frag_free(arena, fragment) }
}

/// One kernel version's C twin over the C page allocator. Each version is its own concrete
/// type (see FragmentAllocator), which names its C functions; the rest is shared here.
protocol CKernelAllocator: FragmentAllocator, ~Copyable where Freer == KernelCFreer {
    /// Safe: allocated in `make`, freed in deinit (`release`); the arena outlives every
    /// fragment because workloads free or drain everything before they let this go.
    var cache: UnsafeMutablePointer<kp_cache> { get }
    var arena: UnsafeMutablePointer<cfrag_arena> { get }
    init(cache: UnsafeMutablePointer<kp_cache>, arena: UnsafeMutablePointer<cfrag_arena>)

    /// The version's `page_frag_cache_drain`.
    static func drain(_ cache: UnsafeMutablePointer<kp_cache>)
    /// Bytes left in the cache's current page.
    static func unused(_ cache: UnsafeMutablePointer<kp_cache>) -> Int
    /// The version's `kp_<version>_run_alloc_only`.
    static func runAllocOnly(_ cache: UnsafeMutablePointer<kp_cache>, _ slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                             _ ops: Int, _ fragsz: UInt32, _ align: UInt32)
    /// The version's `kp_<version>_run_ring`.
    static func runRing(_ cache: UnsafeMutablePointer<kp_cache>, _ slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                        _ depth: Int, _ start: Int, _ ops: Int, _ fragsz: UInt32, _ align: UInt32,
                        _ table: UnsafePointer<UInt32>?, _ mask: Int, _ drawn: UnsafeMutablePointer<Int>) -> Int
}

extension CKernelAllocator where Self: ~Copyable {
    static var implementation: Implementation { .c }

    static func make(_ parameters: WorkloadParameters) throws(WorkloadError) -> Self {
        guard let arena = cfrag_arena_create(UInt32(parameters.config.pageSize), parameters.arenaBytes, 0) else {
            throw .setupFailed("the C page allocator could not map \(parameters.arenaBytes) bytes")
        }
        let cache = UnsafeMutablePointer<kp_cache>.allocate(capacity: 1)
        kp_cache_init(cache, arena, UInt32(parameters.config.maxSize))
        return Self(cache: cache, arena: arena)
    }

    /// What every conformer's deinit does.
    static func release(_ cache: UnsafeMutablePointer<kp_cache>, _ arena: UnsafeMutablePointer<cfrag_arena>) {
        drain(cache)
        cache.deallocate()
        cfrag_arena_destroy(arena)
    }

    var freer: KernelCFreer { KernelCFreer(arena: arena) }

    var failedAllocations: Int {
        let counts = cache.pointee.env.counts
        return counts.refill_failures + counts.oversize_failures
    }

    func figures(allocations: Int, bytesHandedOut: Int) -> CacheFigures? {
        let s = cache.pointee.env.counts
        let a = arena.pointee
        return CacheFigures(allocations: allocations, bytesHandedOut: bytesHandedOut, refills: s.refills,
                            fallbacks: s.fallbacks, reuses: s.reuses, pfmemallocDrops: s.pfmemalloc_drops,
                            highOrderFailures: s.high_order_failures, refillFailures: s.refill_failures,
                            bytesConsumed: s.bytes_opened - Self.unused(cache),
                            peakPinnedBytes: a.peak_pages_in_use << Int(a.page_shift))
    }

    mutating func tearDown() -> String? {
        Self.drain(cache)
        let inUse = arena.pointee.pages_in_use
        return inUse == 0 ? nil : "\(inUse) pages still in use in the C page allocator after draining"
    }

    mutating func resetPeak() { arena.pointee.peak_pages_in_use = arena.pointee.pages_in_use }

    /// The loop in C (kp_loops.c), calling the version's exported allocation function.
    static func allocBatch(_ allocator: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                           ops: Int, fragsz: Int, align: Int) {
        runAllocOnly(allocator.cache, slots, ops, UInt32(truncatingIfNeeded: fragsz), UInt32(truncatingIfNeeded: align))
    }

    static func cycle(_ allocator: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                      depth: Int, start: Int, ops: Int, align: Int, sizes: inout FixedSize) -> Int {
        kernelCycle(&allocator, slots: slots, depth: depth, start: start, ops: ops, align: align, sizes: &sizes)
    }

    static func cycle(_ allocator: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                      depth: Int, start: Int, ops: Int, align: Int, sizes: inout TableSizes) -> Int {
        kernelCycle(&allocator, slots: slots, depth: depth, start: start, ops: ops, align: align, sizes: &sizes)
    }

    /// The ring's loop in C (kp_loops.c), fixed sizes or a size table.
    @inline(__always)
    static func kernelCycle<S: FragmentSizes>(_ allocator: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                                              depth: Int, start: Int, ops: Int, align: Int, sizes: inout S) -> Int {
        let c = sizes.cSizes
        var drawn = c.drawn
        let next = runRing(allocator.cache, slots, depth, start, ops, UInt32(truncatingIfNeeded: c.fixed),
                           UInt32(truncatingIfNeeded: align), c.table.map { UnsafePointer($0) }, c.mask, &drawn)
        sizes.advance(drawnTo: drawn)
        return next
    }
}

// MARK: - One type per version: each names its C functions

/// v6.12 (mm/page_alloc.c, counting down).
struct CKernelV6_12: CKernelAllocator, ~Copyable {
    let cache: UnsafeMutablePointer<kp_cache>
    let arena: UnsafeMutablePointer<cfrag_arena>
    init(cache: UnsafeMutablePointer<kp_cache>, arena: UnsafeMutablePointer<cfrag_arena>) {
        self.cache = cache
        self.arena = arena
    }
    deinit { Self.release(cache, arena) }

    @inline(__always)
    mutating func alloc(_ fragsz: Int) -> UnsafeMutableRawPointer? {
        kp_v6_12_alloc(cache, UInt32(truncatingIfNeeded: fragsz))
    }
    @inline(__always)
    mutating func alloc(_ fragsz: Int, align: Int) -> UnsafeMutableRawPointer? {
        kp_v6_12_alloc_align(cache, UInt32(truncatingIfNeeded: fragsz), UInt32(truncatingIfNeeded: align))
    }
    static func drain(_ cache: UnsafeMutablePointer<kp_cache>) { kp_v6_12_drain(cache) }
    static func unused(_ cache: UnsafeMutablePointer<kp_cache>) -> Int { kp_v6_12_unused(cache) }
    static func runAllocOnly(_ cache: UnsafeMutablePointer<kp_cache>, _ slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                             _ ops: Int, _ fragsz: UInt32, _ align: UInt32) {
        kp_v6_12_run_alloc_only(cache, slots, ops, fragsz, align)
    }
    static func runRing(_ cache: UnsafeMutablePointer<kp_cache>, _ slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                        _ depth: Int, _ start: Int, _ ops: Int, _ fragsz: UInt32, _ align: UInt32,
                        _ table: UnsafePointer<UInt32>?, _ mask: Int, _ drawn: UnsafeMutablePointer<Int>) -> Int {
        kp_v6_12_run_ring(cache, slots, depth, start, ops, fragsz, align, table, mask, drawn)
    }
}

/// v6.13 (mm/page_frag_cache.c after Part-1, counting up).
struct CKernelV6_13: CKernelAllocator, ~Copyable {
    let cache: UnsafeMutablePointer<kp_cache>
    let arena: UnsafeMutablePointer<cfrag_arena>
    init(cache: UnsafeMutablePointer<kp_cache>, arena: UnsafeMutablePointer<cfrag_arena>) {
        self.cache = cache
        self.arena = arena
    }
    deinit { Self.release(cache, arena) }

    @inline(__always)
    mutating func alloc(_ fragsz: Int) -> UnsafeMutableRawPointer? {
        kp_v6_13_alloc(cache, UInt32(truncatingIfNeeded: fragsz))
    }
    @inline(__always)
    mutating func alloc(_ fragsz: Int, align: Int) -> UnsafeMutableRawPointer? {
        kp_v6_13_alloc_align(cache, UInt32(truncatingIfNeeded: fragsz), UInt32(truncatingIfNeeded: align))
    }
    static func drain(_ cache: UnsafeMutablePointer<kp_cache>) { kp_v6_13_drain(cache) }
    static func unused(_ cache: UnsafeMutablePointer<kp_cache>) -> Int { kp_v6_13_unused(cache) }
    static func runAllocOnly(_ cache: UnsafeMutablePointer<kp_cache>, _ slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                             _ ops: Int, _ fragsz: UInt32, _ align: UInt32) {
        kp_v6_13_run_alloc_only(cache, slots, ops, fragsz, align)
    }
    static func runRing(_ cache: UnsafeMutablePointer<kp_cache>, _ slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                        _ depth: Int, _ start: Int, _ ops: Int, _ fragsz: UInt32, _ align: UInt32,
                        _ table: UnsafePointer<UInt32>?, _ mask: Int, _ drawn: UnsafeMutablePointer<Int>) -> Int {
        kp_v6_13_run_ring(cache, slots, depth, start, ops, fragsz, align, table, mask, drawn)
    }
}

/// rfc-v11-pre08 (RFC v11 before 08/14: `remaining`, empty test in the fast path).
struct CKernelRFCv11Pre08: CKernelAllocator, ~Copyable {
    let cache: UnsafeMutablePointer<kp_cache>
    let arena: UnsafeMutablePointer<cfrag_arena>
    init(cache: UnsafeMutablePointer<kp_cache>, arena: UnsafeMutablePointer<cfrag_arena>) {
        self.cache = cache
        self.arena = arena
    }
    deinit { Self.release(cache, arena) }

    @inline(__always)
    mutating func alloc(_ fragsz: Int) -> UnsafeMutableRawPointer? {
        kp_rfc_v11_pre08_alloc(cache, UInt32(truncatingIfNeeded: fragsz))
    }
    @inline(__always)
    mutating func alloc(_ fragsz: Int, align: Int) -> UnsafeMutableRawPointer? {
        kp_rfc_v11_pre08_alloc_align(cache, UInt32(truncatingIfNeeded: fragsz), UInt32(truncatingIfNeeded: align))
    }
    static func drain(_ cache: UnsafeMutablePointer<kp_cache>) { kp_rfc_v11_pre08_drain(cache) }
    static func unused(_ cache: UnsafeMutablePointer<kp_cache>) -> Int { kp_rfc_v11_pre08_unused(cache) }
    static func runAllocOnly(_ cache: UnsafeMutablePointer<kp_cache>, _ slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                             _ ops: Int, _ fragsz: UInt32, _ align: UInt32) {
        kp_rfc_v11_pre08_run_alloc_only(cache, slots, ops, fragsz, align)
    }
    static func runRing(_ cache: UnsafeMutablePointer<kp_cache>, _ slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                        _ depth: Int, _ start: Int, _ ops: Int, _ fragsz: UInt32, _ align: UInt32,
                        _ table: UnsafePointer<UInt32>?, _ mask: Int, _ drawn: UnsafeMutablePointer<Int>) -> Int {
        kp_rfc_v11_pre08_run_ring(cache, slots, depth, start, ops, fragsz, align, table, mask, drawn)
    }
}

/// rfc-v11 (RFC v11 after 08/14: reload helpers, no empty test in the fast path).
struct CKernelRFCv11: CKernelAllocator, ~Copyable {
    let cache: UnsafeMutablePointer<kp_cache>
    let arena: UnsafeMutablePointer<cfrag_arena>
    init(cache: UnsafeMutablePointer<kp_cache>, arena: UnsafeMutablePointer<cfrag_arena>) {
        self.cache = cache
        self.arena = arena
    }
    deinit { Self.release(cache, arena) }

    @inline(__always)
    mutating func alloc(_ fragsz: Int) -> UnsafeMutableRawPointer? {
        kp_rfc_v11_alloc(cache, UInt32(truncatingIfNeeded: fragsz))
    }
    @inline(__always)
    mutating func alloc(_ fragsz: Int, align: Int) -> UnsafeMutableRawPointer? {
        kp_rfc_v11_alloc_align(cache, UInt32(truncatingIfNeeded: fragsz), UInt32(truncatingIfNeeded: align))
    }
    static func drain(_ cache: UnsafeMutablePointer<kp_cache>) { kp_rfc_v11_drain(cache) }
    static func unused(_ cache: UnsafeMutablePointer<kp_cache>) -> Int { kp_rfc_v11_unused(cache) }
    static func runAllocOnly(_ cache: UnsafeMutablePointer<kp_cache>, _ slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                             _ ops: Int, _ fragsz: UInt32, _ align: UInt32) {
        kp_rfc_v11_run_alloc_only(cache, slots, ops, fragsz, align)
    }
    static func runRing(_ cache: UnsafeMutablePointer<kp_cache>, _ slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                        _ depth: Int, _ start: Int, _ ops: Int, _ fragsz: UInt32, _ align: UInt32,
                        _ table: UnsafePointer<UInt32>?, _ mask: Int, _ drawn: UnsafeMutablePointer<Int>) -> Int {
        kp_rfc_v11_run_ring(cache, slots, depth, start, ops, fragsz, align, table, mask, drawn)
    }
}

/// part2-v2 (Part-2 v2 01/10: prepare + commit_noref, two calls per allocation).
struct CKernelPart2v2: CKernelAllocator, ~Copyable {
    let cache: UnsafeMutablePointer<kp_cache>
    let arena: UnsafeMutablePointer<cfrag_arena>
    init(cache: UnsafeMutablePointer<kp_cache>, arena: UnsafeMutablePointer<cfrag_arena>) {
        self.cache = cache
        self.arena = arena
    }
    deinit { Self.release(cache, arena) }

    @inline(__always)
    mutating func alloc(_ fragsz: Int) -> UnsafeMutableRawPointer? {
        kp_part2_v2_alloc(cache, UInt32(truncatingIfNeeded: fragsz))
    }
    @inline(__always)
    mutating func alloc(_ fragsz: Int, align: Int) -> UnsafeMutableRawPointer? {
        kp_part2_v2_alloc_align(cache, UInt32(truncatingIfNeeded: fragsz), UInt32(truncatingIfNeeded: align))
    }
    static func drain(_ cache: UnsafeMutablePointer<kp_cache>) { kp_part2_v2_drain(cache) }
    static func unused(_ cache: UnsafeMutablePointer<kp_cache>) -> Int { kp_part2_v2_unused(cache) }
    static func runAllocOnly(_ cache: UnsafeMutablePointer<kp_cache>, _ slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                             _ ops: Int, _ fragsz: UInt32, _ align: UInt32) {
        kp_part2_v2_run_alloc_only(cache, slots, ops, fragsz, align)
    }
    static func runRing(_ cache: UnsafeMutablePointer<kp_cache>, _ slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                        _ depth: Int, _ start: Int, _ ops: Int, _ fragsz: UInt32, _ align: UInt32,
                        _ table: UnsafePointer<UInt32>?, _ mask: Int, _ drawn: UnsafeMutablePointer<Int>) -> Int {
        kp_part2_v2_run_ring(cache, slots, depth, start, ops, fragsz, align, table, mask, drawn)
    }
}
