import ArgumentParser
import Foundation
import Lab

/// `fragbench visit`: one visit process of `run --process-per-visit`, measuring the sweep and
/// settings its parent wrote to a file (`VisitPlan`). Not for direct use.
struct VisitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: VisitPlan.command,
        abstract: "Run one visit of a planned sweep (started by 'fragbench run --process-per-visit'; not for direct use).",
        shouldDisplay: false
    )

    @Option(parsing: .unconditional, help: "The visit's plan (JSON, written by the parent).")
    var plan: String

    func run() throws {
        guard let data = FileManager.default.contents(atPath: plan) else {
            throw ValidationFailure("cannot read the visit plan \(plan)")
        }
        let job = try VisitPlan.decode(data)
        try SweepRun.run(job.plan, settings: job.settings)
    }
}
