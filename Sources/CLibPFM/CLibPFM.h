// libpfm4 (Debian: libpfm4-dev, no pkg-config file) for Swift.
//
// <linux/perf_event.h> is included first on purpose: libpfm's own
// <perfmon/perf_event.h> then skips its private copy of
// `struct perf_event_attr`, so CLibPFM and CFragShim share one definition and
// an attr encoded by libpfm can be handed straight to fb_perf_event_open().
#include <linux/perf_event.h>
#include <perfmon/pfmlib_perf_event.h>
