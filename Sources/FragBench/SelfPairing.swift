import Foundation
import Measure
import Workloads

/// Two configurations of this binary paired sample by sample: what `peers` (the Swift model
/// against another implementation) and `tune` (one max size against another) compare with,
/// by the same method as `pair`/`make compare` (`PointPairer`: fresh workers every session,
/// A A B B / B B A A turns, a t-interval over sessions). Each side is a `fragbench run` option
/// list naming exactly one point.
struct SelfPairing {
    let pairer: PointPairer

    /// Pairing settings that differ from `pair`'s defaults only where a caller says so.
    struct Settings {
        var thresholdPercent = 2.0
        var sampleMs = 1.0
        var minPairs = 40
        var minSessions = 8
        var maxPairs = 4_000
        var cpu: Int? = nil
        var allowDebug = false
        /// Appended worker logs (stderr of every worker); nil: discarded.
        var log: String? = nil
    }

    init(_ settings: Settings) {
        let binary = ThisBinary.path
        let pin = settings.cpu ?? CPUAffinity.current() ?? 0
        var arguments = ["--cpu", String(pin)]
        if settings.allowDebug { arguments.append("--allow-debug") }
        let base = WorkerLauncher(name: "base", binary: binary, arguments: arguments, log: settings.log)
        let head = WorkerLauncher(name: "head", binary: binary, arguments: arguments, log: settings.log)
        var pairer = PointPairer(base: base, head: head, goalNanoseconds: UInt64(settings.sampleMs * 1e6),
                                 thresholdFraction: settings.thresholdPercent / 100, minPairs: settings.minPairs,
                                 maxPairs: settings.maxPairs)
        pairer.minimumSessions = settings.minSessions
        self.pairer = pairer
    }

    /// The label the worker will find for a side's options: exactly one applicable point.
    static func label(_ arguments: [String]) throws -> String {
        PointLabel.text(try point(arguments))
    }

    /// The one applicable point a side's options name, or why they do not name one.
    static func point(_ arguments: [String]) throws -> WorkloadParameters {
        let point = try namedPoint(arguments)
        if let why = point.notApplicableReason { throw ValidationFailure("\(PointLabel.text(point)): \(why)") }
        return point
    }

    /// The one point a side's options name, applicable or not (`reproduce` reports a version
    /// that cannot run a point as a row), or why they do not name exactly one.
    static func namedPoint(_ arguments: [String]) throws -> WorkloadParameters {
        let points: [WorkloadParameters]
        do {
            points = try RunCommand.parse(arguments).plan().points
        } catch {
            throw ValidationFailure("run options \(arguments.joined(separator: " ")): " + RunCommand.message(for: error))
        }
        guard points.count == 1, let point = points.first else {
            throw ValidationFailure("run options \(arguments.joined(separator: " ")) name \(points.count) points, not one")
        }
        return point
    }

    /// Base against head for `seconds` at most (less when the interval gets narrower than the
    /// threshold first). A worker that fails or cannot set a side up gives `.missing` with why.
    func compare(label: String, base: [String], head: [String], seconds: Double) -> PointPairer.Outcome {
        do {
            return try pairer.pair(
                label: label, base: WorkerProtocol.PointRequest(label: try Self.label(base), args: base),
                head: WorkerProtocol.PointRequest(label: try Self.label(head), args: head), seconds: seconds)
        } catch {
            return .missing("\(error)")
        }
    }
}
