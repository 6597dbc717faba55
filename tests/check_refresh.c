/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * RFC 4028 section 10, refresh and expiry in both roles, on two event
 * loops: compiled into check_nst (a plain su_root, s2_helpers.c) and, with
 * NST_TEST_ON_GLIB, into check_glib (nua and nst on a su_glib root driven
 * by a GMainLoop, tests/glib/glib_driver.c). The same cases and figures on
 * both; on glib each case also checks that nst's timers fired from the
 * loop (loop_done()).
 */
#include "config.h"

#undef NDEBUG

#ifdef NST_TEST_ON_GLIB
#include "glib/glib_driver.h"
#define loop_advance(s)      glib_advance(s)
#define loop_advance_ms(ms)  glib_advance_ms(ms)
#define loop_settle()        glib_settle()
#define loop_done()          glib_assert_dispatched_by_loop()
#define loop_tcase(name, f)  glib_tcase(name " on glib", f)
#define LOOP_SETUP           glib_setup
#define LOOP_SETUP_90        glib_setup_90
#define ON_GLIB(check)       check
#else
#include "s2_helpers.h"
#define loop_advance(s)      advance(s)
#define loop_advance_ms(ms)  advance_ms(ms)
#define loop_settle()        settle()
#define loop_done()          ((void)0)
#define loop_tcase(name, f)  nst_tcase(name, f)
#define LOOP_SETUP           setup
#define LOOP_SETUP_90        setup_90
#define ON_GLIB(check)       ((void)0)
#endif

#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_time.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ====================================================================== */
/* 10 - Refresh and expiry, both roles (Session-Expires 90 on our side) */

/* We answered as the refresher: our UPDATE refresh comes at half the
 * interval (not a second before), labelled uac (we are the client of our
 * UPDATE), and its 2xx is reported. */
static void callee_refreshes_by_update_at_half(unsigned interval)
{
  struct message *update;
  char se[32];

  loop_advance(interval / 2 - 1);
  ck_assert_msg(!peer_has_request(), "refresh before half the interval");
  loop_advance(1);
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert_msg(update != NULL, "callee sent no UPDATE refresh at %u s", interval / 2);
  check_se(update, interval, "uac");
  snprintf(se, sizeof se, "%u;refresher=uac", interval);
  s2_sip_respond_to(update, dialog, SIP_200_OK,
                    SIPTAG_SESSION_EXPIRES_STR(se),
                    SIPTAG_REQUIRE_STR("timer"), TAG_END());
  s2_sip_free_message(update);
  loop_settle();
  free(expect_nst_event(nst_ev_refresh_answered));
}

/* The same Supported items, in the same order. */
static int same_supported(sip_supported_t const *a, sip_supported_t const *b)
{
  msg_param_t const *i = a ? a->k_items : NULL, *j = b ? b->k_items : NULL;

  for (; i && j && *i && *j; i++, j++)
    if (strcmp(*i, *j))
      return 0;
  return !(i && *i) && !(j && *j);
}

