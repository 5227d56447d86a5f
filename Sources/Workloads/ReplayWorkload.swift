import FragCache
import FragReplay

/// replay: the operations of a trace file (SPEC 5), timed.
///
/// At init (untimed) the trace is read and run once through `TraceReplayer`, the reference
/// replay behind `fragbench replay`, so a bad trace is reported exactly as there, as
/// `.invalid("trace line L: …")`; it is then compiled to a compact form with fragment names
/// resolved to integer slots (`CompiledTrace`), and one untimed rehearsal pass checks that the
/// workload's arena gives the same results as the reference replay.
///
/// What is timed: one operation = one trace line (alloc, prepare, probe, commit, commit_noref,
/// abort, free, drain, or an injection, which arms the allocator's knob). Batches run the trace
/// over and over from where the last batch stopped, so a batch may begin or end mid-trace. At
/// the end of each pass a reset brings the cache and allocator back to the state the trace
/// started from: it frees the fragments the trace left live, drains the cache and disarms
/// left-over injections. The reset runs inside the timed region and is charged to the pass's
/// lines (a runner cannot stop its clock mid-batch); for a trace that frees everything and
/// drains at its end it is one check per left-over slot and an empty drain.
///
/// The configuration is the trace's `config` line if it has one (`parameters.config` then
/// reports it), else `parameters.config`.
///
/// Figures: allocations and bytes are those of the reference replay, per line, times the
/// lines run (the rehearsal pass included); the cache's counters come from the model as usual.
public final class ReplayWorkload: WorkloadRunner {
    public let parameters: WorkloadParameters
    let allocator: PageAllocator
    var cache: FragCache
    let trace: CompiledTrace
    /// Safe: `trace.ops.count` ops, read-only after init; freed in deinit.
    let ops: UnsafeMutablePointer<CompiledTrace.Op>
    /// Safe: one entry per slot, nil or a live fragment; freed in deinit.
    let slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    /// Safe: `trace.leftovers.count` slot numbers below `trace.slotCount`.
    let leftovers: UnsafeMutablePointer<Int32>
    var state = ReplayState()
    /// Trace lines run so far (the rehearsal pass included).
    public private(set) var linesRun = 0
    /// Allocations, prepares, probes and commits that came back null, over every pass.
    public var nullResults: Int { state.nulls }

    public init(_ parameters: WorkloadParameters) throws(WorkloadError) {
        try parameters.validate(as: .replay)
        // Safe: validate checked that the path is there.
        let path = parameters.tracePath.unsafelyUnwrapped
        trace = try CompiledTrace.load(path: path, defaultConfig: parameters.config)
        var effective = parameters
        effective.config = trace.config
        self.parameters = effective
        guard effective.arenaBytes >= 2 * trace.config.maxSize else {
            throw .invalid("arenaBytes \(effective.arenaBytes) must hold at least two \(trace.config.maxSize)-byte pages (the trace's max_size)")
        }
        allocator = try makeAllocator(effective)
        cache = FragCache(allocator: allocator, config: trace.config)
        ops = .allocate(capacity: trace.ops.count)
        ops.initialize(from: trace.ops, count: trace.ops.count)
        slots = .allocate(capacity: max(1, trace.slotCount))
        slots.initialize(repeating: nil, count: max(1, trace.slotCount))
        leftovers = .allocate(capacity: max(1, trace.leftovers.count))
        leftovers.initialize(from: trace.leftovers, count: trace.leftovers.count)

        // Rehearsal: one pass, untimed, must meet the same nulls as the reference replay.
        runBatch(trace.ops.count)
        guard state.nulls == trace.nullResults else {
            throw .setupFailed("trace \(path): \(state.nulls) null results in the workload's \(effective.arenaBytes)-byte arena, \(trace.nullResults) in the reference replay; give the workload a larger arena")
        }
    }

    deinit {
        ops.deallocate()
        slots.deallocate()
        leftovers.deallocate()
    }

    public var fixedBatchSize: Int? { nil }
    public var maxBatchSize: Int? { nil }

    public func prepareBatch(_ ops: Int) {}

    public func runBatch(_ ops: Int) {
        let count = trace.ops.count
        var left = ops
        while left > 0 {
            let n = min(left, count - state.position)
            Self.interpret(&cache, ops: self.ops + state.position, count: n, slots: slots,
                           allocator: allocator, state: &state)
            state.position += n
            left -= n
            if state.position == count {
                Self.reset(&cache, slots: slots, leftovers: leftovers, leftoverCount: trace.leftovers.count,
                           allocator: allocator, disarm: trace.usesInjections)
                state.position = 0
                state.prepared = false
            }
        }
        linesRun += ops
    }

