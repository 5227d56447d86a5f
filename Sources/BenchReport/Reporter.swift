import Foundation

/// One consumer of a run's results: told where the run comes from, then each point as it is
/// measured, then asked for what it produced. Several run side by side (`Reporters`): a
/// terminal table plus the files of the run directory.
public protocol Reporter: AnyObject {
    /// Where the run comes from and what the reader must be warned about, before any point.
    func context(_ provenance: Provenance, warnings: [String])
    func point(_ point: BenchPoint)
    /// What the reporter produced: file name -> contents (the terminal reporter returns
    /// nothing; it has printed as it went).
    func finish(partial: Bool) -> [String: String]
}

/// Keeps what it is told, so file reporters can render the whole run at the end.
open class CollectingReporter: Reporter {
    public private(set) var provenance: Provenance?
    public private(set) var warnings: [String] = []
    public private(set) var points: [BenchPoint] = []

    public init() {}

    public func context(_ provenance: Provenance, warnings: [String]) {
        self.provenance = provenance
        self.warnings = warnings
    }

    public func point(_ point: BenchPoint) { points.append(point) }

    /// The run as told so far.
    public func run(partial: Bool) -> BenchRun {
        BenchRun(provenance: provenance ?? Provenance.unknown, points: points, partial: partial, warnings: warnings)
    }

    open func finish(partial: Bool) -> [String: String] { [:] }
}

/// results.csv
public final class CSVReporter: CollectingReporter {
    override public func finish(partial: Bool) -> [String: String] {
        ["results.csv": CSVReport.render(points)]
    }
}

/// report.md and the SVG charts it embeds.
public final class MarkdownReporter: CollectingReporter {
    override public func finish(partial: Bool) -> [String: String] {
        let run = self.run(partial: partial)
        let charts = RunCharts.charts(run) + FreeSideReport.charts(run)
        var files = ["report.md": MarkdownReport.render(run, charts: charts)]
        for chart in charts { files[chart.file] = chart.svg }
        return files
    }
}

/// run.json: the whole run, schema-versioned.
public final class JSONReporter: CollectingReporter {
    override public func finish(partial: Bool) -> [String: String] {
        ["run.json": JSONReport.render(run(partial: partial))]
    }
}

/// gbench.json: google-benchmark's JSON shape, for tools that already read it.
public final class GoogleBenchmarkReporter: CollectingReporter {
    override public func finish(partial: Bool) -> [String: String] {
        ["gbench.json": GoogleBenchmarkReport.render(run(partial: partial))]
    }
}

/// The terminal: one line per point as it arrives (to `write`), the table at the end.
public final class TerminalReporter: Reporter {
    private let write: (String) -> Void
    private let table: (String) -> Void
    private var points: [BenchPoint] = []

    /// `line` receives progress lines, `table` the final table.
    public init(line: @escaping (String) -> Void, table: @escaping (String) -> Void) {
        self.write = line
        self.table = table
    }

    public func context(_ provenance: Provenance, warnings: [String]) {
        write("fragbench: \(provenance.gitCommit.map { String($0.prefix(12)) } ?? "no commit")\(provenance.gitDirty == true ? " (dirty)" : ""), \(provenance.buildConfiguration), counters \(provenance.counterBackend)\n")
        for warning in warnings { write("warning: \(warning)\n") }
    }

    public func point(_ point: BenchPoint) {
        points.append(point)
        var line = "\(point.key): \(NumberFormat.text(point.nsPerOp)) ns/op, sample spread \(NumberFormat.text(point.errPct))% (median abs. deviation)"
        if point.unstable { line += " UNSTABLE" }
        write(line + "\n")
    }

    public func finish(partial: Bool) -> [String: String] {
        table(MarkdownReport.table(points) + (partial ? "(partial run)\n" : ""))
        return [:]
    }
}

/// Several reporters at once: each hears everything; their files are merged.
public final class Reporters: Reporter {
    public let reporters: [Reporter]

    public init(_ reporters: [Reporter]) { self.reporters = reporters }

    /// The reporters whose files make a run directory.
    public static func files() -> Reporters {
        Reporters([CSVReporter(), MarkdownReporter(), JSONReporter(), GoogleBenchmarkReporter()])
    }

    public func context(_ provenance: Provenance, warnings: [String]) {
        for r in reporters { r.context(provenance, warnings: warnings) }
    }

    public func point(_ point: BenchPoint) {
        for r in reporters { r.point(point) }
    }

    public func finish(partial: Bool) -> [String: String] {
        var files: [String: String] = [:]
        for r in reporters { files.merge(r.finish(partial: partial)) { first, _ in first } }
        return files
    }

    /// Tells a whole stored run to the reporters and returns their files.
    public func replay(_ run: BenchRun) -> [String: String] {
        context(run.provenance, warnings: run.warnings)
        for p in run.points { point(p) }
        return finish(partial: run.partial)
    }
}

extension Provenance {
    /// For reporters that were never given a context.
    public static let unknown = Provenance(
        gitCommit: nil, gitDirty: nil, date: "", swiftVersion: nil, buildConfiguration: "unknown", buildFlags: nil,
        kernel: nil, cpuModel: nil, cpuCount: nil, governor: nil, perfEventParanoid: nil, tscHz: nil,
        tscCalibration: nil, counterBackend: "unknown", counterReason: "", command: "", quick: false)

    /// How the points' threads were placed, read off the points themselves (each records
    /// the CPU it ran on and whether it was pinned there).
    public static func pinningSummary(_ points: [BenchPoint]) -> String? {
        guard !points.isEmpty else { return nil }
        let single = points.filter { !$0.isTwoThread }
        var parts: [String] = []
        let pinnedCPUs = Set(single.filter(\.pinned).compactMap(\.cpu)).sorted()
        let unpinned = single.filter { !$0.pinned }.count
        if !pinnedCPUs.isEmpty {
            parts.append("single-threaded points pinned to CPU \(pinnedCPUs.map(String.init).joined(separator: ", "))")
        }
        if unpinned > 0 { parts.append("\(unpinned) single-threaded point(s) not pinned") }
        let cross = points.filter(\.isTwoThread)
        if !cross.isEmpty {
            let pairs = Set(cross.map { "push CPU \($0.parameters["push_cpu"] ?? "any"), pop CPU \($0.parameters["pop_cpu"] ?? "any")" }).sorted()
            parts.append("cross-thread: " + pairs.joined(separator: "; "))
        }
        return parts.joined(separator: "; ")
    }
}