START_TEST(rfc4028_10_uac_refreshes_by_update_at_half_interval)
{
  struct message *update, *invite;
  nua_handle_t *nh = call_peer(&invite,
                               SIPTAG_SESSION_EXPIRES_STR("120;refresher=uac"),
                               SIPTAG_REQUIRE_STR("timer"),
                               SIPTAG_ALLOW_STR(ALLOW_WITH_UPDATE), TAG_END());
  struct nst_recorded_event *e = expect_nst_event(nst_ev_negotiated);
  ck_assert_int_eq(e->info.ni_refresher, nst_refresher_local);
  ck_assert_int_eq(e->info.ni_method, nst_method_update);
  free(e);
  s2_flush_events();

  loop_advance(59);
  ck_assert_msg(!peer_has_request(), "refresh before half the interval");
  ON_GLIB(ck_assert_uint_eq(glib.nst_timer_events, 0));
  loop_advance(1);
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert_msg(update != NULL, "no UPDATE refresh at 60 s");
  /* UPDATE is a target refresh request (RFC 3311 5.1): with Contact. */
  ck_assert_msg(update->sip->sip_contact != NULL, "refresh UPDATE without Contact");
  ON_GLIB(ck_assert_uint_eq(glib.nst_timer_events_in_loop, 1));
  check_se(update, 120, "uac");
  ck_assert(update->sip->sip_min_se != NULL);
  ck_assert(has_timer(update->sip->sip_supported));
  /* The INVITE's list, as one header (the refresh gives it to nua as a
   * header, not as the handle's parameter). */
  ck_assert(update->sip->sip_supported->k_next == NULL);
  ck_assert_msg(same_supported(update->sip->sip_supported, invite->sip->sip_supported),
                "refresh UPDATE's Supported is not the INVITE's");
  s2_sip_free_message(invite);
  ck_assert_msg(!(update->sip->sip_payload && update->sip->sip_payload->pl_len),
                "refresh UPDATE carries SDP");
  s2_sip_respond_to(update, dialog, SIP_200_OK,
                    SIPTAG_SESSION_EXPIRES_STR("120;refresher=uac"),
                    SIPTAG_REQUIRE_STR("timer"), TAG_END());
  s2_sip_free_message(update);
  loop_settle();
  free(expect_nst_event(nst_ev_refresh_sent));
  free(expect_nst_event(nst_ev_refresh_answered));
  ck_assert_msg(!app_saw(nua_r_update), "application saw our refresh's response");
  ck_assert_msg(!app_saw(nua_i_state), "application saw our refresh's call states");

  /* The 2xx re-armed the timers: the next refresh is 60 s later. */
  loop_advance(59);
  ck_assert_msg(!peer_has_request(), "second refresh too early");
  loop_advance(1);
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert_msg(update != NULL, "no second refresh");
  ON_GLIB(ck_assert_uint_eq(glib.nst_timer_events_in_loop, 2));
  s2_sip_respond_to(update, dialog, SIP_200_OK,
                    SIPTAG_SESSION_EXPIRES_STR("120;refresher=uac"),
                    SIPTAG_REQUIRE_STR("timer"), TAG_END());
  s2_sip_free_message(update);
  loop_settle();

  bye_from_peer();
  nua_handle_destroy(nh);
  loop_done();
  ck_assert_transition("session --refresh_due--> refreshing");
  ck_assert_transition("refreshing --refresh_2xx--> session");
}
END_TEST

START_TEST(rfc4028_10_uac_refreshes_by_reinvite_without_allow_update)
{
  struct message *invite;
  nua_handle_t *nh = call_peer(NULL,
                               SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
                               SIPTAG_REQUIRE_STR("timer"),
                               SIPTAG_ALLOW_STR(ALLOW_WITHOUT_UPDATE), TAG_END());
  struct nst_recorded_event *e = expect_nst_event(nst_ev_negotiated);
  ck_assert_int_eq(e->info.ni_method, nst_method_invite);
  free(e);
  s2_flush_events();

  loop_advance(44);
  ck_assert_msg(!peer_has_request(), "refresh before half the interval");
  loop_advance(1);
  invite = s2_sip_wait_for_request(SIP_METHOD_INVITE);
  ck_assert_msg(invite != NULL, "no re-INVITE refresh at 45 s");
  check_se(invite, 90, "uac");
  ck_assert_msg(invite->sip->sip_payload != NULL, "re-INVITE refresh without SDP");
  peer_respond(invite, SIP_200_OK,
               SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
               SIPTAG_REQUIRE_STR("timer"), TAG_END());
  s2_sip_free_message(invite);
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  loop_settle();
  free(expect_nst_event(nst_ev_refresh_answered));
  ck_assert_msg(!app_saw(nua_r_invite), "application saw our refresh's response");
  ck_assert_msg(!app_saw(nua_i_state), "application saw our refresh's call states");

  /* Re-armed: nothing at 60 s after the call started. */
  loop_advance(44);
  ck_assert_msg(!peer_has_request(), "request before the next refresh is due");

  bye_from_peer();
  nua_handle_destroy(nh);
  loop_done();
}
END_TEST

START_TEST(rfc4028_10_uac_non_refresher_sends_bye_on_silence)
{
  nua_handle_t *nh = call_peer(NULL,
                               SIPTAG_SESSION_EXPIRES_STR("90;refresher=uas"),
                               SIPTAG_REQUIRE_STR("timer"),
                               SIPTAG_ALLOW_STR(ALLOW_WITH_UPDATE), TAG_END());
  s2_flush_events();

  /* 90 - min(32, 90/3) = 60 s */
  loop_advance(59);
  ck_assert_msg(!peer_has_request(), "BYE or refresh before 60 s");
  ck_assert(!nst_has_recorded_event(nst_ev_expired));
  loop_advance(1);
  expect_expiry_bye();
  nua_handle_destroy(nh);
  loop_done();
  ck_assert_transition("session --expired--> ending");
  ck_assert_transition("ending --terminated--> gone");
}
END_TEST