    /// The timed interpreter: one switch per line over the compact ops.
    @inline(__always)
    static func interpret(_ cache: inout FragCache, ops: UnsafeMutablePointer<CompiledTrace.Op>, count: Int,
                          slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>, allocator: PageAllocator,
                          state: inout ReplayState) {
        var prepared = state.prepared
        var pageBase = state.pageBase
        var nulls = 0
        for k in 0 ..< count {
            // Safe: k < count, inside the trace; slots are below slotCount (CompiledTrace).
            let op = ops[k]
            let slot = Int(op.slot)
            switch op.code {
            case .alloc:
                let fragment = op.align == 1 ? cache.allocVA(op.size) : cache.allocVA(op.size, align: Int(op.align))
                slots[slot] = fragment
                if fragment == nil { nulls &+= 1 }
                prepared = false
            case .prepare, .probe:
                let area = op.code == .prepare ? cache.prepare(op.size, align: Int(op.align))
                                               : cache.probe(op.size, align: Int(op.align))
                if let area {
                    prepared = true
                    pageBase = UInt(bitPattern: area.address) &- UInt(area.offset)
                } else {
                    prepared = false
                    nulls &+= 1
                }
            case .commit:
                // The reference replay checked that an area is prepared and the size fits; the
                // flag only guards against a pass that went differently (a smaller arena).
                if prepared {
                    let offset = cache.commit(op.size)
                    slots[slot] = UnsafeMutableRawPointer(bitPattern: pageBase &+ UInt(offset))
                }
            case .commitNoref:
                if prepared { cache.commitNoref(op.size) }
            case .abort:
                if prepared && slots[slot] != nil {
                    cache.abort(op.size)
                    slots[slot] = nil
                }
            case .free:
                if let fragment = slots[slot] {
                    cache.free(fragment)
                    slots[slot] = nil
                }
            case .drain:
                cache.drain()
                prepared = false
            case .failHighOrder:
                allocator.failNextHighOrder(op.size)
            case .failAny:
                allocator.failNextAny(op.size)
            case .pfmemalloc:
                allocator.pfmemallocNext(op.size)
            }
        }
        state.prepared = prepared
        state.pageBase = pageBase
        state.nulls &+= nulls
    }

    /// End of a pass: free what the trace left live, drain, disarm. Afterwards the cache is
    /// empty and every page is back with the allocator, as when the trace started.
    @inline(__always)
    static func reset(_ cache: inout FragCache, slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                      leftovers: UnsafeMutablePointer<Int32>, leftoverCount: Int,
                      allocator: PageAllocator, disarm: Bool) {
        for i in 0 ..< leftoverCount {
            let slot = Int(leftovers[i])
            if let fragment = slots[slot] {
                cache.free(fragment)
                slots[slot] = nil
            }
        }
        cache.drain()
        if disarm {
            allocator.failNextAny(0)
            allocator.failNextHighOrder(0)
            allocator.pfmemallocNext(0)
        }
    }

    public func finishBatch() {}

    public func figures() -> CacheFigures {
        let count = trace.ops.count
        let passes = linesRun / count
        let rest = linesRun % count
        return CacheFigures.from(stats: cache.stats, remaining: cache.remaining, allocator: allocator.stats,
                                 pageSize: trace.config.pageSize,
                                 allocations: passes * trace.allocationsAfter[count] + trace.allocationsAfter[rest],
                                 bytesHandedOut: passes * trace.bytesAfter[count] + trace.bytesAfter[rest],
                                 operations: linesRun)
    }

    /// Lines in one pass of the trace.
    public var traceLength: Int { trace.ops.count }

    public func tearDown() -> String? {
        let arena = allocator.arena
        for slot in 0 ..< trace.slotCount {
            if let fragment = slots[slot] { arena.freeFragment(fragment) }
            slots[slot] = nil
        }
        cache.drain()
        state.position = 0
        state.prepared = false
        allocator.failNextAny(0)
        allocator.failNextHighOrder(0)
        allocator.pfmemallocNext(0)
        return leakReport(allocator)
    }
}

/// Where the replay stands between batches.
struct ReplayState {
    /// The next line (op index) to run.
    var position = 0
    /// Whether the last prepare/probe found room and nothing has ended the area since.
    var prepared = false
    /// Address of the prepared area's page, for turning commit offsets into addresses.
    var pageBase: UInt = 0
    var nulls = 0
}
