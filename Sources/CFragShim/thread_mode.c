// glibc's single-threaded mode (CFragShim.h, fb_leave_single_threaded_mode): a process that has
// never started a thread runs glibc's own locks (pthread mutexes, malloc's arenas, stdio) with
// no atomic instructions. Which mode a measuring process is in then decides what the C twin's
// or glibc malloc's slow paths cost, so every fragbench process leaves it at start-up.
#define _GNU_SOURCE
#include "CFragShim.h"

#include <pthread.h>

#if defined(__has_include)
#  if __has_include(<sys/single_threaded.h>)
#    include <sys/single_threaded.h>
#    define FB_HAVE_SINGLE_THREADED 1
#  endif
#endif

static void *fb_nothing(void *arg) { return arg; }

int fb_leave_single_threaded_mode(void) {
    pthread_t thread;
    int rc = pthread_create(&thread, NULL, fb_nothing, NULL);
    if (rc != 0) return rc;
    return pthread_join(thread, NULL);
}

int fb_libc_single_threaded(void) {
#ifdef FB_HAVE_SINGLE_THREADED
    return __libc_single_threaded ? 1 : 0;
#else
    return -1;
#endif
}
