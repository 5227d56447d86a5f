#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CFragCacheC
import FragCache

/// What a workload allocates fragments from: the Swift cache (any layout), the C cache, or a
/// malloc-family peer. Workloads are generic over it, so each timed loop is specialised for
/// one implementation: no existentials, no dynamic dispatch, no reference counting inside.
protocol FragmentAllocator: ~Copyable {
    /// The side that frees, a trivially copyable value usable from any thread.
    associatedtype Freer: FragmentFreer

    static var implementation: Implementation { get }
    /// Sets up the allocator (and its page allocator, for the caches) for `parameters`.
    static func make(_ parameters: WorkloadParameters) throws(WorkloadError) -> Self

    mutating func alloc(_ fragsz: Int) -> UnsafeMutableRawPointer?
    /// `align` is a power of two up to the page size.
    mutating func alloc(_ fragsz: Int, align: Int) -> UnsafeMutableRawPointer?
    var freer: Freer { get }

    /// Allocations that returned nil so far (the caches count them on their slow path).
    var failedAllocations: Int { get }
    /// The cache's figures, or nil for a peer (which has none).
    func figures(allocations: Int, bytesHandedOut: Int) -> CacheFigures?
    /// Drains the cache and reports a page leak, if any.
    mutating func tearDown() -> String?

    /// Restarts the page allocator's peak (the caches; nothing for peers).
    mutating func resetPeak()

    /// Fragments the page allocator's arena (`ArenaFragmentation`): the pages pinned, or nil
    /// where the allocator has no arena of the model's (C, peers).
    func fragmentArena(_ fragmentation: ArenaFragmentation) -> Int?
    /// Gives back what `fragmentArena` pinned.
    func unfragmentArena()

    /// prepare(fragsz, align) + commit(fragsz), the kernel test's `test_prepare` path: the
    /// Swift cache only (the workloads refuse it for the others before they run).
    mutating func allocPrepared(_ fragsz: Int, align: Int) -> UnsafeMutableRawPointer?
    /// Whether `allocPrepared` exists (a constant per conformer).
    static var hasPrepare: Bool { get }

    /// alloc-only's timed loop: `ops` allocations stored in `slots`.
    static func allocBatch(_ allocator: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                           ops: Int, fragsz: Int, align: Int)

    /// The ring's timed loop: `ops` × (allocate, free the oldest); returns the next slot.
    /// Non-generic over the sizes (one requirement per source) so that the witness, and the
    /// loop in it, is compiled for a concrete size source too.
    static func cycle(_ allocator: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                      depth: Int, start: Int, ops: Int, align: Int, sizes: inout FixedSize) -> Int
    static func cycle(_ allocator: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                      depth: Int, start: Int, ops: Int, align: Int, sizes: inout TableSizes) -> Int

    /// cross-thread's producer loop (see `CrossThreadRunner`); returns the new tail.
    /// `freeWhenFull`: the kernel test's handling of a full ring (`RingFullPolicy.free`).
    static func produce(_ allocator: inout Self, channel: SPSCChannel, ops: Int, pushed: Int,
                        fragsz: Int, align: Int, prepared: Bool, freeWhenFull: Bool) -> Int

    /// free-only's timed loop, and the free phase of a ring's alloc/free split: frees the
    /// fragments in `slots[0..<ops]` (nil entries skipped) from the owning thread.
    static func freeBatch(_ allocator: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>, ops: Int)
    /// The allocation phase of mixed's alloc/free split: `ops` fragments of the table's sizes.
    static func allocSizedBatch(_ allocator: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                                ops: Int, align: Int, sizes: inout TableSizes)
}

// Why requirements rather than extension methods: the runners are generic classes, whose
// methods run unspecialised (they are reached through the class's vtable from `any
// WorkloadRunner`). A requirement's witness belongs to the concrete conforming type, so the
// loop behind it is compiled for that type: every conformer below is a concrete type for that
// reason (no generic conformer, whose witnesses would be generic too).

