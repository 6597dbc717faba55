/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the application meets beyond RFC 4028 (issue 4): the UPDATE refresh
 * with SDP, the "about to expire" event, the timer figures of
 * nst_get_info(), and the application-controlled call lifetime (the SIP
 * servlet container's model, doc/field-notes.md), all against the s2 peer on
 * a fast-forwarded clock.
 */
#include "config.h"

#include "s2_helpers.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* A call that nst places, with the tags on nst_invite(); the peer
 * answers 200 with Session-Expires @a se (its refresher decides who
 * refreshes), or without one if @a se is NULL. */
static nua_handle_t *call_with(char const *se, tag_type_t tag, tag_value_t value, ...)
{
  nua_handle_t *nh = nua_handle(nua, NULL, SIPTAG_TO(s2sip->aor), TAG_END());
  struct message *invite;
  ta_list ta;

  ta_start(ta, tag, value);
  invite = nst_sends_invite(nh, ta_tags(ta));
  (void)ta_end(ta);
  peer_respond(invite, SIP_200_OK,
               TAG_IF(se, SIPTAG_SESSION_EXPIRES_STR(se)),
               TAG_IF(se, SIPTAG_REQUIRE_STR("timer")),
               SIPTAG_ALLOW_STR(ALLOW_WITH_UPDATE), TAG_END());
  s2_sip_free_message(invite);
  fail_unless_event(nua_r_invite, 200);
  ck_assert(s2_check_callstate(nua_callstate_ready));
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  free(expect_nst_event(nst_ev_negotiated));
  s2_flush_events();
  return nh;
}

/* @a ms is @a expected, less what real time passed since (at most 2 s). */
static int within(long ms, long expected)
{
  return ms <= expected && ms > expected - 2000;
}

/* The peer answers our refresh UPDATE @a update 200 (and frees it). */
static void peer_answers_this_refresh(struct message *update)
{
  peer_respond(update, SIP_200_OK, SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
               SIPTAG_REQUIRE_STR("timer"), TAG_END());
  s2_sip_free_message(update);
  settle();
}

/* The peer answers our refresh UPDATE (due now) 200. */
static void peer_answers_refresh_update(void)
{
  struct message *update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);

  ck_assert_msg(update != NULL, "no refresh UPDATE");
  peer_answers_this_refresh(update);
}

/* A call we refresh (90 s), whose lifetime ends 1 s after its first
 * refresh went: returns that refresh UPDATE, unanswered. */
static struct message *refresh_out_lifetime_ending(nua_handle_t **return_nh)
{
  unsigned granted = 0;
  struct message *update;

  *return_nh = call_with("90;refresher=uac", NSTTAG_EXPIRY_WARNING(0), TAG_END());
  ck_assert_int_eq(nst_set_lifetime(s2_nst, *return_nh, 46, &granted), nst_lifetime_granted);
  advance(45);
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert_msg(update != NULL, "no refresh UPDATE");
  return update;
}

/* The peer answers the BYE at the end of the lifetime; nothing comes
 * after it. */
static void lifetime_bye_answered_then_nothing(struct message *bye)
{
  ck_assert_msg(bye != NULL, "no BYE at the end of the lifetime");
  s2_sip_respond_to(bye, dialog, SIP_200_OK, TAG_END());
  s2_sip_free_message(bye);
  fail_unless_event(nua_r_bye, 200);
  ck_assert(s2_check_callstate(nua_callstate_terminated));
  s2_sip_flush_messages();   /* the UPDATE's retransmissions before its 200 */
  advance(90);
  ck_assert_msg(!peer_has_request(), "%s after the BYE", peer_request_name());
}

/* ====================================================================== */
/* UPDATE refresh with SDP (NSTTAG_REFRESH_SDP) */

/* The SDP of @a m without its o= version: what stays when the session
 * does not change (RFC 3264 section 8 lets the offerer bump the version
 * anyway; nua's soa does for UPDATE). */
static char const *sdp_without_version(struct message *m)
{
  static char sdp[1024];
  char const *body, *o, *version, *rest;
  size_t len;

  ck_assert_msg(m->sip->sip_payload && m->sip->sip_payload->pl_len, "no SDP");
  body = m->sip->sip_payload->pl_data;
  len = m->sip->sip_payload->pl_len;
  ck_assert(len < sizeof sdp);
  o = strstr(body, "o=");
  ck_assert(o != NULL);
  version = o + strcspn(o, " ") + 1;             /* after the username */
  version += strcspn(version, " ") + 1;          /* after the session id */
  rest = version + strcspn(version, " ");        /* after the version */
  snprintf(sdp, sizeof sdp, "%.*s%.*s", (int)(version - body), body,
           (int)(len - (size_t)(rest - body)), rest);
  return sdp;
}

