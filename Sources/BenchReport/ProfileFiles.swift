import Foundation

/// The files of one profile: profile.md, the flame graphs it embeds, and the folded stacks
/// they are drawn from (for other tools: speedscope, inferno, flamegraph.pl read them).
public enum ProfileFiles {
    public static func render(profile: InstructionProfile, sampled: SampledProfile?, base: InstructionProfile?,
                              context: ProfileReport.Context) -> [String: String] {
        var context = context
        var files: [String: String] = [:]
        let slow: @Sendable (String) -> Bool = InstructionProfile.isSlowFrame
        files["callgrind.folded"] = folded(profile.folded)
        files["flame-callgrind.svg"] = FlameGraph(
            title: "Instructions: \(context.point)", subtitle: "callgrind, exact, \(profile.operations) operations (inlined frames included)",
            unit: "instructions", stacks: profile.folded, isSlow: slow).svg()
        context.flameFiles.instructions = "flame-callgrind.svg"
        if let sampled, sampled.samples > 0 {
            files["perf.folded"] = folded(sampled.stacks)
            files["flame-perf.svg"] = FlameGraph(title: "Time: \(context.point)", subtitle: "perf record, \(sampled.event)",
                                                 unit: "samples", stacks: sampled.stacks, isSlow: slow).svg()
            context.flameFiles.time = "flame-perf.svg"
        }
        files["profile.md"] = ProfileReport.markdown(profile, sampled: sampled, base: base, context: context)
        return files
    }

    /// "stack cost" lines, sorted: the folded format.
    static func folded(_ stacks: [String: UInt64]) -> String {
        stacks.keys.sorted().map { "\($0) \(stacks[$0]!)\n" }.joined()
    }
}
