import FragCache

/// prepare-commit: a TCP-sendmsg-like writer (`tcp_sendmsg_locked` over `sk_page_frag`). Each
/// message is copied into the cache chunk by chunk: prepare at least 32 bytes, copy what fits,
/// then either `commitNoref` when the chunk starts exactly where the previous fragment ended on
/// the same page (TCP extends the skb's last frag: no new reference), or `commit` a new
/// fragment, which joins a ring of `depth` in-flight fragments (skbs awaiting their ACK); the
/// oldest is freed when the ring is full.
///
/// Message sizes are uniform in 1...2×fragsz, drawn once (seeded) into a table the timed loop
/// cycles through. The bytes come from a source buffer holding a byte stream with a period of
/// `streamPeriod` bytes, so every fragment holds consecutive stream bytes and a test can check
/// them (see `ContentAudit`).
///
/// One operation = one message (one or more prepare + memcpy + commit/commitNoref, plus the
/// frees of fragments leaving the ring). Figures: allocations = commits (counted in a register
/// in the loop: they depend on the cache's state), bytes = bytes copied = the message sizes.
///
/// The cache is any `SendmsgCache`: the seed's (`FragCache`), Part-2's, or the socket's own
/// page_frag that Part-2 was to replace.
final class PrepareCommitRunner<Cache: SendmsgCache & ~Copyable>: WorkloadRunner {
    /// TCP asks `sk_page_frag_refill` for at least this much room (32 bytes).
    static var minimumChunk: Int { 32 }
    /// A prime below every page size, so stream and page boundaries do not line up.
    static var streamPeriod: Int { 4093 }

    public let parameters: WorkloadParameters
    let allocator: PageAllocator
    var cache: Cache
    let table: SizeTable
    /// Safe: `streamPeriod + 2 × fragsz` bytes, so a copy of up to one whole message from any
    /// stream offset below the period stays inside; freed in deinit.
    let source: UnsafeMutablePointer<UInt8>
    /// Safe: `depth` entries; the `live` entries before `next` (cyclically) hold fragments.
    let ring: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    var writer = WriterState()
    /// Set by tests: check every fragment's bytes when it leaves the ring.
    var audit: ContentAudit?

    public init(_ parameters: WorkloadParameters) throws(WorkloadError) {
        try parameters.validate(as: .prepareCommit)
        self.parameters = parameters
        table = SizeTable(.uniform(1 ... 2 * parameters.fragsz), seed: parameters.seed)
        allocator = try makeAllocator(parameters)
        cache = Cache.make(allocator: allocator, config: parameters.config)
        let sourceBytes = Self.streamPeriod + 2 * parameters.fragsz
        source = .allocate(capacity: sourceBytes)
        for i in 0 ..< sourceBytes { source[i] = Self.streamByte(i % Self.streamPeriod) }
        ring = .allocate(capacity: parameters.depth)
        ring.initialize(repeating: nil, count: parameters.depth)
    }

    deinit {
        source.deallocate()
        ring.deallocate()
    }

    /// Byte `i` of the stream's period.
    static func streamByte(_ i: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: (i &* 0x9E37_79B1) >> 11)
    }

    public var fixedBatchSize: Int? { nil }
    public var maxBatchSize: Int? { nil }

    public func prepareBatch(_ ops: Int) {}

    public func runBatch(_ ops: Int) {
        if audit == nil {
            var none = NoAudit()
            runMessages(ops, audit: &none)
        } else {
            runMessages(ops, audit: &audit!)
        }
    }

    private func runMessages(_ ops: Int, audit: inout NoAudit) {
        Cache.write(&cache, state: &writer, ops: ops, ring: ring, depth: parameters.depth,
                    arena: allocator.arena, sizes: table.sizes, sizeMask: table.mask,
                    source: source, align: parameters.align, audit: &audit)
    }

    private func runMessages(_ ops: Int, audit: inout ContentAudit) {
        Cache.write(&cache, state: &writer, ops: ops, ring: ring, depth: parameters.depth,
                    arena: allocator.arena, sizes: table.sizes, sizeMask: table.mask,
                    source: source, align: parameters.align, audit: &audit)
    }

    public func finishBatch() {}

    public func figures() -> CacheFigures {
        CacheFigures.from(stats: cache.sendmsgStats, remaining: cache.sendmsgRemaining, allocator: allocator.stats,
                          pageSize: parameters.config.pageSize, allocations: writer.commits,
                          bytesHandedOut: table.bytes(ofFirst: writer.messages) - writer.droppedBytes,
                          operations: writer.messages)
    }

    /// Messages written so far.
    public var messages: Int { writer.messages }

    public func tearDown() -> String? {
        let arena = allocator.arena
        for slot in 0 ..< parameters.depth {
            guard let fragment = ring[slot] else { continue }
            audit?.releasing(slot: slot, fragment: fragment)
            arena.freeFragment(fragment)
            ring[slot] = nil
        }
        writer.live = 0
        writer.lastEnd = 0
        cache.sendmsgDrain()
        return leakReport(allocator)
    }
}