extension FragmentAllocator where Self: ~Copyable {
    /// cross-thread's producer loop, specialised per conformer (see `CrossThreadRunner`).
    static func produce(_ allocator: inout Self, channel: SPSCChannel, ops: Int, pushed: Int,
                        fragsz: Int, align: Int, prepared: Bool, freeWhenFull: Bool) -> Int {
        if prepared {
            precondition(Self.hasPrepare, "cross-thread --prepare on \(Self.implementation.rawValue), which has no prepare/commit")
            return produceLoop(&allocator, channel: channel, ops: ops, pushed: pushed, freeWhenFull: freeWhenFull) {
                $0.allocPrepared(fragsz, align: align)
            }
        } else if align == 1 {
            return produceLoop(&allocator, channel: channel, ops: ops, pushed: pushed, freeWhenFull: freeWhenFull) { $0.alloc(fragsz) }
        } else {
            return produceLoop(&allocator, channel: channel, ops: ops, pushed: pushed, freeWhenFull: freeWhenFull) {
                $0.alloc(fragsz, align: align)
            }
        }
    }

    mutating func allocPrepared(_ fragsz: Int, align: Int) -> UnsafeMutableRawPointer? { nil }
    static var hasPrepare: Bool { false }

    /// alloc-only's timed loop in Swift; the C cache replaces it with the same loop in C.
    @inline(__always)
    static func allocBatch(_ allocator: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                                  ops: Int, fragsz: Int, align: Int) {
        if align == 1 {
            for i in 0 ..< ops { slots[i] = allocator.alloc(fragsz) }
        } else {
            for i in 0 ..< ops { slots[i] = allocator.alloc(fragsz, align: align) }
        }
    }
}

protocol FragmentFreer: Sendable {
    func free(_ fragment: UnsafeMutableRawPointer)
    /// Whether the consumer frees in runs (`freeRun`, up to `runLength` at a time) instead of
    /// one by one: a constant per conformer, so the other consumer loop is compiled out.
    static var freesInRuns: Bool { get }
    func freeRun(_ fragments: UnsafeMutablePointer<UnsafeMutableRawPointer?>, count: Int)
    var runLength: Int { get }
    /// Frees `fragments[0..<count]` (nil entries skipped) by the cheapest correct means, for
    /// untimed clean-up (alloc-only's end of batch): its cost is not measured, but it is wall
    /// time between two builds' samples in a pairing, where shorter pairs pair better.
    func freeAll(_ fragments: UnsafeMutablePointer<UnsafeMutableRawPointer?>, count: Int)
}

extension FragmentFreer {
    static var freesInRuns: Bool { false }
    func freeRun(_ fragments: UnsafeMutablePointer<UnsafeMutableRawPointer?>, count: Int) {
        for i in 0 ..< count { if let p = fragments[i] { free(p) } }
    }
    var runLength: Int { 1 }
    func freeAll(_ fragments: UnsafeMutablePointer<UnsafeMutableRawPointer?>, count: Int) {
        freeRun(fragments, count: count)
    }
}

/// Why peers report no cache figures.
let notAPageFragCache = "not a page_frag cache"

// MARK: - The Swift model

extension PageArena: FragmentFreer {
    @inline(__always)
    func free(_ fragment: UnsafeMutableRawPointer) { freeFragment(fragment) }
    /// One reference drop per run of fragments on the same page (what an alloc-only batch
    /// is: runs of a page's fragments in order), not one atomic per fragment.
    func freeAll(_ fragments: UnsafeMutablePointer<UnsafeMutableRawPointer?>, count: Int) {
        freeFragments(fragments, count: count)
    }
}

/// What every Swift page_frag cache over the model's page allocator reports the same way: the
/// lab's layouts (`SwiftCacheAllocator`) and the kernel version ports
/// (`SwiftKernelPortAllocator`).
protocol SwiftPageFragAllocator: FragmentAllocator, ~Copyable {
    var pageAllocator: PageAllocator { get }
    var cacheStats: FragCacheStats { get }
    /// Bytes still free in the page the cache holds.
    var cacheRemaining: Int { get }
    /// `page_frag_cache_drain`.
    mutating func drainCache()
}

extension SwiftPageFragAllocator where Self: ~Copyable {
    static var implementation: Implementation { .swift }

    var failedAllocations: Int {
        let stats = cacheStats
        return stats.refillFailures + stats.oversizeFailures
    }

    func figures(allocations: Int, bytesHandedOut: Int) -> CacheFigures? {
        CacheFigures.from(stats: cacheStats, remaining: cacheRemaining, allocator: pageAllocator.stats,
                          pageSize: pageAllocator.pageSize, allocations: allocations, bytesHandedOut: bytesHandedOut)
    }

    mutating func tearDown() -> String? {
        drainCache()
        return leakReport(pageAllocator)
    }

