import Foundation
import Measure
import Workloads

/// The worker's state: the point it serves, its timer overhead and its canary.
package final class WorkerSession {
    package let cpu: Int?
    package let inflatePermille: Int
    /// A known, footprint-neutral slowdown: this many ns of dependent arithmetic per operation
    /// inside each timed batch (`pair --head-delay-ns`); 0: none.
    package let delayNanosecondsPerOp: Double
    /// A known slowdown of exactly this many per mille of each timed batch's own time: the batch
    /// is timed inside the bracket, then that share of it is spent in dependent arithmetic
    /// (`pair --head-delay-permille`); 0: none. Its truth is the same ratio on every point.
    package let delayPermille: Int
    private let delay: ArithmeticDelay?
    package let canary = NoiseCanary()
    private var runner: (any WorkloadRunner)?
    private var overheadNanoseconds = 0.0

    /// Reads a request without a `spec` (from a controller that predates it); nil: refuse them.
    private let legacyPoint: ((WorkerProtocol.PointRequest) throws -> WorkloadParameters)?

    package init(cpu: Int?, inflatePermille: Int = 0, delayNanosecondsPerOp: Double = 0, delayPermille: Int = 0,
                 legacyPoint: ((WorkerProtocol.PointRequest) throws -> WorkloadParameters)? = nil) {
        self.cpu = cpu
        self.inflatePermille = inflatePermille
        self.delayNanosecondsPerOp = delayNanosecondsPerOp
        self.delayPermille = delayPermille
        self.delay = delayNanosecondsPerOp > 0 || delayPermille > 0 ? ArithmeticDelay.calibrate() : nil
        self.legacyPoint = legacyPoint
    }

    package func handle(_ request: WorkerProtocol.Request) -> String {
        switch request {
        case .point(let p): return setUp(p)
        case .calibrate(let goal): return calibrate(goal)
        case .sample(let ops): return sample(ops)
        case .end:
            let leak = runner?.tearDown()
            runner = nil
            return leak.map { "error \($0)" } ?? "ok"
        case .quit:
            return "ok"
        }
    }

    /// Before the worker exits: the point torn down, and the thread unpinned, so that the
    /// kernel's freeing of the arena at exit runs on whichever CPU is free (the pairer stops
    /// both workers at once, and both were pinned to the same CPU).
    package func finish() {
        _ = runner?.tearDown()
        runner = nil
        _ = CPUAffinity.unpin()
    }

    private func setUp(_ request: WorkerProtocol.PointRequest) -> String {
        if let old = runner { _ = old.tearDown(); runner = nil }
        let parameters: WorkloadParameters
        do {
            if let spec = request.spec {
                parameters = try spec.checkedParameters()
            } else if let legacyPoint {
                parameters = try legacyPoint(request)
            } else {
                return "error no point description"
            }
        } catch {
            return "error \(error)".replacingOccurrences(of: "\n", with: " ")
        }
        // The workload (and its arena's populate) first, then the pin: the pairer sets both
        // workers up at once, and unpinned their populates run on the two CPUs in parallel.
        do {
            runner = try makeWorkload(parameters)
        } catch {
            return "error \(error)"
        }
        let pin = parameters.kind.isSingleThreaded ? cpu : parameters.pushCPU
        if let pin, case .failure(let error) = CPUAffinity.pin(to: pin) {
            if let runner { _ = runner.tearDown() }
            runner = nil
            return "error cannot pin to CPU \(pin): \(error)"
        }
        overheadNanoseconds = Self.measureOverhead()
        if canary.readings.isEmpty { canary.warmUp() }
        return "ready \(request.label)"
    }

    private func calibrate(_ goal: UInt64) -> String {
        guard let runner else { return "error no point set up" }
        let ops: Int
        if let fixed = runner.fixedBatchSize {
            ops = fixed
        } else {
            let floor = OperationCount.goal(minimum: goal, clockResolution: MonotonicClock.resolutionNanoseconds(),
                                            overhead: overheadNanoseconds)
            ops = OperationCount.choose(goal: floor, maxOps: 1 << 40) { timedBatches($0).nanoseconds }
        }
        // Warm-up at the chosen size (caches, predictors, the allocator's free lists).
        var warmed: UInt64 = 0
        repeat { warmed &+= timedBatches(ops).nanoseconds } while warmed < 20_000_000
        return "ops \(ops)"
    }

    private func sample(_ ops: Int) -> String {
        guard let runner else { return "error no point set up" }
        let canaryReading = canary.read()
        let inflated = runner.fixedBatchSize == nil ? ops + ops * inflatePermille / 1_000 : ops
        let (elapsed, batches) = timedBatches(inflated)
        let perOp = OverheadCorrection.perOp(elapsed: Double(elapsed), overhead: overheadNanoseconds * Double(batches),
                                             operations: ops, subtract: true).perOp
        return WorkerProtocol.SampleReply(nanosecondsPerOp: perOp, canaryNanosecondsPerStep: canaryReading).line
    }

    /// The timed time of `ops` operations and how many timed batches (one bracket overhead
    /// each) it took: the sampler's bracket (`BatchTiming`), without counters.
    private func timedBatches(_ ops: Int) -> (nanoseconds: UInt64, batches: Int) {
        guard let runner else { return (0, 0) }
        let delay = self.delay, perOp = delayNanosecondsPerOp, share = Double(delayPermille) / 1_000
        let t = BatchTiming.time(ops, limit: runner.maxBatchSize, setup: { n in runner.prepareBatch(n) },
                                 run: { _, n in
                                     guard let delay else { return runner.runBatch(n) }
                                     if share > 0 {
                                         // Two clock reads more than the base's bracket: about 40 ns
                                         // of a batch of a millisecond or more (under 0.01%).
                                         let t0 = MonotonicClock.nanoseconds()
                                         runner.runBatch(n)
                                         let own = Double(MonotonicClock.nanoseconds() &- t0)
                                         ArithmeticDelay.spin(steps: delay.steps(nanoseconds: own * share))
                                     } else {
                                         runner.runBatch(n)
                                         ArithmeticDelay.spin(steps: delay.steps(nanoseconds: Double(n) * perOp))
                                     }
                                 }, teardown: { _ in runner.finishBatch() })
        return (t.ns, t.batches)
    }

    /// Median of empty timed brackets, as the sampler measures it.
    package static func measureOverhead() -> Double {
        BatchTiming.overhead(batches: 101).ns
    }
}
