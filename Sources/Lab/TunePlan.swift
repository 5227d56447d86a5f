import FragCache
import Measure
import Workloads

/// `tune`'s points, built as values: one workload on one page size over max sizes. The child
/// run (a visit process, `VisitPlan`) gets the plan with all max sizes, each paired side the
/// plan with one, so both measure the same point; no run options are written or parsed.
package enum TunePlan {
    /// The workloads tune knows, each with its fragment size (nil: mixed, which draws its own).
    package static let workloads: [(kind: WorkloadKind, fragsz: Int?)] = [
        (.mixed, nil),
        (.crossThread, 2048),
        (.prepareCommit, 1024),
        (.pressure, 2048),
    ]

    /// What tune's own options set on every point. `distribution` and `fragmented` are
    /// mixed's only; `depth` nil keeps run's default.
    package struct Choices: Sendable {
        package var distribution: SizeDistribution = .imix
        package var depth: Int?
        package var fragmented: ArenaFragmentation?
        /// cross-thread's two threads on CPUs 0 and 1, as the presets, peers and the kernel
        /// test do; false (one CPU) leaves them to the scheduler.
        package var twoCPUs: Bool

        package init(distribution: SizeDistribution = .imix, depth: Int? = nil, fragmented: ArenaFragmentation? = nil,
                     twoCPUs: Bool = (CPUAffinity.allowedCount() ?? 1) >= 2) {
            self.distribution = distribution
            self.depth = depth
            self.fragmented = fragmented
            self.twoCPUs = twoCPUs
        }
    }

    /// The named workload's points on `pageSize` at `maxSizes`, each checked as `run` checks
    /// it; nil for a workload tune does not know.
    package static func plan(workload: String, pageSize: Int, maxSizes: [Int], choices: Choices) throws -> SweepPlan? {
        guard let known = workloads.first(where: { $0.kind.rawValue == workload }) else { return nil }
        var template = WorkloadParameters(kind: known.kind, config: try FragCacheConfig())
        if let depth = choices.depth { template.depth = depth }
        if known.kind == .mixed {
            template.distribution = choices.distribution
            template.fragmented = choices.fragmented
        }
        if known.kind == .crossThread && choices.twoCPUs { (template.pushCPU, template.popCPU) = (0, 1) }
        let axes = SweepPlan.Axes(workloads: [known.kind], pageSizes: [pageSize], maxSizes: maxSizes,
                                  fragszs: [known.fragsz ?? template.fragsz], aligns: [1], template: template)
        let plan = try SweepPlan.build(axes)
        for point in plan.points {
            do { try point.validate() } catch { throw ValidationFailure("\(PointLabel.benchmarkName(point)): \(error)") }
        }
        return plan
    }

    /// The one applicable point of a workload on one page size at one max size: a paired side.
    package static func point(workload: String, pageSize: Int, maxSize: Int, choices: Choices) throws -> WorkloadParameters? {
        guard let plan = try plan(workload: workload, pageSize: pageSize, maxSizes: [maxSize], choices: choices) else { return nil }
        guard plan.points.count == 1, let point = plan.points.first else {
            throw ValidationFailure("\(workload) on \(pageSize) B pages at max \(maxSize) names \(plan.points.count) points, not one")
        }
        if let why = point.notApplicableReason { throw ValidationFailure("\(PointLabel.benchmarkName(point)): \(why)") }
        return point
    }
}
