/// The cache's page word: the page's address, its order in the low byte and the pfmemalloc
/// flag in bit 8, in one machine word (the kernel's `encoded_page`). Page addresses are
/// aligned to at least 4096 bytes, so those bits are free. Zero means "no page".
@frozen
public struct EncodedPage: Equatable, Sendable {
    @inlinable static var orderMask: UInt { 0xff }
    @inlinable static var pfmemallocBit: UInt { 1 << 8 }
    @inlinable static var addressMask: UInt { ~UInt(0xfff) }

    public let rawValue: UInt

    @inlinable init(rawValue: UInt) { self.rawValue = rawValue }

    /// No page.
    /// Computed, not a stored global: a `static let` would be read through a lazy-init
    /// accessor call on the slow path.
    @inlinable public static var empty: EncodedPage { EncodedPage(rawValue: 0) }

    /// The one constructor.
    @inlinable
    public init(address: UInt, order: Int, pfmemalloc: Bool) {
        assert(address != 0 && address & ~Self.addressMask == 0,
               "EncodedPage: address \(address) is not page aligned")
        assert(order >= 0 && order <= 10, "EncodedPage: order \(order) outside 0...10")
        rawValue = address | UInt(order) | (pfmemalloc ? Self.pfmemallocBit : 0)
    }

    @inlinable public var isEmpty: Bool { rawValue == 0 }

    /// Address of the page's first byte.
    @inlinable @inline(__always) public var address: UInt { rawValue & Self.addressMask }

    @inlinable @inline(__always) public var order: Int { Int(rawValue & Self.orderMask) }

    @inlinable public var isPfmemalloc: Bool { rawValue & Self.pfmemallocBit != 0 }

    /// Size in bytes of the page, given the base page shift.
    @inlinable @inline(__always)
    public func size(pageShift: UInt) -> UInt32 {
        UInt32(truncatingIfNeeded: 1 &<< (pageShift &+ (rawValue & Self.orderMask)))
    }
}
