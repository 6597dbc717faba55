/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst - the scheduler: one-shot timers on the application's su_root.
 *
 * See nst_sched.h for the two sources of time and why there are two.
 */
#include "config.h"

#include "nst_sched.h"
#include "nst_core.h"

#include <sofia-sip/heap.h>
#include <sofia-sip/su_time.h>

#include <errno.h>
#include <stddef.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if HAVE_SYS_TIMERFD_H
#include <sys/timerfd.h>
#endif

#define SU_LOG (nst_log)
#include <sofia-sip/su_debug.h>

/* nst_log: <nst/nst.h> (defined in nst_log.c) */

/* su_timer_t takes at most SU_DURATION_MAX ms (24.8 days); a longer timer
 * (a peer may negotiate any interval) runs in slices of at most a day. */
#define NST_SCHED_SLICE_MS (24 * 3600 * 1000L)

/* Longest timer: deadlines are kept in us of su_now() (2^52 us since
 * 1900 today), so 2^50 ms (35,000 years) cannot overflow them. */
#define NST_SCHED_MAX_MS ((uint64_t)1 << 50)

#define US_PER_S 1000000u

/* The fd source's min-heap of armed timers, Sofia's (HEAP_BODIES() below).
 * No HEAP_DECLARE(): its prototypes take "heaptype *" where the bodies
 * take "heaptype h[1]", which GCC's -Warray-parameter refuses; the bodies
 * come before any use instead. */
typedef HEAP_TYPE nst_heap_t;

struct nst_sched_s {
  su_root_t          *ss_root;
  nst_timer_source_t  ss_source;    /* nst_timer_su or nst_timer_fd */
  /* fd source */
  int                 ss_fd;        /* -1: none */
  int                 ss_reg;       /* su_root_register() index, -1: none */
  uint64_t            ss_fd_due;    /* what the fd is armed for, 0: not armed */
  nst_heap_t          ss_heap;      /* min-heap on st_due */
  unsigned            ss_dispatching:1; /* in sched_fd_ready() */
  unsigned            ss_destroyed:1;   /* ... which then frees it */
};

/* ---------------------------------------------------------------------- */
/* Time: us of su_now(), the clock both sources and nua's own timers use */

static uint64_t sched_now_us(void)
{
  su_time_t now = su_now();
  return (uint64_t)now.tv_sec * US_PER_S + now.tv_usec;
}

static su_time_t sched_su_time(uint64_t us)
{
  su_time_t t;
  t.tv_sec = (unsigned long)(us / US_PER_S);
  t.tv_usec = (unsigned long)(us % US_PER_S);
  return t;
}

/* What is left, truncated to ms the way su_duration() does it. */
static su_duration_t sched_left_ms(nst_sched_timer_t const *t)
{
  return su_duration(sched_su_time(t->st_due), su_now());
}

/* ---------------------------------------------------------------------- */
/* The su source: one su_timer_t per armed timer */

static void su_fire(su_root_magic_t *magic, su_timer_t *timer, su_timer_arg_t *arg);

static int su_set(nst_sched_timer_t *t, su_duration_t left)
{
  if (left > NST_SCHED_SLICE_MS)
    left = NST_SCHED_SLICE_MS;
  if (left < 0)
    left = 0;
  return su_timer_set_interval(t->st_timer, su_fire, (su_timer_arg_t *)t, left);
}

static void su_fire(su_root_magic_t *magic, su_timer_t *timer, su_timer_arg_t *arg)
{
  nst_sched_timer_t *t = (nst_sched_timer_t *)arg;
  su_duration_t left = sched_left_ms(t);

  (void)magic;
  if (left > 0 && su_set(t, left) == 0)
    return;                     /* a slice of a long timer */
  /* Detach the su_timer_t first: the function may re-arm this timer, or
   * free the structure holding it (a call that ends). */
  t->st_timer = NULL;
  t->st_fn(t->st_arg);
  su_timer_destroy(timer);
}

static int su_arm(nst_sched_timer_t *t, uint64_t ms)
{
  t->st_timer = su_timer_create(su_root_task(t->st_sched->ss_root), 0);
  if (t->st_timer == NULL)
    return -1;
  if (su_set(t, (su_duration_t)(ms > NST_SCHED_SLICE_MS ? NST_SCHED_SLICE_MS : ms)) < 0) {
    su_timer_destroy(t->st_timer);
    t->st_timer = NULL;
    return -1;
  }
  return 0;
}