    mutating func resetPeak() { pageAllocator.resetPeak() }

    func fragmentArena(_ fragmentation: ArenaFragmentation) -> Int? {
        pageAllocator.fragment(maxFreeOrder: fragmentation.maxFreeOrder, fraction: fragmentation.fraction)
    }

    func unfragmentArena() { pageAllocator.unfragment() }
}

/// The Swift model with its own page allocator; one concrete type per layout (see above).
protocol SwiftCacheAllocator: SwiftPageFragAllocator, ~Copyable where Freer == PageArena {
    associatedtype Layout: FragLayout
    var cache: PageFragCache<Layout> { get set }
    init(pageAllocator: PageAllocator, cache: consuming PageFragCache<Layout>)
}

extension SwiftCacheAllocator where Self: ~Copyable {
    var cacheStats: FragCacheStats { cache.stats }
    var cacheRemaining: Int { cache.remaining }
    mutating func drainCache() { cache.drain() }

    static func make(_ parameters: WorkloadParameters) throws(WorkloadError) -> Self {
        let allocator = try makeAllocator(parameters)
        return Self(pageAllocator: allocator, cache: PageFragCache<Layout>(allocator: allocator, config: parameters.config))
    }

    @inline(__always)
    mutating func alloc(_ fragsz: Int) -> UnsafeMutableRawPointer? { cache.allocVA(fragsz) }

    @inline(__always)
    mutating func alloc(_ fragsz: Int, align: Int) -> UnsafeMutableRawPointer? { cache.allocVA(fragsz, align: align) }

    var freer: PageArena { cache.arena }

    static var hasPrepare: Bool { Layout.supportsPrepare }

    @inline(__always)
    mutating func allocPrepared(_ fragsz: Int, align: Int) -> UnsafeMutableRawPointer? {
        guard let area = cache.prepare(fragsz, align: align) else { return nil }
        cache.commit(fragsz)
        return area.address
    }
}

struct SwiftRemaining: SwiftCacheAllocator, ~Copyable {
    let pageAllocator: PageAllocator
    var cache: PageFragCache<RemainingLayout>
    init(pageAllocator: PageAllocator, cache: consuming PageFragCache<RemainingLayout>) {
        self.pageAllocator = pageAllocator
        self.cache = cache
    }
}

struct SwiftOffsetUp: SwiftCacheAllocator, ~Copyable {
    let pageAllocator: PageAllocator
    var cache: PageFragCache<OffsetUpLayout>
    init(pageAllocator: PageAllocator, cache: consuming PageFragCache<OffsetUpLayout>) {
        self.pageAllocator = pageAllocator
        self.cache = cache
    }
}

struct SwiftOffsetDown: SwiftCacheAllocator, ~Copyable {
    let pageAllocator: PageAllocator
    var cache: PageFragCache<OffsetDownLayout>
    init(pageAllocator: PageAllocator, cache: consuming PageFragCache<OffsetDownLayout>) {
        self.pageAllocator = pageAllocator
        self.cache = cache
    }
}

// MARK: - The C cache

struct CArenaFreer: FragmentFreer, @unchecked Sendable {
    let arena: UnsafeMutablePointer<cfrag_arena>
    @inline(__always)
    func free(_ fragment: UnsafeMutableRawPointer) { _ = cfrag_free(arena, fragment) }
}

/// The C page allocator for one workload (the C twin's and the C kernel twins'), resident as
/// `makeAllocator` makes the Swift model's (and kept for the next arena of its size).
func makeCArena(_ parameters: WorkloadParameters) throws(WorkloadError) -> UnsafeMutablePointer<cfrag_arena> {
    guard let arena = cfrag_arena_create(UInt32(parameters.config.pageSize), parameters.arenaBytes, 0) else {
        throw .setupFailed("the C page allocator could not map \(parameters.arenaBytes) bytes")
    }
    return arena
}

/// The C cache (Sources/CFragCacheC) over its own C page allocator.
struct CFragAllocator: FragmentAllocator, ~Copyable {
    /// Safe: allocated in `make`, freed in deinit; the arena outlives every fragment because
    /// workloads free or drain everything before they let this go.
    let cache: UnsafeMutablePointer<cfrag_cache>
    let arena: UnsafeMutablePointer<cfrag_arena>

    static var implementation: Implementation { .c }

