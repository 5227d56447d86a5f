import Foundation

/// A small SVG chart writer: line charts (one line per series) and labelled scatter charts,
/// with axes, ticks, units, a title and a legend, so a chart reads without its table.
/// Output is deterministic (fixed number formatting, no dates, no random ids): golden-tested.
public struct Chart: Sendable, Equatable {
    public enum Scale: Sendable, Equatable {
        case linear
        /// Ticks at powers of two (fragment sizes, memory).
        case log2
    }

    /// How tick values print.
    public enum Units: Sendable, Equatable {
        case number
        /// Binary byte units: 64 B, 2 KiB, 1 MiB.
        case bytes
    }

    public struct Axis: Sendable, Equatable {
        public var title: String
        public var scale: Scale
        public var units: Units
        /// Linear axes start at zero unless told otherwise (a ratio of bar heights means
        /// something only from zero).
        public var includeZero: Bool

        public init(title: String, scale: Scale = .linear, units: Units = .number, includeZero: Bool = true) {
            self.title = title
            self.scale = scale
            self.units = units
            self.includeZero = includeZero
        }
    }

    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double
        /// An interval around y (error bar), if known.
        public var yLow: Double?
        public var yHigh: Double?
        /// Text beside the marker (scatter charts).
        public var label: String?
        /// Drawn with a ring (e.g. the recommended setting).
        public var highlight: Bool
        /// Drawn hollow (e.g. an unstable measurement).
        public var flagged: Bool

