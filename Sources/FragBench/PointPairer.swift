import BenchReport
import Foundation
import Measure

/// Pairs the samples of one point between two workers (see `PairCommand`).
///
/// Two effects decide the design, both measured with a build paired with itself
/// (docs/noise.md):
/// - **Cache state.** Measured back to back, the second build of a pair inherits the first
///   one's caches. So each build's turn is two samples, the first re-warming its caches (not
///   used), the second measured; turns alternate A A B B, B B A A.
/// - **Placement.** Whichever worker sets its workload up second (its arena prefaulted second)
///   tended to run prepare-commit 3-5% faster. So a point is measured in several sessions, each
///   with fresh workloads set up in alternating order; each session's median pair ratio is one
///   observation and the interval is a t-interval over sessions, so the placement of one
///   session cannot pass for a difference.
struct PointPairer {
    let base: WorkerConnection
    let head: WorkerConnection
    let goalNanoseconds: UInt64
    let thresholdFraction: Double
    let minPairs: Int
    let maxPairs: Int
    /// Sessions before the first stopping check, each of `minPairs / minimumSessions` pairs.
    var minimumSessions = 8
    /// A canary reading this far above its side's baseline marks the pair disturbed.
    let canaryTolerance = 0.10

    enum Outcome {
        case measured(Comparison.Row)
        case missing(String)
    }

    struct Pair {
        var base: WorkerProtocol.SampleReply
        var head: WorkerProtocol.SampleReply
        var session: Int
    }

    func pair(label: String, arguments: [String], seconds: Double) throws -> Outcome {
        let request = WorkerProtocol.PointRequest(label: label, args: arguments)
        let deadline = Date().addingTimeInterval(seconds)
        let perSession = max(2, minPairs / minimumSessions)
        var pairs: [Pair] = []
        var session = 0
        var estimate: RatioEstimate?
        while pairs.count < maxPairs {
            let order = session % 2 == 0 ? [base, head] : [head, base]
            switch try runSession(request, order: order, session: session, count: perSession, into: &pairs) {
            case .some(let why): return .missing(why)
            case .none: break
            }
            session += 1
            if InterruptFlag.isRaised { break }
            guard session >= minimumSessions, session % 2 == 0 else { continue }
            estimate = Self.estimate(pairs, tolerance: canaryTolerance).estimate
            if let e = estimate, e.upper - e.lower <= thresholdFraction { break }
            if Date() >= deadline { break }
        }
        let summary = Self.estimate(pairs, tolerance: canaryTolerance)
        estimate = summary.estimate
        let baseValue = Estimator.standard.apply(summary.used.map(\.base.nanosecondsPerOp))
        let headValue = Estimator.standard.apply(summary.used.map(\.head.nanosecondsPerOp))
        var note = "\(pairs.count) pairs in \(session) sessions"
        if summary.disturbed > 0 { note += ", \(summary.disturbed) disturbed" + (summary.usedAll ? " (kept: too few clean)" : " (left out)") }
        if let e = estimate { note += ", resolution ±\(formatFixed(PairedRatio.resolution(e) * 100, digits: 1))%" }
        return .measured(Comparison.Row(
            key: label, label: label, base: baseValue, head: headValue, estimate: estimate,
            verdict: Verdict.judge(estimate, threshold: thresholdFraction), note: note))
    }

    /// One session: both workloads set up fresh in `order`, the base chooses the op count (the
    /// pair's samples do the same work), then `count` pairs. Returns why the point cannot be
    /// compared, or nil.
    private func runSession(_ request: WorkerProtocol.PointRequest, order: [WorkerConnection], session: Int,
                            count: Int, into pairs: inout [Pair]) throws -> String? {
        for worker in order {
            let reply = try worker.request(.point(request))
            guard reply.hasPrefix("ready") else { return "\(worker.name): \(reply.dropFirst(reply.hasPrefix("error ") ? 6 : 0))" }
        }
        defer {
            _ = try? base.request(.end)
            _ = try? head.request(.end)
        }
        let calibrated = try base.request(.calibrate(goalNanoseconds: goalNanoseconds))
        guard calibrated.hasPrefix("ops "), let ops = Int(calibrated.dropFirst(4)) else {
            return "base: calibration failed: \(calibrated)"
        }
        // Both warm up at the base's op count, alternating: calibrating the head at its own
        // size left its buffers sized differently, and a build paired with itself read 3-7%
        // faster on prepare-commit in the head's role.
        for turn in 0..<8 { _ = try sample(turn % 2 == 0 ? head : base, ops) }
        for block in 0..<count {
            var measured: [String: WorkerProtocol.SampleReply] = [:]
            for worker in block % 2 == 0 ? [base, head] : [head, base] {
                _ = try sample(worker, ops)
                guard let reply = try sample(worker, ops) else { return "\(worker.name) sent a malformed sample" }
                measured[worker.name] = reply
            }
            guard let b = measured[base.name], let h = measured[head.name] else { return "a worker sent no sample" }
            pairs.append(Pair(base: b, head: h, session: session))
            if InterruptFlag.isRaised { break }
        }
        return nil
    }

    private func sample(_ worker: WorkerConnection, _ ops: Int) throws -> WorkerProtocol.SampleReply? {
        WorkerProtocol.SampleReply.parse(try worker.request(.sample(ops: ops)))
    }

    /// The paired estimate over the pairs whose canaries were quiet on both sides (all pairs
    /// when fewer than half are), with the sessions as clusters.
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
        let sessions = Dictionary(grouping: used, by: \.session).keys.sorted()
        let clusters = sessions.map { s in used.filter { $0.session == s }.map { ($0.base.nanosecondsPerOp, $0.head.nanosecondsPerOp) } }
        let e = PairedRatio.clustered(clusters)
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
            + "the controller alternates the builds in blocks A A B B, B B A A of single \(formatFixed(sampleMs, digits: 1)) ms samples; the first sample of each turn re-warms that build's caches and is not used, the second ones form a pair, so a burst on the machine falls on both builds of a pair. "
            + "A point is measured in sessions, each with both workloads set up afresh in alternating order (the second one set up can run a few percent faster). "
            + "Ratio = geometric mean over sessions of each session's median pair ratio head/base (pairs whose noise canaries were quiet), with a Student-t 95% interval over the sessions; "
            + "base and head columns: p10 of each build's samples in those pairs. Sampling stops when the interval is narrower than \(pct)% or the point's share of the \(formatFixed(budget, digits: 0)) s budget is spent; "
            + "'resolution' is the smallest change the data could have resolved. A point is slower or faster only when its whole interval lies beyond ±\(pct)%."
    }
}
