/*
 * nst on a real nua, against Sofia's s2 fake SIP peer, with fast-forwarded
 * time. Test names carry the RFC 4028 section they check.
 *
 * The harness (s2base, s2sip, s2time, s2dns and check_nua.c's nua helpers)
 * is compiled from the Debian source of the installed sofia-sip; check_nua.c
 * is built with nua_create/nua_destroy renamed so that the harness's nua has
 * nst attached (s2_glue.c). s2_nst is that module.
 */
#include "config.h"

#undef NDEBUG

#include "s2_helpers.h"

#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/soa.h>
#include <sofia-sip/su_string.h>

#include <stdlib.h>
#include <string.h>

/* ====================================================================== */
/* 7 - UAC behaviour */

START_TEST(rfc4028_7_1_invite_has_supported_se_and_min_se)
{
  struct message *invite;
  nua_handle_t *nh = call_peer(&invite, TAG_END());

  ck_assert_msg(has_timer(invite->sip->sip_supported), "no Supported: timer");
  check_se(invite, 1800, NULL);
  ck_assert_msg(invite->sip->sip_min_se != NULL, "no Min-SE");
  ck_assert_uint_eq(invite->sip->sip_min_se->min_delta, 90);
  /* Require: timer on requests breaks some peers (pitfalls.md 7). */
  ck_assert_int_eq(require_timer_count(invite), 0);
  s2_sip_free_message(invite);

  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(rfc4028_7_1_per_call_tags_override_defaults)
{
  nua_handle_t *nh = nua_handle(nua, NULL, SIPTAG_TO(s2sip->aor), TAG_END());
  struct message *invite;

  nst_invite(s2_nst, nh, SOATAG_USER_SDP_STR(NUA_SDP),
             NSTTAG_SESSION_EXPIRES(600), NSTTAG_MIN_SE(120),
             NSTTAG_REFRESHER(nst_pref_uac), TAG_END());
  ck_assert(s2_check_callstate(nua_callstate_calling));
  invite = s2_sip_wait_for_request(SIP_METHOD_INVITE);
  ck_assert(invite != NULL);
  check_se(invite, 600, "uac");
  ck_assert_uint_eq(invite->sip->sip_min_se->min_delta, 120);
  peer_respond(invite, SIP_486_BUSY_HERE, TAG_END());
  s2_sip_free_message(invite);
  fail_unless_event(nua_r_invite, 486);
  ck_assert(s2_check_callstate(nua_callstate_terminated));
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(rfc4028_7_2_2xx_sets_interval_and_refresher)
{
  struct nst_recorded_event *e;
  nua_handle_t *nh = call_peer(NULL,
                               SIPTAG_SESSION_EXPIRES_STR("120;refresher=uas"),
                               SIPTAG_REQUIRE_STR("timer"),
                               SIPTAG_ALLOW_STR(ALLOW_WITH_UPDATE), TAG_END());
  e = expect_nst_event(nst_ev_negotiated);
  ck_assert_uint_eq(e->info.ni_interval, 120);
  ck_assert_int_eq(e->info.ni_refresher, nst_refresher_remote);
  free(e);

  /* The peer refreshes: we only run the expiry timer, 120 - 32 = 88 s. */
  ck_assert_int_le(nst_next_timer_ms(s2_nst, nh), 88000);
  ck_assert_int_gt(nst_next_timer_ms(s2_nst, nh), 87900);

  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(rfc4028_7_2_2xx_without_se_runs_no_timer)
{
  struct nst_recorded_event *e;
  nua_handle_t *nh = call_peer(NULL, SIPTAG_ALLOW_STR(ALLOW_WITH_UPDATE), TAG_END());

  e = expect_nst_event(nst_ev_negotiated);
  ck_assert_uint_eq(e->info.ni_interval, 0);
  free(e);
  ck_assert_int_eq(nst_next_timer_ms(s2_nst, nh), -1);

  /* Longer than any default interval. */
  advance(2000);
  ck_assert_msg(!(peer_has_request()), "a request although no timer was negotiated");

  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

/* ====================================================================== */
/* 9 - UAS behaviour */

START_TEST(rfc4028_9_uas_answers_se_refresher_uac_and_require)
{
  nua_handle_t *nh = peer_calls(SIPTAG_SUPPORTED_STR("timer"),
                                SIPTAG_SESSION_EXPIRES_STR("1800"),
                                TAG_END());
  struct message *ok = answer_call(nh, TAG_END());
  struct nst_recorded_event *e;

  /* Left open by the caller: the caller refreshes, and says so. */
  check_se(ok, 1800, "uac");
  ck_assert_int_eq(require_timer_count(ok), 1);
  s2_sip_free_message(ok);

  e = expect_nst_event(nst_ev_negotiated);
  ck_assert_uint_eq(e->info.ni_interval, 1800);
  ck_assert_int_eq(e->info.ni_refresher, nst_refresher_remote);
  free(e);

  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(rfc4028_9_uas_honours_refresher_uas_without_require)
{
  nua_handle_t *nh = peer_calls(SIPTAG_SUPPORTED_STR("timer"),
                                SIPTAG_SESSION_EXPIRES_STR("300;refresher=uas"),
                                SIPTAG_MIN_SE_STR("90"),
                                TAG_END());
  struct message *ok = answer_call(nh, TAG_END());

  check_se(ok, 300, "uas");
  ck_assert_int_eq(require_timer_count(ok), 0);
  s2_sip_free_message(ok);

  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(rfc4028_9_uas_rejects_too_small_interval_with_422)
{
  struct message *r;

  peer_request(SIP_METHOD_INVITE, 1,
               SIPTAG_SUPPORTED_STR("timer"),
               SIPTAG_SESSION_EXPIRES_STR("60"),
               SIPTAG_MIN_SE_STR("60"),
               TAG_END());
  r = s2_sip_wait_for_response(422, SIP_METHOD_INVITE);
  ck_assert(r != NULL);
  ck_assert_msg(r->sip->sip_min_se != NULL, "422 without Min-SE");
  ck_assert_uint_eq(r->sip->sip_min_se->min_delta, 90);
  s2_sip_free_message(r);
  {
    nst_stats_t st;
    nst_get_stats(s2_nst, &st);
    ck_assert_uint_eq(st.ns_422_sent, 1);
  }
  settle();
  /* The application never hears of the rejected attempt. */
  ck_assert_msg(!(app_saw(nua_i_invite)), "application saw the INVITE answered 422");
  ck_assert_msg(!(app_saw(nua_i_state)), "application saw call states of the 422");
}
END_TEST

/* ====================================================================== */
/* 10 - Refresh and expiry, both roles */

START_TEST(rfc4028_10_uac_refreshes_by_update_at_half_interval)
{
  struct message *update;
  nua_handle_t *nh = call_peer(NULL,
                               SIPTAG_SESSION_EXPIRES_STR("120;refresher=uac"),
                               SIPTAG_REQUIRE_STR("timer"),
                               SIPTAG_ALLOW_STR(ALLOW_WITH_UPDATE), TAG_END());
  struct nst_recorded_event *e = expect_nst_event(nst_ev_negotiated);
  ck_assert_int_eq(e->info.ni_refresher, nst_refresher_local);
  ck_assert_int_eq(e->info.ni_method, nst_method_update);
  free(e);
  s2_flush_events();

  advance(59);
  ck_assert_msg(!(peer_has_request()), "refresh before half the interval");
  advance(1);
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert_msg(update != NULL, "no UPDATE refresh at 60 s");
  /* Section 7.4: we send it, so we are its uac and the refresher. */
  check_se(update, 120, "uac");
  ck_assert(update->sip->sip_min_se != NULL);
  ck_assert(has_timer(update->sip->sip_supported));
  ck_assert_msg(!(update->sip->sip_payload && update->sip->sip_payload->pl_len),
          "refresh UPDATE carries SDP");
  s2_sip_respond_to(update, dialog, SIP_200_OK,
                    SIPTAG_SESSION_EXPIRES_STR("120;refresher=uac"),
                    SIPTAG_REQUIRE_STR("timer"), TAG_END());
  s2_sip_free_message(update);
  settle();
  free(expect_nst_event(nst_ev_refresh_sent));
  free(expect_nst_event(nst_ev_refresh_answered));
  /* The refresh is invisible to the application's call state. */
  ck_assert_msg(!(app_saw(nua_r_update)), "application saw our refresh's response");
  ck_assert_msg(!(app_saw(nua_i_state)), "application saw our refresh's call states");

  /* The 2xx re-armed the timers: the next refresh is 60 s later. */
  advance(59);
  ck_assert_msg(!(peer_has_request()), "second refresh too early");
  advance(1);
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert_msg(update != NULL, "no second refresh");
  s2_sip_respond_to(update, dialog, SIP_200_OK,
                    SIPTAG_SESSION_EXPIRES_STR("120;refresher=uac"),
                    SIPTAG_REQUIRE_STR("timer"), TAG_END());
  s2_sip_free_message(update);
  settle();

  bye_from_peer();
  nua_handle_destroy(nh);
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

  advance(44);
  ck_assert_msg(!(peer_has_request()), "refresh before half the interval");
  advance(1);
  invite = s2_sip_wait_for_request(SIP_METHOD_INVITE);
  ck_assert_msg(invite != NULL, "no re-INVITE refresh at 45 s");
  check_se(invite, 90, "uac");
  ck_assert_msg(invite->sip->sip_payload != NULL, "re-INVITE refresh without SDP");
  peer_respond(invite, SIP_200_OK,
               SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
               SIPTAG_REQUIRE_STR("timer"), TAG_END());
  s2_sip_free_message(invite);
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  settle();
  free(expect_nst_event(nst_ev_refresh_answered));
  ck_assert_msg(!(app_saw(nua_r_invite)), "application saw our refresh's response");
  ck_assert_msg(!(app_saw(nua_i_state)), "application saw our refresh's call states");

  /* Re-armed: no BYE at 60 s after the call started (the refresher gives up
   * only at the full interval after its last successful refresh). */
  advance(44);
  ck_assert_msg(!(peer_has_request()), "request before the next refresh is due");

  bye_from_peer();
  nua_handle_destroy(nh);
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
  advance(59);
  ck_assert_msg(!(peer_has_request()), "BYE or refresh before 60 s");
  advance(1);
  expect_expiry_bye();
  nua_handle_destroy(nh);
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

  advance(45);
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
  advance(59);
  ck_assert_msg(!(peer_has_request()), "BYE although the peer refreshed");
  advance(1);
  expect_expiry_bye();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(rfc4028_10_uas_refresher_refreshes_by_update_with_flipped_label)
{
  nua_handle_t *nh = peer_calls(SIPTAG_SUPPORTED_STR("timer"),
                                SIPTAG_SESSION_EXPIRES_STR("120;refresher=uas"),
                                SIPTAG_ALLOW_STR(ALLOW_WITH_UPDATE),
                                TAG_END());
  struct message *ok = answer_call(nh, TAG_END()), *update;

  /* Section 9: we prefer 90 (the fixture) and may reduce the offer. */
  check_se(ok, 90, "uas");
  s2_sip_free_message(ok);
  s2_flush_events();

  advance(44);
  ck_assert_msg(!(peer_has_request()), "refresh before half the interval");
  advance(1);
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert_msg(update != NULL, "callee sent no UPDATE refresh");
  /* We were the uas of the INVITE and refresh; in our UPDATE we are the uac. */
  check_se(update, 90, "uac");
  s2_sip_respond_to(update, dialog, SIP_200_OK,
                    SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
                    SIPTAG_REQUIRE_STR("timer"), TAG_END());
  s2_sip_free_message(update);
  settle();
  free(expect_nst_event(nst_ev_refresh_answered));
  ck_assert_msg(!(app_saw(nua_i_state)), "application saw our refresh's call states");

  bye_from_peer();
  nua_handle_destroy(nh);
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

  advance(45);
  invite = s2_sip_wait_for_request(SIP_METHOD_INVITE);
  ck_assert_msg(invite != NULL, "callee sent no re-INVITE refresh");
  check_se(invite, 90, "uac");
  peer_respond(invite, SIP_200_OK,
               SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
               SIPTAG_REQUIRE_STR("timer"), TAG_END());
  s2_sip_free_message(invite);
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  settle();
  free(expect_nst_event(nst_ev_refresh_answered));
  ck_assert_msg(!(app_saw(nua_i_state)), "application saw our refresh's call states");

  bye_from_peer();
  nua_handle_destroy(nh);
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

  advance(45);
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
  ck_assert(!(s2_sip_request_to(dialog, SIP_METHOD_ACK, NULL, TAG_END())));
  settle();
  free(expect_nst_event(nst_ev_refresh_received));
  /* The application hears of the re-INVITE (its callback gets status 200,
   * as if nua had auto-answered it; a saved event keeps nua's 100). */
  ck_assert(s2_check_event(nua_i_invite, 0));
  s2_flush_events();      /* and its completed/ready states */

  /* Re-armed at 45 s: BYE at 105 s. */
  advance(59);
  ck_assert_msg(!(peer_has_request()), "BYE although the peer refreshed");
  advance(1);
  expect_expiry_bye();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(rfc4028_10_uas_non_refresher_sends_bye_at_interval_minus_third)
{
  nua_handle_t *nh = peer_calls(SIPTAG_SUPPORTED_STR("timer"),
                                SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
                                TAG_END());
  struct message *ok = answer_call(nh, TAG_END());

  s2_sip_free_message(ok);
  s2_flush_events();

  advance(59);
  ck_assert_msg(!(peer_has_request()), "BYE before 60 s");
  advance(1);
  expect_expiry_bye();
  {
    nst_stats_t st;
    nst_get_stats(s2_nst, &st);
    ck_assert_uint_eq(st.ns_expiries, 1);
    ck_assert_uint_eq(st.ns_refreshes_sent, 0);
  }
  nua_handle_destroy(nh);
}
END_TEST

/* ====================================================================== */
/* nua's own engine stays dormant */

START_TEST(nua_engine_dormant_no_headers_nst_did_not_decide)
{
  /* Timers off in nst: whatever the caller offers, the 2xx carries no
   * Session-Expires, Min-SE or Require: timer, and nobody refreshes or
   * BYEs, however long the call lasts. */
  nua_handle_t *nh = peer_calls(SIPTAG_SUPPORTED_STR("timer"),
                                SIPTAG_SESSION_EXPIRES_STR("300;refresher=uas"),
                                SIPTAG_MIN_SE_STR("90"),
                                TAG_END());
  struct message *ok = answer_call(nh, NSTTAG_ENABLED(0), TAG_END());

  ck_assert_msg(!(se_of(ok) != NULL), "Session-Expires that nst did not decide");
  ck_assert_msg(!(ok->sip->sip_min_se != NULL), "Min-SE that nst did not decide");
  ck_assert_int_eq(require_timer_count(ok), 0);
  s2_sip_free_message(ok);

  advance(1000);
  ck_assert_msg(!(peer_has_request()), "refresh or BYE from nua's own engine");

  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(nua_engine_dormant_single_refresher_single_bye)
{
  /* nst is the non-refresher; nua's engine, if awake, would refresh with
   * re-INVITE at about 150 s and send its own BYE at 270 s. Only nst's BYE
   * at 300 - 32 = 268 s may come, and nothing before it. */
  nua_handle_t *nh = peer_calls(SIPTAG_SUPPORTED_STR("timer"),
                                SIPTAG_SESSION_EXPIRES_STR("300;refresher=uac"),
                                SIPTAG_REQUIRE_STR("timer"),
                                TAG_END());
  struct message *ok = answer_call(nh, TAG_END());
  struct message *m;
  int n;

  check_se(ok, 300, "uac");
  ck_assert_int_eq(require_timer_count(ok), 1);   /* exactly one */
  s2_sip_free_message(ok);

  advance(267);
  ck_assert_msg(!(peer_has_request()), "request before nst's expiry");
  advance(1);
  expect_expiry_bye();
  advance(100);
  for (n = 0, m = s2sip->received; m; m = m->next)
    n += m->sip->sip_request != NULL;
  ck_assert_int_eq(n, 0);
  nua_handle_destroy(nh);
}
END_TEST

/* ====================================================================== */
/* Timers end with the call */

START_TEST(timers_cancelled_when_call_ends)
{
  nua_handle_t *nh = call_peer(NULL,
                               SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
                               SIPTAG_REQUIRE_STR("timer"),
                               SIPTAG_ALLOW_STR(ALLOW_WITH_UPDATE), TAG_END());

  bye_from_peer();
  ck_assert_int_eq(nst_next_timer_ms(s2_nst, nh), -1);
  advance(200);
  ck_assert_msg(!(peer_has_request()), "a timer fired after the call ended");
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(timers_cancelled_when_module_destroyed)
{
  nua_handle_t *nh = call_peer(NULL,
                               SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
                               SIPTAG_REQUIRE_STR("timer"),
                               SIPTAG_ALLOW_STR(ALLOW_WITH_UPDATE), TAG_END());
  ck_assert_int_gt(nst_next_timer_ms(s2_nst, nh), 0);
  nua_handle_destroy(nh);
  /* teardown shuts nua down and destroys the module with the call's
   * timers armed; nothing may fire afterwards (valgrind/ASan watch). */
}
END_TEST

/* ====================================================================== */


void rfc4028_cases(Suite *s);
void hostile_cases(Suite *s);
void app_cases(Suite *s);

static Suite *nst_suite(void)
{
  Suite *s = suite_create("nst on nua (s2 harness)");
  TCase *tc;

  tc = nst_tcase("7 UAC", setup);
  tcase_add_test(tc, rfc4028_7_1_invite_has_supported_se_and_min_se);
  tcase_add_test(tc, rfc4028_7_1_per_call_tags_override_defaults);
  tcase_add_test(tc, rfc4028_7_2_2xx_sets_interval_and_refresher);
  tcase_add_test(tc, rfc4028_7_2_2xx_without_se_runs_no_timer);
  suite_add_tcase(s, tc);

  tc = nst_tcase("9 UAS", setup);
  tcase_add_test(tc, rfc4028_9_uas_answers_se_refresher_uac_and_require);
  tcase_add_test(tc, rfc4028_9_uas_honours_refresher_uas_without_require);
  tcase_add_test(tc, rfc4028_9_uas_rejects_too_small_interval_with_422);
  suite_add_tcase(s, tc);

  tc = nst_tcase("10 refresh and expiry", setup_90);
  tcase_add_test(tc, rfc4028_10_uac_refreshes_by_update_at_half_interval);
  tcase_add_test(tc, rfc4028_10_uac_refreshes_by_reinvite_without_allow_update);
  tcase_add_test(tc, rfc4028_10_uac_non_refresher_sends_bye_on_silence);
  tcase_add_test(tc, rfc4028_10_uac_peer_update_refresh_is_answered_and_rearms);
  tcase_add_test(tc, rfc4028_10_uas_refresher_refreshes_by_update_with_flipped_label);
  tcase_add_test(tc, rfc4028_10_uas_refresher_refreshes_by_reinvite);
  tcase_add_test(tc, rfc4028_10_uas_answers_reinvite_refresh_and_rearms);
  tcase_add_test(tc, rfc4028_10_uas_non_refresher_sends_bye_at_interval_minus_third);
  suite_add_tcase(s, tc);

  tc = nst_tcase("nua engine dormant", setup);
  tcase_add_test(tc, nua_engine_dormant_no_headers_nst_did_not_decide);
  tcase_add_test(tc, nua_engine_dormant_single_refresher_single_bye);
  suite_add_tcase(s, tc);

  tc = nst_tcase("lifetime", setup);
  tcase_add_test(tc, timers_cancelled_when_call_ends);
  tcase_add_test(tc, timers_cancelled_when_module_destroyed);
  suite_add_tcase(s, tc);

  rfc4028_cases(s);
  hostile_cases(s);
  app_cases(s);
  return s;
}

int main(int argc, char *argv[])
{
  SRunner *sr;
  int failed, i;

  s2_tester = "check_nst";
  s2_suite("NST");
  if (getenv("CHECK_NST_VERBOSE"))
    s2_start_stop = 1;
  for (i = 1; i < argc; i++)
    s2_select_tests(argv[i]);

  sr = srunner_create(nst_suite());
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
