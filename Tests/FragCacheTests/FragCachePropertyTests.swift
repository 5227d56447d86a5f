import PropertyBased
import Testing
@testable import FragCache

/// Random operation sequences against the real cache and `ReferenceModel` side by side, with
/// the SPEC's invariants checked after every step: refcount == references the cache holds +
/// live fragments for every page, no overlapping fragments, every page back at the end. The
/// same driver runs the API experiments: bulk allocation and bulk free on the kernel cache,
/// and the owner-local free cache (local and remote frees mixed).
@Suite struct FragCachePropertyTests {
    static let sequences = 300
    static let maxOperations = 300

    /// One generated step: a kind in 0..<112 (weights below) and two raw parameters.
    typealias Step = (kind: Int, a: Int, b: Int)

    static let steps = zip(Gen.int(in: 0 ... 111), Gen.int(in: 0 ... 1 << 20), Gen.int(in: 0 ... 1 << 20))
        .array(of: 1 ... maxOperations)

    @Test func randomSequencesMatchTheModel() async {
        await Self.check(FragCache.self, sequences: Self.sequences)
    }

    /// offset-up (SPEC 6) places every fragment where the remaining layout does (the page size
    /// is a multiple of every alignment, so rounding the offset up is rounding what remains
    /// down), so the same model checks it, prepare/commit/abort included.
    @Test func randomSequencesMatchTheModelOffsetUp() async {
        await Self.check(PageFragCache<OffsetUpLayout>.self, sequences: Self.sequences / 2)
    }

    /// The owner-local free experiment: the owner's frees of its current and left pages go
    /// to the bias, others' frees are atomic, and the model keeps the left set as the cache
    /// does.
    @Test func randomSequencesMatchTheModelOwnerLocal() async {
        await Self.check(OwnerLocalFragCache<RemainingLayout>.self, sequences: Self.sequences)
    }

    /// offset-up places fragments as remaining does (see above), so the model checks it too.
    @Test func randomSequencesMatchTheModelOwnerLocalOffsetUp() async {
        await Self.check(OwnerLocalFragCache<OffsetUpLayout>.self, sequences: Self.sequences / 3)
    }

    /// Sets of 64 and 256 slots (what the benchmark gives 32 and 4 KiB max sizes): fewer
    /// evictions, long ticket queues.
    @Test func randomSequencesMatchTheModelOwnerLocalLargerSets() async {
        await Self.check(OwnerLocalFragCache<RemainingLayout>.self, sequences: Self.sequences / 3, leftSlots: 64)
        await Self.check(OwnerLocalFragCache<RemainingLayout>.self, sequences: Self.sequences / 3, leftSlots: 256)
    }

    /// Runs `count` generated sequences on a cache of type `C` beside the model.
    static func check<C: CacheUnderTest & ~Copyable>(_ type: C.Type, sequences count: Int, leftSlots: Int = 8,
                                          sourceLocation: SourceLocation = #_sourceLocation) async {
        let configs = configurations()
        var sequences = 0
        var operations = 0
        await propertyCheck(count: count, input: Gen.int(in: 0 ... configs.count - 1), steps) { index, steps in
            var run = PropertyRun<C>(config: configs[index], leftSlots: leftSlots)
            operations += run.run(steps)
            sequences += 1
        }
        // Mismatches are recorded step by step; here, that the sequences really ran.
        #expect(sequences == count, sourceLocation: sourceLocation)
        #expect(operations >= sequences, sourceLocation: sourceLocation)
    }
}

/// A live fragment as the test tracks it.
struct LiveFragment {
    var address: UnsafeMutableRawPointer
    var size: Int
    var tag: UInt8
    var modelPage: Int
}

struct PropertyRun<C: CacheUnderTest & ~Copyable>: ~Copyable {
    let config: FragCacheConfig
    let allocator: PageAllocator
    var cache: C
    var model: ReferenceModel
    let initialFreeBlocks: [Int]
    /// Real page -> model page id, set at each refill.
    var pageIds: [Page: Int] = [:]
    var live: [LiveFragment] = []
    var prepared = false
    var lastCommit: Int?  // index into `live`
    var nextTag: UInt8 = 1
    var failed = false

