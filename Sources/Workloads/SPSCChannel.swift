#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import FragCache
import Synchronization

/// The cross-thread workload's ring and consumer: a 512-entry single-producer /
/// single-consumer ring of fragment addresses with the kernel's `ptr_ring` protocol (the
/// kernel test's ring, include/linux/ptr_ring.h `__ptr_ring_produce`, `__ptr_ring_consume`),
/// and a persistent consumer thread that pops and frees them.
///
/// As in ptr_ring, the slots themselves are the synchronisation: an empty slot holds 0. The
/// producer keeps its own index, finds the ring full when the slot there is not 0, and
/// publishes a fragment by storing its address (release). The consumer keeps its own index,
/// takes a non-zero slot (acquire), and hands slots back in batches of 16 (two cache lines of
/// pointers, ptr_ring's `batch`), zeroing them in reverse order so that the line the producer
/// may be reading is written last. No index is shared, so a fragment moves only its slot's
/// line between the CPUs (and that line once per 8 fragments); a head/tail ring moved the two
/// index lines on every fragment.
///
/// Indices are free-running counts (`pushed`, `popped`); a slot is `count & indexMask`.
/// `consumed` is the consumer's count as of its last handed-back batch (and the whole batch at
/// its end), for the producer's end-of-batch wait.
///
/// Between batches the consumer sleeps on a condition variable (so it costs nothing while the
/// sampler is untimed); `startBatch` raises its goal and wakes it.
class SPSCChannel: @unchecked Sendable {
    static let capacity = 512
    static let indexMask = capacity - 1
    /// ptr_ring's consumer batch: `SMP_CACHE_BYTES * 2 / sizeof(void *)`.
    static let handBackBatch = 16

    /// `capacity` slots, each 0 (empty) or a fragment's address. Safe: allocated and
    /// initialised in init, deinitialised in deinit; the producer stores only into a slot it
    /// read as 0, the consumer zeroes only slots it has taken.
    let slots: UnsafeMutablePointer<Atomic<UInt>>
    let popCPU: Int?

    private let padding1 = CacheLinePadding()
    /// Fragments the consumer has freed and handed back (see the type's notes).
    let consumed = Atomic<Int>(0)
    private let padding2 = CacheLinePadding()
    /// The goal the consumer last woke up for (written by the consumer, read by the producer
    /// in `awaitConsumerAwake`, untimed).
    let awakeFor = Atomic<Int>(0)

    // Control, all guarded by `lock`.
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private let wake: UnsafeMutablePointer<pthread_cond_t>
    /// The consumer pops until `head == goal`.
    private var goal = 0
    private var stopping = false
    private var started = false
    /// errno of the consumer's pinning, 0 if it was pinned or not asked to be.
    private var pinError: Int32 = 0

    init(popCPU: Int?) {
        self.popCPU = popCPU
        slots = .allocate(capacity: Self.capacity)
        for i in 0 ..< Self.capacity { (slots + i).initialize(to: Atomic<UInt>(0)) }
        lock = .allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        wake = .allocate(capacity: 1)
        pthread_cond_init(wake, nil)
    }

    deinit {
        pthread_cond_destroy(wake)
        wake.deallocate()
        pthread_mutex_destroy(lock)
        lock.deallocate()
        slots.deinitialize(count: Self.capacity)
        slots.deallocate()
    }

    // MARK: - Control (producer side)

    /// Starts the consumer thread and waits until it runs (pinned, if asked). Returns the
    /// thread, or an error message.
    func startConsumer() -> Result<pthread_t, WorkloadError> {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&thread, nil, { context in
            // Safe: `context` is the retained channel passed below; the thread owns that +1.
            let channel = Unmanaged<SPSCChannel>.fromOpaque(context.unsafelyUnwrapped).takeRetainedValue()
            channel.consumerMain()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<SPSCChannel>.fromOpaque(context).release()
            return .failure(.setupFailed("cannot start the consumer thread: \(String(cString: strerror(rc)))"))
        }
        pthread_mutex_lock(lock)
        while !started { pthread_cond_wait(wake, lock) }
        let error = pinError
        pthread_mutex_unlock(lock)
        if error != 0, let cpu = popCPU {
            stop(thread)
            return .failure(.setupFailed("cannot pin the consumer thread to CPU \(cpu) (popCPU): \(String(cString: strerror(error)))"))
        }
        return .success(thread)
    }

    /// Tells the consumer to pop `ops` more fragments.
    func startBatch(_ ops: Int) {
        pthread_mutex_lock(lock)
        goal += ops
        pthread_cond_signal(wake)
        pthread_mutex_unlock(lock)
    }

    /// Waits until the consumer has woken for the goal `startBatch` set last, so that its
    /// wake-up is not timed.
    func awaitConsumerAwake() {
        pthread_mutex_lock(lock)
        let target = goal
        pthread_mutex_unlock(lock)
        var spins = 0
        while awakeFor.load(ordering: .acquiring) < target { ThreadAffinity.backOff(&spins) }
    }

