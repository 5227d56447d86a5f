/// The older kernel layout (before about v6.5): the cursor is `offset`, the lowest byte handed
/// out, counting down from the page's end. A fragment of `fragsz` bytes fits when
/// `offset >= fragsz` (tested before aligning: rounding down can only move further from the
/// end); it starts at `offset - fragsz` rounded down to the alignment, which becomes the new
/// offset. After a reload the fragment sits at the end of the page: `size - fragsz`, rounded
/// down.
///
///     0                       offset                        size
///     |       free bytes        |  fragments handed out        |
///
/// Alignment padding therefore lands *above* each fragment (between it and the previous one),
/// and a fragment's start depends on its size: that is why this layout cannot offer prepare /
/// probe / commit (the caller copies bytes in before it knows how many it will commit, so it
/// cannot know where they would have to go). The kernel had no such API with this layout and
/// introduced it only after moving to an offset growing up; here `supportsPrepare` is false,
/// the cache's prepare-family entry points trap for it, and the tools report "not supported
/// by the offset-down layout" instead of running those operations.
public enum OffsetDownLayout: FragLayout {
    public static var name: String { "offset-down" }

    public static var supportsPrepare: Bool { false }

    @inlinable @inline(__always)
    public static func fullCursor(size: UInt32) -> UInt32 { size }

    @inlinable @inline(__always)
    public static func exhaustedCursor(pageSize: UInt32) -> UInt32 { 0 }

    @inlinable @inline(__always)
    public static func carve(_ cursor: inout UInt32, size: UInt32, fragsz: Int, alignMask: UInt32) -> UInt32? {
        // Hinted as RemainingLayout.carve is (its comment says why).
        guard _fastPath(fragsz <= Int(cursor)) else { return nil }
        // Safe: fragsz <= cursor, so the subtraction does not wrap.
        let start = (cursor &- UInt32(truncatingIfNeeded: fragsz)) & ~alignMask
        cursor = start
        return start
    }

    /// The free bytes are `[0, offset)`; the boundary is where the next fragment would end.
    @inlinable @inline(__always)
    public static func nextOffset(cursor: UInt32, size: UInt32) -> UInt32 { cursor }

    @inlinable @inline(__always)
    public static func remaining(cursor: UInt32, size: UInt32) -> UInt32 { cursor }

    @inlinable @inline(__always)
    public static func alignForPrepare(_ cursor: inout UInt32, size: UInt32, alignMask: UInt32) {
        preconditionFailure("offset-down has no prepare API")
    }

    @inlinable @inline(__always)
    public static func consume(_ cursor: inout UInt32, size: UInt32, bytes n: UInt32) {
        preconditionFailure("offset-down has no commit API")
    }

    @inlinable @inline(__always)
    public static func unconsume(_ cursor: inout UInt32, size: UInt32, bytes n: UInt32) {
        preconditionFailure("offset-down has no abort API")
    }
}
