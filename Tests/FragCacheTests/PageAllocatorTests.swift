import Foundation
import Synchronization
import Support
import Testing
@testable import FragCache

@Suite struct PageAllocatorTests {
    @Test(arguments: [4096, 16384, 65536])
    func freshArenaIsAllFree(pageSize: Int) throws {
        let allocator = try PageAllocator(pageSize: pageSize, arenaBytes: pageSize * 3000, prefault: false)
        let stats = allocator.stats
        #expect(stats.freePages == 3000)
        #expect(stats.pagesInUse == 0)
        // 3000 = 2*1024 + 512 + 256 + 128 + 32 + 16 + 8
        #expect(stats.freeBlocks == [0, 0, 0, 1, 1, 1, 0, 1, 1, 1, 2])
    }

    @Test(arguments: 0 ... 10)
    func blocksAreNaturallyAlignedAndCompound(order: Int) throws {
        let allocator = try PageAllocator(pageSize: 4096, arenaBytes: 4096 << 11, prefault: false)
        let arena = allocator.arena
        let page = try #require(allocator.allocPages(order: order, gfp: .compound))
        let address = arena.address(of: page)
        #expect(address % UInt(4096 << order) == 0)
        #expect(arena.refcount(of: page) == 1)
        #expect(arena.order(of: page) == order)
        // Every base page, and an address in the middle of each, leads back to the head.
        for i in 0 ..< (1 << order) {
            let base = address + UInt(i * 4096)
            #expect(arena.headPage(of: base) == page)
            #expect(arena.headPage(of: base + 2049) == page)
        }
        #expect(allocator.put(page) == 0)
        #expect(allocator.stats.pagesInUse == 0)
    }

    @Test func nonCompoundHighOrderPagesAreTheirOwnHeads() throws {
        let allocator = try PageAllocator(pageSize: 4096, arenaBytes: 4096 * 16, prefault: false)
        let arena = allocator.arena
        let page = try #require(allocator.allocPages(order: 2, gfp: []))
        let second = arena.address(of: page) + 4096
        #expect(arena.headPage(of: second) == Page(index: page.index + 1))
        allocator.put(page)
    }

