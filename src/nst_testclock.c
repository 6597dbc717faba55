/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst - a fast-forwarded clock for the application's own tests
 * (nst_clock_fake(), nst_clock_advance(), nst_clock_real(); nst.h).
 *
 * Sofia reads its clock through three exported hooks (su_time0.c):
 * _su_time (called on every su_time(); its default is a no-op function,
 * not NULL, which is why it must be restored and never cleared),
 * _su_nanotime and _su_monotime (NULL by default). Installed, they add an
 * offset to the real clock. nst_clock_advance() moves the clock in steps
 * and runs the root between them, so that every timer on it (nua's, nta's,
 * nst's) fires in order, each at its own time. Within an advance the
 * clock is where the steps put it: the real time a step takes is taken
 * back out of the offset, unless the step took longer than the step's
 * own length (the clock never goes back). Between advances the clock runs
 * on with the real one, so an application's own waits on its loop behave
 * as in production.
 *
 * su_glib's GSource reads GLib's clock instead: g_source_get_current_time()
 * on Sofia-SIP 1.12, g_source_get_time() on 1.13 (which it takes for the
 * wall clock). NST_CLOCK_GLIB_SOURCE_TIME (nst.h) defines both in the test
 * program to read Sofia's clock (nst_clock_gtimeval(),
 * nst_clock_gsource_time()), and nst_clock_advance() checks that it does
 * before it runs a glib root.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1           /* dladdr() */
#endif
#include "config.h"

#include "nst_sched.h"

#include <nst/nst.h>

#include <sofia-sip/su_time.h>
#include <sofia-sip/su_wait.h>

/* g_source_get_current_time() is deprecated; nst calls it only to check
 * that the program's NST_CLOCK_GLIB_SOURCE_TIME replaced it. */
#define GLIB_DISABLE_DEPRECATION_WARNINGS 1
#include <glib.h>

#include <dlfcn.h>
#include <string.h>
#include <time.h>

#define SU_LOG (nst_log)
#include <sofia-sip/su_debug.h>

/* Sofia's hooks: exported by libsofia-sip-ua, declared in no header. */
/* Sofia's clock in ns: su_time64_t on 1.12, su_nanotime_t on 1.13, both
 * uint64_t (since the NTP epoch, as su_time_t). */
typedef uint64_t nst_time64_t;

extern void (*_su_time)(su_time_t *tv);
extern nst_time64_t (*_su_nanotime)(nst_time64_t *t);
/* Sofia-SIP 1.13 has no monotonic hook (its su_monotime() reads the
 * kernel's clock): weak, so that &_su_monotime is NULL there. */
extern nst_time64_t (*_su_monotime)(nst_time64_t *t) __attribute__((weak));

#define NS_PER_MS ((nst_time64_t)1000000)
#define NTP_EPOCH 2208988800UL  /* 1900 (su_time_t) to 1970 (GTimeVal) */

static struct {
  int          installed;
  nst_time64_t  offset_ns;           /* how far the fake clock is ahead */
  void       (*saved_time)(su_time_t *);
  nst_time64_t (*saved_nanotime)(nst_time64_t *);
  nst_time64_t (*saved_monotime)(nst_time64_t *);
  int          glib_hook_seen;      /* nst_clock_gtimeval() was called */
  int          glib_time_hook_seen; /* nst_clock_gsource_time() was called */
} clk;

static nst_time64_t offset_ns(void)
{
  return __atomic_load_n(&clk.offset_ns, __ATOMIC_RELAXED);
}

static void fake_time(su_time_t *tv)
{
  nst_time64_t t = (nst_time64_t)tv->tv_sec * 1000000000u +
                   (nst_time64_t)tv->tv_usec * 1000u + offset_ns();

  tv->tv_sec = (unsigned long)(t / 1000000000u);
  tv->tv_usec = (unsigned long)(t % 1000000000u / 1000u);
}

static nst_time64_t fake_time64(nst_time64_t *t)
{
  return *t += offset_ns();
}

int nst_clock_fake(void)
{
  if (!clk.installed) {
    clk.saved_time = _su_time;
    clk.saved_nanotime = _su_nanotime;
    clk.saved_monotime = &_su_monotime ? _su_monotime : NULL;
    clk.offset_ns = 0;
    _su_time = fake_time;
    _su_nanotime = fake_time64;
    if (&_su_monotime)
      _su_monotime = fake_time64;
    clk.installed = 1;
  }
  return 0;
}

void nst_clock_real(void)
{
  if (!clk.installed)
    return;
  _su_time = clk.saved_time;
  _su_nanotime = clk.saved_nanotime;
  if (&_su_monotime)
    _su_monotime = clk.saved_monotime;
  clk.installed = 0;
  __atomic_store_n(&clk.offset_ns, 0, __ATOMIC_RELAXED);
}

int nst_clock_is_fake(void)
{
  return clk.installed;
}

void nst_clock_gtimeval(long *return_sec, long *return_usec)
{
  su_time_t now = su_now();

  clk.glib_hook_seen = 1;
  *return_sec = (long)(now.tv_sec - NTP_EPOCH);
  *return_usec = (long)now.tv_usec;
}

/* GLib's own g_source_get_time(), not the program's: looked up in
 * libglib's own scope. */
