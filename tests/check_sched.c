/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst's scheduler (src/nst_sched.c) in real time, mostly its timerfd
 * source, which the fast-forwarded s2 suite cannot drive: a kernel timer
 * does not see Sofia's clock hooks. Deadlines of 0 to 200 ms only.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "nst_sched.h"

#include <nst/nst.h>
#include <nst/nst_tag.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/su_tagarg.h>
#include <sofia-sip/su_time.h>
#include <sofia-sip/su_glib.h>

#include <glib.h>

#if HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#else
#define RUNNING_ON_VALGRIND 0
#endif

#define N_TIMERS 50

/* How late a timer may fire: generous, because the machine may be busy
 * (and valgrind is ~50x slower); the benchmark measures precision. */
#define LATE_MAX_US (RUNNING_ON_VALGRIND ? 500000 : 50000)

static su_root_t *root;
static nst_sched_t *sched;

typedef struct {
  nst_sched_timer_t timer;
  uint64_t earliest;    /* us: su_now() before arming + the delay */
  uint64_t fired_at;    /* us, 0: not fired */
  unsigned fired;       /* times */
  unsigned order;       /* 1 + its place in the firing order */
  unsigned iteration;   /* of the loop it fired in (n_iterations) */
} tt_t;

static tt_t tt[N_TIMERS];
static unsigned n_fired, n_expected, n_iterations;
static nst_sched_timer_t extra;          /* a timer with a special job */

static uint64_t now_us(void)
{
  su_time_t t = su_now();
  return (uint64_t)t.tv_sec * 1000000u + t.tv_usec;
}

static void on_fire(void *arg)
{
  tt_t *t = arg;

  t->fired++;
  t->fired_at = now_us();
  t->order = ++n_fired;
  t->iteration = n_iterations;
}

static void arm(tt_t *t, uint64_t ms)
{
  t->earliest = now_us() + ms * 1000;
  ck_assert_int_eq(nst_sched_arm(&t->timer, ms, on_fire, t), 0);
}

/* Stop the loop once n_expected timers fired. */
static void prepoll(su_prepoll_magic_t *magic, su_root_t *r)
{
  (void)magic;
  n_iterations++;
  if (n_fired >= n_expected)
    su_root_break(r);
}

static void on_deadline(su_root_magic_t *magic, su_timer_t *t, su_timer_arg_t *arg)
{
  (void)magic, (void)t, (void)arg;
  su_root_break(root);
}

/* Run the root until n_expected timers fired, or @a ms passed. */
static void run_for(unsigned expected, unsigned ms)
{
  su_timer_t *deadline = su_timer_create(su_root_task(root), 0);

  n_expected = expected;
  su_timer_set_interval(deadline, on_deadline, NULL, ms);
  su_root_run(root);
  su_timer_destroy(deadline);
}

static void setup_source(nst_timer_source_t source)
{
  unsigned i;

  su_init();
  root = su_root_create(NULL);
  ck_assert_ptr_nonnull(root);
  su_root_add_prepoll(root, prepoll, NULL);
  sched = nst_sched_create(root, source);
  ck_assert_ptr_nonnull(sched);
  memset(tt, 0, sizeof tt);
  for (i = 0; i < N_TIMERS; i++)
    ck_assert_int_eq(nst_sched_init(&tt[i].timer, sched), 0);
  nst_sched_init(&extra, sched);
  n_fired = n_iterations = 0;
}

static void setup_fd(void) { setup_source(nst_timer_fd); }
static void setup_su(void) { setup_source(nst_timer_su); }

static void teardown(void)
{
  unsigned i;

  for (i = 0; i < N_TIMERS; i++)
    nst_sched_deinit(&tt[i].timer);
  nst_sched_deinit(&extra);
  nst_sched_destroy(sched);
  su_root_destroy(root);
  su_deinit();
}

/* Each timer fired once, not before its deadline, not much after it, and
 * in the order of the deadlines. */
