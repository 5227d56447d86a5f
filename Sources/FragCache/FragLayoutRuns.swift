/// Bulk carving: `carveRun` places a run of equal fragments exactly where that many `carve`
/// calls would, with one cursor update. After the first fragment every layout's starts are
/// aligned, so each following start is one `stride` (fragsz rounded up to the alignment) from
/// the last: the run is an arithmetic sequence and its length a division.
/// (The property tests check every layout against a loop of `carve`.)

/// A run of fragments in one page: starts `first`, `first + stride`, … (`count` of them).
@frozen
public struct FragmentRun: Sendable, Equatable {
    public var first: UInt32
    /// Bytes from one start to the next; negative when the layout carves downward.
    public var stride: Int
    public var count: Int

    @inlinable @inline(__always)
    public init(first: UInt32, stride: Int, count: Int) {
        self.first = first
        self.stride = stride
        self.count = count
    }

    @inlinable public static var none: FragmentRun { FragmentRun(first: 0, stride: 0, count: 0) }
}

/// `fragsz` rounded up to a multiple of `alignMask + 1`. Safe: callers have checked
/// fragsz <= the page size, so the sum cannot overflow.
@inlinable @inline(__always)
func alignedStride(_ fragsz: Int, _ alignMask: UInt32) -> Int {
    (fragsz &+ Int(alignMask)) & ~Int(alignMask)
}

extension RemainingLayout {
    @inlinable @inline(__always)
    public static func carveRun(_ cursor: inout UInt32, size: UInt32, fragsz: Int, alignMask: UInt32,
                                limit: Int) -> FragmentRun {
        let avail = cursor & ~alignMask
        guard limit > 0, fragsz <= Int(avail) else { return .none }
        let stride = alignedStride(fragsz, alignMask)
        // The k-th fragment (from 0) starts at size - (avail - k*stride) and fits while
        // avail - k*stride >= fragsz.
        let count = min(limit, (Int(avail) &- fragsz) / stride &+ 1)
        // Safe: (count-1)*stride + fragsz <= avail, checked by the division above.
        cursor = avail &- UInt32(truncatingIfNeeded: (count &- 1) &* stride &+ fragsz)
        return FragmentRun(first: size &- avail, stride: stride, count: count)
    }
}

extension OffsetUpLayout {
    @inlinable @inline(__always)
    public static func carveRun(_ cursor: inout UInt32, size: UInt32, fragsz: Int, alignMask: UInt32,
                                limit: Int) -> FragmentRun {
        let start = (cursor &+ alignMask) & ~alignMask
        guard limit > 0, fragsz <= Int(size &- start) else { return .none }
        let stride = alignedStride(fragsz, alignMask)
        let count = min(limit, (Int(size &- start) &- fragsz) / stride &+ 1)
        cursor = start &+ UInt32(truncatingIfNeeded: (count &- 1) &* stride &+ fragsz)
        return FragmentRun(first: start, stride: stride, count: count)
    }
}

extension OffsetDownLayout {
    @inlinable @inline(__always)
    public static func carveRun(_ cursor: inout UInt32, size: UInt32, fragsz: Int, alignMask: UInt32,
                                limit: Int) -> FragmentRun {
        guard limit > 0, fragsz <= Int(cursor) else { return .none }
        let start = (cursor &- UInt32(truncatingIfNeeded: fragsz)) & ~alignMask
        let stride = alignedStride(fragsz, alignMask)
        // Fragment k >= 1 fits while the one before it starts at or above fragsz.
        let more = Int(start) >= fragsz ? (Int(start) &- fragsz) / stride &+ 1 : 0
        let count = min(limit, 1 &+ more)
        cursor = start &- UInt32(truncatingIfNeeded: (count &- 1) &* stride)
        return FragmentRun(first: start, stride: -stride, count: count)
    }
}
