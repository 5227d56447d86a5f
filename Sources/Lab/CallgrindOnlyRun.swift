import BenchReport
import Dispatch
import Foundation
import Measure
import Workloads

/// `run --counters callgrind --callgrind-only`: the cheap exact gate `make compare
/// COUNTERS=callgrind` uses. Instruction counts are deterministic, so each point runs once
/// under valgrind, with no native timing, and `jobs` points at a time (valgrind runs one
/// thread per process, so each core takes one).
package enum CallgrindOnlyRun {
    /// Results gathered from the concurrent children.
    package final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Int: [CounterValue]] = [:]
        private var done = 0
        // Safe: every access holds `lock`.
        package func store(_ index: Int, _ v: [CounterValue]) -> Int {
            lock.lock(); defer { lock.unlock() }
            values[index] = v
            done += 1
            return done
        }
        package var all: [Int: [CounterValue]] { lock.lock(); defer { lock.unlock() }; return values }
    }

    /// Each applicable point's counts, by its index in `points`.
    package static func measure(points: [WorkloadParameters], quick: Bool, scratch: String, jobs: Int) -> [Int: [CounterValue]] {
        let indices = points.indices.filter { points[$0].notApplicableReason == nil }
        let tasks = indices.map { Task(label: PointLabel.benchmarkName(points[$0]), point: points[$0], quick: quick, tag: String($0)) }
        var byPoint: [Int: [CounterValue]] = [:]
        for (position, values) in measure(tasks, scratch: scratch, jobs: jobs) { byPoint[indices[position]] = values }
        return byPoint
    }

    /// One callgrind child to run: `point`, its scratch files named by `tag` (unique among the
    /// tasks of one call).
    package struct Task {
        package var label: String
        package var point: WorkloadParameters
        package var quick: Bool
        package var tag: String
        package var branchSim = false

        package init(label: String, point: WorkloadParameters, quick: Bool, tag: String, branchSim: Bool = false) {
            self.label = label
            self.point = point
            self.quick = quick
            self.tag = tag
            self.branchSim = branchSim
        }
    }

    /// Runs the tasks under valgrind, `jobs` at a time, each line of progress on stderr.
    /// Returns each task's per-op values by its position in `tasks`.
    package static func measure(_ tasks: [Task], scratch: String, jobs: Int) -> [Int: [CounterValue]] {
        // The stripped copy is made once, before the children race for it.
        if let executable = Callgrind.currentExecutablePath() { _ = CallgrindPoint.strippedCopy(of: executable, in: scratch) }
        let results = Results()
        let total = tasks.count
        let slots = DispatchSemaphore(value: max(1, jobs))
        let group = DispatchGroup()
        let queue = DispatchQueue(label: "callgrind-only", attributes: .concurrent)
        for (position, task) in tasks.enumerated() {
            if InterruptFlag.isRaised { break }
            slots.wait()
            group.enter()
            queue.async {
                let values = CallgrindPoint.measure(task.point, quick: task.quick, scratch: scratch, tag: task.tag,
                                                    branchSim: task.branchSim)
                let done = results.store(position, values)
                let ins = values.first { $0.name == "instructions" }
                let summary = ins?.value.map { "\(NumberFormat.text($0)) ins/op (callgrind)" } ?? "instructions unavailable: \(ins?.status ?? "?")"
                StandardStreams.err("[\(done)/\(total)] \(task.label): \(summary)\n")
                slots.signal()
                group.leave()
            }
        }
        group.wait()
        return results.all
    }

    /// A point with callgrind counts and no timing: every time field is nil and says why.
    package static func point(_ p: WorkloadParameters, values: [CounterValue], backend: BackendChoice) -> BenchPoint {
        var point = BenchPoint(
            workload: p.kind.rawValue, impl: p.impl.rawValue, variant: p.variant.rawValue, pageSize: p.config.pageSize,
            maxSize: p.config.maxSize, fragsz: (p.kind == .mixed || p.kind == .replay) ? nil : p.fragsz, align: p.align,
            parameters: PointLabel.parameters(p), ops: 0, samples: 0, nsPerOp: nil, minNsPerOp: nil, errPct: nil,
            unstable: false, hint: nil, tscCyclesPerOp: nil, cpu: nil, pinned: false,
            counters: values.map { CounterReading(name: $0.name, source: $0.source.rawValue, perOp: $0.value, status: $0.status) },
            counterSource: backend.backend.rawValue,
            counterStatus: backend.reason + "; timing and cache figures not measured (--callgrind-only)",
            refillsPerKop: nil, fallbacks: nil, reuses: nil, pfmemallocDrops: nil, wastePct: nil, peakPinnedBytes: nil)
        point.estimator = "not timed (--callgrind-only)"
        return point
    }
}