static void check_fired(tt_t const *t, unsigned n)
{
  unsigned i, j;

  for (i = 0; i < n; i++) {
    if (t[i].earliest == 0)
      continue;                 /* not armed (cancelled) */
    ck_assert_uint_eq(t[i].fired, 1);
    ck_assert_msg(t[i].fired_at >= t[i].earliest, "timer %u fired %llu us early", i,
                  (unsigned long long)(t[i].earliest - t[i].fired_at));
    ck_assert_msg(t[i].fired_at - t[i].earliest <= LATE_MAX_US, "timer %u fired %llu us late",
                  i, (unsigned long long)(t[i].fired_at - t[i].earliest));
    for (j = 0; j < n; j++)
      if (t[j].earliest && t[j].earliest + 1000 < t[i].earliest)
        ck_assert_msg(t[j].order < t[i].order, "timer %u (due %llu) fired after %u",
                      j, (unsigned long long)t[j].earliest, i);
  }
}

/* ---------------------------------------------------------------------- */

START_TEST(auto_takes_the_timerfd_on_linux)
{
  nst_sched_t *s = nst_sched_create(root, nst_timer_auto);

  ck_assert_ptr_nonnull(s);
#if HAVE_SYS_TIMERFD_H
  ck_assert_int_eq(nst_sched_source(s), nst_timer_fd);
#else
  ck_assert_int_eq(nst_sched_source(s), nst_timer_su);
#endif
  nst_sched_destroy(s);
  ck_assert_ptr_null(nst_sched_create(root, (nst_timer_source_t)7));
}
END_TEST

START_TEST(timers_fire_in_order_never_early)
{
  unsigned i, seed = 4028;

  for (i = 0; i < N_TIMERS; i++)
    arm(&tt[i], 1 + rand_r(&seed) % 200);
  for (i = 0; i < N_TIMERS; i++) {
    long left = nst_sched_remaining_ms(&tt[i].timer);
    ck_assert_int_ge(left, 0);
    ck_assert_int_le(left, 200);
  }
  run_for(N_TIMERS, 2000);
  ck_assert_uint_eq(n_fired, N_TIMERS);
  check_fired(tt, N_TIMERS);
  for (i = 0; i < N_TIMERS; i++)
    ck_assert_int_eq(nst_sched_remaining_ms(&tt[i].timer), -1);
}
END_TEST

/* nst_sched_arm_grid() (NSTTAG_REFRESH_BATCH), timerfd source: a timer
 * fires at its own deadline, or earlier once the grid slot of the clock
 * that holds that deadline has begun, with the timers due before it. So
 * no timer fires before its slot or after its deadline, and they all fire
 * in the order of their own deadlines (the heap's). The scheduler reads
 * the clock itself, a little after the test does (much later under
 * valgrind), so the test knows each own deadline and slot only between
 * the clock read before and after arming: it asserts the order of two
 * timers only where those windows do not overlap. */
START_TEST(grid_timers_fire_in_their_slot_in_the_order_of_own_deadlines)
{
  enum { GRID_MS = 100 };
  uint64_t slot_lo[N_TIMERS], due_lo[N_TIMERS], due_hi[N_TIMERS];
  unsigned i, j, seed = 1234, n_ordered = 0, n_early = 0;

  for (i = 0; i < N_TIMERS; i++) {
    uint64_t ms = GRID_MS + rand_r(&seed) % 250, before = now_us(), after;
    ck_assert_int_eq(nst_sched_arm_grid(&tt[i].timer, ms, GRID_MS, on_fire, &tt[i]), 0);
    after = now_us();
    due_lo[i] = before + ms * 1000;
    due_hi[i] = after + ms * 1000;
    slot_lo[i] = due_lo[i] / 1000 / GRID_MS * GRID_MS * 1000;
  }
  run_for(N_TIMERS, 2000);
  ck_assert_uint_eq(n_fired, N_TIMERS);
  for (i = 0; i < N_TIMERS; i++) {
    ck_assert_uint_eq(tt[i].fired, 1);
    ck_assert_msg(tt[i].fired_at >= slot_lo[i], "timer %u fired %llu us before its slot", i,
                  (unsigned long long)(slot_lo[i] - tt[i].fired_at));
    ck_assert_msg(tt[i].fired_at <= due_hi[i] + LATE_MAX_US, "timer %u fired %llu us late", i,
                  (unsigned long long)(tt[i].fired_at - due_hi[i]));
    n_early += tt[i].fired_at < due_lo[i];
    for (j = 0; j < N_TIMERS; j++) {
      if (due_hi[j] < due_lo[i]) {
        n_ordered++;
        ck_assert_msg(tt[j].order < tt[i].order,
                      "timer %u (due %llu..%llu) fired after %u (due %llu..%llu)",
                      j, (unsigned long long)due_lo[j], (unsigned long long)due_hi[j],
                      i, (unsigned long long)due_lo[i], (unsigned long long)due_hi[i]);
      }
    }
  }
  /* Most pairs are ordered; if the windows were so wide that few are, the
   * test would prove nothing. */
  ck_assert_uint_ge(n_ordered, N_TIMERS * (N_TIMERS - 1) / 4);
  /* 50 timers over 3 or 4 slots: most went with the first of their slot. */
  ck_assert_uint_ge(n_early, N_TIMERS / 2);
}
END_TEST

