/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What an application that already drives nua meets: nua's own
 * session-timer tags on every path (nst keeps the only engine), and calls
 * placed, answered, updated, ended or destroyed with plain nua calls.
 * doc/nua-differences.md ("one engine", "plain nua calls") says the rules.
 */
#include "config.h"

#undef NDEBUG

#include "s2_helpers.h"

#include <stdlib.h>
#include <string.h>

/* How long past nst's refresh only_nst_refreshes_at_half() looks. */
#define NUA_WINDOW_AFTER 6

/* nst refreshes a session of @a interval s at half of it, @a elapsed s
 * after the session was last set: nothing before, an UPDATE then, and
 * nothing in the 6 s after (nua's engine, if awake, would refresh
 * between interval/2 - 5 and interval/2 + 5 s). The UPDATE is answered 200
 * with the same interval. */
static void only_nst_refreshes_at_half_after(unsigned interval, unsigned elapsed)
{
  struct message *update;
  char se[32];

  advance(interval / 2 - 1 - elapsed);
  ck_assert_msg(!peer_has_request(), "a request before nst's refresh at %u s",
                interval / 2);
  advance(1);
  ck_assert_msg(!peer_has_request_of(sip_method_invite), "a re-INVITE: nua's engine ran");
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert_msg(update != NULL, "no refresh at %u s", interval / 2);
  snprintf(se, sizeof se, "%u;refresher=uac", interval);
  s2_sip_respond_to(update, dialog, SIP_200_OK, SIPTAG_SESSION_EXPIRES_STR(se),
                    SIPTAG_REQUIRE_STR("timer"), TAG_END());
  s2_sip_free_message(update);
  settle();
  ck_assert_msg(!peer_has_request(), "a second refresher");
  /* nua's engine, if awake, refreshes at interval/2 +- 5 s. */
  advance(NUA_WINDOW_AFTER);
  ck_assert_msg(!peer_has_request(), "a second refresher: nua's engine ran");
}

static void only_nst_refreshes_at_half(unsigned interval)
{
  only_nst_refreshes_at_half_after(interval, 0);
}

/* The peer's 200 that makes nst the refresher of @a interval s. */
#define WE_REFRESH(se) \
  SIPTAG_SESSION_EXPIRES_STR(se ";refresher=uac"), SIPTAG_REQUIRE_STR("timer"), \
  SIPTAG_ALLOW_STR(ALLOW_WITH_UPDATE)

/* The application answers the peer's INVITE with plain nua_respond() 200
 * (+ @a tags); the peer takes the answer and ACKs. Returns whether the 2xx
 * had a Session-Expires. */
static int answered_plainly(nua_handle_t *nh, tag_type_t tag, tag_value_t value, ...)
{
  struct message *ok;
  int with_se;
  ta_list ta;

  ta_start(ta, tag, value);
  nua_respond(nh, SIP_200_OK, SOATAG_USER_SDP_STR(NUA_SDP), ta_tags(ta));
  (void)ta_end(ta);
  ok = s2_sip_wait_for_response(200, SIP_METHOD_INVITE);
  ck_assert(ok != NULL);
  with_se = se_of(ok) != NULL;
  s2_sip_update_dialog(dialog, ok);
  peer_take_answer(ok);
  s2_sip_free_message(ok);
  ck_assert(!(s2_sip_request_to(dialog, SIP_METHOD_ACK, NULL, TAG_END())));
  settle();
  return with_se;
}

/* ====================================================================== */
/* One engine: nua's timer tags become nst's settings */

static void setup_nua_timer_tags(void)
{
  setup_with(NUTAG_SESSION_TIMER(90), NUTAG_MIN_SE(90), TAG_END());
}

