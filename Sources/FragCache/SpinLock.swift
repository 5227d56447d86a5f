#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// A value guarded by a spinlock, the lock the kernel's page allocator takes (zone->lock is a
/// spinlock): acquired with one locked compare-and-swap and released with a plain release
/// store, as x86's queued spinlock releases it. One locked instruction per lock and unlock.
///
/// Why not `Synchronization.Mutex`: on Linux its unlock is a second locked compare-and-swap
/// (it must see waiters to wake), so each page allocation or free paid two locked instructions
/// where the kernel pays one; and ThreadSanitizer cannot see it (its lock is in the
/// uninstrumented standard library), while this lock's atomics are inlined here and TSan
/// checks them (`make sanitize`). Why not a pthread mutex: two calls into libc per
/// acquisition, and none of its atomics while glibc runs a process single-threaded. The C twin
/// takes the same lock (`cfrag_arena_lock` in cfragcache.c); with `pthread_mutex` in a
/// single-threaded `pair` worker it paid no locked instruction where this model's `Mutex` paid
/// four per refill, which is what made the model slower than its twin at a 4 KiB max size on a
/// CPU with costly atomics.
///
/// A holder is never made to wait on a sleeping waiter, so the lock suits short critical
/// sections only (the buddy allocator's): a waiter spins on plain loads and yields the CPU
/// after a while, in case the holder was preempted on this CPU.
///
/// Noncopyable: one lock word, shared in place. The value lives in its own allocation, whose
/// address never changes while threads use it.
public struct SpinLock<Value>: ~Copyable {
    /// 0 free, 1 held.
    @usableFromInline let word: Atomic<UInt32>
    @usableFromInline let value: UnsafeMutablePointer<Value>

    public init(_ initial: consuming Value) {
        word = Atomic(0)
        value = .allocate(capacity: 1)
        value.initialize(to: initial)
    }

    deinit {
        value.deinitialize(count: 1)
        value.deallocate()
    }

    /// Runs `body` with exclusive access to the value. The same signature as `Mutex.withLock`
    /// (`sending`).
    /// Not reentrant: `body` must not take this lock again.
    @inlinable @inline(__always)
    public borrowing func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        if !word.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged {
            waitAndLock()
        }
        defer {
            // Invariant: only the holder releases, and it holds the lock here.
            assert(word.load(ordering: .relaxed) == 1, "SpinLock released while not held")
            word.store(0, ordering: .releasing)
        }
        // Safe: `value` is initialised from init to deinit, and holding the lock makes this
        // the only access to it for the duration of `body`.
        return try body(&value.pointee)
    }

    /// Plain loads until the lock looks free (no locked instruction while it is held, so the
    /// holder's cache line is not taken from it), then one compare-and-swap.
    @usableFromInline @inline(never)
    borrowing func waitAndLock() {
        var spins = 0
        while true {
            while word.load(ordering: .relaxed) != 0 {
                spins += 1
                if spins == Self.spinsBeforeYield {
                    spins = 0
                    sched_yield()
                }
            }
            if word.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged { return }
        }
    }

    /// About a microsecond of spinning: the buddy allocator's critical sections are far shorter,
    /// so a waiter that spins this long is most likely waiting on a preempted holder.
    @usableFromInline static var spinsBeforeYield: Int { 1024 }
}

// Safe: every access to the value goes through withLock, under the lock.
extension SpinLock: @unchecked Sendable {}
