@testable import FragCache

/// What the property test drives: the kernel-API cache (any layout) or the owner-local free
/// cache, through one set of operations. What a cache lacks (prepare on the owner-local cache,
/// which exists for alloc/free), the driver replaces with an allocation.
protocol CacheUnderTest: ~Copyable {
    static func make(_ allocator: PageAllocator, _ config: FragCacheConfig) -> Self
    /// With a left-page set of `leftSlots` slots (OwnerLocalFragCache; others ignore it).
    static func make(_ allocator: PageAllocator, _ config: FragCacheConfig, leftSlots: Int) -> Self
    /// The left order: slots in the order a reload asks them (OwnerLocalFragCache).
    var leftOrder: [Int] { get }
    /// The owner's frees of the current or a left page are local (OwnerLocalFragCache).
    static var ownerLocal: Bool { get }
    static var supportsPrepare: Bool { get }
    static var supportsBulkAlloc: Bool { get }

    var stats: FragCacheStats { get }
    var currentPage: Page? { get }
    /// The left pages the cache holds references on, by slot (OwnerLocalFragCache).
    var leftPages: [(slot: Int, page: Page, bias: Int)] { get }
    /// Reloads still to run the kernel's way (OwnerLocalFragCache).
    var bypassReloads: Int { get }
    /// The slot a page at `address` takes when the cache leaves it.
    func leftSlot(of address: UInt) -> Int
    var arena: PageArena { get }
    var remaining: Int { get }
    var pagecntBias: Int { get }
    func checkInvariants()

    mutating func allocVA(_ fragsz: Int, align: Int) -> UnsafeMutableRawPointer?
    mutating func allocBulk(_ fragsz: Int, align: Int, count: Int, into out: UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> Int
    mutating func prepare(_ fragsz: Int, align: Int) -> PreparedFragment?
    mutating func probe(_ fragsz: Int, align: Int) -> PreparedFragment?
    mutating func commit(_ n: Int) -> Int
    mutating func commitNoref(_ n: Int) -> Int
    mutating func abort(_ n: Int)
    /// The owner's free: the kernel's atomic free, or the owner-local one. Returns the page's
    /// references left when the free was atomic and says so.
    mutating func ownerFree(_ address: UnsafeMutableRawPointer) -> Int?
    mutating func drain() -> Int?
}

extension PageFragCache: CacheUnderTest {
    static func make(_ allocator: PageAllocator, _ config: FragCacheConfig) -> Self {
        Self(allocator: allocator, config: config)
    }
    static func make(_ allocator: PageAllocator, _ config: FragCacheConfig, leftSlots: Int) -> Self {
        make(allocator, config)
    }
    var leftOrder: [Int] { [] }
    static var ownerLocal: Bool { false }
    static var supportsPrepare: Bool { Layout.supportsPrepare }
    static var supportsBulkAlloc: Bool { true }
    var leftPages: [(slot: Int, page: Page, bias: Int)] { [] }
    func leftSlot(of address: UInt) -> Int { 0 }
    var bypassReloads: Int { 0 }
    mutating func ownerFree(_ address: UnsafeMutableRawPointer) -> Int? { free(address) }
}

extension OwnerLocalFragCache: CacheUnderTest {
    static func make(_ allocator: PageAllocator, _ config: FragCacheConfig) -> Self {
        Self(allocator: allocator, config: config)
    }
    static func make(_ allocator: PageAllocator, _ config: FragCacheConfig, leftSlots: Int) -> Self {
        Self(allocator: allocator, config: config, leftSlots: leftSlots)
    }
    static var ownerLocal: Bool { true }
    static var supportsPrepare: Bool { false }
    static var supportsBulkAlloc: Bool { false }
    mutating func allocBulk(_ fragsz: Int, align: Int, count: Int, into out: UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> Int {
        preconditionFailure("the owner-local cache has no bulk allocation")
    }
    mutating func prepare(_ fragsz: Int, align: Int) -> PreparedFragment? { preconditionFailure("no prepare") }
    mutating func probe(_ fragsz: Int, align: Int) -> PreparedFragment? { preconditionFailure("no probe") }
    mutating func commit(_ n: Int) -> Int { preconditionFailure("no commit") }
    mutating func commitNoref(_ n: Int) -> Int { preconditionFailure("no commit") }
    mutating func abort(_ n: Int) { preconditionFailure("no abort") }
    mutating func ownerFree(_ address: UnsafeMutableRawPointer) -> Int? {
        free(address)
        return nil
    }
}
