/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fixtures and helpers shared by nst's s2-based suites.
 */
#include "config.h"

#undef NDEBUG

#include "s2_helpers.h"

#include <sofia-sip/nta_tag.h>

#include <stdlib.h>
#include <string.h>




nua_t *nua;
soa_session_t *peer_soa;
struct dialog *dialog;

/* ---------------------------------------------------------------------- */
/* Fixtures */

/* The Contact for a new call's INVITE: nua's own (its transport's
 * address, as nua_get_params() reports it in NTATAG_CONTACT on both
 * lines; setup_with() asks for it). nua 1.13 adds none to requests by
 * itself (1.12 did); given on the INVITE, nua keeps it as the dialog's for
 * the later requests (refreshes, BYE). */
static sip_contact_t *own_contact;

sip_contact_t const *nua_contact(void)
{
  ck_assert_msg(own_contact != NULL, "nua reported no Contact");
  return own_contact;
}

static void fetch_own_contact(void)
{
  struct event *e;
  sip_contact_t const *m = NULL;

  nua_get_params(nua, TAG_ANY(), TAG_END());
  e = s2_wait_for_event(nua_r_get_params, 200);
  ck_assert(e != NULL);
  tl_gets(e->data->e_tags, NTATAG_CONTACT_REF(m), TAG_END());
  own_contact = m ? sip_contact_dup(dialog->home, m) : NULL;
  s2_free_event(e);
}


void setup_with(tag_type_t tag, tag_value_t value, ...)
{
  ta_list ta;

  ta_start(ta, tag, value);
  nua = s2_nua_setup("nst", NUTAG_OUTBOUND("no-options-keepalive, no-validate"),
                     ta_tags(ta));
  (void)ta_end(ta);
  ck_assert(nua != NULL);
  ck_assert(s2_nst != NULL);

  peer_soa = soa_create(NULL, s2base->root, NULL);
  ck_assert(peer_soa != NULL);
  soa_set_params(peer_soa, SOATAG_USER_SDP_STR(PEER_SDP), TAG_END());
  dialog = su_home_new(sizeof *dialog);
  ck_assert(dialog != NULL);
  fetch_own_contact();

  /* nua refreshes a registration at a random moment before it expires;
   * a day-long one keeps re-REGISTERs out of the tests' long waits. */
  s2_default_registration_duration = 24 * 3600;
  s2_register_setup();
}

void setup(void)
{
  setup_with(TAG_END());
}

/* Session-Expires 90 on both sides, so that timings are those of the
 * smallest legal interval. */
void setup_90(void)
{
  setup_with(NSTTAG_SESSION_EXPIRES(90), TAG_END());
}

void teardown(void)
{
  s2_teardown_started("nst");
  s2_register_teardown();
  if (s2->shutdown == 0) {
    nua_shutdown(nua);
    fail_unless_event(nua_r_shutdown, 200);
  }
  s2_sip_flush_messages();   /* retransmissions the tests did not consume */
  s2_flush_events();
  s2_nua_teardown();
  soa_destroy(peer_soa), peer_soa = NULL;
  su_home_unref(dialog->home), dialog = NULL;
  own_contact = NULL;
}

/* ---------------------------------------------------------------------- */
/* Helpers: the peer's side */

/* Let loopback traffic through without moving the clock much. */
void settle(void)
{
  int i;
  for (i = 0; i < 5; i++)
    su_root_step(s2base->root, 2);
}

/* Move the clock @a seconds forward, one second at a time, so that each
 * timer fires in the second it is due. */
void advance(unsigned seconds)
{
  unsigned i;
  for (i = 0; i < seconds; i++)
    s2_nua_fast_forward(1, s2base->root);
  settle();
}

/* Move the clock @a ms milliseconds forward, one millisecond at a time. */
void advance_ms(unsigned ms)
{
  unsigned i;
  for (i = 0; i < ms; i++)
    s2_quickstep(s2base->root, 0, 1);
}

/* Whether nua sent the peer a request with @a method. */
int peer_has_request_of(sip_method_t method)
{
  struct message *m;
  for (m = s2sip->received; m; m = m->next)
    if (m->sip->sip_request && m->sip->sip_request->rq_method == method)
      return 1;
  return 0;
}

/* Whether nua sent the peer a request of the call (re-REGISTERs of the
 * harness's registration do not count). */
int peer_has_request(void)
{
  struct message *m;
  for (m = s2sip->received; m; m = m->next)
    if (m->sip->sip_request &&
        m->sip->sip_request->rq_method != sip_method_register)
      return 1;
  return 0;
}

/* The method of the first request of the call nua sent the peer, for
 * failure messages ("" if none). */
