import Foundation
import Workloads

/// The line protocol between `fragbench pair` (the controller) and `fragbench worker` (one per
/// build). One request line, one reply line, so the controller decides the order of every
/// sample of both builds (blocks A A B B, B B A A) and a burst on the machine falls on both sides of a pair.
///
///     worker:  fragbench-worker 1 workloads=2          (on start: the protocol version, and
///                                                    which definition of the workloads it runs)
///     ->  point {"label": L, "args": [run options], "spec": PointSpec}
///                                                    set up the point `spec` describes (builds
///                                                    from before PointSpec ignore it and find
///                                                    the point named L among the run options')
///     <-  ready L  |  error TEXT
///     ->  calibrate GOAL_NS                            choose the op count for GOAL_NS samples
///     <-  ops N
///     ->  sample N                                     canary, then one timed batch of N ops
///     <-  sample NS_PER_OP CANARY_NS_PER_STEP
///     ->  end                                          tear the point down
///     <-  ok  |  error TEXT
///     ->  quit
package enum WorkerProtocol {
    package static let version = 1
    /// What the workloads measure, numbered: 2 since alloc-only and free-only hold at most
    /// 32768 fragments per timed batch (builds that do not say are 1); 3 since cross-thread
    /// wakes its consumer before the timed region and passes fragments by ptr_ring's protocol. Two builds with different
    /// numbers time different things on those workloads, which `pair` says.
    package static let workloadsRevision = 3
    /// `layout=1`: the worker draws its heap and stack layout from `HeapLayoutDraw.seedVariable`
    /// when it is given one (`pair` then starts both workers of a session with one draw).
    /// `codealign=64`: its build starts every function on a 64-byte boundary (Package.swift's
    /// `codeAlignment`, which also defines the condition below).
    package static var greeting: String {
        var words = "fragbench-worker \(version) workloads=\(workloadsRevision) \(seededLayoutWord)"
        #if FRAGBENCH_FUNCTIONS_ALIGNED_64
        words += " \(alignedCodeWord)"
        #endif
        return words
    }

    /// The greeting's words for what a build can do, written once for the greeting and its readers.
    static let seededLayoutWord = "layout=1"
    static let alignedCodeWord = "codealign=64"

    /// Whether a greeting says its worker draws its layout from a given seed (`layout=1`);
    /// builds from before it do not say so.
    package static func drawsLayoutFromSeed(_ greeting: String) -> Bool {
        says(seededLayoutWord, greeting)
    }

    /// Whether a greeting says its build starts every function on a 64-byte boundary
    /// (`codealign=64`); builds from before it do not say so, and do not.
    package static func alignsFunctions(_ greeting: String) -> Bool {
        says(alignedCodeWord, greeting)
    }

    private static func says(_ word: String, _ greeting: String) -> Bool {
        greeting.split(separator: " ").contains(Substring(word))
    }

    /// The protocol version and workloads revision of a greeting line, or nil when it is none.
    package static func parseGreeting(_ line: String) -> (version: Int, workloads: Int)? {
        let words = line.split(separator: " ")
        guard words.count >= 2, words[0] == "fragbench-worker", let version = Int(words[1]) else { return nil }
        var workloads = 1
        for word in words.dropFirst(2) where word.hasPrefix("workloads=") {
            guard let n = Int(word.dropFirst("workloads=".count)) else { return nil }
            workloads = n
        }
        return (version, workloads)
    }

    /// Which workloads changed definition between two revisions (empty when they agree).
    package static func changedWorkloads(_ a: Int, _ b: Int) -> [String] {
        var changed: [String] = []
        if min(a, b) < 2 && max(a, b) >= 2 { changed += ["alloc-only", "free-only"] }
        if min(a, b) < 3 && max(a, b) >= 3 { changed.append("cross-thread") }
        return changed
    }

    package struct PointRequest: Codable, Equatable {
        package var label: String
        /// Run options naming the point, for builds that predate `spec` (empty when the
        /// receiver is this build).
        package var args: [String]
        package var spec: PointSpec?

        package init(label: String, args: [String] = [], spec: PointSpec? = nil) {
            self.label = label
            self.args = args
            self.spec = spec
        }

        /// A point for this build and for older ones: its description, and run options.
        package init(_ point: WorkloadParameters, args: [String]) {
            self.init(label: PointLabel.text(point), args: args, spec: PointSpec(point))
        }
    }

    package enum Request: Equatable {
        case point(PointRequest)
        case calibrate(goalNanoseconds: UInt64)
        case sample(ops: Int)
        case end
        case quit
    }

    package enum ProtocolError: Error, CustomStringConvertible, Equatable {
        case malformed(String)
        package var description: String {
            switch self { case .malformed(let why): return why }
        }
    }

    package static func encode(_ request: Request) -> String {
        switch request {
        case .point(let p):
            let data = (try? JSONEncoder().encode(p)) ?? Data("{}".utf8)
            return "point " + String(decoding: data, as: UTF8.self)
        case .calibrate(let goal): return "calibrate \(goal)"
        case .sample(let ops): return "sample \(ops)"
        case .end: return "end"
        case .quit: return "quit"
        }
    }

    package static func decode(_ line: String) throws(ProtocolError) -> Request {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        let (verb, rest) = split(trimmed)
        switch verb {
        case "point":
            guard let p = try? JSONDecoder().decode(PointRequest.self, from: Data(rest.utf8)) else {
                throw .malformed("point: expected {\"label\": ..., \"args\": [...]}")
            }
            return .point(p)
        case "calibrate":
            guard let goal = UInt64(rest), goal > 0, goal <= 10_000_000_000 else {
                throw .malformed("calibrate: expected a goal in ns within 1...10^10")
            }
            return .calibrate(goalNanoseconds: goal)
        case "sample":
            guard let ops = Int(rest), ops >= 1, ops <= 1 << 40 else { throw .malformed("sample: expected an op count within 1...2^40") }
            return .sample(ops: ops)
        case "end": return .end
        case "quit": return .quit
        default:
            throw .malformed("unknown request '\(verb.prefix(40))'")
        }
    }

    /// A sample reply: per-op time after the timer overhead, and the canary reading before it.
    package struct SampleReply: Equatable {
        package var nanosecondsPerOp: Double
        package var canaryNanosecondsPerStep: Double

        package var line: String { "sample \(nanosecondsPerOp) \(canaryNanosecondsPerStep)" }

        package static func parse(_ line: String) -> SampleReply? {
            let parts = line.split(separator: " ")
            guard parts.count == 3, parts[0] == "sample", let ns = Double(parts[1]), let canary = Double(parts[2]),
                  ns.isFinite, ns > 0, canary.isFinite else { return nil }
            return SampleReply(nanosecondsPerOp: ns, canaryNanosecondsPerStep: canary)
        }
    }

    package static func split(_ line: String) -> (String, String) {
        guard let space = line.firstIndex(of: " ") else { return (line, "") }
        return (String(line[..<space]), String(line[line.index(after: space)...]).trimmingCharacters(in: .whitespaces))
    }
}
