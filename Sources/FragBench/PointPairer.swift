import BenchReport
import Foundation
import Measure

/// Pairs the samples of one point between two workers (see `PairCommand`).
struct PointPairer {
    let base: WorkerConnection
    let head: WorkerConnection
    let goalNanoseconds: UInt64
    let thresholdFraction: Double
    let minPairs: Int
    let maxPairs: Int
    /// Pairs between stopping checks.
    let checkEvery = 16
    /// A canary reading this far above its side's baseline marks the pair disturbed.
    let canaryTolerance = 0.10

    enum Outcome {
        case measured(Comparison.Row)
        case missing(String)
    }

    struct Pair {
        var base: WorkerProtocol.SampleReply
        var head: WorkerProtocol.SampleReply
    }

    func pair(label: String, arguments: [String], seconds: Double) throws -> Outcome {
        let request = WorkerProtocol.PointRequest(label: label, args: arguments)
        for worker in [base, head] {
            let reply = try worker.request(.point(request))
            guard reply.hasPrefix("ready") else { return .missing("\(worker.name): \(reply.dropFirst(reply.hasPrefix("error ") ? 6 : 0))") }
        }
        defer {
            _ = try? base.request(.end)
            _ = try? head.request(.end)
        }
        // One op count for both builds, chosen by the base: the pair's two samples do the same work.
        let calibrated = try base.request(.calibrate(goalNanoseconds: goalNanoseconds))
        guard calibrated.hasPrefix("ops "), let ops = Int(calibrated.dropFirst(4)) else {
            return .missing("base: calibration failed: \(calibrated)")
        }
        // The head warms up at its own size; its op count is not used.
        _ = try head.request(.calibrate(goalNanoseconds: goalNanoseconds))

        let deadline = Date().addingTimeInterval(seconds)
        var pairs: [Pair] = []
        var estimate: RatioEstimate?
        var block = 0
        while pairs.count < maxPairs {
            // ABBA: A B then B A, and the next block starts with the other build, so neither
            // build always runs first after the controller's own work.
            let first = block % 2 == 0
            block += 1
            let a1 = try sample(first ? base : head, ops), b1 = try sample(first ? head : base, ops)
            let b2 = try sample(first ? head : base, ops), a2 = try sample(first ? base : head, ops)
            guard let a1, let b1, let a2, let b2 else { return .missing("a worker sent a malformed sample") }
            pairs.append(first ? Pair(base: a1, head: b1) : Pair(base: b1, head: a1))
            pairs.append(first ? Pair(base: a2, head: b2) : Pair(base: b2, head: a2))
            if InterruptFlag.isRaised { break }
            if pairs.count >= minPairs && pairs.count % checkEvery == 0 {
                estimate = Self.estimate(pairs, tolerance: canaryTolerance).estimate
                if let e = estimate, e.upper - e.lower <= thresholdFraction { break }
                if Date() >= deadline { break }
            }
        }
        let summary = Self.estimate(pairs, tolerance: canaryTolerance)
        estimate = summary.estimate
        let baseValue = Estimator.standard.apply(summary.used.map(\.base.nanosecondsPerOp))
        let headValue = Estimator.standard.apply(summary.used.map(\.head.nanosecondsPerOp))
        var note = "\(pairs.count) pairs"
        if summary.disturbed > 0 { note += ", \(summary.disturbed) disturbed" + (summary.usedAll ? " (kept: too few clean)" : " (left out)") }
        if let e = estimate { note += ", resolution ±\(formatFixed(PairedRatio.resolution(e) * 100, digits: 1))%" }
        return .measured(Comparison.Row(
            key: label, label: label, base: baseValue, head: headValue, estimate: estimate,
            verdict: Verdict.judge(estimate, threshold: thresholdFraction), note: note))
    }

    private func sample(_ worker: WorkerConnection, _ ops: Int) throws -> WorkerProtocol.SampleReply? {
        WorkerProtocol.SampleReply.parse(try worker.request(.sample(ops: ops)))
    }

    /// The paired estimate over the pairs whose canaries were quiet on both sides (all pairs
    /// when fewer than half are).
    static func estimate(_ pairs: [Pair], tolerance: Double)
        -> (estimate: RatioEstimate?, used: [Pair], disturbed: Int, usedAll: Bool)
    {
        let baseBaseline = Statistics.percentile(pairs.map(\.base.canaryNanosecondsPerStep), 5)
        let headBaseline = Statistics.percentile(pairs.map(\.head.canaryNanosecondsPerStep), 5)
        let clean = pairs.filter {
            !NoiseCanary.isDisturbed($0.base.canaryNanosecondsPerStep, baseline: baseBaseline, tolerance: tolerance)
                && !NoiseCanary.isDisturbed($0.head.canaryNanosecondsPerStep, baseline: headBaseline, tolerance: tolerance)
        }
        let useAll = clean.count * 2 < pairs.count
        let used = useAll ? pairs : clean
        let e = PairedRatio.estimate(base: used.map(\.base.nanosecondsPerOp), head: used.map(\.head.nanosecondsPerOp))
        return (e, used, pairs.count - clean.count, useAll)
    }
}

enum PairSummary {
    static func progressText(_ row: Comparison.Row) -> String {
        "\(Comparison.ratioText(row.estimate)) \(row.verdict.rawValue) (\(row.note ?? ""))"
    }

    static func method(threshold: Double, budget: Double, sampleMs: Double, cpu: Int) -> String {
        let pct = formatFixed(threshold, digits: threshold == threshold.rounded() ? 0 : 1)
        return "Metric: ns/op (time), samples paired in time: each build runs as a worker pinned to CPU \(cpu); "
            + "the controller alternates single \(formatFixed(sampleMs, digits: 1)) ms samples A B B A, so a burst on the machine falls on both builds of a pair. "
            + "Ratio = median of the per-pair ratios head/base over the pairs whose noise canaries were quiet, with a distribution-free 95% interval (order statistics); "
            + "base and head columns: p10 of each build's samples in those pairs. Sampling stops when the interval is narrower than \(pct)% or the point's share of the \(formatFixed(budget, digits: 0)) s budget is spent; "
            + "'resolution' is the smallest change the data could have resolved. A point is slower or faster only when its whole interval lies beyond ±\(pct)%."
    }
}
