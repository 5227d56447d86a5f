import CFragShim

/// Where the host has put two vCPUs relative to each other, and what that does to a
/// two-thread estimate.
///
/// On these VMs the round trip of one cache line between CPU 0 and CPU 1 holds one of a few
/// values for stretches of a second or more: about 60, about 100 and about 440 ns (AMD EPYC;
/// docs/noise.md). The cross-thread workload moves lines between its two threads all the time,
/// so it follows the placement 2-5x (at max 32K, fragsz 2048: 11, 18 and 54 ns/op), and a run
/// that saw several read "unstable" while its code did not change. The single-CPU canary
/// cannot see this: it is a property of the pair.
///
/// So each two-thread sample is bracketed by readings of the round trip, and the estimate
/// comes from one placement: the fastest that stands for the run (`split`), as the speed
/// states take the fast state. Which one, and what was left out, is said beside the estimate. A
/// placement is a machine state, not a code change: a build that is slower is slower in
/// every placement, and a paired compare sees both builds in the same one.
public enum CPUPlacement {
    /// Hand-offs per burst: about 12-90 µs, short beside a cross-thread sample (4-40 ms).
    public static let roundTrips = 200

    /// One reading between the calling thread's CPU and `cpu`: the fastest of three bursts
    /// (an interrupt lengthens a burst, never shortens it). nil when no thread could be
    /// started or pinned there.
    public static func read(toCPU cpu: Int) -> Double? {
        var best = Double.infinity
        for _ in 0..<3 {
            let ns = fb_cross_cpu_round_trip_ns(Int32(clamping: cpu), Int32(roundTrips))
            guard ns > 0 else { return nil }
            best = min(best, ns)
        }
        return best
    }

    /// Per reading: its placement, 0 the fastest (shortest round trip), nil for a missing
    /// reading. Readings group at gaps wider than `Stability.placementGapFactor`; a group of
    /// fewer than `smallestGroup` readings joins its nearer neighbour, so a stray reading does
    /// not make a placement of its own.
    public static func levels(_ readings: [Double], smallestGroup: Int = 3) -> [Int?] {
        var groups = Statistics.gapGroups(readings, gapFactor: Stability.placementGapFactor)
        guard !groups.isEmpty else { return Array(repeating: nil, count: readings.count) }
        // A small group joins the neighbour across the narrower gap.
        var i = 0
        while groups.count > 1 && i < groups.count {
            guard groups[i].count < smallestGroup else { i += 1; continue }
            let low = i > 0 ? readings[groups[i][0]] / readings[groups[i - 1].last!] : .infinity
            let high = i + 1 < groups.count ? readings[groups[i + 1][0]] / readings[groups[i].last!] : .infinity
            if low <= high { groups[i - 1] += groups[i] } else { groups[i + 1] = groups[i] + groups[i + 1] }
            groups.remove(at: i)
            i = 0
        }
        var level = [Int?](repeating: nil, count: readings.count)
        for (g, members) in groups.enumerated() { for m in members { level[m] = g } }
        return level
    }

    /// The samples one placement keeps, per visit, and what was said about it.
    public struct Split: Sendable, Equatable {
        public var visitSamples: [[Double]]
        public var visitClasses: [[SampleClass]]
        /// Per sample, in the visits' order: true when it was left out of the estimate.
        public var leftOut: [Bool]
        /// The kept placement's median round trip (ns), nil when every sample was kept because
        /// no placement had enough.
        public var roundTripNs: Double?
        /// One clause for the estimate's description.
        public var note: String
    }

    /// A placement the estimate may come from holds at least this share of the samples that
    /// ran in one placement. The fastest placement with merely `minimum` samples came and went
    /// between runs: on the AMD EPYC VM it held about 9% of cross-thread samples, so over ten
    /// runs of the default preset's 12 cross-thread points, re-scored offline, a run's estimate
    /// came from it in some runs and not in others, and a run's interval held the other runs'
    /// median in 55 of 116 cases; with this share and `minimumVisits`, 91 of 120.
    public static let minimumShare = 0.25
    /// Visits (processes) a placement's samples must come from, when the run had that many: the
    /// interval is a bootstrap over visits, and over two it claimed ±1% for a placement seen
    /// in two processes of twenty.
    public static let minimumVisits = 3

