import Foundation

/// A flame graph (Brendan Gregg's layout) as SVG, from folded stacks: "outer;…;inner" → cost.
/// Each frame is a box as wide as the cost of the stacks through it, callers below callees;
/// siblings in name order (not time order: a flame graph's x axis is not time), so the output
/// is deterministic and two profiles of one build draw the same picture. Hovering a box shows
/// its name, cost and share (the SVG `<title>`).
public struct FlameGraph: Sendable {
    public var title: String
    public var subtitle: String?
    /// What one unit of cost is: "instructions", "samples".
    public var unit: String
    public var stacks: [String: UInt64]
    /// Frames drawn in the slow-path colour (blue) instead of the warm one, with everything
    /// above them: what `isSlow` says of a frame's name.
    public var isSlow: @Sendable (String) -> Bool

    public init(title: String, subtitle: String? = nil, unit: String, stacks: [String: UInt64],
                isSlow: @escaping @Sendable (String) -> Bool = { _ in false }) {
        self.title = title
        self.subtitle = subtitle
        self.unit = unit
        self.stacks = stacks
        self.isSlow = isSlow
    }

    final class Node {
        var value: UInt64 = 0
        var children: [String: Node] = [:]
    }

    static let width = 1200.0
    static let frameHeight = 17.0
    static let margin = 10.0
    static let top = 60.0
    /// Boxes narrower than this are not drawn (their cost is in their parent's width).
    static let minimumWidth = 0.3

    public func svg() -> String {
        let root = Node()
        for (stack, cost) in stacks where cost > 0 {
            root.value += cost
            var node = root
            for frame in stack.split(separator: ";") {
                let name = String(frame)
                let child = node.children[name] ?? Node()
                node.children[name] = child
                child.value += cost
                node = child
            }
        }
        func depth(_ n: Node) -> Int { 1 + (n.children.values.map(depth).max() ?? 0) }
        let levels = depth(root)
        let height = Self.top + Double(levels) * Self.frameHeight + 40
        let scale = root.value > 0 ? (Self.width - 2 * Self.margin) / Double(root.value) : 0
        // Frames in a monospace face, so a label's width in characters is its width on screen.
        var out = Chart.opening(width: Self.width, height: height, title: title, subtitle: subtitle)
        out += "<g font-family=\"DejaVu Sans Mono, monospace\" font-size=\"11\">\n"
        let total = max(root.value, 1)
        func box(_ name: String, _ node: Node, x: Double, level: Int, slow: Bool) {
            let w = Double(node.value) * scale
            guard w >= Self.minimumWidth else { return }
            let y = height - 30 - Double(level + 1) * Self.frameHeight
            let share = NumberFormat.fixed(Double(node.value) / Double(total) * 100, 2)
            out += "<g><title>\(Chart.escape(name)) (\(node.value) \(unit), \(share)%)</title>"
            out += "<rect x=\"\(Chart.f(x))\" y=\"\(Chart.f(y))\" width=\"\(NumberFormat.fixed(w, 2))\" height=\"\(Chart.f(Self.frameHeight - 1))\" fill=\"\(Self.colour(name, slow: slow))\" rx=\"2\"/>"
            let fits = Int((w - 6) / 6.6)
            if fits >= 3 {
                let label = name.count <= fits ? name : String(name.prefix(fits - 2)) + ".."
                out += "<text x=\"\(Chart.f(x + 3))\" y=\"\(Chart.f(y + 12))\">\(Chart.escape(label))</text>"
            }
            out += "</g>\n"
            var cx = x
            for key in node.children.keys.sorted() {
                let child = node.children[key]!
                box(key, child, x: cx, level: level + 1, slow: slow || isSlow(key))
                cx += Double(child.value) * scale
            }
        }
        box("all", root, x: Self.margin, level: 0, slow: false)
        out += "</g>\n"
        out += "<text x=\"\(Chart.f(Self.margin))\" y=\"\(Chart.f(height - 10))\" fill=\"#444444\">"
        out += Chart.escape("Width: share of \(root.value) \(unit); callers below callees; siblings in name order. Blue: the slow path (refill, page allocator).")
        out += "</text>\n</svg>\n"
        return out
    }

    /// Warm hues for the fast path, blue ones for the slow path; the shade comes from the name
    /// (FNV-1a), so a frame keeps its colour from one graph to the next.
    static func colour(_ name: String, slow: Bool) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in name.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        let v = Double(hash % 1000) / 1000
        let (r, g, b) = slow ? (80 + 60 * v, 130 + 60 * v, 230.0) : (230.0, 100 + 100 * v, 40 + 40 * v)
        return String(format: "#%02X%02X%02X", Int(r), Int(g), Int(b))
    }
}
