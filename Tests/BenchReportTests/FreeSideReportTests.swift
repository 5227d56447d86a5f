import Foundation
import Testing
@testable import BenchReport

@Suite struct FreeSideReportTests {
    /// An alloc-free point through `api` (nil: the kernel API) or a peer, with samples around `ns`.
    func point(_ ns: Double, impl: String = "swift", api: String? = nil, max: Int = 32768, instructions: Double? = nil) -> BenchPoint {
        var parameters = ["depth": "256"]
        if let api { parameters["api"] = api }
        if api == "bulk" { parameters["bulk"] = "16" }
        var p = Fixtures.fast
        p.workload = "alloc-free"
        p.impl = impl
        p.maxSize = max
        p.parameters = parameters
        p.nsPerOp = ns
        p.nsPerOpLow = nil
        p.nsPerOpHigh = nil
        p.sampleNsPerOp = [0.98, 1.0, 1.01, 0.99, 1.02].map { $0 * ns }
        p.counters = instructions.map { [CounterReading(name: "instructions", source: "callgrind simulation", perOp: $0)] } ?? []
        return p
    }

    func run(_ points: [BenchPoint], rmw: Double? = nil) -> BenchRun {
        var provenance = Fixtures.provenance
        provenance.atomicRMWNs = rmw
        provenance.atomicRMWMethod = rmw.map { _ in "median of 7 batches" }
        return BenchRun(provenance: provenance, points: points)
    }

    @Test func kernelKeysDoNotChangeAndExperimentsGetTheirOwn() {
        let kernel = point(8.5)
        #expect(kernel.api == "kernel")
        #expect(!kernel.key.contains("api"))
        #expect(point(2.8, api: "local-free").key.contains("api=local-free"))
        #expect(point(2.8, api: "bulk").key.contains("bulk=16"))
        #expect(point(2.8, api: "local-free").key != kernel.key)
    }

    @Test func noExperimentNoSection() {
        let plain = run([point(8.5), point(5.4, impl: "mimalloc")])
        #expect(FreeSideReport.apiSection(plain) == "")
        #expect(FreeSideReport.charts(plain).isEmpty)
        #expect(!MarkdownReport.render(plain).contains("What the API experiments buy"))
    }

    @Test func sectionComparesEachAPIWithTheKernelAndMimalloc() {
        let r = run([point(8.5, instructions: 34.8), point(2.8, api: "local-free", instructions: 20), point(5.4, impl: "mimalloc"),
                     point(8.4, max: 131072), point(2.0, api: "local-free", max: 131072), point(5.6, impl: "mimalloc", max: 131072)])
        let section = FreeSideReport.apiSection(r)
        #expect(section.contains("## What the API experiments buy"))
        #expect(section.contains("| alloc-free/page:4096/max:32768/fragsz:64/align:1/api:local-free/depth:256 | swift local-free | 2.80 |"), "\(section)")
        // 2.8 / 8.5 against the kernel API, 2.8 / 5.4 against mimalloc, 20 / 34.8 instructions.
        #expect(section.contains("0.329 ("))
        #expect(section.contains("0.519 ("))
        #expect(section.contains("| 0.575 |"))
        // 5.6 / 2.0: mimalloc's time over the experiment's.
        #expect(section.contains("swift local-free: 2.80× mimalloc's speed"))
        let charts = FreeSideReport.charts(r)
        #expect(charts.count == 1)
        #expect(charts[0].svg.contains(">alloc-free/page:4096/max:*/fragsz:*/align:1/depth:256, a line per subject and fragment size (QUICK run)</text>"))
        #expect(charts[0].svg.contains("swift local-free"))
        #expect(MarkdownReport.render(r).contains("What the API experiments buy"))
    }

    /// The whole grid is one chart: a line per subject and fragment size, a subject's lines in
    /// one colour, a size's lines in one dash pattern.
    @Test func theGridIsOneChart() {
        var points: [BenchPoint] = []
        for fragsz in [64, 256] {
            for max in [4096, 32768] {
                for (impl, api, ns) in [("swift", nil, 8.0), ("swift", "local-free", 2.5), ("mimalloc", nil, 4.5)] as [(String, String?, Double)] {
                    var p = point(ns + Double(fragsz) / 100, impl: impl, api: api, max: max)
                    p.fragsz = fragsz
                    points.append(p)
                }
            }
        }
        let charts = FreeSideReport.charts(run(points))
        #expect(charts.count == 1)
        let svg = charts.first?.svg ?? ""
        for name in ["swift kernel API, 64 B", "swift local-free, 256 B", "mimalloc, 256 B"] {
            #expect(svg.contains(">\(name)</text>"), "legend line \(name)")
        }
        // Series order: 64 B first, subjects in run order; colour by subject, dash by size.
        // (The legend's sample lines are the chart's last six 2-px lines.)
        let legend = Array(svg.components(separatedBy: "<line ").dropFirst().filter { $0.contains("stroke-width=\"2\"") }.suffix(6))
        #expect(legend.count == 6)
        if legend.count == 6 {
            #expect(legend[0].contains("#0072B2") && legend[3].contains("#0072B2"))
            #expect(legend[1].contains("#D55E00") && !legend[1].contains("dasharray"))
            #expect(legend[4].contains("#D55E00") && legend[4].contains("dasharray=\"6,3\""))
        }
    }

    @Test func rmwLineAndAttribution() {
        var p = point(8.5)
        p.allocNsPerOp = 1.7
        p.freeNsPerOp = 6.9
        p.splitMethod = "alternating timed phases"
        let r = run([p], rmw: 7.1)
        #expect(FreeSideReport.rmwLine(r.provenance).contains("One locked RMW = 7.1 ns here"))
        #expect(FreeSideReport.rmwLine(run([p]).provenance) == "")
        let section = FreeSideReport.attributionSection(r)
        #expect(section.contains("| alloc-free/page:4096/max:32768/fragsz:64/align:1/depth:256 | swift kernel API | 8.50 | 1.70 | 6.90 | 8.60 | 80% | 0.97 |"), "\(section)")
        #expect(section.contains("alternating timed phases"))
        let report = MarkdownReport.render(r)
        #expect(report.contains("One locked RMW = 7.1 ns here"))
        #expect(report.contains("| locked RMW | 7.10 ns (median of 7 batches) |"))
    }

    /// With recorded intervals the ratio is the quotient of the estimates, the interval their
    /// log half-widths in quadrature: 2.0/8.0 with ±10% on each side gives 0.25 × exp(±0.1348).
    @Test func ratioOfEstimatesUsesTheirIntervals() throws {
        var kernel = point(8.0), local = point(2.0, api: "local-free")
        kernel.nsPerOpLow = 8.0 / 1.1; kernel.nsPerOpHigh = 8.0 * 1.1
        local.nsPerOpLow = 2.0 / 1.1; local.nsPerOpHigh = 2.0 * 1.1
        let e = try #require(FreeSideReport.timeRatio(kernel, local))
        #expect(abs(e.ratio - 0.25) < 1e-12)
        let h = (2 * 0.0953101798 * 0.0953101798).squareRoot()
        #expect(abs(e.lower - 0.25 * exp(-h)) < 1e-6 && abs(e.upper - 0.25 * exp(h)) < 1e-6)
    }
}
