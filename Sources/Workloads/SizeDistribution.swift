/// Where the `mixed` workload draws fragment sizes from.
public enum SizeDistribution: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The classic internet mix: 64, 576 and 1500 bytes in proportion 7:4:1.
    case imix
    /// Uniform over a closed range of sizes.
    case uniform(ClosedRange<Int>)
    /// Weighted sizes, e.g. read from a histogram file of "size weight" lines.
    case histogram([SizeWeight])

    public struct SizeWeight: Sendable, Hashable, Codable {
        public var size: Int
        public var weight: Double
        public init(size: Int, weight: Double) {
            self.size = size
            self.weight = weight
        }
    }

    public var description: String {
        switch self {
        case .imix: return "imix"
        case .uniform(let range): return "uniform:\(range.lowerBound)-\(range.upperBound)"
        case .histogram(let entries): return "histogram(\(entries.count) sizes)"
        }
    }
}
