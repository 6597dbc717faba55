/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * RFC 4028 in full, on a real nua against the s2 peer: negotiation corner
 * cases, 422 in both roles, refresh failures, exact timing.
 */
#include "config.h"

#undef NDEBUG

#include "s2_helpers.h"

#include <stdlib.h>
#include <string.h>

/* ====================================================================== */
/* 7.3 - 422 to our INVITE */

/* After a 422 the very next INVITE on the wire is the retry: nua must not
 * resend the request unchanged on its own first (nua-differences.md, "one
 * engine"). Takes the ACK of the 422 and returns that next INVITE. */
static struct message *next_invite_after_422(void)
{
  struct message *next;

  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  next = s2_sip_wait_for_request(SIP_METHOD_INVITE);
  ck_assert_msg(next != NULL, "no INVITE after 422");
  return next;
}

/* Section 7.3 with RFC 3261 8.1.3.5: the retry has the same Call-ID and
 * From address, a new From tag (erratum 1681), the next CSeq. */
static void check_retry_of(struct message *retry, struct message *invite)
{
  ck_assert_str_eq(retry->sip->sip_call_id->i_id, invite->sip->sip_call_id->i_id);
  ck_assert(url_cmp(retry->sip->sip_from->a_url, invite->sip->sip_from->a_url) == 0);
  ck_assert(retry->sip->sip_from->a_tag != NULL);
  ck_assert_str_ne(retry->sip->sip_from->a_tag, invite->sip->sip_from->a_tag);
  ck_assert_uint_eq(retry->sip->sip_cseq->cs_seq, invite->sip->sip_cseq->cs_seq + 1);
}

START_TEST(rfc4028_7_3_uac_retries_after_422_with_raised_values_same_dialog)
{
  nua_handle_t *nh = nua_handle(nua, NULL, SIPTAG_TO(s2sip->aor), TAG_END());
  struct message *invite, *retry;

  invite = nst_sends_invite(nh, TAG_END());
  check_se(invite, 1800, NULL);
  s2_sip_respond_to(invite, NULL, 422, "Session Interval Too Small",
                    SIPTAG_MIN_SE_STR("2000"), TAG_END());

  /* One 422, two INVITEs on the wire: the second is the raised one. */
  retry = next_invite_after_422();
  check_se(retry, 2000, NULL);
  ck_assert(retry->sip->sip_min_se != NULL);
  ck_assert_uint_eq(retry->sip->sip_min_se->min_delta, 2000);
  ck_assert_msg(retry->sip->sip_contact != NULL, "INVITE after 422 without Contact");
  ck_assert_msg(has_timer(retry->sip->sip_supported), "retry without Supported: timer");
  check_retry_of(retry, invite);
  s2_sip_free_message(invite);

  peer_respond(retry, SIP_200_OK, SIPTAG_SESSION_EXPIRES_STR("2000;refresher=uac"),
               SIPTAG_REQUIRE_STR("timer"), TAG_END());
  s2_sip_free_message(retry);
  ck_assert(s2_check_event(nua_r_invite, 200));
  ck_assert(s2_check_callstate(nua_callstate_ready));
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  settle();
  ck_assert_msg(!peer_has_request_of(sip_method_invite), "a third INVITE");
  {
    nst_stats_t st;
    ck_assert_int_eq(nst_get_stats(s2_nst, &st), 0);
    ck_assert_uint_eq(st.ns_422_received, 1);
  }
  /* The application saw one call: calling, then ready; no 422, no end. */
  ck_assert_msg(!app_saw(nua_r_invite), "application saw the 422");
  ck_assert_msg(!app_saw(nua_i_state), "application saw extra call states");

  bye_from_peer();
  nua_handle_destroy(nh);
  ck_assert_transition("calling --422--> recalling");
  ck_assert_transition("recalling --recall--> calling");
  ck_assert_transition("calling --2xx--> session");
}
END_TEST


/* nst calls; the peer answers the INVITE with @a status (+ @a tags).
 * Returns the handle and the INVITE (caller frees). */
static nua_handle_t *invite_answered(struct message **invite_out, int status,
                                     char const *phrase,
                                     tag_type_t tag, tag_value_t value, ...)
{
  nua_handle_t *nh = nua_handle(nua, NULL, SIPTAG_TO(s2sip->aor), TAG_END());
  struct message *invite;
  ta_list ta;

  invite = nst_sends_invite(nh, TAG_END());
  ta_start(ta, tag, value);
  s2_sip_respond_to(invite, NULL, status, phrase, ta_tags(ta));
  (void)ta_end(ta);
  *invite_out = invite;
  return nh;
}

/* A 422 nst cannot act on ends the call at once: one INVITE on the wire,
 * the application gets the 422 (nua's resend used to come first). */
static void check_422_ends_the_call(void)
{
  ck_assert(s2_check_event(nua_r_invite, 422));
  ck_assert(s2_check_callstate(nua_callstate_terminated));
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  settle();
  ck_assert_msg(!peer_has_request(), "INVITE sent again after a 422 it cannot meet");
}

START_TEST(rfc4028_7_3_uac_gives_up_when_422_min_se_is_not_larger)
{
  struct message *invite;
  nua_handle_t *nh = invite_answered(&invite, 422, "Session Interval Too Small",
                                     SIPTAG_MIN_SE_STR("1800"), TAG_END());
  s2_sip_free_message(invite);
  /* Offered 1800, told at least 1800: a retry would get 422 again. */
  check_422_ends_the_call();
  nua_handle_destroy(nh);
  ck_assert_transition("calling --terminated--> gone");
}
END_TEST

