#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import FragCache
import Synchronization

/// cross-thread: the kernel's page_frag test module (mm selftests, `page_frag_test`) in
/// userspace. The producer (the thread calling `runBatch`) allocates `fragsz` bytes
/// (`test_alloc_len`, aligned to `align` when it is above 1) and pushes each address into a
/// 512-entry SPSC ring; a consumer thread pops and frees them, so every free is remote and the
/// page refcount's cache line bounces between the CPUs as in the kernel test.
///
/// `count` (`nr_test`) is the fixed batch size: one batch is one run of the kernel test, and
/// the timed region is the whole of it, from waking the consumer until it has freed the last
/// fragment (the kernel test reports the same span). One operation = one fragment allocated,
/// pushed, popped and freed. The consumer thread is started at init and kept across batches,
/// so thread start-up is not timed.
///
/// Differences from the kernel test:
/// - By default (`ringFull == .wait`) the producer waits for room when the ring is full
///   (spinning, then yielding) instead of freeing the fragment it holds and allocating again,
///   so that every operation is exactly one allocation; `.free` follows the module (see
///   `RingFullPolicy`), and its consumer spins without yielding as the module's does.
/// - An allocation that fails is retried (the module skips the push and loops).
/// - The ring follows ptr_ring's protocol (see `SPSCChannel`) without its spinlocks: the
///   module calls the lockless `__ptr_ring_produce` and `__ptr_ring_consume`.
/// - The consumer is woken for a batch before the timed region starts (`prepareBatch`): the
///   kernel test times its threads' wake-up too, over 2 million operations or more, where it
///   is lost in the sum; over one short sample here it would be a large, noisy share.
///
/// `usePrepare` replaces the allocation with prepare(fragsz, align) + commit(fragsz), the
/// kernel test's `test_prepare` path. `pushCPU` pins the producer (the calling thread, in
/// `prepareBatch`; its previous mask is restored by `tearDown` if called on the same thread);
/// `popCPU` pins the consumer.
final class CrossThreadRunner<A: FragmentAllocator & ~Copyable>: WorkloadRunner {
    public let parameters: WorkloadParameters
    var cache: A
    let channel: FreeingChannel<A.Freer>
    private var consumer: pthread_t?
    /// Fragments pushed so far: the producer's copy of the ring's tail.
    private var pushed = 0
    private var allocations = 0
    /// The count `prepareBatch` woke the consumer for, until `runBatch` runs it.
    private var batchStarted: Int?
    /// Wall time of the last `runBatch`, CLOCK_MONOTONIC nanoseconds (the kernel test's figure).
    public private(set) var lastBatchNanoseconds: UInt64 = 0
    /// Why pinning the producer to `pushCPU` failed, if it did.
    public private(set) var producerPinError: String?
    private var producerPin: (thread: pthread_t, previous: cpu_set_t)?

    public init(_ parameters: WorkloadParameters) throws(WorkloadError) {
        try parameters.validate(as: .crossThread)
        self.parameters = parameters
        if parameters.usePrepare && !A.implementation.isPageFrag {
            throw .notApplicable("cross-thread --prepare needs the page_frag prepare/commit API")
        }
        cache = try A.make(parameters)
        channel = FreeingChannel(freer: cache.freer, popCPU: parameters.popCPU, yields: parameters.ringFull == .wait)
        switch channel.startConsumer() {
        case .success(let thread): consumer = thread
        case .failure(let error): throw error
        }
    }

    deinit { stopConsumer() }

    public var fixedBatchSize: Int? { parameters.count }
    public var maxBatchSize: Int? { nil }

    public func prepareBatch(_ ops: Int) {
        pinProducer()
        // Untimed: wake the consumer and wait until it runs (see the type's notes).
        channel.startBatch(ops)
        channel.awaitConsumerAwake()
        batchStarted = ops
    }

    private func pinProducer() {
        guard let cpu = parameters.pushCPU, producerPin == nil else { return }
        let previous = ThreadAffinity.currentMask()
        let error = ThreadAffinity.pinCurrentThread(to: cpu)
        if error != 0 {
            producerPinError = "cannot pin the producer to CPU \(cpu) (pushCPU): \(String(cString: strerror(error)))"
        } else if let previous {
            producerPin = (pthread_self(), previous)
        }
    }

