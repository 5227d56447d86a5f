/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, well-mixed generator whose output depends only
/// on the seed, so two runs draw the same sizes and the same bootstrap resamples. Used while
/// precomputing tables and in statistics, never in a timed loop.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<bound (bound >= 1), by the high half of a 64x64 product: the bias is
    /// below 2^-32 for the bounds used here, far under anything a benchmark can see.
    public mutating func next(below bound: Int) -> Int {
        precondition(bound >= 1, "SplitMix64: bound \(bound) must be at least 1")
        return Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// Uniform in [0, 1).
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }
}