/* ---------------------------------------------------------------------- */
/* The fd source: a min-heap of deadlines, one timerfd for its minimum */

/* Sofia's heap (<sofia-sip/heap.h>, as su_timer.c and nta use it): 1-based,
 * and its set() keeps each timer's st_slot at its index (0 once removed,
 * since remove() sets the returned element at index 0 of a scratch array). */
static inline int heap_before(nst_sched_timer_t const *a, nst_sched_timer_t const *b)
{
  return a->st_due < b->st_due;
}

static inline void heap_set(nst_sched_timer_t **heap, size_t i, nst_sched_timer_t *t)
{
  heap[i] = t;
  t->st_slot = (unsigned)i;
}

static inline void *heap_alloc(void *arg, void *p, size_t size)
{
  (void)arg;
  if (size > 0)
    return realloc(p, size);
  free(p);
  return NULL;
}

HEAP_BODIES(static inline, nst_heap_t, th_, nst_sched_timer_t *,
            heap_before, heap_set, heap_alloc, NULL);

static nst_sched_timer_t *heap_top(nst_sched_t const *s)
{
  return th_used(s->ss_heap) ? th_get(s->ss_heap, 1) : NULL;
}

static int heap_insert(nst_sched_t *s, nst_sched_timer_t *t)
{
  if (th_is_full(s->ss_heap) && th_resize(NULL, &s->ss_heap, 0) < 0)
    return -1;
  return th_add(s->ss_heap, t);
}

static void heap_remove(nst_sched_t *s, nst_sched_timer_t *t)
{
  th_remove(s->ss_heap, t->st_slot);
}

#if HAVE_SYS_TIMERFD_H
/* Make the fd fire no later than the earliest deadline (see fd_cancelled()
 * for when that deadline goes away). */
/* When the scheduler must wake up for @a t: at its deadline, or, for a
 * grid timer whose slot has not begun yet, at the slot's start, where the
 * slot's first burst goes (as on the su source: a second's refreshes on
 * the same phase of the clock, so that what their transactions leave
 * behind, nta's timers, falls due in later bursts); once the slot has
 * begun, at its own deadline (the rest of a slot after a full burst). */
static uint64_t fd_wake_at(nst_sched_timer_t const *t, uint64_t *now)
{
  uint64_t grid_us, slot;

  if (t->st_grid_ms == 0)
    return t->st_due;
  grid_us = (uint64_t)t->st_grid_ms * 1000u;
  slot = t->st_due - t->st_due % grid_us;
  if (*now == 0)
    *now = sched_now_us();
  return slot > *now ? slot : t->st_due;
}

static void fd_update(nst_sched_t *s)
{
  struct itimerspec its;
  uint64_t due, now = 0;

  if (s->ss_dispatching || th_used(s->ss_heap) == 0)
    return;                     /* sched_fd_ready() re-arms when done */
  due = fd_wake_at(heap_top(s), &now);
  if (s->ss_fd_due != 0 && s->ss_fd_due <= due)
    return;
  /* Relative, on CLOCK_MONOTONIC: the deadlines are su_now()'s, and a
   * step of the wall clock must not make the fd fire at once for all. If
   * su_now() disagrees when it fires, sched_fd_ready() just re-arms. */
  if (now == 0)
    now = sched_now_us();
  memset(&its, 0, sizeof its);
  if (due > now) {
    its.it_value.tv_sec = (time_t)((due - now) / US_PER_S);
    its.it_value.tv_nsec = (long)((due - now) % US_PER_S) * 1000;
  }
  else
    its.it_value.tv_nsec = 1;   /* due already; all zero would disarm */
  if (timerfd_settime(s->ss_fd, 0, &its, NULL) < 0) {
    SU_DEBUG_1(("nst: timerfd_settime: %s\n", strerror(errno)));
    return;
  }
  s->ss_fd_due = due;
}

/* The deadline the fd was armed for was cancelled. Move the fd to the
 * next one now: one system call, where waking up for nothing would cost
 * three and a loop iteration. It happens once per refresh on the side
 * that does not refresh: each refresh it receives re-arms the expiry
 * timer of the call that refreshes first, i.e. the earliest deadline.
 * Other cancels leave the fd alone. */
static void fd_cancelled(nst_sched_t *s)
{
  struct itimerspec its;

  s->ss_fd_due = 0;
  if (s->ss_dispatching)
    return;                     /* sched_fd_ready() re-arms when done */
  if (th_used(s->ss_heap) > 0) {
    fd_update(s);
    return;
  }
  memset(&its, 0, sizeof its);  /* nothing left: disarm */
  if (timerfd_settime(s->ss_fd, 0, &its, NULL) < 0)
    SU_DEBUG_1(("nst: timerfd_settime: %s\n", strerror(errno)));
}