START_TEST(one_engine_nua_timer_tags_at_create_set_nsts_interval)
{
  struct message *invite;
  nua_handle_t *nh = call_peer(&invite, WE_REFRESH("90"), TAG_END());

  check_se(invite, 90, NULL);   /* NUTAG_SESSION_TIMER(90), through nst */
  s2_sip_free_message(invite);
  only_nst_refreshes_at_half(90);
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(one_engine_nua_timer_tags_per_call_set_nsts_interval)
{
  nua_handle_t *nh = nua_handle(nua, NULL, SIPTAG_TO(s2sip->aor), TAG_END());
  struct message *invite =
    nst_sends_invite(nh, NUTAG_SESSION_TIMER(120),
                     NUTAG_SESSION_REFRESHER(nua_local_refresher), TAG_END());

  /* nua_local_refresher on a call we place: we, the UAC, refresh. */
  check_se(invite, 120, "uac");
  peer_respond(invite, SIP_200_OK, WE_REFRESH("120"), TAG_END());
  s2_sip_free_message(invite);
  fail_unless_event(nua_r_invite, 200);
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  s2_flush_events();
  only_nst_refreshes_at_half(120);
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(one_engine_nua_set_params_timer_tags_set_nsts_interval)
{
  struct message *invite;
  nua_handle_t *nh;

  nua_set_params(nua, NUTAG_SESSION_TIMER(300), NUTAG_MIN_SE(120), TAG_END());
  fail_unless_event(nua_r_set_params, 200);
  settle();
  ck_assert_msg(!app_saw(nua_r_get_params), "nst's read-back reached the application");

  nh = call_peer(&invite, WE_REFRESH("300"), TAG_END());
  check_se(invite, 300, NULL);
  ck_assert(nst_min_se(s2_nst, invite->sip) == NULL);   /* s2 parses it */
  ck_assert(invite->sip->sip_min_se != NULL);
  ck_assert_uint_eq(invite->sip->sip_min_se->min_delta, 120);
  s2_sip_free_message(invite);
  only_nst_refreshes_at_half(300);
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

/* All four of nua's timer tags at nst_create(), none of them nst's
 * default: interval 300, Min-SE 120, the peer to refresh (as UAS: the
 * 2xx says refresher=uac), refresh by UPDATE even when the peer's Allow
 * does not list it. */
static void setup_nua_timer_tags_all(void)
{
  setup_with(NUTAG_SESSION_TIMER(300), NUTAG_MIN_SE(120),
             NUTAG_SESSION_REFRESHER(nua_remote_refresher), NUTAG_UPDATE_REFRESH(1),
             TAG_END());
}

START_TEST(one_engine_all_nua_timer_tags_at_create_are_nsts)
{
  struct message *invite, *update;
  nua_handle_t *nh = call_peer(&invite, SIPTAG_SESSION_EXPIRES_STR("300;refresher=uac"),
                               SIPTAG_REQUIRE_STR("timer"),
                               SIPTAG_ALLOW_STR(ALLOW_WITHOUT_UPDATE), TAG_END());

  /* Section 7.1: a UAC writes only "uac" (the peer to refresh: nothing). */
  check_se(invite, 300, NULL);
  ck_assert_uint_eq(invite->sip->sip_min_se->min_delta, 120);
  s2_sip_free_message(invite);
  s2_flush_events();
  /* The peer's 2xx made us the refresher: UPDATE at 150 s although its
   * Allow has no UPDATE (NUTAG_UPDATE_REFRESH(1)). */
  advance(149);
  ck_assert_msg(!peer_has_request(), "a request before 150 s");
  advance(1);
  ck_assert_msg(!peer_has_request_of(sip_method_invite), "a re-INVITE refresh");
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert_msg(update != NULL, "no UPDATE refresh at 150 s");
  s2_sip_respond_to(update, dialog, SIP_200_OK,
                    SIPTAG_SESSION_EXPIRES_STR("300;refresher=uac"), TAG_END());
  s2_sip_free_message(update);
  settle();
  s2_flush_events();
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

/* NUTAG_SESSION_REFRESHER(local) on nst_respond(): this UAS refreshes
 * (nst's own default lets the caller do it). */
START_TEST(one_engine_nua_refresher_local_on_nst_respond)
{
  nua_handle_t *nh = peer_calls(SIPTAG_SUPPORTED_STR("timer"),
                                SIPTAG_SESSION_EXPIRES_STR("300"), TAG_END());
  struct message *ok = answer_call(nh, NUTAG_SESSION_REFRESHER(nua_local_refresher),
                                   TAG_END());

  check_se(ok, 300, "uas");
  s2_sip_free_message(ok);
  s2_flush_events();
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

/* nst_create() refuses what it refuses per call: a Min-SE below 90, an
 * interval below the Min-SE. */
START_TEST(one_engine_nst_create_refuses_bad_nua_timer_tags)
{
  su_root_t *root = su_root_create(NULL);

  ck_assert(root != NULL);
  ck_assert(nst_create(root, NULL, NULL, NUTAG_MIN_SE(60), TAG_END()) == NULL);
  ck_assert(nst_create(root, NULL, NULL, NUTAG_SESSION_TIMER(100),
                       NUTAG_MIN_SE(120), TAG_END()) == NULL);
  su_root_destroy(root);
}
END_TEST

START_TEST(one_engine_nua_handle_timer_tags_leave_nua_dormant)
{
  /* nst cannot read a handle's tags; nua's engine must still sit out
   * every transaction nst sends: one refresher, nst's. */
  nua_handle_t *nh = nua_handle(nua, NULL, SIPTAG_TO(s2sip->aor),
                                NUTAG_SESSION_TIMER(90),
                                NUTAG_SESSION_REFRESHER(nua_local_refresher),
                                TAG_END());
  struct message *invite = nst_sends_invite(nh, NSTTAG_SESSION_EXPIRES(90), TAG_END());

  check_se(invite, 90, NULL);
  peer_respond(invite, SIP_200_OK, WE_REFRESH("90"), TAG_END());
  s2_sip_free_message(invite);
  fail_unless_event(nua_r_invite, 200);
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  s2_flush_events();
  only_nst_refreshes_at_half(90);
  only_nst_refreshes_at_half_after(90, NUA_WINDOW_AFTER);
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

/* nua's timer tags on a provisional nst_respond() set what the 2xx says
 * (they used to reach nua's handle as they were); a Min-SE below 90 there
 * is refused as anywhere. */
START_TEST(one_engine_nua_timer_tags_on_a_provisional_answer_are_nsts)
{
  nua_handle_t *nh = peer_calls(SIPTAG_SUPPORTED_STR("timer"),
                                SIPTAG_SESSION_EXPIRES_STR("1800"), TAG_END());
  struct message *r, *ok;

  ck_assert_int_eq(nst_respond(s2_nst, nh, 180, "Ringing", NUTAG_MIN_SE(60), TAG_END()), -1);
  ck_assert_int_eq(nst_respond(s2_nst, nh, 180, "Ringing", NUTAG_SESSION_TIMER(120),
                               TAG_END()), 0);
  r = s2_sip_wait_for_response(180, SIP_METHOD_INVITE);
  ck_assert(r != NULL);
  ck_assert(se_of(r) == NULL);
  s2_sip_free_message(r);
  s2_flush_events();
  ok = answer_call(nh, TAG_END());
  check_se(ok, 120, "uac");
  s2_sip_free_message(ok);
  s2_flush_events();
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

/* The handle's own NUTAG_SESSION_TIMER() is refused (logged) and the
 * handle pinned when nst places the call: a plain nua_update() on it
 * later (hold, say) wakes no engine of nua's, so no take-over either. */
START_TEST(one_engine_nua_handle_timer_tags_refused_and_pinned)
{
  nua_handle_t *nh = nua_handle(nua, NULL, SIPTAG_TO(s2sip->aor),
                                NUTAG_SESSION_TIMER(90), TAG_END());
  struct message *invite = nst_sends_invite(nh, NSTTAG_SESSION_EXPIRES(120), TAG_END());
  struct message *update;

  check_se(invite, 120, NULL);          /* nst's setting, not the handle's */
  peer_respond(invite, SIP_200_OK, WE_REFRESH("120"), TAG_END());
  s2_sip_free_message(invite);
  fail_unless_event(nua_r_invite, 200);
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  s2_flush_events();
  advance(10);
  nua_update(nh, TAG_END());
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert(update != NULL);
  /* It may carry nua's Session-Expires: 90 (the interval nua worked out
   * from the handle's tag before the pin); the 2xx decides (7.2). */
  peer_respond(update, SIP_200_OK, WE_REFRESH("120"), TAG_END());
  s2_sip_free_message(update);
  fail_unless_event(nua_r_update, 200);
  settle();
  ck_assert_msg(!peer_has_request(), "a take-over re-INVITE: nua's engine was woken");
  s2_flush_events();
  only_nst_refreshes_at_half(120);
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(one_engine_nua_min_se_below_90_is_refused)
{
  char const *why = NULL;
  nua_handle_t *nh = nua_handle(nua, NULL, SIPTAG_TO(s2sip->aor), TAG_END());

  ck_assert_int_eq(nst_invite(s2_nst, nh, NUTAG_MIN_SE(60), TAG_END()), -1);
  settle();
  ck_assert_msg(!peer_has_request(), "INVITE sent with a Min-SE nst refuses");
  ck_assert_int_eq(nst_check_tags(&why, NUTAG_MIN_SE(60), TAG_END()), -1);
  ck_assert(why != NULL);
  nua_handle_destroy(nh);
}
END_TEST

/* ====================================================================== */
/* Plain nua calls */

START_TEST(plain_nua_invite_2xx_binds_and_nst_refreshes)
{
  nua_handle_t *nh = nua_handle(nua, NULL, SIPTAG_TO(s2sip->aor), TAG_END());
  struct message *invite;
  struct nst_recorded_event *e;

  nua_invite(nh, SOATAG_USER_SDP_STR(NUA_SDP), TAG_END());
  invite = s2_sip_wait_for_request(SIP_METHOD_INVITE);
  ck_assert(invite != NULL);
  ck_assert_msg(has_timer(invite->sip->sip_supported), "plain INVITE without Supported: timer");
  ck_assert(se_of(invite) == NULL);
  peer_respond(invite, SIP_200_OK, WE_REFRESH("90"), TAG_END());
  s2_sip_free_message(invite);
  fail_unless_event(nua_r_invite, 200);
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  s2_flush_events();

  /* Section 7.2: the 2xx said we refresh every 90 s, so nst does. */
  e = expect_nst_event(nst_ev_negotiated);
  ck_assert_uint_eq(e->info.ni_interval, 90);
  ck_assert_int_eq(e->info.ni_refresher, nst_refresher_local);
  free(e);
  only_nst_refreshes_at_half(90);
  bye_from_peer();
  nua_handle_destroy(nh);
  ck_assert_transition("new --2xx--> session");
}
END_TEST

START_TEST(plain_nua_respond_2xx_has_no_timer_and_nst_says_so)
{
  nua_handle_t *nh = peer_calls(SIPTAG_SUPPORTED_STR("timer"),
                                SIPTAG_SESSION_EXPIRES_STR("90"), TAG_END());
  struct nst_recorded_event *e;

  /* nst cannot put headers into a plain nua_respond(): no timer. */
  ck_assert(!answered_plainly(nh, TAG_END()));
  /* nst read the handle back (nothing set on it): its own business. */
  ck_assert_msg(!app_saw(nua_r_get_params), "nst's read-back reached the application");
  e = expect_nst_event(nst_ev_negotiated);
  ck_assert_uint_eq(e->info.ni_interval, 0);
  free(e);
  ck_assert_int_eq(nst_next_timer_ms(s2_nst, nh), -1);
  advance(200);
  ck_assert_msg(!peer_has_request(), "a timer ran for a session without one");
  s2_flush_events();
  bye_from_peer();
  nua_handle_destroy(nh);
  ck_assert_transition("offered --app_plain_2xx--> gone");
}
END_TEST

START_TEST(plain_nua_update_2xx_rearms_nsts_timer)
{
  nua_handle_t *nh = call_peer(NULL, WE_REFRESH("90"), TAG_END());
  struct message *update;

  s2_flush_events();
  nst_flush_recorded_events();
  nua_update(nh, TAG_END());
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert(update != NULL);
  peer_respond(update, SIP_200_OK, WE_REFRESH("120"), TAG_END());
  s2_sip_free_message(update);
  fail_unless_event(nua_r_update, 200);
  settle();
  /* Section 7.2: the 2xx decides, also for a request nst did not send. */
  ck_assert_int_le(nst_next_timer_ms(s2_nst, nh), 60000);
  ck_assert_int_gt(nst_next_timer_ms(s2_nst, nh), 59900);
  s2_flush_events();
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

/* A call answered with plain nua_respond() has no timer, and nst left it;
 * a later plain nua_update() whose 2xx says "Session-Expires:
 * 90;refresher=uac" binds this UA all the same (section 7.2): nst runs
 * that timer from then on. */
START_TEST(plain_nua_update_2xx_in_a_call_nst_left_binds)
{
  nua_handle_t *nh = peer_calls(SIPTAG_SUPPORTED_STR("timer"), TAG_END());
  struct message *update;
  struct nst_recorded_event *e;

  ck_assert(!answered_plainly(nh, TAG_END()));
  s2_flush_events();
  nst_flush_recorded_events();
  ck_assert_int_eq(nst_next_timer_ms(s2_nst, nh), -1);

  nua_update(nh, TAG_END());
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert(update != NULL);
  peer_respond(update, SIP_200_OK, WE_REFRESH("90"), TAG_END());
  s2_sip_free_message(update);
  fail_unless_event(nua_r_update, 200);
  settle();
  e = expect_nst_event(nst_ev_negotiated);
  ck_assert_uint_eq(e->info.ni_interval, 90);
  ck_assert_int_eq(e->info.ni_refresher, nst_refresher_local);
  free(e);
  s2_flush_events();
  only_nst_refreshes_at_half(90);
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(plain_nua_bye_ends_nsts_timers)
{
  nua_handle_t *nh = call_peer(NULL, WE_REFRESH("90"), TAG_END());
  struct message *bye;
  nst_info_t info;

  nst_flush_recorded_events();
  nua_bye(nh, TAG_END());
  bye = s2_sip_wait_for_request(SIP_METHOD_BYE);
  ck_assert(bye != NULL);
  s2_sip_respond_to(bye, dialog, SIP_200_OK, TAG_END());
  s2_sip_free_message(bye);
  fail_unless_event(nua_r_bye, 200);
  ck_assert_int_eq(nst_get_info(s2_nst, nh, &info), -1);
  advance(100);
  ck_assert_msg(!peer_has_request(), "a request after BYE");
  ck_assert_msg(s2_nst_events == NULL, "an nst event after BYE");
  nua_handle_destroy(nh);
  ck_assert_transition("session --terminated--> gone");
}
END_TEST

START_TEST(plain_nua_handle_destroy_ends_nsts_timers_once)
{
  nua_handle_t *nh = call_peer(NULL, WE_REFRESH("90"), TAG_END());
  struct message *bye;

  nst_flush_recorded_events();
  nua_handle_destroy(nh);
  bye = s2_sip_wait_for_request(SIP_METHOD_BYE);   /* nua's own */
  ck_assert(bye != NULL);
  s2_sip_respond_to(bye, dialog, SIP_200_OK, TAG_END());
  s2_sip_free_message(bye);

  advance(45);
  ck_assert_msg(!peer_has_request_of(sip_method_update) &&
                !peer_has_request_of(sip_method_invite),
                "a refresh for a destroyed handle");
  while ((bye = s2_sip_next_request(SIP_METHOD_BYE)))   /* its retransmissions */
    s2_sip_free_message(bye);
  ck_assert_msg(!peer_has_request(), "a request for a destroyed handle");
  free(expect_nst_event(nst_ev_ended));
  advance(200);
  ck_assert_msg(s2_nst_events == NULL, "more than one event for a destroyed handle");
  while ((bye = s2_sip_next_request(SIP_METHOD_BYE)))
    s2_sip_free_message(bye);
  ck_assert_msg(!peer_has_request(), "a request for a destroyed handle");
  ck_assert_transition("session --destroyed--> gone");
}
END_TEST

/* nua's own timer tags on a plain nua_invite() (or on its handle) arm
 * nua's engine for that call: nua puts its Session-Expires in the INVITE
 * and, from the 2xx on, would refresh at 40-50 s. nst reads the handle's
 * parameters back when it adopts the call, takes the interval, pins nua's
 * again and refreshes at once by re-INVITE, whose 2xx leaves nua's engine
 * without a timer (nua_session.c: session_timer_set() after every 2xx to
 * an INVITE); from then on only nst refreshes. */
START_TEST(one_engine_plain_nua_invite_with_nua_timer_tag_is_disarmed)
{
  nua_handle_t *nh = nua_handle(nua, NULL, SIPTAG_TO(s2sip->aor), TAG_END());
  struct message *invite;

  nua_invite(nh, NUTAG_SESSION_TIMER(90), SOATAG_USER_SDP_STR(NUA_SDP), TAG_END());
  invite = s2_sip_wait_for_request(SIP_METHOD_INVITE);
  ck_assert(invite != NULL);
  peer_respond(invite, SIP_200_OK, WE_REFRESH("90"), TAG_END());
  s2_sip_free_message(invite);
  fail_unless_event(nua_r_invite, 200);
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  settle();
  invite = s2_sip_wait_for_request(SIP_METHOD_INVITE);
  ck_assert_msg(invite != NULL, "no re-INVITE to put nua's engine to sleep");
  check_se(invite, 90, "uac");
  peer_respond(invite, SIP_200_OK, WE_REFRESH("90"), TAG_END());
  s2_sip_free_message(invite);
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  settle();
  s2_flush_events();
  only_nst_refreshes_at_half(90);
  only_nst_refreshes_at_half_after(90, NUA_WINDOW_AFTER);
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

/* The same for a plain nua_respond() 2xx with NUTAG_SESSION_TIMER(), as
 * FreeSWITCH's mod_sofia answers: nua's 2xx carries its Session-Expires
 * and nua would send BYE at 81 s unless refreshed by a re-INVITE. nst
 * adopts the call, re-INVITEs at once, and then answers the peer's UPDATE
 * refreshes: no BYE from nua. */
START_TEST(one_engine_plain_nua_respond_with_nua_timer_tag_is_disarmed)
{
  nua_handle_t *nh = peer_calls(SIPTAG_SUPPORTED_STR("timer"),
                                SIPTAG_SESSION_EXPIRES_STR("90"), TAG_END());
  struct message *invite, *r;

  /* nua's own Session-Expires: its engine is armed. */
  ck_assert(answered_plainly(nh, NUTAG_SESSION_TIMER(90), TAG_END()));
  invite = s2_sip_wait_for_request(SIP_METHOD_INVITE);
  ck_assert_msg(invite != NULL, "no re-INVITE to put nua's engine to sleep");
  peer_respond(invite, SIP_200_OK, SIPTAG_SESSION_EXPIRES_STR("90;refresher=uas"),
               SIPTAG_REQUIRE_STR("timer"), TAG_END());
  s2_sip_free_message(invite);
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  settle();
  s2_flush_events();
  /* The peer refreshes by UPDATE at 45 s; nothing from us until 90 s. */
  advance(45);
  ck_assert_msg(!peer_has_request(), "a request before the peer's refresh");
  peer_request(SIP_METHOD_UPDATE, 0, SIPTAG_SUPPORTED_STR("timer"),
               SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"), TAG_END());
  r = s2_sip_wait_for_response(200, SIP_METHOD_UPDATE);
  ck_assert(r != NULL);
  s2_sip_free_message(r);
  advance(45);
  ck_assert_msg(!peer_has_request(), "a BYE although the peer refreshed: nua's engine ran");
  s2_flush_events();
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

/* nua_handle_destroy() on a call no timer of nst's watches: nst still
 * finds it gone (within NST_GONE_CHECK_MS), reports the end once and lets
 * the handle go. */
static void destroyed_handle_found_once(nua_handle_t *nh)
{
  struct message *m;

  ck_assert_msg(s2_nst_events == NULL, "an nst event before the check");
  advance(30);
  free(expect_nst_event(nst_ev_ended));
  ck_assert_int_eq(nst_next_timer_ms(s2_nst, nh), -1);
  advance(120);
  ck_assert_msg(s2_nst_events == NULL, "more than one event for a destroyed handle");
  while ((m = s2_sip_next_request(SIP_METHOD_BYE)))   /* nua's, if any */
    s2_sip_free_message(m);
  while ((m = s2_sip_next_request(SIP_METHOD_CANCEL)))
    s2_sip_free_message(m);
}

START_TEST(plain_nua_handle_destroy_while_calling_is_found)
{
  nua_handle_t *nh = nua_handle(nua, NULL, SIPTAG_TO(s2sip->aor), TAG_END());
  struct message *invite = nst_sends_invite(nh, TAG_END());

  nst_flush_recorded_events();
  nua_handle_destroy(nh);
  s2_sip_free_message(invite);
  destroyed_handle_found_once(nh);
  ck_assert_transition("calling --destroyed--> gone");
}
END_TEST

START_TEST(plain_nua_handle_destroy_in_a_session_without_timer_is_found)
{
  struct message *invite;
  nua_handle_t *nh = call_peer(&invite, TAG_END());   /* a 2xx without Session-Expires */
  struct message *bye;

  s2_sip_free_message(invite);
  ck_assert_int_eq(nst_next_timer_ms(s2_nst, nh), -1);
  nst_flush_recorded_events();
  nua_handle_destroy(nh);
  bye = s2_sip_wait_for_request(SIP_METHOD_BYE);   /* nua's own */
  ck_assert(bye != NULL);
  s2_sip_respond_to(bye, dialog, SIP_200_OK, TAG_END());
  s2_sip_free_message(bye);
  destroyed_handle_found_once(nh);
  ck_assert_transition("session --destroyed--> gone");
}
END_TEST

/* ====================================================================== */
/* What the application is told */

START_TEST(app_told_of_the_422_nst_answered_with_its_min_se)
{
  struct message *r;
  struct nst_recorded_event *e;

  peer_request(SIP_METHOD_INVITE, 1, SIPTAG_SUPPORTED_STR("timer"),
               SIPTAG_SESSION_EXPIRES_STR("90"), TAG_END());
  r = s2_sip_wait_for_response(422, SIP_METHOD_INVITE);
  ck_assert(r != NULL);
  s2_sip_free_message(r);
  settle();
  /* No nua event for the INVITE, but nst's own word with the value. */
  ck_assert_msg(!app_saw(nua_i_invite), "application saw the INVITE answered 422");
  e = expect_nst_event(nst_ev_rejected);
  ck_assert_int_eq(e->info.ni_status, 422);
  ck_assert_uint_eq(e->info.ni_min_se, 120);
  free(e);
}
END_TEST

START_TEST(app_told_of_the_422_nst_answered_in_dialog)
{
  nua_handle_t *nh = peer_calls(SIPTAG_SUPPORTED_STR("timer"),
                                SIPTAG_SESSION_EXPIRES_STR("120"), TAG_END());
  struct message *r;
  struct nst_recorded_event *e;

  s2_sip_free_message(answer_call(nh, TAG_END()));
  nst_flush_recorded_events();
  peer_request(SIP_METHOD_UPDATE, 0, SIPTAG_SUPPORTED_STR("timer"),
               SIPTAG_SESSION_EXPIRES_STR("100"), TAG_END());
  r = s2_sip_wait_for_response(422, SIP_METHOD_UPDATE);
  ck_assert(r != NULL);
  s2_sip_free_message(r);
  e = expect_nst_event(nst_ev_rejected);
  ck_assert_int_eq(e->info.ni_status, 422);
  ck_assert_uint_eq(e->info.ni_min_se, 120);
  ck_assert_uint_eq(e->info.ni_interval, 120);   /* the session runs on */
  free(e);
  s2_flush_events();
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

/* nst is the refresher of 90 s; its refresh at 45 s gets @a status. */
static struct nst_recorded_event *refresh_answered(int status, char const *phrase)
{
  struct message *update;

  advance(45);
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert(update != NULL);
  s2_sip_respond_to(update, dialog, status, phrase, TAG_END());
  s2_sip_free_message(update);
  settle();
  return expect_nst_event(nst_ev_refresh_failed);
}

START_TEST(app_told_what_follows_a_failed_refresh)
{
  nua_handle_t *nh = call_peer(NULL, WE_REFRESH("90"), TAG_END());
  struct nst_recorded_event *e;

  nst_flush_recorded_events();
  /* 503: the call lives on, nst tries again before the peer gives up. */
  e = refresh_answered(SIP_503_SERVICE_UNAVAILABLE);
  ck_assert_int_eq(e->info.ni_status, 503);
  ck_assert_int_ge(e->info.ni_refresh_in_ms, 0);
  /* ... and says when: the timer it armed (read a little later). */
  ck_assert_int_le(labs(e->info.ni_refresh_in_ms - nst_next_timer_ms(s2_nst, nh)), 100);
  free(e);
  s2_flush_events();
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

/* 405 to the UPDATE: nst refreshes again at once, by re-INVITE, and says
 * so (it said "no retry, the session expires" before). */
START_TEST(app_told_a_405_means_reinvite_now)
{
  nua_handle_t *nh = call_peer(NULL, WE_REFRESH("90"), TAG_END());
  struct nst_recorded_event *e;
  struct message *invite;

  nst_flush_recorded_events();
  e = refresh_answered(SIP_405_METHOD_NOT_ALLOWED);
  ck_assert_int_eq(e->info.ni_status, 405);
  ck_assert_int_eq(e->info.ni_refresh_in_ms, 0);
  ck_assert_int_eq(e->info.ni_method, nst_method_invite);
  free(e);
  invite = s2_sip_wait_for_request(SIP_METHOD_INVITE);
  ck_assert_msg(invite != NULL, "no re-INVITE after 405");
  peer_respond(invite, SIP_200_OK, WE_REFRESH("90"), TAG_END());
  s2_sip_free_message(invite);
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  s2_flush_events();
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

/* A 422 nst cannot meet (no Min-SE): nothing goes now; the retry is the
 * timer's, as after a 5xx. */
START_TEST(app_told_a_422_without_min_se_is_retried_later)
{
  nua_handle_t *nh = call_peer(NULL, WE_REFRESH("90"), TAG_END());
  struct nst_recorded_event *e;

  nst_flush_recorded_events();
  e = refresh_answered(422, "Session Interval Too Small");
  ck_assert_int_eq(e->info.ni_status, 422);
  ck_assert_int_gt(e->info.ni_refresh_in_ms, 0);
  free(e);
  ck_assert_msg(!peer_has_request(), "a request right after the 422");
  s2_flush_events();
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(app_told_the_call_ends_after_481_to_a_refresh)
{
  nua_handle_t *nh = call_peer(NULL, WE_REFRESH("90"), TAG_END());
  struct nst_recorded_event *e;
  struct message *bye;

  nst_flush_recorded_events();
  e = refresh_answered(SIP_481_NO_TRANSACTION);
  ck_assert_int_eq(e->info.ni_refresh_in_ms, -1);
  ck_assert_int_eq(e->info.ni_expires_in_ms, -1);
  free(e);
  bye = s2_sip_wait_for_request(SIP_METHOD_BYE);
  ck_assert(bye != NULL);
  s2_sip_respond_to(bye, dialog, SIP_200_OK, TAG_END());
  s2_sip_free_message(bye);
  nua_handle_destroy(nh);
}
END_TEST

static void setup_min_se_120(void)
{
  setup_with(NSTTAG_SESSION_EXPIRES(120), NSTTAG_MIN_SE(120), TAG_END());
}

void plain_nua_cases(Suite *s)
{
  TCase *tc;

  tc = nst_tcase("one engine: nua's timer tags at nst_create()", setup_nua_timer_tags);
  tcase_add_test(tc, one_engine_nua_timer_tags_at_create_set_nsts_interval);
  suite_add_tcase(s, tc);

  tc = nst_tcase("one engine: all of nua's timer tags at nst_create()", setup_nua_timer_tags_all);
  tcase_add_test(tc, one_engine_all_nua_timer_tags_at_create_are_nsts);
  tcase_add_test(tc, one_engine_nst_create_refuses_bad_nua_timer_tags);

  suite_add_tcase(s, tc);

  tc = nst_tcase("one engine: nua's timer tags elsewhere", setup);
  tcase_add_test(tc, one_engine_nua_timer_tags_per_call_set_nsts_interval);
  tcase_add_test(tc, one_engine_nua_set_params_timer_tags_set_nsts_interval);
  tcase_add_test(tc, one_engine_nua_handle_timer_tags_leave_nua_dormant);
  tcase_add_test(tc, one_engine_nua_min_se_below_90_is_refused);
  tcase_add_test(tc, one_engine_nua_handle_timer_tags_refused_and_pinned);
  tcase_add_test(tc, one_engine_nua_timer_tags_on_a_provisional_answer_are_nsts);
  tcase_add_test(tc, one_engine_nua_refresher_local_on_nst_respond);
  suite_add_tcase(s, tc);

  tc = nst_tcase("one engine: plain nua calls with nua's timer tags", setup);
  tcase_add_test(tc, one_engine_plain_nua_invite_with_nua_timer_tag_is_disarmed);
  tcase_add_test(tc, one_engine_plain_nua_respond_with_nua_timer_tag_is_disarmed);
  suite_add_tcase(s, tc);

  tc = nst_tcase("plain nua calls", setup);
  tcase_add_test(tc, plain_nua_invite_2xx_binds_and_nst_refreshes);
  tcase_add_test(tc, plain_nua_respond_2xx_has_no_timer_and_nst_says_so);
  tcase_add_test(tc, plain_nua_update_2xx_rearms_nsts_timer);
  tcase_add_test(tc, plain_nua_update_2xx_in_a_call_nst_left_binds);
  tcase_add_test(tc, plain_nua_bye_ends_nsts_timers);
  tcase_add_test(tc, plain_nua_handle_destroy_ends_nsts_timers_once);
  tcase_add_test(tc, plain_nua_handle_destroy_while_calling_is_found);
  tcase_add_test(tc, plain_nua_handle_destroy_in_a_session_without_timer_is_found);
  suite_add_tcase(s, tc);

  tc = nst_tcase("what the application is told", setup_min_se_120);
  tcase_add_test(tc, app_told_of_the_422_nst_answered_with_its_min_se);
  tcase_add_test(tc, app_told_of_the_422_nst_answered_in_dialog);
  suite_add_tcase(s, tc);

  tc = nst_tcase("what the application is told, refreshes", setup);
  tcase_add_test(tc, app_told_what_follows_a_failed_refresh);
  tcase_add_test(tc, app_told_the_call_ends_after_481_to_a_refresh);
  tcase_add_test(tc, app_told_a_405_means_reinvite_now);
  tcase_add_test(tc, app_told_a_422_without_min_se_is_retried_later);
  suite_add_tcase(s, tc);
}
