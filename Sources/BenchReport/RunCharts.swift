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
/// workload, page size and alignment that swept at least two fragment sizes.
public enum RunCharts {
    public static func charts(_ run: BenchRun) -> [ChartFile] {
        var groups: [String: [BenchPoint]] = [:]
        var order: [String] = []
        for p in run.points where p.fragsz != nil && p.nsPerOp != nil {
            let key = groupKey(p)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(p)
        }
        var files: [ChartFile] = []
        var used = Set<String>()
        for key in order {
            let points = groups[key]!
            guard Set(points.compactMap(\.fragsz)).count >= 2 else { continue }
            let first = points[0]
            let maxSizes = Array(Set(points.map(\.maxSize))).sorted()
            let series = maxSizes.map { max in
                Chart.Series(name: "max " + NumberFormat.bytes(max),
                             points: points.filter { $0.maxSize == max }.map {
                                 Chart.Point(x: Double($0.fragsz!), y: $0.nsPerOp!)
                             })
            }
            var what = "\(NumberFormat.bytes(first.pageSize)) pages, align \(first.align)"
            let extra = first.parameters.keys.sorted().filter { !["depth", "count", "push_cpu", "pop_cpu"].contains($0) }
                .map { "\($0) \(first.parameters[$0]!)" }
            if !extra.isEmpty { what += ", " + extra.joined(separator: ", ") }
            let name = first.workload + (first.impl != "swift" ? " (\(first.impl))" : "") + (first.variant != "remaining" ? " [\(first.variant)]" : "")
            let title = "\(name): ns/op by fragment size"
            let samples = Set(points.map(\.samples)).sorted().map(String.init).joined(separator: "/")
            let chart = Chart(
                title: title, subtitle: what + (run.provenance.quick ? " (QUICK run)" : ""),
                x: Chart.Axis(title: "fragment size", scale: .log2, units: .bytes),
                y: Chart.Axis(title: "ns per operation (median)"),
                series: series,
                footnote: "Each point: median of \(samples) samples; lower is faster. err% per point in the table.")
            var file = "chart-" + slug("\(first.workload)-\(first.impl)-\(first.variant)-page\(first.pageSize / 1024)k-align\(first.align)" + (extra.isEmpty ? "" : "-" + extra.joined(separator: "-")))
            while used.contains(file) { file += "-x" }
            used.insert(file)
            files.append(ChartFile(file: file + ".svg", title: "\(title), \(what)", svg: chart.svg()))
        }
        return files
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
