/* SPDX-License-Identifier: LGPL-2.1-or-later */
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
  /* Require: timer on requests breaks some peers (doc/pitfalls.md 7). */
  ck_assert_int_eq(require_timer_count(invite), 0);
  /* The peer's in-dialog requests (its refreshes, BYE) go to it. */
  ck_assert_msg(invite->sip->sip_contact != NULL, "INVITE without Contact");
  s2_sip_free_message(invite);

  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(rfc4028_7_1_per_call_tags_override_defaults)
{
  nua_handle_t *nh = nua_handle(nua, NULL, SIPTAG_TO(s2sip->aor), TAG_END());
  struct message *invite;

  nst_invite(s2_nst, nh, SOATAG_USER_SDP_STR(NUA_SDP), SIPTAG_CONTACT(nua_contact()),
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
  ck_assert_transition("new --app_invite--> calling");
  ck_assert_transition("calling --2xx--> session");
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
  ck_assert_transition("new --peer_invite--> offered");
  ck_assert_transition("offered --app_2xx--> session");
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
  ck_assert_transition("new --peer_refused--> refused");
  ck_assert_transition("refused --terminated--> gone");
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
void refresh_cases(Suite *s);   /* check_refresh.c, also on glib */
void app_cases(Suite *s);
void plain_nua_cases(Suite *s);   /* check_plain_nua.c */

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

  refresh_cases(s);

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
  plain_nua_cases(s);
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
