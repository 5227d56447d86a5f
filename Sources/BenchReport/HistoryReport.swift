import Foundation

/// `fragbench history`: the change points of every series of the history, a table of the
/// points that moved, and per point a chart of ns/op (with its interval) and one of
/// instructions/op across commits, one line per machine.
public enum HistoryReport {
    /// A level change in one series, named by the commit where the new level starts.
    public struct Move: Sendable, Equatable {
        public var point: String
        public var machine: String
        /// "time" (ns/op) or "instructions" (per op).
        public var metric: String
        public var commit: String
        public var run: String
        public var change: ChangePoints.Change
        /// How certain the position is: exact counts pin the commit; a time change is located
        /// by e-divisive to within about one commit.
        public var method: String
    }

    /// The changes of every series. Times by e-divisive means with `options`; callgrind
    /// instruction counts exactly (hardware counts are not exact and are left to the time).
    public static func moves(_ series: [HistorySeries], options: ChangePoints.Options = .init()) -> [Move] {
        var moves: [Move] = []
        for s in series {
            let timed = s.observations.filter { $0.nsPerOp != nil }
            for c in ChangePoints.eDivisive(timed.map { $0.nsPerOp! }, options: options) {
                let at = timed[c.index]
                moves.append(Move(point: s.point, machine: s.machine, metric: "time", commit: at.commit, run: at.run,
                                  change: c, method: "e-divisive, Welch \(Int(options.confidence * 100))%, threshold "
                                      + NumberFormat.fixed(options.threshold * 100, 1) + "%"))
            }
            let counted = s.observations.filter { $0.exactInstructions && $0.instructions != nil }
            for c in ChangePoints.exact(counted.map { $0.instructions! }) {
                let at = counted[c.index]
                moves.append(Move(point: s.point, machine: s.machine, metric: "instructions", commit: at.commit, run: at.run,
                                  change: c, method: "exact (callgrind)"))
            }
        }
        return moves
    }

    public struct Context: Sendable {
        public var historyPath: String
        public var filter: String?
        public var notes: [String]
        public init(historyPath: String, filter: String?, notes: [String]) {
            self.historyPath = historyPath
            self.filter = filter
            self.notes = notes
        }
    }

    public static func markdown(_ series: [HistorySeries], moves: [Move], charts: [String: [ChartFile]], context: Context) -> String {
        let observations = series.flatMap(\.observations)
        let commits = Set(observations.map(\.commit)).count
        let machines = Set(series.map(\.machine)).sorted()
        var out = "# History: trends and change points\n\n"
        out += "From `\(context.historyPath)`" + (context.filter.map { ", points matching `\($0)`" } ?? "") + ": "
        out += "\(series.count) series (\(Set(series.map(\.point)).count) point(s)), \(Set(observations.map(\.run)).count) run(s), "
        out += "\(commits) commit(s), machine(s): \(machines.joined(separator: "; ")).\n\n"
        out += "Commits are in git order (oldest first); a series is one point on one machine. Times: e-divisive means "
        out += "(as Hunter) with a Welch interval that must exclude no change and a change of at least the threshold "
        out += "(as Bencher's); the commit named is where the new level starts, within about one commit. "
        out += "Instructions (callgrind, exact): every step, at its commit exactly.\n\n"
        for note in context.notes { out += "> \(note)\n" }
        if !context.notes.isEmpty { out += "\n" }
        out += "## Points that moved\n\n"
        if moves.isEmpty {
            out += "None: no series changed level.\n\n"
        } else {
            out += "| point | machine | metric | commit | before | after | change | interval | method |\n"
            out += "|---|---|---|---|---:|---:|---:|---|---|\n"
            for m in moves {
                let digits = m.metric == "time" ? 3 : 1
                let interval = m.change.ratio.method == "exact" ? "exact"
                    : "[\(percent(m.change.ratio.lower - 1)), \(percent(m.change.ratio.upper - 1))]"
                let delta = m.metric == "instructions" ? " (\(signed(m.change.delta, 1)) ins/op)" : ""
                out += "| `\(m.point)` | \(m.machine) | \(m.metric) | `\(m.commit.prefix(12))` | "
                out += "\(NumberFormat.fixed(m.change.before, digits)) | \(NumberFormat.fixed(m.change.after, digits)) | "
                out += "\(percent(m.change.relative))\(delta) | \(interval) | \(m.method) |\n"
            }
            out += "\n"
        }
        out += "## Per point\n\n"
        var seen = Set<String>()
        for s in series where !seen.contains(s.point) {
            seen.insert(s.point)
            out += "### `\(s.point)`\n\n"
            for chart in charts[s.point] ?? [] { out += "![\(chart.title)](\(chart.file))\n\n" }
        }
        return out
    }

    /// Every move as CSV: point, machine, metric, commit, run, before, after, ratio, interval, method.
    public static func csv(_ moves: [Move]) -> String {
        CSV.document(columns: ["point", "machine", "metric", "commit", "run", "before", "after", "ratio", "ci_lower", "ci_upper", "method"],
                     rows: moves.map { m in
                         [m.point, m.machine, m.metric, m.commit, m.run, NumberFormat.fixed(m.change.before, 3),
                          NumberFormat.fixed(m.change.after, 3), NumberFormat.fixed(m.change.ratio.ratio, 4),
                          NumberFormat.fixed(m.change.ratio.lower, 4), NumberFormat.fixed(m.change.ratio.upper, 4), m.method]
                     })
    }

    static func percent(_ fraction: Double) -> String { signed(fraction * 100, 2) + "%" }
    static func signed(_ v: Double, _ digits: Int) -> String { (v >= 0 ? "+" : "") + NumberFormat.fixed(v, digits) }
}
