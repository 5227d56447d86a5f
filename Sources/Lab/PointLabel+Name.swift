import BenchReport
import Workloads

extension PointLabel {
    /// The point's name in gbench.json, known before it runs: what --list prints and --filter
    /// matches.
    package static func benchmarkName(_ p: WorkloadParameters) -> String {
        GoogleBenchmarkReport.benchmarkName(
            workload: p.kind.rawValue, impl: p.impl.rawValue, variant: p.variant.rawValue, pageSize: p.config.pageSize,
            maxSize: p.config.maxSize, fragsz: (p.kind == .mixed || p.kind == .replay) ? nil : p.fragsz, align: p.align,
            parameters: parameters(p))
    }
}
