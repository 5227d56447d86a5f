import Foundation
import Workloads

/// What a visit process of `run --process-per-visit` measures: the parent's planned sweep and
/// its settings, as JSON in a file. The child checks every point as the command line would
/// (`PointSpec.checkedParameters`) before measuring any.
package struct VisitPlan: Codable, Sendable {
    /// The hidden subcommand that runs one.
    package static let command = "visit"
    package static let currentFormat = 1

    package var format = VisitPlan.currentFormat
    package var plan: SweepPlan
    package var settings: RunSettings

    package init(plan: SweepPlan, settings: RunSettings) {
        self.plan = plan
        self.settings = settings
    }

    package func encoded() -> Data { (try? JSONEncoder().encode(self)) ?? Data() }

    /// The plan in `data`, checked; throws with the reason when it is not one this build runs.
    package static func decode(_ data: Data) throws -> VisitPlan {
        let job: VisitPlan
        do { job = try JSONDecoder().decode(VisitPlan.self, from: data) } catch {
            throw ValidationFailure("not a visit plan: \(error)")
        }
        guard job.format == currentFormat else {
            throw ValidationFailure("visit plan format \(job.format), this build reads \(currentFormat)")
        }
        for point in job.plan.points { _ = try PointSpec(point).checkedParameters() }
        return job
    }
}

extension VisitPlan {
    /// Runs this plan in a child process of this binary (`fragbench visit --plan FILE`, the
    /// file written first), its standard output discarded, and waits: the child's exit status.
    package func runInChild(planFile: String) throws -> Int32 {
        guard FileManager.default.createFile(atPath: planFile, contents: encoded()) else {
            throw ValidationFailure("cannot write the visit's plan to \(planFile)")
        }
        // Each visit its own copy of the binary (ExecutableCopies says why).
        let binary = ThisBinary.path
        let copies = ExecutableCopies.make([binary])
        defer { copies.remove() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: copies.path(for: binary))
        process.arguments = [Self.command, "--plan", planFile]
        process.standardOutput = FileHandle.nullDevice
        process.environment = ScratchChild.environment
        do { try process.run() } catch { throw ValidationFailure("cannot start a visit process: \(error)") }
        process.waitForExit()
        return process.terminationStatus
    }
}
