/*
 * nst - the scheduler: one-shot timers on the application's su_root.
 *
 * See nst_sched.h for the two sources of time and why there are two.
 */
#include "config.h"

#include "nst_sched.h"

#include <sofia-sip/su_time.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if HAVE_SYS_TIMERFD_H
#include <sys/timerfd.h>
#endif

#define SU_LOG (nst_log)
#include <sofia-sip/su_debug.h>

extern su_log_t nst_log[];

/* su_timer_t takes at most SU_DURATION_MAX ms (24.8 days); a longer timer
 * (a peer may negotiate any interval) runs in slices of at most a day. */
#define NST_SCHED_SLICE_MS (24 * 3600 * 1000L)

/* Longest timer: deadlines are kept in us of su_now() (2^52 us since
 * 1900 today), so 2^50 ms (35,000 years) cannot overflow them. */
#define NST_SCHED_MAX_MS ((uint64_t)1 << 50)

#define US_PER_S 1000000u

struct nst_sched_s {
  su_root_t          *ss_root;
  nst_timer_source_t  ss_source;    /* nst_timer_su or nst_timer_fd */
  /* fd source */
  int                 ss_fd;        /* -1: none */
  int                 ss_reg;       /* su_root_register() index, -1: none */
  uint64_t            ss_fd_due;    /* what the fd is armed for, 0: not armed */
  nst_sched_timer_t **ss_heap;      /* min-heap on st_due */
  unsigned            ss_used, ss_size;
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

static int heap_less(nst_sched_t const *s, unsigned i, unsigned j)
{
  return s->ss_heap[i]->st_due < s->ss_heap[j]->st_due;
}

static void heap_place(nst_sched_t *s, unsigned i, nst_sched_timer_t *t)
{
  s->ss_heap[i] = t;
  t->st_slot = i + 1;
}

static void heap_swap(nst_sched_t *s, unsigned i, unsigned j)
{
  nst_sched_timer_t *ti = s->ss_heap[i];
  heap_place(s, i, s->ss_heap[j]);
  heap_place(s, j, ti);
}

static void heap_up(nst_sched_t *s, unsigned i)
{
  while (i > 0 && heap_less(s, i, (i - 1) / 2)) {
    heap_swap(s, i, (i - 1) / 2);
    i = (i - 1) / 2;
  }
}

static void heap_down(nst_sched_t *s, unsigned i)
{
  for (;;) {
    unsigned l = 2 * i + 1, r = l + 1, m = i;
    if (l < s->ss_used && heap_less(s, l, m))
      m = l;
    if (r < s->ss_used && heap_less(s, r, m))
      m = r;
    if (m == i)
      return;
    heap_swap(s, i, m);
    i = m;
  }
}

static int heap_insert(nst_sched_t *s, nst_sched_timer_t *t)
{
  if (s->ss_used == s->ss_size) {
    unsigned size = s->ss_size ? 2 * s->ss_size : 64;
    nst_sched_timer_t **heap = realloc(s->ss_heap, size * sizeof *heap);
    if (heap == NULL)
      return -1;
    s->ss_heap = heap, s->ss_size = size;
  }
  heap_place(s, s->ss_used++, t);
  heap_up(s, s->ss_used - 1);
  return 0;
}

static void heap_remove(nst_sched_t *s, nst_sched_timer_t *t)
{
  unsigned i = t->st_slot - 1;

  t->st_slot = 0;
  if (i != --s->ss_used) {
    heap_place(s, i, s->ss_heap[s->ss_used]);
    heap_up(s, i);
    heap_down(s, i);
  }
}

#if HAVE_SYS_TIMERFD_H
/* Make the fd fire no later than the earliest deadline (see fd_cancelled()
 * for when that deadline goes away). */
static void fd_update(nst_sched_t *s)
{
  struct itimerspec its;
  uint64_t due, now;

  if (s->ss_dispatching || s->ss_used == 0)
    return;                     /* sched_fd_ready() re-arms when done */
  due = s->ss_heap[0]->st_due;
  if (s->ss_fd_due != 0 && s->ss_fd_due <= due)
    return;
  /* Relative, on CLOCK_MONOTONIC: the deadlines are su_now()'s, and a
   * step of the wall clock must not make the fd fire at once for all. If
   * su_now() disagrees when it fires, sched_fd_ready() just re-arms. */
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
  if (s->ss_used > 0) {
    fd_update(s);
    return;
  }
  memset(&its, 0, sizeof its);  /* nothing left: disarm */
  if (timerfd_settime(s->ss_fd, 0, &its, NULL) < 0)
    SU_DEBUG_1(("nst: timerfd_settime: %s\n", strerror(errno)));
}

static void sched_free(nst_sched_t *s);

/* The fd fired (or an earlier deadline was cancelled): run what is due. */
static int sched_fd_ready(su_root_magic_t *magic, su_wait_t *w, su_wakeup_arg_t *arg)
{
  nst_sched_t *s = (nst_sched_t *)arg;
  uint64_t expirations, now;

  (void)magic, (void)w;
  if (read(s->ss_fd, &expirations, sizeof expirations) < 0 && errno != EAGAIN)
    SU_DEBUG_1(("nst: timerfd read: %s\n", strerror(errno)));
  s->ss_fd_due = 0;             /* a one-shot timerfd is disarmed now */

  /* Only what was due on entry: a 0 ms timer armed by a function waits
   * for the next wake-up, after the root has served its other sources. */
  now = sched_now_us();
  s->ss_dispatching = 1;
  while (s->ss_used > 0 && s->ss_heap[0]->st_due <= now && !s->ss_destroyed) {
    nst_sched_timer_t *t = s->ss_heap[0];
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
  free(s->ss_heap);
  free(s);
}

nst_sched_t *nst_sched_create(su_root_t *root, nst_timer_source_t source)
{
  nst_sched_t *s;

  if (root == NULL || (unsigned)source > nst_timer_fd)
    return NULL;
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
  unsigned i;

  if (s == NULL)
    return;
  /* Drop what is still armed: its owners may cancel it later. */
  for (i = 0; i < s->ss_used; i++)
    s->ss_heap[i]->st_slot = 0;
  s->ss_used = 0;
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

int nst_sched_arm(nst_sched_timer_t *t, uint64_t ms, nst_sched_f *fn, void *arg)
{
  nst_sched_t *s = t->st_sched;
  int rv;

  nst_sched_cancel(t);
  if (s == NULL || s->ss_destroyed || ms > NST_SCHED_MAX_MS)
    return -1;
  t->st_fn = fn;
  t->st_arg = arg;
  t->st_due = sched_now_us() + ms * 1000u;
  if (s->ss_source == nst_timer_su)
    return su_arm(t, ms);
  rv = heap_insert(s, t);
  if (rv == 0)
    fd_update(s);
  return rv;
}

void nst_sched_cancel(nst_sched_timer_t *t)
{
  /* Neither branch reads a destroyed scheduler: it zeroed st_slot. */
  if (t->st_timer)
    su_timer_destroy(t->st_timer);   /* resets it too */
  else if (t->st_slot) {
    nst_sched_t *s = t->st_sched;
    int fd_was_for_it = t->st_slot == 1 && t->st_due == s->ss_fd_due;

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
