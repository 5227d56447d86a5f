import FragCache

/// What prepare-commit's writer (TCP's sendmsg) needs from the thing it copies into: room for
/// at least a minimum, then either a new fragment (a reference taken) or the last one
/// extended. Three conformers, one per scheme sendmsg has used or was to use:
/// - `FragCache`: the seed's prepare/commit (`--variant remaining`, the default);
/// - `Part2Sendmsg`: Part-2's `page_frag_refill_prepare` + `page_frag_commit[_noref]`
///   (`--variant part2-v2`);
/// - `SkPageFrag`: the socket's own page_frag before Part-2 (`--variant sk-page-frag`).
///
/// The writer's loop is a requirement (one per audit type), so that each conformer's witness
/// is the loop compiled for it (see FragmentAllocator.swift on why).
protocol SendmsgCache: ~Copyable {
    static func make(allocator: PageAllocator, config: FragCacheConfig) -> Self
    /// Room for at least `minimum` bytes at a multiple of `align`: the address, its offset in
    /// the page and the bytes available there; nil when no page can be had.
    mutating func sendmsgPrepare(_ minimum: Int, align: Int) -> (address: UnsafeMutableRawPointer, offset: Int, available: Int)?
    /// `n` bytes of the room as a new fragment, which takes a reference.
    mutating func sendmsgCommit(_ n: Int)
    /// `n` bytes extending the newest fragment: no reference.
    mutating func sendmsgCommitNoref(_ n: Int)
    mutating func sendmsgDrain()
    var sendmsgStats: FragCacheStats { get }
    var sendmsgRemaining: Int { get }

    static func write(_ cache: inout Self, state: inout WriterState, ops: Int,
                      ring: UnsafeMutablePointer<UnsafeMutableRawPointer?>, depth: Int, arena: PageArena,
                      sizes: UnsafeMutablePointer<UInt32>, sizeMask: Int, source: UnsafeMutablePointer<UInt8>,
                      align: Int, audit: inout NoAudit)
    static func write(_ cache: inout Self, state: inout WriterState, ops: Int,
                      ring: UnsafeMutablePointer<UnsafeMutableRawPointer?>, depth: Int, arena: PageArena,
                      sizes: UnsafeMutablePointer<UInt32>, sizeMask: Int, source: UnsafeMutablePointer<UInt8>,
                      align: Int, audit: inout ContentAudit)
}

extension SendmsgCache where Self: ~Copyable {
    static func write(_ cache: inout Self, state: inout WriterState, ops: Int,
                      ring: UnsafeMutablePointer<UnsafeMutableRawPointer?>, depth: Int, arena: PageArena,
                      sizes: UnsafeMutablePointer<UInt32>, sizeMask: Int, source: UnsafeMutablePointer<UInt8>,
                      align: Int, audit: inout NoAudit) {
        writeMessages(&cache, state: &state, ops: ops, ring: ring, depth: depth, arena: arena, sizes: sizes,
                      sizeMask: sizeMask, source: source, align: align, audit: &audit)
    }

    static func write(_ cache: inout Self, state: inout WriterState, ops: Int,
                      ring: UnsafeMutablePointer<UnsafeMutableRawPointer?>, depth: Int, arena: PageArena,
                      sizes: UnsafeMutablePointer<UInt32>, sizeMask: Int, source: UnsafeMutablePointer<UInt8>,
                      align: Int, audit: inout ContentAudit) {
        writeMessages(&cache, state: &state, ops: ops, ring: ring, depth: depth, arena: arena, sizes: sizes,
                      sizeMask: sizeMask, source: source, align: align, audit: &audit)
    }
}

extension PageFragCache: SendmsgCache where Layout == RemainingLayout {
    static func make(allocator: PageAllocator, config: FragCacheConfig) -> Self {
        Self(allocator: allocator, config: config)
    }

    @inline(__always)
    mutating func sendmsgPrepare(_ minimum: Int, align: Int) -> (address: UnsafeMutableRawPointer, offset: Int, available: Int)? {
        prepare(minimum, align: align).map { ($0.address, $0.offset, $0.available) }
    }

    @inline(__always)
    mutating func sendmsgCommit(_ n: Int) { commit(n) }

    @inline(__always)
    mutating func sendmsgCommitNoref(_ n: Int) { commitNoref(n) }

    mutating func sendmsgDrain() { drain() }
    var sendmsgStats: FragCacheStats { stats }
    var sendmsgRemaining: Int { remaining }
}

/// Part-2's sendmsg: the `struct page_frag` that prepare fills travels to the commit.
struct Part2Sendmsg: SendmsgCache {
    var cache: PageFragPart2V2
    var frag = PageFragPart2V2.Frag()

    static func make(allocator: PageAllocator, config: FragCacheConfig) -> Self {
        Self(cache: PageFragPart2V2(allocator: allocator, config: config))
    }

    /// `page_frag_refill_prepare[_align]` (header inline over the exported prepare).
    @inline(__always)
    mutating func sendmsgPrepare(_ minimum: Int, align: Int) -> (address: UnsafeMutableRawPointer, offset: Int, available: Int)? {
        guard let va = cache.prepare(minimum, &frag, align: align) else { return nil }
        return (va, Int(frag.offset), Int(frag.size))
    }

    @inline(__always)
    mutating func sendmsgCommit(_ n: Int) { cache.commit(&frag, used: n) }

    @inline(__always)
    mutating func sendmsgCommitNoref(_ n: Int) { cache.commitNoref(&frag, used: n) }

    mutating func sendmsgDrain() { _ = cache.drain() }
    var sendmsgStats: FragCacheStats { cache.stats }
    var sendmsgRemaining: Int { cache.remaining }
}

extension SkPageFrag: SendmsgCache {
    static func make(allocator: PageAllocator, config: FragCacheConfig) -> Self {
        Self(allocator: allocator, config: config)
    }

    /// tcp_sendmsg has no alignment: `align` is 1 here (the workload refuses others).
    @inline(__always)
    mutating func sendmsgPrepare(_ minimum: Int, align: Int) -> (address: UnsafeMutableRawPointer, offset: Int, available: Int)? {
        prepare(minimum)
    }

    @inline(__always)
    mutating func sendmsgCommit(_ n: Int) { commit(n) }

    @inline(__always)
    mutating func sendmsgCommitNoref(_ n: Int) { commitNoref(n) }

    mutating func sendmsgDrain() { drain() }
    var sendmsgStats: FragCacheStats { stats }
    var sendmsgRemaining: Int { remaining }
}
