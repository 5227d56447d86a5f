import Testing
@testable import FragCache

/// The layouts of SPEC 6, checked by hand-worked offsets near page ends and with alignment,
/// where they part ways. Default configuration: 4 KiB pages, 32 KiB max size.
@Suite struct LayoutTests {
    func offsets<L: FragLayout>(_: L.Type, _ requests: [(Int, Int)]) -> [Int?] {
        let config = try! FragCacheConfig()
        let allocator = makeAllocator(for: config)
        var cache = PageFragCache<L>(allocator: allocator, config: config)
        var result: [Int?] = []
        var live: [UnsafeMutableRawPointer] = []
        for (size, align) in requests {
            if let p = cache.allocVA(size, align: align) {
                result.append(offset(of: p, in: cache.arena))
                live.append(p)
            } else {
                result.append(nil)
            }
            cache.checkInvariants()
        }
        for p in live { cache.free(p) }
        cache.drain()
        #expect(allocator.stats.pagesInUse == 0)
        return result
    }

    static let requests = [(64, 1), (100, 64), (10, 128)] + Array(repeating: (4000, 1), count: 8) + [(500, 256), (1, 1)]

    @Test func offsetUpMatchesRemaining() {
        let up = offsets(OffsetUpLayout.self, Self.requests)
        let remaining = offsets(RemainingLayout.self, Self.requests)
        #expect(up == remaining)
        // 0, 64 (aligned up from 64), 256 (from 164), then 266 + 4000k; 500 at 32266 rounded
        // up to 32512 does not fit 32768 (32512 + 500 > 32768): reload, offset 0; then 500.
        #expect(up == [0, 64, 256, 266, 4266, 8266, 12266, 16266, 20266, 24266, 28266, 0, 500])
    }

    @Test func offsetDownCountsFromTheEnd() {
        let down = offsets(OffsetDownLayout.self, Self.requests)
        // 32768-64; (32704-100) & ~63; (32576-10) & ~127; then -4000 each; 500 at 512 fits
        // (checked before aligning) at (12) & ~255 = 0; then 1 byte: reload, end of new page.
        #expect(down == [32704, 32576, 32512, 28512, 24512, 20512, 16512, 12512, 8512, 4512, 512, 0, 32767])
    }

    @Test func emptyCursorFitsNothing() {
        for pageSize in [UInt32(4096), 65536] {
            var up = OffsetUpLayout.exhaustedCursor(pageSize: pageSize)
            #expect(OffsetUpLayout.carve(&up, size: pageSize, fragsz: 1, alignMask: 0) == nil)
            var down = OffsetDownLayout.exhaustedCursor(pageSize: pageSize)
            #expect(OffsetDownLayout.carve(&down, size: pageSize, fragsz: 1, alignMask: 0) == nil)
        }
    }

    @Test func hugeRequestsDoNotOverflow() {
        var up: UInt32 = 100
        #expect(OffsetUpLayout.carve(&up, size: 4096, fragsz: Int.max, alignMask: 63) == nil)
        #expect(up == 100)
        var down: UInt32 = 100
        #expect(OffsetDownLayout.carve(&down, size: 4096, fragsz: Int.max, alignMask: 63) == nil)
        #expect(down == 100)
    }

    @Test func offsetDownHasNoPrepare() {
        #expect(!OffsetDownLayout.supportsPrepare)
        #expect(OffsetUpLayout.supportsPrepare && RemainingLayout.supportsPrepare)
    }
}
