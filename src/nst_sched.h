/*
 * nst - the scheduler: one-shot timers on the application's su_root.
 *
 * A thin layer over su_timer_t that also remembers when a timer is due,
 * so the application can ask how long remains.
 */
#ifndef NST_SCHED_H
#define NST_SCHED_H

#include <stdint.h>
#include <sofia-sip/su_wait.h>

typedef void nst_sched_f(void *arg);

typedef struct nst_sched_timer_s {
  su_root_t   *st_root;
  su_timer_t  *st_timer;     /**< only while armed: an idle call costs none */
  su_time_t    st_due;       /**< when it fires, valid while armed */
  int          st_armed;
  nst_sched_f *st_fn;
  void        *st_arg;
} nst_sched_timer_t;

/** Prepare a timer on @a root (its su_timer_t is made when armed). 0. */
int nst_sched_init(nst_sched_timer_t *t, su_root_t *root);

/** Fire @a fn(@a arg) once, @a ms milliseconds from now (re-arming
 * replaces an earlier deadline). */
int nst_sched_arm(nst_sched_timer_t *t, uint64_t ms, nst_sched_f *fn, void *arg);

/** Cancel; a cancelled timer never calls its function. */
void nst_sched_cancel(nst_sched_timer_t *t);

/** Milliseconds until it fires, or -1 if not armed. */
long nst_sched_remaining_ms(nst_sched_timer_t const *t);

/** Cancel it (and free what it holds). */
void nst_sched_deinit(nst_sched_timer_t *t);

#endif /* NST_SCHED_H */
