import Testing
@testable import BenchReport

@Suite struct ChartTests {
    /// Marker centres (x, y) of the plot, in drawing order: circles by cx/cy, squares by
    /// x/y + 5 (their half size); the legend's markers (right of the plot) left out.
    func centres(_ svg: String) -> [(Double, Double)] {
        func value(_ line: Substring, _ key: String) -> Double? {
            guard let r = line.range(of: " \(key)=\"") else { return nil }
            return Double(line[r.upperBound...].prefix { $0 != "\"" })
        }
        return svg.split(separator: "\n").compactMap { line -> (Double, Double)? in
            if line.hasPrefix("<circle"), let x = value(line, "cx"), let y = value(line, "cy") { return (x, y) }
            if line.hasPrefix("<rect"), line.contains("stroke=\"#ffffff\""), let x = value(line, "x"), let y = value(line, "y") { return (x + 5, y + 5) }
            return nil
        }.filter { $0.0 < Chart.plotRight }
    }

    @Test func aSeriesThatCoincidesWithAnotherStaysVisible() {
        let points = [Chart.Point(x: 64, y: 10), Chart.Point(x: 2048, y: 20)]
        let chart = Chart(title: "t", x: Chart.Axis(title: "x", scale: .log2), y: Chart.Axis(title: "y"),
                          series: [Chart.Series(name: "a", points: points), Chart.Series(name: "b", points: points)])
        let svg = chart.svg()
        let markers = centres(svg)
        #expect(markers.count == 4)
        // Every marker is clear of every other: the second series is set beside the first.
        for (i, a) in markers.enumerated() {
            for b in markers[(i + 1)...] {
                #expect(abs(a.0 - b.0) >= 8 || abs(a.1 - b.1) >= 8, "markers at \(a) and \(b) overlap")
            }
        }
        #expect(svg.contains("Markers that would coincide are set side by side."))
    }

    @Test func distinctPointsAreNotMoved() {
        let chart = Chart(title: "t", x: Chart.Axis(title: "x"), y: Chart.Axis(title: "y"),
                          series: [Chart.Series(name: "a", points: [Chart.Point(x: 1, y: 1)]),
                                   Chart.Series(name: "b", points: [Chart.Point(x: 2, y: 5)])])
        #expect(!chart.svg().contains("side by side"))
    }

    @Test func flaggedPointsAreHollowAndExplained() {
        let chart = Chart(title: "t", x: Chart.Axis(title: "x"), y: Chart.Axis(title: "y"),
                          series: [Chart.Series(name: "a", points: [Chart.Point(x: 1, y: 1), Chart.Point(x: 2, y: 2, flagged: true)])],
                          flaggedLegend: "unstable")
        let svg = chart.svg()
        #expect(svg.contains("fill=\"#ffffff\" stroke=\"\(Chart.palette[0])\" stroke-width=\"2\""))
        #expect(svg.contains(">unstable</text>"))
    }

    @Test func unconnectedSeriesHaveNoLine() {
        let points = [Chart.Point(x: 3, y: 1), Chart.Point(x: 1, y: 5), Chart.Point(x: 2, y: 2)]
        let joined = Chart(title: "t", x: Chart.Axis(title: "x"), y: Chart.Axis(title: "y"),
                           series: [Chart.Series(name: "a", points: points)]).svg()
        let loose = Chart(title: "t", x: Chart.Axis(title: "x"), y: Chart.Axis(title: "y"),
                          series: [Chart.Series(name: "a", points: points, connect: false)]).svg()
        #expect(joined.contains("stroke-width=\"2\" fill=\"none\""))
        #expect(!loose.contains("stroke-width=\"2\" fill=\"none\""))
    }
}
