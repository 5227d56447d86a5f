/// SplitMix64: a tiny, fast generator whose output depends only on the seed, so two runs of a
/// point draw the same sizes. Used only while precomputing tables (never in a timed loop).
struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<bound (bound >= 1), by the high half of a 64x64 product: the bias is
    /// below 2^-32 for the bounds used here, far under anything a benchmark can see.
    mutating func next(below bound: Int) -> Int {
        precondition(bound >= 1, "SeededRandom: bound \(bound) must be at least 1")
        return Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// Uniform in [0, 1).
    mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }
}