static void sched_free(nst_sched_t *s);

/* Whether @a t fires in a wake-up at @a now: due by then, or a grid timer
 * whose slot of the clock has begun, while this wake-up has sent fewer
 * than NST_SCHED_EARLY_MAX timers ahead of time (@a n_early). */
static int fd_fires_now(nst_sched_timer_t const *t, uint64_t now, unsigned *n_early)
{
  uint64_t grid_us;

  if (t->st_due <= now)
    return 1;
  if (t->st_grid_ms == 0 || *n_early >= NST_SCHED_EARLY_MAX)
    return 0;
  grid_us = (uint64_t)t->st_grid_ms * 1000u;
  if (t->st_due - t->st_due % grid_us > now)
    return 0;
  ++*n_early;
  return 1;
}

/* The fd fired (or an earlier deadline was cancelled): run what is due. */
static int sched_fd_ready(su_root_magic_t *magic, su_wait_t *w, su_wakeup_arg_t *arg)
{
  nst_sched_t *s = (nst_sched_t *)arg;
  nst_sched_timer_t *t;
  uint64_t expirations, now;
  unsigned n_early = 0;

  (void)magic, (void)w;
  if (read(s->ss_fd, &expirations, sizeof expirations) < 0 && errno != EAGAIN)
    SU_DEBUG_1(("nst: timerfd read: %s\n", strerror(errno)));
  s->ss_fd_due = 0;             /* a one-shot timerfd is disarmed now */

  /* Only what was due on entry: a 0 ms timer armed by a function waits
   * for the next wake-up, after the root has served its other sources.
   * The heap is in the order of the timers' own deadlines, so the grid
   * timers that go early are those due first. */
  now = sched_now_us();
  s->ss_dispatching = 1;
  while (!s->ss_destroyed && (t = heap_top(s)) && fd_fires_now(t, now, &n_early)) {
    nst_sched_f *fn = t->st_fn;
    void *fn_arg = t->st_arg;

    heap_remove(s, t);
    fn(fn_arg);                 /* may re-arm, cancel or free t, or destroy s */
  }
  s->ss_dispatching = 0;

  if (s->ss_destroyed)
    sched_free(s);
  else
    fd_update(s);
  return 0;
}

static int fd_open(nst_sched_t *s)
{
  su_wait_t wait[1];

  s->ss_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (s->ss_fd < 0) {
    SU_DEBUG_3(("nst: timerfd_create: %s\n", strerror(errno)));
    return -1;
  }
  if (su_wait_create(wait, s->ss_fd, SU_WAIT_IN) < 0)
    return -1;
  s->ss_reg = su_root_register(s->ss_root, wait, sched_fd_ready, s, 0);
  if (s->ss_reg < 0) {
    su_wait_destroy(wait);
    /* "%s": Sofia-SIP 1.13's SU_DEBUG_n needs an argument after the format. */
    SU_DEBUG_1(("%s", "nst: cannot register the timerfd with the su_root\n"));
    return -1;
  }
  return 0;
}
#else
static void fd_update(nst_sched_t *s) { (void)s; }
static void fd_cancelled(nst_sched_t *s) { (void)s; }
static int fd_open(nst_sched_t *s) { (void)s; return -1; }
#endif

static void fd_close(nst_sched_t *s)
{
  if (s->ss_reg >= 0)
    su_root_deregister(s->ss_root, s->ss_reg);   /* not the fd itself */
  if (s->ss_fd >= 0)
    close(s->ss_fd);
  s->ss_reg = s->ss_fd = -1;
}

/* ---------------------------------------------------------------------- */
/* The scheduler */

static void sched_free(nst_sched_t *s)
{
  fd_close(s);
  th_free(NULL, &s->ss_heap);
  free(s);
}

nst_sched_t *nst_sched_create(su_root_t *root, nst_timer_source_t source)
{
  nst_sched_t *s;

  if (root == NULL || (unsigned)source > nst_timer_fd)
    return NULL;
  source = nst_clock_timer_source(root, source);
  s = calloc(1, sizeof *s);
  if (s == NULL)
    return NULL;
  s->ss_root = root;
  s->ss_fd = s->ss_reg = -1;
  s->ss_source = nst_timer_su;
  if (source != nst_timer_su) {
    if (fd_open(s) == 0)
      s->ss_source = nst_timer_fd;
    else if (source == nst_timer_fd) {
      sched_free(s);
      return NULL;
    }
    else {
      fd_close(s);
      SU_DEBUG_5(("%s", "nst: no timerfd, timers on su_timer\n"));
    }
  }
  return s;
}

