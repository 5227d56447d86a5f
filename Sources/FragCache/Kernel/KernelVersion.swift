/// The kernel versions of the page_frag cache that the lab ports one by one (`--variant`), each
/// with the struct it had and the fast and slow paths it had, so that "version A against
/// version B" measures what the kernel changed rather than what our own tuned model does.
///
/// A port follows one upstream state and names it (file, function, version or Message-ID) in
/// its file, with every deviation listed there. The ports are our own code written from
/// reading those sources; no kernel code is copied.
///
/// What a port keeps from the kernel, because it moves instruction counts:
/// - the struct's fields and what the fast path loads and stores;
/// - where the kernel draws the line between an exported (out-of-line) function and a header
///   `static inline` one: an exported function is `@inline(never)` here and takes the
///   alignment mask as a run-time argument, as a module calling it would pass it;
/// - `PAGE_SIZE` as a compile-time constant (4 KiB, `KernelPort.pageSize`), as the kernel has it.
///
/// - the function's shape: the unlikely blocks (reuse) sit in the exported function and
///   rejoin the fast path's tail where the kernel's `goto refill` does. Compilers pay for that
///   shape on every call (registers saved on entry because the slow blocks need them), and so
///   do the ports. The kernel's static helpers are inlined where clang (the compiler that
///   shares Swift's back end) inlines them: clang keeps `__page_frag_cache_refill` out of line
///   in every version but the seed after 08/14, where it keeps `__page_frag_cache_reload` out
///   of line (with reuse and refill inlined in it); so do the ports (gcc inlines them all).
///
/// How close that comes, alloc-only, 12-byte fragments, 4 KiB pages, 32 KiB max size,
/// instructions per allocation relative to v6.12 (callgrind, exact; 2026-12-06):
///
///     version          Swift port   the kernel's functions   C twins (Sources/CKernelPorts)
///                                   gcc -O2 / clang -O2      gcc -O2 / clang -O2
///     v6.12 (count)    36.1         37.0 / 33.0              40.1 / 31.1
///     v6.13            1.33         1.16 / 1.39              1.20 / 1.48
///     rfc-v11-pre08    1.19         1.22 / 1.30              1.22 / 1.35
///     rfc-v11          0.86         0.92 / 0.91              1.05 / 0.97
///     part2-v2         2.08         1.81 / 2.18              1.85 / 2.19
///
/// (The kernel's functions: each version's upstream code compiled in a scratch harness with
/// the same alloc-only loop, not kept in this repository; the C twins through
/// scripts/kernel-c-twins-check.sh without frame pointers.) The two compilers disagree by up
/// to 20% on the same source; the ports sit within their range for v6.13 and part2-v2, and
/// 2.5% (rfc-v11-pre08) and 6% (rfc-v11) below it, never above: no port costs more than the
/// kernel's own code of its version relative to v6.12. Swift's prologue saves one register more
/// than clang's on every version (the frame pointer and `self`'s r13), which lowers every
/// ratio slightly.
public enum KernelVersion: String, CaseIterable, Sendable {
    /// Before the series: mm/page_alloc.c `__page_frag_alloc_align`, v6.12.
    case v6_12 = "v6.12"
    /// Part-1 as merged: mm/page_frag_cache.c `__page_frag_alloc_align`, v6.13 onward.
    case v6_13 = "v6.13"
    /// The seed (RFC v11, mid-2024) before patch 08/14: `encoded_va` + `remaining`, the empty
    /// test still in the fast path.
    case rfcV11Pre08 = "rfc-v11-pre08"
    /// The seed after patch 08/14 ("some minor refactoring before adding new API"): the empty
    /// test folded into the fit test, the reload moved out of the fast path.
    case rfcV11 = "rfc-v11"
    /// Part-2 v2 (2024-12-06, not merged): mainline's state, with allocation rebuilt as
    /// prepare (exported) + commit (inline, calling the exported commit_noref).
    case part2V2 = "part2-v2"
}

/// Compile-time constants the ports share with the kernel they follow.
public enum KernelPort {
    /// `PAGE_SIZE`: a constant in the kernel, so the ports run 4 KiB pages only (the tools
    /// refuse other page sizes for them, naming this reason).
    public static let pageSize = 4096
    @usableFromInline static var _pageSize: UInt32 { 4096 }
    @usableFromInline static var _pageShift: UInt { 12 }
    /// `PAGE_MASK`.
    @usableFromInline static var _pageMask: UInt { ~UInt(0xfff) }
    /// `PAGE_FRAG_CACHE_ORDER_MASK` (4 KiB pages, max size above the page size) and the
    /// pfmemalloc bit above it: the layout of `EncodedPage`.
    @usableFromInline static var _orderMask: UInt { 0xff }
    @usableFromInline static var _pfmemallocBit: UInt { 0x100 }

    /// The header inlines' `-align`: the mask an exported function gets for `align` (a power of
    /// two), all ones for 1.
    @inlinable @inline(__always)
    static func _alignMask(_ align: Int) -> UInt32 {
        assert(align > 0 && align & (align &- 1) == 0, "align \(align) is not a power of two")
        return UInt32(truncatingIfNeeded: 0 &- align)
    }

    /// Why a configuration cannot run on the ports, or nil.
    public static func unsupportedReason(_ config: FragCacheConfig) -> String? {
        guard config.pageSize == pageSize else {
            return "the kernel version ports have PAGE_SIZE 4096 compiled in, as the kernel does; page size \(config.pageSize) runs on the layouts (remaining, offset-up, offset-down)"
        }
        return nil
    }
}
