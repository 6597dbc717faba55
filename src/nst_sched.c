/*
 * nst - the scheduler: one-shot timers on the application's su_root.
 */
#include "config.h"

#include "nst_sched.h"

#include <sofia-sip/su_time.h>

#include <limits.h>

/* su_timer_t takes at most SU_DURATION_MAX ms (24.8 days); a longer timer
 * (a peer may negotiate any interval) runs in slices of at most a day. */
#define NST_SCHED_SLICE_MS (24 * 3600 * 1000L)

static void sched_fire(su_root_magic_t *magic, su_timer_t *timer, su_timer_arg_t *arg);

static int sched_set(nst_sched_timer_t *t, su_duration_t left)
{
  if (left > NST_SCHED_SLICE_MS)
    left = NST_SCHED_SLICE_MS;
  return su_timer_set_interval(t->st_timer, sched_fire, (su_timer_arg_t *)t, left);
}

static void sched_fire(su_root_magic_t *magic, su_timer_t *timer, su_timer_arg_t *arg)
{
  nst_sched_timer_t *t = (nst_sched_timer_t *)arg;
  su_duration_t left = su_duration(t->st_due, su_now());

  (void)magic;
  if (left > 0 && sched_set(t, left) == 0)
    return;                     /* a slice of a long timer */
  /* Detach the su_timer_t first: the function may re-arm this timer, or
   * free the structure holding it (a call that ends). */
  t->st_timer = NULL;
  t->st_armed = 0;
  t->st_fn(t->st_arg);
  su_timer_destroy(timer);
}

int nst_sched_init(nst_sched_timer_t *t, su_root_t *root)
{
  t->st_root = root;
  t->st_timer = NULL;
  t->st_armed = 0;
  t->st_fn = NULL;
  t->st_arg = NULL;
  return 0;
}

int nst_sched_arm(nst_sched_timer_t *t, uint64_t ms, nst_sched_f *fn, void *arg)
{
  /* su_time_add() takes a long of ms: beyond ~292 million years. */
  if (ms > (uint64_t)LONG_MAX / 2)
    return -1;

  nst_sched_cancel(t);
  t->st_timer = su_timer_create(su_root_task(t->st_root), 0);
  if (t->st_timer == NULL)
    return -1;
  t->st_fn = fn;
  t->st_arg = arg;
  t->st_due = su_time_add(su_now(), (su_duration_t)ms);
  if (sched_set(t, (su_duration_t)ms) < 0) {
    nst_sched_cancel(t);
    return -1;
  }
  t->st_armed = 1;
  return 0;
}

void nst_sched_cancel(nst_sched_timer_t *t)
{
  if (t->st_timer)
    su_timer_destroy(t->st_timer);   /* resets it too */
  t->st_timer = NULL;
  t->st_armed = 0;
}

long nst_sched_remaining_ms(nst_sched_timer_t const *t)
{
  su_duration_t left;

  if (!t->st_armed)
    return -1;
  left = su_duration(t->st_due, su_now());
  return left < 0 ? 0 : (long)left;
}

void nst_sched_deinit(nst_sched_timer_t *t)
{
  nst_sched_cancel(t);
}
