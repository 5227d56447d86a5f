/// Allocation flags for the page allocator model, named after the kernel's GFP bits that the
/// page_frag cache actually passes around. The model has no reclaim, so `directReclaim` only
/// changes what a trace records, never whether a request succeeds.
public struct GFP: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The caller may sleep and reclaim (`__GFP_DIRECT_RECLAIM`).
    @inlinable public static var directReclaim: GFP { GFP(rawValue: 1 << 0) }
    /// A high-order block is set up as one compound page (`__GFP_COMP`), so any address inside
    /// it leads back to the head page.
    @inlinable public static var compound: GFP { GFP(rawValue: 1 << 1) }
    /// Do not log the failure (`__GFP_NOWARN`).
    @inlinable public static var noWarn: GFP { GFP(rawValue: 1 << 2) }
    /// Give up at once rather than retry (`__GFP_NORETRY`).
    @inlinable public static var noRetry: GFP { GFP(rawValue: 1 << 3) }
    /// Never dip into the emergency reserves (`__GFP_NOMEMALLOC`): the page is never pfmemalloc.
    @inlinable public static var noMemalloc: GFP { GFP(rawValue: 1 << 4) }
    /// The caller may use the emergency reserves (`__GFP_MEMALLOC`).
    @inlinable public static var memalloc: GFP { GFP(rawValue: 1 << 5) }

    /// What a sleeping kernel caller passes (`GFP_KERNEL`, as far as the model cares).
    @inlinable public static var kernel: GFP { [.directReclaim] }
    /// What an interrupt-context caller passes (`GFP_ATOMIC`): no reclaim.
    @inlinable public static var atomic: GFP { [] }
}
