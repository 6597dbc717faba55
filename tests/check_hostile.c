/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bad and hostile timer input, one test per row of doc/hostile-input.md:
 * every outcome is an RFC-conformant response or a clear event to the
 * application, and every call keeps a defined timer state.
 */
#include "config.h"

#undef NDEBUG

#include "s2_helpers.h"

#include <stdlib.h>
#include <string.h>

/* The peer calls with @a tags; nst's application answers 200 if nst lets
 * the INVITE through. Returns the final response the peer got (caller
 * frees); *nh_out is the handle, or NULL if nst answered 422 itself. */
static struct message *incoming(nua_handle_t **nh_out, tag_type_t tag, tag_value_t value, ...)
{
  struct message *r;
  struct event *invite;
  ta_list ta;

  ta_start(ta, tag, value);
  peer_request(SIP_METHOD_INVITE, 1, ta_tags(ta));
  (void)ta_end(ta);

  for (;;) {
    settle();
    for (r = s2sip->received; r; r = r->next)
      if (r->sip->sip_status && r->sip->sip_status->st_status >= 300 &&
          r->sip->sip_cseq->cs_method == sip_method_invite)
        break;
    if (r) {                           /* rejected before the application */
      *nh_out = NULL;
      return s2_sip_remove_message(r);
    }
    if (s2->events)
      break;
  }
  invite = s2_wait_for_event(nua_i_invite, 100);
  *nh_out = invite->nh;
  s2_free_event(invite);
  ck_assert(s2_check_callstate(nua_callstate_received));
  ck_assert(s2_sip_check_response(100, SIP_METHOD_INVITE));
  return answer_call(*nh_out, TAG_END());
}

/* A 2xx we sent must be self-consistent: Session-Expires with a refresher,
 * Require: timer exactly when it is uac, and an interval of at least 90. */
static void check_consistent_2xx(struct message *ok)
{
  sip_session_expires_t const *x = se_of(ok);

  ck_assert_msg(x != NULL, "2xx without Session-Expires");
  ck_assert_uint_ge(x->x_delta, 90);
  ck_assert(x->x_refresher != NULL);
  ck_assert(su_casematch(x->x_refresher, "uac") || su_casematch(x->x_refresher, "uas"));
  ck_assert_int_eq(require_timer_count(ok), su_casematch(x->x_refresher, "uac"));
}

static void uas_row(char const *se, char const *min_se, int expect_status,
                    unsigned long expect_interval, char const *expect_min_se)
{
  nua_handle_t *nh;
  struct message *r = incoming(&nh, SIPTAG_SUPPORTED_STR("timer"),
                               TAG_IF(se, SIPTAG_UNKNOWN_STR(se)),
                               TAG_IF(min_se, SIPTAG_UNKNOWN_STR(min_se)),
                               TAG_END());

  ck_assert_int_eq(r->sip->sip_status->st_status, expect_status);
  if (expect_status == 400) {
    ck_assert(nh == NULL);
  }
  else if (expect_status == 422) {
    ck_assert(r->sip->sip_min_se != NULL);
    ck_assert_uint_eq(r->sip->sip_min_se->min_delta, strtoul(expect_min_se, NULL, 10));
    ck_assert(nh == NULL);
  }
  else {
    check_consistent_2xx(r);
    ck_assert_uint_eq(se_of(r)->x_delta, expect_interval);
    ck_assert_int_gt(nst_next_timer_ms(s2_nst, nh), 0);
  }
  s2_sip_free_message(r);
  if (nh) {
    bye_from_peer();
    nua_handle_destroy(nh);
  }
}

START_TEST(hostile_se_not_a_number_gets_400_from_the_stack)
{
  /* Sofia's parser cannot parse it; nua answers 400 Bad Request before
   * nst or the application sees the INVITE (RFC 3261 8.2.3). */
  uas_row("Session-Expires: abc", NULL, 400, 0, NULL);
}
END_TEST

START_TEST(hostile_se_zero_gets_422)
{
  uas_row("Session-Expires: 0", NULL, 422, 0, "90");
}
END_TEST

START_TEST(hostile_se_negative_gets_400_from_the_stack)
{
  uas_row("Session-Expires: -5", NULL, 400, 0, NULL);
}
END_TEST

START_TEST(hostile_se_2_to_32_is_reduced)
{
  uas_row("Session-Expires: 4294967296", NULL, 200, 1800, NULL);
}
END_TEST

START_TEST(hostile_se_beyond_64_bits_is_defined)
{
  /* Sofia's parser rejects the value or saturates it; either way the call
   * runs our interval. */
  uas_row("Session-Expires: 99999999999999999999999999", NULL, 200, 1800, NULL);
}
END_TEST