char const *peer_request_name(void)
{
  struct message *m;
  for (m = s2sip->received; m; m = m->next)
    if (m->sip->sip_request &&
        m->sip->sip_request->rq_method != sip_method_register)
      return m->sip->sip_request->rq_method_name;
  return "";
}

void peer_take_offer(struct message *m)
{
  sip_payload_t const *pl = m->sip->sip_payload;
  ck_assert(pl != NULL && pl->pl_len > 0);
  ck_assert(!(soa_set_remote_sdp(peer_soa, NULL, pl->pl_data, (issize_t)pl->pl_len) < 0));
  ck_assert(!(soa_generate_answer(peer_soa, NULL) < 0));
}

void peer_take_answer(struct message *m)
{
  sip_payload_t const *pl = m->sip->sip_payload;
  ck_assert(pl != NULL && pl->pl_len > 0);
  ck_assert(!(soa_set_remote_sdp(peer_soa, NULL, pl->pl_data, (issize_t)pl->pl_len) < 0));
  ck_assert(!(soa_process_answer(peer_soa, NULL) < 0));
}

char const *peer_sdp(void)
{
  char const *body = NULL;
  isize_t len;
  ck_assert(!(soa_get_local_sdp(peer_soa, NULL, &body, &len) != 1));
  return body;
}

/* Answer a request from nua, with SDP if it carried an offer. */
void peer_respond(struct message *m, int status, char const *phrase,
                         tag_type_t tag, tag_value_t value, ...)
{
  int offer = m->sip->sip_payload && m->sip->sip_payload->pl_len > 0;
  ta_list ta;

  if (offer)
    peer_take_offer(m);
  ta_start(ta, tag, value);
  s2_sip_respond_to(m, dialog, status, phrase,
                    TAG_IF(offer, SIPTAG_CONTENT_TYPE_STR("application/sdp")),
                    TAG_IF(offer, SIPTAG_PAYLOAD_STR(peer_sdp())),
                    ta_tags(ta));
  (void)ta_end(ta);
}

void peer_request(sip_method_t method, char const *name, int with_sdp,
                         tag_type_t tag, tag_value_t value, ...)
{
  ta_list ta;

  if (with_sdp)
    ck_assert(!(soa_generate_offer(peer_soa, 1, NULL) < 0));
  ta_start(ta, tag, value);
  ck_assert(!(s2_sip_request_to(dialog, method, name, NULL,
                            TAG_IF(with_sdp, SIPTAG_CONTENT_TYPE_STR("application/sdp")),
                            TAG_IF(with_sdp, SIPTAG_PAYLOAD_STR(peer_sdp())),
                            ta_tags(ta))));
  (void)ta_end(ta);
}

sip_session_expires_t const *se_of(struct message *m)
{
  return m->sip->sip_session_expires;
}

void check_se(struct message *m, unsigned long delta, char const *refresher)
{
  sip_session_expires_t const *x = se_of(m);
  ck_assert_msg(x != NULL, "no Session-Expires");
  ck_assert_uint_eq(x->x_delta, delta);
  if (refresher)
    ck_assert_str_eq(x->x_refresher ? x->x_refresher : "(none)", refresher);
  else
    ck_assert_msg(x->x_refresher == NULL, "unexpected refresher=%s", x->x_refresher);
}

int has_timer(msg_list_t const *list)
{
  return sip_has_feature(list, "timer");
}

/* Count the occurrences of "timer" over all Require headers. */
int require_timer_count(struct message *m)
{
  sip_require_t const *rq;
  int n = 0, i;
  for (rq = m->sip->sip_require; rq; rq = rq->k_next)
    for (i = 0; rq->k_items && rq->k_items[i]; i++)
      n += su_casematch(rq->k_items[i], "timer");
  return n;
}

struct nst_recorded_event *expect_nst_event(nst_event_t event)
{
  struct nst_recorded_event *e;

  for (;;) {
    e = nst_next_recorded_event();
    ck_assert_msg(e != NULL, "no %s", nst_event_name(event));
    if (e->event == event)
      return e;
    free(e);
  }
}

int nst_has_recorded_event(nst_event_t event)
{
  struct nst_recorded_event *e;
  for (e = s2_nst_events; e; e = e->next)
    if (e->event == event)
      return 1;
  return 0;
}

int app_saw(nua_event_t event)
{
  struct event *e;
  for (e = s2->events; e; e = e->next)
    if (e->data->e_event == event)
      return 1;
  return 0;
}

/* ---------------------------------------------------------------------- */
/* Helpers: calls */

