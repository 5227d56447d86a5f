import Testing
@testable import BenchReport

@Suite struct FlameGraphTests {
    static let stacks: [String: UInt64] = ["main;loop;alloc": 600, "main;loop;free": 300, "main;loop;alloc;refill": 100]

    /// A box's width from its `<rect>`, by the name in its `<title>`.
    func width(_ svg: String, _ name: String) -> Double? {
        guard let line = svg.split(separator: "\n").first(where: { $0.hasPrefix("<g><title>\(name) (") }),
              let r = line.range(of: "width=\"") else { return nil }
        return Double(line[r.upperBound...].prefix { $0 != "\"" })
    }

    @Test func boxesAreAsWideAsTheirStacksCost() throws {
        let svg = FlameGraph(title: "t", unit: "instructions", stacks: Self.stacks).svg()
        let all = try #require(width(svg, "all"))
        #expect(abs(all - (FlameGraph.width - 2 * FlameGraph.margin)) < 0.01)
        // alloc holds its own 600 and refill's 100: 70% of the whole.
        #expect(abs(try #require(width(svg, "alloc")) - all * 0.7) < 0.01)
        #expect(abs(try #require(width(svg, "free")) - all * 0.3) < 0.01)
        #expect(svg.contains("<title>refill (100 instructions, 10.00%)</title>"))
    }

    @Test func theSlowPathIsDrawnInItsOwnColourWithWhatItCalls() {
        let svg = FlameGraph(title: "t", unit: "instructions", stacks: ["a;refill;buddy": 5, "a;fast": 5],
                             isSlow: { $0 == "refill" }).svg()
        #expect(svg.contains("fill=\"\(FlameGraph.colour("refill", slow: true))\""))
        #expect(svg.contains("fill=\"\(FlameGraph.colour("buddy", slow: true))\""))
        #expect(svg.contains("fill=\"\(FlameGraph.colour("fast", slow: false))\""))
    }

    @Test func sameStacksSamePicture() {
        let a = FlameGraph(title: "t", unit: "samples", stacks: Self.stacks).svg()
        let b = FlameGraph(title: "t", unit: "samples", stacks: Dictionary(uniqueKeysWithValues: Self.stacks.reversed())).svg()
        #expect(a == b)
    }

    @Test func noStacksIsAnEmptyGraphNotACrash() {
        let svg = FlameGraph(title: "t", unit: "samples", stacks: [:]).svg()
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
    }
}