    @Test func headsAreRightAfterPagesChangeBlocks() throws {
        // Frees leave `head` stale; every allocation must set it again for all its pages.
        let allocator = try PageAllocator(pageSize: 4096, arenaBytes: 4096 * 8, prefault: false)
        let arena = allocator.arena
        let big = try #require(allocator.allocPages(order: 3, gfp: .compound))
        allocator.put(big)
        var singles: [Page] = []
        while let page = allocator.allocPages(order: 0, gfp: []) { singles.append(page) }
        #expect(singles.count == 8)
        for page in singles { #expect(arena.headPage(of: arena.address(of: page) + 100) == page) }
        for page in singles { allocator.put(page) }
        let plain = try #require(allocator.allocPages(order: 2, gfp: []))
        for i in 0 ..< 4 {
            let own = Page(index: plain.index + Int32(i))
            #expect(arena.headPage(of: arena.address(of: own)) == own)
        }
        let compound = try #require(allocator.allocPages(order: 2, gfp: .compound))
        for i in 0 ..< 4 {
            #expect(arena.headPage(of: arena.address(of: compound) + UInt(i * 4096)) == compound)
        }
        allocator.put(plain)
        allocator.put(compound)
        #expect(allocator.stats.pagesInUse == 0)
    }

    @Test func splitsAndCoalescesBackToWholeBlocks() throws {
        let allocator = try PageAllocator(pageSize: 4096, arenaBytes: 4096 * 2048, prefault: false)
        let before = allocator.stats
        var pages: [Page] = []
        while let page = allocator.allocPages(order: 0, gfp: []) { pages.append(page) }
        #expect(pages.count == 2048)
        #expect(Set(pages).count == 2048)
        #expect(allocator.stats.freePages == 0)
        #expect(allocator.allocPages(order: 0, gfp: []) == nil)
        // Free in a scrambled order: coalescing must not depend on it.
        var generator = SplitMix64(seed: 7)
        pages.shuffle(using: &generator)
        for page in pages { allocator.put(page) }
        let after = allocator.stats
        #expect(after.freeBlocks == before.freeBlocks)
        #expect(after.pagesInUse == 0)
        #expect(after.peakPagesInUse == 2048)
        #expect(after.requests[0] == 2050)
        #expect(after.failures[0] == 2)
        #expect(after.frees[0] == 2048)
        #expect(after.outstandingPages == 0)
    }

    @Test func requestsThatCannotBeMetFail() throws {
        let allocator = try PageAllocator(pageSize: 4096, arenaBytes: 4096 * 4, prefault: false)
        #expect(allocator.allocPages(order: 3, gfp: .compound) == nil)
        #expect(allocator.stats.failures[3] == 1)
        #expect(allocator.stats.injectedFailures == 0)
        let page = try #require(allocator.allocPages(order: 2, gfp: .compound))
        allocator.put(page)
    }

    @Test func anyOrderFailuresAreConsumedBeforeHighOrderOnes() throws {
        let allocator = try PageAllocator(pageSize: 4096, arenaBytes: 4096 * 64, prefault: false)
        allocator.failNextAny(1)
        allocator.failNextHighOrder(1)
        #expect(allocator.allocPages(order: 1, gfp: .compound) == nil)  // consumes the any-order one
        #expect(allocator.armedInjections.failAny == 0)
        #expect(allocator.armedInjections.failHighOrder == 1)
        let small = try #require(allocator.allocPages(order: 0, gfp: []))  // high-order arms skip order 0
        #expect(allocator.allocPages(order: 1, gfp: .compound) == nil)
        let big = try #require(allocator.allocPages(order: 1, gfp: .compound))
        #expect(allocator.stats.injectedFailures == 2)
        allocator.put(small)
        allocator.put(big)
    }

    @Test func armingSetsRatherThanAdds() throws {
        let allocator = try PageAllocator(pageSize: 4096, arenaBytes: 4096 * 64, prefault: false)
        allocator.failNextAny(3)
        allocator.failNextAny(1)
        #expect(allocator.armedInjections.failAny == 1)
    }

    @Test func pfmemallocMarksOnlyOrderZeroPagesThatMayUseReserves() throws {
        let allocator = try PageAllocator(pageSize: 4096, arenaBytes: 4096 * 64, prefault: false)
        let arena = allocator.arena
        allocator.pfmemallocNext(2)
        let high = try #require(allocator.allocPages(order: 2, gfp: .compound))
        let noReserves = try #require(allocator.allocPages(order: 0, gfp: .noMemalloc))
        let first = try #require(allocator.allocPages(order: 0, gfp: []))
        let second = try #require(allocator.allocPages(order: 0, gfp: .memalloc))
        let third = try #require(allocator.allocPages(order: 0, gfp: []))
        #expect(!arena.isPfmemalloc(high))
        #expect(!arena.isPfmemalloc(noReserves))
        #expect(arena.isPfmemalloc(first))
        #expect(arena.isPfmemalloc(second))
        #expect(!arena.isPfmemalloc(third))
        for page in [high, noReserves, first, second, third] { allocator.put(page) }
        // A freed page forgets it was pfmemalloc.
        let again = try #require(allocator.allocPages(order: 0, gfp: []))
        #expect(!arena.isPfmemalloc(again))
        allocator.put(again)
    }

    @Test func fragmentationDefeatsHighOrderRequestsUntilUndone() throws {
        let allocator = try PageAllocator(pageSize: 4096, arenaBytes: 4096 * 1024, prefault: false)
        let pinned = allocator.fragment(maxFreeOrder: 1)
        #expect(pinned == 256)
        #expect(allocator.stats.pagesInUse == 256)
        #expect(allocator.stats.pinnedPages == 256)
        #expect(allocator.allocPages(order: 2, gfp: .compound) == nil)
        let pair = try #require(allocator.allocPages(order: 1, gfp: .compound))
        allocator.put(pair)
        allocator.unfragment()
        #expect(allocator.stats.pagesInUse == 0)
        #expect(allocator.stats.freeBlocks[10] == 1)
        let whole = try #require(allocator.allocPages(order: 10, gfp: .compound))
        allocator.put(whole)
    }

    @Test func partialFragmentationLeavesTheRestWhole() throws {
        let allocator = try PageAllocator(pageSize: 4096, arenaBytes: 4096 * 2048, prefault: false)
        allocator.fragment(maxFreeOrder: 2, fraction: 0.5)
        #expect(allocator.stats.pinnedPages == 128)
        // The untouched half still holds one order-10 block.
        let big = try #require(allocator.allocPages(order: 10, gfp: .compound))
        #expect(allocator.allocPages(order: 10, gfp: .compound) == nil)
        allocator.put(big)
        allocator.unfragment()
    }

    @Test func observerSeesAllocationsAndReleases() throws {
        let allocator = try PageAllocator(pageSize: 4096, arenaBytes: 4096 * 64, prefault: false)
        let seen = Mutex<[PageEvent]>([])
        allocator.setObserver { event in seen.withLock { $0.append(event) } }
        allocator.pfmemallocNext(1)
        let page = try #require(allocator.allocPages(order: 0, gfp: []))
        allocator.put(page)
        #expect(seen.withLock { $0 } == [.allocated(page, order: 0, pfmemalloc: true), .released(page, order: 0)])
    }

    @Test func rejectsBadGeometry() {
        #expect(throws: PageAllocatorError.invalidPageSize(8192)) { try PageAllocator(pageSize: 8192) }
        #expect(throws: PageAllocatorError.invalidArenaSize(100, pageSize: 4096)) {
            try PageAllocator(pageSize: 4096, arenaBytes: 100)
        }
    }