START_TEST(refresh_update_with_sdp_offers_the_same_session)
{
  nua_handle_t *nh = nua_handle(nua, NULL, SIPTAG_TO(s2sip->aor), TAG_END());
  struct message *invite = nst_sends_invite(nh, NSTTAG_REFRESH_SDP(1), TAG_END());
  struct message *update;
  char session[1024], first[1024];

  strcpy(session, sdp_without_version(invite));
  *strstr(session, "s=") = '\0';       /* v= and o=: the same session */
  peer_respond(invite, SIP_200_OK, SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
               SIPTAG_REQUIRE_STR("timer"), SIPTAG_ALLOW_STR(ALLOW_WITH_UPDATE),
               TAG_END());
  s2_sip_free_message(invite);
  fail_unless_event(nua_r_invite, 200);
  ck_assert(s2_check_callstate(nua_callstate_ready));
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));
  s2_flush_events();

  advance(44);
  ck_assert_msg(!peer_has_request(), "refresh before half the interval");
  advance(1);
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert_msg(update != NULL, "no UPDATE refresh at 45 s");
  check_se(update, 90, "uac");
  /* An offer of the session in force (soa offers the codec agreed on). */
  strcpy(first, sdp_without_version(update));
  ck_assert_msg(strncmp(first, session, strlen(session)) == 0,
                "another session: %s", first);
  ck_assert_msg(strstr(first, "m=audio 5004 RTP/AVP") != NULL, "other media: %s", first);
  ck_assert_str_eq(update->sip->sip_content_type->c_type, "application/sdp");
  peer_respond(update, SIP_200_OK, SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
               SIPTAG_REQUIRE_STR("timer"), TAG_END());
  s2_sip_free_message(update);
  settle();
  free(expect_nst_event(nst_ev_refresh_answered));
  ck_assert_msg(!app_saw(nua_r_update), "application saw our refresh's response");
  ck_assert_msg(!app_saw(nua_i_state), "application saw our refresh's call states");

  /* Re-armed by the 2xx: the next refresh 45 s later, with SDP again. */
  advance(44);
  ck_assert_msg(!peer_has_request(), "second refresh too early");
  advance(1);
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert_msg(update != NULL, "no second refresh");
  ck_assert_str_eq(sdp_without_version(update), first);   /* unchanged */
  peer_respond(update, SIP_200_OK, SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
               SIPTAG_REQUIRE_STR("timer"), TAG_END());
  s2_sip_free_message(update);
  settle();
  ck_assert_msg(!app_saw(nua_i_state), "application saw the second refresh's states");

  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(refresh_update_without_sdp_by_default_and_per_call)
{
  /* Module default on (fixture), this call off. */
  nua_handle_t *nh = call_with("90;refresher=uac", NSTTAG_REFRESH_SDP(0), TAG_END());
  struct message *update;

  advance(45);
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert_msg(update != NULL, "no UPDATE refresh at 45 s");
  ck_assert_msg(!(update->sip->sip_payload && update->sip->sip_payload->pl_len),
                "NSTTAG_REFRESH_SDP(0) on the call: the UPDATE carries SDP");
  s2_sip_respond_to(update, dialog, SIP_200_OK,
                    SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"), TAG_END());
  s2_sip_free_message(update);
  settle();
  free(expect_nst_event(nst_ev_refresh_answered));
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

/* ====================================================================== */
/* The session is about to expire (nst_ev_expiring) */

START_TEST(expiring_event_comes_warning_seconds_before_the_bye)
{
  /* The peer refreshes; it stays silent. BYE at 60 s, warning at 50 s. */
  nua_handle_t *nh = call_with("90;refresher=uas", TAG_END());
  struct nst_recorded_event *e;
  nst_info_t info;

  ck_assert_int_eq(nst_get_info(s2_nst, nh, &info), 0);
  ck_assert_int_eq(info.ni_refresh_in_ms, -1);
  /* The real clock runs too (slowly, but under valgrind not so slowly). */
  ck_assert_msg(within(info.ni_expires_in_ms, 60000), "expires in %ld", info.ni_expires_in_ms);
  ck_assert_int_eq(info.ni_lifetime_in_ms, -1);
  ck_assert_msg(within(nst_next_timer_ms(s2_nst, nh), 60000), "next timer");

  advance(49);
  ck_assert_msg(!nst_has_recorded_event(nst_ev_expiring), "warned before 50 s");
  advance(1);
  e = expect_nst_event(nst_ev_expiring);
  /* advance() moves the clock in 1 s steps: the timer fired in the last. */
  ck_assert_int_le(e->info.ni_expires_in_ms, 10000);
  ck_assert_int_gt(e->info.ni_expires_in_ms, 9000);
  ck_assert_uint_eq(e->info.ni_interval, 90);
  ck_assert_int_eq(e->info.ni_refresher, nst_refresher_remote);
  free(e);
  ck_assert_int_le(nst_next_timer_ms(s2_nst, nh), 10000);

  advance(9);
  ck_assert_msg(!peer_has_request(), "BYE before 60 s");
  advance(1);
  expect_expiry_bye();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(expiring_event_not_sent_when_the_peer_refreshes)
{
  nua_handle_t *nh = call_with("90;refresher=uas", TAG_END());

  advance(45);
  peer_request(SIP_METHOD_UPDATE, 0, SIPTAG_SUPPORTED_STR("timer"),
               SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"), TAG_END());
  ck_assert(s2_sip_check_response(200, SIP_METHOD_UPDATE));
  settle();
  free(expect_nst_event(nst_ev_refresh_received));
  /* Re-armed at 45 s: the warning moves to 95 s. */
  advance(49);
  ck_assert_msg(!nst_has_recorded_event(nst_ev_expiring), "warned although refreshed");
  advance(1);
  free(expect_nst_event(nst_ev_expiring));
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(expiring_event_for_the_refresher_whose_refreshes_fail)
{
  /* We refresh at 45 s; the peer answers every try 500. The session ends
   * at 90 s after the last refresh: warning at 80 s, BYE at 90 s. */
  nua_handle_t *nh = call_with("90;refresher=uac", NSTTAG_EXPIRY_WARNING(15), TAG_END());
  struct message *update;
  struct nst_recorded_event *e;
  unsigned t = 45;

  advance(45);
  while ((update = s2_sip_wait_for_request(SIP_METHOD_UPDATE)) != NULL) {
    s2_sip_respond_to(update, dialog, SIP_500_INTERNAL_SERVER_ERROR, TAG_END());
    s2_sip_free_message(update);
    settle();
    /* Retries stop before the peer's own expiry at 60 s. */
    while (t < 74 && !peer_has_request())
      advance(1), t++;
    if (!peer_has_request())
      break;
  }
  ck_assert_msg(!nst_has_recorded_event(nst_ev_expiring), "warned before 75 s");
  while (t < 74)
    advance(1), t++;
  ck_assert_msg(!nst_has_recorded_event(nst_ev_expiring), "warned before 75 s");
  advance(1);
  e = expect_nst_event(nst_ev_expiring);
  ck_assert_int_le(e->info.ni_expires_in_ms, 15000);
  ck_assert_int_gt(e->info.ni_expires_in_ms, 14000);
  ck_assert_int_eq(e->info.ni_refresher, nst_refresher_local);
  free(e);
  advance(14);
  ck_assert_msg(!peer_has_request(), "BYE before 90 s");
  advance(1);
  expect_expiry_bye();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(expiring_event_off_with_zero_warning)
{
  nua_handle_t *nh = call_with("90;refresher=uas", NSTTAG_EXPIRY_WARNING(0), TAG_END());

  advance(60);
  ck_assert_msg(!nst_has_recorded_event(nst_ev_expiring), "NSTTAG_EXPIRY_WARNING(0) warned");
  expect_expiry_bye();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(expiry_warning_too_long_for_min_se_is_refused)
{
  /* Min-SE 90: an unrefreshed session of 90 s lasts 60 s (check_core
   * has the rule clause by clause). */
  su_root_t *root = su_root_create(NULL);

  ck_assert(root != NULL);
  ck_assert_msg(nst_create(root, NULL, NULL, NSTTAG_EXPIRY_WARNING(60), TAG_END()) == NULL,
                "warning of 60 s accepted with Min-SE 90");
  su_root_destroy(root);
}
END_TEST

/* ====================================================================== */
/* Application-controlled lifetime (nst_set_lifetime) */

/* Lifetime BYE: Reason Q.850 cause 16 (normal clearing), not an expiry. */
static void expect_lifetime_bye(void)
{
  struct message *bye = s2_sip_wait_for_request(SIP_METHOD_BYE);

  ck_assert_msg(bye != NULL, "no BYE at the end of the lifetime");
  ck_assert_msg(bye->sip->sip_reason != NULL, "BYE without Reason");
  ck_assert_str_eq(bye->sip->sip_reason->re_protocol, "Q.850");
  ck_assert_str_eq(bye->sip->sip_reason->re_cause, "16");
  s2_sip_respond_to(bye, dialog, SIP_200_OK, TAG_END());
  s2_sip_free_message(bye);
  fail_unless_event(nua_r_bye, 200);
  ck_assert(s2_check_callstate(nua_callstate_terminated));
}

START_TEST(lifetime_granted_ends_call_with_bye_while_timer_refreshes)
{
  nua_handle_t *nh = call_with("90;refresher=uac", TAG_END());
  unsigned granted = 1, t;
  nst_stats_t stats;
  nst_info_t info;

  ck_assert_int_eq(nst_set_lifetime(s2_nst, nh, 200, &granted), nst_lifetime_granted);
  ck_assert_uint_eq(granted, 200);
  ck_assert_int_eq(nst_get_info(s2_nst, nh, &info), 0);
  ck_assert_msg(within(info.ni_lifetime_in_ms, 200000), "lifetime %ld", info.ni_lifetime_in_ms);
  ck_assert_msg(within(info.ni_refresh_in_ms, 45000), "refresh %ld", info.ni_refresh_in_ms);

  /* The RFC 4028 timer runs on as before: refreshes at 45, 90, 135, 180. */
  for (t = 45; t <= 180; t += 45) {
    advance(45);
    peer_answers_refresh_update();
  }
  advance(19);
  ck_assert_msg(!peer_has_request(), "BYE before the lifetime ran out");
  ck_assert_msg(!nst_has_recorded_event(nst_ev_lifetime_expiring), "lifetime event early");
  advance(1);
  expect_lifetime_bye();
  free(expect_nst_event(nst_ev_lifetime_expiring));
  free(expect_nst_event(nst_ev_lifetime_expired));
  ck_assert_msg(!nst_has_recorded_event(nst_ev_expired), "a session expiry was reported");
  ck_assert_int_eq(nst_get_stats(s2_nst, &stats), 0);
  ck_assert_uint_eq(stats.ns_lifetime_ends, 1);
  ck_assert_uint_eq(stats.ns_expiries, 0);
  ck_assert_uint_eq(stats.ns_refreshes_sent, 4);
  nua_handle_destroy(nh);
  ck_assert_transition("session --lifetime_ended--> ending");
}
END_TEST

/* The lifetime runs out while our refresh UPDATE is out: the BYE goes;
 * nua ends the UPDATE with a 408 of its own, which changes nothing (no
 * second BYE, no new refresh), nor does the peer's late 200. */
START_TEST(lifetime_ends_call_while_refresh_is_out)
{
  nua_handle_t *nh;
  struct message *update = refresh_out_lifetime_ending(&nh), *bye;

  advance(1);
  bye = s2_sip_wait_for_request(SIP_METHOD_BYE);
  ck_assert_msg(bye != NULL, "no BYE at the end of the lifetime");
  ck_assert_str_eq(bye->sip->sip_reason->re_cause, "16");
  peer_answers_this_refresh(update);
  lifetime_bye_answered_then_nothing(bye);
  nua_handle_destroy(nh);
  ck_assert_transition("refreshing --lifetime_ended--> ending");
  ck_assert_transition("ending --refresh_failed--> ending");
  ck_assert_transition("ending --terminated--> gone");
}
END_TEST

/* The peer hangs up while our refresh is out: the call is over, nst
 * forgets it and sends nothing more. */
START_TEST(peer_bye_while_refresh_is_out_ends_the_call)
{
  nua_handle_t *nh = call_with("90;refresher=uac", NSTTAG_EXPIRY_WARNING(0), TAG_END());
  struct message *update;

  advance(45);
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert_msg(update != NULL, "no refresh UPDATE");
  bye_from_peer();
  s2_sip_free_message(update);
  advance(90);
  ck_assert_msg(!peer_has_request_of(sip_method_bye), "BYE after the peer's BYE");
  nua_handle_destroy(nh);
  ck_assert_transition("refreshing --terminated--> gone");
}
END_TEST

/* The application turns the call down with nst_respond(): nst answers
 * nothing of its own and forgets the call when nua ends it. */
START_TEST(app_refuses_incoming_call_with_486)
{
  nua_handle_t *nh = peer_calls(SIPTAG_SUPPORTED_STR("timer"),
                                SIPTAG_SESSION_EXPIRES_STR("1800"), TAG_END());
  struct message *r;

  ck_assert_int_eq(nst_respond(s2_nst, nh, SIP_486_BUSY_HERE, TAG_END()), 0);
  r = s2_sip_wait_for_response(486, SIP_METHOD_INVITE);
  ck_assert(r != NULL);
  ck_assert_msg(r->sip->sip_session_expires == NULL, "Session-Expires in a 486");
  s2_sip_free_message(r);
  ck_assert(s2_check_callstate(nua_callstate_terminated));
  settle();
  ck_assert_msg(!nst_has_recorded_event(nst_ev_negotiated), "negotiated on a 486");
  nua_handle_destroy(nh);
  ck_assert_transition("new --peer_invite--> offered");
  ck_assert_transition("offered --terminated--> gone");
}
END_TEST

/* Our refresh's 200 is already on its way when the lifetime ends (the
 * timer runs first in that loop iteration): the 200 is taken while BYE is
 * going and changes nothing: one BYE, no refresh after it. */
START_TEST(refresh_answered_while_bye_is_going_changes_nothing)
{
  nua_handle_t *nh;
  struct message *update = refresh_out_lifetime_ending(&nh);

  advance_ms(990);
  /* Sent, not taken yet: no settle() before the lifetime's timer. */
  peer_respond(update, SIP_200_OK, SIPTAG_SESSION_EXPIRES_STR("90;refresher=uac"),
               SIPTAG_REQUIRE_STR("timer"), TAG_END());
  s2_sip_free_message(update);
  advance_ms(10);
  lifetime_bye_answered_then_nothing(s2_sip_wait_for_request(SIP_METHOD_BYE));
  nua_handle_destroy(nh);
  ck_assert_transition("refreshing --lifetime_ended--> ending");
  ck_assert_transition("ending --refresh_2xx--> ending");
}
END_TEST

/* ====================================================================== */
/* The application destroys the handle (nst_handle_destroy()) in each
 * state: the call goes, with its timers, and nst sends nothing more. */

START_TEST(app_destroys_call_while_its_invite_is_out)
{
  nua_handle_t *nh = nua_handle(nua, NULL, SIPTAG_TO(s2sip->aor), TAG_END());
  struct message *invite = nst_sends_invite(nh, TAG_END());

  nst_handle_destroy(s2_nst, nh);
  ck_assert_transition("calling --destroyed--> gone");
  ck_assert_int_eq(nst_next_timer_ms(s2_nst, nh), -1);   /* nst knows the call no more */
  s2_sip_free_message(invite);
}
END_TEST

START_TEST(app_destroys_incoming_call_before_answering)
{
  nua_handle_t *nh = peer_calls(SIPTAG_SUPPORTED_STR("timer"),
                                SIPTAG_SESSION_EXPIRES_STR("1800"), TAG_END());

  nst_handle_destroy(s2_nst, nh);
  ck_assert_transition("offered --destroyed--> gone");
  ck_assert_int_eq(nst_next_timer_ms(s2_nst, nh), -1);   /* nst knows the call no more */
}
END_TEST

START_TEST(app_destroys_call_while_expiry_bye_is_out)
{
  nua_handle_t *nh = call_with("90;refresher=uas", NSTTAG_EXPIRY_WARNING(0), TAG_END());
  struct message *bye;

  advance(60);
  bye = s2_sip_wait_for_request(SIP_METHOD_BYE);
  ck_assert_msg(bye != NULL, "no BYE at expiry");
  nst_handle_destroy(s2_nst, nh);
  ck_assert_transition("session --expired--> ending");
  ck_assert_transition("ending --destroyed--> gone");
  ck_assert_int_eq(nst_next_timer_ms(s2_nst, nh), -1);   /* nst knows the call no more */
  s2_sip_free_message(bye);
}
END_TEST

/* ====================================================================== */
/* Both sides refresh at once */

/* The peer's refresh UPDATE comes while ours is out (RFC 4028 has no
 * glare for UPDATE without an offer): nst answers it, and ours still
 * counts when its 200 comes. */
START_TEST(peer_refresh_while_our_refresh_is_out_is_answered)
{
  nua_handle_t *nh = call_with("90;refresher=uac", NSTTAG_EXPIRY_WARNING(0), TAG_END());
  struct message *update, *ok;

  advance(45);
  update = s2_sip_wait_for_request(SIP_METHOD_UPDATE);
  ck_assert_msg(update != NULL, "no refresh UPDATE");
  peer_request(SIP_METHOD_UPDATE, 0, SIPTAG_SUPPORTED_STR("timer"),
               SIPTAG_SESSION_EXPIRES_STR("90;refresher=uas"), TAG_END());
  ok = s2_sip_wait_for_response(200, SIP_METHOD_UPDATE);
  ck_assert(ok != NULL);
  check_se(ok, 90, "uas");
  s2_sip_free_message(ok);
  free(expect_nst_event(nst_ev_refresh_received));
  peer_answers_this_refresh(update);
  free(expect_nst_event(nst_ev_refresh_answered));
  ck_assert_transition("refreshing --peer_refresh--> refreshing");
  ck_assert_transition("refreshing --refresh_2xx--> session");
  /* Ours came last: we refresh again 45 s after its 200. */
  s2_sip_flush_messages();
  advance(44);
  ck_assert_msg(!peer_has_request(), "%s before the next refresh", peer_request_name());
  advance(1);
  peer_answers_refresh_update();
  nua_handle_destroy(nh);
}
END_TEST

/* A re-INVITE refresh the peer answers only 100 Trying (an INVITE client
 * transaction has no timeout after a provisional answer): the session
 * still expires on time, and nst ends it with BYE (section 10). */
START_TEST(reinvite_refresh_answered_only_100_expires_on_time)
{
  nua_handle_t *nh = call_with("90;refresher=uac", NSTTAG_EXPIRY_WARNING(0),
                               NSTTAG_REFRESH_METHOD(nst_refresh_by_invite), TAG_END());
  struct message *invite, *bye;

  advance(45);
  invite = s2_sip_wait_for_request(SIP_METHOD_INVITE);
  ck_assert_msg(invite != NULL, "no re-INVITE refresh");
  peer_respond(invite, SIP_100_TRYING, TAG_END());
  advance(44);
  ck_assert_msg(!peer_has_request_of(sip_method_bye), "BYE before the session expired");
  advance(1);
  bye = s2_sip_wait_for_request(SIP_METHOD_BYE);
  ck_assert_msg(bye != NULL, "no BYE when the session expired");
  ck_assert_str_eq(bye->sip->sip_reason->re_protocol, "SIP");
  free(expect_nst_event(nst_ev_expired));
  ck_assert_transition("refreshing --expired--> ending");
  s2_sip_free_message(bye);
  s2_sip_free_message(invite);
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(lifetime_lowered_to_the_configured_maximum)
{
  nua_handle_t *nh = call_with("90;refresher=uas", NSTTAG_EXPIRY_WARNING(0),
                               TAG_END());
  unsigned granted = 0;

  /* Fixture: NSTTAG_LIFETIME_MAX(40). */
  ck_assert_int_eq(nst_set_lifetime(s2_nst, nh, 600, &granted), nst_lifetime_lowered);
  ck_assert_uint_eq(granted, 40);
  ck_assert_int_eq(nst_set_lifetime(s2_nst, nh, 0, &granted), nst_lifetime_lowered);
  ck_assert_uint_eq(granted, 40);
  ck_assert_int_eq(nst_set_lifetime(s2_nst, nh, 30, &granted), nst_lifetime_granted);
  ck_assert_uint_eq(granted, 30);
  /* The last one counts: 30 s from now. */
  advance(29);
  ck_assert_msg(!peer_has_request(), "BYE before 30 s");
  advance(1);
  expect_lifetime_bye();
  nua_handle_destroy(nh);
}
END_TEST

static unsigned extensions_left;

static void extend_lifetime(nst_t *nst, nst_event_t event, nua_handle_t *nh)
{
  unsigned granted = 0;

  if (event == nst_ev_lifetime_expiring && extensions_left > 0) {
    extensions_left--;
    ck_assert_int_eq(nst_set_lifetime(nst, nh, 100, &granted), nst_lifetime_granted);
    ck_assert_uint_eq(granted, 100);
  }
}

START_TEST(lifetime_extended_from_the_callback)
{
  /* No session timer here: the lifetime alone ends the call. */
  nua_handle_t *nh = call_with(NULL, NSTTAG_ENABLED(0), TAG_END());
  struct nst_recorded_event *e;

  ck_assert_int_eq(nst_set_lifetime(s2_nst, nh, 100, NULL), nst_lifetime_granted);
  extensions_left = 1;
  s2_nst_event_hook = extend_lifetime;

  advance(100);
  e = expect_nst_event(nst_ev_lifetime_expiring);
  free(e);
  ck_assert_msg(!nst_has_recorded_event(nst_ev_lifetime_expired), "ended although extended");
  ck_assert_msg(!peer_has_request(), "BYE although extended");
  advance(99);
  ck_assert_msg(!peer_has_request(), "BYE before the extension ran out");
  advance(1);
  free(expect_nst_event(nst_ev_lifetime_expiring));
  free(expect_nst_event(nst_ev_lifetime_expired));
  expect_lifetime_bye();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(lifetime_zero_clears_it)
{
  nua_handle_t *nh = call_with(NULL, NSTTAG_ENABLED(0), TAG_END());
  unsigned granted = 1;
  nst_info_t info;

  ck_assert_int_eq(nst_set_lifetime(s2_nst, nh, 50, NULL), nst_lifetime_granted);
  ck_assert_int_eq(nst_set_lifetime(s2_nst, nh, 0, &granted), nst_lifetime_granted);
  ck_assert_uint_eq(granted, 0);
  ck_assert_int_eq(nst_get_info(s2_nst, nh, &info), 0);
  ck_assert_int_eq(info.ni_lifetime_in_ms, -1);
  advance(120);                 /* well past the 50 s asked first */
  ck_assert_msg(!peer_has_request(), "BYE after the lifetime was cleared");
  ck_assert_msg(s2_nst_events == NULL, "nst reported %s",
                s2_nst_events ? nst_event_name(s2_nst_events->event) : "");
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(lifetime_rejected_before_the_call_and_after_it)
{
  nua_handle_t *nh = nua_handle(nua, NULL, SIPTAG_TO(s2sip->aor), TAG_END());
  struct message *invite;
  unsigned granted = 7;

  /* Unknown to nst yet. */
  ck_assert_int_eq(nst_set_lifetime(s2_nst, nh, 60, &granted), nst_lifetime_rejected);
  ck_assert_uint_eq(granted, 0);
  ck_assert_int_eq(nst_set_lifetime(NULL, nh, 60, NULL), nst_lifetime_rejected);
  ck_assert_int_eq(nst_set_lifetime(s2_nst, NULL, 60, NULL), nst_lifetime_rejected);

  /* Calling, not established. */
  invite = nst_sends_invite(nh, TAG_END());
  ck_assert_int_eq(nst_set_lifetime(s2_nst, nh, 60, &granted), nst_lifetime_rejected);
  peer_respond(invite, SIP_200_OK, SIPTAG_SESSION_EXPIRES_STR("90;refresher=uas"),
               TAG_END());
  s2_sip_free_message(invite);
  fail_unless_event(nua_r_invite, 200);
  ck_assert(s2_check_callstate(nua_callstate_ready));
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));

  ck_assert_int_eq(nst_set_lifetime(s2_nst, nh, 60, &granted), nst_lifetime_granted);
  bye_from_peer();
  /* The call is over: nothing to grant, and no timer left behind. */
  ck_assert_int_eq(nst_set_lifetime(s2_nst, nh, 60, &granted), nst_lifetime_rejected);
  advance(120);
  ck_assert_msg(!peer_has_request(), "request after the call ended");
  ck_assert_msg(!nst_has_recorded_event(nst_ev_lifetime_expiring), "lifetime event after the end");
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(lifetime_handle_destroyed_from_the_callback)
{
  nua_handle_t *nh = call_with(NULL, NSTTAG_ENABLED(0), TAG_END());
  struct message *m;
  nst_info_t info;

  ck_assert_int_eq(nst_set_lifetime(s2_nst, nh, 30, NULL), nst_lifetime_granted);
  s2_nst_destroy_on_event = nst_ev_lifetime_expiring;
  advance(30);
  free(expect_nst_event(nst_ev_lifetime_expiring));
  ck_assert_msg(!nst_has_recorded_event(nst_ev_lifetime_expired), "event on a destroyed call");
  /* nua ends a destroyed call with a BYE of its own; nst sends none. */
  advance(60);
  while ((m = s2sip->received)) {
    if (m->sip->sip_request && m->sip->sip_request->rq_method == sip_method_bye) {
      ck_assert_msg(!(m->sip->sip_reason &&
                      su_casematch(m->sip->sip_reason->re_protocol, "Q.850")),
                    "nst's lifetime BYE on a destroyed handle");
      s2_sip_respond_to(m, NULL, SIP_200_OK, TAG_END());
    }
    s2_sip_free_message(m);
  }
  ck_assert_msg(nst_get_info(s2_nst, nh, &info) == -1, "nst still knows the call");
}
END_TEST

START_TEST(lifetime_after_session_expiry_sends_no_second_bye)
{
  /* The session expires at 60 s, the lifetime would end at 61 s. */
  nua_handle_t *nh = call_with("90;refresher=uas", NSTTAG_EXPIRY_WARNING(0),
                               TAG_END());

  ck_assert_int_eq(nst_set_lifetime(s2_nst, nh, 61, NULL), nst_lifetime_granted);
  advance(60);
  expect_expiry_bye();
  advance(10);
  ck_assert_msg(!peer_has_request(), "a second BYE");
  ck_assert_msg(!nst_has_recorded_event(nst_ev_lifetime_expiring), "the lifetime ran on");
  nua_handle_destroy(nh);
}
END_TEST

START_TEST(session_expiry_after_lifetime_sends_no_second_bye)
{
  /* The lifetime ends at 59 s, the session would expire at 60 s. */
  nua_handle_t *nh = call_with("90;refresher=uas", NSTTAG_EXPIRY_WARNING(0),
                               TAG_END());

  ck_assert_int_eq(nst_set_lifetime(s2_nst, nh, 59, NULL), nst_lifetime_granted);
  advance(59);
  expect_lifetime_bye();
  free(expect_nst_event(nst_ev_lifetime_expired));
  advance(10);
  ck_assert_msg(!peer_has_request(), "a second BYE");
  ck_assert_msg(!nst_has_recorded_event(nst_ev_expired), "the session expired too");
  nua_handle_destroy(nh);
}
END_TEST

/* ====================================================================== */
/* Refreshes on a common grid (NSTTAG_REFRESH_BATCH) */

static uint64_t clock_ms(void)
{
  su_time_t now = su_now();
  return (uint64_t)now.tv_sec * 1000u + now.tv_usec / 1000u;
}

START_TEST(refresh_batch_puts_refreshes_on_the_grid_never_late)
{
  nua_handle_t *nh = call_with("90;refresher=uac", NSTTAG_REFRESH_BATCH(10000), TAG_END());
  nst_info_t info;
  uint64_t due;
  long r;

  ck_assert_int_eq(nst_get_info(s2_nst, nh, &info), 0);
  r = info.ni_refresh_in_ms;
  due = clock_ms() + (uint64_t)r;
  /* On the 10 s grid of the clock (which may have moved a ms meanwhile),
   * early by less than one slot, never late: calls whose refreshes fall in
   * the same slot refresh at the same instant. */
  ck_assert_msg(due % 10000 <= 2 || due % 10000 >= 9998, "due at %llu",
                (unsigned long long)due);
  ck_assert_int_le(r, 45000);
  ck_assert_int_gt(r, 35000 - 2);

  advance((unsigned)(r - 1000) / 1000);
  ck_assert_msg(!peer_has_request(), "refresh before its slot");
  advance(2);
  peer_answers_refresh_update();
  free(expect_nst_event(nst_ev_refresh_answered));
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

/* ====================================================================== */
/* Invalid per-call tags: refused, never clamped */

START_TEST(per_call_invalid_tags_refuse_the_request)
{
  nua_handle_t *nh = nua_handle(nua, NULL, SIPTAG_TO(s2sip->aor), TAG_END());
  struct message *response, *m;

  ck_assert_int_eq(nst_invite(s2_nst, nh, SOATAG_USER_SDP_STR(NUA_SDP),
                              NSTTAG_MIN_SE(60), TAG_END()), -1);
  ck_assert_int_eq(nst_invite(s2_nst, nh, SOATAG_USER_SDP_STR(NUA_SDP),
                              NSTTAG_SESSION_EXPIRES(100), NSTTAG_MIN_SE(120),
                              TAG_END()), -1);
  ck_assert_int_eq(nst_update(s2_nst, nh, NSTTAG_REFRESH_METHOD(7), TAG_END()), -1);
  ck_assert_int_eq(nst_invite(NULL, nh, TAG_END()), -1);
  settle();
  ck_assert_msg(!peer_has_request(), "a refused request went out");
  nua_handle_destroy(nh);

  /* Answering: refused, then answered with valid tags. */
  nh = peer_calls(SIPTAG_SUPPORTED_STR("timer"),
                  SIPTAG_SESSION_EXPIRES_STR("600"), TAG_END());
  ck_assert_int_eq(nst_respond(s2_nst, nh, SIP_200_OK, SOATAG_USER_SDP_STR(NUA_SDP),
                               NSTTAG_EXPIRY_WARNING(60), TAG_END()), -1);
  settle();
  for (m = s2sip->received; m; m = m->next)
    ck_assert_msg(!(m->sip->sip_status && m->sip->sip_status->st_status >= 200),
                  "a refused answer went out");
  response = answer_call(nh, NSTTAG_SESSION_EXPIRES(300), TAG_END());
  check_se(response, 300, "uac");      /* the per-call tag lowered it (9) */
  s2_sip_free_message(response);
  bye_from_peer();
  nua_handle_destroy(nh);
}
END_TEST

/* ====================================================================== */

static void setup_refresh_sdp(void)
{
  setup_with(NSTTAG_SESSION_EXPIRES(90), NSTTAG_REFRESH_SDP(1), TAG_END());
}

static void setup_lifetime_max(void)
{
  setup_with(NSTTAG_SESSION_EXPIRES(90), NSTTAG_LIFETIME_MAX(40), TAG_END());
}

void app_cases(Suite *s)
{
  TCase *tc;

  tc = nst_tcase("app: UPDATE refresh with SDP", setup_90);
  tcase_add_test(tc, refresh_update_with_sdp_offers_the_same_session);
  suite_add_tcase(s, tc);
  tc = nst_tcase("app: UPDATE refresh with SDP, module default", setup_refresh_sdp);
  tcase_add_test(tc, refresh_update_without_sdp_by_default_and_per_call);
  suite_add_tcase(s, tc);

  tc = nst_tcase("app: about to expire", setup_90);
  tcase_add_test(tc, expiring_event_comes_warning_seconds_before_the_bye);
  tcase_add_test(tc, expiring_event_not_sent_when_the_peer_refreshes);
  tcase_add_test(tc, expiring_event_for_the_refresher_whose_refreshes_fail);
  tcase_add_test(tc, expiring_event_off_with_zero_warning);
  tcase_add_test(tc, expiry_warning_too_long_for_min_se_is_refused);
  suite_add_tcase(s, tc);

  tc = nst_tcase("app: call lifetime", setup_90);
  tcase_add_test(tc, lifetime_granted_ends_call_with_bye_while_timer_refreshes);
  tcase_add_test(tc, lifetime_ends_call_while_refresh_is_out);
  tcase_add_test(tc, peer_bye_while_refresh_is_out_ends_the_call);
  tcase_add_test(tc, app_refuses_incoming_call_with_486);
  tcase_add_test(tc, refresh_answered_while_bye_is_going_changes_nothing);
  tcase_add_test(tc, app_destroys_call_while_its_invite_is_out);
  tcase_add_test(tc, app_destroys_incoming_call_before_answering);
  tcase_add_test(tc, app_destroys_call_while_expiry_bye_is_out);
  tcase_add_test(tc, peer_refresh_while_our_refresh_is_out_is_answered);
  tcase_add_test(tc, reinvite_refresh_answered_only_100_expires_on_time);
  tcase_add_test(tc, lifetime_extended_from_the_callback);
  tcase_add_test(tc, lifetime_zero_clears_it);
  tcase_add_test(tc, lifetime_rejected_before_the_call_and_after_it);
  tcase_add_test(tc, lifetime_handle_destroyed_from_the_callback);
  tcase_add_test(tc, lifetime_after_session_expiry_sends_no_second_bye);
  tcase_add_test(tc, session_expiry_after_lifetime_sends_no_second_bye);
  suite_add_tcase(s, tc);
  tc = nst_tcase("app: refreshes on a grid", setup_90);
  tcase_add_test(tc, refresh_batch_puts_refreshes_on_the_grid_never_late);
  suite_add_tcase(s, tc);

  tc = nst_tcase("app: per-call tags", setup);
  tcase_add_test(tc, per_call_invalid_tags_refuse_the_request);
  suite_add_tcase(s, tc);

  tc = nst_tcase("app: call lifetime, configured maximum", setup_lifetime_max);
  tcase_add_test(tc, lifetime_lowered_to_the_configured_maximum);
  suite_add_tcase(s, tc);
}
