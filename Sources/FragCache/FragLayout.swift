/// How a cache lays fragments out in its page: the meaning of the 32-bit cursor next to the
/// encoded page word. SPEC 6 names three layouts the kernel has carried; the cache takes one as
/// a generic parameter, so the choice is made at compile time and the fast path of one layout
/// never pays for another.
///
/// Every requirement is a static, side-effect-free function on plain integers so that, once
/// specialised and inlined, a layout compiles to the same handful of instructions as
/// hand-written code.
public protocol FragLayout {
    /// The name used on the command line and in results (`remaining`, …).
    static var name: String { get }

    /// Whether prepare / probe / commit / commit_noref / abort have a meaning in this layout
    /// (false for `OffsetDownLayout`, whose fragments' starts depend on their sizes).
    static var supportsPrepare: Bool { get }

    /// The cursor of a page just filled or reused: the whole page is free.
    static func fullCursor(size: UInt32) -> UInt32

    /// The cursor of an empty cache: nothing fits.
    static func exhaustedCursor(pageSize: UInt32) -> UInt32

    /// Carves `fragsz` bytes starting at a multiple of `alignMask + 1`. Returns the start
    /// offset and advances the cursor, or returns nil and leaves the cursor alone.
    static func carve(_ cursor: inout UInt32, size: UInt32, fragsz: Int, alignMask: UInt32) -> UInt32?

    /// The first fragment of a page that is wholly free (`fullCursor(size:)`), as `carve` would
    /// cut it: its start and the cursor after it. The caller guarantees that it fits
    /// (1 <= fragsz <= page size <= size) and that `alignMask + 1` is a power of two no larger
    /// than the page size, so a layout may skip `carve`'s test (the default runs `carve` and
    /// traps if it says no).
    static func carveFresh(size: UInt32, fragsz: Int, alignMask: UInt32) -> (offset: UInt32, cursor: UInt32)

    /// Offset at which the next fragment would start (`page_frag_cache_page_offset`).
    static func nextOffset(cursor: UInt32, size: UInt32) -> UInt32

    /// Bytes free from `nextOffset` to the end of the page.
    static func remaining(cursor: UInt32, size: UInt32) -> UInt32

    /// Moves the next offset to a multiple of `alignMask + 1`; the move sticks (prepare).
    static func alignForPrepare(_ cursor: inout UInt32, size: UInt32, alignMask: UInt32)

    /// Marks `n` more bytes from `nextOffset` as used (commit and commit_noref).
    static func consume(_ cursor: inout UInt32, size: UInt32, bytes n: UInt32)

    /// Gives back the last `n` bytes used (abort).
    static func unconsume(_ cursor: inout UInt32, size: UInt32, bytes n: UInt32)

    /// Carves up to `limit` fragments of `fragsz` bytes, each where `carve` would put it, in
    /// one cursor update (bulk allocation, see FragLayoutRuns.swift). Returns the first start,
    /// the distance from one start to the next, and how many fit (0: none, cursor untouched).
    static func carveRun(_ cursor: inout UInt32, size: UInt32, fragsz: Int, alignMask: UInt32,
                         limit: Int) -> FragmentRun
}

extension FragLayout {
    public static var supportsPrepare: Bool { true }

    @inlinable @inline(__always)
    public static func carveFresh(size: UInt32, fragsz: Int, alignMask: UInt32) -> (offset: UInt32, cursor: UInt32) {
        var cursor = fullCursor(size: size)
        guard let offset = carve(&cursor, size: size, fragsz: fragsz, alignMask: alignMask) else {
            preconditionFailure("a wholly free \(size)-byte page has no room for \(fragsz) bytes")
        }
        return (offset, cursor)
    }
}

/// Every layout, for tools that pick one by name (`--variant`).
public enum FragLayouts {
    public static let names = [RemainingLayout.name, OffsetUpLayout.name, OffsetDownLayout.name]
}

/// The layout of SPEC 3 and 4 (the 2024 page_frag_cache series): the cursor is `remaining`,
/// the bytes still free at the end of the page; fragments are carved upward from
/// `size - remaining`, and alignment rounds `remaining` down.
///
///     0                    size - remaining              size
///     |  fragments handed out  |      remaining bytes      |
///
public enum RemainingLayout: FragLayout {
    public static var name: String { "remaining" }

    @inlinable @inline(__always)
    public static func fullCursor(size: UInt32) -> UInt32 { size }

    @inlinable @inline(__always)
    public static func exhaustedCursor(pageSize: UInt32) -> UInt32 { 0 }

    @inlinable @inline(__always)
    public static func carve(_ cursor: inout UInt32, size: UInt32, fragsz: Int, alignMask: UInt32) -> UInt32? {
        let avail = cursor & ~alignMask
        // Widened compare: a huge `fragsz` simply does not fit. The hint is here, not only on
        // the cache's `offset != nil`: that one did not reach this compare after inlining, and
        // block placement put the refill call inside the timed loops (one more jump per
        // allocation, and the loop over two 64-byte lines where C's fits one).
        guard _fastPath(fragsz <= Int(avail)) else { return nil }
        // Safe: fragsz <= avail <= cursor <= size, so neither subtraction wraps.
        cursor = avail &- UInt32(truncatingIfNeeded: fragsz)
        return size &- avail
    }

    /// On a wholly free page the fragment starts at 0 whatever the alignment (the page start is
    /// aligned to its size, a multiple of every legal alignment) and leaves `size - fragsz`:
    /// what `carve(size, ...)` computes, without its test, as the kernel's refill path does.
    @inlinable @inline(__always)
    public static func carveFresh(size: UInt32, fragsz: Int, alignMask: UInt32) -> (offset: UInt32, cursor: UInt32) {
        assert(fragsz >= 1 && fragsz <= Int(size) && size & alignMask == 0,
               "carveFresh: \(fragsz) bytes (align mask \(alignMask)) on a fresh \(size)-byte page")
        // Safe: fragsz <= size (the caller's guarantee, asserted above), so it does not wrap.
        return (0, size &- UInt32(truncatingIfNeeded: fragsz))
    }

    @inlinable @inline(__always)
    public static func nextOffset(cursor: UInt32, size: UInt32) -> UInt32 { size &- cursor }

    @inlinable @inline(__always)
    public static func remaining(cursor: UInt32, size: UInt32) -> UInt32 { cursor }

    @inlinable @inline(__always)
    public static func alignForPrepare(_ cursor: inout UInt32, size: UInt32, alignMask: UInt32) {
        cursor &= ~alignMask
    }

    @inlinable @inline(__always)
    public static func consume(_ cursor: inout UInt32, size: UInt32, bytes n: UInt32) {
        assert(n <= cursor, "consume: \(n) bytes but only \(cursor) remain")
        cursor &-= n
    }

    @inlinable @inline(__always)
    public static func unconsume(_ cursor: inout UInt32, size: UInt32, bytes n: UInt32) {
        assert(cursor + n <= size, "unconsume: \(n) bytes would move before the page's start")
        cursor &+= n
    }
}