/* More grid timers in one slot than NST_SCHED_EARLY_MAX: the first burst
 * goes at the slot's start, a wake-up sends at most that many ahead of
 * time (the burst that holds the loop stays short); the others wait for a
 * later wake-up, and none is late. Timers fired in the same loop
 * iteration were fired by the same wake-up. */
#define N_SLOT (2 * NST_SCHED_EARLY_MAX + 50)
static tt_t slot_tt[N_SLOT];

START_TEST(a_wake_up_sends_at_most_early_max_ahead_of_time)
{
  enum { GRID_MS = 200 };
  uint64_t now_ms = now_us() / 1000, slot, due_lo[N_SLOT], due_hi[N_SLOT];
  static unsigned iter_early[1024];
  unsigned i, max_early = 0, n_early = 0;

  /* One slot that begins at least 50 ms from now; deadlines 100 to 190 ms
   * into it, the same order as the array. */
  slot = (now_ms + 50 + GRID_MS - 1) / GRID_MS * GRID_MS;
  for (i = 0; i < N_SLOT; i++) {
    uint64_t at = slot + 100 + i * 90 / N_SLOT, before = now_us(), ms;
    ck_assert_int_eq(nst_sched_init(&slot_tt[i].timer, sched), 0);
    ms = at - before / 1000;
    ck_assert_int_eq(nst_sched_arm_grid(&slot_tt[i].timer, ms, GRID_MS, on_fire, &slot_tt[i]), 0);
    due_lo[i] = before + ms * 1000;
    due_hi[i] = now_us() + ms * 1000;
    ck_assert_uint_ge(due_lo[i], slot * 1000);
    ck_assert_uint_lt(due_hi[i], (slot + GRID_MS) * 1000);
  }
  run_for(N_SLOT, 2000);
  ck_assert_uint_eq(n_fired, N_SLOT);
  memset(iter_early, 0, sizeof iter_early);
  for (i = 0; i < N_SLOT; i++) {
    ck_assert_uint_eq(slot_tt[i].fired, 1);
    ck_assert_uint_ge(slot_tt[i].fired_at, slot * 1000);
    ck_assert_msg(slot_tt[i].fired_at <= due_hi[i] + LATE_MAX_US, "timer %u fired %llu us late",
                  i, (unsigned long long)(slot_tt[i].fired_at - due_hi[i]));
    if (i > 0 && due_hi[i - 1] < due_lo[i])
      ck_assert_uint_lt(slot_tt[i - 1].order, slot_tt[i].order);
    if (slot_tt[i].fired_at < due_lo[i]) {    /* surely ahead of time */
      n_early++;
      ck_assert_uint_lt(slot_tt[i].iteration, G_N_ELEMENTS(iter_early));
      if (++iter_early[slot_tt[i].iteration] > max_early)
        max_early = iter_early[slot_tt[i].iteration];
    }
  }
  ck_assert_uint_le(max_early, NST_SCHED_EARLY_MAX);
  /* The first burst at the slot's start, 100 ms before the first
   * deadline (valgrind may wake the loop that late: there, only not late). */
  if (!RUNNING_ON_VALGRIND)
    ck_assert_msg(slot_tt[0].fired_at < due_lo[0], "first of the slot fired %lld us after its "
                  "deadline, not at the slot's start",
                  (long long)(slot_tt[0].fired_at - due_lo[0]));
  /* It did batch: the first wake-up sends the cap early, unless it came
   * so late (valgrind) that most of the slot was due by then. */
  ck_assert_uint_ge(max_early, NST_SCHED_EARLY_MAX / 4);
  ck_assert_uint_ge(n_early, NST_SCHED_EARLY_MAX);
  for (i = 0; i < N_SLOT; i++)
    nst_sched_deinit(&slot_tt[i].timer);
}
END_TEST

