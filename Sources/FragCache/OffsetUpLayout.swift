/// The mainline layout before the `remaining` series (about v6.13): the cursor is `offset`,
/// the first free byte, growing from 0. A fragment starts at `offset` rounded up to the
/// alignment and fits when it ends by the page's end.
///
///     0                 offset                          size
///     |  fragments handed out |       free bytes          |
///
/// Placement is the same as `RemainingLayout`'s (`size` is a multiple of every legal alignment,
/// so rounding `offset` up is rounding `size - offset` down); what differs is the arithmetic:
/// the fit test needs `size`, which the fast path decodes from the page word.
///
/// prepare/probe/commit (the kernel had no prepare API with this layout; the closest meaning):
/// prepare rounds `offset` up to the alignment (the move sticks, as the `remaining` layout's
/// truncation does) and offers `[offset, size)`; commit and commit_noref advance `offset`;
/// abort moves it back.
public enum OffsetUpLayout: FragLayout {
    public static var name: String { "offset-up" }

    @inlinable @inline(__always)
    public static func fullCursor(size: UInt32) -> UInt32 { 0 }

    /// An empty cache decodes as an order-0 page of `pageSize` bytes; an offset at its end
    /// leaves no room for even one byte.
    @inlinable @inline(__always)
    public static func exhaustedCursor(pageSize: UInt32) -> UInt32 { pageSize }

    @inlinable @inline(__always)
    public static func carve(_ cursor: inout UInt32, size: UInt32, fragsz: Int, alignMask: UInt32) -> UInt32? {
        // Safe: cursor <= size <= 2^26 and alignMask < size, so the sum cannot wrap; the result
        // is at most size because size is a multiple of alignMask + 1.
        let start = (cursor &+ alignMask) & ~alignMask
        // Compared as a difference so that a huge `fragsz` cannot overflow the sum.
        // Hinted as RemainingLayout.carve is (its comment says why).
        guard _fastPath(fragsz <= Int(size &- start)) else { return nil }
        cursor = start &+ UInt32(truncatingIfNeeded: fragsz)
        return start
    }

    @inlinable @inline(__always)
    public static func nextOffset(cursor: UInt32, size: UInt32) -> UInt32 { cursor }

    @inlinable @inline(__always)
    public static func remaining(cursor: UInt32, size: UInt32) -> UInt32 { size &- cursor }

    @inlinable @inline(__always)
    public static func alignForPrepare(_ cursor: inout UInt32, size: UInt32, alignMask: UInt32) {
        cursor = (cursor &+ alignMask) & ~alignMask
    }

    @inlinable @inline(__always)
    public static func consume(_ cursor: inout UInt32, size: UInt32, bytes n: UInt32) {
        assert(n <= size &- cursor, "consume: \(n) bytes but only \(size &- cursor) remain")
        cursor &+= n
    }

    @inlinable @inline(__always)
    public static func unconsume(_ cursor: inout UInt32, size: UInt32, bytes n: UInt32) {
        assert(n <= cursor, "unconsume: \(n) bytes would move before the page's start")
        cursor &-= n
    }
}
