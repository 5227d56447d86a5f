import BenchReport
import Foundation
import Measure
import Workloads

/// The measurements of `fragbench profile`: callgrind's per-instruction costs with call stacks,
/// and perf's sampled stacks. Each part that cannot run says why instead of failing the others.
package enum ProfileRun {
    /// Runs `point` under callgrind in `binary` (this build or another one) with per-instruction
    /// costs and call stacks (`--dump-instr=yes --separate-callers=N`; neither changes what is
    /// counted), as the exact gate runs it (`fragbench callgrind-child`, the same op counts), and
    /// returns the costs with the child's operation count.
    package static func callgrind(binary: String, point: WorkloadParameters, quick: Bool,
                                  scratch: String) -> Result<(CallgrindCosts, Int), ValidationFailure> {
        guard let valgrind = Callgrind.valgrindPath() else {
            return .failure(ValidationFailure("valgrind is not on PATH (make deps installs it): no exact profile"))
        }
        let stripped: String
        switch CallgrindPoint.strippedCopy(of: binary, in: scratch) {
        case .success(let path): stripped = path
        case .failure(let error): return .failure(error)
        }
        let out = scratch + "/callgrind.profile.out", result = scratch + "/callgrind.profile.result"
        let log = scratch + "/callgrind.profile.log", spec = scratch + "/callgrind.profile.point.json"
        guard FileManager.default.createFile(atPath: spec, contents: PointSpec(point).encoded()) else {
            return .failure(ValidationFailure("cannot write the point's description to \(spec)"))
        }
        let child = [CallgrindPoint.childCommand, "--point", spec, "--result", result] + (quick ? ["--quick"] : [])
        var argv = Callgrind.commandLine(binary: stripped, arguments: child, outputFile: out, valgrind: valgrind)
        // Before the binary: valgrind's own options.
        argv.insert(contentsOf: ["--dump-instr=yes", "--separate-callers=\(stackDepth)"], at: 2)
        guard let status = try? ChildCommand(valgrind, Array(argv.dropFirst()), environment: Callgrind.environment).run(output: .log(log)).status,
              status == 0 else {
            let tail = (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").suffix(2).joined(separator: " / ") ?? ""
            return .failure(ValidationFailure("the callgrind child failed (a build from before 'fragbench \(CallgrindPoint.childCommand)' cannot be profiled): \(tail)"))
        }
        guard let text = try? String(contentsOfFile: result, encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("ops=") }), let ops = Int(line.dropFirst(4)) else {
            return .failure(ValidationFailure("the callgrind child did not report its operation count"))
        }
        switch readTextFile(out).mapError({ ValidationFailure("cannot read \(out): \($0)") }) {
        case .failure(let error): return .failure(error)
        case .success(let text):
            return CallgrindCosts.parse(text).map { ($0, ops) }.mapError { ValidationFailure("cannot parse \(out): \($0)") }
        }
    }

    /// Call stack depth kept by callgrind: deeper than the sampler's frames around a workload.
    package static let stackDepth = 40

    /// The costs as a profile: every cost of the executable gets its inlined frames and source
    /// line from addr2line; every name is demangled.
    package static func profile(_ costs: CallgrindCosts, operations: Int, binary: String) -> InstructionProfile {
        // callgrind ran the stripped copy: its costs are the executable's.
        let executable = costs.costs.filter { $0.object.hasSuffix("/fragbench-nodebug") }
        let chains = ProfileSymbols.inlineChains(Array(Set(executable.map(\.address))).sorted(), binary: binary)
        var raw: [(stack: [String], line: String?, instructions: UInt64)] = []
        for cost in costs.costs {
            var stack = cost.stack
            var line: String?
            if let chain = chains[cost.address], cost.object.hasSuffix("/fragbench-nodebug"), !chain.isEmpty {
                // Outermost inlined frame is the function itself: add the ones inlined into it.
                stack += chain.dropLast().reversed().map(\.function)
                // Specialised generic code often has no line of its own ("<compiler-generated>"):
                // the innermost frame that has one (the inlined call's site) stands for it.
                line = chain.lazy.compactMap(\.line).first
            }
            raw.append((stack, line, cost.instructions))
        }
        let names = ProfileSymbols.demangled(Set(raw.flatMap(\.stack)))
        let (locked, unavailable) = lockedAddresses(costs, binary: binary)
        let profiled = zip(raw, costs.costs).map { r, cost in
            InstructionProfile.Cost(stack: r.stack.map { names[$0] ?? $0 }, line: r.line, instructions: r.instructions,
                                    locked: locked[cost.object]?.contains(cost.address) == true ? r.instructions : 0)
        }
        var profile = InstructionProfile(costs: profiled, totalInstructions: costs.totalInstructions, operations: operations)
        profile.lockedUnavailable = unavailable
        return profile
    }

    /// The locked instructions of every object the costs ran in (the stripped copy's are the
    /// executable's), or why some object's could not be read: then none are counted.
    static func lockedAddresses(_ costs: CallgrindCosts, binary: String) -> ([String: Set<UInt64>], String?) {
        var found: [String: Set<UInt64>] = [:]
        for object in Set(costs.costs.map(\.object)).sorted() {
            let path = object.hasSuffix("/fragbench-nodebug") ? binary : object
            switch LockedInstructions.addresses(in: path) {
            case .success(let addresses): found[object] = addresses
            case .failure(let error): return ([:], error.description)
            }
        }
        return (found, nil)
    }

    /// The run perf samples: the point measured in this one process, from `binary` itself.
    /// `run` spreads its visits over child processes, each started from a copy of the binary
    /// that is deleted when it exits, and perf could name no function in their samples (it
    /// reads symbols from the file after the run): every sample landed in
    /// "[fragbench-exec-…]" and none in runBatch.
    package static func sampledRunCommand(binary: String, arguments: [String]) -> [String] {
        [binary] + arguments + ["--one-process", "--counters", "none", "--no-save"]
    }

    /// `perf record` with the software clock (works without a PMU), on a native run of the
    /// point (`run` with `arguments`, saving nothing); the folded stacks, or why there are none.
    package static func sampled(binary: String, arguments: [String], scratch: String) -> Result<SampledProfile, ValidationFailure> {
        guard let perf = findExecutable("perf") else {
            return .failure(ValidationFailure("perf is not installed (make deps installs Debian's linux-perf)"))
        }
        if let paranoid = PerfSettings.paranoid(), paranoid > 2, getuid() != 0 {
            return .failure(ValidationFailure("perf_event_paranoid=\(paranoid) forbids perf_event_open for unprivileged users (2 allows profiling one's own processes: sudo sysctl kernel.perf_event_paranoid=2)"))
        }
        let data = scratch + "/perf.data", log = scratch + "/perf.log"
        let event = "cpu-clock:u", frequency = 4999
        let record = ["record", "-e", event, "-F", String(frequency), "-g", "-o", data, "--"]
            + sampledRunCommand(binary: binary, arguments: arguments)
        guard let status = try? ChildCommand(perf, record).run(output: .log(log)).status, status == 0 else {
            let why = (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n")
                .last(where: { !$0.hasPrefix("[ perf record") && !$0.contains("|") })
            return .failure(ValidationFailure("perf record failed: \(why.map(String.init) ?? "no output")"))
        }
        guard let script = ProfileSymbols.run(perf, ["script", "-i", data, "-F", "comm,tid,time,event,ip,sym,dso"], input: "") else {
            return .failure(ValidationFailure("perf script could not read \(data)"))
        }
        let folded = PerfScript.fold(script)
        var frames = Set<String>()
        for stack in folded.keys { for frame in stack.split(separator: ";") { frames.insert(String(frame)) } }
        let names = ProfileSymbols.demangled(frames)
        var stacks: [String: UInt64] = [:]
        for (stack, n) in folded {
            stacks[stack.split(separator: ";").map { names[String($0)] ?? String($0) }.joined(separator: ";"), default: 0] += UInt64(n)
        }
        // The run also calibrates, warms up and checks the machine: keep the samples inside the
        // workload's timed batches, where there are any.
        let timed = stacks.filter { $0.key.contains("runBatch(") }
        let all = stacks.values.reduce(0, +), kept = timed.values.reduce(0, +)
        let scope = kept > 0 ? "the \(kept) of \(all) samples inside the workload's timed batches (runBatch)"
            : "all \(all) samples of the process (none inside runBatch: its frames were not unwound)"
        return .success(SampledProfile(stacks: kept > 0 ? timed : stacks, event: "\(event) at \(frequency) Hz, frame-pointer call chains",
                                       scope: scope))
    }
}
