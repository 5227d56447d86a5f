import Foundation

extension BenchPoint {
    /// The free-side API the point ran (`--api`), kept in `parameters` so that kernel-API
    /// points' keys and history rows are what they were before the experiments existed.
    public var api: String { parameters["api"] ?? "kernel" }

    /// " {local-free}", " {bulk ×16}", or "" for the kernel API: for table cells and titles.
    var apiSuffix: String {
        api == "kernel" ? "" : " {\(api)\(parameters["bulk"].map { " ×\($0)" } ?? "")}"
    }

    /// Who ran the point, for the API section: "swift kernel API", "swift local-free", "mimalloc".
    var subjectName: String {
        var name = impl + (variant != "remaining" ? ":\(variant)" : "")
        if impl == "swift" { name += api == "kernel" ? " kernel API" : " \(api)" + (parameters["bulk"].map { " ×\($0)" } ?? "") }
        return name
    }

    /// ns/op's 95% interval: the recorded one, else a Student-t interval of the samples.
    var nsPerOpRange: (low: Double, high: Double)? {
        if let interval = nsPerOpInterval { return interval }
        guard let samples = sampleNsPerOp, let level = RatioEstimate.level(samples) else { return nil }
        return (level.lower, level.upper)
    }
}

/// The free side in report.md: the cost of one locked RMW on this machine, where alloc-free
/// time goes (allocation and free timed apart), and what the API experiments buy against the
/// kernel API and mimalloc.
public enum FreeSideReport {
    /// "One locked RMW = 7.1 ns here", with how it was measured; "" when not recorded.
    public static func rmwLine(_ p: Provenance) -> String {
        guard let ns = p.atomicRMWNs else { return "" }
        return "**One locked RMW = \(NumberFormat.fixed(ns, 1)) ns here**: what every kernel-API free pays (one atomic decrement of the page's refcount). Measured: \(p.atomicRMWMethod ?? "method not recorded").\n\n"
    }

    // MARK: Attribution

    /// Points whose allocation and free were timed apart.
    public static func attributionSection(_ run: BenchRun) -> String {
        let points = run.points.filter { $0.allocNsPerOp != nil && $0.freeNsPerOp != nil }
        guard !points.isEmpty else { return "" }
        let rmw = run.provenance.atomicRMWNs
        var out = "\n## Where alloc-free time goes\n\n"
        out += "| point | subject | ns/op (interleaved) | alloc ns | free ns | alloc + free | free share |"
        out += rmw != nil ? " free ÷ locked RMW |\n|---|---|---:|---:|---:|---:|---:|---:|\n" : "\n|---|---|---:|---:|---:|---:|---:|\n"
        for p in points {
            let a = p.allocNsPerOp!, f = p.freeNsPerOp!
            var row = "| \(p.name) | \(p.subjectName) | \(NumberFormat.significant(p.nsPerOp)) | \(NumberFormat.significant(a)) | "
            row += "\(NumberFormat.significant(f)) | \(NumberFormat.significant(a + f)) | \(a + f > 0 ? NumberFormat.fixed(100 * f / (a + f), 0) + "%" : "—") |"
            if let rmw { row += " \(rmw > 0 ? NumberFormat.fixed(f / rmw, 2) : "—") |" }
            out += row + "\n"
        }
        var methods: [String] = []
        for m in points.compactMap(\.splitMethod) where !methods.contains(m) { methods.append(m) }
        out += "\nHow the halves were derived: " + methods.joined(separator: "; ") + ". "
        out += "They are not a split of the interleaved figure: alloc + free differs from it by what interleaving changes (cache state, pipelining).\n"
        return out
    }

    // MARK: The API experiments

    /// Everything that defines a point except who ran it and through which API.
    static func groupKey(_ p: BenchPoint) -> String {
        let params = p.parameters.filter { $0.key != "api" && $0.key != "bulk" }
        return [p.workload, String(p.pageSize), String(p.maxSize), p.fragsz.map(String.init) ?? "-", String(p.align),
                params.keys.sorted().map { "\($0)=\(params[$0]!)" }.joined(separator: ";")].joined(separator: "|")
    }