static gint64 glib_source_time(GSource *source)
{
  static gint64 (*glib_own)(GSource *);

  if (glib_own == NULL) {
    void *glib = dlopen("libglib-2.0.so.0", RTLD_LAZY | RTLD_NOLOAD);
    if (glib) {
      *(void **)&glib_own = dlsym(glib, "g_source_get_time");
      dlclose(glib);          /* still loaded: the program links it */
    }
  }
  return glib_own ? glib_own(source) : g_get_monotonic_time();
}

/* Whether code at @a caller is su_glib's (libsofia-sip-ua-glib). */
static int called_from_su_glib(void const *caller)
{
  Dl_info info;

  return caller && dladdr(caller, &info) && info.dli_fname &&
         strstr(info.dli_fname, "libsofia-sip-ua-glib") != NULL;
}

long long nst_clock_gsource_time(void *source, void const *caller)
{
  su_time_t now;

  clk.glib_time_hook_seen = 1;
  if (!called_from_su_glib(caller))
    return (long long)glib_source_time(source);
  now = su_now();
  return (long long)(now.tv_sec - NTP_EPOCH) * G_USEC_PER_SEC + now.tv_usec;
}

/* Whether su_glib's GSource would read Sofia's clock, on either line: the
 * program's g_source_get_current_time() and g_source_get_time() must be
 * NST_CLOCK_GLIB_SOURCE_TIME's. */
static int glib_reads_sofia_clock(void)
{
  GMainContext *ctx;
  GSource *probe;
  GTimeVal tv;

  if (clk.glib_hook_seen && clk.glib_time_hook_seen)
    return 1;
  /* Attached (GLib's g_source_get_time() wants a context), never run. */
  ctx = g_main_context_new();
  probe = g_idle_source_new();
  g_source_attach(probe, ctx);
  g_source_get_current_time(probe, &tv);
  (void)g_source_get_time(probe);
  g_source_destroy(probe);
  g_source_unref(probe);
  g_main_context_unref(ctx);
  return clk.glib_hook_seen && clk.glib_time_hook_seen;
}

static int is_glib_root(su_root_t *root)
{
  char const *name = root ? su_root_name(root) : NULL;
  return root == NULL || (name && strcmp(name, "GSource") == 0);
}

/* One step of the loop without waiting: a plain su_root tells how long
 * until its next timer (-1: none), a glib loop does not (0). */
static su_duration_t step(su_root_t *root)
{
  if (root == NULL) {
    int i;
    /* Bounded: an application's idle source is always ready. */
    for (i = 0; i < 16 && g_main_context_iteration(NULL, FALSE); i++)
      ;
    return 0;
  }
  return su_root_step(root, 0);
}

/* The real clock, unhooked; only differences of it are used. */
static nst_time64_t real_ns(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_REALTIME, &ts);
  return (nst_time64_t)ts.tv_sec * 1000000000 + (nst_time64_t)ts.tv_nsec;
}

/* Put the fake clock at @a target (ns on the real clock's scale), or
 * leave it where it is if it is past that already; returns where it is. */
static nst_time64_t set_clock(nst_time64_t target)
{
  nst_time64_t real = real_ns();

  if (target < real + offset_ns())
    return real + offset_ns();
  __atomic_store_n(&clk.offset_ns, target - real, __ATOMIC_RELAXED);
  return target;
}

int nst_clock_advance(su_root_t *root, unsigned long ms)
{
  su_duration_t next;
  nst_time64_t target, end;

  if (!clk.installed) {
    SU_DEBUG_1(("%s", "nst_clock_advance: no fake clock (nst_clock_fake())\n"));
    return -1;
  }
  if (is_glib_root(root) && !glib_reads_sofia_clock()) {
    SU_DEBUG_1(("%s", "nst_clock_advance: su_glib's GSource reads GLib's clock: "
                "put NST_CLOCK_GLIB_SOURCE_TIME in the test program\n"));
    return -1;
  }
  target = real_ns() + offset_ns();
  end = target + (nst_time64_t)ms * NS_PER_MS;
  next = step(root);            /* what is due now, first */
  /* Up to @a ms after the start, counted on the clock, not in steps: a
   * step that takes longer than its length moves the clock by its real
   * time (never back), and what is left shrinks by that much. */
  while (target < end) {
    unsigned long left = (unsigned long)((end - target + NS_PER_MS - 1) / NS_PER_MS);
    /* Straight to the next timer where the root says when it is; one
     * millisecond at a time where it does not (a glib loop). */
    su_duration_t by = next > 1 && (unsigned long)next < left ? next
                     : next > 1 || next < 0 ? (su_duration_t)left : 1;
    nst_time64_t to = target + (nst_time64_t)by * NS_PER_MS;

    target = set_clock(to < end ? to : end);
    next = step(root);
  }
  /* Let what the last timers started run through (messages between
   * nua and its stack, loopback datagrams). */
  step(root), step(root);
  return 0;
}

/* nst_sched.c: under the fake clock, nst's timers follow Sofia's clock
 * (su_timer_t: a timerfd runs on the kernel's), and nua's stack stays on
 * the root nst_clock_advance() runs (no stack thread that would sleep
 * through a jump of the clock). */
nst_timer_source_t nst_clock_timer_source(su_root_t *root, nst_timer_source_t asked)
{
  if (!clk.installed)
    return asked;
  su_root_threading(root, 0);
  return asked == nst_timer_auto ? nst_timer_su : asked;
}