    static func make(_ parameters: WorkloadParameters) throws(WorkloadError) -> Self {
        let arena = try makeCArena(parameters)
        let cache = UnsafeMutablePointer<cfrag_cache>.allocate(capacity: 1)
        cfrag_cache_init(cache, arena, UInt32(parameters.config.maxSize))
        return Self(cache: cache, arena: arena)
    }

    deinit {
        _ = cfrag_cache_drain(cache)
        cache.deallocate()
        cfrag_arena_destroy(arena)
    }

    @inline(__always)
    mutating func alloc(_ fragsz: Int) -> UnsafeMutableRawPointer? { cfrag_alloc(cache, fragsz) }

    @inline(__always)
    mutating func alloc(_ fragsz: Int, align: Int) -> UnsafeMutableRawPointer? {
        cfrag_alloc_align(cache, fragsz, UInt32(truncatingIfNeeded: align &- 1))
    }

    var freer: CArenaFreer { CArenaFreer(arena: arena) }

    var failedAllocations: Int { cache.pointee.stats.refill_failures + cache.pointee.stats.oversize_failures }

    func figures(allocations: Int, bytesHandedOut: Int) -> CacheFigures? {
        let s = cache.pointee.stats
        let a = arena.pointee
        return CacheFigures(allocations: allocations, bytesHandedOut: bytesHandedOut, refills: s.refills,
                            fallbacks: s.fallbacks, reuses: s.reuses, pfmemallocDrops: s.pfmemalloc_drops,
                            highOrderFailures: s.high_order_failures, refillFailures: s.refill_failures,
                            bytesConsumed: s.bytes_opened - Int(cache.pointee.remaining),
                            peakPinnedBytes: a.peak_pages_in_use << Int(a.page_shift))
    }

    mutating func tearDown() -> String? {
        _ = cfrag_cache_drain(cache)
        let inUse = arena.pointee.pages_in_use
        return inUse == 0 ? nil : "\(inUse) pages still in use in the C page allocator after draining"
    }

    mutating func resetPeak() { arena.pointee.peak_pages_in_use = arena.pointee.pages_in_use }

    /// The loop in C (cfrag_run_alloc_only), compiled at -O2: the parity reference.
    static func allocBatch(_ allocator: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                                  ops: Int, fragsz: Int, align: Int) {
        cfrag_run_alloc_only(allocator.cache, slots, ops, fragsz, UInt32(truncatingIfNeeded: align &- 1))
    }

    static func cycle(_ allocator: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                      depth: Int, start: Int, ops: Int, align: Int, sizes: inout FixedSize) -> Int {
        cCycle(&allocator, slots: slots, depth: depth, start: start, ops: ops, align: align, sizes: &sizes)
    }

    static func cycle(_ allocator: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                      depth: Int, start: Int, ops: Int, align: Int, sizes: inout TableSizes) -> Int {
        cCycle(&allocator, slots: slots, depth: depth, start: start, ops: ops, align: align, sizes: &sizes)
    }

    /// The ring's loop in C (cfrag_run_ring), fixed sizes or a size table.
    @inline(__always)
    static func cCycle<S: FragmentSizes>(_ allocator: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                                         depth: Int, start: Int, ops: Int, align: Int, sizes: inout S) -> Int {
        let c = sizes.cSizes
        var drawn = c.drawn
        let next = cfrag_run_ring(allocator.cache, slots, depth, start, ops, c.fixed,
                                  UInt32(truncatingIfNeeded: align &- 1), c.table, c.mask, &drawn)
        sizes.advance(drawnTo: drawn)
        return next
    }
}

// MARK: - malloc-family peers

/// One general-purpose allocator's three entry points (allocate, allocate aligned, free) as raw
/// C function addresses: glibc's own, or jemalloc's / mimalloc's non-replacing ones found with
/// dlopen + dlsym (the process's malloc is never swapped). Each `PeerKind` knows their C types
/// and calls them directly (one indirect call, as a PLT call would be).
struct PeerEntryPoints: @unchecked Sendable {
    let alloc: UnsafeMutableRawPointer
    let alignedAlloc: UnsafeMutableRawPointer
    let free: UnsafeMutableRawPointer

