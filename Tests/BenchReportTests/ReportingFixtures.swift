@testable import BenchReport

/// A sweep with the shape the charts, comparisons and tuning read: one workload over three
/// fragment sizes and three max sizes, with per-sample data.
enum ReportingFixtures {
    static func point(workload: String = "alloc-only", page: Int = 4096, max: Int, fragsz: Int?, ns: Double,
                      samples: [Double]? = nil, pinned: Int? = nil, waste: Double? = 1.5, refills: Int? = 100,
                      failures: Int? = 0, parameters: [String: String] = [:]) -> BenchPoint {
        BenchPoint(
            workload: workload, pageSize: page, maxSize: max, fragsz: fragsz, align: 1, parameters: parameters,
            ops: 1_000_000, samples: samples?.count ?? 5, nsPerOp: ns, minNsPerOp: ns * 0.98, errPct: 0.5,
            unstable: false, hint: nil, tscCyclesPerOp: ns * 2.6, cpu: 1, pinned: true, counters: [],
            counterSource: "none", counterStatus: "counters disabled by request; timing only",
            refillsPerKop: 12.5, fallbacks: failures, reuses: 0, pfmemallocDrops: 0, wastePct: waste,
            peakPinnedBytes: pinned ?? max * 4, sampleNsPerOp: samples, refills: refills, highOrderFailures: failures,
            refillFailures: 0)
    }

    /// Deterministic "noise" around a centre: the same spread for every point.
    static func samples(_ centre: Double, spread: Double = 0.01) -> [Double] {
        [-2.0, -1, 0, 1, 2].map { centre * (1 + spread * $0 / 2) }
    }

    static let sweep: BenchRun = {
        var points: [BenchPoint] = []
        for (m, max) in [4096, 32768, 131072].enumerated() {
            for (f, fragsz) in [64, 256, 2048].enumerated() {
                let ns = 5.0 + Double(f) * 2.5 - Double(m) * 0.75
                var p = point(max: max, fragsz: fragsz, ns: ns, samples: samples(ns))
                p.estimator = "p10 of undisturbed samples"
                p.nsPerOpLow = ns * 0.97
                p.nsPerOpHigh = ns * 1.04
                p.disturbedSamples = m == 2 && f == 2 ? 2 : 0
                p.unstable = m == 2 && f == 2
                if p.unstable { p.errPct = 6.5 }
                points.append(p)
            }
        }
        return BenchRun(provenance: Fixtures.provenance, points: points)
    }()
}
