import FragCache

/// The kernel version ports (Sources/FragCache/Kernel) as workload allocators: `--impl swift
/// --variant v6.12` and the others. One concrete type per version, for the reason given in
/// FragmentAllocator.swift (each timed loop is compiled for one port).
/// The allocator owns the port's `PageAllocator` (a port does not keep it alive itself). The
/// conformers' memberwise initialisers satisfy `init(pageAllocator:cache:)`.
protocol SwiftKernelPortAllocator: SwiftPageFragAllocator, ~Copyable where Freer == PageArena {
    associatedtype Port: KernelPageFragPort
    var cache: Port { get set }
    init(pageAllocator: PageAllocator, cache: Port)
}

extension SwiftKernelPortAllocator where Self: ~Copyable {
    var cacheStats: FragCacheStats { cache.stats }
    var cacheRemaining: Int { cache.remaining }
    mutating func drainCache() { _ = cache.drain() }

    static func make(_ parameters: WorkloadParameters) throws(WorkloadError) -> Self {
        if let why = KernelPort.unsupportedReason(parameters.config) { throw .notApplicable(why) }
        let allocator = try makeAllocator(parameters)
        return Self(pageAllocator: allocator, cache: Port(allocator: allocator, config: parameters.config, gfp: .atomic))
    }

    @inline(__always)
    mutating func alloc(_ fragsz: Int) -> UnsafeMutableRawPointer? { cache.alloc(fragsz) }

    @inline(__always)
    mutating func alloc(_ fragsz: Int, align: Int) -> UnsafeMutableRawPointer? { cache.alloc(fragsz, align: align) }

    var freer: PageArena { cache.arena }
}

struct SwiftV6_12: SwiftKernelPortAllocator, ~Copyable {
    let pageAllocator: PageAllocator
    var cache: PageFragV6_12
}

struct SwiftV6_13: SwiftKernelPortAllocator, ~Copyable {
    let pageAllocator: PageAllocator
    var cache: PageFragV6_13
}

struct SwiftRFCv11Pre08: SwiftKernelPortAllocator, ~Copyable {
    let pageAllocator: PageAllocator
    var cache: PageFragRFCv11Pre08
}

struct SwiftRFCv11: SwiftKernelPortAllocator, ~Copyable {
    let pageAllocator: PageAllocator
    var cache: PageFragRFCv11
}

/// Part-2 also has the prepare/commit path TCP's sendmsg was to use (cross-thread --prepare).
struct SwiftPart2V2: SwiftKernelPortAllocator, ~Copyable {
    let pageAllocator: PageAllocator
    var cache: PageFragPart2V2

    static var hasPrepare: Bool { true }

    /// `page_frag_refill_prepare` then `page_frag_commit` of what was asked.
    @inline(__always)
    mutating func allocPrepared(_ fragsz: Int, align: Int) -> UnsafeMutableRawPointer? {
        var frag = PageFragPart2V2.Frag()
        guard let va = cache.prepare(fragsz, &frag, align: align) else { return nil }
        cache.commit(&frag, used: fragsz)
        return va
    }
}
