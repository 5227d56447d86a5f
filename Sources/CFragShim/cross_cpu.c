// The cross-CPU round trip (CFragShim.h, fb_cross_cpu_round_trip_ns): how far apart the host
// has put two vCPUs right now. On these VMs it flips between about 105 ns and 430 ns per round
// trip (AMD EPYC, docs/noise.md), and the cross-thread workload, which moves a cache line
// between the two CPUs per slot, follows it 3x: that is its "unstable", not the code's.
#define _GNU_SOURCE
#include "CFragShim.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

struct fb_ping {
    // Its own cache lines: the only line that moves is `turn`.
    _Alignas(128) atomic_long turn;
    _Alignas(128) int cpu;
    int round_trips;
    atomic_int pin_failed;
};

static void *fb_pong(void *context) {
    struct fb_ping *p = context;
    if (fb_pin_to_cpu(p->cpu) != 0) {
        atomic_store_explicit(&p->pin_failed, 1, memory_order_release);
        atomic_store_explicit(&p->turn, -1, memory_order_release);
        return NULL;
    }
    atomic_store_explicit(&p->turn, 1, memory_order_release);  // ready
    for (long n = 0; n < p->round_trips; n++) {
        long mine = 2 * n + 2;
        while (atomic_load_explicit(&p->turn, memory_order_acquire) != mine) {}
        atomic_store_explicit(&p->turn, mine + 1, memory_order_release);
    }
    return NULL;
}

static uint64_t fb_now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

double fb_cross_cpu_round_trip_ns(int cpu, int round_trips) {
    if (round_trips < 1 || cpu < 0 || cpu >= CPU_SETSIZE) {
        errno = EINVAL;
        return -1;
    }
    static _Thread_local struct fb_ping ping;
    struct fb_ping *p = &ping;
    atomic_store_explicit(&p->turn, 0, memory_order_relaxed);
    atomic_store_explicit(&p->pin_failed, 0, memory_order_relaxed);
    p->cpu = cpu;
    p->round_trips = round_trips;
    pthread_t thread;
    int rc = pthread_create(&thread, NULL, fb_pong, p);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    long seen;
    while ((seen = atomic_load_explicit(&p->turn, memory_order_acquire)) == 0) {}
    if (seen < 0) {
        pthread_join(thread, NULL);
        errno = EINVAL;
        return -1;
    }
    uint64_t start = fb_now_ns();
    for (long n = 0; n < round_trips; n++) {
        long mine = 2 * n + 2;
        atomic_store_explicit(&p->turn, mine, memory_order_release);
        while (atomic_load_explicit(&p->turn, memory_order_acquire) != mine + 1) {}
    }
    uint64_t elapsed = fb_now_ns() - start;
    pthread_join(thread, NULL);
    return (double)elapsed / (double)round_trips;
}
