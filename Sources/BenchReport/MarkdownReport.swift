import Foundation
import Support

/// `report.md`: a summary first (points, how many unstable, the estimator behind ns/op, the
/// machine's noise, what to do about unstable points, said once), then the provenance, the
/// table performance engineers read with each number's source stated, and a section on what
/// was and was not measured.
public enum MarkdownReport {
    public static func render(_ run: BenchRun) -> String {
        render(run, charts: RunCharts.charts(run))
    }

    /// How a run's machine-noise warning begins (`MachineNoise` in Lab writes it); report.md
    /// says it in the summary instead.
    public static let machineNoisePrefix = "Machine noise:"

    /// The report with `charts` embedded (their SVG files are written beside report.md).
    public static func render(_ run: BenchRun, charts: [ChartFile]) -> String {
        var out = "# FragBench results\n\n"
        if run.partial {
            out += "> **PARTIAL RUN**: interrupted before its last point; not in the history.\n\n"
        }
        out += summary(run)
        out += provenanceBlock(run.provenance)
        // The summary says the machine noise; its warning would say it again.
        let warnings = run.warnings.filter { !$0.hasPrefix(machineNoisePrefix) }
        if !warnings.isEmpty {
            out += "## Warnings\n\n"
            for warning in warnings { out += "- \(warning)\n" }
            out += "\n"
        }
        out += "## Results\n\n"
        out += FreeSideReport.rmwLine(run.provenance)
        out += table(run.points)
        out += crossThreadSection(run.points)
        out += FreeSideReport.attributionSection(run)
        out += FreeSideReport.apiSection(run)
        out += "\n" + legend(run)
        if !charts.isEmpty {
            out += "## Charts\n\n"
            for chart in charts { out += "![\(chart.title)](\(chart.file))\n\n" }
        }
        out += counterSection(run)
        return out
    }

    /// What a reader needs before the table: how many points, how many to distrust and why,
    /// what ns/op is, and how noisy the machine was.
    static func summary(_ run: BenchRun) -> String {
        let points = run.points
        let unstable = points.filter(\.unstable)
        var out = "## Summary\n\n"
        if !points.isEmpty && points.allSatisfy({ $0.nsPerOp == nil && $0.samples == 0 }) {
            // --callgrind-only: counts, no time; stability and estimators do not apply.
            out += "- **\(points.count) point(s)**, counted under callgrind, **nothing timed** (--callgrind-only): the table's ins/op, cyc/op (simulated), IPC and miss columns are callgrind's exact counts per operation; ns/op, intervals and stability do not apply.\n"
            if let load = run.provenance.loadAverage {
                out += "- Load average when the run started: \(load) (1, 5, 15 min) on \(run.provenance.cpuCount.map { "\($0) CPUs" } ?? "? CPUs").\n"
            }
            return out + "\n"
        }
        let contention = MachineContention(run)
        if let contended = contention, contended.isMostOfTheTime {
            // First, so a reader does not take a row's wide interval for the code's fault.
            out += "- **\(contended.headline)**\n"
        }
        out += "- **\(points.count) point(s)**, **\(unstable.count) unstable**"
        let why = points.contains(where: { $0.nsPerOpInterval != nil })
            ? "95% interval wider than ±\(NumberFormat.fixed(Stability.intervalThresholdPercent, 0))%, or too few undisturbed samples"
            : "sample spread above 5%"
        if unstable.isEmpty {
            out += " (none with \(why)).\n"
        } else {
            out += " (\(why), marked ⚠)" + (CPUPlacementSummary.unstableSplit(points).map { ": \($0).\n" } ?? ".\n")
        }
        let intervals = points.filter { $0.nsPerOpInterval != nil }.count
        if run.points.allSatisfy({ $0.estimator == nil }) {
            out += "- ns/op: the **median** of the samples (the run recorded no estimator or interval, as runs before result schema 3 did not).\n"
        } else {
            out += "- ns/op: the **\(run.estimatorText)**"
            out += intervals > 0 ? ", with its 95% interval (results.csv; error bars in the charts).\n" : ".\n"
        }
        let classified = points.filter { $0.disturbedSamples != nil }
        if classified.isEmpty {
            out += "- Machine noise: samples were not classified as disturbed or not in this run.\n"
        } else {
            let disturbed = classified.compactMap(\.disturbedSamples).reduce(0, +)
            let total = classified.map(\.samples).reduce(0, +)
            let share = total > 0 ? NumberFormat.fixed(Double(disturbed) * 100 / Double(total), 1) + "%" : "—"
            // The canary's own line already counts the samples (runs from visit processes): said once.
            if let noise = run.provenance.machineNoise, noise.contains("(\(disturbed) of \(total))") {
                out += "- Machine noise: \(noise).\n"
            } else {
                out += "- Machine noise: \(disturbed) of \(total) samples disturbed (\(share))"
                out += run.provenance.machineNoise.map { "; the canary: \($0).\n" } ?? ".\n"
            }
        }
        if let placement = CPUPlacementSummary.line(points) { out += "- \(placement)\n" }
        if let load = run.provenance.loadAverage {
            out += "- Load average when the run started: \(load) (1, 5, 15 min) on \(run.provenance.cpuCount.map { "\($0) CPUs" } ?? "? CPUs").\n"
        }
        if let advice = UnstableAdvice.advice(points, counterBackend: run.provenance.counterBackend,
                                              contended: contention?.isMostOfTheTime ?? false) {
            out += "- For the unstable points: \(advice).\n"
        }
        return out + "\n"
    }