START_TEST(cancelled_never_fire_rearmed_fire_once_at_the_new_time)
{
  unsigned i;

  for (i = 0; i < 20; i++)
    arm(&tt[i], 20 + 5 * i);
  for (i = 0; i < 20; i += 2) {
    nst_sched_cancel(&tt[i].timer);
    tt[i].earliest = 0;
    ck_assert_int_eq(nst_sched_remaining_ms(&tt[i].timer), -1);
  }
  /* The earliest one cancelled above; move one later and one earlier. */
  arm(&tt[1], 150);
  arm(&tt[19], 5);
  /* Re-arming the same timer many times leaves one deadline. */
  for (i = 0; i < 10; i++)
    arm(&tt[3], 30 + i);
  run_for(10, 400);
  ck_assert_uint_eq(n_fired, 10);
  check_fired(tt, 20);
  for (i = 0; i < 20; i += 2)
    ck_assert_uint_eq(tt[i].fired, 0);
  ck_assert_uint_eq(tt[19].order, 1);
  ck_assert_uint_eq(tt[1].order, 10);

  /* A fired timer can be armed again. */
  arm(&tt[1], 2);
  run_for(11, 400);
  ck_assert_uint_eq(tt[1].fired, 2);
}
END_TEST

/* nst_call.c's "next step": a 0 ms timer armed from a timer function. */
static unsigned chain;

static void on_chain(void *arg)
{
  (void)arg;
  if (++chain < 10)
    nst_sched_arm(&extra, 0, on_chain, NULL);
  else
    n_fired = n_expected;
}

START_TEST(zero_ms_timer_armed_from_a_timer_function)
{
  chain = 0;
  ck_assert_int_eq(nst_sched_arm(&extra, 0, on_chain, NULL), 0);
  run_for(1000, 400);
  ck_assert_uint_eq(chain, 10);
  ck_assert_int_eq(nst_sched_remaining_ms(&extra), -1);
}
END_TEST

START_TEST(destroy_with_armed_timers)
{
  unsigned i;

  for (i = 0; i < 30; i++)
    arm(&tt[i], i % 3 == 0 ? 0 : 5 + i);
  nst_sched_destroy(sched);
  sched = NULL;
  /* Dropped: they never fire, and cancelling them later is harmless. */
  for (i = 0; i < 30; i++)
    ck_assert_int_eq(nst_sched_remaining_ms(&tt[i].timer), -1);
  for (i = 0; i < 15; i++)
    nst_sched_cancel(&tt[i].timer);
  run_for(1, 60);
  ck_assert_uint_eq(n_fired, 0);
}
END_TEST

/* An application may nst_destroy() from an event of a timer. */
static void on_destroy(void *arg)
{
  (void)arg;
  nst_sched_destroy(sched);
  sched = NULL;
  n_fired = n_expected;
}

START_TEST(destroy_from_a_timer_function)
{
  unsigned i;

  for (i = 0; i < 10; i++)
    arm(&tt[i], 20);
  ck_assert_int_eq(nst_sched_arm(&extra, 10, on_destroy, NULL), 0);
  run_for(1000, 200);
  ck_assert_ptr_null(sched);
  run_for(1, 50);
  for (i = 0; i < 10; i++)
    ck_assert_uint_eq(tt[i].fired, 0);
}
END_TEST