START_TEST(rfc4028_7_3_uac_gives_up_on_422_without_min_se)
{
  struct message *invite;
  nua_handle_t *nh = invite_answered(&invite, 422, "Session Interval Too Small",
                                     TAG_END());
  s2_sip_free_message(invite);
  check_422_ends_the_call();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(rfc4028_7_3_uac_422_storm_is_bounded)
{
  struct message *invite;
  nua_handle_t *nh = invite_answered(&invite, 422, "Session Interval Too Small",
                                     SIPTAG_MIN_SE_STR("2000"), TAG_END());
  char const *raise[] = { "2000", "3000", "4000" };
  int i;

  /* Each INVITE after a 422 carries that 422's Min-SE. */
  for (i = 0; i < 2; i++) {
    struct message *retry = next_invite_after_422();
    ck_assert_uint_eq(se_of(retry)->x_delta, strtoul(raise[i], NULL, 10));
    check_retry_of(retry, invite);
    s2_sip_free_message(invite);
    invite = retry;
    s2_sip_respond_to(invite, NULL, 422, "Session Interval Too Small",
                      SIPTAG_MIN_SE_STR(raise[i + 1]), TAG_END());
  }
  s2_sip_free_message(invite);
  /* Two retries, then a clear end: the application gets the last 422. */
  check_422_ends_the_call();
  advance(5);
  ck_assert_msg(!peer_has_request(), "a third retry");
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(rfc4028_7_3_422_after_407_keeps_credentials)
{
  struct message *invite, *retry;
  nua_handle_t *nh = invite_answered(&invite, SIP_407_PROXY_AUTH_REQUIRED,
                                     SIPTAG_PROXY_AUTHENTICATE_STR(s2_auth_digest_str),
                                     TAG_END());
  s2_sip_free_message(invite);
  ck_assert(s2_check_event(nua_r_invite, 407));
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));

  nua_authenticate(nh, NUTAG_AUTH(s2_auth_credentials), TAG_END());
  invite = s2_sip_wait_for_request(SIP_METHOD_INVITE);
  ck_assert(invite->sip->sip_proxy_authorization != NULL);
  s2_sip_respond_to(invite, NULL, 422, "Session Interval Too Small",
                    SIPTAG_MIN_SE_STR("2000"), TAG_END());

  retry = next_invite_after_422();
  check_se(retry, 2000, NULL);
  ck_assert_msg(retry->sip->sip_proxy_authorization != NULL,
                "422 retry lost the credentials");
  ck_assert_str_eq(retry->sip->sip_call_id->i_id, invite->sip->sip_call_id->i_id);
  s2_sip_free_message(invite);
  peer_respond(retry, SIP_200_OK, SIPTAG_SESSION_EXPIRES_STR("2000;refresher=uac"),
               SIPTAG_REQUIRE_STR("timer"), TAG_END());
  s2_sip_free_message(retry);
  ck_assert(s2_check_event(nua_r_invite, 200));
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  /* The application saw what nua shows without nst: the authenticated
   * INVITE "calling", then the call up; nothing of the 422. */
  ck_assert(s2_check_callstate(nua_callstate_calling));
  ck_assert(s2_check_callstate(nua_callstate_ready));
  ck_assert_msg(!app_saw(nua_r_invite), "application saw the 422");
  settle();
  ck_assert_msg(!peer_has_request_of(sip_method_invite), "an INVITE after the 200");

  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

/* The peer (a proxy) challenges @a invite with 407; the application
 * answers as without nst. Returns the authorized INVITE. */
static struct message *invite_challenged_and_authorized(nua_handle_t *nh,
                                                        struct message *invite)
{
  struct message *authorized;

  s2_sip_respond_to(invite, NULL, SIP_407_PROXY_AUTH_REQUIRED,
                    SIPTAG_PROXY_AUTHENTICATE_STR(s2_auth_digest_str), TAG_END());
  ck_assert(s2_check_event(nua_r_invite, 407));
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  nua_authenticate(nh, NUTAG_AUTH(s2_auth_credentials), TAG_END());
  authorized = s2_sip_wait_for_request(SIP_METHOD_INVITE);
  ck_assert_msg(authorized != NULL, "no INVITE after nua_authenticate()");
  ck_assert(authorized->sip->sip_proxy_authorization != NULL);
  return authorized;
}

/* The peer answers the INVITE raised to 2000 s with 200: the session runs
 * with 2000 s, and the application is told. Frees @a invite. */
static void raised_invite_answered(struct message *invite)
{
  struct nst_recorded_event *e;

  peer_respond(invite, SIP_200_OK, SIPTAG_SESSION_EXPIRES_STR("2000;refresher=uac"),
               SIPTAG_REQUIRE_STR("timer"), TAG_END());
  s2_sip_free_message(invite);
  ck_assert(s2_check_event(nua_r_invite, 200));
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  e = expect_nst_event(nst_ev_negotiated);
  ck_assert_uint_eq(e->info.ni_interval, 2000);
  free(e);
}

START_TEST(rfc4028_7_3_407_after_422_is_answered_with_the_raised_values)
{
  struct message *invite, *retry, *authorized;
  nua_handle_t *nh = invite_answered(&invite, 422, "Session Interval Too Small",
                                     SIPTAG_MIN_SE_STR("2000"), TAG_END());

  retry = next_invite_after_422();
  check_se(retry, 2000, NULL);
  s2_sip_free_message(invite);
  authorized = invite_challenged_and_authorized(nh, retry);
  check_se(authorized, 2000, NULL);
  ck_assert_uint_eq(authorized->sip->sip_min_se->min_delta, 2000);
  ck_assert_str_eq(authorized->sip->sip_call_id->i_id, retry->sip->sip_call_id->i_id);
  s2_sip_free_message(retry);
  raised_invite_answered(authorized);
  ck_assert_msg(!app_saw(nua_i_terminated), "application saw the call end");
  settle();
  ck_assert_msg(!peer_has_request_of(sip_method_invite), "an INVITE after the 200");
  s2_flush_events();
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

/* 422, then 407 to the raised INVITE, then 422 again to the authorized
 * one: each INVITE on the wire carries the values the last 422 asked for,
 * with the credentials; three 422-free INVITEs would be nua's resend. */
START_TEST(rfc4028_7_3_422_407_422_each_invite_raised_and_authorized)
{
  struct message *invite, *retry, *authorized, *again;
  nua_handle_t *nh = invite_answered(&invite, 422, "Session Interval Too Small",
                                     SIPTAG_MIN_SE_STR("1900"), TAG_END());

  retry = next_invite_after_422();
  check_se(retry, 1900, NULL);
  s2_sip_free_message(invite);
  authorized = invite_challenged_and_authorized(nh, retry);
  check_se(authorized, 1900, NULL);
  s2_sip_free_message(retry);
  s2_sip_respond_to(authorized, NULL, 422, "Session Interval Too Small",
                    SIPTAG_MIN_SE_STR("2000"), TAG_END());

  again = next_invite_after_422();
  check_se(again, 2000, NULL);
  ck_assert_uint_eq(again->sip->sip_min_se->min_delta, 2000);
  ck_assert_msg(again->sip->sip_proxy_authorization != NULL,
                "second 422 retry lost the credentials");
  s2_sip_free_message(authorized);
  raised_invite_answered(again);
  settle();
  ck_assert_msg(!peer_has_request_of(sip_method_invite), "an INVITE after the 200");
  s2_flush_events();
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

/* nst is the refresher of a 90 s session, the peer allows UPDATE. */
static nua_handle_t *call_we_refresh(char const *allow)
{
  nua_handle_t *nh = call_peer(NULL, SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
                               SIPTAG_REQUIRE_STR("timer"),
                               SIPTAG_ALLOW_STR(allow), TAG_END());
  s2_flush_events();
  nst_flush_recorded_events();
  return nh;
}

static struct message *refresh_at_45(sip_method_t method, char const *name)
{
  struct message *m;
  advance(44);
  ck_assert_msg(!peer_has_request(), "refresh before 45 s");
  advance(1);
  m = s2_sip_wait_for_request(method, name);
  ck_assert_msg(m != NULL, "no %s refresh at 45 s", name);
  return m;
}

/* The peer answers our refresh, raised to 120 s after its 422, with 200:
 * re-armed with 120 s, the next refresh 60 s later. Ends the call. */
static void raised_refresh_answered(nua_handle_t *nh, struct message *again)
{
  int invite = again->sip->sip_request->rq_method == sip_method_invite;

  peer_respond(again, SIP_200_OK, SIPTAG_SESSION_EXPIRES_STR("120;refresher=uac"),
               SIPTAG_REQUIRE_STR("timer"), TAG_END());
  s2_sip_free_message(again);
  if (invite)
    ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  settle();
  free(expect_nst_event(nst_ev_refresh_answered));
  ck_assert_int_le(nst_next_timer_ms(s2_nst, nh), 60000);
  ck_assert_int_gt(nst_next_timer_ms(s2_nst, nh), 59900);
  bye_from_peer();
  nua_handle_destroy(nh);
}

START_TEST(rfc4028_7_4_422_to_refresh_raises_and_retries_in_dialog)
{
  nua_handle_t *nh = call_we_refresh(ALLOW_WITH_UPDATE);
  struct message *update = refresh_at_45(SIP_METHOD_UPDATE), *again;

  s2_sip_respond_to(update, dialog, 422, "Session Interval Too Small",
                    SIPTAG_MIN_SE_STR("120"), TAG_END());
  again = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  check_se(again, 120, "uac");
  ck_assert_uint_eq(again->sip->sip_min_se->min_delta, 120);
  ck_assert_str_eq(again->sip->sip_call_id->i_id, update->sip->sip_call_id->i_id);
  s2_sip_free_message(update);
  raised_refresh_answered(nh, again);
  ck_assert_transition("refreshing --refresh_422--> refreshing");
}
END_TEST

START_TEST(rfc4028_7_4_422_to_reinvite_refresh_the_next_reinvite_is_raised)
{
  nua_handle_t *nh = call_we_refresh(ALLOW_WITHOUT_UPDATE);
  struct message *reinvite = refresh_at_45(SIP_METHOD_INVITE), *again;

  s2_sip_respond_to(reinvite, dialog, 422, "Session Interval Too Small",
                    SIPTAG_MIN_SE_STR("120"), TAG_END());
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  /* nua would resend the re-INVITE unchanged first: the next one on the
   * wire must already carry the 422's Min-SE. */
  again = s2_sip_wait_for_request(SIP_METHOD_INVITE);
  ck_assert_msg(again != NULL, "no re-INVITE after 422");
  check_se(again, 120, "uac");
  ck_assert_uint_eq(again->sip->sip_min_se->min_delta, 120);
  ck_assert_uint_eq(again->sip->sip_cseq->cs_seq, reinvite->sip->sip_cseq->cs_seq + 1);
  s2_sip_free_message(reinvite);
  raised_refresh_answered(nh, again);
}
END_TEST

/* The application's own UPDATE (nst_update(), e.g. new SDP) in a call nst
 * refreshes; the peer answers 422 Min-SE 120: the next UPDATE on the wire
 * is the raised one (nua's engine would resend the first unchanged). */
static void app_update_422_raised(nua_handle_t *nh, struct message *update)
{
  struct message *again;

  s2_sip_respond_to(update, dialog, 422, "Session Interval Too Small",
                    SIPTAG_MIN_SE_STR("120"), TAG_END());
  again = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert_msg(again != NULL, "no UPDATE after 422");
  check_se(again, 120, "uac");
  ck_assert_uint_eq(again->sip->sip_min_se->min_delta, 120);
  ck_assert_uint_eq(again->sip->sip_cseq->cs_seq, update->sip->sip_cseq->cs_seq + 1);
  if (update->sip->sip_proxy_authorization)
    ck_assert_msg(again->sip->sip_proxy_authorization != NULL,
                  "422 retry lost the credentials");
  s2_sip_free_message(update);
  peer_respond(again, SIP_200_OK, SIPTAG_SESSION_EXPIRES_STR("120;refresher=uac"),
               SIPTAG_REQUIRE_STR("timer"), TAG_END());
  s2_sip_free_message(again);
  ck_assert(s2_check_event(nua_r_update, 200));
  settle();
  ck_assert_msg(!peer_has_request(), "a request after the raised UPDATE's 200");
  ck_assert_int_le(nst_next_timer_ms(s2_nst, nh), 60000);
  ck_assert_int_gt(nst_next_timer_ms(s2_nst, nh), 59900);
  s2_flush_events();
  bye_from_peer();
  nua_handle_destroy(nh);
}

START_TEST(rfc4028_7_4_422_to_application_update_next_update_is_raised)
{
  nua_handle_t *nh = call_we_refresh(ALLOW_WITH_UPDATE);
  struct message *update;

  advance(10);
  ck_assert_int_eq(nst_update(s2_nst, nh, TAG_END()), 0);
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert_msg(update != NULL, "no UPDATE");
  check_se(update, 90, "uac");
  app_update_422_raised(nh, update);
}
END_TEST

/* The same after a 407 to the UPDATE: nua sends it again with the
 * credentials, and its engine, once more in charge of a restarted UPDATE,
 * must still leave the 422 to nst. */
START_TEST(rfc4028_7_4_422_to_application_update_after_407_next_update_is_raised)
{
  nua_handle_t *nh = call_we_refresh(ALLOW_WITH_UPDATE);
  struct message *update;

  advance(10);
  ck_assert_int_eq(nst_update(s2_nst, nh, TAG_END()), 0);
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert_msg(update != NULL, "no UPDATE");
  s2_sip_respond_to(update, dialog, SIP_407_PROXY_AUTH_REQUIRED,
                    SIPTAG_PROXY_AUTHENTICATE_STR(s2_auth_digest_str), TAG_END());
  s2_sip_free_message(update);
  ck_assert(s2_check_event(nua_r_update, 407));
  nua_authenticate(nh, NUTAG_AUTH(s2_auth_credentials), TAG_END());
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert_msg(update != NULL, "no UPDATE after nua_authenticate()");
  ck_assert(update->sip->sip_proxy_authorization != NULL);
  check_se(update, 90, "uac");
  app_update_422_raised(nh, update);
}
END_TEST

/* ====================================================================== */
/* 9 - 422 from us, and requests that must not get one */

START_TEST(rfc4028_9_uas_rejects_small_in_dialog_refresh_with_422)
{
  nua_handle_t *nh = peer_calls(SIPTAG_SUPPORTED_STR("timer"),
                                SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
                                TAG_END());
  struct message *ok = answer_call(nh, TAG_END()), *r;

  s2_sip_free_message(ok);
  s2_flush_events();
  advance(30);
  peer_request(SIP_METHOD_UPDATE, 0, SIPTAG_SUPPORTED_STR("timer"),
               SIPTAG_SESSION_EXPIRES_STR("60;refresher=uac"), TAG_END());
  r = s2_sip_wait_for_response(422, SIP_METHOD_UPDATE);
  ck_assert(r->sip->sip_min_se != NULL);
  ck_assert_uint_eq(r->sip->sip_min_se->min_delta, 90);
  s2_sip_free_message(r);
  /* Not a refresh: the session still ends 60 s after it started. */
  advance(29);
  ck_assert_msg(!peer_has_request(), "BYE too early");
  advance(1);
  expect_expiry_bye();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(rfc4028_9_no_422_to_caller_without_timer_support)
{
  /* A proxy inserted Session-Expires: 60; the caller cannot understand 422.
   * Accept, raise to our Min-SE (RFC 4028 erratum 1687) and refresh
   * ourselves (doc/pitfalls.md 8). */
  nua_handle_t *nh = peer_calls(SIPTAG_SESSION_EXPIRES_STR("60"),
                                SIPTAG_ALLOW_STR(ALLOW_WITH_UPDATE), TAG_END());
  struct message *ok = answer_call(nh, TAG_END());

  check_se(ok, 90, "uas");
  ck_assert_int_eq(require_timer_count(ok), 0);
  s2_sip_free_message(ok);
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

/* A call the application answered without the extension (its own
 * Supported list without "timer", as nst-cli -T does): nst's later answers
 * in that call, to the peer's UPDATE, keep that list (section 7.1 / 9: a
 * UA says once and for all whether it supports timers). */
START_TEST(rfc4028_9_answer_without_timer_support_stays_without_it)
{
  nua_handle_t *nh = peer_calls(SIPTAG_SUPPORTED_STR("timer"),
                                SIPTAG_SESSION_EXPIRES_STR("90"), TAG_END());
  struct message *ok, *r;

  ok = answer_call(nh, NSTTAG_ENABLED(0), SIPTAG_SUPPORTED_STR("100rel"), TAG_END());
  ck_assert_msg(!has_timer(ok->sip->sip_supported), "2xx lists timer");
  s2_sip_free_message(ok);
  s2_flush_events();
  peer_request(SIP_METHOD_UPDATE, 0, SIPTAG_SUPPORTED_STR("timer"),
               SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"), TAG_END());
  r = s2_sip_wait_for_response(200, SIP_METHOD_UPDATE);
  ck_assert(r != NULL);
  ck_assert_msg(!has_timer(r->sip->sip_supported), "200 to the peer's UPDATE lists timer");
  s2_sip_free_message(r);
  s2_flush_events();
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(rfc4028_9_min_se_only_request_raises_interval)
{
  nua_handle_t *nh = peer_calls(SIPTAG_SUPPORTED_STR("timer"),
                                SIPTAG_MIN_SE_STR("2000"), TAG_END());
  struct message *ok = answer_call(nh, TAG_END());

  /* No 422: the UAS raises its own interval to the Min-SE (doc/pitfalls.md 12). */
  check_se(ok, 2000, "uac");
  s2_sip_free_message(ok);
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(rfc4028_9_caller_without_timer_support_callee_refreshes)
{
  nua_handle_t *nh = peer_calls(SIPTAG_ALLOW_STR(ALLOW_WITH_UPDATE), TAG_END());
  struct message *ok = answer_call(nh, TAG_END()), *update;

  /* Section 9: the UAC cannot refresh, so refresher=uas and no Require. */
  check_se(ok, 1800, "uas");
  ck_assert_int_eq(require_timer_count(ok), 0);
  s2_sip_free_message(ok);
  s2_flush_events();

  advance(899);
  ck_assert(!peer_has_request());
  advance(1);
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  check_se(update, 1800, "uac");
  s2_sip_respond_to(update, dialog, SIP_200_OK, TAG_END());
  s2_sip_free_message(update);
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

/* ====================================================================== */
/* 7.2 / 7.4 - what 2xx and in-dialog requests do to a running session */

START_TEST(rfc4028_7_2_uac_with_min_se_120_accepts_90_like_the_uas)
{
  nua_handle_t *nh;
  struct nst_recorded_event *e;

  nh = call_peer(NULL, SIPTAG_SESSION_EXPIRES_STR("90;refresher=uas"),
                 SIPTAG_REQUIRE_STR("timer"), TAG_END());
  e = expect_nst_event(nst_ev_negotiated);
  ck_assert_uint_eq(e->info.ni_interval, 90);   /* nua's engine says 120 */
  free(e);
  s2_flush_events();
  advance(59);
  ck_assert(!peer_has_request());
  advance(1);
  expect_expiry_bye();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(rfc4028_7_2_uac_takes_se_from_2xx_it_did_not_ask_for)
{
  /* Timers off for this call: the INVITE offers none, but the 2xx (a proxy
   * inserted it, section 8.2) makes us the refresher: we must refresh. */
  nua_handle_t *nh = nua_handle(nua, NULL, SIPTAG_TO(s2sip->aor), TAG_END());
  struct message *invite, *update;

  invite = nst_sends_invite(nh, NSTTAG_ENABLED(0), TAG_END());
  ck_assert_msg(se_of(invite) == NULL, "Session-Expires with timers off");
  ck_assert(has_timer(invite->sip->sip_supported));
  peer_respond(invite, SIP_200_OK, SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
               SIPTAG_REQUIRE_STR("timer"), SIPTAG_ALLOW_STR(ALLOW_WITH_UPDATE),
               TAG_END());
  s2_sip_free_message(invite);
  ck_assert(s2_check_event(nua_r_invite, 200));
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  s2_flush_events();
  advance(45);
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert_msg(update != NULL, "no refresh although the 2xx made us refresher");
  check_se(update, 90, "uac");
  s2_sip_respond_to(update, dialog, SIP_200_OK, SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
                    TAG_END());
  s2_sip_free_message(update);
  settle();
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

static void setup_min_se_120(void)
{
  setup_with(NSTTAG_MIN_SE(120), TAG_END());
}

START_TEST(rfc4028_7_4_application_reinvite_carries_timer_and_rearms)
{
  nua_handle_t *nh = call_we_refresh(ALLOW_WITH_UPDATE);
  struct message *invite;
  struct nst_recorded_event *e;

  advance(20);
  /* A hold re-INVITE of the application's is a session refresh too. */
  nst_invite(s2_nst, nh, SOATAG_HOLD("audio"), TAG_END());
  invite = s2_sip_wait_for_request(SIP_METHOD_INVITE);
  check_se(invite, 90, "uac");
  ck_assert_uint_eq(invite->sip->sip_min_se->min_delta, 90);
  ck_assert(has_timer(invite->sip->sip_supported));
  peer_respond(invite, SIP_200_OK, SIPTAG_SESSION_EXPIRES_STR("120;refresher=uas"),
               TAG_END());
  s2_sip_free_message(invite);
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  ck_assert(s2_check_event(nua_r_invite, 200));
  e = expect_nst_event(nst_ev_negotiated);
  ck_assert_uint_eq(e->info.ni_interval, 120);
  ck_assert_int_eq(e->info.ni_refresher, nst_refresher_remote);
  free(e);
  s2_flush_events();

  /* The peer refreshes now: no UPDATE at 45 s, BYE at 20 + 88 s. */
  advance(87);
  ck_assert_msg(!peer_has_request(), "refresh or BYE before 108 s");
  advance(1);
  expect_expiry_bye();
  nua_handle_destroy(nh);
  ck_assert_transition("session --2xx--> session");
}
END_TEST

START_TEST(rfc4028_7_4_peer_reinvite_can_hand_us_the_refresh)
{
  nua_handle_t *nh = call_peer(NULL, SIPTAG_SESSION_EXPIRES_STR("90;refresher=uas"),
                               SIPTAG_REQUIRE_STR("timer"),
                               SIPTAG_ALLOW_STR(ALLOW_WITH_UPDATE), TAG_END());
  struct message *ok, *update;

  s2_flush_events();
  advance(30);
  /* The callee re-INVITEs: it is the uac of it, "uas" names nst. */
  peer_request(SIP_METHOD_INVITE, 1, SIPTAG_SUPPORTED_STR("timer"),
               SIPTAG_SESSION_EXPIRES_STR("120;refresher=uas"), TAG_END());
  ok = s2_sip_wait_for_response(200, SIP_METHOD_INVITE);
  /* We prefer 90 (the fixture) and may reduce what the refresh asks. */
  check_se(ok, 90, "uas");
  ck_assert_int_eq(require_timer_count(ok), 0);
  peer_take_answer(ok);
  s2_sip_free_message(ok);
  ck_assert(!s2_sip_request_to(dialog, SIP_METHOD_ACK, NULL, TAG_END()));
  settle();

  advance(44);
  ck_assert_msg(!peer_has_request(), "refresh before 75 s");
  advance(1);
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  check_se(update, 90, "uac");
  s2_sip_respond_to(update, dialog, SIP_200_OK,
                    SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"), TAG_END());
  s2_sip_free_message(update);
  settle();
  s2_flush_events();    /* the states of the peer's re-INVITE */
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(rfc4028_7_2_refresh_2xx_without_se_turns_timer_off)
{
  nua_handle_t *nh = call_we_refresh(ALLOW_WITH_UPDATE);
  struct message *update = refresh_at_45(SIP_METHOD_UPDATE);
  struct nst_recorded_event *e;

  s2_sip_respond_to(update, dialog, SIP_200_OK, TAG_END());
  s2_sip_free_message(update);
  settle();
  e = expect_nst_event(nst_ev_refresh_answered);
  ck_assert_uint_eq(e->info.ni_interval, 0);
  free(e);
  advance(500);
  ck_assert_msg(!peer_has_request(), "refresh or BYE with the timer off");
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(rfc4028_7_2_grandstream_200_keeps_interval_and_refresher)
{
  /* doc/field-notes.md: 200 to UPDATE with Session-Expires but no refresher
   * and no Supported: timer. */
  nua_handle_t *nh = call_we_refresh(ALLOW_WITH_UPDATE);
  struct message *update = refresh_at_45(SIP_METHOD_UPDATE);

  s2_sip_respond_to(update, dialog, SIP_200_OK,
                    SIPTAG_SUPPORTED_STR("replaces, path"),
                    SIPTAG_SESSION_EXPIRES_STR("90"), TAG_END());
  s2_sip_free_message(update);
  settle();
  update = refresh_at_45(SIP_METHOD_UPDATE);
  check_se(update, 90, "uac");
  s2_sip_respond_to(update, dialog, SIP_200_OK, SIPTAG_SESSION_EXPIRES_STR("90"),
                    TAG_END());
  s2_sip_free_message(update);
  settle();
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

/* ====================================================================== */
/* 10 - refresh failures */

START_TEST(rfc4028_10_refresh_waits_for_pending_reinvite)
{
  nua_handle_t *nh = call_we_refresh(ALLOW_WITH_UPDATE);
  struct message *invite, *update;

  advance(44);
  nst_invite(s2_nst, nh, SOATAG_HOLD("audio"), TAG_END());
  invite = s2_sip_wait_for_request(SIP_METHOD_INVITE);
  advance(2);   /* the refresh came due at 45 s */
  ck_assert_msg(!peer_has_request_of(sip_method_update),
                "refresh crossed a pending re-INVITE");
  s2_sip_flush_messages();      /* the re-INVITE's retransmissions */
  peer_respond(invite, SIP_488_NOT_ACCEPTABLE, TAG_END());
  s2_sip_free_message(invite);
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  /* The re-INVITE failed (no re-arm): the refresh goes at once. */
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  check_se(update, 90, "uac");
  s2_sip_respond_to(update, dialog, SIP_200_OK,
                    SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"), TAG_END());
  s2_sip_free_message(update);
  settle();
  s2_flush_events();    /* the states of the application's re-INVITE */
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

/* The refresh @a update fails with @a status: no new try for @a quiet_s
 * seconds, one by @a by_s seconds, which the peer accepts. */
static void refresh_retried(struct message *update, int status, char const *phrase,
                            unsigned quiet_s, unsigned by_s)
{
  s2_sip_respond_to(update, dialog, status, phrase, TAG_END());
  s2_sip_free_message(update);
  settle();
  free(expect_nst_event(nst_ev_refresh_failed));
  if (quiet_s) {
    advance(quiet_s);
    ck_assert_msg(!peer_has_request(), "retry after %d sooner than %u s", status, quiet_s);
  }
  advance(by_s - quiet_s);
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert_msg(update != NULL, "no retry after %d within %u s", status, by_s);
  s2_sip_respond_to(update, dialog, SIP_200_OK,
                    SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"), TAG_END());
  s2_sip_free_message(update);
  settle();
  free(expect_nst_event(nst_ev_refresh_answered));
}

START_TEST(rfc3261_14_1_glare_491_caller_retries_after_2_1_to_4_s)
{
  nua_handle_t *nh = call_we_refresh(ALLOW_WITH_UPDATE);

  /* We placed the call, so we own its Call-ID: 2.1 to 4 s. */
  refresh_retried(refresh_at_45(SIP_METHOD_UPDATE), SIP_491_REQUEST_PENDING, 2, 4);
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(rfc3261_14_1_glare_491_callee_retries_within_2_s)
{
  nua_handle_t *nh = peer_calls(SIPTAG_SUPPORTED_STR("timer"),
                                SIPTAG_SESSION_EXPIRES_STR("90;refresher=uas"),
                                SIPTAG_ALLOW_STR(ALLOW_WITH_UPDATE), TAG_END());

  s2_sip_free_message(answer_call(nh, TAG_END()));
  nst_flush_recorded_events();
  /* The peer owns the Call-ID: 0 to 2 s. */
  refresh_retried(refresh_at_45(SIP_METHOD_UPDATE), SIP_491_REQUEST_PENDING, 0, 2);
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(rfc4028_10_503_keeps_call_and_retries_before_peer_gives_up)
{
  nua_handle_t *nh = call_we_refresh(ALLOW_WITH_UPDATE);

  /* The peer sends BYE at 60 s: try again halfway, at 52.5 s. */
  refresh_retried(refresh_at_45(SIP_METHOD_UPDATE), SIP_503_SERVICE_UNAVAILABLE, 7, 8);
  bye_from_peer();
  nua_handle_destroy(nh);
  ck_assert_transition("refreshing --refresh_failed--> session");
}
END_TEST

START_TEST(rfc4028_10_refresher_sends_bye_at_expiry_when_refreshes_keep_failing)
{
  nua_handle_t *nh = call_we_refresh(ALLOW_WITH_UPDATE);
  struct message *update = refresh_at_45(SIP_METHOD_UPDATE);
  unsigned t = 45, tries = 1;
  struct message *bye;

  for (;;) {
    s2_sip_respond_to(update, dialog, SIP_503_SERVICE_UNAVAILABLE, TAG_END());
    s2_sip_free_message(update);
    settle();
    update = NULL;
    while (t < 89 && !peer_has_request())
      advance(1), t++;
    if (t >= 89)
      break;
    update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
    tries++;
  }
  ck_assert_uint_ge(tries, 3);   /* 45, 52.5, 56.25, 58.25 s */
  ck_assert_uint_le(tries, 4);
  {
    nst_stats_t st;
    nst_get_stats(s2_nst, &st);
    ck_assert_uint_eq(st.ns_refreshes_sent, tries);
    ck_assert_uint_eq(st.ns_refresh_failures, tries);
  }
  advance(1);                    /* 90 s: the session has expired */
  bye = s2_sip_wait_for_request(SIP_METHOD_BYE);
  ck_assert(bye->sip->sip_reason != NULL);
  s2_sip_respond_to(bye, dialog, SIP_200_OK, TAG_END());
  s2_sip_free_message(bye);
  ck_assert(s2_check_event(nua_r_bye, 200));
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(rfc4028_10_405_to_update_switches_to_reinvite_for_good)
{
  nua_handle_t *nh = call_we_refresh(ALLOW_WITH_UPDATE);
  struct message *update = refresh_at_45(SIP_METHOD_UPDATE), *invite;

  s2_sip_respond_to(update, dialog, SIP_405_METHOD_NOT_ALLOWED,
                    SIPTAG_ALLOW_STR(ALLOW_WITH_UPDATE), TAG_END());
  s2_sip_free_message(update);
  invite = s2_sip_wait_for_request(SIP_METHOD_INVITE);
  ck_assert_msg(invite != NULL, "no re-INVITE after 405 to UPDATE");
  check_se(invite, 90, "uac");
  peer_respond(invite, SIP_200_OK, SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
               SIPTAG_REQUIRE_STR("timer"), TAG_END());
  s2_sip_free_message(invite);
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  settle();
  /* From now on re-INVITE, even though Allow still lists UPDATE. */
  invite = refresh_at_45(SIP_METHOD_INVITE);
  peer_respond(invite, SIP_200_OK, SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
               SIPTAG_ALLOW_STR(ALLOW_WITH_UPDATE), TAG_END());
  s2_sip_free_message(invite);
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  settle();
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(rfc4028_10_501_to_update_switches_to_reinvite)
{
  nua_handle_t *nh = call_we_refresh(ALLOW_WITH_UPDATE);
  struct message *update = refresh_at_45(SIP_METHOD_UPDATE), *invite;

  s2_sip_respond_to(update, dialog, SIP_501_NOT_IMPLEMENTED, TAG_END());
  s2_sip_free_message(update);
  invite = s2_sip_wait_for_request(SIP_METHOD_INVITE);
  ck_assert(invite != NULL);
  peer_respond(invite, SIP_200_OK, SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
               TAG_END());
  s2_sip_free_message(invite);
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  settle();
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

static void expect_bye_with_cause(char const *cause)
{
  struct message *bye = s2_sip_wait_for_request(SIP_METHOD_BYE);
  ck_assert_msg(bye != NULL, "no BYE");
  ck_assert(bye->sip->sip_reason != NULL);
  ck_assert_str_eq(bye->sip->sip_reason->re_cause ? bye->sip->sip_reason->re_cause : "",
                   cause);
  s2_sip_respond_to(bye, dialog, SIP_200_OK, TAG_END());
  s2_sip_free_message(bye);
}

/* A proxy challenges our refresh: not a failure. The application
 * answers (nst_ev_refresh_challenged, then nua_authenticate()), nua sends
 * the refresh again with the credentials, its 200 re-arms; no retry of
 * nst's own, no failure counted. */
START_TEST(rfc4028_10_challenged_refresh_is_answered_not_failed)
{
  nua_handle_t *nh = call_we_refresh(ALLOW_WITH_UPDATE);
  struct message *update = refresh_at_45(SIP_METHOD_UPDATE);
  struct nst_recorded_event *e;
  nst_stats_t st;

  s2_sip_respond_to(update, dialog, SIP_407_PROXY_AUTH_REQUIRED,
                    SIPTAG_PROXY_AUTHENTICATE_STR(s2_auth_digest_str), TAG_END());
  s2_sip_free_message(update);
  settle();
  free(expect_nst_event(nst_ev_refresh_sent));
  e = expect_nst_event(nst_ev_refresh_challenged);
  ck_assert_int_eq(e->info.ni_status, 407);
  free(e);
  ck_assert_msg(s2_nst_events == NULL, "another nst event after the challenge");
  nua_authenticate(nh, NUTAG_AUTH(s2_auth_credentials), TAG_END());
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert_msg(update != NULL, "no UPDATE after nua_authenticate()");
  ck_assert(update->sip->sip_proxy_authorization != NULL);
  check_se(update, 90, "uac");
  s2_sip_respond_to(update, dialog, SIP_200_OK,
                    SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
                    SIPTAG_REQUIRE_STR("timer"), TAG_END());
  s2_sip_free_message(update);
  settle();
  free(expect_nst_event(nst_ev_refresh_answered));
  ck_assert_int_eq(nst_get_stats(s2_nst, &st), 0);
  ck_assert_uint_eq(st.ns_refresh_failures, 0);
  /* The next refresh 45 s on, with the credentials nua keeps. */
  advance(44);
  ck_assert_msg(!peer_has_request(), "a retry after the challenge was answered");
  advance(1);
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert_msg(update != NULL, "no refresh 45 s later");
  ck_assert(update->sip->sip_proxy_authorization != NULL);
  s2_sip_respond_to(update, dialog, SIP_200_OK,
                    SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"), TAG_END());
  s2_sip_free_message(update);
  settle();
  s2_flush_events();
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(rfc4028_10_481_to_refresh_ends_call)
{
  nua_handle_t *nh = call_we_refresh(ALLOW_WITH_UPDATE);
  struct message *update = refresh_at_45(SIP_METHOD_UPDATE);
  struct nst_recorded_event *e;

  s2_sip_respond_to(update, dialog, SIP_481_NO_TRANSACTION, TAG_END());
  s2_sip_free_message(update);
  expect_bye_with_cause("481");
  e = expect_nst_event(nst_ev_refresh_failed);
  ck_assert_int_eq(e->info.ni_status, 481);
  free(e);
  ck_assert(s2_check_callstate(nua_callstate_terminated));
  nua_handle_destroy(nh);
  ck_assert_transition("refreshing --refresh_fatal--> ending");
}
END_TEST

START_TEST(rfc4028_10_unanswered_refresh_ends_call)
{
  nua_handle_t *nh = call_we_refresh(ALLOW_WITH_UPDATE);
  struct message *update = refresh_at_45(SIP_METHOD_UPDATE);

  s2_sip_free_message(update);
  /* No answer: the UPDATE transaction times out after 64*T1 = 32 s. */
  advance(33);
  s2_sip_flush_messages();      /* the UPDATE's retransmissions */
  expect_bye_with_cause("408");
  ck_assert(s2_check_callstate(nua_callstate_terminated));
  nua_handle_destroy(nh);
}
END_TEST

/* ====================================================================== */

static void refresh_method_row(int method, char const *allow, sip_method_t expect,
                               char const *name)
{
  nua_handle_t *nh = nua_handle(nua, NULL, SIPTAG_TO(s2sip->aor), TAG_END());
  struct message *invite = nst_sends_invite(nh, NSTTAG_REFRESH_METHOD(method), TAG_END());
  struct message *refresh;

  peer_respond(invite, SIP_200_OK, SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
               SIPTAG_REQUIRE_STR("timer"), SIPTAG_ALLOW_STR(allow), TAG_END());
  s2_sip_free_message(invite);
  ck_assert(s2_check_event(nua_r_invite, 200));
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  s2_flush_events();
  refresh = refresh_at_45(expect, name);
  if (expect == sip_method_invite) {
    peer_respond(refresh, SIP_200_OK, SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
                 TAG_END());
    ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  }
  else
    s2_sip_respond_to(refresh, dialog, SIP_200_OK,
                      SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"), TAG_END());
  s2_sip_free_message(refresh);
  settle();
  s2_flush_events();
  bye_from_peer();
  nua_handle_destroy(nh);
}

START_TEST(refresh_method_always_reinvite_although_update_allowed)
{
  refresh_method_row(nst_refresh_by_invite, ALLOW_WITH_UPDATE, SIP_METHOD_INVITE);
}
END_TEST

START_TEST(refresh_method_always_update_although_not_allowed)
{
  refresh_method_row(nst_refresh_by_update, ALLOW_WITHOUT_UPDATE, SIP_METHOD_UPDATE);
}
END_TEST

START_TEST(policy_require_uas_rejects_caller_without_timer_with_421)
{
  struct message *r;

  peer_request(SIP_METHOD_INVITE, 1, TAG_END());      /* no Supported: timer */
  r = s2_sip_wait_for_response(421, SIP_METHOD_INVITE);
  ck_assert(r != NULL);
  ck_assert_int_eq(require_timer_count(r), 1);
  s2_sip_free_message(r);
  settle();
  ck_assert_msg(!app_saw(nua_i_invite), "application saw the INVITE answered 421");
  {
    struct nst_recorded_event *e = expect_nst_event(nst_ev_rejected);
    ck_assert_int_eq(e->info.ni_status, 421);
    free(e);
  }
}
END_TEST

START_TEST(policy_require_uac_sends_require_timer)
{
  nua_handle_t *nh = nua_handle(nua, NULL, SIPTAG_TO(s2sip->aor), TAG_END());
  struct message *invite = nst_sends_invite(nh, TAG_END());

  ck_assert_int_eq(require_timer_count(invite), 1);
  ck_assert(has_timer(invite->sip->sip_supported));
  peer_respond(invite, SIP_420_BAD_EXTENSION, SIPTAG_UNSUPPORTED_STR("timer"), TAG_END());
  s2_sip_free_message(invite);
  ck_assert(s2_check_event(nua_r_invite, 420));     /* the call fails cleanly */
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(policy_refresh_uac_refreshes_after_2xx_without_se)
{
  nua_handle_t *nh = call_peer(NULL, SIPTAG_ALLOW_STR(ALLOW_WITH_UPDATE), TAG_END());
  struct nst_recorded_event *e = expect_nst_event(nst_ev_negotiated);
  struct message *update;

  ck_assert_uint_eq(e->info.ni_interval, 90);          /* what we offered */
  ck_assert_int_eq(e->info.ni_refresher, nst_refresher_local);
  free(e);
  s2_flush_events();
  update = refresh_at_45(SIP_METHOD_UPDATE);
  check_se(update, 90, "uac");
  s2_sip_respond_to(update, dialog, SIP_200_OK, TAG_END());
  s2_sip_free_message(update);
  settle();
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

static void setup_require(void)
{
  setup_with(NSTTAG_PEER_WITHOUT_TIMER(nst_peer_require), TAG_END());
}

static void setup_refresh_90(void)
{
  setup_with(NSTTAG_SESSION_EXPIRES(90),
             NSTTAG_PEER_WITHOUT_TIMER(nst_peer_refresh), TAG_END());
}

void rfc4028_cases(Suite *s)
{
  TCase *tc;

  tc = nst_tcase("7.3 422 to our request", setup);
  tcase_add_test(tc, rfc4028_7_3_uac_retries_after_422_with_raised_values_same_dialog);
  tcase_add_test(tc, rfc4028_7_3_uac_gives_up_when_422_min_se_is_not_larger);
  tcase_add_test(tc, rfc4028_7_3_uac_gives_up_on_422_without_min_se);
  tcase_add_test(tc, rfc4028_7_3_uac_422_storm_is_bounded);
  tcase_add_test(tc, rfc4028_7_3_422_after_407_keeps_credentials);
  tcase_add_test(tc, rfc4028_7_3_407_after_422_is_answered_with_the_raised_values);
  tcase_add_test(tc, rfc4028_7_3_422_407_422_each_invite_raised_and_authorized);
  suite_add_tcase(s, tc);

  tc = nst_tcase("7.4 422 to our refresh", setup_90);
  tcase_add_test(tc, rfc4028_7_4_422_to_refresh_raises_and_retries_in_dialog);
  tcase_add_test(tc, rfc4028_7_4_422_to_reinvite_refresh_the_next_reinvite_is_raised);
  tcase_add_test(tc, rfc4028_7_4_422_to_application_update_next_update_is_raised);
  tcase_add_test(tc, rfc4028_7_4_422_to_application_update_after_407_next_update_is_raised);
  suite_add_tcase(s, tc);

  tc = nst_tcase("9 422 from us and none", setup);
  tcase_add_test(tc, rfc4028_9_uas_rejects_small_in_dialog_refresh_with_422);
  tcase_add_test(tc, rfc4028_9_no_422_to_caller_without_timer_support);
  tcase_add_test(tc, rfc4028_9_min_se_only_request_raises_interval);
  tcase_add_test(tc, rfc4028_9_answer_without_timer_support_stays_without_it);
  tcase_add_test(tc, rfc4028_9_caller_without_timer_support_callee_refreshes);
  suite_add_tcase(s, tc);

  tc = nst_tcase("7.2 SE in a 2xx we did not ask for", setup);
  tcase_add_test(tc, rfc4028_7_2_uac_takes_se_from_2xx_it_did_not_ask_for);
  suite_add_tcase(s, tc);

  tc = nst_tcase("7.2 UAC Min-SE above the 2xx", setup_min_se_120);
  tcase_add_test(tc, rfc4028_7_2_uac_with_min_se_120_accepts_90_like_the_uas);
  suite_add_tcase(s, tc);

  tc = nst_tcase("7.2 7.4 in-dialog changes", setup_90);
  tcase_add_test(tc, rfc4028_7_4_application_reinvite_carries_timer_and_rearms);
  tcase_add_test(tc, rfc4028_7_4_peer_reinvite_can_hand_us_the_refresh);
  tcase_add_test(tc, rfc4028_7_2_refresh_2xx_without_se_turns_timer_off);
  tcase_add_test(tc, rfc4028_7_2_grandstream_200_keeps_interval_and_refresher);
  suite_add_tcase(s, tc);

  tc = nst_tcase("10 refresh failures", setup_90);
  tcase_add_test(tc, rfc4028_10_refresh_waits_for_pending_reinvite);
  tcase_add_test(tc, rfc3261_14_1_glare_491_caller_retries_after_2_1_to_4_s);
  tcase_add_test(tc, rfc3261_14_1_glare_491_callee_retries_within_2_s);
  tcase_add_test(tc, rfc4028_10_503_keeps_call_and_retries_before_peer_gives_up);
  tcase_add_test(tc, rfc4028_10_refresher_sends_bye_at_expiry_when_refreshes_keep_failing);
  tcase_add_test(tc, rfc4028_10_405_to_update_switches_to_reinvite_for_good);
  tcase_add_test(tc, rfc4028_10_challenged_refresh_is_answered_not_failed);
  tcase_add_test(tc, rfc4028_10_501_to_update_switches_to_reinvite);
  tcase_add_test(tc, rfc4028_10_481_to_refresh_ends_call);
  tcase_add_test(tc, rfc4028_10_unanswered_refresh_ends_call);
  suite_add_tcase(s, tc);

  tc = nst_tcase("refresh method (NSTTAG_REFRESH_METHOD)", setup_90);
  tcase_add_test(tc, refresh_method_always_reinvite_although_update_allowed);
  tcase_add_test(tc, refresh_method_always_update_although_not_allowed);
  suite_add_tcase(s, tc);

  tc = nst_tcase("peers without timer: require", setup_require);
  tcase_add_test(tc, policy_require_uas_rejects_caller_without_timer_with_421);
  tcase_add_test(tc, policy_require_uac_sends_require_timer);
  suite_add_tcase(s, tc);

  tc = nst_tcase("peers without timer: refresh", setup_refresh_90);
  tcase_add_test(tc, policy_refresh_uac_refreshes_after_2xx_without_se);
  suite_add_tcase(s, tc);

}