    /// The entry points of `impl`, or why they cannot be had.
    static func load(_ impl: Implementation) -> Result<PeerEntryPoints, WorkloadError> {
        switch impl {
        case .malloc: return loaded.glibc
        case .jemalloc: return loaded.jemalloc
        case .mimalloc: return loaded.mimalloc
        case .swift, .c: return .failure(.invalid("\(impl.rawValue) is not a malloc-family peer"))
        }
    }

    private struct Loaded: @unchecked Sendable {
        var glibc: Result<PeerEntryPoints, WorkloadError>
        var jemalloc: Result<PeerEntryPoints, WorkloadError>
        var mimalloc: Result<PeerEntryPoints, WorkloadError>
    }

    /// Loaded once per process; the libraries stay loaded.
    private static let loaded = Loaded(
        glibc: load(nil, name: "glibc", package: "libc6", ["malloc", "posix_memalign", "free"]),
        // mallocx / dallocx are jemalloc's own names: MALLOCX_ALIGN(a) is log2(a) in the flags.
        jemalloc: load("libjemalloc.so.2", name: "jemalloc", package: "libjemalloc-dev", ["mallocx", "mallocx", "dallocx"]),
        mimalloc: load("libmimalloc.so.2", name: "mimalloc", package: "libmimalloc-dev", ["mi_malloc", "mi_malloc_aligned", "mi_free"]))

    /// `library` nil: the process's own symbols (glibc's malloc, already in use).
    private static func load(_ library: String?, name: String, package: String, _ symbols: [String]) -> Result<PeerEntryPoints, WorkloadError> {
        let handle: UnsafeMutableRawPointer?
        if let library {
            handle = dlopen(library, RTLD_NOW | RTLD_LOCAL)
        } else {
            handle = dlopen(nil, RTLD_NOW)
        }
        guard let handle else {
            let why = dlerror().map { String(cString: $0) } ?? "dlopen failed"
            if why.contains("static TLS") {
                return .failure(.notApplicable("\(name) cannot be loaded with dlopen without surplus static TLS: run with GLIBC_TUNABLES=glibc.rtld.optional_static_tls=65536 (fragbench run/peers set it themselves): \(why)"))
            }
            return .failure(.notApplicable("\(name) is not installed (apt-get install \(package), or make deps): \(why)"))
        }
        var found: [UnsafeMutableRawPointer] = []
        for symbol in symbols {
            guard let address = dlsym(handle, symbol) else {
                return .failure(.notApplicable("\(library ?? "the process") has no \(symbol)"))
            }
            found.append(address)
        }
        return .success(PeerEntryPoints(alloc: found[0], alignedAlloc: found[1], free: found[2]))
    }
}

/// Names a peer at the type level and knows its entry points' C types, so each peer's loops
/// are their own specialisation with direct calls through the loaded addresses.
protocol PeerKind {
    static var implementation: Implementation { get }
    static func alloc(_ e: PeerEntryPoints, _ size: Int) -> UnsafeMutableRawPointer?
    static func alloc(_ e: PeerEntryPoints, _ size: Int, align: Int) -> UnsafeMutableRawPointer?
    static func free(_ e: PeerEntryPoints, _ p: UnsafeMutableRawPointer)
}

enum GlibcMalloc: PeerKind {
    typealias Malloc = @convention(c) (Int) -> UnsafeMutableRawPointer?
    typealias PosixMemalign = @convention(c) (UnsafeMutablePointer<UnsafeMutableRawPointer?>, Int, Int) -> Int32
    typealias Free = @convention(c) (UnsafeMutableRawPointer?) -> Void
    static var implementation: Implementation { .malloc }
    @inline(__always)
    static func alloc(_ e: PeerEntryPoints, _ size: Int) -> UnsafeMutableRawPointer? {
        unsafeBitCast(e.alloc, to: Malloc.self)(size)
    }
    @inline(__always)
    static func alloc(_ e: PeerEntryPoints, _ size: Int, align: Int) -> UnsafeMutableRawPointer? {
        var p: UnsafeMutableRawPointer?
        // posix_memalign needs at least pointer alignment.
        let rc = unsafeBitCast(e.alignedAlloc, to: PosixMemalign.self)(&p, max(align, 8), size)
        return rc == 0 ? p : nil
    }
    @inline(__always)
    static func free(_ e: PeerEntryPoints, _ p: UnsafeMutableRawPointer) {
        unsafeBitCast(e.free, to: Free.self)(p)
    }
}

