#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import FragCache
import Synchronization

/// The cross-thread workload's ring and consumer: a 512-entry single-producer /
/// single-consumer ring of fragment addresses (the kernel test's `ptr_ring`), and a persistent
/// consumer thread that pops and frees them.
///
/// Indices are free-running counts: `tail` = fragments pushed, `head` = fragments popped and
/// freed. The producer writes a slot, then publishes it by storing `tail` (release); the
/// consumer reads `tail` (acquire) before reading slots, frees, then stores `head` (release),
/// which hands the slot back. Each side caches the other's index and re-reads it only when the
/// ring looks full or empty.
///
/// Between batches the consumer sleeps on a condition variable (so it costs nothing while the
/// sampler is untimed); `startBatch` raises its goal and wakes it.
class SPSCChannel: @unchecked Sendable {
    static let capacity = 512
    static let indexMask = capacity - 1

    /// Safe: `capacity` entries, written only by the producer at index `tail & mask` while
    /// `tail - head < capacity`, read only by the consumer at `head & mask` while `head < tail`.
    let slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    let popCPU: Int?

    /// Written by the producer only.
    let tail = Atomic<Int>(0)
    private let padding1 = CacheLinePadding()
    /// Written by the consumer only.
    let head = Atomic<Int>(0)
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
        slots.initialize(repeating: nil, count: Self.capacity)
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
        var seenTail = 0
        while true {
            pthread_mutex_lock(lock)
            while !stopping && goal == popped { pthread_cond_wait(wake, lock) }
            let target = goal
            pthread_mutex_unlock(lock)
            if target == popped { return }  // stopping, nothing left to pop
            awakeFor.store(target, ordering: .releasing)
            popAndFree(until: target, popped: &popped, seenTail: &seenTail)
        }
    }

    /// Pops and frees until `popped == target`: `FreeingChannel` supplies the loop, specialised
    /// for its allocator's free side (one dynamic call per batch, none per fragment).
    func popAndFree(until target: Int, popped: inout Int, seenTail: inout Int) {
        preconditionFailure("SPSCChannel.popAndFree: use FreeingChannel")
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
    override func popAndFree(until target: Int, popped: inout Int, seenTail: inout Int) {
        if Freer.freesInRuns {
            popAndFreeRuns(until: target, popped: &popped, seenTail: &seenTail)
            return
        }
        let slots = self.slots
        let freer = self.freer
        let yields = self.yields
        var h = popped
        var spins = 0
        while h < target {
            if h == seenTail {
                seenTail = tail.load(ordering: .acquiring)
                if h == seenTail {
                    if yields { ThreadAffinity.backOff(&spins) }
                    continue
                }
                spins = 0
            }
            // Safe: h < seenTail, so the producer wrote this slot before its release store of
            // tail, which our acquire load saw; the producer will not reuse it until head > h.
            let fragment = slots[h & SPSCChannel.indexMask].unsafelyUnwrapped
            freer.free(fragment)
            h &+= 1
            head.store(h, ordering: .releasing)
        }
        popped = h
    }
}

extension FreeingChannel {
    /// The bulk consumer (`--api bulk`): frees what the producer has published, up to
    /// `runLength` fragments per bulk free (never across the ring's end), then hands the slots
    /// back with one store of head.
    func popAndFreeRuns(until target: Int, popped: inout Int, seenTail: inout Int) {
        let slots = self.slots
        let freer = self.freer
        let limit = freer.runLength
        var h = popped
        var spins = 0
        while h < target {
            if h == seenTail {
                seenTail = tail.load(ordering: .acquiring)
                if h == seenTail {
                    ThreadAffinity.backOff(&spins)
                    continue
                }
                spins = 0
            }
            let index = h & SPSCChannel.indexMask
            let n = min(seenTail &- h, SPSCChannel.capacity &- index, limit, target &- h)
            // Safe: h + n <= seenTail, so the producer published these slots (see above).
            freer.freeRun(slots + index, count: n)
            h &+= n
            head.store(h, ordering: .releasing)
        }
        popped = h
    }
}

/// 64 bytes, so that the producer's and consumer's indices sit on different cache lines.
struct CacheLinePadding {
    private let words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
}
