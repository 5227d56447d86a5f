import Support

/// report.md's line on two-thread points: which placement of their two CPUs each estimate
/// comes from (`CPUPlacement` in Measure), so that two runs' cross-thread figures are compared
/// at the same round trip, or not at all.
public enum CPUPlacementSummary {
    /// nil when no point read the placement (no two-thread point, or an older run).
    public static func line(_ points: [BenchPoint]) -> String? {
        let placed = points.filter { $0.crossCPURoundTripNs != nil || $0.sampleCrossCPUBeforeNs != nil }
        guard !placed.isEmpty else { return nil }
        let trips = placed.compactMap(\.crossCPURoundTripNs)
        let leftOut = placed.filter { $0.samplePlacementLeftOut?.contains(true) == true }.count
        let mixed = placed.count - trips.count
        // Placements told apart as the estimates were.
        let groups = Statistics.gapGroups(trips, gapFactor: Stability.placementGapFactor).map { $0.map { trips[$0] } }
        let described = groups.map { g in
            let low = NumberFormat.fixed(g.first!, 0), high = NumberFormat.fixed(g.last!, 0)
            return "\(low == high ? low : "\(low)–\(high)") ns (\(g.count) point\(g.count == 1 ? "" : "s"))"
        }
        var text = "Two-thread points: each estimate comes from one placement of the two CPUs, the fastest that stands for the run (a quarter of the placed samples, from 3 visits; else the one most samples ran in)"
        text += described.isEmpty ? "" : "; cross-CPU round trip \(described.joined(separator: ", "))"
        text += ". In \(leftOut) of \(placed.count), samples taken at another placement were left out (run.json: samplePlacementLeftOut)"
        if mixed > 0 { text += "; \(mixed) kept all samples, their placement changing too often" }
        return text + ". The host moves the vCPUs; compare such figures only at the same round trip (a paired compare sees both sides in the same placement)."
    }

    /// The unstable count split between single- and two-thread points, when a run has both and
    /// some two-thread point is unstable: on the VMs this lab runs on, cross-thread's level
    /// follows the host from one stretch of a run to the next (four idle `make bench` runs on
    /// the AMD VM: 9-11 of 12 two-thread points unstable after the top-up, 1-2 of 70
    /// single-thread ones), and one total hid which kind a reader can trust.
    public static func unstableSplit(_ points: [BenchPoint]) -> String? {
        let two = points.filter(\.isTwoThread)
        let one = points.filter { !$0.isTwoThread }
        let unstableTwo = two.filter(\.unstable).count
        guard !one.isEmpty, unstableTwo > 0 else { return nil }
        return "\(one.filter(\.unstable).count) of \(one.count) single-thread point(s) and \(unstableTwo) of \(two.count) two-thread one(s), whose level follows the host's placement of the two vCPUs from one stretch of the run to the next (compare those paired in time)"
    }
}
