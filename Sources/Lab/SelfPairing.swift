import Foundation
import Measure
import Workloads

/// Two configurations of this binary paired sample by sample: what `peers` (the Swift model
/// against another implementation) and `tune` (one max size against another) compare with,
/// by the same method as `pair`/`make compare` (`PointPairer`: fresh workers every session,
/// A A B B / B B A A turns, a t-interval over sessions). Each side is a `fragbench run` option
/// list naming exactly one point.
package struct SelfPairing {
    package let pairer: PointPairer

    /// Pairing settings that differ from `pair`'s defaults only where a caller says so.
    package struct Settings {
        package var thresholdPercent = 2.0
        package var sampleMs = 1.0
        package var minPairs = 40
        package var minSessions = 8
        package var maxPairs = 4_000
        package var cpu: Int? = nil
        package var allowDebug = false
        /// Appended worker logs (stderr of every worker); nil: discarded.
        package var log: String? = nil

        package init() {}
    }

    package init(_ settings: Settings) {
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

    /// Base against head for `seconds` at most (less when the interval gets narrower than the
    /// threshold first). Both workers are this build, so each point travels as its description
    /// alone. A worker that fails or cannot set a side up gives `.missing` with why.
    package func compare(label: String, base: WorkloadParameters, head: WorkloadParameters,
                         seconds: Double) -> PointPairer.Outcome {
        do {
            return try pairer.pair(label: label, base: WorkerProtocol.PointRequest(base, args: []),
                                   head: WorkerProtocol.PointRequest(head, args: []), seconds: seconds)
        } catch {
            return .missing("\(error)")
        }
    }
}