    static func provenanceBlock(_ p: Provenance) -> String {
        var rows: [(String, String)] = [
            ("commit", (p.gitCommit.map { String($0.prefix(12)) } ?? "unknown") + (p.gitDirty == true ? " (dirty)" : "")),
            ("date", p.date),
            ("build", p.buildConfiguration + (p.buildFlags.map { " (\($0))" } ?? "")),
            ("swift", p.swiftVersion ?? "unknown"),
            ("kernel", p.kernel ?? "unknown"),
            ("host", p.hostName ?? ""),
            ("cpu", (p.cpuModel ?? "unknown") + (p.cpuCount.map { ", \($0) CPUs online" } ?? "")),
            ("caches", p.caches.map { $0.map(\.text).joined(separator: ", ") } ?? ""),
            ("memory", p.memoryBytes.map { NumberFormat.bytes($0) } ?? ""),
            ("SMT", p.smt ?? ""),
            ("ASLR", p.aslr ?? ""),
            ("transparent huge pages", p.transparentHugePages ?? ""),
            ("load average", p.loadAverage.map { "\($0) (1, 5, 15 min, at the start)" } ?? ""),
            ("governor", p.governor ?? (p.governorStatus ?? "unknown")),
            ("pinning", [p.cpuPinning, p.allowedCPUs.map { "the process could run on CPUs \($0)" }].compactMap { $0 }.joined(separator: "; ")),
            ("perf_event_paranoid", p.perfEventParanoid.map(String.init) ?? "unreadable"),
            ("locked RMW", p.atomicRMWNs.map { NumberFormat.fixed($0, 2) + " ns (" + (p.atomicRMWMethod ?? "") + ")" } ?? ""),
            ("TSC", p.tscHz.map { NumberFormat.fixed($0 / 1e6, 3) + " MHz" + (p.tscCalibration.map { " (\($0))" } ?? "") } ?? "unavailable"),
            ("counters", "\(p.counterBackend): \(p.counterReason)"),
            ("machine noise", p.machineNoise ?? ""),
            ("workloads revision", p.workloadsRevision.map(String.init) ?? "not recorded (run predates it)"),
            ("Swift packages", p.dependencies ?? ""),
            ("command", "`\(p.command)`"),
        ]
        if p.quick { rows.append(("mode", "QUICK: short samples, for smoke tests, not conclusions")) }
        var out = "| | |\n|---|---|\n"
        for (key, value) in rows where !value.isEmpty { out += "| \(key) | \(value.replacingPipes) |\n" }
        return out + "\n"
    }

