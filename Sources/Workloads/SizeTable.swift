import Support

/// Sizes drawn from a distribution ahead of time, so no random number generator runs in a
/// timed loop: the loop reads `sizes[index & mask]` and the table repeats every `count` draws.
/// Prefix sums give the exact bytes of any number of draws afterwards, untimed.
final class SizeTable {
    /// Entries in a default table: large enough that the cycle is far longer than any ring
    /// and that proportions are close to the distribution's.
    static let defaultCount = 1 << 16

    /// Safe: `count` initialised entries, freed in deinit; read-only after init.
    let sizes: UnsafeMutablePointer<UInt32>
    let count: Int
    /// `count - 1`; `count` is a power of two.
    let mask: Int
    /// prefix[i] = sizes[0] + … + sizes[i-1].
    private let prefix: [Int]

    init(_ distribution: SizeDistribution, seed: UInt64, count: Int = SizeTable.defaultCount) {
        precondition(count >= 1 && count & (count - 1) == 0, "SizeTable: count \(count) is not a power of two")
        self.count = count
        mask = count - 1
        sizes = .allocate(capacity: count)
        var random = SplitMix64(seed: seed)
        var draw: (inout SplitMix64) -> Int
        switch distribution {
        case .uniform(let range):
            let low = range.lowerBound
            let span = range.count
            draw = { low + $0.next(below: span) }
        case .imix:
            draw = Self.weightedDraw(SizeDistribution.imixWeights)
        case .histogram(let entries):
            draw = Self.weightedDraw(entries)
        }
        var sums = [Int](repeating: 0, count: count + 1)
        for i in 0 ..< count {
            let size = draw(&random)
            sizes[i] = UInt32(truncatingIfNeeded: size)
            sums[i + 1] = sums[i] + size
        }
        prefix = sums
    }

    deinit { sizes.deallocate() }

    /// A draw by inverse CDF over cumulative weights (binary search).
    private static func weightedDraw(_ entries: [SizeDistribution.SizeWeight]) -> (inout SplitMix64) -> Int {
        precondition(!entries.isEmpty, "SizeTable: an empty histogram")
        var cumulative: [Double] = []
        var total = 0.0
        for entry in entries {
            total += entry.weight
            cumulative.append(total)
        }
        let sizes = entries.map(\.size)
        return { random in
            let u = random.nextUnit() * total
            var low = 0
            var high = cumulative.count - 1
            while low < high {
                let mid = (low + high) / 2
                if cumulative[mid] > u { high = mid } else { low = mid + 1 }
            }
            return sizes[low]
        }
    }

    /// Bytes of the first `draws` sizes, the table repeating.
    func bytes(ofFirst draws: Int) -> Int {
        (draws / count) * prefix[count] + prefix[draws % count]
    }

    /// The largest size in the table.
    var largest: Int {
        (0 ..< count).reduce(0) { max($0, Int(sizes[$1])) }
    }
}
