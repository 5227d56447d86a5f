import FragCache
import FragReplay

/// A trace (SPEC 5) checked once by the reference `TraceReplayer` and turned into a compact
/// list of operations whose fragment names are integer slots, so the timed replay does no
/// string work, no dictionary lookups and no output.
struct CompiledTrace {
    /// One trace line, 24 bytes.
    struct Op {
        enum Code: UInt8 {
            case alloc, prepare, probe, commit, commitNoref, abort, free, drain
            case failHighOrder, failAny, pfmemalloc
        }
        var code: Code
        /// Alignment (alloc, prepare, probe); 1 otherwise.
        var align: UInt32
        /// The fragment's slot (alloc, commit, abort, free); -1 otherwise.
        var slot: Int32
        /// Bytes (alloc, prepare, probe, commit, commit_noref; for abort, the size its commit
        /// took), or the injection's count.
        var size: Int
    }

    /// The configuration the trace runs with: its `config` line (missing keys take SPEC 1's
    /// defaults, exactly as `fragbench replay` does), else the workload's.
    var config: FragCacheConfig
    var ops: [Op] = []
    /// The trace line of each op, for messages.
    var lines: [Int] = []
    /// Distinct fragment names.
    var slotCount = 0
    /// Slots that a pass may leave live: allocated or committed, never freed or aborted.
    var leftovers: [Int32] = []
    var usesInjections = false
    /// Allocations and commits that came back null in the checking replay.
    var nullResults = 0
    /// Fragments handed out (allocs and commits that succeeded, minus aborts) and bytes handed
    /// out (plus commit_noref bytes) after the first i ops: index 0...ops.count.
    var allocationsAfter: [Int] = [0]
    var bytesAfter: [Int] = [0]

    /// Reads, checks and compiles the trace at `path`. Every problem is an `.invalid` error
    /// naming the trace line, as `fragbench replay` would report it.
    static func load(path: String, defaultConfig: FragCacheConfig) throws(WorkloadError) -> CompiledTrace {
        switch TraceLines.open(path: path) {
        case .failure(let error):
            throw .invalid("trace file \(path): \(error)")
        case .success(let lines):
            let trace = try compile(lines: lines, defaultConfig: defaultConfig)
            guard !trace.ops.isEmpty else { throw .invalid("trace file \(path) has no operations") }
            return trace
        }
    }

    static func compile(bytes: [UInt8], defaultConfig: FragCacheConfig) throws(WorkloadError) -> CompiledTrace {
        try compile(lines: TraceLines(bytes), defaultConfig: defaultConfig)
    }

    static func compile(lines: TraceLines, defaultConfig: FragCacheConfig) throws(WorkloadError) -> CompiledTrace {
        var trace = CompiledTrace(config: defaultConfig)
        var replayer: TraceReplayer?
        var slots: [String: Int32] = [:]
        var commitSizes: [Int32: Int] = [:]
        var released = Set<Int32>()
        var out: [String] = []
        for (lineNumber, line) in lines {
            let text: String
            switch line {
            case .success(let t): text = t
            case .failure(let error): throw .invalid("trace line \(lineNumber): \(error)")
            }
            let parsed: TraceOperation?
            do {
                parsed = try TraceParser.parse(Substring(text))
            } catch {
                throw .invalid("trace line \(lineNumber): \(error.reason)")
            }
            guard let op = parsed else { continue }
            do {
                if replayer == nil, case .config(let pageSize, let maxSize) = op {
                    replayer = try TraceReplayer(pageSize: pageSize ?? 4096, maxSize: maxSize ?? 32768, line: lineNumber)
                    // Safe to force: the replayer just accepted the same values.
                    trace.config = try! FragCacheConfig(pageSize: pageSize ?? 4096, maxSize: maxSize ?? 32768)
                    continue
                }
                if replayer == nil {
                    replayer = try TraceReplayer(pageSize: defaultConfig.pageSize, maxSize: defaultConfig.maxSize,
                                                 line: lineNumber)
                }
                out.removeAll(keepingCapacity: true)
                try replayer.unsafelyUnwrapped.run(op, line: lineNumber, into: &out)
            } catch {
                throw .invalid("trace line \(error.line): \(error.reason)")
            }
            // The replayer accepted the line; its last output line is the result.
            let result = out.last ?? ""
            func newSlot(_ name: String) -> Int32 {
                let slot = Int32(trace.slotCount)
                slots[name] = slot
                trace.slotCount += 1
                return slot
            }
            var fragments = 0
            var handedOut = 0
            let compact: Op
            switch op {
            case .config:
                preconditionFailure("the replayer accepted a config line after the first operation")
            case .alloc(let name, let size, let align):
                let isNull = result == "\(name) null"
                if isNull { trace.nullResults += 1 } else { fragments = 1; handedOut = size }
                compact = Op(code: .alloc, align: UInt32(align), slot: newSlot(name), size: size)
            case .prepare(let size, let align):
                compact = Op(code: .prepare, align: UInt32(align), slot: -1, size: size)
            case .probe(let size, let align):
                compact = Op(code: .probe, align: UInt32(align), slot: -1, size: size)
            case .commit(let name, let size):
                let slot = newSlot(name)
                commitSizes[slot] = size
                fragments = 1
                handedOut = size
                compact = Op(code: .commit, align: 1, slot: slot, size: size)
            case .commitNoref(let size):
                handedOut = size
                compact = Op(code: .commitNoref, align: 1, slot: -1, size: size)
            case .abort(let name):
                // Safe: the replayer checked that `name` is the most recent commit.
                let slot = slots[name].unsafelyUnwrapped
                let size = commitSizes[slot].unsafelyUnwrapped
                released.insert(slot)
                fragments = -1
                handedOut = -size
                compact = Op(code: .abort, align: 1, slot: slot, size: size)
            case .free(let name):
                // Safe: the replayer checked that `name` is a live fragment.
                let slot = slots[name].unsafelyUnwrapped
                released.insert(slot)
                compact = Op(code: .free, align: 1, slot: slot, size: 0)
            case .drain:
                compact = Op(code: .drain, align: 1, slot: -1, size: 0)
            case .failHighOrder(let count):
                trace.usesInjections = true
                compact = Op(code: .failHighOrder, align: 1, slot: -1, size: count)
            case .failAny(let count):
                trace.usesInjections = true
                compact = Op(code: .failAny, align: 1, slot: -1, size: count)
            case .pfmemalloc(let count):
                trace.usesInjections = true
                compact = Op(code: .pfmemalloc, align: 1, slot: -1, size: count)
            }
            if (compact.code == .prepare || compact.code == .probe) && result.hasSuffix(" null") {
                trace.nullResults += 1
            }
            trace.ops.append(compact)
            trace.lines.append(lineNumber)
            trace.allocationsAfter.append(trace.allocationsAfter[trace.allocationsAfter.count - 1] + fragments)
            trace.bytesAfter.append(trace.bytesAfter[trace.bytesAfter.count - 1] + handedOut)
        }
        trace.leftovers = (0 ..< Int32(trace.slotCount)).filter { !released.contains($0) }
        return trace
    }
}