    /// Groups (in run order) that hold at least one API-experiment point.
    static func groups(_ run: BenchRun) -> [[BenchPoint]] {
        var byKey: [String: [BenchPoint]] = [:]
        var order: [String] = []
        for p in run.points where p.nsPerOp != nil {
            let key = groupKey(p)
            if byKey[key] == nil { order.append(key) }
            byKey[key, default: []].append(p)
        }
        return order.map { byKey[$0]! }.filter { $0.contains { $0.api != "kernel" } }
    }

    static func ratioText(_ e: RatioEstimate?) -> String {
        guard let e else { return "—" }
        if e.lower == e.upper { return NumberFormat.fixed(e.ratio, 3) }
        return "\(NumberFormat.fixed(e.ratio, 3)) (\(NumberFormat.fixed(e.lower, 3))–\(NumberFormat.fixed(e.upper, 3)))"
    }

    /// Time ratio of `b` over `a`: the quotient of the two points' estimates, with an interval
    /// from their 95% intervals (log half-widths added in quadrature, as for independent
    /// estimates). Points without recorded intervals (older runs) fall back to Welch on their
    /// samples. `fragbench peers` pairs interleaved rounds instead.
    static func timeRatio(_ a: BenchPoint?, _ b: BenchPoint) -> RatioEstimate? {
        guard let a else { return nil }
        if let x = a.nsPerOp, let y = b.nsPerOp, x > 0, y > 0,
           let ia = a.nsPerOpInterval, let ib = b.nsPerOpInterval, ia.low > 0, ib.low > 0 {
            func halfWidth(_ v: Double, _ i: (low: Double, high: Double)) -> Double {
                max(log(max(i.high, v) / v), log(v / min(i.low, v)))
            }
            let h = (pow(halfWidth(x, ia), 2) + pow(halfWidth(y, ib), 2)).squareRoot()
            let r = y / x
            return RatioEstimate(ratio: r, lower: r * exp(-h), upper: r * exp(h), rounds: 1, method: "estimates")
        }
        guard let sa = a.sampleNsPerOp, let sb = b.sampleNsPerOp else { return nil }
        return RatioEstimate.welch(a: sa, b: sb)
    }

    static func instructionRatio(_ a: BenchPoint?, _ b: BenchPoint) -> RatioEstimate? {
        guard let x = a?.perOp("instructions"), let y = b.perOp("instructions") else { return nil }
        return RatioEstimate.exact(a: x, b: y)
    }

    /// "What the API experiments buy": per point, every subject's ns/op and instructions/op
    /// against the kernel API and mimalloc; "" when the run has no API-experiment point.
    public static func apiSection(_ run: BenchRun) -> String {
        let groups = groups(run)
        guard !groups.isEmpty else { return "" }
        var out = "\n## What the API experiments buy\n\n"
        out += "Each row: one way of allocating and freeing at the point, measured in this run. Ratios are time (or instruction) ratios against the Swift cache's kernel API and against mimalloc: below 1 is faster. "
        out += "A time ratio is the quotient of the two points' ns/op estimates, its 95% interval combines theirs (log half-widths in quadrature; Welch on the samples for runs without intervals); instruction ratios are exact. "
        out += "For interleaved, paired rounds use `fragbench peers --against mimalloc,swift:local-free,swift:bulk`.\n\n"
        out += "| point | subject | ns/op | 95% interval | ins/op | time vs kernel API | time vs mimalloc | ins vs kernel API |\n"
        out += "|---|---|---:|---|---:|---:|---:|---:|\n"
        var verdicts: [String] = []
        for group in groups {
            let kernel = group.first { $0.impl == "swift" && $0.variant == "remaining" && $0.api == "kernel" }
            let mimalloc = group.first { $0.impl == "mimalloc" }
            for p in group {
                let range = p.nsPerOpRange.map { "\(NumberFormat.significant($0.low))–\(NumberFormat.significant($0.high))" } ?? "—"
                let isKernel = p.impl == "swift" && p.variant == "remaining" && p.api == "kernel"
                let cells = [p.name, p.subjectName, NumberFormat.significant(p.nsPerOp), range,
                             NumberFormat.significant(p.perOp("instructions")).isEmpty ? "—" : NumberFormat.significant(p.perOp("instructions")),
                             isKernel ? "1 (baseline)" : ratioText(timeRatio(kernel, p)),
                             p.impl == "mimalloc" ? "1 (baseline)" : ratioText(timeRatio(mimalloc, p)),
                             isKernel ? "1 (baseline)" : ratioText(instructionRatio(kernel, p))]
                out += "| " + cells.map(\.replacingPipes).joined(separator: " | ") + " |\n"
                if p.api != "kernel", let m = timeRatio(mimalloc, p) {
                    let speed = 1 / m.ratio
                    verdicts.append("\(p.name), \(p.subjectName): \(NumberFormat.fixed(speed, 2))× mimalloc's speed (95% interval \(NumberFormat.fixed(1 / m.upper, 2))–\(NumberFormat.fixed(1 / m.lower, 2)))")
                }
            }
        }
        if !verdicts.isEmpty {
            out += "\n" + verdicts.map { "- \($0)\n" }.joined()
        }
        return out
    }

