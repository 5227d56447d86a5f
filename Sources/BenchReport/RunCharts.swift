import Foundation

/// A chart as a file beside report.md.
public struct ChartFile: Sendable, Equatable {
    public var file: String
    public var title: String
    public var svg: String

    public init(file: String, title: String, svg: String) {
        self.file = file
        self.title = title
        self.svg = svg
    }
}

/// The charts of one run: ns/op against fragment size, one line per max size, for every
/// workload, page size and alignment that swept at least two fragment sizes; and ns/op against
/// max size where a workload swept max sizes but not fragment sizes (mixed, which draws its
/// sizes; cross-thread and prepare-commit in the presets). Each point has its estimate's 95%
/// interval as an error bar when the run recorded one; unstable points are hollow.
public enum RunCharts {
    public static func charts(_ run: BenchRun) -> [ChartFile] {
        var groups: [String: [BenchPoint]] = [:]
        var order: [String] = []
        for p in run.points where p.nsPerOp != nil {
            let key = groupKey(p)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(p)
        }
        var files: [ChartFile] = []
        var used = Set<String>()
        let estimator = run.points.allSatisfy({ $0.estimator == nil }) ? "median" : run.estimatorText
        for key in order {
            let points = groups[key]!
            let fragszs = Set(points.compactMap(\.fragsz))
            let maxSizes = Array(Set(points.map(\.maxSize))).sorted()
            let byFragsz = fragszs.count >= 2
            guard byFragsz || maxSizes.count >= 2 else { continue }
            let first = points[0]
            let series: [Chart.Series]
            if byFragsz {
                series = maxSizes.map { max in
                    Chart.Series(name: "max " + NumberFormat.bytes(max),
                                 points: points.filter { $0.maxSize == max && $0.fragsz != nil }.map(chartPoint { Double($0.fragsz!) }))
                }
            } else {
                let sizes = first.fragsz.map { "fragsz \($0)" } ?? (first.parameters["distribution"].map { "sizes \($0)" } ?? "drawn sizes")
                series = [Chart.Series(name: sizes, points: points.map(chartPoint { Double($0.maxSize) }))]
            }
            let extra = first.parameters.keys.sorted().filter { !["depth", "count", "push_cpu", "pop_cpu"].contains($0) }
                .map { "\($0) \(first.parameters[$0]!)" }
            // The points' `fragbench list` name with the chart's axes as `*`: each point on the
            // chart is that name with its max size and fragment size filled in.
            let pattern = first.namePattern(varying: byFragsz ? [.maxSize, .fragsz] : [.maxSize])
            let title = "ns/op by " + (byFragsz ? "fragment size" : "max size")
            let samples = Set(points.map(\.samples)).sorted().map(String.init).joined(separator: "/")
            let bars = points.contains { $0.nsPerOpInterval != nil } ? ", bars its 95% interval" : ""
            let chart = Chart(
                title: title, subtitle: pattern + (run.provenance.quick ? " (QUICK run)" : ""),
                x: byFragsz ? Chart.Axis(title: "fragment size", scale: .log2, units: .bytes)
                    : Chart.Axis(title: "PAGE_FRAG_CACHE_MAX_SIZE", scale: .log2, units: .bytes),
                y: Chart.Axis(title: "ns per operation (\(estimator))"),
                series: series, flaggedLegend: "unstable",
                footnote: "Each point: ns/op (\(estimator)) from \(samples) samples\(bars); lower is faster. Hollow: unstable.")
            var file = "chart-" + slug("\(first.workload)-\(first.impl)-\(first.variant)-page\(first.pageSize / 1024)k-align\(first.align)"
                + (byFragsz ? "" : "-by-max") + (extra.isEmpty ? "" : "-" + extra.joined(separator: "-")))
            while used.contains(file) { file += "-x" }
            used.insert(file)
            files.append(ChartFile(file: file + ".svg", title: "\(title): \(pattern)", svg: chart.svg()))
        }
        return files
    }

    /// A point of a run chart at `x`, with its interval and unstable flag.
    static func chartPoint(_ x: @escaping (BenchPoint) -> Double) -> (BenchPoint) -> Chart.Point {
        { p in
            let interval = p.nsPerOpInterval
            return Chart.Point(x: x(p), y: p.nsPerOp!, yLow: interval?.low, yHigh: interval?.high, flagged: p.unstable)
        }
    }

    static func groupKey(_ p: BenchPoint) -> String {
        [p.workload, p.impl, p.variant, String(p.pageSize), String(p.align),
         p.parameters.keys.sorted().map { "\($0)=\(p.parameters[$0]!)" }.joined(separator: ";")].joined(separator: "|")
    }

    /// File-name safe: letters, digits and dashes.
    static func slug(_ text: String) -> String {
        var out = ""
        for c in text.lowercased() {
            if c.isASCII && (c.isLetter || c.isNumber) { out.append(c) } else if out.last != "-" { out.append("-") }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out
    }
}