START_TEST(rfc4028_10_uac_peer_update_refresh_is_answered_and_rearms)
{
  struct message *ok;
  nua_handle_t *nh = call_peer(NULL,
                               SIPTAG_SESSION_EXPIRES_STR("90;refresher=uas"),
                               SIPTAG_REQUIRE_STR("timer"),
                               SIPTAG_ALLOW_STR(ALLOW_WITH_UPDATE), TAG_END());
  s2_flush_events();

  loop_advance(45);
  /* The callee refreshes: it is the uac of its UPDATE (labels flip). */
  peer_request(SIP_METHOD_UPDATE, 0,
               SIPTAG_SUPPORTED_STR("timer"),
               SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
               SIPTAG_MIN_SE_STR("90"), TAG_END());
  ok = s2_sip_wait_for_response(200, SIP_METHOD_UPDATE);
  ck_assert(ok != NULL);
  check_se(ok, 90, "uac");
  ck_assert_int_eq(require_timer_count(ok), 1);
  s2_sip_free_message(ok);
  free(expect_nst_event(nst_ev_refresh_received));

  /* Re-armed at 45 s: BYE at 45 + 60 = 105 s, not at 60 s. */
  loop_advance(59);
  ck_assert_msg(!peer_has_request(), "BYE although the peer refreshed");
  loop_advance(1);
  expect_expiry_bye();
  nua_handle_destroy(nh);
  loop_done();
}
END_TEST

START_TEST(rfc4028_10_uas_refresher_refreshes_by_update_with_flipped_label)
{
  nua_handle_t *nh = peer_calls(SIPTAG_SUPPORTED_STR("timer"),
                                SIPTAG_SESSION_EXPIRES_STR("120;refresher=uas"),
                                SIPTAG_ALLOW_STR(ALLOW_WITH_UPDATE),
                                TAG_END());
  struct message *ok = answer_call(nh, TAG_END());

  /* Section 9: we prefer 90 (the fixture) and may reduce the offer. */
  check_se(ok, 90, "uas");
  s2_sip_free_message(ok);
  s2_flush_events();

  /* We were the uas of the INVITE and refresh; in our UPDATE we are the uac. */
  callee_refreshes_by_update_at_half(90);
  ck_assert_msg(!app_saw(nua_i_state), "application saw our refresh's call states");

  bye_from_peer();
  nua_handle_destroy(nh);
  loop_done();
}
END_TEST

START_TEST(rfc4028_10_uas_refresher_refreshes_by_reinvite)
{
  nua_handle_t *nh = peer_calls(SIPTAG_SUPPORTED_STR("timer"),
                                SIPTAG_SESSION_EXPIRES_STR("90;refresher=uas"),
                                SIPTAG_ALLOW_STR(ALLOW_WITHOUT_UPDATE),
                                TAG_END());
  struct message *ok = answer_call(nh, TAG_END()), *invite;

  s2_sip_free_message(ok);
  s2_flush_events();

  loop_advance(44);
  ck_assert_msg(!peer_has_request(), "refresh before half the interval");
  loop_advance(1);
  invite = s2_sip_wait_for_request(SIP_METHOD_INVITE);
  ck_assert_msg(invite != NULL, "callee sent no re-INVITE refresh");
  check_se(invite, 90, "uac");
  peer_respond(invite, SIP_200_OK,
               SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
               SIPTAG_REQUIRE_STR("timer"), TAG_END());
  s2_sip_free_message(invite);
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  loop_settle();
  free(expect_nst_event(nst_ev_refresh_answered));
  ck_assert_msg(!app_saw(nua_i_state), "application saw our refresh's call states");

  bye_from_peer();
  nua_handle_destroy(nh);
  loop_done();
}
END_TEST

