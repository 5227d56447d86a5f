/// Two of the free-side API experiments (not in the kernel): bulk allocation and bulk free.
/// Opt-in methods beside the kernel API; the kernel API's fast path does not change.
extension PageFragCache {
    /// Bulk allocation (after `alloc_pages_bulk`): `count` fragments of `fragsz` bytes, each
    /// starting at a multiple of `align`, written to `out[0..<n]`. The fragments are the ones
    /// `count` calls of `allocVA(fragsz, align:)` would return, in the same order, with the same
    /// refills and reuses, but the bias and the cursor move once per page instead of once per
    /// fragment. Returns n, which is below `count` only when a reload failed (as the
    /// corresponding allocVA would have returned nil; the bulk call stops there).
    @inlinable @inline(__always)
    public mutating func allocBulk(_ fragsz: Int, align: Int = 1, count: Int,
                                   into out: UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> Int {
        precondition(fragsz >= 1, "allocBulk: fragsz \(fragsz) must be at least 1")
        precondition(count >= 0, "allocBulk: count \(count) must not be negative")
        _checkAlign(align, "allocBulk")
        return _allocBulk(fragsz, alignMask: UInt32(truncatingIfNeeded: align &- 1), count: count, into: out)
    }

    /// The bulk fast path, assuming valid arguments.
    @inlinable @inline(__always)
    mutating func _allocBulk(_ fragsz: Int, alignMask: UInt32, count: Int,
                             into out: UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> Int {
        var done = 0
        while done < count {
            let size = _encoded.size(pageShift: _pageShift)
            let run = Layout.carveRun(&_cursor, size: size, fragsz: fragsz, alignMask: alignMask, limit: count &- done)
            if _fastPath(run.count > 0) {
                // Safe: every fragment of the run lies in the page, which holds at most
                // `size` <= maxSize one-byte fragments, so the bias (maxSize + 1 at refill)
                // stays >= 1, as it does for single allocations.
                _pagecntBias &-= UInt32(truncatingIfNeeded: run.count)
                var address = _encoded.address &+ UInt(run.first)
                let step = UInt(bitPattern: run.stride)
                for i in 0 ..< run.count {
                    out[done &+ i] = UnsafeMutableRawPointer(bitPattern: address)
                    address &+= step
                }
                done &+= run.count
            } else {
                // Reload exactly as allocVA would, then carve the rest of the run from there.
                guard let first = _allocAfterReload(fragsz, alignMask: alignMask) else { break }
                out[done] = first
                done &+= 1
            }
        }
        return done
    }

    /// Bulk free (the counterpart of `drain(page, count)`): see `PageArena.freeFragments`.
    @inlinable @inline(__always)
    public func freeBulk(_ fragments: UnsafePointer<UnsafeMutableRawPointer?>, count: Int) {
        _arena.freeFragments(fragments, count: count)
    }
}

extension PageArena {
    /// Frees the fragments `fragments[0..<count]` (nil entries are skipped) from any thread, with
    /// one atomic subtract per run of consecutive fragments on the same page instead of one per
    /// fragment: a run of k fragments drops k references at once, which is what k frees would
    /// do, and frees the page if that leaves none.
    @inlinable @inline(__always)
    public func freeFragments(_ fragments: UnsafePointer<UnsafeMutableRawPointer?>, count: Int) {
        var runHead: Int32 = -1
        var run = 0
        for i in 0 ..< count {
            guard let fragment = fragments[i] else { continue }
            let head = headPage(of: UInt(bitPattern: fragment)).index
            if head != runHead {
                if run > 0 { put(Page(index: runHead), count: run) }
                runHead = head
                run = 0
            }
            run &+= 1
        }
        if run > 0 { put(Page(index: runHead), count: run) }
    }
}
