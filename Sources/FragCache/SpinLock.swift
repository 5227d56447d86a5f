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
/// A handle, like the arena's descriptor pointer: copies share one lock, and its owner frees
/// it once with `deallocate()`. The lock word and the value share one allocation, aligned to
/// and padded out to whole cache lines, so taking the lock brings the value's first line with
/// it, one pointer leads to both, and no other data shares those lines. (With the value in an
/// allocation of its own and the word in a 16-byte one, alloc-free and alloc-only 64 B at a
/// 4 KiB max size ran 4.0% and 2.1% slower, paired, AMD EPYC.)
///
/// `@unchecked Sendable`, safely: every access to the value goes through withLock, under the lock.
public struct SpinLock<Value>: @unchecked Sendable {
    /// The word (0 free, 1 held) at offset 0, the value at `valueOffset`.
    @usableFromInline let base: UnsafeMutableRawPointer

    @usableFromInline static var line: Int { 64 }
    @usableFromInline static var valueOffset: Int {
        let alignment = MemoryLayout<Value>.alignment
        return (MemoryLayout<Atomic<UInt32>>.size + alignment - 1) / alignment * alignment
    }
    static var byteCount: Int { (valueOffset + MemoryLayout<Value>.size + line - 1) / line * line }

    /// A new lock holding `initial`; free it with `deallocate()`.
    public init(_ initial: consuming Value) {
        base = .allocate(byteCount: Self.byteCount, alignment: max(Self.line, MemoryLayout<Value>.alignment))
        base.bindMemory(to: Atomic<UInt32>.self, capacity: 1).initialize(to: Atomic(0))
        (base + Self.valueOffset).bindMemory(to: Value.self, capacity: 1).initialize(to: initial)
    }

    /// Destroys the value and frees the lock. Invariant: nobody uses this lock, or any copy of
    /// it, afterwards (the owner calls it from its deinit).
    public func deallocate() {
        assert(word.pointee.load(ordering: .relaxed) == 0, "SpinLock freed while held")
        value.deinitialize(count: 1)
        base.deallocate()
    }

    // Safe: both were initialised by init and live until deallocate().
    @usableFromInline var word: UnsafeMutablePointer<Atomic<UInt32>> { base.assumingMemoryBound(to: Atomic<UInt32>.self) }
    @usableFromInline var value: UnsafeMutablePointer<Value> { (base + Self.valueOffset).assumingMemoryBound(to: Value.self) }

    /// Runs `body` with exclusive access to the value. The same signature as `Mutex.withLock`
    /// (`sending`).
    /// Not reentrant: `body` must not take this lock again.
    @inlinable @inline(__always)
    public func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        if !word.pointee.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged {
            waitAndLock()
        }
        defer {
            // Invariant: only the holder releases, and it holds the lock here.
            assert(word.pointee.load(ordering: .relaxed) == 1, "SpinLock released while not held")
            word.pointee.store(0, ordering: .releasing)
        }
        // Safe: `value` is initialised from init to deallocate(), and holding the lock makes this
        // the only access to it for the duration of `body`.
        return try body(&value.pointee)
    }

    /// Plain loads until the lock looks free (no locked instruction while it is held, so the
    /// holder's cache line is not taken from it), then one compare-and-swap.
    @usableFromInline @inline(never)
    func waitAndLock() {
        var spins = 0
        while true {
            while word.pointee.load(ordering: .relaxed) != 0 {
                spins += 1
                if spins == Self.spinsBeforeYield {
                    spins = 0
                    sched_yield()
                }
            }
            if word.pointee.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged { return }
        }
    }

    /// About a microsecond of spinning: the buddy allocator's critical sections are far shorter,
    /// so a waiter that spins this long is most likely waiting on a preempted holder.
    @usableFromInline static var spinsBeforeYield: Int { 1024 }
}
