import Lab
import ArgumentParser
import BenchReport
import Foundation

/// `fragbench store-selftest` (hidden): saves a synthetic run through exactly the path `run`
/// saves through (RunSaving, ResultStore), without measuring anything. The store's tests run
/// it as separate processes to publish concurrently and to kill publication at each step
/// (FRAGBENCH_TEST_KILL_AT, see PublicationStep). Its points say they are synthetic.
struct StoreSelftestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store-selftest",
        abstract: "Test tool: save a synthetic run into a results directory.",
        shouldDisplay: false
    )

    @Option(help: "Results directory.")
    var output: String
    @Option(help: "Run name (default: date and a fake commit, as run names are).")
    var name: String?
    @Option(help: "Points in the run (history rows).")
    var points = 3
    @Option(help: "Marks every point, so a test can tell whose rows are whose.")
    var token = UUID().uuidString
    @Flag(help: "Save it as a partial run.")
    var partial = false

    func validate() throws {
        guard (1 ... 1000).contains(points) else { throw ValidationError("--points must be within 1...1000") }
    }

    func run() throws {
        let date = ISO8601DateFormatter().string(from: Date())
        let provenance = Provenance(
            gitCommit: "5e1f7e57", gitDirty: false, date: date, swiftVersion: nil, buildConfiguration: "selftest",
            buildFlags: nil, kernel: nil, cpuModel: nil, cpuCount: nil, governor: nil, perfEventParanoid: nil,
            tscHz: nil, tscCalibration: nil, counterBackend: "none", counterReason: "synthetic run: nothing measured",
            command: Invocation.text, quick: true)
        let synthetic = (0 ..< points).map { index in
            BenchPoint(
                workload: "store-selftest", pageSize: 4096, maxSize: 32768, fragsz: 64 << (index % 6), align: 1,
                parameters: ["token": token, "index": String(index)], ops: 1, samples: 1, nsPerOp: nil, minNsPerOp: nil,
                errPct: nil, unstable: false, hint: nil, tscCyclesPerOp: nil, cpu: nil, pinned: false, counters: [],
                counterSource: "none", counterStatus: "synthetic: nothing measured",
                refillsPerKop: nil, fallbacks: nil, reuses: nil, pfmemallocDrops: nil, wastePct: nil, peakPinnedBytes: nil)
        }
        let run = BenchRun(provenance: provenance, points: synthetic, partial: partial,
                           warnings: ["SYNTHETIC: written by fragbench store-selftest; nothing was measured."])
        try RunSaving.save(run, to: ResultStore(root: output), partialReason: partial ? "store-selftest --partial" : nil,
                           name: name)
    }
}