enum Jemalloc: PeerKind {
    typealias Mallocx = @convention(c) (Int, Int32) -> UnsafeMutableRawPointer?
    typealias Dallocx = @convention(c) (UnsafeMutableRawPointer?, Int32) -> Void
    static var implementation: Implementation { .jemalloc }
    @inline(__always)
    static func alloc(_ e: PeerEntryPoints, _ size: Int) -> UnsafeMutableRawPointer? {
        unsafeBitCast(e.alloc, to: Mallocx.self)(size, 0)
    }
    @inline(__always)
    static func alloc(_ e: PeerEntryPoints, _ size: Int, align: Int) -> UnsafeMutableRawPointer? {
        unsafeBitCast(e.alignedAlloc, to: Mallocx.self)(size, Int32(align.trailingZeroBitCount))
    }
    @inline(__always)
    static func free(_ e: PeerEntryPoints, _ p: UnsafeMutableRawPointer) {
        unsafeBitCast(e.free, to: Dallocx.self)(p, 0)
    }
}

enum Mimalloc: PeerKind {
    typealias Malloc = @convention(c) (Int) -> UnsafeMutableRawPointer?
    typealias MallocAligned = @convention(c) (Int, Int) -> UnsafeMutableRawPointer?
    typealias Free = @convention(c) (UnsafeMutableRawPointer?) -> Void
    static var implementation: Implementation { .mimalloc }
    @inline(__always)
    static func alloc(_ e: PeerEntryPoints, _ size: Int) -> UnsafeMutableRawPointer? {
        unsafeBitCast(e.alloc, to: Malloc.self)(size)
    }
    @inline(__always)
    static func alloc(_ e: PeerEntryPoints, _ size: Int, align: Int) -> UnsafeMutableRawPointer? {
        unsafeBitCast(e.alignedAlloc, to: MallocAligned.self)(size, align)
    }
    @inline(__always)
    static func free(_ e: PeerEntryPoints, _ p: UnsafeMutableRawPointer) {
        unsafeBitCast(e.free, to: Free.self)(p)
    }
}

struct PeerFreer<Kind: PeerKind>: FragmentFreer {
    let entry: PeerEntryPoints
    @inline(__always)
    func free(_ fragment: UnsafeMutableRawPointer) { Kind.free(entry, fragment) }
}

/// A malloc-family peer: each fragment is one block of that allocator. One concrete type per
/// peer (see above).
protocol PeerAllocator: FragmentAllocator, ~Copyable where Freer == PeerFreer<Kind> {
    associatedtype Kind: PeerKind
    var entry: PeerEntryPoints { get }
    var failures: Int { get set }
    init(entry: PeerEntryPoints)
}

extension PeerAllocator where Self: ~Copyable {
    static var implementation: Implementation { Kind.implementation }

    static func make(_ parameters: WorkloadParameters) throws(WorkloadError) -> Self {
        switch PeerEntryPoints.load(Kind.implementation) {
        case .success(let entry): return Self(entry: entry)
        case .failure(let error): throw error
        }
    }

    @inline(__always)
    mutating func alloc(_ fragsz: Int) -> UnsafeMutableRawPointer? {
        let p = Kind.alloc(entry, fragsz)
        if _slowPath(p == nil) { failures &+= 1 }
        return p
    }

    @inline(__always)
    mutating func alloc(_ fragsz: Int, align: Int) -> UnsafeMutableRawPointer? {
        let p = Kind.alloc(entry, fragsz, align: align)
        if _slowPath(p == nil) { failures &+= 1 }
        return p
    }

    var freer: PeerFreer<Kind> { PeerFreer(entry: entry) }
    var failedAllocations: Int { failures }
    func figures(allocations: Int, bytesHandedOut: Int) -> CacheFigures? { nil }
    mutating func tearDown() -> String? { nil }
}

struct GlibcAllocator: PeerAllocator {
    typealias Kind = GlibcMalloc
    let entry: PeerEntryPoints
    var failures = 0
    init(entry: PeerEntryPoints) { self.entry = entry }
}

struct JemallocAllocator: PeerAllocator {
    typealias Kind = Jemalloc
    let entry: PeerEntryPoints
    var failures = 0
    init(entry: PeerEntryPoints) { self.entry = entry }
}

struct MimallocAllocator: PeerAllocator {
    typealias Kind = Mimalloc
    let entry: PeerEntryPoints
    var failures = 0
    init(entry: PeerEntryPoints) { self.entry = entry }
}
