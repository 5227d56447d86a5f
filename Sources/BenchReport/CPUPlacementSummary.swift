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
        var text = "Two-thread points: each estimate comes from one placement of the two CPUs, the fastest that held enough samples"
        text += described.isEmpty ? "" : "; cross-CPU round trip \(described.joined(separator: ", "))"
        text += ". In \(leftOut) of \(placed.count), samples taken at another placement were left out (run.json: samplePlacementLeftOut)"
        if mixed > 0 { text += "; \(mixed) kept all samples, their placement changing too often" }
        return text + ". The host moves the vCPUs; compare such figures only at the same round trip (a paired compare sees both sides in the same placement)."
    }
}
