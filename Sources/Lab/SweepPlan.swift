import FragCache
import Workloads

/// The cartesian product of the sweep's axes, checked before anything runs. Combinations that
/// are the same point run once, and the plan says why (`merges`): a max size at or below the
/// page size means one page, workloads that draw their own sizes (mixed, replay) ignore
/// --fragsz, peers have no layout variant.
package struct SweepPlan: Codable, Sendable {
    package var points: [WorkloadParameters]
    /// Combinations the axes asked for (before merging).
    package var combinations: Int = 0
    /// Why some combinations merged, one line per reason; empty when none did.
    package var merges: [String] = []

    /// The plan in one line: "48 point(s) from 72 combinations: why they merged".
    package var summary: String {
        guard combinations > points.count else { return "\(points.count) point(s)" }
        return "\(points.count) point(s) from \(combinations) combinations: " + merges.joined(separator: "; ")
    }

    package struct Axes {
        package var workloads: [WorkloadKind]
        package var pageSizes: [Int]
        package var maxSizes: [Int]
        package var fragszs: [Int]
        package var aligns: [Int]
        package var template: WorkloadParameters
        /// `--impl` and `--variant`: the innermost axes, so one point's implementations sit
        /// side by side.
        package var impls: [Implementation] = [.swift]
        package var variants: [LayoutVariant] = [.remaining]
        /// `--api`: innermost of all; the experiments exist where `apiNotApplicableReason` is nil.
        package var apis: [FragAPI] = [.kernel]

        package init(workloads: [WorkloadKind], pageSizes: [Int], maxSizes: [Int], fragszs: [Int], aligns: [Int], template: WorkloadParameters, impls: [Implementation] = [.swift], variants: [LayoutVariant] = [.remaining], apis: [FragAPI] = [.kernel]) {
            self.workloads = workloads
            self.pageSizes = pageSizes
            self.maxSizes = maxSizes
            self.fragszs = fragszs
            self.aligns = aligns
            self.template = template
            self.impls = impls
            self.variants = variants
            self.apis = apis
        }
    }

    package static func build(_ axes: Axes) throws(SweepError) -> SweepPlan {
        for pageSize in axes.pageSizes where !FragCacheConfig.pageSizes.contains(pageSize) {
            throw SweepError("--page-size \(pageSize) is not one of 4K, 16K, 64K")
        }
        for maxSize in axes.maxSizes { try checkMaxSize(maxSize) }
        for fragsz in axes.fragszs where fragsz < 1 {
            throw SweepError("--fragsz \(fragsz) must be at least 1")
        }
        for align in axes.aligns where align < 1 || align & (align - 1) != 0 {
            throw SweepError("--align \(align) is not a power of two")
        }
        var points: [WorkloadParameters] = []
        var combinations = 0
        var belowPage: [Int: Set<Int>] = [:]
        var drawers = Set<String>()
        var peerVariants = false
        var apiMerged = false
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
                    if maxSize < pageSize { belowPage[pageSize, default: []].insert(maxSize) }
                    let drawsSizes = workload == .mixed || workload == .replay
                    if drawsSizes && axes.fragszs.count > 1 { drawers.insert(workload.rawValue) }
                    combinations += axes.fragszs.count * axes.aligns.count * axes.impls.count * axes.variants.count * axes.apis.count
                    for fragsz in drawsSizes ? [axes.fragszs[0]] : axes.fragszs {
                        for align in axes.aligns {
                            for impl in axes.impls {
                                if !impl.isPageFrag && axes.variants.count > 1 { peerVariants = true }
                                // Peers have no layout: one point each, not one per variant.
                                for variant in impl.isPageFrag ? axes.variants : [.remaining] {
                                    var p = axes.template
                                    p.kind = workload
                                    p.config = config
                                    p.fragsz = fragsz
                                    p.align = align
                                    p.impl = impl
                                    p.variant = variant
                                    for api in axes.apis {
                                        p.api = api
                                        // The experiments run on the Swift cache's remaining layout
                                        // only: elsewhere the kernel API's point stands for them.
                                        if api != .kernel && p.apiNotApplicableReason != nil {
                                            apiMerged = true
                                            continue
                                        }
                                        if !points.contains(p) { points.append(p) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var merges: [String] = []
        if combinations > points.count {
            for page in belowPage.keys.sorted() {
                let sizes = belowPage[page]!.sorted().map(SweepPlan.bytes).joined(separator: ", ")
                merges.append("max size \(sizes) on \(SweepPlan.bytes(page)) pages means one page, the same point as max size \(SweepPlan.bytes(page))")
            }
            if !drawers.isEmpty {
                merges.append("\(drawers.sorted().joined(separator: ", ")) draw their own sizes, so --fragsz gives one point, not one per size")
            }
            if peerVariants { merges.append("malloc-family peers have no layout, so one point each, not one per --variant") }
            if apiMerged { merges.append("the API experiments (--api) exist for the Swift cache's remaining layout on alloc-only, free-only, alloc-free, mixed and cross-thread (without --prepare), so elsewhere one kernel-API point each") }
        }
        return SweepPlan(points: points, combinations: combinations, merges: merges)
    }

    /// A max size of 0 asks for no cache at all; the model would read it as one page (as any
    /// value below the page size), which is not what anyone typing 0 meant.
    package static func checkMaxSize(_ maxSize: Int) throws(SweepError) {
        guard maxSize >= 1 else {
            throw SweepError("--max-size \(maxSize) must be at least 1 (a value below the page size means one page)")
        }
    }

    package static func bytes(_ n: Int) -> String {
        n % 1024 == 0 ? "\(n / 1024)K" : "\(n)"
    }
}

package struct SweepError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
