import BenchReport
import Foundation
import Measure
import Workloads

/// `fragbench run`'s engine: a planned sweep measured under one set of settings, in passes over
/// the points, then reported and saved. The command line builds the plan and the settings;
/// a visit process receives both as a file (`ProcessVisits`), so nothing re-parses options.
package enum SweepRun {
    package static func run(_ plan: SweepPlan, settings: RunSettings) throws {
        if plan.points.contains(where: { $0.impl == .jemalloc }) { StaticTLS.ensureForJemalloc() }
        // A results directory that cannot take the run is found before anything is measured.
        if let output = settings.output { try RunSaving.preflight(output) }
        // Before anything is pinned: the machine, not the affinity this run is about to set.
        let machine = MachineFacts.read()
        var warnings: [String] = []
        if let busy = machine.loadWarning {
            warnings.append(busy)
            StandardStreams.err("warning: \(busy)\n")
        }
        if !plan.merges.isEmpty { StandardStreams.err("\(plan.summary)\n") }
        if Measure.isDebugBuild {
            guard settings.allowDebug else {
                throw ValidationFailure("this is a debug build: benchmark numbers from it mean nothing. Build with 'swift build -c release' (make bench does), or pass --allow-debug to measure anyway, flagged")
            }
            warnings.append("DEBUG BUILD: these numbers are not representative (--allow-debug).")
        }
        InterruptFlag.install()

        // Native counters: callgrind counts come from re-executed children, timing from here.
        let mode = settings.counters
        let callgrindOnly = settings.callgrindOnly, quick = settings.quick
        let nativeMode: CounterMode = mode == .callgrind ? .software : mode
        let session = CounterSession.open(mode: nativeMode)
        let backend = mode == .callgrind
            ? BackendChoice(requested: .callgrind, backend: .callgrind,
                            reason: "callgrind simulation (valgrind, fixed cache geometry \(Callgrind.cacheGeometry.joined(separator: " ")), instrumented region only) for counts; " + (callgrindOnly ? "nothing timed (--callgrind-only)" : "timing natively with TSC and \(session.choice.backend.rawValue) events"))
            : session.choice
        StandardStreams.err("counters: \(backend.backend.rawValue): \(backend.reason)\n")
        // Only a run that asked for the PMU (or let auto choose) misses it; --counters none,
        // software or callgrind chose something else on purpose.
        if backend.backend != .pmu && (mode == .auto || mode == .pmu) {
            warnings.append("No hardware PMU counters: \(backend.reason).")
        }
        let tsc = TSC.isSupported ? TSC.calibrate(windows: quick ? 3 : 5, windowNanoseconds: quick ? 5_000_000 : 20_000_000) : nil

        var sampler = quick ? SamplerConfig.quick : SamplerConfig.standard
        if let samples = settings.samples { sampler.samples = samples }
        if let visits = settings.visits { sampler.visits = visits }
        if let minSampleMs = settings.minSampleMs { sampler.minSampleNanoseconds = UInt64(minSampleMs * 1e6) }
        sampler.estimator = settings.estimator
        // One canary for the whole run: its baseline is the run's quiet level.
        let canary: NoiseCanary? = (settings.noCanary || callgrindOnly) ? nil : NoiseCanary()
        canary?.warmUp()
        let pinCPU = settings.noPin ? nil : (settings.cpu ?? CPUAffinity.current())
        if settings.noPin { warnings.append("Not pinned to a CPU (--no-pin): expect more noise.") }
        var runner = PointRunner(sampler: sampler, pinCPU: pinCPU)
        runner.splitAllocFree = true

        let scratch = NSTemporaryDirectory() + "fragbench-\(getpid())"
        try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        var points: [BenchPoint] = []
        if callgrindOnly {
            let counts = CallgrindOnlyRun.measure(
                points: plan.points, quick: quick, scratch: scratch,
                jobs: settings.jobs ?? max(1, ProcessInfo.processInfo.activeProcessorCount))
            for (index, parameters) in plan.points.enumerated() {
                if let why = parameters.notApplicableReason {
                    warnings.append("NOT APPLICABLE: \(PointLabel.benchmarkName(parameters)): \(why)")
                } else if let values = counts[index] {
                    points.append(CallgrindOnlyRun.point(parameters, values: values, backend: backend))
                }
            }
        }
        let visitCount = callgrindOnly ? 0 : max(1, sampler.visits)
        var progress = Progress(total: max(1, plan.points.count * visitCount))
        var failures: [String] = []
        var notApplicable: [String] = []
        var interrupted = false
        // Passes over the whole sweep: each point's visits are spread over the run's duration,
        // so a slow stretch of the machine touches one visit of many points, not all of one.
        var visits = [[PointRunner.Outcome]](repeating: [], count: plan.points.count)
        var excluded = Set<Int>()
        passes: for visit in stride(from: 1, through: visitCount, by: 1) {
            for (index, parameters) in plan.points.enumerated() where !excluded.contains(index) {
                if InterruptFlag.isRaised { interrupted = true; break passes }
                let label = PointLabel.benchmarkName(parameters)
                let tag = visitCount > 1 ? " [visit \(visit)/\(visitCount)]" : ""
                if let why = parameters.notApplicableReason {
                    // Said in the output (progress, warnings in the report), never dropped silently.
                    notApplicable.append("\(label): not applicable: \(why)")
                    progress.finished(label, summary: "not applicable: \(why)")
                    excluded.insert(index)
                    continue
                }
                do {
                    let outcome = try runner.measure(parameters, counters: session, canary: canary)
                    if let leak = outcome.leak {
                        failures.append("\(label): \(leak)")
                        excluded.insert(index)
                    }
                    visits[index].append(outcome)
                    let r = outcome.result
                    progress.finished(label + tag, summary: "\(NumberFormat.text(r.estimate?.value)) ns/op (\(sampler.estimator) of this visit)")
                } catch WorkloadError.notApplicable(let why) {
                    notApplicable.append("\(label): not applicable: \(why)")
                    progress.finished(label, summary: "not applicable: \(why)")
                    excluded.insert(index)
                } catch {
                    failures.append("\(label): \(error)")
                    progress.finished(label, summary: "FAILED: \(error)")
                    excluded.insert(index)
                    visits[index] = []
                }
            }
        }
        for (index, parameters) in plan.points.enumerated() {
            guard let first = visits[index].first,
                  let pooled = SampleResult.pooled(visits[index].map(\.result), estimator: sampler.estimator) else { continue }
            var outcome = first
            outcome.result = pooled
            var values = pooled.counters
            if mode == .callgrind && !InterruptFlag.isRaised {
                values = CallgrindPoint.measure(parameters, quick: quick, scratch: scratch, tag: String(index)) + values
            }
            let point = PointAssembly.point(parameters, outcome: outcome, counterValues: values, backend: backend)
            points.append(point)
            var summary = "\(NumberFormat.text(point.nsPerOp)) ns/op (\(sampler.estimator)), 95% interval [\(NumberFormat.text(point.nsPerOpLow)), \(NumberFormat.text(point.nsPerOpHigh))]"
            if let d = point.disturbedSamples, d > 0 { summary += ", \(d)/\(point.samples) samples disturbed" }
            if let ins = point.perOp("instructions") { summary += ", \(NumberFormat.text(ins)) ins/op" }
            if point.unstable { summary += " UNSTABLE" }
            StandardStreams.err("\(PointLabel.benchmarkName(parameters)): \(summary)\n")
        }
        if InterruptFlag.isRaised { interrupted = true }

        let command = settings.command
        var provenance = ProvenanceCollector.collect(backend: backend, tsc: tsc, command: command, quick: quick, machine: machine)
        if let canary, let noise = MachineNoise.summary(points: points, canary: canary) {
            provenance.machineNoise = noise.text
            provenance.disturbedShare = noise.share
            provenance.canaryBaselineNs = canary.baseline
            if noise.share >= MachineNoise.warnShare { warnings.append("\(MachineNoise.warningPrefix) \(noise.text); the point estimates use the undisturbed ones.") }
            if settings.machineReference {
                let checked = CanaryReference.check(points, baseline: canary.baseline, cpuModel: provenance.cpuModel)
                points = checked.points
                if let warning = checked.warning { warnings.append(warning) }
            }
        } else if canary == nil {
            provenance.machineNoise = callgrindOnly ? "not measured (--callgrind-only: no timing)" : "not measured (--no-canary)"
        }
        let run = BenchRun(provenance: provenance, points: points, partial: interrupted || !failures.isEmpty,
                           warnings: warnings + notApplicable.map { "NOT APPLICABLE: \($0)" } + failures.map { "FAILED: \($0)" })
        StandardStreams.out(MarkdownReport.table(points))
        for line in notApplicable { StandardStreams.out("- \(line)\n") }

        if let output = settings.output {
            let why = interrupted ? "interrupted (Ctrl-C)" : "\(failures.count) point(s) failed"
            try RunSaving.save(run, to: ResultStore(root: output), partialReason: run.partial ? why : nil)
        }
        for failure in failures { StandardStreams.err("error: \(failure)\n") }
        if interrupted { throw ExitStatus(130) }
        if !failures.isEmpty { throw ExitStatus(1) }
    }
}
