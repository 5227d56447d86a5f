import Lab
import ArgumentParser
import Foundation
import Measure
import Workloads

/// `fragbench worker`: serves samples of one point at a time over stdin/stdout (see
/// `WorkerProtocol`), so `fragbench pair` can alternate two builds sample by sample.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Serve samples to 'fragbench pair' over a line protocol on stdin/stdout (not for direct use)."
    )

    @OptionGroup var pinning: CPUOption
    @OptionGroup var debugBuild: DebugBuildOption
    /// A known slowdown for resolution experiments: each sample runs N per mille more
    /// operations than asked but is divided by the count asked, so its true cost is exactly
    /// (1000 + N) / 1000 of the real one (what `pair --head-inflate-permille` measures).
    @Option(name: .customLong("inflate-permille"), help: .hidden)
    var inflatePermille = 0
    /// A known slowdown that touches no memory: N ns of dependent arithmetic per operation in
    /// every timed batch (what `pair --head-delay-ns` measures).
    @Option(name: .customLong("delay-ns"), help: .hidden, transform: OptionValues.decimal(0 ... 1_000))
    var delayNs = 0.0
    /// A known slowdown of N per mille of each timed batch's own time, in dependent arithmetic
    /// (what `pair --head-delay-permille` measures).
    @Option(name: .customLong("delay-permille"), help: .hidden)
    var delayPermille = 0

    func validate() throws {
        guard (0...1_000).contains(inflatePermille) else { throw ValidationError("--inflate-permille must be within 0...1000") }
        guard (0...1_000).contains(delayPermille) else { throw ValidationError("--delay-permille must be within 0...1000") }
    }

    func run() throws {
        try debugBuild.refuseDebugBuild()
        let session = WorkerSession(cpu: pinning.cpu, inflatePermille: inflatePermille, delayNanosecondsPerOp: delayNs,
                                    delayPermille: delayPermille, legacyPoint: Self.legacyPoint)
        StandardStreams.out(WorkerProtocol.greeting + "\n")
        while let line = readLine(strippingNewline: true) {
            let reply: String
            do {
                let request = try WorkerProtocol.decode(line)
                if request == .quit { break }
                reply = session.handle(request)
            } catch {
                reply = "error \(error)"
            }
            StandardStreams.out(reply + "\n")
        }
        session.finish()
    }

    /// A request from a controller that predates `PointSpec`: the point named by its label
    /// among the points its run options name.
    static func legacyPoint(_ request: WorkerProtocol.PointRequest) throws -> WorkloadParameters {
        let points: [WorkloadParameters]
        do {
            points = try RunCommand.parse(request.args).plan().points
        } catch {
            throw ValidationFailure(RunCommand.message(for: error).replacingOccurrences(of: "\n", with: " "))
        }
        guard let point = points.first(where: { PointLabel.text($0) == request.label }) else {
            throw ValidationFailure("this build's sweep has no point '\(request.label)'")
        }
        return point
    }
}
