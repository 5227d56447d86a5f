/// How much of a run the machine spent contended: samples beside a slow canary reading inside
/// their process, plus samples of processes that ran wholly in the machine's slow state.
///
/// Why its own line: on the shared VMs the slow state can hold most of a stretch (77% of 8 ms
/// windows in one 20 s probe, issue 21). Then most samples are "disturbed" and that is the
/// machine's truth, not a defect of any row; the report says it once, first, instead of letting
/// a reader distrust every row.
public struct MachineContention: Sendable, Equatable {
    public let contendedSamples: Int
    public let totalSamples: Int
    /// Processes in the slow state, of all (nil for one-process runs).
    public let slowProcesses: Int?
    public let processes: Int?

    /// nil when the run classified no sample (no canary, or nothing timed).
    public init?(_ run: BenchRun) {
        var contended = 0, total = 0, classified = false
        for p in run.points {
            let n = p.sampleNsPerOp?.count ?? p.samples
            let disturbed = p.sampleDisturbed.flatMap { $0.count == n ? $0 : nil }
            let slow = p.sampleSlowState.flatMap { $0.count == n ? $0 : nil }
            if disturbed == nil && slow == nil && p.disturbedSamples == nil { continue }
            classified = true
            total += n
            if disturbed != nil || slow != nil {
                contended += (0..<n).filter { (disturbed?[$0] ?? false) || (slow?[$0] ?? false) }.count
            } else {
                contended += p.disturbedSamples ?? 0
            }
        }
        guard classified, total > 0 else { return nil }
        contendedSamples = contended
        totalSamples = total
        let states = run.provenance.visitStates
        slowProcesses = states.map { $0.filter { $0 == "slow" }.count }
        processes = states?.count
    }

    public var share: Double { Double(contendedSamples) / Double(totalSamples) }

    /// Half or more of the samples: the machine, not a row, is the story.
    public var isMostOfTheTime: Bool { share >= 0.5 }

    public var headline: String {
        var text = "The machine was contended most of this run: \(NumberFormat.fixed(share * 100, 0))% of samples (\(contendedSamples) of \(totalSamples)) ran beside a slow canary reading"
        if let slow = slowProcesses, let all = processes, slow > 0, all > 0 {
            text += " or in a process that ran wholly in its slow state (\(slow) of \(all))"
        }
        return text + ". The estimates come from the quiet rest, and may still read a few percent high (docs/noise.md, \"Speed states\"). The canary times a fixed loop of ours, not the code under test, so this is the machine (a neighbour contending for memory), not the build; compare builds with `make compare`, which pairs samples in time."
    }
}