START_TEST(rfc4028_10_uas_answers_reinvite_refresh_and_rearms)
{
  nua_handle_t *nh = peer_calls(SIPTAG_SUPPORTED_STR("timer"),
                                SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
                                TAG_END());
  struct message *ok = answer_call(nh, TAG_END());

  s2_sip_free_message(ok);
  s2_flush_events();

  loop_advance(45);
  peer_request(SIP_METHOD_INVITE, 1,
               SIPTAG_SUPPORTED_STR("timer"),
               SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
               SIPTAG_MIN_SE_STR("90"), TAG_END());
  ok = s2_sip_wait_for_response(200, SIP_METHOD_INVITE);
  ck_assert_msg(ok != NULL, "re-INVITE refresh not answered");
  check_se(ok, 90, "uac");
  ck_assert_int_eq(require_timer_count(ok), 1);
  ck_assert_msg(ok->sip->sip_payload != NULL, "2xx to re-INVITE without SDP answer");
  peer_take_answer(ok);
  s2_sip_free_message(ok);
  ck_assert(!s2_sip_request_to(dialog, SIP_METHOD_ACK, NULL, TAG_END()));
  loop_settle();
  free(expect_nst_event(nst_ev_refresh_received));
  ck_assert(s2_check_event(nua_i_invite, 0));
  s2_flush_events();

  /* Re-armed at 45 s: BYE at 105 s. */
  loop_advance(59);
  ck_assert_msg(!peer_has_request(), "BYE although the peer refreshed");
  loop_advance(1);
  expect_expiry_bye();
  nua_handle_destroy(nh);
  loop_done();
  ck_assert_transition("session --peer_refresh--> session");
}
END_TEST

START_TEST(rfc4028_10_uas_non_refresher_sends_bye_at_interval_minus_third)
{
  nua_handle_t *nh = peer_calls(SIPTAG_SUPPORTED_STR("timer"),
                                SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
                                TAG_END());
  struct message *ok = answer_call(nh, TAG_END());
  nst_stats_t st;

  s2_sip_free_message(ok);
  s2_flush_events();

  loop_advance(59);
  ck_assert_msg(!peer_has_request(), "BYE before 60 s");
  loop_advance(1);
  expect_expiry_bye();
  nst_get_stats(s2_nst, &st);
  ck_assert_uint_eq(st.ns_expiries, 1);
  ck_assert_uint_eq(st.ns_refreshes_sent, 0);
  nua_handle_destroy(nh);
  loop_done();
}
END_TEST

/* ====================================================================== */
/* 10 - the same moments to the millisecond (check_rfc4028.c's) */

static struct nst_recorded_event *loop_until_nst_event(nst_event_t event, unsigned max_ms)
{
  unsigned i;

  for (i = 0; i <= max_ms; i++) {
    if (nst_has_recorded_event(event))
      return expect_nst_event(event);
    loop_advance_ms(1);
  }
  return NULL;
}

