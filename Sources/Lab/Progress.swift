#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Progress on stderr: a redrawn bar with an ETA on a terminal, one plain line per point
/// otherwise (CI logs, pipes).
package struct Progress {
    package let total: Int
    package let isTerminal = isatty(2) != 0
    package let start = Date()
    package var done = 0

    package init(total: Int) { self.total = total }

    package mutating func finished(_ label: String, summary: String) {
        done += 1
        let elapsed = Date().timeIntervalSince(start)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        if isTerminal {
            let width = 24
            let filled = total > 0 ? width * done / total : width
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            StandardStreams.err("\r\u{1B}[K[\(bar)] \(done)/\(total) ETA \(Self.duration(eta))  \(label): \(summary)")
            if done == total { StandardStreams.err("\n") }
        } else {
            StandardStreams.err("[\(done)/\(total)] \(label): \(summary) (elapsed \(Self.duration(elapsed)), ETA \(Self.duration(eta)))\n")
        }
    }

    package static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}
