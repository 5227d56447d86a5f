import Foundation

extension BenchPoint {
    /// The point's one name: what `fragbench list` prints, `--filter` matches and gbench.json
    /// holds. Derived from the stored defining values, so a run.json from a build that never
    /// stored names renders with the same names as a new one.
    public var name: String { GoogleBenchmarkReport.benchmarkName(self) }

    /// The name with the axes a table or chart varies replaced by `*`
    /// (`alloc-free/page:4096/max:*/fragsz:*/align:1/depth:256`): the heading of a group whose
    /// rows or points each have one name.
    public func namePattern(varying axes: Set<NameAxis>) -> String {
        GoogleBenchmarkReport.benchmarkName(
            workload: workload, impl: impl, variant: variant, pageSize: pageSize, maxSize: maxSize, fragsz: fragsz,
            align: align, parameters: parameters, wildcards: axes)
    }

    /// The name's parts a group can vary.
    public enum NameAxis: Sendable, Hashable { case pageSize, maxSize, fragsz }
}