START_TEST(rfc4028_10_refresh_is_sent_at_half_interval_to_the_ms)
{
  nua_handle_t *nh = call_peer(NULL, SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
                               SIPTAG_ALLOW_STR(ALLOW_WITH_UPDATE), TAG_END());
  struct nst_recorded_event *armed = expect_nst_event(nst_ev_negotiated), *sent;
  struct message *update;
  su_duration_t took;

  loop_advance(44);
  while (su_duration(su_now(), armed->when) < 44990)
    loop_advance_ms(1);
  ck_assert_msg(s2_nst_events == NULL, "refresh 10 ms early");
  sent = loop_until_nst_event(nst_ev_refresh_sent, 20);
  ck_assert_msg(sent != NULL, "no refresh by 45.010 s");
  took = su_duration(sent->when, armed->when);
  ck_assert_int_ge(took, 45000);
  ck_assert_int_le(took, 45001);
  free(armed), free(sent);

  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert(update != NULL);
  s2_sip_respond_to(update, dialog, SIP_200_OK,
                    SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"), TAG_END());
  s2_sip_free_message(update);
  loop_settle();
  bye_from_peer();
  nua_handle_destroy(nh);
  loop_done();
}
END_TEST

START_TEST(rfc4028_10_expiry_bye_at_interval_minus_third_to_the_ms)
{
  nua_handle_t *nh = call_peer(NULL, SIPTAG_SESSION_EXPIRES_STR("90;refresher=uas"),
                               TAG_END());
  struct nst_recorded_event *armed = expect_nst_event(nst_ev_negotiated), *expired;
  su_duration_t took;

  s2_flush_events();
  loop_advance(59);
  while (su_duration(su_now(), armed->when) < 59990)
    loop_advance_ms(1);
  ck_assert_msg(!nst_has_recorded_event(nst_ev_expired), "BYE 10 ms early");
  expired = loop_until_nst_event(nst_ev_expired, 20);
  ck_assert_msg(expired != NULL, "no expiry by 60.010 s");
  took = su_duration(expired->when, armed->when);
  ck_assert_int_ge(took, 60000);
  ck_assert_int_le(took, 60001);
  free(armed), free(expired);

  {
    struct message *bye = s2_sip_wait_for_request(SIP_METHOD_BYE);
    ck_assert_msg(bye != NULL, "no BYE");
    ck_assert(bye->sip->sip_reason != NULL);
    ck_assert_str_eq(bye->sip->sip_reason->re_cause ? bye->sip->sip_reason->re_cause : "",
                     "408");
    s2_sip_respond_to(bye, dialog, SIP_200_OK, TAG_END());
    s2_sip_free_message(bye);
  }
  ck_assert(s2_check_event(nua_r_bye, 200));
  nua_handle_destroy(nh);
  loop_done();
}
END_TEST

/* ====================================================================== */
/* 10 - the default interval, where min(32, interval/3) is 32 */

START_TEST(rfc4028_10_uac_non_refresher_bye_at_interval_minus_32)
{
  nua_handle_t *nh = call_peer(NULL,
                               SIPTAG_SESSION_EXPIRES_STR("1800;refresher=uas"),
                               SIPTAG_REQUIRE_STR("timer"),
                               SIPTAG_ALLOW_STR(ALLOW_WITH_UPDATE), TAG_END());
  struct nst_recorded_event *e = expect_nst_event(nst_ev_negotiated);
  su_time_t negotiated = e->when;
  su_duration_t left;

  ck_assert_int_eq(e->info.ni_refresher, nst_refresher_remote);
  free(e);
  s2_flush_events();

  /* 1800 - min(32, 600) = 1768 s. s2's clock is real time plus what the
   * test moved it, and 1,760 steps of a second take real time too (more
   * than a second on a loaded machine): stop 500 ms short of 1768 s after
   * the 2xx, as the clock says. */
  loop_advance(1760);
  left = 1768000 - 500 - su_duration(su_now(), negotiated);
  if (left >= 1000)
    loop_advance((unsigned)(left / 1000));
  if (left > 0)
    loop_advance_ms((unsigned)(left % 1000));
  ck_assert_msg(!peer_has_request(), "BYE or refresh before 1768 s: %s",
                peer_request_name());
  ck_assert(!nst_has_recorded_event(nst_ev_expired));
  loop_advance(1);
  expect_expiry_bye();
  nua_handle_destroy(nh);
  loop_done();
}
END_TEST

START_TEST(rfc4028_10_uas_refresher_refreshes_at_half_of_1800)
{
  nua_handle_t *nh = peer_calls(SIPTAG_SUPPORTED_STR("timer"),
                                SIPTAG_SESSION_EXPIRES_STR("1800;refresher=uas"),
                                SIPTAG_ALLOW_STR(ALLOW_WITH_UPDATE),
                                TAG_END());
  struct message *ok = answer_call(nh, TAG_END());

  check_se(ok, 1800, "uas");
  s2_sip_free_message(ok);
  s2_flush_events();

  callee_refreshes_by_update_at_half(1800);

  bye_from_peer();
  nua_handle_destroy(nh);
  loop_done();
}
END_TEST

/* ====================================================================== */

void refresh_cases(Suite *s)
{
  TCase *tc;

  tc = loop_tcase("10 refresh and expiry", LOOP_SETUP_90);
  tcase_add_test(tc, rfc4028_10_uac_refreshes_by_update_at_half_interval);
  tcase_add_test(tc, rfc4028_10_uac_refreshes_by_reinvite_without_allow_update);
  tcase_add_test(tc, rfc4028_10_uac_non_refresher_sends_bye_on_silence);
  tcase_add_test(tc, rfc4028_10_uac_peer_update_refresh_is_answered_and_rearms);
  tcase_add_test(tc, rfc4028_10_uas_refresher_refreshes_by_update_with_flipped_label);
  tcase_add_test(tc, rfc4028_10_uas_refresher_refreshes_by_reinvite);
  tcase_add_test(tc, rfc4028_10_uas_answers_reinvite_refresh_and_rearms);
  tcase_add_test(tc, rfc4028_10_uas_non_refresher_sends_bye_at_interval_minus_third);
  suite_add_tcase(s, tc);

  tc = loop_tcase("10 timing to the ms", LOOP_SETUP_90);
  tcase_add_test(tc, rfc4028_10_refresh_is_sent_at_half_interval_to_the_ms);
  tcase_add_test(tc, rfc4028_10_expiry_bye_at_interval_minus_third_to_the_ms);
  suite_add_tcase(s, tc);

  tc = loop_tcase("10 default interval", LOOP_SETUP);
  tcase_add_test(tc, rfc4028_10_uac_non_refresher_bye_at_interval_minus_32);
  tcase_add_test(tc, rfc4028_10_uas_refresher_refreshes_at_half_of_1800);
  suite_add_tcase(s, tc);
}
