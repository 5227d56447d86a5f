/// The default loops of free-only and of the ring's alloc/free split, for every allocator
/// that frees one fragment at a time through its freer (the kernel API, the C cache, peers).
/// Requirements with these defaults, so each conformer's witness is compiled for it.
extension FragmentAllocator where Self: ~Copyable {
    static func freeBatch(_ allocator: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>, ops: Int) {
        let freer = allocator.freer
        for i in 0 ..< ops {
            // Safe: 0 <= i < ops <= the slots' capacity; each entry is nil or a live fragment.
            if let p = slots[i] { freer.free(p) }
        }
    }

    static func allocSizedBatch(_ allocator: inout Self, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                                ops: Int, align: Int, sizes: inout TableSizes) {
        if align == 1 {
            for i in 0 ..< ops { slots[i] = allocator.alloc(sizes.next()) }
        } else {
            for i in 0 ..< ops { slots[i] = allocator.alloc(sizes.next(), align: align) }
        }
    }
}
