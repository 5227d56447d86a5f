import Foundation

/// What the lab's measurement says about a published claim of a change. A pure function of
/// the claimed change and the measured ratio head/base with its interval: it never says more
/// than the interval shows.
public struct ClaimVerdict: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case reproduced
        case contradicted
        case notResolvable = "not resolvable here"
    }

    public var kind: Kind
    /// What the verdict rests on, one sentence.
    public var reason: String

    /// The measured ratio head/base and the interval it rests on. For a time ratio, its 95%
    /// interval; for an exact count (instructions, simulated mispredictions), the ratio itself
    /// widened by `tolerance` each way (the interval is the point: the tolerance says what
    /// counts as the same size).
    public struct Measured: Sendable, Equatable {
        public var ratio: Double
        public var lower: Double
        public var upper: Double
        /// nil: a statistical interval; a value: an exact count compared with this relative tolerance.
        public var tolerance: Double?

        public init(ratio: Double, lower: Double, upper: Double) {
            self.ratio = ratio
            self.lower = lower
            self.upper = upper
            self.tolerance = nil
        }

        /// An exact ratio compared within ±`tolerance` (0.02 = 2%, relative).
        public static func exact(_ ratio: Double, tolerance: Double) -> Measured {
            var m = Measured(ratio: ratio, lower: ratio / (1 + tolerance), upper: ratio * (1 + tolerance))
            m.tolerance = tolerance
            return m
        }

        /// Half the interval's width relative to the ratio (the resolution reached).
        public var halfWidth: Double { (upper - lower) / 2 / ratio }

        func contains(_ x: Double) -> Bool { lower <= x && x <= upper }
    }

    /// Below this size a claimed change is "no change".
    public static let noChange = 1e-9

    /// - `reproduced`: same direction and 1+c inside the interval (the interval then excludes
    ///   1); for a claim of no change (c = 0), the interval contains 1.
    /// - `contradicted`: the interval lies wholly on the other side of 1 from the claim
    ///   ("opposite direction"), or it excludes 1+c ("size excluded"); for c = 0, it excludes 1.
    /// - `not resolvable here`: the interval contains both 1 and 1+c, or nothing was measured
    ///   (`unmeasured` says why).
    public static func judge(claimedChange c: Double, measured: Measured?, unmeasured: String = "not measured") -> ClaimVerdict {
        guard let m = measured, m.ratio > 0, m.lower > 0, m.upper.isFinite else {
            return ClaimVerdict(kind: .notResolvable, reason: "could not be measured: \(unmeasured)")
        }
        let claimed = "claimed \(percent(c))"
        let seen = "measured \(measuredText(m))"
        let target = 1 + c
        if abs(c) < noChange {
            if m.contains(1) {
                let how = m.tolerance == nil
                    ? "the interval contains 1 (no change resolved at ±\(percent(m.halfWidth, signed: false)))"
                    : "within the ±\(percent(m.tolerance ?? 0, signed: false)) tolerance of no change"
                return ClaimVerdict(kind: .reproduced, reason: "claimed no change, \(seen): \(how)")
            }
            return ClaimVerdict(kind: .contradicted, reason: "change resolved: claimed no change, \(seen)")
        }
        if m.contains(1) && m.contains(target) {
            return ClaimVerdict(kind: .notResolvable,
                                reason: "the interval contains both no change and the claimed size: \(claimed), \(seen); resolution reached ±\(percent(m.halfWidth, signed: false))")
        }
        if (c < 0 && m.lower > 1) || (c > 0 && m.upper < 1) {
            return ClaimVerdict(kind: .contradicted, reason: "opposite direction: \(claimed), \(seen)")
        }
        if m.contains(target) {
            return ClaimVerdict(kind: .reproduced, reason: "\(claimed), \(seen): the claimed size lies inside and no change does not")
        }
        return ClaimVerdict(kind: .contradicted, reason: "size excluded: \(claimed), \(seen)")
    }

    /// Exact counts per operation of each side (instructions, simulated mispredictions): their
    /// ratio within ±`tolerance`. A count of zero on one side is a change of unbounded size in a
    /// known direction; zero on both sides gives no ratio.
    public static func judgeExact(claimedChange c: Double, base: Double, head: Double, tolerance: Double) -> ClaimVerdict {
        if base > 0 && head > 0 { return judge(claimedChange: c, measured: .exact(head / base, tolerance: tolerance)) }
        if base <= 0 && head <= 0 {
            return judge(claimedChange: c, measured: nil, unmeasured: "counted none on either side (no ratio)")
        }
        let measured = "measured \(count(base)) → \(count(head)) per op (exact count)"
        if abs(c) < noChange { return ClaimVerdict(kind: .contradicted, reason: "change resolved: claimed no change, \(measured)") }
        let kind = (head > base) != (c > 0) ? "opposite direction" : "size excluded"
        return ClaimVerdict(kind: .contradicted, reason: "\(kind): claimed \(percent(c)), \(measured)")
    }

    static func count(_ value: Double) -> String { String(format: value >= 100 ? "%.0f" : "%.3g", value) }

    /// "−21% [−23%, −19%]", or for an exact count "−21% (exact, tolerance ±2%)".
    public static func measuredText(_ m: Measured) -> String {
        if let t = m.tolerance { return "\(percent(m.ratio - 1)) (exact count, tolerance ±\(percent(t, signed: false)))" }
        return "\(percent(m.ratio - 1)) [\(percent(m.lower - 1)), \(percent(m.upper - 1))]"
    }

    /// A change as a percentage with a true minus sign: "−7.9%", "+0.0%", "+41%".
    public static func percent(_ fraction: Double, signed: Bool = true) -> String {
        let value = fraction * 100
        let magnitude = abs(value)
        let digits = magnitude >= 10 ? 0 : 1
        let text = String(format: "%.\(digits)f", magnitude) + "%"
        guard signed else { return text }
        let rounded = String(format: "%.\(digits)f", magnitude)
        if Double(rounded) == 0 { return "±" + text }
        return (value < 0 ? "\u{2212}" : "+") + text
    }
}
