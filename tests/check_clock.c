/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst's public test clock (nst_clock_fake(), nst_clock_advance(),
 * nst_clock_real(); src/nst_testclock.c), used the way an application's
 * own tests use it: two nst modules call each other on loopback, on a
 * plain su_root and on a su_glib root run through GLib's default main
 * context, with no hook of Sofia's or the harness's. Also the adoption
 * helpers nst_from_handle() and nst_set_params().
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nst/nst.h>
#include <nst/nst_tag.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/soa_tag.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/su_tagarg.h>
#include <sofia-sip/su_time.h>
#include <sofia-sip/su_glib.h>
#include <sofia-sip/su_log.h>

#include <glib.h>

/* su_glib's GSource reads this program's g_source_get_current_time(). */
NST_CLOCK_GLIB_SOURCE_TIME

static char const sdp[] =
  "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
  "t=0 0\r\nm=audio 5004 RTP/AVP 0\r\n";

/* One side of the call. */
typedef struct side {
  char const   *name;
  su_root_t    *root;
  nst_t        *nst;
  nua_handle_t *nh;          /* its call (a reference) */
  char          url[64];
  int           ready, terminated, shut_down;
  unsigned      negotiated_interval;
  nst_refresher_t refresher;
  long          negotiated_at, refreshed_at, expired_at;  /* ms of the clock */
  unsigned      refreshes;
} side_t;

static side_t a, b;
static int on_glib;          /* the roots are su_glib roots */

/* Sofia's clock, the fake one, in ms */
static long clock_ms(void)
{
  su_time_t t = su_now();
  return (long)((uint64_t)t.tv_sec * 1000 + t.tv_usec / 1000);
}

static void on_nst(nst_event_t event, nst_t *nst, nua_handle_t *nh,
                   nua_hmagic_t *hmagic, nst_info_t const *info, void *magic)
{
  side_t *s = magic;

  (void)nst, (void)nh, (void)hmagic;
  switch (event) {
  case nst_ev_negotiated:
    s->negotiated_interval = info->ni_interval;
    s->refresher = info->ni_refresher;
    s->negotiated_at = clock_ms();
    break;
  case nst_ev_refresh_sent:
  case nst_ev_refresh_received:
    if (s->refreshes++ == 0)
      s->refreshed_at = clock_ms();
    break;
  case nst_ev_expired:
    s->expired_at = clock_ms();
    break;
  default:
    break;
  }
}

static void on_nua(nua_event_t event, int status, char const *phrase,
                   nua_t *nua, nua_magic_t *magic, nua_handle_t *nh,
                   nua_hmagic_t *hmagic, sip_t const *sip, tagi_t tags[])
{
  side_t *s = (side_t *)magic;
  int state = nua_callstate_init;

  (void)status, (void)phrase, (void)nua, (void)hmagic, (void)sip;
  switch (event) {
  case nua_i_invite:
    s->nh = nua_handle_ref(nh);
    break;
  case nua_i_state:
    tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
    if (state == nua_callstate_ready)
      s->ready = 1;
    if (state == nua_callstate_terminated)
      s->terminated = 1;
    break;
  case nua_r_shutdown:
    if (status >= 200)
      s->shut_down = 1;
    break;
  default:
    break;
  }
}

/* Both roots, ms of fake time: a plain root steps itself; glib roots are
 * attached to the default context, which one advance runs. */
static void run(unsigned long ms, int with_a)
{
  unsigned long i;

  for (i = 0; i < ms; i += 10) {
    if (on_glib)
      ck_assert_int_eq(nst_clock_advance(NULL, 10), 0);
    else {
      ck_assert_int_eq(nst_clock_advance(b.root, 10), 0);
      if (with_a)
        ck_assert_int_eq(nst_clock_advance(a.root, 0), 0);
    }
  }
}

static su_root_t *new_root(void)
{
  su_root_t *root;

  if (!on_glib)
    return su_root_create(NULL);
  root = su_glib_root_create(NULL);
  g_source_attach(su_glib_root_gsource(root), NULL);
  return root;
}

