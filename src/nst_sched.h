/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst - the scheduler: one-shot timers on the application's su_root.
 *
 * One nst_sched_t per module holds every timer of its calls. It has two
 * sources of time (nst_timer_source_t in <nst/nst.h>):
 *
 *  - su:  one su_timer_t per armed timer. It follows Sofia's clock hooks
 *         (s2_fast_forward), but su_root polls with timeout 0 through the
 *         last millisecond before every su_timer expiry (su_duration()
 *         truncates to whole ms): ~0.8 ms of CPU per expiry
 *         (bench/RESULTS.md, "spin").
 *  - fd:  one Linux timerfd per module, registered with su_root_register()
 *         (so it works on any su_root, su_glib's included), armed for the
 *         earliest deadline of a min-heap (Sofia's <sofia-sip/heap.h>, as su_timer
 *         and nta use it). The kernel wakes the poll
 *         at the deadline: no spin, O(log N) per operation, at most one
 *         timerfd_settime() when the earliest deadline moves earlier.
 *
 * Both take their deadlines from su_now(), so they agree on when a timer
 * is due and on what nst_sched_remaining_ms() says.
 */
#ifndef NST_SCHED_H
#define NST_SCHED_H

#include <stdint.h>
#include <sofia-sip/su_wait.h>

#include <nst/nst.h>

typedef void nst_sched_f(void *arg);

typedef struct nst_sched_s nst_sched_t;

typedef struct nst_sched_timer_s {
  nst_sched_t *st_sched;
  su_timer_t  *st_timer;     /**< su source, only while armed */
  uint64_t     st_due;       /**< su_now() in us when it fires (if armed) */
  nst_sched_f *st_fn;
  void        *st_arg;
  unsigned     st_slot;      /**< fd source: index in the heap (from 1), 0: none */
  unsigned     st_grid_ms;   /**< fd source: may fire early, once this grid
                                  slot of the clock has begun; 0: never */
} nst_sched_timer_t;

/** The scheduler of one module on @a root (the thread of that root only).
 * nst_timer_auto takes a timerfd where there is one. NULL on failure
 * (nst_timer_fd without timerfd, an unknown source, no memory). */
nst_sched_t *nst_sched_create(su_root_t *root, nst_timer_source_t source);

/** nst_testclock.c: the source to use for @a asked (su_timer under the
 * fake clock, which also keeps nua's stack on @a root). */
nst_timer_source_t nst_clock_timer_source(su_root_t *root, nst_timer_source_t asked);

/** Destroy it; timers still armed are dropped without firing. Its timers
 * may then be cancelled or nst_sched_deinit()ed, not armed. Safe from
 * inside a timer function. */
void nst_sched_destroy(nst_sched_t *sched);

/** The source in use: nst_timer_su or nst_timer_fd (never auto). */
nst_timer_source_t nst_sched_source(nst_sched_t const *sched);

/** Prepare a timer of @a sched (nothing is allocated until armed). 0. */
int nst_sched_init(nst_sched_timer_t *t, nst_sched_t *sched);

/** Fire @a fn(@a arg) once, @a ms milliseconds from now (re-arming
 * replaces an earlier deadline). 0, or -1 (timer not armed). */
int nst_sched_arm(nst_sched_timer_t *t, uint64_t ms, nst_sched_f *fn, void *arg);

/** At most this many timers fire ahead of their own deadlines in one
 * wake-up (fd source, nst_sched_arm_grid()): a refresh costs nua about
 * 40 us to encode and send, so a wake-up's early refreshes hold the loop
 * (and the refresh due now, which goes first) for about 4 ms at most. */
#define NST_SCHED_EARLY_MAX 100

/** Like nst_sched_arm(), on a grid of @a grid_ms ms of the clock (never
 * after @a ms from now; RFC 4028 section 10 allows an early refresh):
 *  - fd source: the scheduler wakes up at the start of the grid slot that
 *    holds the timer's own deadline (@a ms from now); from then on, any
 *    wake-up may fire it, and its deadline is the latest. So the timers of
 *    a slot go out together at its start, in the order of their own
 *    deadlines, at most NST_SCHED_EARLY_MAX of them ahead of time per
 *    wake-up; those left wait for the next wake-up (at the latest, the
 *    deadline of the first of them).
 *  - su source: at the start of the slot (nst_batched_delay_ms()), or now
 *    if it has begun.
 * @a grid_ms 0: nst_sched_arm(). */
int nst_sched_arm_grid(nst_sched_timer_t *t, uint64_t ms, unsigned grid_ms,
                       nst_sched_f *fn, void *arg);

/** Cancel; a cancelled timer never calls its function. */
void nst_sched_cancel(nst_sched_timer_t *t);

/** Milliseconds until it fires, or -1 if not armed. */
long nst_sched_remaining_ms(nst_sched_timer_t const *t);

/** Cancel it (and free what it holds). */
void nst_sched_deinit(nst_sched_timer_t *t);

#endif /* NST_SCHED_H */
