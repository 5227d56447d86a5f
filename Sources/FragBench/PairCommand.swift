import Lab
import ArgumentParser
import BenchReport
import Foundation
import Measure
import Workloads

/// `fragbench pair`: base against head with samples paired in time. Each build runs as a
/// `fragbench worker` pinned to the same CPU; for every point the controller alternates the
/// builds in blocks A A B B, B B A A, ... of single samples (the first of each turn re-warms the
/// build's caches; the second ones form a pair), so whatever the machine does during a pair
/// falls on both builds. A point is measured in sessions with fresh workers (`PointPairer`);
/// the ratio is the geometric mean of the sessions' median pair ratios with a t-interval over
/// sessions. Sampling stops when the interval settles (`PointPairer.isSettled`) or the point's
/// share of the time budget is spent.
struct PairCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pair",
        abstract: "Compare two builds point by point with samples paired in time (what 'make compare' runs).",
        discussion: """
            The points are those 'fragbench run' would measure with the options after '--'.
            Example: fragbench pair --base old/fragbench --head new/fragbench --threshold 2 -- --preset quick
            Two layouts or kernel versions of one build, point by point: fragbench pair --base-options '--variant v6.12' \
            --head-options '--variant v6.13' -- --workload alloc-only,alloc-free --align 1,64
            Exit status: 0 without regressions, 2 with, 1 when a worker failed, 3 when a build has no worker (make compare then falls back to whole-run rounds).
            """
    )

    @Option(name: .customLong("base"), parsing: .unconditional, help: "The base build's fragbench binary (default: this one, to pair two configurations of one build).")
    var baseBinary: String?
    @Option(name: .customLong("head"), parsing: .unconditional, help: "The head build's fragbench binary (default: this one).")
    var headBinary: String?

    var base: String { baseBinary ?? ThisBinary.path }
    var head: String { headBinary ?? ThisBinary.path }
    @Option(parsing: .unconditional, help: "Practical threshold in percent: a point is slower or faster only when its whole interval lies beyond it.")
    var threshold = 2.0
    @Option(parsing: .unconditional, help: "Time budget in seconds for all points together (setup excluded).")
    var budget = 150.0
    @Option(name: .customLong("sample-ms"), parsing: .unconditional, help: "Duration of one sample in milliseconds.")
    var sampleMs = 1.0
    @Option(name: .customLong("min-pairs"), parsing: .unconditional, help: "Pairs taken before the first stopping check.")
    var minPairs = 40
    @Option(name: .customLong("min-sessions"), parsing: .unconditional, help: "Sessions (fresh workloads, alternating set-up order) before the first stopping check; the interval is over sessions.")
    var minSessions = 8
    @Option(name: .customLong("max-pairs"), parsing: .unconditional, help: "Most pairs per point.")
    var maxPairs = 4_000
    @OptionGroup var pinning: CPUOption
    @Option(name: .customLong("base-label"), parsing: .unconditional, help: "Name of the base in the output.")
    var baseLabel = "base"
    @Option(name: .customLong("head-label"), parsing: .unconditional, help: "Name of the head in the output.")
    var headLabel = "head"
    @Option(parsing: .unconditional, help: "Write compare.md, compare.csv and the worker logs into this directory.")
    var output: String?
    @OptionGroup var debugBuild: DebugBuildOption
    @Option(name: .customLong("head-inflate-permille"), parsing: .unconditional, help: "Resolution experiment: the head worker does N per mille more work per sample than it reports (a known slowdown).")
    var headInflatePermille = 0
    @Option(name: .customLong("head-delay-ns"), parsing: .unconditional, help: "Calibration experiment: the head worker spends N ns more per operation in dependent arithmetic that touches no memory (a known, footprint-neutral slowdown; 0...1000).",
            transform: OptionValues.decimal(0 ... 1_000))
    var headDelayNs = 0.0
    @Option(name: .customLong("head-delay-permille"), parsing: .unconditional,
            help: "Calibration experiment: the head worker spends N per mille of each timed batch's own time more in dependent arithmetic that touches no memory (the same known ratio, 1 + N/1000, on every point; 0...1000).")
    var headDelayPermille = 0
    @Option(name: .customLong("base-options"), parsing: .unconditional, help: "Run options only the base side adds (space-separated), e.g. '--impl swift': pairs two configurations, not only two builds.")
    var baseOptions = ""
    @Option(name: .customLong("head-options"), parsing: .unconditional, help: "Run options only the head side adds (space-separated), e.g. '--impl c' or '--max-size 64K'.")
    var headOptions = ""
    @Argument(parsing: .postTerminator, help: "fragbench run options naming the points (after --).")
    var runArguments: [String] = []

    func validate() throws {
        guard (0...1_000).contains(headDelayPermille) else { throw ValidationError("--head-delay-permille must be within 0...1000") }
        if headDelayPermille > 0 && headDelayNs > 0 { throw ValidationError("--head-delay-permille and --head-delay-ns are two calibrations: give one") }
        guard threshold.isFinite, threshold >= 0, threshold < 100 else { throw ValidationError("--threshold must be within 0..<100 (percent)") }
        guard budget.isFinite, budget > 0, budget <= 86_400 else { throw ValidationError("--budget must be within 0...86400 seconds") }
        guard sampleMs.isFinite, sampleMs >= 0.05, sampleMs <= 1_000 else { throw ValidationError("--sample-ms must be within 0.05...1000") }
        guard minPairs >= 6, minPairs <= 1_000_000 else { throw ValidationError("--min-pairs must be within 6...1000000") }
        guard (0...1_000).contains(headInflatePermille) else { throw ValidationError("--head-inflate-permille must be within 0...1000") }
        guard (3...1_000).contains(minSessions) else { throw ValidationError("--min-sessions must be within 3...1000") }
        guard maxPairs >= minPairs, maxPairs <= 10_000_000 else { throw ValidationError("--max-pairs must be within --min-pairs...10000000") }
        for (name, path) in [("--base", base), ("--head", head)] where !FileManager.default.isExecutableFile(atPath: path) {
            throw ValidationError("\(name) '\(path)' is not an executable file")
        }
    }

    func run() throws {
        let baseArguments = runArguments + Self.words(baseOptions)
        let headArguments = runArguments + Self.words(headOptions)
        func points(_ arguments: [String], _ side: String) throws -> [WorkloadParameters] {
            do {
                return try RunCommand.parse(arguments).plan().points.filter { $0.notApplicableReason == nil }
            } catch {
                throw ValidationError("the run options of the \(side) (after '--'\(side == "base" ? " and --base-options" : " and --head-options")): " + RunCommand.message(for: error))
            }
        }
        let basePoints = try points(baseArguments, "base")
        let headPoints = try points(headArguments, "head")
        guard basePoints.count == headPoints.count else {
            throw ValidationError("--base-options and --head-options must name as many points on each side (\(basePoints.count) vs \(headPoints.count))")
        }
        let pin = pinning.cpu ?? CPUAffinity.current() ?? 0
        var workerArguments = ["--cpu", String(pin)]
        if debugBuild.allowDebug { workerArguments.append("--allow-debug") }
        if let output { try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true) }
        let inflate = (headInflatePermille > 0 ? ["--inflate-permille", String(headInflatePermille)] : [])
            + (headDelayNs > 0 ? ["--delay-ns", String(headDelayNs)] : [])
            + (headDelayPermille > 0 ? ["--delay-permille", String(headDelayPermille)] : [])
        let baseLauncher = WorkerLauncher(name: "base", binary: base, arguments: workerArguments,
                                          log: output.map { $0 + "/worker-base.log" })
        let headLauncher = WorkerLauncher(name: "head", binary: head, arguments: workerArguments + inflate,
                                          log: output.map { $0 + "/worker-head.log" })
        // Both builds must speak the protocol before anything is measured (exit 3: make compare
        // falls back to whole-run rounds). Each session then starts its own workers.
        let revisions: (base: Int, head: Int)
        let sharedLayouts: Bool
        let placementWarning: String?
        do {
            let (baseProbe, headProbe) = (try baseLauncher.probe(), try headLauncher.probe())
            revisions = (baseProbe.workloads, headProbe.workloads)
            // One binary on both sides (configurations, calibrations): one layout per session for
            // both. Two builds keep a randomized layout each: their code lies differently anyway,
            // and with address randomization on, where it lands against the libraries and the
            // stack is drawn anew every session instead of fixed for all of them.
            let sameBinary = WorkerLauncher.isSameFile(base, head)
            sharedLayouts = baseProbe.drawsLayoutFromSeed && headProbe.drawsLayoutFromSeed && sameBinary
            placementWarning = PairSummary.codePlacementWarning(
                sameBinary: sameBinary, baseAligns: baseProbe.alignsFunctions, headAligns: headProbe.alignsFunctions)
        } catch {
            StandardStreams.err("pair: \(error)\n")
            throw ExitCode(3)
        }
        InterruptFlag.install()

        var pairer = PointPairer(base: baseLauncher, head: headLauncher, goalNanoseconds: UInt64(sampleMs * 1e6),
                                 thresholdFraction: threshold / 100, minPairs: minPairs, maxPairs: maxPairs)
        pairer.minimumSessions = minSessions
        pairer.sharedLayouts = sharedLayouts
        var rows: [Comparison.Row] = []
        var onlyOneSide: [String] = []
        var pairRows: [[String]] = []
        // Per row, the median of the base side's samples in the pairs the ratio used: the level
        // a calibration delay is a fraction of.
        var baseMedians: [String: Double] = [:]
        let start = Date()
        var progress = Progress(total: basePoints.count)
        for (i, (basePoint, headPoint)) in zip(basePoints, headPoints).enumerated() {
            if InterruptFlag.isRaised { break }
            // Rows carry the points' list names; the workers are still asked by label text, which
            // builds from before PointSpec match.
            let baseName = PointLabel.benchmarkName(basePoint), headName = PointLabel.benchmarkName(headPoint)
            let label = baseName == headName ? baseName : "\(baseName) vs \(headName)"
            let spent = Date().timeIntervalSince(start)
            let share = max(0.5, (budget - spent) / Double(basePoints.count - i))
            let outcome = try pairer.pair(
                label: label, base: WorkerProtocol.PointRequest(basePoint, args: baseArguments),
                head: WorkerProtocol.PointRequest(headPoint, args: headArguments), seconds: share)
            switch outcome {
            case .missing(let why):
                onlyOneSide.append("\(label): \(why)")
                progress.finished(label, summary: "skipped: \(why)")
            case .measured(let row, let pairs, let exclusions):
                rows.append(row)
                baseMedians[label] = Statistics.median(zip(pairs, exclusions).compactMap { $1 == nil ? $0.base.nanosecondsPerOp : nil })
                pairRows += PairsCSV.rows(point: label, pairs: pairs, exclusions: exclusions)
                progress.finished(label, summary: PairSummary.progressText(row))
            }
        }
        var comparison = Comparison(
            baseLabel: baseLabel, headLabel: headLabel, metric: .time, threshold: threshold / 100, rounds: 1, rows: rows,
            onlyInBase: [], onlyInHead: [], warnings: onlyOneSide.map { "not compared: \($0)" })
        comparison.method = PairSummary.method(threshold: threshold, budget: budget, sampleMs: sampleMs, cpu: pin,
                                               sharedLayouts: sharedLayouts)
        if InterruptFlag.isRaised { comparison.warnings.append("interrupted: only the points above were compared") }
        if let placementWarning { comparison.warnings.append(placementWarning) }
        let changed = WorkerProtocol.changedWorkloads(revisions.base, revisions.head)
        if !changed.isEmpty {
            comparison.warnings.append("\(changed.joined(separator: " and ")) measure differently in the two builds (workloads revision \(revisions.base) vs \(revisions.head): since revision 2 a timed batch holds at most 32768 fragments; since 3 cross-thread passes fragments by ptr_ring's protocol and wakes its consumer untimed): their rows compare different workloads, not the cache")
        }
        if headInflatePermille > 0 {
            comparison.warnings.append("resolution experiment: the head does \(headInflatePermille)‰ more work per sample than it reports (true ratio \(formatFixed(1 + Double(headInflatePermille) / 1000, digits: 3)) on every point but cross-thread)")
        }
        if headDelayNs > 0 {
            // The true ratio of each row: the head's extra time over the base side's level in the
            // same estimator the ratio uses (pair ratios are medians, so the base's median over
            // the used pairs; its p10 would overstate the truth by the samples' spread).
            let truths = comparison.rows.compactMap { row in
                (baseMedians[row.label] ?? row.base).map { "\(row.label) \(formatFixed(1 + headDelayNs / $0, digits: 4))" }
            }
            comparison.warnings.append("calibration experiment: the head spends \(formatFixed(headDelayNs, digits: 2)) ns more per operation in dependent arithmetic that touches no memory; true ratio 1 + \(formatFixed(headDelayNs, digits: 2)) / the base's median ns/op over the pairs used: " + truths.joined(separator: "; "))
        }
        if headDelayPermille > 0 {
            comparison.warnings.append("calibration experiment: the head spends \(headDelayPermille)‰ of each timed batch's own time more in dependent arithmetic that touches no memory; true ratio \(formatFixed(1 + Double(headDelayPermille) / 1000, digits: 3)) on every point")
        }
        try ComparisonOutput.publish(comparison, output: output, command: "pair")
        if let output { try AtomicFile.write(PairsCSV.document(pairRows), to: output + "/pairs.csv") }
        if InterruptFlag.isRaised { throw ExitCode(130) }
        if comparison.hasRegression { throw ExitCode(2) }
        if !onlyOneSide.isEmpty {
            // Fewer points compared than asked for: not a pass (make compare relies on this).
            StandardStreams.err("pair: \(onlyOneSide.count) of \(basePoints.count) point(s) not compared: \(onlyOneSide.prefix(3).joined(separator: "; "))\n")
            throw ExitCode(1)
        }
    }
}

extension PairCommand {
    /// A side's extra run options: words separated by blanks (no quoting: run options have no
    /// spaces in their values).
    static func words(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
    }
}
