import BenchReport
import Measure
import Workloads

/// The top-up of `run --process-per-visit`: the points still unstable after the planned
/// visits get more visits, each in a fresh process, and their estimates pool all of them.
///
/// Why: on a point whose level moves from one process to the next (cross-thread, where the
/// host places the two vCPUs anew; prepare-commit at 128K), ten visits leave a prediction
/// interval of ±4-10%, and the report's advice was to rerun with more visits. The lab takes
/// them itself, for those points only: their visits cost a fraction of a pass over the sweep.
/// It is decided once, after the planned visits, and never again: sampling until an interval
/// happens to be narrow would make "stable" easier to reach than the data allow.
extension ProcessVisits {
    /// Visits to add: `--top-up`, else as many as were planned (none for a --quick smoke run).
    package static func topUpCount(_ settings: RunSettings, planned: Int) -> Int {
        if let n = settings.topUpVisits { return max(0, n) }
        return settings.quick ? 0 : planned
    }

    /// The visits of a run: `count` passes over `plan`, then, if every one of them finished,
    /// `extra` passes over the points they left unstable. `visit(points, number, label)` runs
    /// one pass in a process and returns its saved run (nil: none) and whether to go on (false
    /// after a failed or interrupted child: the run stops there). `merged`: the runs merged,
    /// when deciding on the top-up merged them and nothing was added after (not merged twice).
    package static func visits(_ plan: SweepPlan, count: Int, extra: Int, estimator: Estimator, command: String,
                               visit: (SweepPlan, Int, String) throws -> (run: BenchRun?, goOn: Bool)) rethrows
        -> (runs: [BenchRun], planned: Int, topUp: TopUp?, merged: BenchRun?) {
        var runs: [BenchRun] = []
        var finished = 0, stopped = false
        for number in 1...max(1, count) {
            if InterruptFlag.isRaised { stopped = true; break }
            let (run, goOn) = try visit(plan, number, "\(number)/\(count)")
            if let run { runs.append(run) }
            guard goOn else { stopped = true; break }
            finished += 1
        }
        let planned = runs.count
        guard extra > 0, !stopped, finished == count, let first = merge(runs, estimator: estimator, command: command) else {
            return (runs, planned, nil, nil)
        }
        let unstable = unstablePoints(plan, in: first)
        guard !unstable.isEmpty else { return (runs, planned, nil, first) }
        StandardStreams.err("run: \(unstable.count) point(s) unstable after \(count) visits: \(extra) more visit(s) for them (--top-up)\n")
        let points = SweepPlan(points: unstable, combinations: unstable.count, merges: [])
        var added = 0
        for k in 1...extra {
            if InterruptFlag.isRaised { break }
            let (run, goOn) = try visit(points, count + k, "\(count + k)/\(count + extra), top-up of \(unstable.count) point(s)")
            if let run { runs.append(run); added += 1 }
            guard goOn else { break }
        }
        let topUp = TopUp(planned: count, added: added, asked: extra, names: Set(unstable.map(PointLabel.benchmarkName)))
        return (runs, planned, topUp, added == 0 ? first : nil)
    }

    /// The points of `plan` that `run` (the planned visits, merged) marks unstable, in the
    /// plan's order.
    package static func unstablePoints(_ plan: SweepPlan, in run: BenchRun) -> [WorkloadParameters] {
        let names = Set(run.points.filter(\.unstable).map(\.name))
        return plan.points.filter { names.contains(PointLabel.benchmarkName($0)) }
    }

    /// What the top-up did, for the points' estimators and the run's warnings.
    package struct TopUp: Equatable {
        /// Visits planned (all of them finished before the top-up started).
        package var planned: Int
        /// Visits added, and how many were asked for (fewer on Ctrl-C or a failed child).
        package var added: Int
        package var asked: Int
        /// The points that were unstable after the planned visits.
        package var names: Set<String>

        package init(planned: Int, added: Int, asked: Int, names: Set<String>) {
            self.planned = planned
            self.added = added
            self.asked = asked
            self.names = names
        }

        /// `run` with each topped-up point's estimator saying so, and one warning for the run.
        package func annotated(_ run: BenchRun) -> BenchRun {
            var run = run
            var stillUnstable = 0
            for i in run.points.indices where names.contains(run.points[i].name) {
                if added > 0 {
                    run.points[i].estimator = (run.points[i].estimator ?? BenchPoint.legacyEstimator)
                        + "; \(added) more visit(s) after the first \(planned) left it unstable"
                }
                if run.points[i].unstable { stillUnstable += 1 }
            }
            let added = self.added == asked ? "\(self.added) more" : "\(self.added) of the \(asked) more visits asked for"
            let now = stillUnstable == 0 ? "none is unstable now"
                : stillUnstable == names.count ? "all still unstable" : "\(stillUnstable) still unstable"
            run.warnings.append("Top-up: \(names.count) point(s) were unstable after \(planned) visits and got \(added) (--top-up); \(now).")
            return run
        }
    }
}
