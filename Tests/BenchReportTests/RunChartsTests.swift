import Testing
@testable import BenchReport

@Suite struct RunChartsTests {
    @Test func errorBarsAreTheEstimatesIntervalAndUnstablePointsAreHollow() throws {
        let charts = RunCharts.charts(ReportingFixtures.sweep)
        let svg = try #require(charts.first?.svg)
        // Nine points with an interval: nine bars, plus the legend's.
        #expect(svg.components(separatedBy: "stroke-width=\"1.2\" fill=\"none\"").count - 1 == 10)
        #expect(svg.contains(">95% interval</text>"))
        #expect(svg.contains(">unstable</text>"))
        #expect(svg.contains("ns per operation (p10 of undisturbed samples)"))
    }

    @Test func mixedAndCrossThreadAreChartedByMaxSize() throws {
        var points: [BenchPoint] = []
        for (i, max) in [4096, 32768, 131072].enumerated() {
            points.append(ReportingFixtures.point(workload: "mixed", max: max, fragsz: nil, ns: 20 - Double(i),
                                                  parameters: ["depth": "256", "distribution": "imix"]))
            points.append(ReportingFixtures.point(workload: "cross-thread", max: max, fragsz: 2048, ns: 30 - Double(i),
                                                  parameters: ["count": "200000", "prepare": "0"]))
        }
        let charts = RunCharts.charts(BenchRun(provenance: Fixtures.provenance, points: points))
        #expect(charts.map(\.file) == ["chart-mixed-swift-remaining-page4k-align1-by-max-distribution-imix.svg",
                                       "chart-cross-thread-swift-remaining-page4k-align1-by-max-prepare-0.svg"])
        #expect(charts.allSatisfy { $0.svg.contains("PAGE_FRAG_CACHE_MAX_SIZE") })
        // Each chart names its points as `fragbench list` does, the charted axis as `*`.
        #expect(charts[0].title == "ns/op by max size: mixed/page:4096/max:*/fragsz:-/align:1/depth:256/distribution:imix")
        #expect(charts[0].svg.contains(">mixed/page:4096/max:*/fragsz:-/align:1/depth:256/distribution:imix (QUICK run)</text>"))
        #expect(charts[1].title.hasSuffix("cross-thread/page:4096/max:*/fragsz:2048/align:1/count:200000/pop_cpu:any/prepare:0/push_cpu:any"))
        #expect(!charts[0].svg.contains(">95% interval</text>"), "no interval recorded, no bars")
    }
}
