#if canImport(Glibc)
import Glibc
#endif
import CFragCacheC
import Testing
@testable import Workloads
@testable import FragCache

/// The C cache (Sources/CFragCacheC) through the same behavioural checks as the Swift model:
/// the SPEC 5 example worked by hand, reload/reuse/left-behind, refill fallback, oversize,
/// and frees from another thread.
@Suite struct CFragCacheTests {
    final class Harness {
        let arena: UnsafeMutablePointer<cfrag_arena>
        let cache = UnsafeMutablePointer<cfrag_cache>.allocate(capacity: 1)
        init(pageSize: UInt32 = 4096, maxSize: UInt32 = 32768, bytes: Int = 8 << 20) {
            arena = cfrag_arena_create(pageSize, bytes, 1)!
            cfrag_cache_init(cache, arena, maxSize)
        }
        deinit {
            cache.deallocate()
            cfrag_arena_destroy(arena)
        }
        func alloc(_ size: Int, align: Int = 1) -> UnsafeMutableRawPointer? {
            cfrag_alloc_align(cache, size, UInt32(align - 1))
        }
        /// (page index, offset) of a fragment.
        func place(_ p: UnsafeMutableRawPointer) -> (page: Int32, offset: Int) {
            let index = Int((UInt(bitPattern: p) - arena.pointee.base) >> UInt(arena.pointee.page_shift))
            let head = arena.pointee.pages[index].head
            let start = arena.pointee.base + (UInt(head) << UInt(arena.pointee.page_shift))
            return (head, Int(UInt(bitPattern: p) - start))
        }
        func free(_ p: UnsafeMutableRawPointer) -> Int { cfrag_free(arena, p) }
    }

    @Test func specExample() throws {
        let h = Harness()
        let a = try #require(h.alloc(64))
        #expect(h.place(a).offset == 0)
        #expect(h.arena.pointee.pages[Int(h.place(a).page)].order == 3)
        let b = try #require(h.alloc(100, align: 64))
        #expect(h.place(b).offset == 64)
        #expect(h.free(a) == 32768)
        #expect(cfrag_cache_drain(h.cache) == 1)
        #expect(h.free(b) == 0)
        #expect(h.arena.pointee.pages_in_use == 0)
        #expect(h.cache.pointee.stats.refills == 1)
    }

    @Test func reuseLeftBehindAndOversize() throws {
        let h = Harness(maxSize: 4096)
        let a = try #require(h.alloc(1000))
        let b = try #require(h.alloc(1000, align: 1024))
        #expect(h.place(a).offset == 0)
        #expect(h.place(b).offset == 1024)
        _ = h.free(a)
        _ = h.free(b)
        // 2048 left, 2100 asked: every fragment is back, so the page is reused in place.
        let c = try #require(h.alloc(2100))
        #expect(h.place(c).offset == 0)
        #expect(h.cache.pointee.stats.reuses == 1)
        #expect(h.alloc(5000) == nil)
        #expect(h.cache.pointee.stats.oversize_failures == 1)
        let e = try #require(h.alloc(1996))
        #expect(h.place(e).offset == 2100)
        // Full with c and e out: the page is left behind, a new one refilled.
        let f = try #require(h.alloc(1))
        #expect(h.place(f).page != h.place(c).page)
        #expect(h.cache.pointee.stats.pages_left_behind == 1)
        #expect(cfrag_cache_drain(h.cache) == 1)
        _ = h.free(c)
        _ = h.free(e)
        _ = h.free(f)
        #expect(h.arena.pointee.pages_in_use == 0)
    }

    @Test func fallsBackToOrderZeroAndFailsCleanly() throws {
        let h = Harness()
        h.arena.pointee.fail_high_order = 1
        let a = try #require(h.alloc(64))
        #expect(h.arena.pointee.pages[Int(h.place(a).page)].order == 0)
        #expect(h.cache.pointee.stats.fallbacks == 1)
        _ = h.free(a)
        _ = cfrag_cache_drain(h.cache)
        h.arena.pointee.fail_any = 2
        #expect(h.alloc(64) == nil)
        #expect(h.cache.pointee.encoded == 0 && h.cache.pointee.remaining == 0)
        #expect(h.arena.pointee.pages_in_use == 0)
    }