void nst_sched_destroy(nst_sched_t *s)
{
  if (s == NULL)
    return;
  /* Drop what is still armed: its owners may cancel it later. */
  while (th_used(s->ss_heap) > 0)
    th_remove(s->ss_heap, th_used(s->ss_heap));
  if (s->ss_dispatching)
    s->ss_destroyed = 1;        /* sched_fd_ready() frees it on its way out */
  else
    sched_free(s);
}

nst_timer_source_t nst_sched_source(nst_sched_t const *s)
{
  return s->ss_source;
}

/* ---------------------------------------------------------------------- */
/* Timers */

int nst_sched_init(nst_sched_timer_t *t, nst_sched_t *sched)
{
  memset(t, 0, sizeof *t);
  t->st_sched = sched;
  return sched ? 0 : -1;
}

/* Arm @a t for @a due (us of su_now()), @a ms from now; fd source: it may
 * go early in its slot of a @a grid_ms grid (0: none, fd_fires_now()). */
static int sched_arm(nst_sched_timer_t *t, uint64_t due, unsigned grid_ms,
                     uint64_t ms, nst_sched_f *fn, void *arg)
{
  nst_sched_t *s = t->st_sched;
  int rv;

  nst_sched_cancel(t);
  if (s == NULL || s->ss_destroyed || ms > NST_SCHED_MAX_MS)
    return -1;
  t->st_fn = fn;
  t->st_arg = arg;
  t->st_due = due;
  t->st_grid_ms = grid_ms;
  if (s->ss_source == nst_timer_su)
    return su_arm(t, ms);
  rv = heap_insert(s, t);
  if (rv == 0)
    fd_update(s);
  return rv;
}

int nst_sched_arm(nst_sched_timer_t *t, uint64_t ms, nst_sched_f *fn, void *arg)
{
  uint64_t due = ms > NST_SCHED_MAX_MS ? 0 : sched_now_us() + ms * 1000u;

  return sched_arm(t, due, 0, ms, fn, arg);
}

int nst_sched_arm_grid(nst_sched_timer_t *t, uint64_t ms, unsigned grid_ms,
                       nst_sched_f *fn, void *arg)
{
  uint64_t now_us, now_ms, delay;

  if (grid_ms == 0 || ms > NST_SCHED_MAX_MS)
    return nst_sched_arm(t, ms, fn, arg);
  now_us = sched_now_us();
  if (t->st_sched && t->st_sched->ss_source == nst_timer_fd)
    /* Its own deadline: the grid only lets it go early, with the timers
     * of its slot that are due first (sched_fd_ready()). Nothing wakes
     * the loop just for it before then. */
    return sched_arm(t, now_us + ms * 1000u, grid_ms, ms, fn, arg);
  /* su_timer: each timer is its own; the slot's timers share its start. */
  now_ms = now_us / 1000u;
  delay = nst_batched_delay_ms(now_ms, ms, grid_ms);
  return sched_arm(t, delay ? (now_ms + delay) * 1000u : now_us, 0, delay, fn, arg);
}

void nst_sched_cancel(nst_sched_timer_t *t)
{
  /* Neither branch reads a destroyed scheduler: it zeroed st_slot. */
  if (t->st_timer)
    su_timer_destroy(t->st_timer);   /* resets it too */
  else if (t->st_slot) {
    nst_sched_t *s = t->st_sched;
    /* The earliest timer: the fd may be armed for it (its deadline or
     * its slot's start). */
    int fd_was_for_it = t->st_slot == 1 && s->ss_fd_due != 0;

    heap_remove(s, t);
    if (fd_was_for_it)
      fd_cancelled(s);
  }
  t->st_timer = NULL;
  t->st_slot = 0;
}

static int sched_armed(nst_sched_timer_t const *t)
{
  return t->st_timer != NULL || t->st_slot != 0;
}

long nst_sched_remaining_ms(nst_sched_timer_t const *t)
{
  su_duration_t left;

  if (!sched_armed(t))
    return -1;
  left = sched_left_ms(t);
  return left < 0 ? 0 : (long)left;
}

void nst_sched_deinit(nst_sched_timer_t *t)
{
  nst_sched_cancel(t);
}