static void side_up(side_t *s, char const *name, tag_type_t tag, tag_value_t value, ...)
{
  ta_list ta;
  int i;

  memset(s, 0, sizeof *s);
  s->name = name;
  s->root = new_root();
  ck_assert(s->root != NULL);
  ta_start(ta, tag, value);
  /* A free port: the machine is shared. */
  for (i = 0; i < 20 && s->nst == NULL; i++) {
    snprintf(s->url, sizeof s->url, "sip:127.0.0.1:%d", 20000 + g_random_int_range(0, 30000));
    s->nst = nst_create(s->root, on_nua, (nua_magic_t *)s, NUTAG_URL(s->url),
                        NUTAG_MEDIA_ENABLE(1), ta_tags(ta));
  }
  (void)ta_end(ta);
  ck_assert_msg(s->nst != NULL, "%s: nst_create() failed", name);
  nst_set_callback(s->nst, on_nst, s);
}

static void side_down(side_t *s)
{
  int i;

  if (s->nh)
    nua_handle_unref(s->nh);
  nua_shutdown(nst_nua(s->nst));
  for (i = 0; i < 100000 && !s->shut_down; i++)
    ck_assert_int_eq(nst_clock_advance(on_glib ? NULL : s->root, 10), 0);
  ck_assert(s->shut_down);
  nst_destroy(s->nst);
  if (on_glib)
    g_source_destroy(su_glib_root_gsource(s->root));
  su_root_destroy(s->root);
}

/* a calls b; b answers through nst_from_handle(), as a call object
 * holding only the handle does. */
static void call_up(void)
{
  int i;

  a.nh = nua_handle(nst_nua(a.nst), NULL, SIPTAG_TO_STR(b.url), TAG_END());
  ck_assert_int_eq(nst_invite(a.nst, a.nh, SOATAG_USER_SDP_STR(sdp), TAG_END()), 0);
  for (i = 0; i < 500 && b.nh == NULL; i++)
    run(10, 1);
  ck_assert(b.nh != NULL);
  ck_assert_ptr_eq(nst_from_handle(b.nh), b.nst);
  ck_assert_ptr_eq(nst_from_handle(a.nh), a.nst);
  ck_assert_int_eq(nst_respond(nst_from_handle(b.nh), b.nh, 200, "OK",
                               SOATAG_USER_SDP_STR(sdp), TAG_END()), 0);
  for (i = 0; i < 500 && !(a.ready && b.ready); i++)
    run(10, 1);
  ck_assert(a.ready && b.ready);
}

static void setup_plain(void)
{
  on_glib = 0;
  ck_assert_int_eq(nst_clock_fake(), 0);
}

static void setup_glib(void)
{
  on_glib = 1;
  ck_assert_int_eq(nst_clock_fake(), 0);
}

static void teardown(void)
{
  nst_clock_real();
  ck_assert(!nst_clock_is_fake());
}

/* ---------------------------------------------------------------------- */

static long now_ms(void)
{
  su_time_t t = su_now();
  return (long)((uint64_t)t.tv_sec * 1000 + t.tv_usec / 1000);
}

static long fired_at[2], fired_which[2];
static int fired_n;

static void on_timer(su_root_magic_t *m, su_timer_t *t, su_timer_arg_t *arg)
{
  (void)m, (void)t;
  fired_which[fired_n] = (long)(intptr_t)arg;
  fired_at[fired_n++] = clock_ms();
}

/* The clock moves by what was asked, su_timer_t fires in order at its own
 * fake time, and uninstalling brings back the real clock (twice: Sofia's
 * _su_time hook is restored, not cleared). */
