// Out-of-line halves of CFragShim.h. Nothing here is on a timed path.
#define _GNU_SOURCE
#include "CFragShim.h"

#include <errno.h>
#include <stdatomic.h>
#include <time.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__has_include)
#  if __has_include(<valgrind/callgrind.h>)
#    include <valgrind/callgrind.h>
#    define FB_HAVE_CALLGRIND 1
#  endif
#endif
#ifndef FB_HAVE_CALLGRIND
#  define FB_HAVE_CALLGRIND 0
#endif

int fb_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu,
                       int group_fd, unsigned long flags) {
    return (int)syscall(SYS_perf_event_open, attr, pid, cpu, group_fd, flags);
}

int fb_perf_enable_group(int fd) {
    return ioctl(fd, PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
}

int fb_perf_disable_group(int fd) {
    return ioctl(fd, PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP);
}

int fb_perf_reset_group(int fd) {
    return ioctl(fd, PERF_EVENT_IOC_RESET, PERF_IOC_FLAG_GROUP);
}

int fb_callgrind_compiled_in(void) { return FB_HAVE_CALLGRIND; }

unsigned fb_running_on_valgrind(void) {
#if FB_HAVE_CALLGRIND
    return (unsigned)RUNNING_ON_VALGRIND;
#else
    return 0;
#endif
}

void fb_callgrind_start(void) {
#if FB_HAVE_CALLGRIND
    CALLGRIND_START_INSTRUMENTATION;
#endif
}

void fb_callgrind_stop(void) {
#if FB_HAVE_CALLGRIND
    CALLGRIND_STOP_INSTRUMENTATION;
#endif
}

void fb_callgrind_zero(void) {
#if FB_HAVE_CALLGRIND
    CALLGRIND_ZERO_STATS;
#endif
}

void fb_callgrind_dump(const char *reason) {
#if FB_HAVE_CALLGRIND
    if (reason) {
        CALLGRIND_DUMP_STATS_AT(reason);
    } else {
        CALLGRIND_DUMP_STATS;
    }
#else
    (void)reason;
#endif
}

// The thread's mask before its first fb_pin_to_cpu, which fb_unpin gives back.
static _Thread_local cpu_set_t fb_mask_before_pin;
static _Thread_local int fb_mask_saved;

int fb_pin_to_cpu(int cpu) {
    if (cpu < 0 || cpu >= CPU_SETSIZE) {
        errno = EINVAL;
        return -1;
    }
    if (!fb_mask_saved && sched_getaffinity(0, sizeof fb_mask_before_pin, &fb_mask_before_pin) == 0) fb_mask_saved = 1;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set);
}

int fb_unpin(void) {
    if (!fb_mask_saved) return 0;
    return sched_setaffinity(0, sizeof fb_mask_before_pin, &fb_mask_before_pin);
}

int fb_reexec_without_address_randomization(char *const argv[]) {
    int current = personality(0xffffffff);
    if (current == -1) return -1;
    if (current & ADDR_NO_RANDOMIZE) return 0;
    if (personality((unsigned long)current | ADDR_NO_RANDOMIZE) == -1) return -1;
    execv("/proc/self/exe", argv);
    // Only reached when exec failed: put the personality back and go on as we are.
    int saved = errno;
    personality((unsigned long)current);
    errno = saved;
    return -1;
}

void fb_call_with_stack_shift(size_t bytes, void (*body)(void *), void *context) {
    // A variable-length array moves everything the body puts on the stack down by `bytes`.
    volatile unsigned char pad[bytes + 1];
    pad[0] = 0;
    body(context);
    pad[bytes] = 0;  // the pad stays in place until the body has returned
}

void fb_call_with_stack_aligned(size_t alignment, void (*body)(void *), void *context) {
    // Padded by this frame's own offset within `alignment`, the body's frames start at the same
    // offset in every process, whatever the arguments and environment above main take.
    unsigned char here;
    fb_call_with_stack_shift((size_t)(uintptr_t)&here % alignment, body, context);
}

int fb_current_cpu(void) { return sched_getcpu(); }

int fb_allowed_cpu_count(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
    return CPU_COUNT(&set);
}

// MARK: - Noise canary

// A fixed amount of work shaped like the cache's workloads: a bump pointer carving 64-byte
// pieces out of a 128 KiB buffer (L1/L2 stores and loads), a ring of 256 pointers, and one
// locked read-modify-write per step (the cost a fragment free pays). A pure arithmetic loop
// stays flat while the workloads slow 2x on a disturbed VM, so the canary must touch memory.
static unsigned char fb_canary_buffer[1 << 17];
static void *volatile fb_canary_ring[256];
static _Atomic long fb_canary_refs;

uint64_t fb_canary_warm(void) {
    uint64_t acc = 0;
    for (size_t line = 0; line < sizeof fb_canary_buffer; line += 64) acc += fb_canary_buffer[line];
    return acc;
}

uint64_t fb_canary(uint64_t iterations) {
    uint64_t acc = 1;
    size_t offset = 0;
    for (uint64_t i = 0; i < iterations; i++) {
        offset = (offset + 4160) & (sizeof fb_canary_buffer - 1);
        acc += fb_canary_buffer[offset];
        fb_canary_buffer[(offset + 64) & (sizeof fb_canary_buffer - 1)] = (unsigned char)acc;
        fb_canary_ring[i & 255] = &fb_canary_buffer[offset];
        acc = acc * 3 + 1;
        atomic_fetch_sub_explicit(&fb_canary_refs, 1, memory_order_release);
    }
    return acc;
}

int fb_cpu_allowed(int cpu) {
    if (cpu < 0 || cpu >= CPU_SETSIZE) {
        errno = EINVAL;
        return -1;
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
    return CPU_ISSET(cpu, &set) ? 1 : 0;
}

// One counter on its own cache line, so nothing else shares (or contends for) it.
static _Alignas(64) volatile long fb_rmw_line[8];

uint64_t fb_locked_rmw_batch(uint64_t iterations) {
    struct timespec start, end;
    uint64_t zeros = 0;
    fb_rmw_line[0] = (long)iterations + 1;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (uint64_t i = 0; i < iterations; i++) {
        // Like page_ref_dec_and_test: decrement, then test the result.
        if (__atomic_sub_fetch(&fb_rmw_line[0], 1, __ATOMIC_ACQ_REL) == 0) zeros++;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    fb_sink_u64(zeros);
    return (uint64_t)(end.tv_sec - start.tv_sec) * 1000000000u + (uint64_t)end.tv_nsec - (uint64_t)start.tv_nsec;
}

int fb_known_loop(uint64_t iterations) {
#if defined(__x86_64__)
    if (iterations == 0) return 1;
    uint64_t n = iterations;
    // Exactly `iterations` times: dec, jnz. volatile: the count is the point, not the result.
    __asm__ volatile("1:\n\tdec %0\n\tjnz 1b" : "+r"(n) : : "cc");
    return 1;
#else
    (void)iterations;
    return 0;
#endif
}
