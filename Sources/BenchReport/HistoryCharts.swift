import Foundation

/// The charts of `fragbench history`: per point, ns/op with each run's 95% interval, and
/// callgrind instructions/op, across commits (x: the commit's place in git order, 1 = oldest
/// in the history), one line per machine. The run where a level moved is ringed.
public enum HistoryCharts {
    /// The distinct commits of `series`, oldest first (the order the series already have).
    public static func commits(_ series: [HistorySeries], commitOrder: [String]) -> [String] {
        var rank: [String: Int] = [:]
        for (n, commit) in commitOrder.enumerated() where rank[commit] == nil { rank[commit] = n }
        var firstSeen: [String: Int] = [:]
        for o in series.flatMap(\.observations) { firstSeen[o.commit] = min(firstSeen[o.commit] ?? .max, o.position) }
        return firstSeen.keys.sorted {
            let a = rank[$0] ?? .max, b = rank[$1] ?? .max
            return a != b ? a < b : firstSeen[$0]! < firstSeen[$1]!
        }
    }

    /// Charts per point name.
    public static func charts(_ series: [HistorySeries], moves: [HistoryReport.Move], commits: [String]) -> [String: [ChartFile]] {
        let place = Dictionary(uniqueKeysWithValues: commits.enumerated().map { ($1, Double($0 + 1)) })
        let moved = Set(moves.map { "\($0.point)\u{1}\($0.machine)\u{1}\($0.metric)\u{1}\($0.run)" })
        var byPoint: [String: [HistorySeries]] = [:]
        var order: [String] = []
        for s in series {
            if byPoint[s.point] == nil { order.append(s.point) }
            byPoint[s.point, default: []].append(s)
        }
        var out: [String: [ChartFile]] = [:]
        var used = Set<String>()
        let span = commits.isEmpty ? "" : "1 = \(commits[0].prefix(8)), \(commits.count) = \(commits[commits.count - 1].prefix(8))"
        for point in order {
            let group = byPoint[point]!
            var files: [ChartFile] = []
            for metric in ["time", "instructions"] {
                let lines: [Chart.Series] = group.compactMap { s in
                    let points: [Chart.Point] = s.observations.compactMap { o in
                        let value = metric == "time" ? o.nsPerOp : (o.exactInstructions ? o.instructions : nil)
                        guard let value, let x = place[o.commit] else { return nil }
                        let ringed = moved.contains("\(point)\u{1}\(s.machine)\u{1}\(metric)\u{1}\(o.run)")
                        return Chart.Point(x: x, y: value, yLow: metric == "time" ? o.nsLow : nil,
                                           yHigh: metric == "time" ? o.nsHigh : nil, highlight: ringed)
                    }
                    return points.isEmpty ? nil : Chart.Series(name: s.machine, points: points)
                }
                guard !lines.isEmpty else { continue }
                let title = metric == "time" ? "ns/op across commits" : "instructions/op across commits (callgrind)"
                let chart = Chart(
                    title: title, subtitle: point,
                    x: Chart.Axis(title: "commit (git order)", includeZero: false),
                    y: Chart.Axis(title: metric == "time" ? "ns per operation" : "instructions per operation", includeZero: false),
                    series: lines, highlightLegend: "level moved",
                    footnote: "x: \(span)." + (metric == "time" ? " Bars: each run's 95% interval." : " Exact counts."))
                var file = "history-" + RunCharts.slug(point) + "-" + metric
                while used.contains(file) { file += "-x" }
                used.insert(file)
                files.append(ChartFile(file: file + ".svg", title: "\(point): \(title)", svg: chart.svg()))
            }
            out[point] = files
        }
        return out
    }
}
