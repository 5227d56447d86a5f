/// Allocation flags for the page allocator model, named after the kernel's GFP bits that the
/// page_frag cache actually passes around. The model has no reclaim, so `directReclaim` only
/// changes what a trace records, never whether a request succeeds.
public struct GFP: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The caller may sleep and reclaim (`__GFP_DIRECT_RECLAIM`).
    public static let directReclaim = GFP(rawValue: 1 << 0)
    /// A high-order block is set up as one compound page (`__GFP_COMP`), so any address inside
    /// it leads back to the head page.
    public static let compound = GFP(rawValue: 1 << 1)
    /// Do not log the failure (`__GFP_NOWARN`).
    public static let noWarn = GFP(rawValue: 1 << 2)
    /// Give up at once rather than retry (`__GFP_NORETRY`).
    public static let noRetry = GFP(rawValue: 1 << 3)
    /// Never dip into the emergency reserves (`__GFP_NOMEMALLOC`): the page is never pfmemalloc.
    public static let noMemalloc = GFP(rawValue: 1 << 4)
    /// The caller may use the emergency reserves (`__GFP_MEMALLOC`).
    public static let memalloc = GFP(rawValue: 1 << 5)

    /// What a sleeping kernel caller passes (`GFP_KERNEL`, as far as the model cares).
    public static let kernel: GFP = [.directReclaim]
    /// What an interrupt-context caller passes (`GFP_ATOMIC`): no reclaim.
    public static let atomic: GFP = []
}
