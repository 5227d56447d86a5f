import BenchReport
import Foundation
import Workloads

/// `tune`'s paired phase: in each group, every candidate within the objective is paired in
/// time with the reference (`SelfPairing`, the method of `make compare`), because separate
/// runs on a shared machine drift apart by more than max sizes differ. The reference starts
/// as the nominally fastest candidate; when a paired ratio resolves another one faster, that
/// one becomes the reference and the rest are paired with it, so the recommendation rests on
/// paired evidence about the setting it names.
package struct TunePairing {
    package let pairing: SelfPairing
    package let settings: SelfPairing.Settings
    /// Seconds per comparison.
    package let budget: Double
    /// The point the child run measured for one max size of a group; nil when tune has none (a
    /// group it did not measure); throws why when tune cannot name it.
    package let point: (Tuning.Group, Int) throws -> WorkloadParameters?
    /// Comparisons are at most (candidates - 1) per reference: two changes bound the phase to
    /// about three times that, whatever the evidence does.
    package static let maxReferenceChanges = 2

    package init(settings: SelfPairing.Settings, budget: Double,
                 point: @escaping (Tuning.Group, Int) throws -> WorkloadParameters?) {
        self.settings = settings
        self.pairing = SelfPairing(settings)
        self.budget = budget
        self.point = point
    }

    package func run(_ groups: [Tuning.Group]) -> TuningPairs {
        var record = TuningPairs(budgetSeconds: budget, minSessions: settings.minSessions, minPairs: settings.minPairs,
                                 sampleMs: settings.sampleMs, thresholdPercent: settings.thresholdPercent,
                                 maxReferenceChanges: Self.maxReferenceChanges)
        groups: for g in groups where g.candidates.count > 1 {
            guard let best = g.nominalBest else { continue }
            var reference = best
            for _ in 0...Self.maxReferenceChanges {
                for head in g.candidates where head != reference
                    && TuningPairs.comparison(record.comparisons(group: g.key), head, reference) == nil {
                    if InterruptFlag.isRaised { record.interrupted = true; break groups }
                    record.comparisons.append(compare(g, base: reference, head: head))
                }
                // The analysis follows the same path (`Tuning.analyse`), so a re-analysis meets
                // the reference these comparisons were made against.
                let path = TuningPairs.referencePath(from: best, candidates: g.candidates, record.comparisons(group: g.key))
                guard let next = path.last, next != reference else { break }
                reference = next
            }
        }
        if InterruptFlag.isRaised { record.interrupted = true }
        return record
    }

    package func compare(_ g: Tuning.Group, base: Int, head: Int) -> TuningPairs.Comparison {
        var c = TuningPairs.Comparison(group: g.key, workload: g.workload, pageSize: g.pageSize, base: base, head: head)
        // The two points by their `fragbench list` names, as the group's table rows name them.
        let name = { (size: Int) in g.settings.first { $0.maxSize == size }?.point.name ?? "max \(NumberFormat.bytes(size))" }
        let label = "\(name(head)) vs \(name(base))"
        var points: [WorkloadParameters] = []
        for size in [base, head] {
            let named: WorkloadParameters?
            do { named = try point(g, size) } catch {
                c.missing = "\(error)"
                return c
            }
            guard let named else {
                c.missing = "tune has no point for this group's max \(NumberFormat.bytes(size))"
                return c
            }
            if let why = Self.mismatch(named, g.settings.first { $0.maxSize == size }?.point) {
                c.missing = why
                return c
            }
            points.append(named)
        }
        StandardStreams.err("tune: pairing \(label)\n")
        switch pairing.compare(label: label, base: points[0], head: points[1], seconds: budget) {
        case .missing(let why):
            c.missing = why
        case .measured(let row, let pairs, _):
            c.pairs = pairs.count
            c.sessions = Set(pairs.map(\.session)).count
            c.note = row.note
            // Interrupted mid-comparison, the workers got the signal too: what came back is
            // a fragment, not the comparison the budget asked for.
            if InterruptFlag.isRaised {
                c.missing = "interrupted (Ctrl-C) before the comparison finished"
            } else if let e = row.estimate, [e.ratio, e.lower, e.upper].allSatisfy({ $0.isFinite && $0 > 0 }) {
                c.estimate = e
            } else {
                c.missing = "no interval (\(row.note ?? "too few pairs"))"
            }
        }
        let outcome = c.estimate.map { "ratio \(Comparison.ratioText($0)), \(c.pairs) pairs in \(c.sessions) sessions" } ?? "not compared: \(c.missing ?? "")"
        StandardStreams.err("tune: \(label): \(outcome)\n")
        return c
    }

    /// Why `point` is not the point the run measured, or nil when it is: the paired ratio must
    /// be about the same point as the row it stands beside.
    package static func mismatch(_ point: WorkloadParameters, _ measured: BenchPoint?) -> String? {
        guard let measured else { return "the run measured no such max size" }
        if let why = point.notApplicableReason { return "\(PointLabel.benchmarkName(point)): \(why)" }
        let paired = PointLabel.benchmarkName(point), run = GoogleBenchmarkReport.benchmarkName(measured)
        return paired == run ? nil : "the paired point \(paired) is not the run's \(run)"
    }
}