    init(config: FragCacheConfig, leftSlots: Int = 8) {
        self.config = config
        allocator = try! PageAllocator(pageSize: config.pageSize, arenaBytes: config.maxSize * 400, prefault: false)
        initialFreeBlocks = allocator.stats.freeBlocks
        cache = C.make(allocator, config, leftSlots: leftSlots)
        model = ReferenceModel(FragCacheConfigValues(pageSize: config.pageSize, maxSize: config.maxSize,
                                                     maxOrder: config.maxOrder), ownerLocal: C.ownerLocal,
                               slotCount: leftSlots)
    }

    mutating func size(_ a: Int) -> Int {
        let sizes = [1, 3, 8, 31, 64, 100, 256, 1000, 1500, 2048, config.pageSize - 1, config.pageSize,
                     config.pageSize + 1, 2 * config.pageSize]
        return a % 3 == 0 ? 1 + a % (config.pageSize + 64) : sizes[a % sizes.count]
    }

    func align(_ b: Int) -> Int {
        b % 2 == 0 ? 1 : 1 << (b / 2 % (config.pageSize.trailingZeroBitCount + 1))
    }

    mutating func apply(_ step: FragCachePropertyTests.Step, stepNumber: Int) {
        let refillsBefore = cache.stats.refills
        var (kind, a, b) = step
        // A cache without prepare allocates instead; one without bulk allocation allocates
        // one at a time.
        if !C.supportsPrepare && (30 ..< 64).contains(kind) { kind = 0 }
        if !C.supportsBulkAlloc && (100 ..< 106).contains(kind) { kind = 0 }
        switch kind {
        case 0 ..< 30:
            let fragsz = size(a), alignment = align(b)
            let real = cache.allocVA(fragsz, align: alignment)
            let expected = model.alloc(fragsz, align: alignment)
            prepared = false
            lastCommit = nil
            syncPages(refillsBefore)
            check(real != nil, expected != nil, "alloc(\(fragsz), align: \(alignment)) nil-ness")
            if let real, let expected {
                check(UInt(bitPattern: real) % UInt(alignment), 0, "alignment \(alignment)")
                record(real, size: fragsz, expected: expected)
            }
        case 30 ..< 40, 40 ..< 45:
            let fragsz = size(a), alignment = align(b)
            let isPrepare = kind < 40
            let real = isPrepare ? cache.prepare(fragsz, align: alignment) : cache.probe(fragsz, align: alignment)
            let expected = model.prepare(fragsz, align: alignment, mayReload: isPrepare)
            syncPages(refillsBefore)
            check(real != nil, expected != nil, "\(isPrepare ? "prepare" : "probe")(\(fragsz), align: \(alignment)) nil-ness")
            prepared = real != nil
            lastCommit = nil
            if let real, let expected {
                check(pageIds[real.page], expected.page, "prepared page")
                check(real.offset, expected.offset, "prepared offset")
                check(real.available, expected.available, "prepared available")
            }
        case 45 ..< 55:
            guard prepared, cache.remaining > 0 else { return }
            let n = 1 + a % min(cache.remaining, 3000)
            let offset = cache.commit(n)
            let expectedOffset = model.commit(n)
            check(offset, expectedOffset, "commit(\(n)) offset")
            let page = cache.currentPage!
            record(cache.arena.pointer(to: page) + offset, size: n, expected: (model.cachePage!, expectedOffset))
            lastCommit = live.count - 1
        case 55 ..< 60:
            guard prepared else { return }
            let n = a % (min(cache.remaining, 64) + 1)
            cache.commitNoref(n)
            model.commitNoref(n)
            // The bytes extend the last fragment, if it is the one just committed.
            if let last = lastCommit {
                (live[last].address + live[last].size).initializeMemory(as: UInt8.self, repeating: live[last].tag, count: n)
                live[last].size += n
            }
        case 60 ..< 64:
            guard prepared, let last = lastCommit else { return }
            let fragment = live.remove(at: last)
            cache.abort(fragment.size)
            model.abort(fragment.size)
            lastCommit = nil
        case 64 ..< 88:
            guard !live.isEmpty else { return }
            let index = a % live.count
            let fragment = live.remove(at: index)
            if let last = lastCommit { lastCommit = last == index ? nil : (last > index ? last - 1 : last) }
            verifyTag(fragment)
            if C.ownerLocal && b % 2 == 0 {
                // Another thread's free: always atomic.
                let left = cache.arena.freeFragment(fragment.address)
                check(left, model.free(page: fragment.modelPage), "remote free refs")
            } else if let left = cache.ownerFree(fragment.address) {
                check(left, model.free(page: fragment.modelPage), "free refs")
            } else {
                // Owner-local: the page's state is checked after the step.
                model.ownerFree(page: fragment.modelPage)
            }
        case 88 ..< 92:
            let left = cache.drain()
            let expected = model.drain()
            check(left, expected, "drain refs")
            prepared = false
            lastCommit = nil
        case 92 ..< 95:
            allocator.failNextAny(a % 3)
            model.failAny = a % 3
        case 95 ..< 97:
            allocator.failNextHighOrder(a % 3)
            model.failHighOrder = a % 3
        case 97 ..< 100:
            allocator.pfmemallocNext(a % 3)
            model.pfmemallocNext = a % 3
        case 100 ..< 106:
            bulkAlloc(count: 1 + a % 40, fragsz: size(a), alignment: align(b))
        default:
            bulkFree(from: a, count: 1 + b % 24)
        }
        checkState(after: "step \(stepNumber) kind \(kind)")
    }

