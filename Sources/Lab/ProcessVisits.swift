import BenchReport
import Foundation
import Measure

/// `run --process-per-visit`: every pass over the sweep runs in a fresh child process
/// (`fragbench run --visits 1`), and the parent pools each point's visits.
///
/// Why: some points carry an offset for a whole process's life. alloc-only at 64 B read -3.0%
/// averaged over its points in one process and +1.4% in another while 256 B and 2048 B points
/// agreed within ±0.8% (five runs, Intel Xeon VM); every visit already gets a fresh arena, and
/// turning address-space randomisation off did not remove it. Five visits in one process see
/// one such offset; five processes see five, so the pooled estimate and its interval (a
/// bootstrap over visits) carry the between-process spread that another run will meet.
package enum ProcessVisits {
    /// Without --visits/--samples (and without --quick): 10 processes of 6 samples, the same 60
    /// samples per point as one process's 5 visits of 12. More, shorter visits average more
    /// processes' offsets and spread a point over more of the run: alternated in one stretch
    /// with 5 processes of 12 samples (alloc-only, alloc-free and mixed points of the default
    /// preset, four and five runs of each, Intel Xeon VM), 117 of 120 points stayed within ±3%
    /// of the median of their runs against 104 of 120, and another run's estimate fell inside
    /// the interval 96% against 91% of the time, for about 1.7 times the wall time
    /// (docs/noise.md).
    package static let defaultVisits = 10
    package static let defaultSamples = 6

    /// How many visit processes, and the samples option each child gets when the user gave none.
    package static func plan(visits: Int?, samples: Int?, quick: Bool) -> (visits: Int, childSamples: Int?) {
        if quick { return (visits ?? SamplerConfig.quick.visits, nil) }
        return (visits ?? defaultVisits, samples == nil ? defaultSamples : nil)
    }

    /// What one visit process runs: the parent's sweep and settings, one pass, saved under
    /// `output` (with `samples` per visit when the parent chose them).
    package static func childSettings(_ settings: RunSettings, output: String, samples: Int? = nil) -> RunSettings {
        var child = settings
        child.visits = 1
        child.machineReference = false
        child.output = output
        if let samples { child.samples = samples }
        return child
    }

    /// One point from its visits, each a run's point from one child process: the samples
    /// pooled, the estimate and its interval over visits (`RobustEstimate.pooled`), counters and
    /// per-op figures the median over the visits that have them, cache figures from the first.
    ///
    /// `used` (one flag per visit, nil: all) says which visits feed the estimate: the others ran
    /// in the machine's slow state (`SpeedStates`). Their samples stay in the point, marked in
    /// `sampleSlowState`.
    package static func merge(_ visits: [BenchPoint], estimator: Estimator, used: [Bool]? = nil) -> BenchPoint? {
        guard var point = visits.first else { return nil }
        guard visits.count > 1 else { return point }
        let used = used.flatMap { $0.count == visits.count && $0.contains(true) ? $0 : nil }
            ?? Array(repeating: true, count: visits.count)
        let sampleSets = visits.map { $0.sampleNsPerOp ?? [] }
        let classSets: [[SampleClass]] = visits.map { p in
            let samples = p.sampleNsPerOp ?? []
            guard let disturbed = p.sampleDisturbed, disturbed.count == samples.count else {
                return Array(repeating: .undisturbed, count: samples.count)
            }
            return disturbed.map { $0 ? .canary : .undisturbed }
        }
        let all = sampleSets.flatMap { $0 }
        let kept = visits.indices.filter { used[$0] }
        // A two-thread point: one placement of its two CPUs over the kept visits (`CPUPlacement`).
        let before = visits.map { p in (p.sampleCrossCPUBeforeNs ?? []).map { $0 ?? .nan } }
        let after = visits.map { p in (p.sampleCrossCPUAfterNs ?? []).map { $0 ?? .nan } }
        let placement = CPUPlacement.split(visitSamples: kept.map { sampleSets[$0] }, visitClasses: kept.map { classSets[$0] },
                                           visitBefore: kept.map { before[$0] }, visitAfter: kept.map { after[$0] })
        var estimate = RobustEstimate.pooled(visitSamples: placement?.visitSamples ?? kept.map { sampleSets[$0] },
                                             visitClasses: placement?.visitClasses ?? kept.map { classSets[$0] },
                                             estimator: estimator)
        let leftOut = visits.count - kept.count
        if leftOut > 0 { estimate?.description += "; \(leftOut) of \(visits.count) visits left out (slow state)" }
        if let note = placement?.note { estimate?.description += "; \(note)" }
        let undisturbed = (placement?.visitClasses.flatMap { $0 } ?? kept.flatMap { classSets[$0] }).filter { $0 == .undisturbed }.count
        let instability = Instability(estimate: estimate, undisturbed: undisturbed)
        point.sampleSlowState = leftOut > 0 ? visits.indices.flatMap { i in Array(repeating: !used[i], count: sampleSets[i].count) } : nil
        point.visitSampleCounts = sampleSets.map(\.count)
        let read = visits.allSatisfy { $0.sampleCrossCPUBeforeNs != nil && $0.sampleCrossCPUAfterNs != nil }
        point.sampleCrossCPUBeforeNs = read ? visits.flatMap { $0.sampleCrossCPUBeforeNs ?? [] } : nil
        point.sampleCrossCPUAfterNs = read ? visits.flatMap { $0.sampleCrossCPUAfterNs ?? [] } : nil
        point.crossCPURoundTripNs = placement?.roundTripNs
        point.samplePlacementLeftOut = placement.flatMap { split in
            guard split.leftOut.contains(true) else { return nil }
            // In every visit's order: a slow-state visit's samples were not placed (false).
            var flags: [Bool] = [], next = split.leftOut.makeIterator()
            for i in visits.indices {
                flags += used[i] ? sampleSets[i].map { _ in next.next() ?? false } : Array(repeating: false, count: sampleSets[i].count)
            }
            return flags
        }
        point.ops = visits.reduce(0) { $0 &+ $1.ops }
        point.samples = all.count
        point.sampleNsPerOp = all
        point.sampleDisturbed = visits.allSatisfy { $0.sampleDisturbed != nil } ? visits.flatMap { $0.sampleDisturbed ?? [] } : nil
        point.disturbedSamples = visits.contains { $0.disturbedSamples != nil } ? visits.reduce(0) { $0 + ($1.disturbedSamples ?? 0) } : nil
        point.nsPerOp = estimate?.value ?? Statistics.median(all)
        point.nsPerOpLow = estimate?.lower
        point.nsPerOpHigh = estimate?.upper
        point.estimator = (estimate?.description ?? "median of all samples (no estimate)") + "; each visit in its own process"
        point.medianNsPerOp = Statistics.median(all)
        point.minNsPerOp = Statistics.minimum(all)
        point.errPct = Statistics.medianAbsolutePercentError(all)
        point.unstable = instability.isUnstable
        point.opsPerSample = Statistics.median(visits.compactMap { $0.opsPerSample.map(Double.init) }).map { Int($0) }
        point.sampleNs = Statistics.median(visits.compactMap(\.sampleNs))
        point.tscCyclesPerOp = Statistics.median(visits.compactMap(\.tscCyclesPerOp))
        point.allocNsPerOp = Statistics.median(visits.compactMap(\.allocNsPerOp))
        point.freeNsPerOp = Statistics.median(visits.compactMap(\.freeNsPerOp))
        point.pinned = visits.allSatisfy(\.pinned)
        point.hint = UnstableAdvice.hint(point, counterBackend: point.counterSource)
        point.counters = point.counters.map { reading in
            var r = reading
            let values = visits.compactMap { p in p.counters.first { $0.name == reading.name }?.perOp }
            // A counter a visit could not read stays unavailable: a median of the others would
            // pass for a figure of the whole point.
            r.perOp = values.count == visits.count ? Statistics.median(values) : nil
            if r.perOp == nil && reading.perOp != nil { r.status = "unavailable in \(visits.count - values.count) of \(visits.count) visits" }
            return r
        }
        return point
    }

    /// The runs of the children merged into one: points in the sweep's order, warnings said
    /// once, the machine-noise figures summed.
    package static func merge(_ runs: [BenchRun], estimator: Estimator, command: String) -> BenchRun? {
        guard var provenance = runs.first?.provenance else { return nil }
        provenance.command = command
        let states = SpeedStates(baselines: runs.map(\.provenance.canaryBaselineNs))
        let usedRuns = states.used
        var order: [String] = []
        var byKey: [String: [(point: BenchPoint, used: Bool)]] = [:]
        for (run, used) in zip(runs, usedRuns) {
            for p in run.points {
                if byKey[p.key] == nil { order.append(p.key) }
                byKey[p.key, default: []].append((p, used))
            }
        }
        var points = order.compactMap { key in
            byKey[key].flatMap { merge($0.map(\.point), estimator: estimator, used: $0.map(\.used)) }
        }
        if states.estimatedFrom == .slow, let factor = states.slowFactor {
            // The quick state was seen but too briefly to estimate from: reach down to it.
            points = CanaryReference.widen(points, slowdown: factor)
        }
        var warnings: [String] = []
        // Each visit's own noise line is replaced by one for the whole run (below): ten lines of
        // ten processes' shares said more than the run's one figure.
        for w in runs.flatMap(\.warnings) where !w.hasPrefix(MachineNoise.warningPrefix) && !warnings.contains(where: { BenchRun.sameWarning($0, w) }) {
            warnings.append(w)
        }
        let baselines = runs.compactMap(\.provenance.canaryBaselineNs)
        // The baseline of the state the estimates come from: the one to hold against the
        // machine's reference.
        provenance.canaryBaselineNs = Statistics.median(zip(runs, usedRuns).compactMap { $1 ? $0.provenance.canaryBaselineNs : nil })
        provenance.visitStates = states.states.map { $0?.rawValue ?? "unknown" }
        provenance.visitCanaryBaselinesNs = runs.map(\.provenance.canaryBaselineNs)
        let total = points.reduce(0) { $0 + $1.samples }
        let disturbed = points.reduce(0) { $0 + ($1.disturbedSamples ?? 0) }
        if total > 0, !baselines.isEmpty {
            provenance.disturbedShare = Double(disturbed) / Double(total)
            provenance.machineNoise = "\(formatFixed(Double(disturbed) / Double(total) * 100, digits: 0))% of samples disturbed within their process (\(disturbed) of \(total)); canary baselines \(baselines.map { formatFixed($0, digits: 2) }.joined(separator: ", ")) ns/step in the \(runs.count) visit processes"
                + (states.summary.map { "; \($0)" } ?? "")
        }
        if let share = provenance.disturbedShare, share >= MachineNoise.warnShare, let noise = provenance.machineNoise {
            warnings.append("\(MachineNoise.warningPrefix) \(noise); the point estimates use the undisturbed ones.")
        }
        if let line = states.summary { warnings.append("Speed states: \(line).") }
        return BenchRun(provenance: provenance, points: points, partial: runs.contains(where: \.partial), warnings: warnings)
    }
}