    /// Keeps the samples of one placement: the fastest (shortest round trip) that holds at
    /// least `minimumShare` of the placed samples, `minimum` samples and samples from
    /// `minimumVisits` visits; failing that, the placement most samples ran in, if it has
    /// enough. A sample counts as in a placement when the readings before and after it agree.
    /// nil when the readings do not match the samples (no two-thread point, or an older
    /// build's run) or none was read.
    public static func split(visitSamples: [[Double]], visitClasses: [[SampleClass]], visitBefore: [[Double]],
                             visitAfter: [[Double]], minimum: Int = Stability.minimumUndisturbed) -> Split? {
        guard visitBefore.count == visitSamples.count, visitAfter.count == visitSamples.count,
              visitSamples.indices.allSatisfy({ visitBefore[$0].count == visitSamples[$0].count && visitAfter[$0].count == visitSamples[$0].count })
        else { return nil }
        let before = visitBefore.flatMap { $0 }, after = visitAfter.flatMap { $0 }
        let total = before.count
        guard total > 0, before.contains(where: { $0.isFinite && $0 > 0 }) else { return nil }
        let level = levels(before + after)
        // A sample's placement: the one both readings name; nil while it changed (or unread).
        let placement: [Int?] = (0..<total).map { i in level[i] == level[total + i] ? level[i] : nil }
        let placements = Set(placement.compactMap { $0 }).sorted()
        func median(_ p: Int) -> Double? {
            Statistics.median((0..<total).filter { placement[$0] == p }.flatMap { [before[$0], after[$0]] })
        }
        func ns(_ value: Double?) -> String { value.map { formatFixed($0, digits: 0) } ?? "?" }
        let count = { (p: Int) in placement.filter { $0 == p }.count }
        let visitOf = visitSamples.indices.flatMap { v in Array(repeating: v, count: visitSamples[v].count) }
        let visitsIn = { (p: Int) in Set((0..<total).filter { placement[$0] == p }.map { visitOf[$0] }).count }
        let placed = placement.compactMap { $0 }.count
        let wantedVisits = min(minimumVisits, visitSamples.count)
        let enough = { (p: Int) in count(p) >= minimum && visitsIn(p) >= wantedVisits }
        // The fastest placement that stands for the run; failing that, the one most samples ran in.
        let standing = placements.first { enough($0) && Double(count($0)) >= Double(placed) * minimumShare }
        guard let chosen = standing ?? placements.max(by: { count($0) < count($1) }).flatMap({ enough($0) ? $0 : nil }) else {
            return Split(visitSamples: visitSamples, visitClasses: visitClasses, leftOut: Array(repeating: false, count: total),
                         roundTripNs: nil,
                         note: "the placement of the two CPUs changed too often for \(minimum) samples from \(wantedVisits) visit(s) in one"
                            + (placements.isEmpty ? "" : " (cross-CPU round trips \(placements.map { ns(median($0)) }.joined(separator: ", ")) ns)")
                            + ": all samples kept")
        }
        let leftOut = placement.map { $0 != chosen }
        guard leftOut.contains(true) else {
            return Split(visitSamples: visitSamples, visitClasses: visitClasses, leftOut: leftOut, roundTripNs: median(chosen),
                         note: "the two CPUs kept one placement (cross-CPU round trip \(ns(median(chosen))) ns)")
        }
        var samples: [[Double]] = [], classes: [[SampleClass]] = []
        var i = 0
        for (s, c) in zip(visitSamples, visitClasses) {
            let kept = s.indices.filter { !leftOut[i + $0] }
            samples.append(kept.map { s[$0] })
            classes.append(c.count == s.count ? kept.map { c[$0] } : [])
            i += s.count
        }
        var others = placements.filter { $0 != chosen }.map { "\(count($0)) at \(ns(median($0))) ns" }
        let changing = placement.filter { $0 == nil }.count
        if changing > 0 { others.append("\(changing) while it changed") }
        let note = "\(total - count(chosen)) of \(total) samples left out: the host placed the two CPUs otherwise then "
            + "(estimate from the \(count(chosen)) at a cross-CPU round trip of \(ns(median(chosen))) ns; \(others.joined(separator: ", ")))"
        return Split(visitSamples: samples, visitClasses: classes, leftOut: leftOut, roundTripNs: median(chosen), note: note)
    }
}
