import Testing
@testable import BenchReport

@Suite struct ChartTests {
    /// The cx of every circle marker drawn with `colour` (white-stroked = filled markers).
    func markerXs(_ svg: String, colour: String) -> [String] {
        svg.split(separator: "\n").filter { $0.hasPrefix("<circle") && $0.contains("fill=\"\(colour)\"") }
            .compactMap { line in line.split(separator: " ").first { $0.hasPrefix("cx=") }.map(String.init) }
    }

    @Test func aSeriesThatCoincidesWithAnotherStaysVisible() {
        let points = [Chart.Point(x: 64, y: 10), Chart.Point(x: 2048, y: 20)]
        let chart = Chart(title: "t", x: Chart.Axis(title: "x", scale: .log2), y: Chart.Axis(title: "y"),
                          series: [Chart.Series(name: "a", points: points), Chart.Series(name: "b", points: points)])
        let svg = chart.svg()
        // Both series are circles at first (palette order), so compare by colour.
        let a = markerXs(svg, colour: Chart.palette[0])
        #expect(a.count == 3, "two markers and the legend's")
        let squares = svg.split(separator: "\n").filter { $0.hasPrefix("<rect") && $0.contains("fill=\"\(Chart.palette[1])\"") }
        #expect(squares.count == 3)
        // The second series' markers are set beside the first's, not on top of them.
        let firstX = a.first!
        #expect(!squares.contains { $0.contains("x=\"\(Double(firstX.dropFirst(4).dropLast())! - 5)") })
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
