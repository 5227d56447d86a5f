// CFragShim: the handful of machine and kernel entry points that Swift cannot
// reach directly (inline asm, variadic syscall(2), ioctl(2) request macros,
// cpu_set_t macros, valgrind client-request macros).
//
// Hot-path helpers (TSC reads, sinks) are `static inline` so that Swift's
// clang importer emits them into the caller: a real call would add its own
// cost to every timed batch.
#ifndef CFRAGSHIM_H
#define CFRAGSHIM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/perf_event.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: - Time stamp counter

/// Wraps the `rdtsc` instruction, preceded by `lfence`.
///
/// Used to open a timed batch. `lfence` waits until every earlier instruction
/// has completed locally, so work issued before the batch cannot leak into it,
/// and `rdtsc` itself cannot be hoisted above that work. (On AMD, `lfence` is
/// dispatch-serialising because Linux sets MSR C001_1029[1] at boot; on Intel
/// it always is.) Pair with `fb_rdtscp()` at the end of the batch.
static inline uint64_t fb_rdtsc(void) {
#if defined(__x86_64__) || defined(__i386__)
    uint32_t lo, hi;
    __asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
#else
    return 0;
#endif
}

/// Wraps the `rdtscp` instruction, followed by `lfence`.
///
/// Used to close a timed batch. `rdtscp` waits until all earlier instructions
/// (the batch) have executed before reading the counter; the trailing `lfence`
/// stops instructions after the batch from starting before the read. The
/// pair `lfence;rdtsc` ... `rdtscp;lfence` therefore brackets exactly the
/// batch without the cost of `cpuid`.
static inline uint64_t fb_rdtscp(void) {
#if defined(__x86_64__) || defined(__i386__)
    uint32_t lo, hi, aux;
    __asm__ volatile("rdtscp\n\tlfence" : "=a"(lo), "=d"(hi), "=c"(aux) : : "memory");
    (void)aux;
    return ((uint64_t)hi << 32) | lo;
#else
    return 0;
#endif
}

/// Whether this build has a usable TSC implementation (x86 only); on other
/// architectures `fb_rdtsc`/`fb_rdtscp` return 0 and callers must not use them.
static inline int fb_has_tsc(void) {
#if defined(__x86_64__) || defined(__i386__)
    return 1;
#else
    return 0;
#endif
}

// MARK: - Optimisation barriers

/// An empty `asm volatile` that claims to read `p` and clobber memory, so the
/// optimiser must materialise whatever `p` points to and cannot delete the
/// work that produced it. Costs no instructions.
static inline void fb_sink(const void *p) {
    __asm__ volatile("" : : "r"(p) : "memory");
}

/// As `fb_sink`, for a value held in a register (e.g. a checksum of results).
static inline void fb_sink_u64(uint64_t v) {
    __asm__ volatile("" : : "r"(v) : "memory");
}

// MARK: - perf_event_open(2)

/// Wraps `syscall(SYS_perf_event_open, attr, pid, cpu, group_fd, flags)`.
/// glibc has no wrapper and Swift cannot call the variadic `syscall`.
/// Returns the new fd, or -1 with `errno` set.
int fb_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu,
                       int group_fd, unsigned long flags);

/// Wraps `ioctl(fd, PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP)`: enables the
/// whole group led by `fd` atomically, so members count the same interval.
int fb_perf_enable_group(int fd);

/// Wraps `ioctl(fd, PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP)`.
int fb_perf_disable_group(int fd);

/// Wraps `ioctl(fd, PERF_EVENT_IOC_RESET, PERF_IOC_FLAG_GROUP)`.
int fb_perf_reset_group(int fd);

// MARK: - Callgrind client requests

/// 1 when `<valgrind/callgrind.h>` was available at build time, so the
/// requests below are real; 0 means they are no-ops and
/// `fb_running_on_valgrind()` always reports 0.
int fb_callgrind_compiled_in(void);

/// Wraps `RUNNING_ON_VALGRIND` (valgrind.h). Returns the nesting depth of
/// valgrind, 0 on a real CPU.
unsigned fb_running_on_valgrind(void);

/// Wraps `CALLGRIND_START_INSTRUMENTATION`.
void fb_callgrind_start(void);

/// Wraps `CALLGRIND_STOP_INSTRUMENTATION`.
void fb_callgrind_stop(void);

/// Wraps `CALLGRIND_ZERO_STATS`.
void fb_callgrind_zero(void);

/// Wraps `CALLGRIND_DUMP_STATS_AT(reason)`; `reason` labels the dump part.
void fb_callgrind_dump(const char *reason);