START_TEST(clock_moves_and_timers_fire_in_order)
{
  su_root_t *root = su_root_create(NULL);
  su_timer_t *t1 = su_timer_create(su_root_task(root), 0);
  su_timer_t *t2 = su_timer_create(su_root_task(root), 0);
  long before = now_ms(), late;
  long start;
  int round;

  ck_assert_int_eq(nst_clock_advance(root, 1000), -1);   /* not installed */
  for (round = 0; round < 2; round++) {
    ck_assert_int_eq(nst_clock_fake(), 0);
    ck_assert(nst_clock_is_fake());
    before = now_ms();
    start = clock_ms();
    fired_n = 0;
    su_timer_set_interval(t1, on_timer, (su_timer_arg_t *)(intptr_t)1, 5000);
    su_timer_set_interval(t2, on_timer, (su_timer_arg_t *)(intptr_t)2, 3000);
    /* The advance counts from the clock when it starts, the timers from
     * when they were armed: the real time between (ms, more under
     * valgrind) is left as margin. */
    ck_assert_int_eq(nst_clock_advance(root, 2900), 0);
    ck_assert_int_eq(fired_n, 0);
    ck_assert_int_eq(nst_clock_advance(root, 7100), 0);
    ck_assert_int_eq(fired_n, 2);
    ck_assert_int_eq(fired_which[0], 2);          /* 3 s first */
    ck_assert_int_eq(fired_which[1], 1);
    /* at its time: not before; after only by the real time between
     * reading start and arming (ms; more under valgrind) */
    ck_assert_int_ge(fired_at[0] - start, 3000);
    ck_assert_int_le(fired_at[0] - start, 3000 + 50);
    ck_assert_int_ge(fired_at[1] - start, 5000);
    ck_assert_int_le(fired_at[1] - start, 5000 + 50);
    late = now_ms() - before - 10000;
    ck_assert_msg(late >= 0 && late < 2000, "the clock moved %ld ms too far", late);
    nst_clock_real();
    ck_assert(!nst_clock_is_fake());
    late = now_ms() - before;
    ck_assert_msg(late >= 0 && late < 2000, "real clock off by %ld ms", late);
  }
  su_timer_destroy(t1);
  su_timer_destroy(t2);
  su_root_destroy(root);
}
END_TEST

/* A slow loop (a loaded machine: every dispatch takes 2 ms, longer than
 * a glib step's 1 ms) does not carry the clock past what was asked: the
 * advance takes fewer steps, it does not add their real time on top. */
static gboolean slow_idle(gpointer data)
{
  (void)data;
  g_usleep(2000);
  return G_SOURCE_CONTINUE;
}

START_TEST(slow_loop_does_not_overshoot)
{
  guint idle;
  long start, moved;

  ck_assert_int_eq(nst_clock_fake(), 0);
  ck_assert_int_eq(nst_clock_advance(NULL, 0), 0);  /* its first-time check */
  idle = g_idle_add(slow_idle, NULL);
  start = clock_ms();
  ck_assert_int_eq(nst_clock_advance(NULL, 200), 0);
  moved = clock_ms() - start;
  g_source_remove(idle);
  nst_clock_real();
  /* 200 ms, plus at most the last step and the two after (16 dispatches
   * of 2 ms each, more under valgrind) */
  ck_assert_int_ge(moved, 200);
  ck_assert_msg(moved <= 200 + 500, "advance(200) moved the clock %ld ms", moved);
}
END_TEST

/* The refresher refreshes at half the interval, on either loop. */
START_TEST(refresh_at_half_the_interval)
{
  side_up(&a, "a", NSTTAG_SESSION_EXPIRES(90), TAG_END());
  side_up(&b, "b", TAG_END());
  call_up();
  ck_assert_uint_eq(a.negotiated_interval, 90);
  ck_assert_int_eq(a.refresher, nst_refresher_local);
  ck_assert_int_eq(b.refresher, nst_refresher_remote);
  run(44000, 1);
  ck_assert_uint_eq(a.refreshes, 0);
  run(2000, 1);
  ck_assert_uint_eq(a.refreshes, 1);
  ck_assert_uint_eq(b.refreshes, 1);
  ck_assert_msg(labs(a.refreshed_at - a.negotiated_at - 45000) <= 100,
                "refresh %ld ms after the answer", a.refreshed_at - a.negotiated_at);
  nua_bye(a.nh, TAG_END());
  while (!a.terminated || !b.terminated)
    run(10, 1);
  side_down(&a);
  side_down(&b);
}
END_TEST

