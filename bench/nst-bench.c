/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst-bench - what nst costs per call, beside nua's built-in session-timer
 * engine (issue 6). A benchmark, not a test: it prints figures as
 * "key=value" lines; bench/run-bench.sh runs it and writes the tables.
 *
 *   nst-bench calls --mode=nst|builtin [--calls=N] [--stagger=S]
 *                   [--session-expires=S] [--no-media] [--mem-attrib]
 *                   [--timer=auto|su|fd] [--batch=MS]
 *   nst-bench sched [--timers=N] [--rounds=R] [--timer=su|fd]
 *   nst-bench spin [--timers=N] [--timer=su|fd]
 *
 * --timer picks nst's timer source (NSTTAG_TIMER_SOURCE(); default auto,
 * which is the timerfd on Linux); it means nothing to mode "builtin".
 * --batch sets NSTTAG_REFRESH_BATCH(MS): refreshes on a common grid of MS
 * ms, up to MS ms early (err_nominal then shows how early; err_nominal_abs
 * is the size of the error either way).
 *
 * "calls": two user agents (A calls, B answers) in one process, one UDP
 * transport each on 127.0.0.1, one single-threaded su_root. N calls are
 * started evenly over --stagger seconds, so that their refreshes (at half
 * the interval, 45 s for 90) spread over the same window. The run has
 * three measured windows:
 *
 *   setup    the N calls are set up        -> heap and RSS per call
 *   idle     no refresh is due             -> baseline CPU (nua's 1 s tick)
 *   refresh  every call refreshes once     -> CPU per refresh, timing error
 *
 * In mode "nst" both UAs are nst_create()d and refresh by UPDATE (A is the
 * refresher). In mode "builtin" both are plain nuas with nua's own engine:
 * NUTAG_SESSION_TIMER(S), NUTAG_MIN_SE(S), A NUTAG_SESSION_REFRESHER(local)
 * with NUTAG_UPDATE_REFRESH(1).
 *
 * Timing error = when B's application sees the refresh UPDATE minus when
 * the refresh was due. For nst the due time is the instant its timer was
 * armed for (now + nst_next_timer_ms() at nst_ev_negotiated); nst's own
 * firing instant (nst_ev_refresh_sent at A) is reported too. nua's engine
 * picks its refresh at random in [S/2-5, S/2+5] whole seconds after the
 * 2xx (sip_now(), 1 s resolution) and fires it from a 1 s tick that scans
 * every handle. To know its due time, this program interposes su_randint()
 * and returns the middle of that one range (S/2 s, as nst); the due time is
 * then floor(t_2xx) + S/2 in whole seconds (du_refresh), and the engine
 * cannot fire before it. Both are also given against the nominal
 * t_2xx + S/2.
 *
 * Under callgrind (valgrind --tool=callgrind), the
 * instruction counts of each window are dumped separately ("setup",
 * "idle", "refresh").
 *
 * Diagnostics (environment): NST_BENCH_TRACE=FILE writes every call's
 * due time and errors; NST_BENCH_TIMERS=1 counts su_timer expiries in the
 * refresh window by callback; NST_BENCH_CEIL=1 makes su_duration() round
 * up (what su_root would do if it did not spin); NST_BENCH_TRIM=1 calls
 * malloc_trim(0) 1.5 s before the first refresh.
 *
 * "sched": nst's scheduler layer (src/nst_sched.c) alone on an su_root
 * whose clock is Sofia's _su_time hook, fast-forwarded: ns per arm,
 * re-arm, cancel and fire with N timers armed.
 */
#include "config.h"

#define _GNU_SOURCE 1

#include <nst/nst.h>
#include "nst_sched.h"

#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/soa_tag.h>
#include <sofia-sip/su_time.h>
#include <sofia-sip/su_wait.h>
#include <sofia-sip/tport_tag.h>

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <getopt.h>
#include <malloc.h>
#include <math.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#if defined(__has_include)
# if __has_include(<valgrind/callgrind.h>)
#  include <valgrind/callgrind.h>
#  define HAVE_CALLGRIND 1
# endif
#endif
#ifndef HAVE_CALLGRIND
# define CALLGRIND_ZERO_STATS do { } while (0)
# define CALLGRIND_DUMP_STATS_AT(s) do { (void)(s); } while (0)
# define CALLGRIND_START_INSTRUMENTATION do { } while (0)
# define CALLGRIND_STOP_INSTRUMENTATION do { } while (0)
# define RUNNING_ON_VALGRIND 0
#endif

#define BENCH_SDP "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n" \
  "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 5004 RTP/AVP 0 8\r\n"

/* ====================================================================== */
/* Small helpers */

static double now_s(void)
{
  su_time_t t = su_now();
  return (double)t.tv_sec + t.tv_usec / 1e6;
}

static double cpu_s(void)
{
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
         ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static double sys_s(void)
{
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static double mono_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static long rss_kib(void)
{
  long pages = 0, rss = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (f) {
    if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
      rss = 0;
    fclose(f);
  }
  return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static size_t heap_bytes(void)
{
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

static int cmp_double(void const *a, void const *b)
{
  double x = *(double const *)a, y = *(double const *)b;
  return x < y ? -1 : x > y;
}

/* Median, p99, max and min of @a v (sorted in place), in ms. */
static void print_dist(char const *name, double *v, size_t n)
{
  size_t i99;

  if (n == 0) {
    printf("%s_n=0\n", name);
    return;
  }
  qsort(v, n, sizeof *v, cmp_double);
  i99 = (size_t)ceil(0.99 * (double)n) - 1;
  printf("%s_n=%zu\n%s_min_ms=%.3f\n%s_median_ms=%.3f\n%s_p99_ms=%.3f\n%s_max_ms=%.3f\n",
         name, n, name, v[0] * 1e3, name, v[n / 2] * 1e3, name, v[i99] * 1e3,
         name, v[n - 1] * 1e3);
}

/* A free UDP port on 127.0.0.1 (one transport per UA, not one per call). */
static int free_udp_port(void)
{
  struct sockaddr_in sa;
  socklen_t len = sizeof sa;
  int s = socket(AF_INET, SOCK_DGRAM, 0), port = -1;

  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof sa) == 0 &&
      getsockname(s, (struct sockaddr *)&sa, &len) == 0)
    port = ntohs(sa.sin_port);
  if (s >= 0)
    close(s);
  return port;
}

/* ====================================================================== */
/* su_randint(): nua's engine draws its refresh time from [S/2-5, S/2+5].
 * Return the middle of that range, so that its due time is known. Every
 * other range goes to Sofia's own function. (libsofia-sip-ua calls it
 * through its PLT, so the executable's definition wins.) */

static int pin_lb = -1, pin_ub = -1, pinned_calls;

int su_randint(int lb, int ub)
{
  static int (*real)(int, int);

  if (lb == pin_lb && ub == pin_ub) {
    pinned_calls++;
    return (lb + ub) / 2;
  }
  if (real == NULL)
    real = (int (*)(int, int))dlsym(RTLD_NEXT, "su_randint");
  if (real)
    return real(lb, ub);
  return lb + rand() % (ub - lb + 1);
}

/* ====================================================================== */
/* NST_BENCH_TIMERS=1: count su_timer expiries in the refresh window by
 * callback (nta's agent timer, nua's tick, nst's own...). Each expiry costs
 * su_root about a millisecond of polling with timeout 0 ("spin"). The
 * su_timer_set*() functions are interposed (libsofia-sip-ua calls them
 * through its PLT) and the callback wrapped; the wrappers are never freed,
 * which is fine for a diagnostic run. */

typedef struct { su_timer_f f; su_timer_arg_t *arg; } tramp_t;
typedef struct { su_timer_f f; unsigned long n; } tcount_t;

static int timers_counting;        /* 1 during the refresh window */
static tcount_t tcounts[32];

static int timers_wrapping(void)
{
  static int on = -1;
  if (on < 0)
    on = getenv("NST_BENCH_TIMERS") != NULL;
  return on;
}

static void tramp_fire(su_root_magic_t *magic, su_timer_t *t, su_timer_arg_t *arg)
{
  tramp_t *tr = (tramp_t *)arg;
  unsigned i;

  if (timers_counting)
    for (i = 0; i < sizeof tcounts / sizeof tcounts[0]; i++)
      if (tcounts[i].f == tr->f || tcounts[i].f == NULL) {
        tcounts[i].f = tr->f, tcounts[i].n++;
        break;
      }
  tr->f(magic, t, tr->arg);
}

static su_timer_arg_t *tramp(su_timer_f f, su_timer_arg_t *arg)
{
  tramp_t *tr = malloc(sizeof *tr);
  tr->f = f, tr->arg = arg;
  return (su_timer_arg_t *)tr;
}

typedef int set_f(su_timer_t *, su_timer_f, su_timer_arg_t *);
typedef int set_interval_f(su_timer_t *, su_timer_f, su_timer_arg_t *, su_duration_t);
typedef int set_at_f(su_timer_t *, su_timer_f, su_timer_arg_t *, su_time_t);

#define REAL(name, type) \
  static type *real_##name; \
  if (real_##name == NULL) real_##name = (type *)dlsym(RTLD_NEXT, #name)

int su_timer_set_interval(su_timer_t *t, su_timer_f f, su_timer_arg_t *arg,
                          su_duration_t interval)
{
  REAL(su_timer_set_interval, set_interval_f);
  if (timers_wrapping())
    return real_su_timer_set_interval(t, tramp_fire, tramp(f, arg), interval);
  return real_su_timer_set_interval(t, f, arg, interval);
}

int su_timer_set_at(su_timer_t *t, su_timer_f f, su_timer_arg_t *arg, su_time_t when)
{
  REAL(su_timer_set_at, set_at_f);
  if (timers_wrapping())
    return real_su_timer_set_at(t, tramp_fire, tramp(f, arg), when);
  return real_su_timer_set_at(t, f, arg, when);
}

int su_timer_set(su_timer_t *t, su_timer_f f, su_timer_arg_t *arg)
{
  REAL(su_timer_set, set_f);
  if (timers_wrapping())
    return real_su_timer_set(t, tramp_fire, tramp(f, arg));
  return real_su_timer_set(t, f, arg);
}

int su_timer_run(su_timer_t *t, su_timer_f f, su_timer_arg_t *arg)
{
  REAL(su_timer_run, set_f);
  if (timers_wrapping())
    return real_su_timer_run(t, tramp_fire, tramp(f, arg));
  return real_su_timer_run(t, f, arg);
}

int su_timer_set_for_ever(su_timer_t *t, su_timer_f f, su_timer_arg_t *arg)
{
  REAL(su_timer_set_for_ever, set_f);
  if (timers_wrapping())
    return real_su_timer_set_for_ever(t, tramp_fire, tramp(f, arg));
  return real_su_timer_set_for_ever(t, f, arg);
}

/* NST_BENCH_CEIL=1: what if Sofia rounded timer waits up? su_root's
 * su_timer_expire() computes the poll timeout with su_duration(), which
 * truncates: a timer less than 1 ms away gives timeout 0, and the loop
 * spins. Interposed here (libsofia-sip-ua calls it through its PLT), a
 * positive fraction of a millisecond counts as a whole one. A diagnostic;
 * the upstream fix in su_timer.c would be one line. Unset, Sofia's own. */
su_duration_t su_duration(su_time_t t1, su_time_t t2)
{
  static int ceil_on = -1;
  static su_duration_t (*real)(su_time_t, su_time_t);
  int64_t us;

  if (ceil_on < 0)
    ceil_on = getenv("NST_BENCH_CEIL") != NULL;
  if (!ceil_on) {
    if (real == NULL)
      real = (su_duration_t (*)(su_time_t, su_time_t))dlsym(RTLD_NEXT, "su_duration");
    return real(t1, t2);
  }
  us = ((int64_t)t1.tv_sec - (int64_t)t2.tv_sec) * 1000000
    + ((int64_t)t1.tv_usec - (int64_t)t2.tv_usec);
  if (us > 0)
    us += 999;
  us /= 1000;
  if (us > SU_DURATION_MAX)
    return SU_DURATION_MAX;
  if (us < -SU_DURATION_MAX)
    return -SU_DURATION_MAX;
  return (su_duration_t)us;
}

static void timers_print(unsigned refreshes)
{
  unsigned i;
  unsigned long total = 0;

  for (i = 0; i < sizeof tcounts / sizeof tcounts[0] && tcounts[i].f; i++) {
    Dl_info info;
    char const *name = "?";
    union { su_timer_f f; void *p; } u;

    u.f = tcounts[i].f;
    if (dladdr(u.p, &info) && info.dli_sname)
      name = info.dli_sname;
    printf("su_timer_expiries_%s=%lu\n", name, tcounts[i].n);
    total += tcounts[i].n;
  }
  printf("su_timer_expiries=%lu\nsu_timer_expiries_per_refresh=%.3f\n",
         total, refreshes ? (double)total / refreshes : 0.0);
}

/* ====================================================================== */
/* Memory attribution (--mem-attrib): malloc()/calloc()/realloc()/free()
 * are interposed; while counting is on, a block belongs to nst when, going
 * out from malloc() through the call stack, a frame in libnst comes before
 * any frame in this program. nst's own nua requests (its refresh UPDATEs,
 * its answers) count as nst's, its callbacks to the application do not.
 * The live bytes of nst's blocks are tracked in a table of our own. */

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

static int attrib_on;
static __thread int in_hook;
static uintptr_t nst_lo[4], nst_hi[4], exe_lo[4], exe_hi[4];
static int n_nst_ranges, n_exe_ranges;
static uintptr_t nst_base;    /* lowest mapping of libnst (file offset 0) */

#define TRACK_SLOTS (1u << 21)
static struct track { void *p; size_t size; uintptr_t site; } *track;
static uintptr_t last_site;
static size_t tracked_bytes, tracked_blocks, tracked_usable;

static void maps_read(void)
{
  char line[512], exe[256] = "";
  ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
  FILE *f = fopen("/proc/self/maps", "r");

  if (len > 0)
    exe[len] = '\0';
  while (f && fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    char perms[8], path[256] = "";
    if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255s", &lo, &hi, perms, path) < 3)
      continue;
    if (strstr(path, "libnst.so") && (nst_base == 0 || lo < nst_base))
      nst_base = lo;
    if (perms[2] != 'x')
      continue;
    if (strstr(path, "libnst.so") && n_nst_ranges < 4)
      nst_lo[n_nst_ranges] = lo, nst_hi[n_nst_ranges++] = hi;
    else if (exe[0] && strcmp(path, exe) == 0 && n_exe_ranges < 4)
      exe_lo[n_exe_ranges] = lo, exe_hi[n_exe_ranges++] = hi;
  }
  if (f)
    fclose(f);
}

static int in_ranges(uintptr_t a, uintptr_t const *lo, uintptr_t const *hi, int n)
{
  for (int i = 0; i < n; i++)
    if (a >= lo[i] && a < hi[i])
      return 1;
  return 0;
}

/* 1 if the block being allocated is nst's. Frames 0 and 1 are this
 * function and the malloc wrapper. */
static __attribute__((noinline)) int attrib_is_nst(void)
{
  void *frames[96];
  int n = backtrace(frames, 96);

  for (int i = 2; i < n; i++) {
    uintptr_t a = (uintptr_t)frames[i];
    if (in_ranges(a, nst_lo, nst_hi, n_nst_ranges)) {
      last_site = a - nst_lo[0];        /* innermost nst frame */
      return 1;
    }
    if (in_ranges(a, exe_lo, exe_hi, n_exe_ranges))
      return 0;
  }
  return 0;
}

static size_t track_slot(void *p)
{
  return (size_t)(((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15ull >> 43) & (TRACK_SLOTS - 1);
}

static void track_add(void *p, size_t size)
{
  size_t i = track_slot(p);
  while (track[i].p && track[i].p != (void *)1)
    i = (i + 1) & (TRACK_SLOTS - 1);
  track[i].p = p, track[i].size = size, track[i].site = last_site;
  tracked_bytes += size, tracked_blocks++;
  tracked_usable += malloc_usable_size(p);
}

/* Remove @a p if tracked; its size, or 0. */
static size_t track_del(void *p)
{
  size_t i = track_slot(p);
  while (track[i].p) {
    if (track[i].p == p) {
      size_t size = track[i].size;
      track[i].p = (void *)1;           /* tombstone */
      tracked_bytes -= size, tracked_blocks--;
      tracked_usable -= malloc_usable_size(p);
      return size;
    }
    i = (i + 1) & (TRACK_SLOTS - 1);
  }
  return 0;
}

static void *after_alloc(void *p, size_t size)
{
  if (p && attrib_on && !in_hook) {
    in_hook = 1;
    if (attrib_is_nst())
      track_add(p, size);
    in_hook = 0;
  }
  return p;
}

void *malloc(size_t size)
{
  return after_alloc(__libc_malloc(size), size);
}

void *calloc(size_t n, size_t size)
{
  return after_alloc(__libc_calloc(n, size), n * size);
}

void free(void *p)
{
  if (p && track && !in_hook) {
    in_hook = 1;
    track_del(p);
    in_hook = 0;
  }
  __libc_free(p);
}

void *realloc(void *p, size_t size)
{
  size_t was = 0;
  void *q;

  if (p && track && !in_hook) {
    in_hook = 1;
    was = track_del(p);
    in_hook = 0;
  }
  q = __libc_realloc(p, size);
  if (q == NULL && size) {              /* p is still there */
    if (was) {
      in_hook = 1, track_add(p, was), in_hook = 0;
    }
    return q;
  }
  if (was && q) {                       /* stays nst's */
    in_hook = 1, track_add(q, size), in_hook = 0;
    return q;
  }
  return after_alloc(q, size);
}

/* NST_BENCH_SITES=1: live nst bytes by allocation site (offset in the
 * first executable mapping of libnst; addr2line -f -e libnst.so ADDR). */
static void attrib_sites(unsigned calls)
{
  enum { MAX_SITES = 64 };
  struct { uintptr_t site; size_t bytes, blocks; } s[MAX_SITES];
  int n = 0;

  memset(s, 0, sizeof s);
  for (size_t i = 0; i < TRACK_SLOTS; i++) {
    int j;
    if (track[i].p == NULL || track[i].p == (void *)1)
      continue;
    for (j = 0; j < n && s[j].site != track[i].site; j++)
      ;
    if (j == n && n == MAX_SITES)
      continue;
    if (j == n)
      s[n++].site = track[i].site;
    s[j].bytes += track[i].size, s[j].blocks++;
  }
  for (int j = 0; j < n; j++)
    printf("nst_site=0x%lx bytes_per_call=%.1f blocks_per_call=%.2f\n",
           (unsigned long)(s[j].site + nst_lo[0] - nst_base), (double)s[j].bytes / calls,
           (double)s[j].blocks / calls);
}

static void attrib_start(void)
{
  void *frames[4];

  backtrace(frames, 4);                 /* loads libgcc_s before counting */
  track = __libc_calloc(TRACK_SLOTS, sizeof *track);
  maps_read();
  attrib_on = track != NULL && n_nst_ranges > 0;
}

/* ====================================================================== */
/* The calls benchmark */

enum { MODE_NST, MODE_BUILTIN };

typedef struct bcall_s {
  nua_handle_t *a, *b;
  double answered;     /* A got the 2xx to its INVITE */
  double due;          /* the first refresh was due (engine's own due time) */
  double nominal;      /* answered + S/2 */
  double fired;        /* nst: A sent its refresh (nst_ev_refresh_sent) */
  double received;     /* B's application saw the refresh */
  unsigned established:1, refreshed:1, refresh_answered:1, failed:1;
} bcall_t;

typedef struct bench_s {
  su_root_t *root;
  int        mode;
  unsigned   n, se;
  double     stagger;
  int        media;
  int        port_a, port_b;
  nst_t     *nst_a, *nst_b;
  nua_t     *nua_a, *nua_b;
  bcall_t   *calls;
  unsigned   started, established, failed, refreshed, refresh_answered;
  unsigned   terminated, shutdowns, dropped;
  double     t0;
} bench_t;

static bench_t B[1];

/* NSTTAG_REFRESH_BATCH() of both UAs (--batch=) */
static unsigned refresh_batch_ms;

/* nst's timer source (--timer=) */
static nst_timer_source_t timer_source = nst_timer_auto;

static char const *timer_source_name(nst_timer_source_t source)
{
  return source == nst_timer_su ? "su" : source == nst_timer_fd ? "fd" : "auto";
}

/* --timer=auto|su|fd; -1 for anything else */
static int parse_timer_source(char const *arg)
{
  if (strcmp(arg, "su") == 0) return nst_timer_su;
  if (strcmp(arg, "fd") == 0) return nst_timer_fd;
  if (strcmp(arg, "auto") == 0) return nst_timer_auto;
  return -1;
}

static int set_timer_source(char const *arg)
{
  int source = parse_timer_source(arg);
  if (source < 0)
    return -1;
  timer_source = (nst_timer_source_t)source;
  return 0;
}

static bcall_t *call_of_b(sip_t const *sip)
{
  char const *user = sip && sip->sip_from ? sip->sip_from->a_url->url_user : NULL;
  unsigned long i;

  if (user == NULL || user[0] != 'c')
    return NULL;
  i = strtoul(user + 1, NULL, 10);
  return i < B->n ? &B->calls[i] : NULL;
}

static void on_nst_event(nst_event_t event, nst_t *nst, nua_handle_t *nh,
                         nua_hmagic_t *hmagic, nst_info_t const *info, void *magic)
{
  bcall_t *c = (bcall_t *)hmagic;
  double t = now_s();
  long next;

  (void)info;
  if (c == NULL || magic != (void *)B->nst_a)
    return;                             /* B's side: see on_b() */
  switch (event) {
  case nst_ev_negotiated:
    next = nst_next_timer_ms(nst, nh);
    if (next >= 0 && c->due == 0)
      c->due = t + next / 1e3;
    break;
  case nst_ev_refresh_sent:
    if (c->fired == 0)
      c->fired = t;
    break;
  case nst_ev_refresh_answered:
    if (!c->refresh_answered)
      c->refresh_answered = 1, B->refresh_answered++;
    break;
  default:
    break;
  }
}

static void on_a(nua_event_t event, int status, char const *phrase,
                 nua_t *nua, nua_magic_t *magic, nua_handle_t *nh,
                 nua_hmagic_t *hmagic, sip_t const *sip, tagi_t tags[])
{
  bcall_t *c = (bcall_t *)hmagic;
  double t = now_s();

  (void)nua, (void)magic, (void)sip, (void)tags, (void)phrase, (void)nh;
  switch (event) {
  case nua_r_invite:
    if (c == NULL || status < 200)
      break;
    if (status >= 300) {
      if (!c->failed)
        c->failed = 1, B->failed++;
      fprintf(stderr, "nst-bench: INVITE %d %s\n", status, phrase);
      break;
    }
    if (!c->established) {
      c->established = 1, B->established++;
      c->answered = t;
      c->nominal = t + B->se / 2.0;
      if (B->mode == MODE_BUILTIN)
        /* du_refresh = sip_now() + S/2 (whole seconds), see above. */
        c->due = floor(t) + B->se / 2;
    }
    break;
  case nua_r_update:
    /* nua's engine refreshed (mode builtin) */
    if (c && status >= 200 && B->mode == MODE_BUILTIN && c->established &&
        !c->refresh_answered) {
      c->refresh_answered = 1, B->refresh_answered++;
      if (status >= 300)
        fprintf(stderr, "nst-bench: UPDATE %d %s\n", status, phrase);
    }
    break;
  case nua_i_terminated:
    if (c && c->established)
      B->dropped++;
    break;
  case nua_r_shutdown:
    if (status >= 200)
      B->shutdowns++;
    break;
  default:
    break;
  }
}

static void on_b(nua_event_t event, int status, char const *phrase,
                 nua_t *nua, nua_magic_t *magic, nua_handle_t *nh,
                 nua_hmagic_t *hmagic, sip_t const *sip, tagi_t tags[])
{
  bcall_t *c = (bcall_t *)hmagic;
  double t = now_s();

  (void)nua, (void)magic, (void)tags, (void)phrase;
  switch (event) {
  case nua_i_invite:
    if (c == NULL) {
      c = call_of_b(sip);
      if (c == NULL) {
        nua_respond(nh, SIP_403_FORBIDDEN, TAG_END());
        nua_handle_destroy(nh);
        break;
      }
      c->b = nh;
      nua_handle_bind(nh, (nua_hmagic_t *)c);
      if (B->mode == MODE_NST)
        nst_respond(B->nst_b, nh, SIP_200_OK,
                    TAG_IF(B->media, SOATAG_USER_SDP_STR(BENCH_SDP)), TAG_END());
      else
        nua_respond(nh, SIP_200_OK,
                    TAG_IF(B->media, SOATAG_USER_SDP_STR(BENCH_SDP)), TAG_END());
    }
    break;
  case nua_i_update:
    if (c && c->received == 0 && status < 300) {
      c->received = t;
      c->refreshed = 1, B->refreshed++;
    }
    break;
  case nua_i_terminated:
    if (c)
      B->dropped++;
    break;
  case nua_r_shutdown:
    if (status >= 200)
      B->shutdowns++;
    break;
  default:
    break;
  }
}

static void start_call(unsigned i)
{
  bcall_t *c = &B->calls[i];
  char to[80], from[80], contact[80];
  nua_t *nua = B->mode == MODE_NST ? nst_nua(B->nst_a) : B->nua_a;

  snprintf(to, sizeof to, "<sip:b@127.0.0.1:%d>", B->port_b);
  snprintf(from, sizeof from, "<sip:c%u@127.0.0.1:%d>", i, B->port_a);
  /* The Contact on the INVITE, in both modes: nua 1.13 adds none to
   * requests by itself (1.12 did), and B's refreshes and BYEs need it. */
  snprintf(contact, sizeof contact, "<sip:127.0.0.1:%d>", B->port_a);
  c->a = nua_handle(nua, (nua_hmagic_t *)c, SIPTAG_TO_STR(to),
                    SIPTAG_FROM_STR(from), TAG_END());
  if (B->mode == MODE_NST)
    nst_invite(B->nst_a, c->a, TAG_IF(B->media, SOATAG_USER_SDP_STR(BENCH_SDP)),
               SIPTAG_CONTACT_STR(contact), TAG_END());
  else
    nua_invite(c->a, TAG_IF(B->media, SOATAG_USER_SDP_STR(BENCH_SDP)),
               SIPTAG_CONTACT_STR(contact), TAG_END());
  B->started++;
}

/* Run the root for @a ms milliseconds at most. */
/* The loop is su_root_run(), as in an application (su_root_step() has
 * quirks of its own: a timer that comes due during its last sub-millisecond
 * can wait for the step's whole timeout). A phase ends when its condition,
 * checked before every iteration (prepoll), holds, or at its deadline. */
static unsigned long iterations;
static int (*break_when)(void);
static su_timer_t *deadline_timer, *pace_timer;

static void prepoll(su_prepoll_magic_t *magic, su_root_t *root)
{
  (void)magic;
  iterations++;
  if (break_when && break_when())
    su_root_break(root);
}

static void on_deadline(su_root_magic_t *magic, su_timer_t *t, su_timer_arg_t *arg)
{
  (void)magic, (void)t, (void)arg;
  su_root_break(B->root);
}

static void run_until(int (*cond)(void), double deadline)
{
  double now = now_s();

  if ((cond && cond()) || deadline <= now)
    return;
  break_when = cond;
  su_timer_set_interval(deadline_timer, on_deadline, NULL,
                        (su_duration_t)((deadline - now) * 1000) + 1);
  su_root_run(B->root);
  su_timer_reset(deadline_timer);
  break_when = NULL;
}

static int setup_done(void)
{
  return B->established + B->failed >= B->n;
}

static int refresh_done(void)
{
  return B->refreshed >= B->established && B->refresh_answered >= B->established;
}

static int shutdown_done(void)
{
  return B->shutdowns >= 2;
}

/* Start the calls whose time has come (calls start evenly over the
 * stagger window). */
static void on_pace(su_root_magic_t *magic, su_timer_t *t, su_timer_arg_t *arg)
{
  double now = now_s();

  (void)magic, (void)arg;
  while (B->started < B->n && B->t0 + B->stagger * B->started / B->n <= now)
    start_call(B->started);
  if (B->started < B->n)
    su_timer_set_interval(t, on_pace, NULL, 2);
}

static int create_uas(void)
{
  char url_a[64], url_b[64];
  su_root_t *root = B->root;

  B->port_a = free_udp_port();
  B->port_b = free_udp_port();
  if (B->port_a < 0 || B->port_b < 0)
    return -1;
  snprintf(url_a, sizeof url_a, "sip:127.0.0.1:%d;transport=udp", B->port_a);
  snprintf(url_b, sizeof url_b, "sip:127.0.0.1:%d;transport=udp", B->port_b);

  if (B->mode == MODE_NST) {
    B->nst_a = nst_create(root, on_a, NULL, NUTAG_URL(url_a),
                          NUTAG_MEDIA_ENABLE(B->media),
                          TPTAG_UDP_RMEM(4 << 20),
                          NSTTAG_SESSION_EXPIRES(B->se), NSTTAG_MIN_SE(90),
                          NSTTAG_TIMER_SOURCE(timer_source),
                          NSTTAG_REFRESH_BATCH(refresh_batch_ms),
                          TAG_END());
    B->nst_b = nst_create(root, on_b, NULL, NUTAG_URL(url_b),
                          NUTAG_MEDIA_ENABLE(B->media),
                          TPTAG_UDP_RMEM(4 << 20),
                          NSTTAG_SESSION_EXPIRES(B->se), NSTTAG_MIN_SE(90),
                          NSTTAG_TIMER_SOURCE(timer_source),
                          TAG_END());
    if (B->nst_a == NULL || B->nst_b == NULL)
      return -1;
    nst_set_callback(B->nst_a, on_nst_event, B->nst_a);
    nst_set_callback(B->nst_b, on_nst_event, B->nst_b);
    B->nua_a = nst_nua(B->nst_a), B->nua_b = nst_nua(B->nst_b);
  }
  else {
    B->nua_a = nua_create(root, on_a, NULL, NUTAG_URL(url_a),
                          NUTAG_MEDIA_ENABLE(B->media),
                          TPTAG_UDP_RMEM(4 << 20),
                          NUTAG_SESSION_TIMER(B->se), NUTAG_MIN_SE(90),
                          NUTAG_SESSION_REFRESHER(nua_local_refresher),
                          NUTAG_UPDATE_REFRESH(1),
                          TAG_END());
    B->nua_b = nua_create(root, on_b, NULL, NUTAG_URL(url_b),
                          NUTAG_MEDIA_ENABLE(B->media),
                          TPTAG_UDP_RMEM(4 << 20),
                          NUTAG_SESSION_TIMER(B->se), NUTAG_MIN_SE(90),
                          TAG_END());
    if (B->nua_a == NULL || B->nua_b == NULL)
      return -1;
  }
  return 0;
}

static int run_calls(int argc, char **argv)
{
  static struct option const opts[] = {
    { "mode", required_argument, NULL, 'm' },
    { "calls", required_argument, NULL, 'n' },
    { "stagger", required_argument, NULL, 's' },
    { "session-expires", required_argument, NULL, 'e' },
    { "no-media", no_argument, NULL, 'M' },
    { "mem-attrib", no_argument, NULL, 'A' },
    { "setup-only", no_argument, NULL, 'S' },
    { "timer", required_argument, NULL, 'T' },
    { "batch", required_argument, NULL, 'B' },
    { NULL, 0, NULL, 0 }
  };
  int opt, mem_attrib = 0, setup_only = 0;
  double t, cpu0, cpu_setup, cpu_idle0 = 0, cpu_idle = 0, idle_len = 0;
  double cpu_ref0, cpu_ref, sys_ref0, sys_ref, ref_len, t_setup_end, t_ref0, first_due, last_due;
  size_t heap0, heap1;
  long rss0, rss1;
  double *err = NULL, *err_fire = NULL, *err_nominal = NULL, *err_abs = NULL;
  size_t n_err = 0, n_fire = 0;
  unsigned long iterations_ref0;
  unsigned i;

  B->mode = MODE_NST, B->n = 1000, B->stagger = 10, B->se = 90, B->media = 1;
  while ((opt = getopt_long(argc, argv, "m:n:s:e:MAST:B:", opts, NULL)) != -1) {
    switch (opt) {
    case 'm': B->mode = strcmp(optarg, "builtin") == 0 ? MODE_BUILTIN : MODE_NST; break;
    case 'n': B->n = (unsigned)strtoul(optarg, NULL, 10); break;
    case 's': B->stagger = atof(optarg); break;
    case 'e': B->se = (unsigned)strtoul(optarg, NULL, 10); break;
    case 'M': B->media = 0; break;
    case 'A': mem_attrib = 1; break;
    case 'S': setup_only = 1; break;
    case 'T': if (set_timer_source(optarg) < 0) return 2; break;
    case 'B': refresh_batch_ms = (unsigned)strtoul(optarg, NULL, 10); break;
    default: return 2;
    }
  }
  if (B->n == 0 || B->se < 90)
    return 2;
  pin_lb = (int)B->se / 2 - 5, pin_ub = (int)B->se / 2 + 5;

  B->calls = calloc(B->n, sizeof *B->calls);
  B->root = su_root_create(NULL);
  if (B->calls == NULL || B->root == NULL)
    return 1;
  su_root_threading(B->root, 0);        /* one thread: stack and application */
  if (create_uas() < 0) {
    fprintf(stderr, "nst-bench: cannot create the user agents\n");
    return 1;
  }
  deadline_timer = su_timer_create(su_root_task(B->root), 0);
  pace_timer = su_timer_create(su_root_task(B->root), 0);
  su_root_add_prepoll(B->root, prepoll, NULL);
  run_until(NULL, now_s() + 0.2);

  printf("mode=%s\ncalls=%u\nstagger_s=%.1f\nsession_expires=%u\nmedia=%d\n",
         B->mode == MODE_NST ? "nst" : "builtin", B->n, B->stagger, B->se, B->media);
  if (B->mode == MODE_NST)
    printf("timer_source=%s\nrefresh_batch_ms=%u\n", timer_source_name(timer_source),
           refresh_batch_ms);

  /* ---- setup */
  if (mem_attrib)
    attrib_start();
  heap0 = heap_bytes(), rss0 = rss_kib();
  CALLGRIND_ZERO_STATS;
  cpu0 = cpu_s();
  B->t0 = now_s();
  on_pace(NULL, pace_timer, NULL);
  run_until(setup_done, B->t0 + B->stagger + 60);
  if (!setup_done())
    fprintf(stderr, "nst-bench: setup timed out\n");
  su_timer_reset(pace_timer);
  run_until(NULL, now_s() + 0.1);      /* ACKs */
  t_setup_end = now_s();
  cpu_setup = cpu_s() - cpu0;
  CALLGRIND_DUMP_STATS_AT("setup");
  heap1 = heap_bytes(), rss1 = rss_kib();
  printf("established=%u\nfailed=%u\nsetup_s=%.3f\nsetup_cpu_us_per_call=%.1f\n",
         B->established, B->failed, t_setup_end - B->t0,
         cpu_setup * 1e6 / (B->established ? B->established : 1));
  printf("heap_bytes_per_call=%.1f\nrss_kib_per_call=%.3f\n",
         ((double)heap1 - (double)heap0) / (B->established ? B->established : 1),
         (double)(rss1 - rss0) / (B->established ? B->established : 1));
  if (mem_attrib) {
    attrib_on = 0;
    printf("nst_live_bytes_per_call=%.1f\nnst_live_usable_bytes_per_call=%.1f\n"
           "nst_live_blocks_per_call=%.2f\n",
           (double)tracked_bytes / B->n, (double)tracked_usable / B->n,
           (double)tracked_blocks / B->n);
    if (getenv("NST_BENCH_SITES"))
      attrib_sites(B->n);
  }

  if (setup_only || B->established == 0)
    goto shutdown;

  first_due = 1e300, last_due = 0;
  for (i = 0; i < B->n; i++)
    if (B->calls[i].established && B->calls[i].due) {
      if (B->calls[i].due < first_due) first_due = B->calls[i].due;
      if (B->calls[i].due > last_due) last_due = B->calls[i].due;
    }
  printf("first_due_after_s=%.3f\nlast_due_after_s=%.3f\n",
         first_due - B->t0, last_due - B->t0);

  /* ---- idle: from 1 s after setup to 1 s before the first refresh */
  run_until(NULL, t_setup_end + 1);
  if (first_due - 1 > now_s() + 2) {
    CALLGRIND_ZERO_STATS;
    cpu_idle0 = cpu_s();
    t = now_s();
    run_until(NULL, first_due - 1);
    idle_len = now_s() - t;
    cpu_idle = cpu_s() - cpu_idle0;
    CALLGRIND_DUMP_STATS_AT("idle");
  }
  printf("idle_s=%.3f\nidle_cpu_ms_per_s=%.3f\n", idle_len,
         idle_len > 0 ? cpu_idle * 1e3 / idle_len : 0.0);

  /* ---- refresh: until every established call refreshed once (and A got
   * the answer), or 15 s after the last due time */
  if (getenv("NST_BENCH_TRIM")) {
    /* Diagnostic: have glibc sort and return the free chunks the setup
     * transactions left (nta frees them 32 s after setup) now, rather than
     * in the first malloc() of the refresh window. */
    double t_trim;

    run_until(NULL, first_due - 1.5);
    t_trim = now_s();
    malloc_trim(0);
    printf("malloc_trim_ms=%.1f\n", (now_s() - t_trim) * 1e3);
  }
  run_until(NULL, first_due - 0.5);
  CALLGRIND_ZERO_STATS;
  iterations_ref0 = iterations;
  cpu_ref0 = cpu_s();
  sys_ref0 = sys_s();
  t_ref0 = now_s();
  timers_counting = 1;
  run_until(refresh_done, last_due + 15);
  run_until(NULL, now_s() + 0.05);     /* the last 200 OKs */
  timers_counting = 0;
  ref_len = now_s() - t_ref0;
  cpu_ref = cpu_s() - cpu_ref0;
  sys_ref = sys_s() - sys_ref0;
  CALLGRIND_DUMP_STATS_AT("refresh");

  printf("loop_steps_per_refresh=%.1f\n",
         B->refreshed ? (double)(iterations - iterations_ref0) / B->refreshed : 0.0);
  if (timers_wrapping())
    timers_print(B->refreshed);
  printf("refreshed=%u\nrefresh_answered=%u\ndropped=%u\npinned_randint=%d\n",
         B->refreshed, B->refresh_answered, B->dropped, pinned_calls);
  printf("refresh_window_s=%.3f\nrefresh_cpu_s=%.4f\nrefresh_sys_s=%.4f\n",
         ref_len, cpu_ref, sys_ref);
  if (B->refreshed) {
    double net = cpu_ref - (idle_len > 0 ? cpu_idle / idle_len * ref_len : 0);
    printf("cpu_us_per_refresh=%.2f\ncpu_net_us_per_refresh=%.2f\n",
           cpu_ref * 1e6 / B->refreshed, net * 1e6 / B->refreshed);
  }

  err = calloc(B->n, sizeof *err);
  err_fire = calloc(B->n, sizeof *err_fire);
  err_nominal = calloc(B->n, sizeof *err_nominal);
  err_abs = calloc(B->n, sizeof *err_abs);
  for (i = 0; i < B->n; i++) {
    bcall_t *c = &B->calls[i];
    if (!c->refreshed || !c->due)
      continue;
    if (B->mode == MODE_BUILTIN && c->received < c->due)
      /* The second turned between nua's sip_now() and our event: its due
       * time was a second earlier (it never fires early). */
      c->due -= 1;
    err[n_err] = c->received - c->due;
    err_abs[n_err] = fabs(c->received - c->nominal);
    err_nominal[n_err++] = c->received - c->nominal;
    if (c->fired)
      err_fire[n_fire++] = c->fired - c->due;
  }
  if (getenv("NST_BENCH_TRACE")) {
    FILE *f = fopen(getenv("NST_BENCH_TRACE"), "w");
    for (i = 0; f && i < B->n; i++)
      if (B->calls[i].refreshed)
        fprintf(f, "%u %.6f %.6f %.6f\n", i, B->calls[i].due - B->t0,
                B->calls[i].received - B->calls[i].due,
                B->calls[i].fired ? B->calls[i].fired - B->calls[i].due : 0.0);
    if (f)
      fclose(f);
  }
  print_dist("err_recv", err, n_err);
  print_dist("err_nominal", err_nominal, n_err);
  print_dist("err_nominal_abs", err_abs, n_err);
  print_dist("err_fire", err_fire, n_fire);

 shutdown:
  fflush(stdout);
  nua_shutdown(B->nua_a);
  nua_shutdown(B->nua_b);
  t = now_s();
  run_until(shutdown_done, t + 3);
  if (!shutdown_done()) {
    /* nua waits for its BYE transactions; the figures are out already */
    fprintf(stderr, "nst-bench: shutdown not done after 3 s: exiting\n");
    _exit(0);
  }
  if (B->mode == MODE_NST) {
    nst_destroy(B->nst_a);
    nst_destroy(B->nst_b);
  }
  else {
    nua_destroy(B->nua_a);
    nua_destroy(B->nua_b);
  }
  su_timer_destroy(deadline_timer);
  su_timer_destroy(pace_timer);
  su_root_destroy(B->root);
  free(err), free(err_fire), free(err_nominal), free(err_abs), free(B->calls);
  return 0;
}

/* ====================================================================== */
/* The scheduler benchmark: src/nst_sched.c on a fast-forwarded clock */

extern void (*_su_time)(su_time_t *tv);

static su_time_t fake_now;
static unsigned long fired;

static void fake_time(su_time_t *tv)
{
  *tv = fake_now;
}

static void on_fire(void *arg)
{
  (void)arg;
  fired++;
}

static void on_kick(void *arg)
{
  (void)arg;
}

static void fake_advance_ms(unsigned long ms)
{
  fake_now = su_time_add(fake_now, (su_duration_t)ms);
}

static int run_sched(int argc, char **argv)
{
  static struct option const opts[] = {
    { "timers", required_argument, NULL, 'n' },
    { "rounds", required_argument, NULL, 'r' },
    { "timer", required_argument, NULL, 'T' },
    { NULL, 0, NULL, 0 }
  };
  unsigned long n = 100000, rounds = 3, i, r;
  nst_sched_timer_t *t, kick;
  nst_sched_t *sched;
  uint64_t *delay;
  su_root_t *root;
  double best_arm = 1e300, best_rearm = 1e300, best_cancel = 1e300, best_fire = 1e300;
  double t0;
  int opt;
  unsigned seed = 1;

  timer_source = nst_timer_su;
  while ((opt = getopt_long(argc, argv, "n:r:T:", opts, NULL)) != -1) {
    switch (opt) {
    case 'n': n = strtoul(optarg, NULL, 10); break;
    case 'r': rounds = strtoul(optarg, NULL, 10); break;
    case 'T': if (set_timer_source(optarg) < 0) return 2; break;
    default: return 2;
    }
  }

  void (*saved)(su_time_t *) = _su_time;

  su_time(&fake_now);
  _su_time = fake_time;                 /* su_now() is ours from here on */
  root = su_root_create(NULL);
  sched = root ? nst_sched_create(root, timer_source) : NULL;
  t = calloc(n, sizeof *t);
  delay = calloc(n, sizeof *delay);
  if (sched == NULL || t == NULL || delay == NULL)
    return 1;
  nst_sched_init(&kick, sched);
  for (i = 0; i < n; i++) {
    if (nst_sched_init(&t[i], sched) < 0)
      return 1;
    /* refreshes spread like staggered calls: 45..55 s */
    delay[i] = 45000 + (uint64_t)(rand_r(&seed) % 10000);
  }

  for (r = 0; r < rounds; r++) {
    double d;

    /* arm N idle timers (heap insert) */
    t0 = mono_ns();
    for (i = 0; i < n; i++)
      nst_sched_arm(&t[i], delay[i], on_fire, &t[i]);
    d = (mono_ns() - t0) / n;
    if (d < best_arm) best_arm = d;

    /* re-arm each, as every 2xx does (cancel + insert) */
    fake_advance_ms(1);
    t0 = mono_ns();
    for (i = 0; i < n; i++)
      nst_sched_arm(&t[i], delay[(i + 7) % n], on_fire, &t[i]);
    d = (mono_ns() - t0) / n;
    if (d < best_rearm) best_rearm = d;

    /* cancel each (heap remove) */
    t0 = mono_ns();
    for (i = 0; i < n; i++)
      nst_sched_cancel(&t[i]);
    d = (mono_ns() - t0) / n;
    if (d < best_cancel) best_cancel = d;

    /* arm again and let all fire: jump past the last one, one root step.
     * The timerfd counts real time, which has not moved: a timer due now,
     * armed first, makes it fire at once, and by then every timer is due. */
    if (nst_sched_source(sched) == nst_timer_fd)
      nst_sched_arm(&kick, 0, on_kick, NULL);
    for (i = 0; i < n; i++)
      nst_sched_arm(&t[i], delay[i], on_fire, &t[i]);
    fake_advance_ms(60000);
    fired = 0;
    t0 = mono_ns();
    while (fired < n)
      su_root_step(root, 0);
    d = (mono_ns() - t0) / n;
    if (d < best_fire) best_fire = d;
  }

  printf("sched_source=%s\nsched_timers=%lu\nsched_arm_ns=%.1f\nsched_rearm_ns=%.1f\n"
         "sched_cancel_ns=%.1f\nsched_fire_ns=%.1f\n",
         timer_source_name(nst_sched_source(sched)),
         n, best_arm, best_rearm, best_cancel, best_fire);

  for (i = 0; i < n; i++)
    nst_sched_deinit(&t[i]);
  nst_sched_deinit(&kick);
  nst_sched_destroy(sched);
  su_root_destroy(root);
  _su_time = saved;
  free(t), free(delay);
  return 0;
}

/* ====================================================================== */
/* "spin": what one su_timer expiry costs the loop that waits for it.
 * su_root computes its poll timeout in whole milliseconds, truncated
 * (su_duration()), so in the last fraction of a millisecond before a timer
 * is due it polls with timeout 0 over and over. Arm one nst_sched timer at
 * a time, 20 ms + a random fraction of a millisecond ahead, and count the
 * loop's steps and CPU until it fires. */

static su_root_t *spin_root;

static void on_spin_fire(void *arg)
{
  (void)arg;
  fired++;
  su_root_break(spin_root);
}

static int run_spin(int argc, char **argv)
{
  unsigned long n = 200, i, it0;
  nst_sched_timer_t t;
  nst_sched_t *sched;
  double cpu0, wall0, late = 0, late_max = 0;
  unsigned seed = 7;
  int a;

  timer_source = nst_timer_su;
  for (a = 1; a < argc; a++) {
    if (strncmp(argv[a], "--timers=", 9) == 0)
      n = strtoul(argv[a] + 9, NULL, 10);
    else if (strncmp(argv[a], "--timer=", 8) == 0 && set_timer_source(argv[a] + 8) == 0)
      ;
    else
      return 2;
  }
  spin_root = su_root_create(NULL);
  sched = spin_root ? nst_sched_create(spin_root, timer_source) : NULL;
  if (sched == NULL || nst_sched_init(&t, sched) < 0)
    return 1;
  su_root_add_prepoll(spin_root, prepoll, NULL);
  it0 = iterations;
  cpu0 = cpu_s(), wall0 = now_s();
  for (i = 0; i < n; i++) {
    double due, l;
    /* a random phase: start from a random point within a millisecond */
    usleep(rand_r(&seed) % 1000);
    nst_sched_arm(&t, 20, on_spin_fire, NULL);
    due = now_s() + 0.020;
    su_root_run(spin_root);
    l = now_s() - due;
    late += l;
    if (l > late_max)
      late_max = l;
  }
  printf("spin_source=%s\n", timer_source_name(nst_sched_source(sched)));
  printf("spin_timers=%lu\nspin_loop_iterations_per_expiry=%.1f\n"
         "spin_cpu_us_per_expiry=%.1f\nspin_wall_ms_per_expiry=%.3f\n"
         "spin_late_us_mean=%.1f\nspin_late_us_max=%.1f\n",
         n, (double)(iterations - it0) / n, (cpu_s() - cpu0) * 1e6 / n,
         (now_s() - wall0) * 1e3 / n, late * 1e6 / n, late_max * 1e6);
  nst_sched_deinit(&t);
  nst_sched_destroy(sched);
  su_root_destroy(spin_root);
  return 0;
}

/* ====================================================================== */

int main(int argc, char **argv)
{
  int rc;

  if (argc < 2) {
    fprintf(stderr, "usage: nst-bench calls [--mode=nst|builtin] [--calls=N] [--stagger=S]\n"
                    "                       [--session-expires=S] [--no-media] [--mem-attrib]\n"
                    "                       [--timer=auto|su|fd] [--batch=MS]\n"
                    "       nst-bench sched [--timers=N] [--rounds=R] [--timer=su|fd]\n"
                    "       nst-bench spin [--timers=N] [--timer=su|fd]\n");
    return 2;
  }
  setenv("G_SLICE", "always-malloc", 1);
  su_init();
  if (strcmp(argv[1], "calls") == 0)
    rc = run_calls(argc - 1, argv + 1);
  else if (strcmp(argv[1], "sched") == 0)
    rc = run_sched(argc - 1, argv + 1);
  else if (strcmp(argv[1], "spin") == 0)
    rc = run_spin(argc - 1, argv + 1);
  else
    rc = 2;
  su_deinit();
  return rc;
}