    @Test func freesFromAnotherThread() throws {
        let h = Harness(bytes: 64 << 20)
        var fragments: [UnsafeMutableRawPointer] = []
        for _ in 0 ..< 20_000 { fragments.append(try #require(h.alloc(200))) }
        final class Box: @unchecked Sendable { var items: [UnsafeMutableRawPointer] = []; var arena: UnsafeMutablePointer<cfrag_arena>? }
        let box = Box()
        box.items = fragments
        box.arena = h.arena
        var thread = pthread_t()
        let context = Unmanaged.passRetained(box).toOpaque()
        #expect(pthread_create(&thread, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            for p in box.items { _ = cfrag_free(box.arena!, p) }
            return nil
        }, context) == 0)
        pthread_join(thread, nil)
        _ = cfrag_cache_drain(h.cache)
        #expect(h.arena.pointee.pages_in_use == 0)
    }

    /// Two threads allocating and freeing blocks of mixed orders on one arena at once take its
    /// spinlock against each other: a lock that let both in would lose or double-link blocks,
    /// and the arena would not merge back into whole largest blocks afterwards.
    @Test func twoThreadsContendingForTheArenaLoseNoBlock() throws {
        let h = Harness(bytes: 8 << 20)
        final class Shared: @unchecked Sendable {
            let arena: UnsafeMutablePointer<cfrag_arena>
            init(_ arena: UnsafeMutablePointer<cfrag_arena>) { self.arena = arena }
        }
        let shared = Shared(h.arena)
        var threads = [pthread_t](repeating: pthread_t(), count: 2)
        for t in 0 ..< 2 {
            let context = Unmanaged.passRetained(shared).toOpaque()
            #expect(pthread_create(&threads[t], nil, { raw in
                let shared = Unmanaged<Shared>.fromOpaque(raw!).takeRetainedValue()
                var held: [Int32] = []
                for i in 0 ..< 20_000 {
                    let block = cfrag_alloc_pages(shared.arena, UInt32(i % 4), 1, 0)
                    if block >= 0 { held.append(block) }
                    if held.count > 8 || block < 0, let oldest = held.first {
                        held.removeFirst()
                        cfrag_free_pages(shared.arena, oldest)
                    }
                }
                for block in held { cfrag_free_pages(shared.arena, block) }
                return nil
            }, context) == 0)
        }
        for t in 0 ..< 2 { pthread_join(threads[t], nil) }
        #expect(h.arena.pointee.pages_in_use == 0)
        // Everything merged back: the arena is whole blocks of the largest order again.
        let largest = UInt32(CFRAG_ORDERS - 1)
        var whole: [Int32] = []
        while case let block = cfrag_alloc_pages(h.arena, largest, 1, 0), block >= 0 { whole.append(block) }
        #expect(whole.count << Int(largest) == Int(h.arena.pointee.page_count))
    }

    /// The workloads run on the C cache and tear down without a leak.
    @Test(arguments: [WorkloadKind.allocOnly, .allocFree, .mixed, .crossThread])
    func workloadsRunOnC(kind: WorkloadKind) throws {
        var p = WorkloadParameters(kind: kind, config: try FragCacheConfig(), count: 2000, arenaBytes: 16 << 20)
        p.impl = .c
        let runner = try makeWorkload(p)
        let ops = runner.fixedBatchSize ?? 1000
        runner.prepareBatch(ops)
        runner.runBatch(ops)
        runner.finishBatch()
        #expect(runner.figures().allocations > 0)
        #expect(runner.tearDown() == nil)
    }

    /// Peers run where installed; page_frag-only workloads say they are not applicable.
    @Test func peersAndNotApplicable() throws {
        var p = WorkloadParameters(kind: .allocFree, config: try FragCacheConfig(), arenaBytes: 16 << 20)
        for impl in [Implementation.malloc, .mimalloc] {
            p.impl = impl
            let runner = try makeWorkload(p)
            runner.runBatch(1000)
            #expect(runner.figuresUnavailableReason == "not a page_frag cache")
            #expect(runner.tearDown() == nil)
        }
        p.kind = .prepareCommit
        p.impl = .malloc
        #expect(p.notApplicableReason != nil)
        #expect(throws: WorkloadError.self) { try makeWorkload(p) }
        p.impl = .swift
        p.variant = .offsetDown
        #expect(p.notApplicableReason != nil)
    }
}
