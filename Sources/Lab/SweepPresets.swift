import FragCache
import Measure
import Workloads

/// Named sweeps for `make bench`: several grids in one run, chosen so the default finishes in
/// under two minutes on two cores and the quick one in under twenty seconds.
package enum SweepPresets {
    package static let names = ["default", "quick", "gate"]

    package static func plan(_ name: String, template: WorkloadParameters) throws(SweepError) -> SweepPlan {
        let K = 1024
        let maxSizes = [4 * K, 16 * K, 32 * K, 64 * K, 128 * K]
        typealias Group = (workloads: [WorkloadKind], pages: [Int], maxes: [Int], fragszs: [Int], aligns: [Int])
        var groups: [Group]
        var variants: [(WorkloadParameters) -> WorkloadParameters] = [{ $0 }]
        switch name {
        case "default":
            groups = [
                ([.allocOnly, .allocFree], [4 * K], maxSizes, [64, 256, 2048], [1]),
                ([.allocOnly, .allocFree], [4 * K], [32 * K], [64, 256], [64]),
                ([.allocOnly, .allocFree], [16 * K], [16 * K, 64 * K, 128 * K], [64, 2048], [1]),
                ([.allocOnly, .allocFree], [64 * K], [64 * K, 128 * K], [64, 2048], [1]),
                ([.crossThread], [4 * K], [4 * K, 32 * K, 128 * K], [2048], [1, 64]),
                ([.prepareCommit], [4 * K], [4 * K, 32 * K, 128 * K], [256, 1024], [1]),
                ([.mixed], [4 * K], [4 * K, 32 * K, 128 * K], [64], [1]),
                ([.pressure], [4 * K], [32 * K, 128 * K], [256, 2048], [1]),
            ]
            // The kernel test's prepare path, and sizes other than IMIX.
            variants.append { p in
                var p = p
                switch p.kind {
                case .crossThread: p.usePrepare = true
                case .mixed: p.distribution = .uniform(64 ... 1500)
                default: return p
                }
                return p
            }
        case "quick":
            groups = [
                ([.allocOnly, .allocFree], [4 * K], [4 * K, 32 * K, 128 * K], [64, 2048], [1]),
                ([.crossThread, .prepareCommit, .mixed, .pressure], [4 * K], [32 * K], [256], [1]),
            ]
        case "gate":
            // make compare's exact gate (callgrind, deterministic and cheap): every code path a
            // change can touch, not a timing sample. Every layout and kernel version, aligned
            // and not, 4 KiB and 64 KiB pages, the API experiments, prepare/commit and mixed.
            groups = [
                ([.allocOnly, .allocFree], [4 * K], [32 * K], [64], [1, 64]),
                ([.allocOnly, .allocFree], [64 * K], [128 * K], [64], [1, 64]),
                ([.prepareCommit, .mixed], [4 * K], [32 * K], [256], [1]),
            ]
            variants = LayoutVariant.allCases.filter { $0 != .remaining }.map { variant in
                { p in
                    var p = p
                    p.variant = variant
                    return p
                }
            }
            variants.insert({ $0 }, at: 0)
            for api in FragAPI.allCases where api != .kernel {
                variants.append { p in
                    var p = p
                    p.api = api
                    return p
                }
            }
        default:
            throw SweepError("--preset '\(name)' is not one of \(names.joined(separator: ", "))")
        }
        // The kernel test runs producer and consumer on two CPUs; do the same where there are two.
        var template = template
        if template.pushCPU == nil && template.popCPU == nil, (CPUAffinity.allowedCount() ?? 1) >= 2 {
            template.pushCPU = 0
            template.popCPU = 1
        }
        var points: [WorkloadParameters] = []
        for g in groups {
            let plan = try SweepPlan.build(.init(workloads: g.workloads, pageSizes: g.pages, maxSizes: g.maxes,
                                                 fragszs: g.fragszs, aligns: g.aligns, template: template))
            for variant in variants {
                // A transform that makes no sense for a point (a kernel version on 64 KiB
                // pages, an API experiment on prepare-commit) is dropped for it, not reported.
                for p in plan.points.map(variant) where !points.contains(p) && (name != "gate" || p.notApplicableReason == nil) {
                    points.append(p)
                }
            }
        }
        return SweepPlan(points: points)
    }
}