START_TEST(hostile_unknown_refresher_is_left_open)
{
  uas_row("Session-Expires: 600;refresher=both", NULL, 200, 600, NULL);
}
END_TEST

START_TEST(hostile_repeated_refresher_is_defined)
{
  uas_row("Session-Expires: 600;refresher=uac;refresher=uas", NULL, 200, 600, NULL);
}
END_TEST

START_TEST(hostile_min_se_not_a_number_gets_400_from_the_stack)
{
  uas_row("Session-Expires: 600", "Min-SE: abc", 400, 0, NULL);
}
END_TEST

START_TEST(hostile_min_se_zero_counts_as_90)
{
  uas_row("Session-Expires: 600", "Min-SE: 0", 200, 600, NULL);
}
END_TEST

START_TEST(hostile_min_se_above_se_gets_422)
{
  uas_row("Session-Expires: 100", "Min-SE: 200", 422, 0, "200");
}
END_TEST

START_TEST(hostile_min_se_2_to_32_gets_422_with_clamped_min_se)
{
  uas_row("Session-Expires: 1800", "Min-SE: 4294967296", 422, 0, "4294967295");
}
END_TEST

START_TEST(hostile_duplicate_session_expires_is_defined)
{
  nua_handle_t *nh;
  struct message *r = incoming(&nh, SIPTAG_SUPPORTED_STR("timer"),
                               SIPTAG_UNKNOWN_STR("Session-Expires: 1800"),
                               SIPTAG_UNKNOWN_STR("Session-Expires: 600"),
                               TAG_END());

  /* Either a 400 from the stack, or one of the two, consistently. */
  if (r->sip->sip_status->st_status == 200) {
    check_consistent_2xx(r);
    ck_assert(se_of(r)->x_delta == 1800 || se_of(r)->x_delta == 600);
  }
  else
    ck_assert_int_eq(r->sip->sip_status->st_status, 400);
  s2_sip_free_message(r);
  if (nh) {
    bye_from_peer();
    nua_handle_destroy(nh);
  }
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Bad 2xx to our INVITE */

static void uac_row(char const *se, unsigned expect_interval, nst_refresher_t expect_who)
{
  nua_handle_t *nh = call_peer(NULL, SIPTAG_UNKNOWN_STR(se), SIPTAG_REQUIRE_STR("timer"),
                               TAG_END());
  struct nst_recorded_event *e = expect_nst_event(nst_ev_negotiated);

  ck_assert_uint_eq(e->info.ni_interval, expect_interval);
  ck_assert_int_eq(e->info.ni_refresher, expect_who);
  if (expect_interval)
    ck_assert_int_gt(nst_next_timer_ms(s2_nst, nh), 0);
  else
    ck_assert_int_eq(nst_next_timer_ms(s2_nst, nh), -1);
  free(e);
  bye_from_peer();
  nua_handle_destroy(nh);
}

START_TEST(hostile_2xx_se_not_a_number_ends_call_cleanly)
{
  nua_handle_t *nh = nua_handle(nua, NULL, SIPTAG_TO(s2sip->aor), TAG_END());
  struct message *invite;

  invite = nst_sends_invite(nh, TAG_END());
  peer_respond(invite, SIP_200_OK, SIPTAG_UNKNOWN_STR("Session-Expires: abc;refresher=uas"),
               SIPTAG_REQUIRE_STR("timer"), TAG_END());
  s2_sip_free_message(invite);
  /* Sofia's parser rejects the 2xx as malformed, the stack drops it: the
   * INVITE times out (Timer B, 32 s) and the call ends cleanly. */
  advance(40);
  ck_assert(s2_check_event(nua_r_invite, 408));
  ck_assert(s2_check_callstate(nua_callstate_terminated));
  ck_assert_int_eq(nst_next_timer_ms(s2_nst, nh), -1);
  s2_sip_flush_messages();      /* the INVITE's retransmissions */
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(hostile_2xx_se_below_90_runs_90)
{
  uac_row("Session-Expires: 30;refresher=uas", 90, nst_refresher_remote);
}
END_TEST

START_TEST(hostile_2xx_se_2_to_32_runs_a_long_timer)
{
  /* 2^32 - 1 s: the expiry timer runs in slices but is armed. */
  uac_row("Session-Expires: 4294967296;refresher=uas", 4294967295u, nst_refresher_remote);
}
END_TEST

START_TEST(hostile_2xx_unknown_refresher_means_we_refresh)
{
  uac_row("Session-Expires: 600;refresher=nobody", 600, nst_refresher_local);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Requests out of place */

START_TEST(hostile_refresh_after_bye_gets_481)
{
  nua_handle_t *nh = call_peer(NULL, SIPTAG_SESSION_EXPIRES_STR("90;refresher=uas"),
                               SIPTAG_REQUIRE_STR("timer"), TAG_END());
  struct message *r;

  bye_from_peer();
  peer_request(SIP_METHOD_UPDATE, 0, SIPTAG_SUPPORTED_STR("timer"),
               SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"), TAG_END());
  r = s2_sip_wait_for_response(0, SIP_METHOD_UPDATE);
  ck_assert_int_eq(r->sip->sip_status->st_status, 481);
  s2_sip_free_message(r);
  advance(100);
  ck_assert_msg(!peer_has_request(), "a timer outlived the call");
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(hostile_refresh_in_call_nst_never_saw_is_answered)
{
  /* The application placed this call with plain nua_invite(): nst has no
   * call for it, answers the UPDATE without timer headers and arms nothing. */
  nua_handle_t *nh = nua_handle(nua, NULL, SIPTAG_TO(s2sip->aor), TAG_END());
  struct message *invite, *r;

  nua_invite(nh, SOATAG_USER_SDP_STR(NUA_SDP), SIPTAG_CONTACT(nua_contact()), TAG_END());
  ck_assert(s2_check_callstate(nua_callstate_calling));
  invite = s2_sip_wait_for_request(SIP_METHOD_INVITE);
  ck_assert_msg(se_of(invite) == NULL, "Session-Expires on a plain nua_invite()");
  peer_respond(invite, SIP_200_OK, SIPTAG_SESSION_EXPIRES_STR("90;refresher=uas"),
               SIPTAG_REQUIRE_STR("timer"), TAG_END());
  s2_sip_free_message(invite);
  ck_assert(s2_check_event(nua_r_invite, 200));
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  s2_flush_events();

  peer_request(SIP_METHOD_UPDATE, 0, SIPTAG_SUPPORTED_STR("timer"),
               SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"), TAG_END());
  r = s2_sip_wait_for_response(0, SIP_METHOD_UPDATE);
  ck_assert_int_eq(r->sip->sip_status->st_status, 200);
  s2_sip_free_message(r);
  peer_request(SIP_METHOD_INVITE, 1, SIPTAG_SUPPORTED_STR("timer"),
               SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"), TAG_END());
  r = s2_sip_wait_for_response(200, SIP_METHOD_INVITE);
  peer_take_answer(r);
  s2_sip_free_message(r);
  ck_assert(!s2_sip_request_to(dialog, SIP_METHOD_ACK, NULL, TAG_END()));
  settle();
  s2_flush_events();
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Lifecycle */

START_TEST(lifecycle_handle_destroyed_while_refresh_in_flight)
{
  nua_handle_t *nh = call_peer(NULL, SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
                               SIPTAG_ALLOW_STR(ALLOW_WITH_UPDATE), TAG_END());
  struct message *update, *m;

  advance(45);
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  nst_handle_destroy(s2_nst, nh);      /* the refresh is unanswered */
  s2_sip_respond_to(update, dialog, SIP_200_OK, TAG_END());
  s2_sip_free_message(update);
  /* Whatever nua does with the destroyed handle (a BYE, or nothing), no
   * refresh or expiry of nst's may follow, however long we wait. */
  advance(5);
  while ((m = s2sip->received)) {       /* retransmissions, a BYE */
    if (m->sip->sip_request && m->sip->sip_request->rq_method == sip_method_bye)
      s2_sip_respond_to(m, NULL, SIP_200_OK, TAG_END());
    s2_sip_free_message(m);
  }
  advance(200);
  ck_assert_msg(!peer_has_request_of(sip_method_update) &&
                !peer_has_request_of(sip_method_invite),
                "a timer of a destroyed handle fired");
  ck_assert_transition("refreshing --destroyed--> gone");
}
END_TEST

static void destroyed_from_callback(nst_event_t event, char const *se)
{
  nua_handle_t *nh;
  struct message *m;

  nh = call_peer(NULL, SIPTAG_SESSION_EXPIRES_STR(se),
                 SIPTAG_ALLOW_STR(ALLOW_WITH_UPDATE), TAG_END());
  s2_nst_destroy_on_event = event;
  advance(45);
  if (event == nst_ev_refresh_failed) {
    m = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
    s2_sip_respond_to(m, dialog, SIP_503_SERVICE_UNAVAILABLE, TAG_END());
    s2_sip_free_message(m);
  }
  advance(60);
  /* nst neither touched the freed call nor acted for it afterwards
   * (ASan/valgrind watch the first part). */
  ck_assert_int_eq(nst_next_timer_ms(s2_nst, nh), -1);
  while ((m = s2sip->received)) {
    if (m->sip->sip_request && m->sip->sip_request->rq_method == sip_method_bye)
      s2_sip_respond_to(m, NULL, SIP_200_OK, TAG_END());
    s2_sip_free_message(m);
  }
  advance(200);
  ck_assert_msg(!peer_has_request_of(sip_method_update), "refresh of a destroyed call");
}

START_TEST(lifecycle_handle_destroyed_from_expiry_callback)
{
  destroyed_from_callback(nst_ev_expired, "90;refresher=uas");
}
END_TEST

START_TEST(lifecycle_handle_destroyed_from_refresh_failed_callback)
{
  destroyed_from_callback(nst_ev_refresh_failed, "90;refresher=uac");
}
END_TEST

START_TEST(lifecycle_shutdown_with_many_timed_calls)
{
  enum { N = 8 };
  nua_handle_t *nh[N];
  struct dialog *dialogs[N], *fixture_dialog = dialog;
  int i;

  for (i = 0; i < N; i++) {
    dialog = dialogs[i] = su_home_new(sizeof *dialog);
    nh[i] = call_peer(NULL, SIPTAG_SESSION_EXPIRES_STR(i % 2 ? "90;refresher=uac"
                                                             : "90;refresher=uas"),
                      SIPTAG_REQUIRE_STR("timer"), TAG_END());
  }
  dialog = fixture_dialog;
  s2_flush_events();
  advance(10);
  for (i = 0; i < N; i++)
    ck_assert_int_gt(nst_next_timer_ms(s2_nst, nh[i]), 0);

  /* nua shuts down with N armed calls: it BYEs them, and nst drops every
   * timer on nua_r_shutdown, before nua_destroy() (valgrind/ASan watch). */
  s2_register_teardown();        /* nua_shutdown() would wait for it */
  nua_shutdown(nua);
  for (i = 0; i < N; i++) {
    struct message *bye = s2_sip_wait_for_request(SIP_METHOD_BYE);
    s2_sip_respond_to(bye, NULL, SIP_200_OK, TAG_END());
    s2_sip_free_message(bye);
  }
  s2_sip_flush_messages();
  ck_assert(s2_check_event(nua_r_shutdown, 200));
  s2->shutdown = 1;
  for (i = 0; i < N; i++) {
    ck_assert_int_eq(nst_next_timer_ms(s2_nst, nh[i]), -1);
    su_home_unref(dialogs[i]->home);
  }
}
END_TEST

void hostile_cases(Suite *s)
{
  TCase *tc = nst_tcase("hostile input", setup);

  tcase_add_test(tc, hostile_se_not_a_number_gets_400_from_the_stack);
  tcase_add_test(tc, hostile_se_zero_gets_422);
  tcase_add_test(tc, hostile_se_negative_gets_400_from_the_stack);
  tcase_add_test(tc, hostile_se_2_to_32_is_reduced);
  tcase_add_test(tc, hostile_se_beyond_64_bits_is_defined);
  tcase_add_test(tc, hostile_unknown_refresher_is_left_open);
  tcase_add_test(tc, hostile_repeated_refresher_is_defined);
  tcase_add_test(tc, hostile_min_se_not_a_number_gets_400_from_the_stack);
  tcase_add_test(tc, hostile_min_se_zero_counts_as_90);
  tcase_add_test(tc, hostile_min_se_above_se_gets_422);
  tcase_add_test(tc, hostile_min_se_2_to_32_gets_422_with_clamped_min_se);
  tcase_add_test(tc, hostile_duplicate_session_expires_is_defined);
  tcase_add_test(tc, hostile_2xx_se_not_a_number_ends_call_cleanly);
  tcase_add_test(tc, hostile_2xx_se_below_90_runs_90);
  tcase_add_test(tc, hostile_2xx_se_2_to_32_runs_a_long_timer);
  tcase_add_test(tc, hostile_2xx_unknown_refresher_means_we_refresh);
  tcase_add_test(tc, hostile_refresh_after_bye_gets_481);
  tcase_add_test(tc, hostile_refresh_in_call_nst_never_saw_is_answered);
  suite_add_tcase(s, tc);

  tc = nst_tcase("lifecycle", setup);
  tcase_add_test(tc, lifecycle_handle_destroyed_while_refresh_in_flight);
  tcase_add_test(tc, lifecycle_shutdown_with_many_timed_calls);
  tcase_add_test(tc, lifecycle_handle_destroyed_from_expiry_callback);
  tcase_add_test(tc, lifecycle_handle_destroyed_from_refresh_failed_callback);
  suite_add_tcase(s, tc);
}