    /// The first column is the point's `fragbench list` name, the one name every output uses.
    static let header = ["point", "ns/op", "95% interval", "TSC/op", "ins/op", "cyc/op",
                         "IPC", "L1d/op", "LLC/op", "refills/1k op", "waste%", "pinned"]

    public static func table(_ points: [BenchPoint]) -> String {
        var out = "| " + header.joined(separator: " | ") + " |\n"
        out += "|" + header.map { $0 == "point" ? "---" : "---:" }.joined(separator: "|") + "|\n"
        for p in points {
            let instructions = p.perOp("instructions")
            let cycles = p.perOp("cycles", "estimated cycles")
            let ipc = (instructions != nil && cycles != nil && cycles! > 0) ? instructions! / cycles! : nil
            var ns = NumberFormat.significant(p.nsPerOp)
            if p.unstable { ns += " ⚠" }
            let cells = [
                p.name, ns, intervalText(p),
                dash(NumberFormat.significant(p.tscCyclesPerOp)),
                dash(NumberFormat.significant(instructions)) + (p.countsIncludeSpinning && instructions != nil ? " †" : ""),
                dash(NumberFormat.significant(cycles)),
                dash(NumberFormat.fixed(ipc, 2)),
                dash(NumberFormat.fixed(p.perOp("L1-dcache-load-misses", "L1D misses"), 3)),
                dash(NumberFormat.fixed(p.perOp("LLC-load-misses", "cache-misses", "LL misses"), 3)),
                dash(NumberFormat.significant(p.refillsPerKop)), dash(NumberFormat.significant(p.wastePct)),
                dash(NumberFormat.bytes(p.peakPinnedBytes)),
            ]
            out += "| " + cells.map(\.replacingPipes).joined(separator: " | ") + " |\n"
        }
        if points.contains(where: { $0.countsIncludeSpinning && $0.perOp("instructions") != nil }) {
            out += "\n" + spinCaveat
        }
        return out
    }

    /// Said under every table that prints cross-thread's counts (the run's terminal table and
    /// report.md alike), so its instructions/op are never read as the allocation path's.
    static let spinCaveat = "† cross-thread: ins/op (and the other counts) are both threads' together, spin waits on the ring included: they vary with how the two threads are scheduled and measure the ring's waiting as much as the cache (`make compare` does not compare them). For the allocation path alone, count alloc-only with the same sizes.\n"

    /// The estimate's 95% interval; for runs from before intervals, the samples' spread.
    static func intervalText(_ p: BenchPoint) -> String {
        if let (lo, hi) = p.nsPerOpInterval {
            return "\(NumberFormat.significant(lo))–\(NumberFormat.significant(hi))"
        }
        return p.errPct.map { "spread \(NumberFormat.fixed($0, 1))%" } ?? "—"
    }

    /// The kernel page_frag test reports the time for its whole count; so does this section.
    static func crossThreadSection(_ points: [BenchPoint]) -> String {
        let rows = points.filter(\.isTwoThread)
        guard !rows.isEmpty else { return "" }
        var out = "\nCross-thread, as the kernel's page_frag test reports it (producer allocates and pushes, consumer pops and frees; the name carries the count, prepare and the push and pop CPUs, `any` where the scheduler chose):\n\n"
        out += "| point | time for the count | ns/op |\n|---|---:|---:|\n"
        for p in rows {
            let time = p.sampleNs.map { NumberFormat.significant($0 / 1e6) + " ms" } ?? "—"
            out += "| \(p.name.replacingPipes) | \(time) | \(NumberFormat.significant(p.nsPerOp)) |\n"
        }
        return out
    }

