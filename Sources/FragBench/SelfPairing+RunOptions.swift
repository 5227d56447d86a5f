import Foundation
import Lab
import Workloads

/// `SelfPairing` sides named by `fragbench run` options, as `tune` and `reproduce` (whose claims are
/// written as run options in docs/claims.tsv) name them.
extension SelfPairing {
    /// The one applicable point a side's options name, or why they do not name one.
    static func point(_ arguments: [String]) throws -> WorkloadParameters {
        let point = try namedPoint(arguments)
        if let why = point.notApplicableReason { throw ValidationFailure("\(PointLabel.benchmarkName(point)): \(why)") }
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

    /// Base against head, each side named by run options; `.missing` with why when a side's
    /// options do not name exactly one applicable point.
    func compare(label: String, base: [String], head: [String], seconds: Double) -> PointPairer.Outcome {
        do {
            return compare(label: label, base: try Self.point(base), head: try Self.point(head), seconds: seconds)
        } catch {
            return .missing("\(error)")
        }
    }
}