    /// Bulk allocation against the model's loop of single allocations (which stops at the
    /// first nil, as the bulk call does).
    mutating func bulkAlloc(count: Int, fragsz: Int, alignment: Int) {
        let refillsBefore = cache.stats.refills
        let out = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: count)
        defer { out.deallocate() }
        let n = cache.allocBulk(fragsz, align: alignment, count: count, into: out)
        var expected: [(page: Int, offset: Int)] = []
        while expected.count < count, let next = model.alloc(fragsz, align: alignment) { expected.append(next) }
        prepared = false
        lastCommit = nil
        check(n, expected.count, "allocBulk(\(fragsz), align: \(alignment), count: \(count)) count")
        check(cache.stats.refills, model.refills, "refill count after allocBulk")
        check(cache.stats.reuses, model.reuses, "reuse count after allocBulk")
        guard n == expected.count else { return }
        let known = Set(pageIds.values)
        for i in 0 ..< n {
            let real = out[i]!
            let page = cache.arena.headPage(of: real)
            // Pages the model opened during the call are bound here, as syncPages does for one.
            if !known.contains(expected[i].page) && refillsBefore < model.refills { pageIds[page] = expected[i].page }
            check(UInt(bitPattern: real) % UInt(alignment), 0, "bulk alignment \(alignment)")
            record(real, size: fragsz, expected: expected[i])
        }
    }

    /// Frees up to `count` live fragments, consecutive in allocation order from `from` (so runs
    /// of one page occur), with one bulk call.
    mutating func bulkFree(from a: Int, count: Int) {
        guard !live.isEmpty else { return }
        let start = a % live.count
        let end = min(live.count, start + count)
        let batch = Array(live[start ..< end])
        live.removeSubrange(start ..< end)
        if let last = lastCommit { lastCommit = last < start ? last : (last >= end ? last - (end - start) : nil) }
        let pointers = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: batch.count + 1)
        defer { pointers.deallocate() }
        for (i, fragment) in batch.enumerated() {
            verifyTag(fragment)
            pointers[i] = fragment.address
        }
        // A nil entry is skipped.
        pointers[batch.count] = nil
        cache.arena.freeFragments(pointers, count: batch.count + 1)
        for fragment in batch { _ = model.free(page: fragment.modelPage) }
    }

    /// Binds a real page to the model's page when the cache refilled.
    mutating func syncPages(_ refillsBefore: Int) {
        check(cache.stats.refills, model.refills, "refill count")
        check(cache.stats.reuses, model.reuses, "reuse count")
        if cache.stats.refills > refillsBefore, let page = cache.currentPage, let id = model.cachePage {
            pageIds[page] = id
            model.slots[id] = cache.leftSlot(of: cache.arena.address(of: page))
        }
    }

    mutating func record(_ address: UnsafeMutableRawPointer, size: Int, expected: (page: Int, offset: Int)) {
        let page = cache.arena.headPage(of: address)
        check(pageIds[page], expected.page, "fragment page")
        check(Int(UInt(bitPattern: address) - cache.arena.address(of: page)), expected.offset, "fragment offset")
        // Live fragments never overlap.
        let start = UInt(bitPattern: address)
        for other in live {
            let otherStart = UInt(bitPattern: other.address)
            if start < otherStart + UInt(other.size) && otherStart < start + UInt(size) {
                fail("fragment [\(start), +\(size)) overlaps [\(otherStart), +\(other.size))")
            }
        }
        let tag = nextTag
        nextTag = nextTag == 255 ? 1 : nextTag + 1
        address.initializeMemory(as: UInt8.self, repeating: tag, count: size)
        live.append(LiveFragment(address: address, size: size, tag: tag, modelPage: expected.page))
    }

    func verifyTag(_ fragment: LiveFragment) {
        let bytes = fragment.address.assumingMemoryBound(to: UInt8.self)
        for i in 0 ..< fragment.size where bytes[i] != fragment.tag {
            fail("fragment bytes were overwritten at +\(i)")
            return
        }
    }

    /// SPEC 3's invariant, and the model's view of every page, after each step.
    mutating func checkState(after what: String) {
        cache.checkInvariants()
        check(cache.currentPage.flatMap { pageIds[$0] }, model.cachePage, "\(what): cache page")
        check(cache.remaining, model.remaining, "\(what): remaining")
        if model.cachePage != nil { check(cache.pagecntBias, model.bias, "\(what): bias") }
        let left = cache.leftPages.map { "\($0.slot):\(pageIds[$0.page].map(String.init) ?? "?")x\($0.bias)" }
        let modelLeft = model.left.keys.sorted().map { "\($0):\(model.left[$0]!.id)x\(model.left[$0]!.bias)" }
        check(left, modelLeft, "\(what): left pages (slot:page x bias)")
        let modelOrder = model.tickets.filter { model.left[$0.slot]?.park == $0.park }.map(\.slot)
        check(cache.leftOrder, modelOrder, "\(what): the order left pages are asked in (slots)")
        check(cache.bypassReloads, model.bypass, "\(what): reloads left in the bypass")
        var fragmentsPerPage: [Int: Int] = [:]
        for fragment in live { fragmentsPerPage[fragment.modelPage, default: 0] += 1 }
        var basePages = 0
        for (page, id) in pageIds {
            guard let state = model.pages[id] else { continue }
            basePages += 1 << state.order
            let refs = cache.arena.refcount(of: page)
            check(refs, state.refcount, "\(what): refcount of model page \(id)")
            check(refs, model.heldReferences(id) + (fragmentsPerPage[id] ?? 0), "\(what): refcount = bias + live fragments")
        }
        check(allocator.stats.pagesInUse, basePages, "\(what): pages in use")
    }

    /// Applies `steps` in order until one fails, then drains and checks that every page came
    /// back. Returns how many steps were applied.
    mutating func run(_ steps: [FragCachePropertyTests.Step]) -> Int {
        var applied = 0
        for (n, step) in steps.enumerated() {
            apply(step, stepNumber: n)
            applied += 1
            if failed { break }
        }
        finish()
        return applied
    }

    mutating func finish() {
        guard !failed else { return }
        _ = cache.drain()
        for fragment in live {
            verifyTag(fragment)
            _ = cache.ownerFree(fragment.address)
        }
        live.removeAll()
        let stats = allocator.stats
        check(stats.pagesInUse, 0, "pages in use after draining and freeing everything")
        check(stats.outstandingPages, 0, "requests - failures - frees after everything is freed")
        check(stats.freeBlocks, initialFreeBlocks, "free lists coalesced back")
    }

    func fail(_ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        Issue.record(Comment(rawValue: "\(config): \(message)"), sourceLocation: sourceLocation)
    }

    mutating func check<T: Equatable>(_ actual: T, _ expected: T, _ what: String,
                                      sourceLocation: SourceLocation = #_sourceLocation) {
        if actual != expected {
            failed = true
            fail("\(what): got \(actual), model says \(expected)", sourceLocation: sourceLocation)
        }
    }
}