    /// Stops the consumer (after it has popped everything it was asked to) and joins it.
    func stop(_ thread: pthread_t) {
        pthread_mutex_lock(lock)
        stopping = true
        pthread_cond_signal(wake)
        pthread_mutex_unlock(lock)
        pthread_join(thread, nil)
    }

    // MARK: - Consumer

    private func consumerMain() {
        var error: Int32 = 0
        if let cpu = popCPU { error = ThreadAffinity.pinCurrentThread(to: cpu) }
        pthread_mutex_lock(lock)
        started = true
        pinError = error
        pthread_cond_broadcast(wake)
        pthread_mutex_unlock(lock)
        if error != 0 { return }  // startConsumer reports it and stops us

        var popped = 0
        var handedBack = 0
        while true {
            pthread_mutex_lock(lock)
            while !stopping && goal == popped { pthread_cond_wait(wake, lock) }
            let target = goal
            pthread_mutex_unlock(lock)
            if target == popped { return }  // stopping, nothing left to pop
            awakeFor.store(target, ordering: .releasing)
            popAndFree(until: target, popped: &popped, handedBack: &handedBack)
            consumed.store(popped, ordering: .releasing)
        }
    }

    /// Pops and frees until `popped == target`: `FreeingChannel` supplies the loop, specialised
    /// for its allocator's free side (one dynamic call per batch, none per fragment).
    func popAndFree(until target: Int, popped: inout Int, handedBack: inout Int) {
        preconditionFailure("SPSCChannel.popAndFree: use FreeingChannel")
    }

    /// ptr_ring's `__ptr_ring_discard_one`: once 16 slots have been taken since the last
    /// hand-back, zero them, last first, and publish the count.
    @inline(__always)
    final func handBack(popped: Int, handedBack: inout Int) {
        guard popped &- handedBack >= Self.handBackBatch else { return }
        var i = popped
        while i != handedBack {
            i &-= 1
            slots[i & Self.indexMask].store(0, ordering: .releasing)
        }
        handedBack = popped
        consumed.store(popped, ordering: .releasing)
    }
}

/// The channel with the consumer's free side: the Swift arena, the C arena or a peer's free.
final class FreeingChannel<Freer: FragmentFreer>: SPSCChannel, @unchecked Sendable {
    /// Valid while the workload (which owns the allocator) is alive; the workload joins the
    /// consumer before it lets the allocator go.
    let freer: Freer
    /// Whether the consumer yields after spinning on an empty ring (false: it spins, as the
    /// kernel test's consumer does, `RingFullPolicy.free`).
    let yields: Bool

    init(freer: Freer, popCPU: Int?, yields: Bool = true) {
        self.freer = freer
        self.yields = yields
        super.init(popCPU: popCPU)
    }

    /// Pops and frees until `popped == target`, spinning (then yielding, if `yields`) while the
    /// ring is empty.
    override func popAndFree(until target: Int, popped: inout Int, handedBack: inout Int) {
        if Freer.freesInRuns {
            popAndFreeRuns(until: target, popped: &popped, handedBack: &handedBack)
            return
        }
        let slots = self.slots
        let freer = self.freer
        let yields = self.yields
        var h = popped
        var spins = 0
        while h < target {
            // Acquire: the fragment's address was published by the producer's release store.
            let address = slots[h & SPSCChannel.indexMask].load(ordering: .acquiring)
            if address == 0 {
                if yields { ThreadAffinity.backOff(&spins) }
                continue
            }
            spins = 0
            // Safe: a non-zero slot holds the address of a fragment the producer allocated.
            freer.free(UnsafeMutableRawPointer(bitPattern: address).unsafelyUnwrapped)
            h &+= 1
            handBack(popped: h, handedBack: &handedBack)
        }
        popped = h
    }
}

extension FreeingChannel {
    /// The bulk consumer (`--api bulk`): takes the run of filled slots ahead (up to
    /// `runLength`, never across the ring's end), frees it with one bulk free, then hands
    /// slots back as the single consumer does.
    func popAndFreeRuns(until target: Int, popped: inout Int, handedBack: inout Int) {
        let slots = self.slots
        let freer = self.freer
        let limit = min(freer.runLength, SPSCChannel.handBackBatch)
        var run = [UnsafeMutableRawPointer?](repeating: nil, count: limit)
        var h = popped
        var spins = 0
        while h < target {
            let index = h & SPSCChannel.indexMask
            let most = min(SPSCChannel.capacity &- index, limit, target &- h)
            var n = 0
            while n < most {
                let address = slots[index &+ n].load(ordering: .acquiring)
                if address == 0 { break }
                run[n] = UnsafeMutableRawPointer(bitPattern: address)
                n &+= 1
            }
            if n == 0 {
                ThreadAffinity.backOff(&spins)
                continue
            }
            spins = 0
            run.withUnsafeMutableBufferPointer { freer.freeRun($0.baseAddress.unsafelyUnwrapped, count: n) }
            h &+= n
            handBack(popped: h, handedBack: &handedBack)
        }
        popped = h
    }
}

/// 64 bytes, so that the producer's and consumer's indices sit on different cache lines.
struct CacheLinePadding {
    private let words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
}
