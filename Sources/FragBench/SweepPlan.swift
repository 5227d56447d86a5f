import FragCache
import Workloads

/// The cartesian product of the sweep's axes, checked before anything runs. Workloads that
/// ignore an axis (mixed and replay draw their own sizes) get one point instead of copies.
struct SweepPlan {
    var points: [WorkloadParameters]

    struct Axes {
        var workloads: [WorkloadKind]
        var pageSizes: [Int]
        var maxSizes: [Int]
        var fragszs: [Int]
        var aligns: [Int]
        var template: WorkloadParameters
        /// `--impl` and `--variant`: the innermost axes, so one point's implementations sit
        /// side by side.
        var impls: [Implementation] = [.swift]
        var variants: [LayoutVariant] = [.remaining]
    }

    static func build(_ axes: Axes) throws(SweepError) -> SweepPlan {
        for pageSize in axes.pageSizes where !FragCacheConfig.pageSizes.contains(pageSize) {
            throw SweepError("--page-size \(pageSize) is not one of 4K, 16K, 64K")
        }
        for fragsz in axes.fragszs where fragsz < 1 {
            throw SweepError("--fragsz \(fragsz) must be at least 1")
        }
        for align in axes.aligns where align < 1 || align & (align - 1) != 0 {
            throw SweepError("--align \(align) is not a power of two")
        }
        var points: [WorkloadParameters] = []
        for workload in axes.workloads {
            for pageSize in axes.pageSizes {
                for align in axes.aligns where align > pageSize {
                    throw SweepError("--align \(align) exceeds the page size \(pageSize)")
                }
                for maxSize in axes.maxSizes {
                    let config: FragCacheConfig
                    do {
                        config = try FragCacheConfig(pageSize: pageSize, maxSize: maxSize)
                    } catch {
                        throw SweepError("--max-size \(maxSize) with --page-size \(pageSize): \(error)")
                    }
                    let drawsSizes = workload == .mixed || workload == .replay
                    for fragsz in drawsSizes ? [axes.fragszs[0]] : axes.fragszs {
                        for align in axes.aligns {
                            for impl in axes.impls {
                                // Peers have no layout: one point each, not one per variant.
                                for variant in impl.isPageFrag ? axes.variants : [.remaining] {
                                    var p = axes.template
                                    p.kind = workload
                                    p.config = config
                                    p.fragsz = fragsz
                                    p.align = align
                                    p.impl = impl
                                    p.variant = variant
                                    if !points.contains(p) { points.append(p) }
                                }
                            }
                        }
                    }
                }
            }
        }
        return SweepPlan(points: points)
    }
}

struct SweepError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