        public init(x: Double, y: Double, yLow: Double? = nil, yHigh: Double? = nil, label: String? = nil,
                    highlight: Bool = false, flagged: Bool = false) {
            self.x = x
            self.y = y
            self.yLow = yLow
            self.yHigh = yHigh
            self.label = label
            self.highlight = highlight
            self.flagged = flagged
        }
    }

    public struct Series: Sendable, Equatable {
        public var name: String
        public var points: [Point]
        /// Join the points with a line, in x order.
        public var connect: Bool
        /// Colour, and marker-and-dash, by index into the palettes (default: the series'
        /// position), so a chart of subjects x sizes can give a subject one colour and a size
        /// one pattern instead of running through the palette twice.
        public var colour: Int?
        public var pattern: Int?

        public init(name: String, points: [Point], connect: Bool = true, colour: Int? = nil, pattern: Int? = nil) {
            self.name = name
            self.points = points
            self.connect = connect
            self.colour = colour
            self.pattern = pattern
        }
    }

    public var title: String
    public var subtitle: String?
    public var x: Axis
    public var y: Axis
    public var series: [Series]
    /// Legend text for highlighted points, if any are highlighted.
    public var highlightLegend: String?
    /// Legend text for flagged (hollow) points, if any are flagged.
    public var flaggedLegend: String?
    /// A line under the plot (e.g. the objective or where the data came from).
    public var footnote: String?

    public init(title: String, subtitle: String? = nil, x: Axis, y: Axis, series: [Series],
                highlightLegend: String? = nil, flaggedLegend: String? = nil, footnote: String? = nil) {
        self.flaggedLegend = flaggedLegend
        self.title = title
        self.subtitle = subtitle
        self.x = x
        self.y = y
        self.series = series
        self.highlightLegend = highlightLegend
        self.footnote = footnote
    }

    // MARK: Layout

    static let width = 760.0
    static let height = 460.0
    static let plotLeft = 80.0
    static let plotTop = 70.0
    static let plotRight = 560.0
    static let plotBottom = 380.0
    /// Space between the frame and the outermost ticks, so markers at the ends are whole.
    static let inset = 14.0

    struct Box {
        var x, y, w, h: Double
        /// What overlapping it costs: another label or a marker far more than a stretch of line.
        var weight = 1
        func overlaps(_ o: Box) -> Bool { x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h }
    }

    /// Okabe & Ito's colour-blind-safe palette (yellow left out: unreadable on white), with a
    /// marker shape and dash pattern per series so the lines differ without colour too.
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
    static let markers = ["circle", "square", "triangle", "diamond", "cross", "triangle-down", "plus"]
    static let dashes = ["", "6,3", "2,3", "8,3,2,3", "4,4", "1,2", "10,4"]

    public func svg() -> String {
        let all = series.flatMap(\.points)
        let xs = all.map(\.x)
        let ys = all.flatMap { [$0.y, $0.yLow ?? $0.y, $0.yHigh ?? $0.y] }
        // A log axis over less than a factor of 4 would squeeze every point into one corner:
        // such data get a linear axis instead.
        let x = Self.effective(self.x, values: xs)
        let y = Self.effective(self.y, values: ys)
        let xr = Self.range(xs, axis: x)
        let yr = Self.range(ys, axis: y)
        let xTicks = Self.ticks(xr, axis: x)
        let yTicks = Self.ticks(yr, axis: y)
        func px(_ v: Double) -> Double { Self.position(v, range: xr, scale: x.scale, from: Self.plotLeft + Self.inset, to: Self.plotRight - Self.inset) }
        func py(_ v: Double) -> Double { Self.position(v, range: yr, scale: y.scale, from: Self.plotBottom, to: Self.plotTop + Self.inset) }

        var out = Self.opening(width: Self.width, height: Self.height, title: title, subtitle: subtitle)
        // Grid and ticks.
        out += "<g stroke=\"#dddddd\" stroke-width=\"1\">\n"
        for t in xTicks { out += "<line x1=\"\(Self.f(px(t)))\" y1=\"\(Self.f(Self.plotTop))\" x2=\"\(Self.f(px(t)))\" y2=\"\(Self.f(Self.plotBottom))\"/>\n" }
        for t in yTicks { out += "<line x1=\"\(Self.f(Self.plotLeft))\" y1=\"\(Self.f(py(t)))\" x2=\"\(Self.f(Self.plotRight))\" y2=\"\(Self.f(py(t)))\"/>\n" }
        out += "</g>\n"
        out += "<rect x=\"\(Self.f(Self.plotLeft))\" y=\"\(Self.f(Self.plotTop))\" width=\"\(Self.f(Self.plotRight - Self.plotLeft))\" height=\"\(Self.f(Self.plotBottom - Self.plotTop))\" fill=\"none\" stroke=\"#333333\"/>\n"
        out += "<g fill=\"#222222\">\n"
        for t in xTicks {
            out += "<text x=\"\(Self.f(px(t)))\" y=\"\(Self.f(Self.plotBottom + 18))\" text-anchor=\"middle\">\(Self.escape(Self.label(t, ticks: xTicks, axis: x)))</text>\n"
        }
        for t in yTicks {
            out += "<text x=\"\(Self.f(Self.plotLeft - 8))\" y=\"\(Self.f(py(t) + 4))\" text-anchor=\"end\">\(Self.escape(Self.label(t, ticks: yTicks, axis: y)))</text>\n"
        }
        out += "</g>\n"
        out += "<text x=\"\(Self.f((Self.plotLeft + Self.plotRight) / 2))\" y=\"\(Self.f(Self.plotBottom + 42))\" text-anchor=\"middle\" font-size=\"13\">\(Self.escape(x.title))</text>\n"
        let yMid = (Self.plotTop + Self.plotBottom) / 2
        out += "<text x=\"22\" y=\"\(Self.f(yMid))\" text-anchor=\"middle\" font-size=\"13\" transform=\"rotate(-90 22 \(Self.f(yMid)))\">\(Self.escape(y.title))</text>\n"

        // Markers that would land on an earlier series' marker are set side by side (a series
        // that coincides with another stays visible); lines and error bars follow them.
        let ordered = series.map { $0.connect ? $0.points.sorted { $0.x < $1.x } : $0.points }
        var placed: [(Double, Double)] = []
        var shift: [[Double]] = []
        for pts in ordered {
            var mine: [Double] = []
            for p in pts {
                let (cx, cy) = (px(p.x), py(p.y))
                var dx = 0.0
                while dx < 40 && placed.contains(where: { abs($0.0 - (cx + dx)) < 8 && abs($0.1 - cy) < 8 }) { dx += 9 }
                mine.append(dx)
            }
            for (p, dx) in zip(pts, mine) { placed.append((px(p.x) + dx, py(p.y))) }
            shift.append(mine)
        }
        let dodged = shift.contains { $0.contains { $0 != 0 } }

        // Series: error bars, line, markers; labels last, on top, placed clear of the others.
        var obstacles: [Box] = []
        var labels: [(x: Double, y: Double, text: String, colour: String, w: Double)] = []
        for (i, s) in series.enumerated() {
            let pts = ordered[i]
            for (j, p) in pts.enumerated() { obstacles.append(Box(x: px(p.x) + shift[i][j] - 7, y: py(p.y) - 7, w: 14, h: 14, weight: 50)) }
            if s.connect {
                for (j, (p, q)) in zip(pts, pts.dropFirst()).enumerated() {
                    let (x0, y0, x1, y1) = (px(p.x) + shift[i][j], py(p.y), px(q.x) + shift[i][j + 1], py(q.y))
                    let steps = max(1, Int(((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)).squareRoot() / 4))
                    for k in 0 ... steps {
                        let t = Double(k) / Double(steps)
                        obstacles.append(Box(x: x0 + (x1 - x0) * t - 1.5, y: y0 + (y1 - y0) * t - 1.5, w: 3, h: 3))
                    }
                }
            }
        }
        for (i, s) in series.enumerated() {
            let colour = Self.palette[(s.colour ?? i) % Self.palette.count]
            let marker = Self.markers[(s.pattern ?? i) % Self.markers.count]
            let dash = Self.dashes[(s.pattern ?? i) % Self.dashes.count]
            let pts = ordered[i]
            out += "<g>\n"
            for (j, p) in pts.enumerated() {
                guard let lo = p.yLow, let hi = p.yHigh else { continue }
                let cx = px(p.x) + shift[i][j]
                out += "<path d=\"M\(Self.f(cx)) \(Self.f(py(lo)))V\(Self.f(py(hi)))M\(Self.f(cx - 4)) \(Self.f(py(lo)))H\(Self.f(cx + 4))M\(Self.f(cx - 4)) \(Self.f(py(hi)))H\(Self.f(cx + 4))\" stroke=\"\(colour)\" stroke-width=\"1.2\" fill=\"none\"/>\n"
            }
            if s.connect && pts.count > 1 {
                let d = pts.enumerated().map { j, p in (j == 0 ? "M" : "L") + "\(Self.f(px(p.x) + shift[i][j])) \(Self.f(py(p.y)))" }.joined()
                out += "<path d=\"\(d)\" stroke=\"\(colour)\" stroke-width=\"2\" fill=\"none\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>\n"
            }
            for (j, p) in pts.enumerated() {
                let cx = px(p.x) + shift[i][j], cy = py(p.y)
                if p.highlight {
                    out += "<circle cx=\"\(Self.f(cx))\" cy=\"\(Self.f(cy))\" r=\"10\" fill=\"none\" stroke=\"#000000\" stroke-width=\"2\"/>\n"
                }
                out += Self.marker(marker, x: cx, y: cy, colour: colour, hollow: p.flagged) + "\n"
                if let label = p.label {
                    let w = Double(label.count) * 6.8
                    // Candidate spots around the marker; the first that overlaps least wins.
                    // Beside the marker first, then fanning out further (with a leader line).
                    var candidates: [(Double, Double)] = []
                    for r in 0 ..< 6 {
                        let d = Double(r) * 13
                        candidates += [(cx + 9 + d / 2, cy - 9 - d), (cx + 9 + d / 2, cy + 17 + d), (cx - 9 - w - d / 2, cy - 9 - d),
                                       (cx - 9 - w - d / 2, cy + 17 + d)]
                    }
                    var best = candidates[0], bestScore = Int.max
                    for (k, (lx, ly)) in candidates.enumerated() {
                        let box = Box(x: lx, y: ly - 10, w: w, h: 12)
                        var score = obstacles.filter { $0.overlaps(box) }.reduce(0) { $0 + $1.weight } + k / 4 * 3
                        if lx < Self.plotLeft + 2 || lx + w > Self.plotRight - 2 || ly - 10 < Self.plotTop + 2 || ly > Self.plotBottom - 2 {
                            score += 1000
                        }
                        if score < bestScore { best = (lx, ly); bestScore = score }
                    }
                    obstacles.append(Box(x: best.0, y: best.1 - 10, w: w, h: 12, weight: 100))
                    labels.append((best.0, best.1, label, colour, w))
                    if best != candidates[0] {
                        // A leader from the marker to the label's nearest point says whose label it is.
                        let nx = min(max(cx, best.0), best.0 + w), ny = min(max(cy, best.1 - 10), best.1 + 2)
                        let d = ((nx - cx) * (nx - cx) + (ny - cy) * (ny - cy)).squareRoot()
                        if d > 8 {
                            let sx = cx + (nx - cx) * 6 / d, sy = cy + (ny - cy) * 6 / d
                            out += "<line x1=\"\(Self.f(sx))\" y1=\"\(Self.f(sy))\" x2=\"\(Self.f(nx))\" y2=\"\(Self.f(ny))\" stroke=\"\(colour)\" stroke-width=\"0.8\"/>\n"
                        }
                    }
                }
            }
            out += "</g>\n"
        }
        if !labels.isEmpty {
            out += "<g font-size=\"11\">\n"
            for l in labels {
                // A white halo keeps a label legible where it must cross a line.
                out += "<text x=\"\(Self.f(l.x))\" y=\"\(Self.f(l.y))\" fill=\"\(l.colour)\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">\(Self.escape(l.text))</text>\n"
            }
            out += "</g>\n"
        }

        // Legend, right of the plot.
        var ly = Self.plotTop + 8
        let lx = Self.plotRight + 20
        out += "<g>\n"
        for (i, s) in series.enumerated() {
            let colour = Self.palette[(s.colour ?? i) % Self.palette.count]
            let dash = Self.dashes[(s.pattern ?? i) % Self.dashes.count]
            if s.connect {
                out += "<line x1=\"\(Self.f(lx))\" y1=\"\(Self.f(ly))\" x2=\"\(Self.f(lx + 28))\" y2=\"\(Self.f(ly))\" stroke=\"\(colour)\" stroke-width=\"2\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>\n"
            }
            out += Self.marker(Self.markers[(s.pattern ?? i) % Self.markers.count], x: lx + 14, y: ly, colour: colour) + "\n"
            out += "<text x=\"\(Self.f(lx + 36))\" y=\"\(Self.f(ly + 4))\">\(Self.escape(s.name))</text>\n"
            ly += 22
        }
        if let highlightLegend, all.contains(where: \.highlight) {
            out += "<circle cx=\"\(Self.f(lx + 14))\" cy=\"\(Self.f(ly))\" r=\"10\" fill=\"none\" stroke=\"#000000\" stroke-width=\"2\"/>\n"
            out += "<text x=\"\(Self.f(lx + 36))\" y=\"\(Self.f(ly + 4))\">\(Self.escape(highlightLegend))</text>\n"
            ly += 22
        }
        if let flaggedLegend, all.contains(where: \.flagged) {
            out += Self.marker("circle", x: lx + 14, y: ly, colour: "#333333", hollow: true) + "\n"
            out += "<text x=\"\(Self.f(lx + 36))\" y=\"\(Self.f(ly + 4))\">\(Self.escape(flaggedLegend))</text>\n"
            ly += 22
        }
        if all.contains(where: { $0.yLow != nil }) {
            out += "<path d=\"M\(Self.f(lx + 14)) \(Self.f(ly - 7))V\(Self.f(ly + 7))M\(Self.f(lx + 10)) \(Self.f(ly - 7))H\(Self.f(lx + 18))M\(Self.f(lx + 10)) \(Self.f(ly + 7))H\(Self.f(lx + 18))\" stroke=\"#333333\" stroke-width=\"1.2\" fill=\"none\"/>\n"
            out += "<text x=\"\(Self.f(lx + 36))\" y=\"\(Self.f(ly + 4))\">95% interval</text>\n"
        }
        out += "</g>\n"
        let notes = [footnote, dodged ? "Markers that would coincide are set side by side." : nil].compactMap { $0 }
        // One line per note, the last at the bottom, so neither runs off the chart.
        for (i, note) in notes.enumerated() {
            let y = Self.height - 14 - Double(notes.count - 1 - i) * 14
            out += "<text x=\"\(Self.f(Self.plotLeft))\" y=\"\(Self.f(y))\" font-size=\"11\" fill=\"#444444\">\(Self.escape(note))</text>\n"
        }
        out += "</svg>\n"
        return out
    }

    // MARK: Scales and ticks

    /// The data range, widened to whole powers of two (log2) or to zero and a little headroom
    /// (linear). A single value gets a range around it.
    static func range(_ values: [Double], axis: Axis) -> (Double, Double) {
        switch axis.scale {
        case .log2:
            let positive = values.filter { $0 > 0 && $0.isFinite }
            guard let lo = positive.min(), let hi = positive.max() else { return (1, 2) }
            let a = Foundation.pow(2, Foundation.floor(Foundation.log2(lo)))
            var b = Foundation.pow(2, Foundation.ceil(Foundation.log2(hi)))
            if b <= a { b = a * 2 }
            return (a, b)
        case .linear:
            let finite = values.filter(\.isFinite)
            guard var lo = finite.min(), var hi = finite.max() else { return (0, 1) }
            if axis.includeZero { lo = min(lo, 0); hi = max(hi, 0) }
            if hi == lo { hi = lo + (lo == 0 ? 1 : abs(lo) * 0.1); if !axis.includeZero { lo -= (hi - lo) } }
            let step = step((hi - lo) / 5, units: axis.units)
            var top = Foundation.ceil(hi / step) * step
            var bottom = axis.includeZero && lo >= 0 ? 0 : Foundation.floor(lo / step) * step
            if !axis.includeZero {
                // Room around the outermost points.
                if top - hi < step * 0.25 { top += step }
                if lo - bottom < step * 0.25 && bottom - step >= 0 { bottom -= step }
            }
            return (bottom, top)
        }
    }

    static func effective(_ axis: Axis, values: [Double]) -> Axis {
        var axis = axis
        if axis.scale == .log2 {
            let positive = values.filter { $0 > 0 && $0.isFinite }
            if let lo = positive.min(), let hi = positive.max(), hi / lo < 4 {
                axis.scale = .linear
                axis.includeZero = false
            } else {
                axis.title += " (log scale)"
            }
        }
        return axis
    }

    /// Tick spacing: 1, 2, 2.5 or 5 times a power of ten; for byte axes a power of two.
    static func step(_ raw: Double, units: Units) -> Double {
        guard units == .bytes, raw > 0, raw.isFinite else { return niceStep(raw) }
        return Foundation.pow(2, Foundation.ceil(Foundation.log2(raw)))
    }

    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
        let n = raw / magnitude
        let nice: Double = n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10
        return nice * magnitude
    }

    static func ticks(_ range: (Double, Double), axis: Axis) -> [Double] {
        switch axis.scale {
        case .log2:
            let a = Int(Foundation.log2(range.0).rounded()), b = Int(Foundation.log2(range.1).rounded())
            let stride = max(1, (b - a + 7) / 8)
            return Swift.stride(from: a, through: b, by: stride).map { Foundation.pow(2, Double($0)) }
        case .linear:
            let step = step((range.1 - range.0) / 5, units: axis.units)
            var ticks: [Double] = []
            var v = range.0
            while v <= range.1 + step * 1e-9 {
                ticks.append(abs(v) < step * 1e-9 ? 0 : v)
                v += step
            }
            return ticks
        }
    }

    static func position(_ v: Double, range: (Double, Double), scale: Scale, from: Double, to: Double) -> Double {
        let t: Double
        switch scale {
        case .log2:
            t = (Foundation.log2(max(v, range.0)) - Foundation.log2(range.0)) / (Foundation.log2(range.1) - Foundation.log2(range.0))
        case .linear:
            t = (v - range.0) / (range.1 - range.0)
        }
        return from + (to - from) * t
    }

    /// A tick's text. On a linear byte axis every tick is in the unit the step fits (1056 KiB,
    /// 1088 KiB, not 1.0 MiB, 1.1 MiB twice).
    static func label(_ v: Double, ticks: [Double], axis: Axis) -> String {
        guard axis.units == .bytes, axis.scale == .linear, ticks.count >= 2 else { return label(v, units: axis.units) }
        let step = ticks[1] - ticks[0]
        let units: [(String, Double)] = [("GiB", 1_073_741_824), ("MiB", 1_048_576), ("KiB", 1024)]
        for (name, size) in units where step >= size {
            let value = v / size
            return (value == value.rounded() ? String(Int(value)) : NumberFormat.fixed(value, 1)) + " " + name
        }
        return "\(Int(v.rounded())) B"
    }

    static func label(_ v: Double, units: Units) -> String {
        switch units {
        case .bytes: return NumberFormat.bytes(Int(v.rounded()))
        case .number:
            if v == v.rounded() && abs(v) < 1e9 { return String(Int(v)) }
            return NumberFormat.significant(v)
        }
    }

    static func marker(_ shape: String, x: Double, y: Double, colour: String, hollow: Bool = false) -> String {
        let s = 5.0
        let style = hollow ? "fill=\"#ffffff\" stroke=\"\(colour)\" stroke-width=\"2\""
            : "fill=\"\(colour)\" stroke=\"#ffffff\" stroke-width=\"1\""
        switch shape {
        case "square":
            return "<rect x=\"\(f(x - s))\" y=\"\(f(y - s))\" width=\"\(f(2 * s))\" height=\"\(f(2 * s))\" \(style)/>"
        case "triangle":
            return "<path d=\"M\(f(x)) \(f(y - s - 1))L\(f(x + s + 1)) \(f(y + s))L\(f(x - s - 1)) \(f(y + s))Z\" \(style)/>"
        case "triangle-down":
            return "<path d=\"M\(f(x)) \(f(y + s + 1))L\(f(x + s + 1)) \(f(y - s))L\(f(x - s - 1)) \(f(y - s))Z\" \(style)/>"
        case "diamond":
            return "<path d=\"M\(f(x)) \(f(y - s - 1))L\(f(x + s + 1)) \(f(y))L\(f(x)) \(f(y + s + 1))L\(f(x - s - 1)) \(f(y))Z\" \(style)/>"
        case "cross":
            return "<path d=\"M\(f(x - s)) \(f(y - s))L\(f(x + s)) \(f(y + s))M\(f(x - s)) \(f(y + s))L\(f(x + s)) \(f(y - s))\" stroke=\"\(colour)\" stroke-width=\"2.5\" fill=\"none\"/>"
        case "plus":
            return "<path d=\"M\(f(x - s)) \(f(y))H\(f(x + s))M\(f(x)) \(f(y - s))V\(f(y + s))\" stroke=\"\(colour)\" stroke-width=\"2.5\" fill=\"none\"/>"
        default:
            return "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"\(f(s))\" \(style)/>"
        }
    }

    /// An SVG's opening: the root element, its title, a white page, the title and subtitle
    /// centred at the top (shared with `FlameGraph`).
    static func opening(width: Double, height: Double, title: String, subtitle: String?) -> String {
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width))" height="\(f(height))" viewBox="0 0 \(f(width)) \(f(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">

            """
        out += "<title>\(escape(title))</title>\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"#ffffff\"/>\n"
        out += "<text x=\"\(f(width / 2))\" y=\"26\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">\(escape(title))</text>\n"
        if let subtitle {
            out += "<text x=\"\(f(width / 2))\" y=\"46\" text-anchor=\"middle\" fill=\"#444444\">\(escape(subtitle))</text>\n"
        }
        return out
    }

    static func f(_ v: Double) -> String {
        let s = NumberFormat.fixed(v, 1)
        return s.hasSuffix(".0") ? String(s.dropLast(2)) : s
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