/// The writer's position, kept between batches.
struct WriterState {
    /// The ring slot the next new fragment goes to (the oldest one's when the ring is full).
    var next = 0
    var live = 0
    /// Address just past the last bytes committed; 0 before the first.
    var lastEnd: UInt = 0
    /// Where the next copy starts in the source stream, below the period.
    var sourceOffset = 0
    /// Messages written (table draws).
    var messages = 0
    var commits = 0
    /// Bytes of messages that could not be copied because no page could be had.
    var droppedBytes = 0
}

/// prepare-commit's timed loop, for any cache. Everything it touches is a local or behind a
/// raw pointer. Reached through `SendmsgCache.write` (a requirement), so it is compiled for the
/// concrete cache.
@inline(__always)
func writeMessages<C: SendmsgCache & ~Copyable, A: CopyAudit>(
    _ cache: inout C, state: inout WriterState, ops: Int, ring: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
    depth: Int, arena: PageArena, sizes: UnsafeMutablePointer<UInt32>, sizeMask: Int,
    source: UnsafeMutablePointer<UInt8>, align: Int, audit: inout A
) {
        var next = state.next
        var live = state.live
        var lastEnd = state.lastEnd
        var offset = state.sourceOffset
        var drawn = state.messages
        var commits = 0
        for _ in 0 ..< ops {
            // Safe: the mask keeps the index inside the table.
            var left = Int(sizes[drawn & sizeMask])
            drawn &+= 1
            repeat {
                guard let area = cache.sendmsgPrepare(PrepareCommitWorkload.minimumChunk, align: align) else {
                    state.droppedBytes += left  // no page: the rest of the message is lost
                    break
                }
                let copy = min(left, area.available)
                // Safe: offset < streamPeriod and copy <= left <= 2 × fragsz, inside `source`;
                // the cache guarantees `available` bytes at `area.address`.
                area.address.copyMemory(from: source + offset, byteCount: copy)
                let start = UInt(bitPattern: area.address)
                if area.offset != 0 && start == lastEnd {
                    // Extends the newest fragment, which is live (the ring frees the oldest).
                    cache.sendmsgCommitNoref(copy)
                    audit.extended(by: copy)
                } else {
                    cache.sendmsgCommit(copy)
                    commits &+= 1
                    if live == depth {
                        // Safe: the ring is full, so slot `next` holds its oldest fragment.
                        let oldest = ring[next].unsafelyUnwrapped
                        audit.releasing(slot: next, fragment: oldest)
                        arena.freeFragment(oldest)
                    } else {
                        live &+= 1
                    }
                    ring[next] = area.address
                    audit.committed(slot: next, streamOffset: offset, length: copy)
                    next &+= 1
                    if next == depth { next = 0 }
                }
                lastEnd = start &+ UInt(copy)
                offset &+= copy
                // A chunk may be longer than the period (up to a page).
                if offset >= PrepareCommitWorkload.streamPeriod { offset %= PrepareCommitWorkload.streamPeriod }
                left &-= copy
            } while left > 0
        }
        state.next = next
        state.live = live
        state.lastEnd = lastEnd
        state.sourceOffset = offset
        state.messages = drawn
        state.commits &+= commits
    }

/// prepare-commit on the seed's cache (the tests' name for it, and the constants' home).
typealias PrepareCommitWorkload = PrepareCommitRunner<FragCache>