// MARK: - CPU placement

/// Wraps `sched_setaffinity(0, ...)` with a one-CPU `cpu_set_t` (the CPU_*
/// macros are not importable). Returns 0, or -1 with `errno` set. The first
/// call on a thread keeps the thread's mask before it, for `fb_unpin`.
int fb_pin_to_cpu(int cpu);

/// Gives the calling thread back the mask it had before its first
/// `fb_pin_to_cpu` (nothing when it never pinned). Returns 0, or -1 with
/// `errno` set.
int fb_unpin(void);

/// Starts this program again (`/proc/self/exe`, `argv`, the same environment)
/// without address-space randomization (`personality(ADDR_NO_RANDOMIZE)`), as
/// `setarch -R` does. Returns 0 without doing anything when randomization is
/// off already; on success it does not return; -1 with `errno` set when it
/// cannot (the process goes on as it was).
int fb_reexec_without_address_randomization(char *const argv[]);

/// Calls `body(context)` with the stack moved down by `bytes` (at most a few
/// KiB): a layout draw for the stack, where address randomization is off.
void fb_call_with_stack_shift(size_t bytes, void (*body)(void *), void *context);

/// Calls `body(context)` with the stack padded so that the body's frames lie
/// at the same offset within `alignment` bytes (at most a few KiB) in every
/// process: what lies above `main` (arguments, environment) moves them no more.
void fb_call_with_stack_aligned(size_t alignment, void (*body)(void *), void *context);

/// Wraps `sched_getcpu()`. Returns the CPU the thread ran on at the call, or
/// -1 with `errno` set.
int fb_current_cpu(void);

/// Wraps `sched_getaffinity(0, ...)` + `CPU_COUNT`: how many CPUs this thread
/// may run on, or -1 with `errno` set.
int fb_allowed_cpu_count(void);

/// Ping-pong between this thread and a thread pinned to `cpu` (cross_cpu.c): `round_trips`
/// hand-offs of one cache line and back, timed on this thread. Returns ns per round trip, or
/// -1 with `errno` set (a thread that cannot start or be pinned). The caller's own CPU is
/// wherever it runs; pin it first for a reading between two given CPUs.
double fb_cross_cpu_round_trip_ns(int cpu, int round_trips);

/// The noise canary (shim.c): `iterations` steps of fixed work that touches memory the way
/// the workloads do (bump carve, ring store, one locked RMW). Its duration is compared with
/// its own low quantile to tell when the machine is disturbed. Returns a checksum to sink.
uint64_t fb_canary(uint64_t iterations);

/// Reads every line of the canary's buffer once (untimed by the caller), so a workload batch
/// that evicted it does not read as a disturbed machine.
uint64_t fb_canary_warm(void);

/// Whether this thread may run on `cpu` (in its sched_getaffinity mask): 1 or 0, or -1 with
/// `errno` set (EINVAL for a CPU number outside cpu_set_t).
int fb_cpu_allowed(int cpu);

// MARK: - glibc's thread mode

/// Starts one thread that returns at once, and joins it. glibc runs a process that has never
/// started a thread in a single-threaded mode whose own locks (pthread mutexes, malloc's
/// arenas, stdio) take no atomic instruction; the first thread ends that mode for good
/// (thread_mode.c). Returns 0, or the pthread error.
int fb_leave_single_threaded_mode(void);

/// glibc's `__libc_single_threaded` (glibc 2.32 and later): 1 while the process is in that
/// mode, 0 once it has left it, -1 where the C library does not say.
int fb_libc_single_threaded(void);

// MARK: - Calibration

/// Runs `iterations` uncontended locked read-modify-writes on one cache line that only this
/// thread touches: `__atomic_sub_fetch(..., __ATOMIC_ACQ_REL)` tested against zero, which is
/// what a fragment free does to its page's refcount (`lock xadd` or `lock sub` on x86).
/// Returns the CLOCK_MONOTONIC nanoseconds the loop took (loop overhead included: about one
/// cycle per iteration, hidden behind the locked operation's latency).
uint64_t fb_locked_rmw_batch(uint64_t iterations);

/// A loop whose instruction and branch counts are known (`dec`, `jnz`: two instructions and
/// one conditional branch per iteration on x86_64), run before a hardware counter is trusted:
/// some hypervisors' guests read 0, or nonsense, without an error. Returns 1 when the loop is
/// that exact one, 0 where it is not (other architectures: counts unknown, no calibration).
int fb_known_loop(uint64_t iterations);

#ifdef __cplusplus
}
#endif

#endif // CFRAGSHIM_H