/* The refresher vanishes (its root is no longer run; on a plain root
 * only: glib roots share the default context): the other side
 * ends the call at interval - min(32, interval / 3) = 60 s. */
START_TEST(expiry_when_the_refresher_vanishes)
{
  side_up(&a, "a", NSTTAG_SESSION_EXPIRES(90), TAG_END());
  side_up(&b, "b", TAG_END());
  call_up();
  run(59000, 0);
  ck_assert_int_eq(b.expired_at, 0);
  run(2000, 0);
  ck_assert_msg(b.expired_at > 0, "b did not end the call");
  ck_assert_msg(labs(b.expired_at - b.negotiated_at - 60000) <= 100,
                "expired %ld ms after the answer", b.expired_at - b.negotiated_at);
  while (!b.terminated)
    run(1000, 0);         /* the BYE goes unanswered (timer F, 32 s) */
  /* a comes back and finds its call gone (no transaction left pending at
   * the shutdown: nta would drop its message unfreed) */
  while (!a.terminated)
    run(1000, 1);
  side_down(&a);
  side_down(&b);
}
END_TEST

/* Settings changed on a running module reach the next call; invalid ones
 * change nothing. */
START_TEST(set_params_reach_the_next_call)
{
  side_up(&a, "a", TAG_END());
  side_up(&b, "b", TAG_END());
  ck_assert_int_eq(nst_set_params(b.nst, NSTTAG_MIN_SE(300),
                                  NSTTAG_REFRESHER(nst_pref_uas), TAG_END()), 0);
  ck_assert_int_eq(nst_set_params(a.nst, NSTTAG_SESSION_EXPIRES(120),
                                  NSTTAG_MIN_SE(200), TAG_END()), -1);
  ck_assert_int_eq(nst_set_params(a.nst, NSTTAG_SESSION_EXPIRES(250),
                                  NSTTAG_MIN_SE(200), TAG_END()), 0);
  /* Over the defaults, not the settings before: Min-SE is 90 again */
  ck_assert_int_eq(nst_set_params(a.nst, NSTTAG_SESSION_EXPIRES(100), TAG_END()), 0);
  ck_assert_int_eq(nst_set_params(a.nst, NSTTAG_SESSION_EXPIRES(200), TAG_END()), 0);
  ck_assert_int_eq(nst_set_params(NULL, TAG_END()), -1);
  ck_assert_ptr_eq(nst_from_handle(NULL), NULL);
  call_up();   /* 200 < b's Min-SE 300: 422, then 300 */
  ck_assert_uint_eq(a.negotiated_interval, 300);
  ck_assert_uint_eq(b.negotiated_interval, 300);
  ck_assert_int_eq(b.refresher, nst_refresher_local);   /* uas, as b prefers */
  nua_bye(a.nh, TAG_END());
  while (!a.terminated || !b.terminated)
    run(10, 1);
  side_down(&a);
  side_down(&b);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("clock");
  TCase *tc;

  tc = tcase_create("clock");
  tcase_add_test(tc, clock_moves_and_timers_fire_in_order);
  tcase_add_test(tc, slow_loop_does_not_overshoot);
  tcase_set_timeout(tc, 60);
  suite_add_tcase(s, tc);

  tc = tcase_create("plain root");
  tcase_add_checked_fixture(tc, setup_plain, teardown);
  tcase_add_test(tc, refresh_at_half_the_interval);
  tcase_add_test(tc, expiry_when_the_refresher_vanishes);
  tcase_add_test(tc, set_params_reach_the_next_call);
  tcase_set_timeout(tc, 60);
  suite_add_tcase(s, tc);

  tc = tcase_create("glib root");
  tcase_add_checked_fixture(tc, setup_glib, teardown);
  tcase_add_test(tc, refresh_at_half_the_interval);
  tcase_add_test(tc, set_params_reach_the_next_call);
  tcase_set_timeout(tc, 60);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(suite());
  int failed;

  su_init();
  /* su_glib logs each port it creates at level 1 on the default log. */
  su_log_soft_set_level(su_log_default, 0);
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  su_deinit();
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
