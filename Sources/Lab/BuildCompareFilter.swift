import Foundation
import Workloads

/// `make compare`'s FILTER, VARIANT, ALIGN and API as one point-name regex (the names of
/// `fragbench list`): each is a lookahead, so a point must match all of them. The timed points
/// and the exact gate's are narrowed by the same regex.
package struct BuildCompareFilter: Equatable, Sendable {
    package var filter: String?
    package var variants: [String] = []
    package var aligns: [String] = []
    package var apis: [String] = []

    package init(filter: String? = nil, variants: [String] = [], aligns: [String] = [], apis: [String] = []) {
        self.filter = filter
        self.variants = variants
        self.aligns = aligns
        self.apis = apis
    }

    /// The words each list may hold: the layouts and kernel versions, the powers of two up to
    /// 64 KiB, the APIs.
    package static let knownVariants = LayoutVariant.allCases.map(\.rawValue)
    package static let knownAligns = (0...16).map { String(1 << $0) }
    package static let knownAPIs = FragAPI.allCases.map(\.rawValue)

    /// A comma-separated list checked against `known`; the error names the list and the word.
    package static func list(_ name: String, _ text: String, known: [String], knownText: String) throws(ValidationFailure) -> [String] {
        let words = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        for word in words where !known.contains(word) {
            throw ValidationFailure("\(name) '\(text)': '\(word)' is not one of \(knownText)")
        }
        return words
    }

    /// The regex, nil when nothing narrows the points.
    package var regex: String? {
        var out = ""
        if !variants.isEmpty {
            let others = variants.filter { $0 != "remaining" }
            let bracket = others.isEmpty ? "" : #"\[(?:"# + Self.alternatives(others) + #")\]"#
            if others.count != variants.count {
                // remaining: the names without a [variant]
                out += "(?=[a-z-]+(?:/" + (bracket.isEmpty ? "" : "|" + bracket + "/") + "))"
            } else {
                out += "(?=[a-z-]+" + bracket + "/)"
            }
        }
        if !aligns.isEmpty { out += "(?=.*/align:(?:" + Self.alternatives(aligns) + ")(?:/|$))" }
        if !apis.isEmpty {
            let others = apis.filter { $0 != "kernel" }
            let api = others.isEmpty ? "" : "(?=.*/api:(?:" + Self.alternatives(others) + ")(?:/|$))"
            if others.count != apis.count {
                // kernel: the names without an api: part
                out += "(?:(?!.*/api:)" + (api.isEmpty ? "" : "|" + api) + ")"
            } else {
                out += api
            }
        }
        if let filter, !filter.isEmpty { out += "(?=.*?(?:" + filter + "))" }
        return out.isEmpty ? nil : "^" + out
    }

    /// Words as regex alternatives, dots escaped.
    static func alternatives(_ words: [String]) -> String {
        words.map { $0.replacingOccurrences(of: ".", with: #"\."#) }.joined(separator: "|")
    }
}