/* nst sends the INVITE of a new call on @a nh (with @a tags); returns the
 * INVITE as the peer got it. */
struct message *nst_sends_invite(nua_handle_t *nh, tag_type_t tag, tag_value_t value, ...)
{
  struct message *invite;
  ta_list ta;

  ta_start(ta, tag, value);
  nst_invite(s2_nst, nh, SOATAG_USER_SDP_STR(NUA_SDP), SIPTAG_CONTACT(nua_contact()),
             ta_tags(ta));
  (void)ta_end(ta);
  ck_assert(s2_check_callstate(nua_callstate_calling));
  invite = s2_sip_wait_for_request(SIP_METHOD_INVITE);
  ck_assert(invite != NULL);
  return invite;
}

/* nst calls the peer; the peer answers 200 with @a tags. */
nua_handle_t *call_peer(struct message **invite_out,
                               tag_type_t tag, tag_value_t value, ...)
{
  nua_handle_t *nh = nua_handle(nua, NULL, SIPTAG_TO(s2sip->aor), TAG_END());
  struct message *invite = nst_sends_invite(nh, TAG_END());
  ta_list ta;

  ta_start(ta, tag, value);
  peer_respond(invite, SIP_200_OK, ta_tags(ta));
  (void)ta_end(ta);

  fail_unless_event(nua_r_invite, 200);
  ck_assert(s2_check_callstate(nua_callstate_ready));
  ck_assert(s2_sip_check_request(SIP_METHOD_ACK));

  if (invite_out)
    *invite_out = invite;
  else
    s2_sip_free_message(invite);
  return nh;
}

/* The peer calls nst with @a tags; returns the handle of the incoming call,
 * not yet answered. */
nua_handle_t *peer_calls(tag_type_t tag, tag_value_t value, ...)
{
  struct event *invite;
  nua_handle_t *nh;
  ta_list ta;

  ta_start(ta, tag, value);
  peer_request(SIP_METHOD_INVITE, 1, ta_tags(ta));
  (void)ta_end(ta);

  invite = s2_wait_for_event(nua_i_invite, 100);
  ck_assert(invite != NULL);
  nh = invite->nh;
  s2_free_event(invite);
  ck_assert(s2_check_callstate(nua_callstate_received));
  ck_assert(s2_sip_check_response(100, SIP_METHOD_INVITE));
  return nh;
}

/* nst answers the incoming call 200; returns the 200 the peer received. */
struct message *answer_call(nua_handle_t *nh, tag_type_t tag, tag_value_t value, ...)
{
  struct message *response;
  ta_list ta;

  ta_start(ta, tag, value);
  nst_respond(s2_nst, nh, SIP_200_OK, SOATAG_USER_SDP_STR(NUA_SDP), ta_tags(ta));
  (void)ta_end(ta);
  ck_assert(s2_check_callstate(nua_callstate_completed));

  response = s2_sip_wait_for_response(200, SIP_METHOD_INVITE);
  ck_assert(response != NULL);
  s2_sip_update_dialog(dialog, response);
  peer_take_answer(response);
  ck_assert(!(s2_sip_request_to(dialog, SIP_METHOD_ACK, NULL, TAG_END())));
  fail_unless_event(nua_i_ack, 200);
  ck_assert(s2_check_callstate(nua_callstate_ready));
  return response;
}

void bye_from_peer(void)
{
  ck_assert(!(s2_sip_request_to(dialog, SIP_METHOD_BYE, NULL, TAG_END())));
  fail_unless_event(nua_i_bye, 200);
  ck_assert(s2_check_callstate(nua_callstate_terminated));
  ck_assert(s2_sip_check_response(200, SIP_METHOD_BYE));
}

/* The expiry BYE: at the right moment, with the Reason of section 10. */
void expect_expiry_bye(void)
{
  struct message *bye = s2_sip_wait_for_request(SIP_METHOD_BYE);
  ck_assert(bye != NULL);
  ck_assert_msg(bye->sip->sip_reason != NULL, "BYE without Reason");
  ck_assert_str_eq(bye->sip->sip_reason->re_protocol, "SIP");
  s2_sip_respond_to(bye, dialog, SIP_200_OK, TAG_END());
  s2_sip_free_message(bye);
  fail_unless_event(nua_r_bye, 200);
  ck_assert(s2_check_callstate(nua_callstate_terminated));
  free(expect_nst_event(nst_ev_expired));
}

TCase *nst_tcase(char const *name, void (*fixture)(void))
{
  TCase *tc = tcase_create(name);
  tcase_add_checked_fixture(tc, fixture, teardown);
  tcase_set_timeout(tc, 60);
  return tc;
}
