import Support

/// What to do about an unstable point, in flags the reader can type: the sample time as
/// `--min-sample-ms` with a value in milliseconds, more `--samples`, pinning; callgrind only
/// when the run was not already using it.
public enum UnstableAdvice {

    /// A concrete next step for an unstable point (nil for a stable one).
    public static func hint(_ p: BenchPoint, counterBackend: String) -> String? {
        guard p.unstable else { return nil }
        let lead: String
        if let v = p.nsPerOp, v > 0, let lo = p.nsPerOpLow, let hi = p.nsPerOpHigh {
            let width = max(v - lo, hi - v) / v * 100
            var why = "95% interval ±\(NumberFormat.fixed(width, 1))%"
            why += width > Stability.intervalThresholdPercent ? " > ±\(NumberFormat.fixed(Stability.intervalThresholdPercent, 0))%" : ""
            if let d = p.disturbedSamples, d > 0 {
                why += p.samples - d < Stability.minimumUndisturbed && width <= Stability.intervalThresholdPercent
                    ? ", but only \(p.samples - d) of \(p.samples) samples undisturbed"
                    : ", \(d) of \(p.samples) samples disturbed"
            }
            lead = why + ": "
        } else {
            lead = p.errPct.map { "sample spread \(NumberFormat.fixed($0, 1))% > 5%: " }
                ?? "no spread could be computed from \(p.samples) sample(s): "
        }
        return lead + steps([p], counterBackend: counterBackend).joined(separator: "; ")
    }

    /// One piece of advice for all of a run's unstable points (the report says it once); nil
    /// when none is unstable.
    /// `contended`: most of the run's samples ran on a contended machine (`MachineContention`),
    /// which stopping local work may not cure.
    public static func advice(_ points: [BenchPoint], counterBackend: String, contended: Bool = false) -> String? {
        let unstable = points.filter(\.unstable)
        guard !unstable.isEmpty else { return nil }
        return steps(unstable, counterBackend: counterBackend, contended: contended).joined(separator: "; ")
    }

    static func steps(_ unstable: [BenchPoint], counterBackend: String, contended: Bool = false) -> [String] {
        var steps: [String] = []
        if unstable.contains(where: { !$0.pinned && !$0.isTwoThread }) {
            steps.append("pin single-threaded points (--cpu N, without --no-pin)")
        }
        let timed = unstable.filter { !$0.isTwoThread }
        if let longest = timed.compactMap(\.sampleNs).max(), longest > 0 {
            let ms = longest / 1e6
            steps.append("raise --min-sample-ms to \(suggestedMilliseconds(ms)) (samples took up to \(NumberFormat.significant(ms)) ms)")
        } else if !timed.isEmpty {
            steps.append("raise --min-sample-ms (longer samples average out short disturbances)")
        }
        if unstable.contains(where: \.isTwoThread) {
            // Not a longer --count: a visit's samples agree within a few percent, its level is
            // what moves from one stretch of the run to the next (docs/noise.md, CPU placement).
            steps.append("for cross-thread, compare two builds paired in time (make compare, fragbench pair: both see the same placement of the two CPUs); its level moves with the host from one stretch of minutes to the next, which more samples in one run do not remove")
        }
        steps.append(contended
            ? "rerun in a quieter stretch (the machine was contended for most of this run, which stopping local work may not cure: the contention can come from outside the VM)"
            : "stop other work on this machine")
        if let fewest = unstable.map(\.samples).min(), fewest < 100 {
            steps.append("take more samples (raise --visits or --samples above this run's; the fewest an unstable point had was \(fewest))")
        }
        if counterBackend != "callgrind" {
            steps.append("or compare instruction counts, which load does not change (--counters callgrind)")
        }
        return steps
    }

    /// Four times `ms`, at least 1, rounded up to 1, 2 or 5 times a power of ten.
    static func suggestedMilliseconds(_ ms: Double) -> String {
        let target = max(1, ms * 4)
        var scale = 1.0
        while scale * 10 <= target { scale *= 10 }
        for step in [1.0, 2, 5, 10] where step * scale >= target {
            return String(Int(step * scale))
        }
        return String(Int(target.rounded(.up)))
    }
}
