import Foundation
import Measure
import Workloads

/// `--counters callgrind`: deterministic simulated counts for machines without a PMU. For each
/// point the parent writes the point's description (`PointSpec`) to a file and runs
/// `fragbench callgrind-child` on it under valgrind; the child runs that one point with a fixed
/// op count and instrumentation on around the timed batches only, and writes how many
/// operations it timed. The parent divides callgrind's totals by that count.
package enum CallgrindPoint {
    /// The hidden subcommand that runs one point under valgrind.
    package static let childCommand = "callgrind-child"

    /// Fixed op counts so two runs of the same build execute the same instructions.
    package static func opsPerSample(quick: Bool) -> Int { quick ? 20_000 : 100_000 }
    package static func samples(quick: Bool) -> Int { quick ? 3 : 5 }

    /// The child's sampler: fixed ops, a single warm-up batch, no time-based choices.
    package static func childSampler(quick: Bool, fixedBatch: Int?, maxBatch: Int?) -> SamplerConfig {
        var ops = fixedBatch.map { min($0, 20_000) } ?? opsPerSample(quick: quick)
        if let maxBatch { ops = min(ops, maxBatch) }
        return SamplerConfig(minSampleNanoseconds: 0, samples: samples(quick: quick), warmupNanoseconds: 0,
                             fixedOpsPerSample: ops, overheadBatches: 1, subtractOverhead: false, pinCPU: nil)
    }

    /// Runs in the child, under valgrind.
    package static func runChild(_ parameters: WorkloadParameters, quick: Bool, resultPath: String) throws {
        var p = parameters
        // Valgrind runs one thread at a time: keep the cross-thread count small.
        p.count = min(p.count, 20_000)
        let runner = try makeWorkload(p)
        let config = childSampler(quick: quick, fixedBatch: runner.fixedBatchSize, maxBatch: runner.maxBatchSize)
        let session = CounterSession.open(mode: .callgrind)
        let result = Sampler(config).measureBatches(
            label: PointLabel.benchmarkName(p), counters: session,
            setup: { ops in runner.prepareBatch(ops) },
            run: { _, ops in runner.runBatch(ops) },
            teardown: { _ in runner.finishBatch() })
        if let leak = runner.tearDown() { throw ValidationFailure("page leak in the callgrind child: \(leak)") }
        try "ops=\(result.totalOperations)\nbackend=\(session.choice.backend.rawValue)\n"
            .write(toFile: resultPath, atomically: true, encoding: .utf8)
    }

    /// Runs in the parent: runs `point` under valgrind and returns per-op counts, or
    /// unavailable values with the reason. Its scratch files are named by `tag`, so that
    /// callers measuring several points at once keep them apart. `branchSim` adds callgrind's
    /// branch predictor simulation and the "branch mispredicts" figure.
    package static func measure(_ point: WorkloadParameters, quick: Bool, scratch: String, tag: String,
                                branchSim: Bool = false) -> [CounterValue] {
        var names = ["instructions", "L1D misses", "L1I misses", "LL misses", "estimated cycles"]
        if branchSim { names.append(CallgrindTotals.branchMispredictName) }
        func unavailable(_ why: String) -> [CounterValue] {
            names.map { .unavailable($0, source: .callgrind, reason: why) }
        }
        guard let valgrind = Callgrind.valgrindPath() else { return unavailable("valgrind is not on PATH (make deps installs it)") }
        guard let executable = Callgrind.currentExecutablePath() else { return unavailable("cannot find this executable to re-run it") }
        let binary: String
        switch strippedCopy(of: executable, in: scratch) {
        case .success(let path): binary = path
        case .failure(let error): return unavailable(error.description)
        }
        let out = "\(scratch)/callgrind.\(tag).out"
        let resultPath = "\(scratch)/callgrind.\(tag).result"
        let pointPath = "\(scratch)/callgrind.\(tag).point.json"
        guard FileManager.default.createFile(atPath: pointPath, contents: PointSpec(point).encoded()) else {
            return unavailable("cannot write the point's description to \(pointPath)")
        }
        let childArguments = [childCommand, "--point", pointPath, "--result", resultPath] + (quick ? ["--quick"] : [])
        let argv = Callgrind.commandLine(binary: binary, arguments: childArguments, outputFile: out, valgrind: valgrind,
                                         branchSim: branchSim)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: valgrind)
        process.arguments = Array(argv.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in Callgrind.environment { environment[key] = value }
        process.environment = environment
        let log = "\(scratch)/callgrind.\(tag).log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: log)
        process.standardError = FileHandle(forWritingAtPath: log)
        do { try process.run() } catch { return unavailable("cannot start valgrind: \(error)") }
        process.waitForExit()
        guard process.terminationStatus == 0 else {
            let tail = (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").suffix(3).joined(separator: " / ") ?? ""
            return unavailable("the callgrind child failed (status \(process.terminationStatus)): \(tail)")
        }
        guard let text = try? String(contentsOfFile: resultPath, encoding: .utf8),
              let opsLine = text.split(separator: "\n").first(where: { $0.hasPrefix("ops=") }),
              let ops = Int(opsLine.dropFirst(4)) else {
            return unavailable("the callgrind child did not report its operation count")
        }
        if !text.contains("backend=callgrind") {
            return unavailable("the child did not see valgrind (client requests not compiled in?)")
        }
        switch CallgrindTotals.parse(file: out) {
        case .success(let totals): return totals.perOp(operations: ops)
        case .failure(let error): return unavailable("cannot read \(out): \(error)")
        }
    }
}

extension CallgrindPoint {
    /// valgrind 3.19 cannot read the DWARF 5 forms the Swift toolchain emits ("unhandled dwarf2
    /// abbrev form code 0x25", then it gives up), so the child runs a copy without debug
    /// information. Code and symbols are unchanged, so the counts are the same code's.
    package static func strippedCopy(of executable: String, in scratch: String) -> Result<String, ValidationFailure> {
        let copy = scratch + "/fragbench-nodebug"
        if FileManager.default.isExecutableFile(atPath: copy) { return .success(copy) }
        guard let objcopy = findExecutable("objcopy") else {
            return .failure(ValidationFailure("objcopy (binutils) is not on PATH; valgrind cannot read this binary's DWARF 5 debug info without it"))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: objcopy)
        process.arguments = ["--strip-debug", executable, copy]
        do { try process.run() } catch { return .failure(ValidationFailure("cannot run objcopy: \(error)")) }
        process.waitForExit()
        guard process.terminationStatus == 0 else {
            return .failure(ValidationFailure("objcopy --strip-debug failed with status \(process.terminationStatus)"))
        }
        return .success(copy)
    }
}

package struct ValidationFailure: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