extension ProcessVisits {
    /// A visit's saved run: the latest, or, when the child kept it as partial (a sweep in which
    /// no point applies is saved so), the newest kept run.
    static func loadVisit(_ output: String) -> BenchRun? {
        if let run = try? StoredRun.load(output).run { return run }
        let kept = (try? FileManager.default.contentsOfDirectory(atPath: output + "/runs"))?.sorted() ?? []
        return kept.last.flatMap { try? StoredRun.load(output + "/runs/" + $0).run }
    }

    /// Runs the visits as children of this binary, then the top-up (`visits`), then merges,
    /// reports and saves as `run` does. A child that fails or is interrupted leaves the visits
    /// before it; the run is then partial and says why.
    /// `output` nil: print the table only, save nothing (`--no-save`).
    package static func run(_ plan: SweepPlan, settings: RunSettings) throws {
        let (count, childSamples) = Self.plan(visits: settings.visits, samples: settings.samples, quick: settings.quick)
        let output = settings.output, estimator = settings.estimator
        if let output { try RunSaving.preflight(output) }
        let scratch = NSTemporaryDirectory() + "fragbench-visits-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        InterruptFlag.install()
        var failures: [String] = []
        let schedule = try visits(plan, count: count, extra: topUpCount(settings, planned: count),
                                  estimator: estimator, command: settings.command) { points, number, label in
            StandardStreams.err("run: visit \(label), in a fresh process\n")
            let visitOutput = "\(scratch)/visit-\(number)"
            let job = VisitPlan(plan: points, settings: childSettings(settings, output: visitOutput, samples: childSamples))
            let status = try job.runInChild(planFile: "\(scratch)/visit-\(number).plan.json")
            if status != 0 && status != 130 { failures.append("visit \(number): the child run exited with status \(status)") }
            return (loadVisit(visitOutput), status == 0)
        }
        let runs = schedule.runs, planned = schedule.planned, topUp = schedule.topUp
        let interrupted = InterruptFlag.isRaised
        guard var run = schedule.merged ?? merge(runs, estimator: estimator, command: settings.command) else {
            if interrupted { throw ExitStatus(130) }
            throw ValidationFailure(failures.first ?? "no visit finished")
        }
        run.warnings.insert("Each of the \(planned) visit(s) ran in its own process (--process-per-visit): the interval includes the spread between processes.", at: 0)
        if planned < count { run.warnings.append("Only \(planned) of \(count) visits finished.") }
        if let topUp { run = topUp.annotated(run) }
        run.warnings += failures.map { "FAILED: \($0)" }
        // Once for the whole run, against the median of the visits' baselines (the visits
        // themselves leave the reference alone: `childSettings`).
        if settings.machineReference {
            let checked = CanaryReference.check(run.points, baseline: run.provenance.canaryBaselineNs,
                                                cpuModel: run.provenance.cpuModel)
            run.points = checked.points
            if let warning = checked.warning { run.warnings.append(warning) }
        }
        run.partial = run.partial || interrupted || !failures.isEmpty || planned < count
        for p in run.points {
            StandardStreams.err("\(p.name): \(NumberFormat.text(p.nsPerOp)) ns/op, 95% interval [\(NumberFormat.text(p.nsPerOpLow)), \(NumberFormat.text(p.nsPerOpHigh))] over \(p.visitSampleCounts?.count ?? planned) processes\(p.unstable ? " UNSTABLE" : "")\n")
        }
        StandardStreams.out(MarkdownReport.table(run.points))
        if let output {
            let why = interrupted ? "interrupted (Ctrl-C)" : failures.first ?? "\(planned) of \(count) visits finished"
            try RunSaving.save(run, to: ResultStore(root: output), partialReason: run.partial ? why : nil)
        }
        if interrupted { throw ExitStatus(130) }
        if !failures.isEmpty { throw ExitStatus(1) }
    }
}
