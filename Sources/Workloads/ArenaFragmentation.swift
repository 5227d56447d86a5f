import FragCache

/// A page allocator arena fragmented before a workload runs (`--fragmented`, mixed): over
/// `fraction` of the arena one page is pinned in every group of 2^(maxFreeOrder+1), so the
/// largest free block left there is 2^maxFreeOrder pages. The pressure workload's machinery
/// (`PageAllocator.fragment`), offered to mixed so that `tune` can ask what a max size costs on
/// a long-running machine, where high-order refills fail and fall back to single pages.
public struct ArenaFragmentation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var fraction: Double
    public var maxFreeOrder: Int

    public init(fraction: Double, maxFreeOrder: Int = 0) {
        self.fraction = fraction
        self.maxFreeOrder = maxFreeOrder
    }

    /// Named settings: `heavy` leaves only single free pages, `moderate` free blocks of up to
    /// four pages (a 16 KiB refill on 4 KiB pages succeeds, a 32 KiB one falls back).
    public static let presets: [(name: String, value: ArenaFragmentation)] = [
        ("heavy", ArenaFragmentation(fraction: 1, maxFreeOrder: 0)),
        ("moderate", ArenaFragmentation(fraction: 1, maxFreeOrder: 2)),
    ]

    public static let syntax = "FRACTION[:ORDER] (share of the arena 0...1, largest free order left 0...\(PageAllocator.maxOrder - 1), default 0) or \(presets.map(\.name).joined(separator: ", "))"

    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    /// `1`, `0.5:2`, `heavy`: the option's value; a sentence saying what is wrong otherwise.
    public static func parse(_ text: String) throws(ParseError) -> ArenaFragmentation {
        if let preset = presets.first(where: { $0.name == text }) { return preset.value }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, let fraction = Double(parts[0]), fraction.isFinite, (0.0 ... 1.0).contains(fraction) else {
            throw ParseError(description: "expected \(syntax)")
        }
        var order = 0
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0 ..< PageAllocator.maxOrder).contains(value) else {
                throw ParseError(description: "the order after the colon must be an integer within 0...\(PageAllocator.maxOrder - 1)")
            }
            order = value
        }
        return ArenaFragmentation(fraction: fraction, maxFreeOrder: order)
    }

    /// As the option takes it, so a point's name and its run options agree.
    public var description: String { "\(fraction):\(maxFreeOrder)" }
}