    static func legend(_ run: BenchRun) -> String {
        var out = ""
        let unstable = run.points.filter(\.unstable)
        if !unstable.isEmpty {
            // The advice is in the summary, once; here only which points and how spread.
            out += "⚠ unstable:\n\n"
            for p in unstable {
                out += "- \(p.name): " + (p.hint.map { String($0.prefix { $0 != ":" }) } ?? "spread \(p.errPct.map { NumberFormat.fixed($0, 1) + "%" } ?? "not computable")") + "\n"
            }
            out += "\n"
        }
        let estimator = run.points.allSatisfy({ $0.estimator == nil }) ? "median" : run.estimatorText
        out += "ns/op: the \(estimator), over samples that are each a timed batch of operations (batch time / operations, minus the measured timer overhead per batch); "
        out += "95% interval: where another run on this machine should land (a bootstrap over the visits and samples, widened to predict another run, at least ±1%; runs from before intervals show the samples' spread instead). "
        out += "TSC/op is time in time-stamp-counter ticks per operation (reference cycles at the TSC's fixed rate\(run.provenance.tscHz.map { ", " + NumberFormat.fixed($0 / 1e6, 0) + " MHz" } ?? ""), not core cycles); "
        out += "cyc/op is core cycles per operation from the counter backend (PMU cycles, or callgrind's estimate), — when it has none. "
        out += "refills/1k op is page refills per 1000 operations, an operation being what ns/op counts (an allocation; for prepare-commit a message; for replay a trace line). "
        out += "waste% (alignment padding and abandoned page tails, % of bytes handed out) and pinned (peak bytes of pages held by outstanding fragments and the cache) come from the model's own bookkeeping, as does refills/1k op; the malloc-family peers have none of these (—). "
        out += "— means unavailable; the counters section says why.\n\n"
        let notSubtracted = run.points.filter { $0.nsPerOp != nil && !$0.overheadSubtracted }
        if !notSubtracted.isEmpty {
            out += "Timer overhead was not subtracted for \(notSubtracted.count) point(s) (samples too short to tell it apart): their ns/op include it; raise --min-sample-ms.\n\n"
        }
        let sources = columnSources(run.points)
        if !sources.isEmpty {
            out += "Sources: " + sources.map { "\($0.column) from \($0.source)" }.joined(separator: "; ") + ".\n\n"
        }
        return out
    }

    /// Which source fed each counter column, so a simulated figure is never read as a PMU one.
    static func columnSources(_ points: [BenchPoint]) -> [(column: String, source: String)] {
        let columns: [(String, [String])] = [
            ("ins/op", ["instructions"]),
            ("cyc/op", ["cycles", "estimated cycles"]),
            ("L1d/op", ["L1-dcache-load-misses", "L1D misses"]),
            ("LLC/op", ["LLC-load-misses", "cache-misses", "LL misses"]),
        ]
        var result: [(String, String)] = []
        for (column, names) in columns {
            var sources: [String] = []
            for p in points {
                guard let reading = names.lazy.compactMap({ name in p.counters.first { $0.name == name && $0.perOp != nil } }).first
                else { continue }
                var source = reading.source
                if reading.name == "estimated cycles" { source += " (estimated: Ir + 10 x L1 misses + 100 x LL misses)" }
                if !sources.contains(source) { sources.append(source) }
            }
            if !sources.isEmpty { result.append((column, sources.joined(separator: " and "))) }
        }
        return result
    }

    static func counterSection(_ run: BenchRun) -> String {
        var out = "## Counters\n\n"
        out += "Backend: **\(run.provenance.counterBackend)**: \(run.provenance.counterReason)\n\n"
        // Every counter name once, with its source and, if it never had a value, why.
        var seen: [String: CounterReading] = [:]
        var order: [String] = []
        for point in run.points {
            for reading in point.counters {
                if seen[reading.name] == nil { order.append(reading.name) }
                if seen[reading.name]?.perOp == nil { seen[reading.name] = reading }
            }
        }
        if order.isEmpty {
            out += "No counters were read.\n"
            return out
        }
        out += "| counter | source | status |\n|---|---|---|\n"
        for name in order {
            let r = seen[name]!
            let status = r.perOp != nil ? (r.status ?? "measured") : "unavailable: \(r.status ?? "no reason given")"
            out += "| \(name) | \(r.source) | \(status.replacingPipes) |\n"
        }
        return out
    }

    private static func dash(_ text: String) -> String { text.isEmpty ? "—" : text }
}

extension String {
    /// Table cells must not contain a bare pipe.
    var replacingPipes: String { replacingOccurrences(of: "|", with: "\\|") }
}