    public func runBatch(_ ops: Int) {
        precondition(consumer != nil, "cross-thread: runBatch after tearDown")
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        // A caller that skipped prepareBatch (or asked for another count) wakes it here.
        if batchStarted != ops { channel.startBatch(ops) }
        batchStarted = nil
        // Plain locals, so the closures capture two integers (no reference counting).
        let fragsz = parameters.fragsz
        let align = parameters.align
        pushed = A.produce(&cache, channel: channel, ops: ops, pushed: pushed, fragsz: fragsz, align: align,
                           prepared: parameters.usePrepare, freeWhenFull: parameters.ringFull == .free)
        Self.awaitConsumer(channel, pushed: pushed)
        var end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &end)
        lastBatchNanoseconds = UInt64(end.tv_sec - start.tv_sec) &* 1_000_000_000 &+ UInt64(end.tv_nsec) &- UInt64(start.tv_nsec)
        allocations += ops
    }

    /// Waits until the consumer has freed everything pushed.
    private static func awaitConsumer(_ channel: SPSCChannel, pushed: Int) {
        var spins = 0
        while channel.consumed.load(ordering: .acquiring) != pushed { ThreadAffinity.backOff(&spins) }
    }

    public func finishBatch() {}

    /// Figures: allocations = operations (every one succeeds, failures are retried); bytes =
    /// allocations × fragsz. Peak pinned memory covers everything since init (the ring holds
    /// at most 512 fragments plus the one being pushed).
    public func figures() -> CacheFigures {
        cache.figures(allocations: allocations, bytesHandedOut: allocations * parameters.fragsz) ?? .unavailable
    }

    public var figuresUnavailableReason: String? { A.implementation.isPageFrag ? nil : notAPageFragCache }

    public func tearDown() -> String? {
        stopConsumer()
        if let pin = producerPin, pthread_equal(pin.thread, pthread_self()) != 0 {
            ThreadAffinity.setCurrentMask(pin.previous)
        }
        producerPin = nil
        return cache.tearDown()
    }

    private func stopConsumer() {
        guard let thread = consumer else { return }
        channel.stop(thread)
        consumer = nil
    }
}

/// cross-thread on the Swift model, `remaining` layout.
typealias CrossThreadWorkload = CrossThreadRunner<SwiftRemaining>


/// The producer's loop: allocate, wait for room (or, `freeWhenFull`, free the fragment and
/// allocate again, as the kernel test module does), push. Returns the new count pushed.
/// Reached through `A.produce` (a requirement), so it is compiled for the concrete allocator.
@inline(__always)
func produceLoop<A: FragmentAllocator & ~Copyable>(_ cache: inout A, channel: SPSCChannel, ops: Int, pushed: Int,
                                                   freeWhenFull: Bool,
                                                   _ allocate: (inout A) -> UnsafeMutableRawPointer?) -> Int {
    let slots = channel.slots
    let freer = cache.freer
    var t = pushed
    let end = pushed &+ ops
    while t != end {
        var fragment = allocate(&cache)
        if _slowPath(fragment == nil) { fragment = retryAllocation(&cache, channel: channel, pushed: t, allocate) }
        let slot = slots + (t & SPSCChannel.indexMask)
        // __ptr_ring_produce: the ring is full when the slot ahead is still taken.
        if slot.pointee.load(ordering: .relaxed) != 0 {
            if freeWhenFull {
                // page_frag_free(va), cond_resched(), allocate again.
                // Safe: the fragment was allocated just above and never published.
                freer.free(fragment.unsafelyUnwrapped)
                continue
            }
            var spins = 0
            repeat { ThreadAffinity.backOff(&spins) } while slot.pointee.load(ordering: .relaxed) != 0
        }
        // Release: the consumer's acquire load of the slot sees the fragment (and what the
        // allocator wrote for it) complete.
        slot.pointee.store(UInt(bitPattern: fragment), ordering: .releasing)
        t &+= 1
    }
    return t
}

/// The bulk producer's push: `count` fragments from `batch` into the ring, waiting for each
/// slot to be free (a bulk run is pushed whole whatever `--ring-full` says).
@inline(__always)
func pushRun(_ channel: SPSCChannel, batch: UnsafeMutablePointer<UnsafeMutableRawPointer?>, count: Int, pushed: Int) -> Int {
    let slots = channel.slots
    var t = pushed
    for k in 0 ..< count {
        let slot = slots + (t & SPSCChannel.indexMask)
        var spins = 0
        while slot.pointee.load(ordering: .relaxed) != 0 { ThreadAffinity.backOff(&spins) }
        slot.pointee.store(UInt(bitPattern: batch[k]), ordering: .releasing)
        t &+= 1
    }
    return t
}

/// An allocation failed (no page): the consumer's frees may make room, so yield and retry.
/// If the consumer has freed everything and it still fails, the arena is too small: trap
/// rather than spin forever.
@inline(never)
func retryAllocation<A: FragmentAllocator & ~Copyable>(_ cache: inout A, channel: SPSCChannel, pushed: Int,
                                                       _ allocate: (inout A) -> UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer {
    var attempts = 0
    while true {
        sched_yield()
        if let fragment = allocate(&cache) { return fragment }
        attempts += 1
        // The consumer hands slots back (and publishes its count) 16 at a time, having freed
        // them already: within one batch of pushed, everything has been freed.
        if attempts > 10_000 && pushed &- channel.consumed.load(ordering: .acquiring) < SPSCChannel.handBackBatch {
            preconditionFailure("cross-thread: no page for a fragment although every pushed fragment was freed; the arena is too small")
        }
    }
}

extension CrossThreadRunner where A == SwiftRemaining {
    /// The Swift model's page allocator (tests look inside).
    var allocator: PageAllocator { cache.pageAllocator }
}
