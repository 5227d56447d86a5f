import Foundation
import Workloads

/// The one description of a point that crosses a process boundary: what a worker sets up,
/// what a callgrind child runs. It is the point itself (`WorkloadParameters`), versioned, with
/// its `fragbench list` name so that the receiver can say which point it refused.
///
/// Why not argv: a command line names a sweep, so every receiver had to parse it again, build
/// the whole sweep and find its point by label text; two builds whose option parsers differ
/// then disagree on the point. Builds from before this format still receive run options (a
/// `WorkerProtocol.PointRequest` carries both), which is how `make compare` pairs with them.
package struct PointSpec: Codable, Equatable, Sendable {
    /// Bumped when a field changes meaning; a receiver refuses a format it does not know.
    package static let currentFormat = 1

    package var format: Int
    package var name: String
    package var parameters: WorkloadParameters

    package init(_ parameters: WorkloadParameters) {
        self.format = Self.currentFormat
        self.name = PointLabel.benchmarkName(parameters)
        self.parameters = parameters
    }

    /// The point, once checked as the command line checks it: a known format, parameters the
    /// workloads accept, an arena the machine's memory allows. Throws with the reason otherwise.
    package func checkedParameters(memory: MemoryBudget = .current()) throws -> WorkloadParameters {
        guard format == Self.currentFormat else {
            throw ValidationFailure("point \(name): description format \(format), this build reads \(Self.currentFormat)")
        }
        do { try parameters.validate() } catch { throw ValidationFailure("point \(name): \(error)") }
        if let refusal = memory.refusal(arenaBytes: parameters.arenaBytes) {
            throw ValidationFailure("point \(name): \(refusal)")
        }
        return parameters
    }

    package func encoded() -> Data {
        // Every field is a number, a string or a finite double checked by `validate`.
        (try? JSONEncoder().encode(self)) ?? Data()
    }

    package static func decode(_ data: Data) throws -> PointSpec {
        do { return try JSONDecoder().decode(PointSpec.self, from: data) } catch {
            throw ValidationFailure("not a point description: \(error)")
        }
    }
}