    /// The whole grid in one chart per workload (and page size and alignment): ns/op against
    /// max size, a line per subject and fragment size ("swift local-free, 256 B"), so every
    /// fragment size, max size and API reads side by side with mimalloc.
    public static func charts(_ run: BenchRun) -> [ChartFile] {
        var byKey: [String: [BenchPoint]] = [:]
        var order: [String] = []
        for group in groups(run) {
            let p = group[0]
            let key = [p.workload, String(p.pageSize), String(p.align)].joined(separator: "|")
            if byKey[key] == nil { order.append(key) }
            byKey[key, default: []] += group
        }
        var files: [ChartFile] = []
        for key in order {
            let points = byKey[key]!
            let first = points[0]
            func line(_ p: BenchPoint) -> String {
                p.subjectName + (p.fragsz.map { ", \(NumberFormat.bytes($0))" } ?? "")
            }
            // A colour per subject, a marker and dash per fragment size; lines grouped by
            // fragment size, smallest first, subjects in run order within.
            var subjects: [String] = []
            for p in points where !subjects.contains(p.subjectName) { subjects.append(p.subjectName) }
            let fragszs = Set(points.map { $0.fragsz ?? 0 }).sorted()
            var lines: [(fragsz: Int, subject: String, name: String)] = []
            for f in fragszs {
                for subject in subjects where points.contains(where: { ($0.fragsz ?? 0) == f && $0.subjectName == subject }) {
                    let sample = points.first { ($0.fragsz ?? 0) == f && $0.subjectName == subject }!
                    lines.append((f, subject, line(sample)))
                }
            }
            let series = lines.map { entry in
                Chart.Series(name: entry.name, points: points.filter { line($0) == entry.name }.map {
                    Chart.Point(x: Double($0.maxSize), y: $0.nsPerOp!, yLow: $0.nsPerOpRange?.low, yHigh: $0.nsPerOpRange?.high)
                }.sorted { $0.x < $1.x }, colour: subjects.firstIndex(of: entry.subject)!, pattern: fragszs.firstIndex(of: entry.fragsz)!)
            }
            let title = "What the API experiments buy: \(first.workload)"
            // The points' names with what the chart spans as `*`: the axes, and the subject
            // (`<impl>`, `[variant]`, `api:`) that each line fixes.
            var kernel = first
            kernel.impl = "swift"
            kernel.variant = "remaining"
            kernel.parameters = first.parameters.filter { $0.key != "api" && $0.key != "bulk" }
            let pattern = kernel.namePattern(varying: [.maxSize, .fragsz])
            let chart = Chart(
                title: title,
                subtitle: "\(pattern), a line per subject and fragment size" + (run.provenance.quick ? " (QUICK run)" : ""),
                x: Chart.Axis(title: "max size (PAGE_FRAG_CACHE_MAX_SIZE)", scale: .log2, units: .bytes),
                // Log scale: the grid spans ~2 ns (local free, 64 B) to tens of ns (2 KiB
                // fragments at a 4K max size, mimalloc's 2 KiB), and a linear axis flattens
                // the small ones that the comparison is about.
                y: Chart.Axis(title: "ns per operation", scale: .log2),
                series: series,
                footnote: "Lower is faster. A line per API (or peer) and fragment size. Bars: 95% interval of each point's ns/op.")
            let file = "chart-api-" + RunCharts.slug("\(first.workload)-page\(first.pageSize / 1024)k-align\(first.align)") + ".svg"
            files.append(ChartFile(file: file, title: title, svg: chart.svg()))
        }
        return files
    }
}
