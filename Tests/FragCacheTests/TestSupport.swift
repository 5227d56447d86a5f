import Testing
@testable import FragCache

/// Every page size with the max sizes that matter: equal to the page, the default, and the
/// largest the allocator can serve from a small arena.
let pageSizes = [4096, 16384, 65536]

func configurations() -> [FragCacheConfig] {
    var result: [FragCacheConfig] = []
    for pageSize in pageSizes {
        for maxSize in [pageSize, 32768, pageSize << 3] where maxSize >= pageSize {
            let config = try! FragCacheConfig(pageSize: pageSize, maxSize: maxSize)
            if !result.contains(config) { result.append(config) }
        }
    }
    return result
}

/// An allocator big enough for 64 of the config's largest pages.
func makeAllocator(for config: FragCacheConfig, blocks: Int = 64) -> PageAllocator {
    try! PageAllocator(pageSize: config.pageSize, arenaBytes: config.maxSize * blocks, prefault: false)
}

/// Bytes between an address and the start of its page.
func offset(of address: UnsafeMutableRawPointer, in arena: PageArena) -> Int {
    let page = arena.headPage(of: address)
    return Int(UInt(bitPattern: address) - arena.address(of: page))
}

// Swift Testing's macros take apart the expression they check, which needs copyable operands;
// the cache is ~Copyable, so checks on its members go through these plain functions.

func req<T>(_ value: T?, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
    try #require(value, comment, sourceLocation: sourceLocation)
}

func expectEq<T: Equatable>(_ a: T, _ b: T, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a == b, sourceLocation: sourceLocation)
}

func expectTrue(_ condition: Bool, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(condition, comment, sourceLocation: sourceLocation)
}
