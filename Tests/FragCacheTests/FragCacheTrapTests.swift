import Testing
@testable import FragCache

/// Programming errors at the public API trap (SPEC 4). Each runs in a child process.
@Suite struct FragCacheTrapTests {
    @Test func zeroSizeTraps() async {
        await #expect(processExitsWith: .failure) {
            let allocator = try! PageAllocator(pageSize: 4096, arenaBytes: 1 << 20, prefault: false)
            var cache = FragCache(allocator: allocator)
            _ = cache.allocVA(0)
        }
    }

    @Test func alignNotAPowerOfTwoTraps() async {
        await #expect(processExitsWith: .failure) {
            let allocator = try! PageAllocator(pageSize: 4096, arenaBytes: 1 << 20, prefault: false)
            var cache = FragCache(allocator: allocator)
            _ = cache.allocVA(64, align: 48)
        }
    }

    @Test func alignAboveThePageSizeTraps() async {
        await #expect(processExitsWith: .failure) {
            let allocator = try! PageAllocator(pageSize: 4096, arenaBytes: 1 << 20, prefault: false)
            var cache = FragCache(allocator: allocator)
            _ = cache.prepare(64, align: 8192)
        }
    }

    @Test func commitBeyondWhatRemainsTraps() async {
        await #expect(processExitsWith: .failure) {
            let allocator = try! PageAllocator(pageSize: 4096, arenaBytes: 1 << 20, prefault: false)
            var cache = FragCache(allocator: allocator, config: try! FragCacheConfig(pageSize: 4096, maxSize: 4096))
            _ = cache.prepare(64)
            cache.commit(4097)
        }
    }

    @Test func commitWithoutAPageTraps() async {
        await #expect(processExitsWith: .failure) {
            let allocator = try! PageAllocator(pageSize: 4096, arenaBytes: 1 << 20, prefault: false)
            var cache = FragCache(allocator: allocator)
            cache.commitNoref(1)
        }
    }

    @Test func abortWithoutACommitTraps() async {
        await #expect(processExitsWith: .failure) {
            let allocator = try! PageAllocator(pageSize: 4096, arenaBytes: 1 << 20, prefault: false)
            var cache = FragCache(allocator: allocator)
            _ = cache.prepare(64)
            cache.abort(0)
        }
    }

    @Test func mismatchedPageSizeTraps() async {
        await #expect(processExitsWith: .failure) {
            let allocator = try! PageAllocator(pageSize: 4096, arenaBytes: 1 << 20, prefault: false)
            _ = FragCache(allocator: allocator, config: try! FragCacheConfig(pageSize: 65536))
        }
    }

    @Test func doubleFreeOfAPageTraps() async {
        await #expect(processExitsWith: .failure) {
            let allocator = try! PageAllocator(pageSize: 4096, arenaBytes: 1 << 20, prefault: false)
            let page = allocator.allocPages(order: 0, gfp: [])!
            allocator.put(page)
            allocator.arena.freePages(page)
        }
    }
}