/* The whole module: NSTTAG_TIMER_SOURCE() picks the source or fails. */
START_TEST(nst_create_takes_the_timer_source_tag)
{
  nst_t *nst;

  ck_assert_ptr_null(nst_create(root, NULL, NULL, NUTAG_URL("sip:127.0.0.1:*"),
                                NSTTAG_TIMER_SOURCE(7), TAG_END()));
  nst = nst_create(root, NULL, NULL, NUTAG_URL("sip:127.0.0.1:*"),
                   NSTTAG_TIMER_SOURCE(nst_timer_fd), TAG_END());
  ck_assert_ptr_nonnull(nst);
  nua_shutdown(nst_nua(nst));
  su_root_step(root, 100);
  nst_destroy(nst);
}
END_TEST

/* The timerfd is registered with su_root_register(): it works on a glib
 * main loop through su_glib as well (nst-cli --glib). */
static gboolean on_glib_guard(gpointer data)
{
  *(int *)data = 1;
  return G_SOURCE_REMOVE;
}

START_TEST(timerfd_on_a_su_glib_root)
{
  su_root_t *groot;
  nst_sched_t *gs;
  GSource *source;
  guint guard;
  int timed_out = 0;
  unsigned i;

  su_init();
  groot = su_glib_root_create(NULL);
  ck_assert_ptr_nonnull(groot);
  source = su_glib_root_gsource(groot);
  g_source_attach(source, g_main_context_default());
  gs = nst_sched_create(groot, nst_timer_fd);
  ck_assert_ptr_nonnull(gs);
  ck_assert_int_eq(nst_sched_source(gs), nst_timer_fd);

  memset(tt, 0, sizeof tt);
  n_fired = 0;
  for (i = 0; i < 10; i++) {
    nst_sched_init(&tt[i].timer, gs);
    arm(&tt[i], 30 - 3 * i);
  }
  guard = g_timeout_add(2000, on_glib_guard, &timed_out);
  while (n_fired < 10 && !timed_out)
    g_main_context_iteration(g_main_context_default(), TRUE);
  if (!timed_out)
    g_source_remove(guard);
  ck_assert_uint_eq(n_fired, 10);
  check_fired(tt, 10);
  ck_assert_uint_eq(tt[9].order, 1);

  for (i = 0; i < 10; i++)
    nst_sched_deinit(&tt[i].timer);
  nst_sched_destroy(gs);
  su_root_destroy(groot);
  su_deinit();
}
END_TEST

int main(void)
{
  Suite *s = suite_create("nst scheduler, real time");
  TCase *fd = tcase_create("timerfd source");
  TCase *su = tcase_create("su_timer source");
  TCase *glib = tcase_create("timerfd on su_glib");
  SRunner *sr;
  int failed;

  tcase_add_checked_fixture(fd, setup_fd, teardown);
  tcase_add_test(fd, auto_takes_the_timerfd_on_linux);
  tcase_add_test(fd, timers_fire_in_order_never_early);
  tcase_add_test(fd, grid_timers_fire_in_their_slot_in_the_order_of_own_deadlines);
  tcase_add_test(fd, a_wake_up_sends_at_most_early_max_ahead_of_time);
  tcase_add_test(fd, cancelled_never_fire_rearmed_fire_once_at_the_new_time);
  tcase_add_test(fd, zero_ms_timer_armed_from_a_timer_function);
  tcase_add_test(fd, destroy_with_armed_timers);
  tcase_add_test(fd, destroy_from_a_timer_function);
  tcase_add_test(fd, nst_create_takes_the_timer_source_tag);
  suite_add_tcase(s, fd);

  /* The same behaviour from su_timer (which the s2 suite drives). */
  tcase_add_checked_fixture(su, setup_su, teardown);
  tcase_add_test(su, timers_fire_in_order_never_early);
  tcase_add_test(su, cancelled_never_fire_rearmed_fire_once_at_the_new_time);
  tcase_add_test(su, zero_ms_timer_armed_from_a_timer_function);
  suite_add_tcase(s, su);

  tcase_add_test(glib, timerfd_on_a_su_glib_root);
  suite_add_tcase(s, glib);

  sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