    @Test func prefaultedArenaIsWritable() throws {
        let allocator = try PageAllocator(pageSize: 4096, arenaBytes: 1 << 20, prefault: true)
        let page = try #require(allocator.allocPages(order: 8, gfp: .compound))
        let bytes = allocator.arena.pointer(to: page)
        bytes.initializeMemory(as: UInt8.self, repeating: 0xAB, count: 1 << 20)
        #expect(bytes.load(fromByteOffset: (1 << 20) - 1, as: UInt8.self) == 0xAB)
        allocator.put(page)
    }

    @Test func concurrentAllocationAndFreeLoseNothing() async throws {
        let allocator = try PageAllocator(pageSize: 4096, arenaBytes: 4096 * 4096, prefault: false)
        let initial = allocator.stats.freeBlocks
        await withTaskGroup(of: Void.self) { group in
            for seed in 1 ... 2 {
                group.addTask {
                    var generator = SplitMix64(seed: UInt64(seed))
                    var held: [Page] = []
                    for _ in 0 ..< 20_000 {
                        if held.count < 64 && Bool.random(using: &generator) {
                            let order = Int.random(in: 0 ... 4, using: &generator)
                            if let page = allocator.allocPages(order: order, gfp: .compound) { held.append(page) }
                        } else if !held.isEmpty {
                            allocator.put(held.remove(at: Int.random(in: 0 ..< held.count, using: &generator)))
                        }
                    }
                    for page in held { allocator.put(page) }
                }
            }
        }
        let stats = allocator.stats
        #expect(stats.pagesInUse == 0)
        #expect(stats.outstandingPages == 0)
        #expect(stats.freeBlocks == initial)
    }
}

extension PageAllocatorTests {
    @Test func aPrefaultedArenaIsResidentALazyOneIsNot() throws {
        func residentPages(_ allocator: PageAllocator) -> Int {
            let arena = allocator.arena
            let bytes = arena.pageCount * arena.pageSize
            let osPage = Int(sysconf(Int32(_SC_PAGESIZE)))
            var vector = [UInt8](repeating: 0, count: (bytes + osPage - 1) / osPage)
            // Safe: base..<base+bytes is the arena, inside the allocator's live mapping.
            let rc = mincore(UnsafeMutableRawPointer(bitPattern: arena.base), bytes, &vector)
            #expect(rc == 0, "mincore: errno \(errno)")
            return vector.filter { $0 & 1 != 0 }.count
        }
        let resident = try PageAllocator(pageSize: 4096, arenaBytes: 8 << 20, prefault: true)
        #expect(residentPages(resident) == (8 << 20) / Int(sysconf(Int32(_SC_PAGESIZE))))
        let lazy = try PageAllocator(pageSize: 4096, arenaBytes: 8 << 20, prefault: false)
        #expect(residentPages(lazy) < 16)
    }
}
