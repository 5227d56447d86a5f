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

    /// Which version (the C entry points that dispatch on it: loops, drain, figures).
    static var version: kp_version { get }
    /// The version's `page_frag_alloc` and `page_frag_alloc_align` (header inlines over its
    /// exported function): constants, so each call compiles to a direct call.
    static var allocate: @convention(c) (UnsafeMutablePointer<kp_cache>?, UInt32) -> UnsafeMutableRawPointer? { get }
    static var allocateAligned: @convention(c) (UnsafeMutablePointer<kp_cache>?, UInt32, UInt32) -> UnsafeMutableRawPointer? { get }
}

extension CKernelAllocator where Self: ~Copyable {
    static var implementation: Implementation { .c }

    static func make(_ parameters: WorkloadParameters) throws(WorkloadError) -> Self {
        let arena = try makeCArena(parameters)
        let cache = UnsafeMutablePointer<kp_cache>.allocate(capacity: 1)
        kp_cache_init(cache, arena, UInt32(parameters.config.maxSize))
        return Self(cache: cache, arena: arena)
    }

    /// What every conformer's deinit does.
    static func release(_ cache: UnsafeMutablePointer<kp_cache>, _ arena: UnsafeMutablePointer<cfrag_arena>) {
        kp_drain(version, cache)
        cache.deallocate()
        cfrag_arena_destroy(arena)
    }

    @inline(__always)
    mutating func alloc(_ fragsz: Int) -> UnsafeMutableRawPointer? {
        Self.allocate(cache, UInt32(truncatingIfNeeded: fragsz))
    }

    @inline(__always)
    mutating func alloc(_ fragsz: Int, align: Int) -> UnsafeMutableRawPointer? {
        Self.allocateAligned(cache, UInt32(truncatingIfNeeded: fragsz), UInt32(truncatingIfNeeded: align))
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
                            bytesConsumed: s.bytes_opened - kp_unused(Self.version, cache),
                            peakPinnedBytes: a.peak_pages_in_use << Int(a.page_shift))
    }

    mutating func tearDown() -> String? {
        kp_drain(Self.version, cache)
        let inUse = arena.pointee.pages_in_use
        return inUse == 0 ? nil : "\(inUse) pages still in use in the C page allocator after draining"
    }

    mutating func resetPeak() { arena.pointee.peak_pages_in_use = arena.pointee.pages_in_use }

    /// The loop in C (kp_loops.c), calling the version's exported allocation function.
    static func allocBatch(_ allocator: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                           ops: Int, fragsz: Int, align: Int) {
        kp_run_alloc_only(version, allocator.cache, slots, ops, UInt32(truncatingIfNeeded: fragsz), UInt32(truncatingIfNeeded: align))
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
        let next = kp_run_ring(version, allocator.cache, slots, depth, start, ops, UInt32(truncatingIfNeeded: c.fixed),
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
    deinit { Self.release(cache, arena) }

    static var allocate: @convention(c) (UnsafeMutablePointer<kp_cache>?, UInt32) -> UnsafeMutableRawPointer? { kp_v6_12_alloc }
    static var allocateAligned: @convention(c) (UnsafeMutablePointer<kp_cache>?, UInt32, UInt32) -> UnsafeMutableRawPointer? { kp_v6_12_alloc_align }
    static var version: kp_version { KP_V6_12 }
}

/// v6.13 (mm/page_frag_cache.c after Part-1, counting up).
struct CKernelV6_13: CKernelAllocator, ~Copyable {
    let cache: UnsafeMutablePointer<kp_cache>
    let arena: UnsafeMutablePointer<cfrag_arena>
    deinit { Self.release(cache, arena) }

    static var allocate: @convention(c) (UnsafeMutablePointer<kp_cache>?, UInt32) -> UnsafeMutableRawPointer? { kp_v6_13_alloc }
    static var allocateAligned: @convention(c) (UnsafeMutablePointer<kp_cache>?, UInt32, UInt32) -> UnsafeMutableRawPointer? { kp_v6_13_alloc_align }
    static var version: kp_version { KP_V6_13 }
}

/// rfc-v11-pre08 (RFC v11 before 08/14: `remaining`, empty test in the fast path).
struct CKernelRFCv11Pre08: CKernelAllocator, ~Copyable {
    let cache: UnsafeMutablePointer<kp_cache>
    let arena: UnsafeMutablePointer<cfrag_arena>
    deinit { Self.release(cache, arena) }

    static var allocate: @convention(c) (UnsafeMutablePointer<kp_cache>?, UInt32) -> UnsafeMutableRawPointer? { kp_rfc_v11_pre08_alloc }
    static var allocateAligned: @convention(c) (UnsafeMutablePointer<kp_cache>?, UInt32, UInt32) -> UnsafeMutableRawPointer? { kp_rfc_v11_pre08_alloc_align }
    static var version: kp_version { KP_RFC_V11_PRE08 }
}

/// rfc-v11 (RFC v11 after 08/14: reload helpers, no empty test in the fast path).
struct CKernelRFCv11: CKernelAllocator, ~Copyable {
    let cache: UnsafeMutablePointer<kp_cache>
    let arena: UnsafeMutablePointer<cfrag_arena>
    deinit { Self.release(cache, arena) }

    static var allocate: @convention(c) (UnsafeMutablePointer<kp_cache>?, UInt32) -> UnsafeMutableRawPointer? { kp_rfc_v11_alloc }
    static var allocateAligned: @convention(c) (UnsafeMutablePointer<kp_cache>?, UInt32, UInt32) -> UnsafeMutableRawPointer? { kp_rfc_v11_alloc_align }
    static var version: kp_version { KP_RFC_V11 }
}

/// part2-v2 (Part-2 v2 01/10: prepare + commit_noref, two calls per allocation).
struct CKernelPart2v2: CKernelAllocator, ~Copyable {
    let cache: UnsafeMutablePointer<kp_cache>
    let arena: UnsafeMutablePointer<cfrag_arena>
    deinit { Self.release(cache, arena) }

    static var allocate: @convention(c) (UnsafeMutablePointer<kp_cache>?, UInt32) -> UnsafeMutableRawPointer? { kp_part2_v2_alloc }
    static var allocateAligned: @convention(c) (UnsafeMutablePointer<kp_cache>?, UInt32, UInt32) -> UnsafeMutableRawPointer? { kp_part2_v2_alloc_align }
    static var version: kp_version { KP_PART2_V2 }
}
