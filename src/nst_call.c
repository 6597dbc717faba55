/*
 * nst - one call: sending, refreshing, answering, failures.
 *
 * The state of a call is "who refreshes" (local/remote), the interval and
 * the Min-SE in force, and what is in flight. Every 2xx to an INVITE or
 * UPDATE, in either direction, re-arms the timers through call_set_session().
 */
#include "config.h"

#include "nst_priv.h"

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_tagarg.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SU_LOG (nst_log)
#include <sofia-sip/su_debug.h>

/* RFC 4028 section 6 names the status "Session Interval Too Small". */
#define NST_422 422, "Session Interval Too Small"

/* RFC 4028 section 10 names no Reason for the expiry BYE; nua's own engine
 * and most stacks send this one. */
#define NST_EXPIRY_REASON "SIP;cause=408;text=\"Session timeout\""

/* The end of a lifetime the application set is a normal clearing (Q.850
 * cause 16), not a failure: RFC 3326 lets the BYE say so. */
#define NST_LIFETIME_REASON "Q.850;cause=16;text=\"Call lifetime expired\""

static void call_refresh_due(void *arg);
static void call_expiry_due(void *arg);
static su_time_t const nst_no_time = { 0, 0 };
static void call_expiry_warning_due(void *arg);
static void call_lifetime_due(void *arg);
static void call_next_due(void *arg);

/* ---------------------------------------------------------------------- */
/* Lookup and lifetime */

nst_call_t *nst_call_find(nst_t const *nst, nua_handle_t const *nh)
{
  return nh ? g_hash_table_lookup(nst->ns_calls, nh) : NULL;
}

nst_call_t *nst_call_get(nst_t *nst, nua_handle_t *nh)
{
  nst_call_t *call = nst_call_find(nst, nh);

  if (call)
    return call;

  /* Plain malloc, not an su_home: a home's block table alone would double
   * what nst costs per call (bench/RESULTS.md). */
  call = g_try_new0(nst_call_t, 1);
  if (call == NULL)
    return NULL;
  call->nc_nst = nst;
  call->nc_nh = nua_handle_ref(nh);
  call->nc_config = nst->ns_config;
  if (nst_sched_init(&call->nc_refresh_timer, nst->ns_sched) < 0 ||
      nst_sched_init(&call->nc_expiry_timer, nst->ns_sched) < 0 ||
      nst_sched_init(&call->nc_next_timer, nst->ns_sched) < 0 ||
      nst_sched_init(&call->nc_lifetime_timer, nst->ns_sched) < 0)
    SU_DEBUG_1(("nst: cannot create timers for call %p\n", (void *)nh));
  g_hash_table_insert(nst->ns_calls, nh, call);
  return call;
}

/* Hash-table value destructor: the timers go first, so that none can fire
 * on a freed call. */
void nst_call_free(gpointer data)
{
  nst_call_t *call = data;

  nst_sched_deinit(&call->nc_refresh_timer);
  nst_sched_deinit(&call->nc_expiry_timer);
  nst_sched_deinit(&call->nc_next_timer);
  nst_sched_deinit(&call->nc_lifetime_timer);
  su_free(NULL, call->nc_app_tags);
  su_free(NULL, call->nc_call_id);
  su_free(NULL, call->nc_from);
  su_free(NULL, call->nc_cseq);
  nua_handle_unref(call->nc_nh);
  g_free(call);
}

/* The application's request is done with: its tags are no longer needed. */
static void call_app_request_done(nst_call_t *call)
{
  call->nc_app_method = nst_method_none;
  su_free(NULL, call->nc_app_tags);
  call->nc_app_tags = NULL;
}

static void call_forget(nst_call_t *call)
{
  g_hash_table_remove(call->nc_nst->ns_calls, call->nc_nh);
}

/* ---------------------------------------------------------------------- */
/* Telling the application */

static nst_method_t call_refresh_method(nst_call_t const *call)
{
  switch (call->nc_config.refresh_method) {
  case nst_refresh_by_invite:
    return nst_method_invite;
  case nst_refresh_by_update:
    return call->nc_update_refused ? nst_method_invite : nst_method_update;
  default:
    return call->nc_peer_allows_update && !call->nc_update_refused
      ? nst_method_update : nst_method_invite;
  }
}

void nst_call_info(nst_call_t const *call, int status, char const *phrase,
                   nst_info_t *info)
{
  memset(info, 0, sizeof *info);
  info->ni_interval = call->nc_session.interval;
  info->ni_refresher = call->nc_session.refresher;
  if (call->nc_session.refresher == nst_refresher_local)
    info->ni_method = call_refresh_method(call);
  info->ni_status = status;
  info->ni_phrase = phrase;
  info->ni_refreshes = call->nc_refreshes;
  info->ni_refresh_in_ms = nst_sched_remaining_ms(&call->nc_refresh_timer);
  info->ni_expires_in_ms = -1;
  if (call->nc_expires_at.tv_sec) {
    su_duration_t left = su_duration(call->nc_expires_at, su_now());
    info->ni_expires_in_ms = left > 0 ? left : 0;
  }
  info->ni_lifetime_in_ms = nst_sched_remaining_ms(&call->nc_lifetime_timer);
}

/* Tell the application. Returns 1 if the call is still there afterwards:
 * the application may destroy its handle from the callback
 * (nst_handle_destroy()), and then @a call is gone. */
static int call_report(nst_call_t *call, nst_event_t event, int status,
                       char const *phrase)
{
  nst_t *nst = call->nc_nst;
  nua_handle_t *nh = call->nc_nh;
  nst_info_t info;

  switch (event) {
  case nst_ev_refresh_sent: nst->ns_stats.ns_refreshes_sent++; break;
  case nst_ev_refresh_received: nst->ns_stats.ns_refreshes_received++; break;
  case nst_ev_refresh_failed: nst->ns_stats.ns_refresh_failures++; break;
  case nst_ev_expired: nst->ns_stats.ns_expiries++; break;
  case nst_ev_lifetime_expired: nst->ns_stats.ns_lifetime_ends++; break;
  default: break;
  }
  nst_call_info(call, status, phrase, &info);
  SU_DEBUG_5(("nst: %p %s interval=%u refresher=%s status=%d\n",
              (void *)nh, nst_event_name(event), info.ni_interval,
              nst_refresher_name(info.ni_refresher), status));
  if (nst->ns_ev_callback == NULL)
    return 1;
  nst->ns_ev_callback(event, nst, nh, nua_handle_magic(nh), &info, nst->ns_ev_magic);
  return nst_call_find(nst, nh) == call;
}

/* ---------------------------------------------------------------------- */
/* Timers */

/* The session ends @a ms after @a now unless refreshed; warn first. */
static void call_arm_expiry(nst_call_t *call, su_time_t now, uint64_t ms)
{
  int64_t warn = nst_warning_delay_ms(ms, call->nc_config.expiry_warning);

  call->nc_expires_at = su_time_add(now, (su_duration_t)ms);
  if (warn < 0)
    nst_sched_arm(&call->nc_expiry_timer, ms, call_expiry_due, call);
  else
    nst_sched_arm(&call->nc_expiry_timer, (uint64_t)warn,
                  call_expiry_warning_due, call);
}

/* RFC 4028 section 10: the refresher refreshes at half the interval and
 * gives up when the session expires; the other side sends BYE at
 * interval - min(32, interval/3). */
static void call_arm(nst_call_t *call)
{
  unsigned interval = call->nc_session.interval;
  su_time_t now = su_now();

  nst_sched_cancel(&call->nc_refresh_timer);
  nst_sched_cancel(&call->nc_expiry_timer);
  call->nc_expires_at = nst_no_time;   /* until armed again */
  call->nc_refresh_waiting = 0;
  call->nc_refreshed_at = now;

  if (interval == 0)
    return;

  if (call->nc_session.refresher == nst_refresher_local) {
    nst_sched_arm_grid(&call->nc_refresh_timer, nst_refresh_delay_ms(interval),
                       call->nc_config.refresh_batch, call_refresh_due, call);
    call_arm_expiry(call, now, (uint64_t)interval * 1000u);
  }
  else {
    call_arm_expiry(call, now, nst_expiry_delay_ms(interval));
  }
}

/* The one place a session starts, changes or stops. */
static void call_set_session(nst_call_t *call, nst_outcome_t const *session)
{
  call->nc_session = *session;
  call->nc_established = 1;
  if (!call->nc_appl_update) {
    /* From now on the peer's UPDATEs are session refreshes: nua hands them
     * to us unanswered, so that the 200 carries the timer headers. Not
     * earlier, and not for the whole nua: with UPDATE an application
     * method, nua would not send the UPDATE of RFC 3312 preconditions. */
    call->nc_appl_update = 1;
    call->nc_own_set_params++;
    nua_set_hparams(call->nc_nh, NUTAG_APPL_METHOD("UPDATE"), TAG_END());
  }
  call_arm(call);
}

static void call_note_peer(nst_call_t *call, sip_t const *sip)
{
  if (sip && sip->sip_allow)
    call->nc_peer_allows_update =
      sip_is_allowed(sip->sip_allow, sip_method_update, "UPDATE");
}

/* ---------------------------------------------------------------------- */
/* Sending requests */

/* Per-call configuration: the call's own (or, for a call nst does not
 * know yet, the module's), overridden by NSTTAG_* in @a tags. -1 if the
 * result is invalid: the request is refused, not sent with other values. */
static int call_config_with_tags(nst_t *nst, nua_handle_t *nh, tagi_t const *tags,
                                 nst_config_t *cfg)
{
  nst_call_t const *call = nst_call_find(nst, nh);
  char const *why;

  *cfg = call ? call->nc_config : nst->ns_config;
  nst_config_from_tags(cfg, tags);
  if (nst_config_check(cfg, &why) < 0) {
    SU_DEBUG_1(("nst: call %p: request refused, NSTTAG_* invalid: %s\n",
                (void *)nh, why));
    return -1;
  }
  return 0;
}

/* Every INVITE and UPDATE nst sends goes through here, with @a h as its
 * timer headers.
 *
 * NUTAG_AUTOANSWER(0) makes nua hand re-INVITEs to us unanswered
 * (nua-integration.md section 2). NUTAG_RETRY_COUNT(1) limits nua's own
 * restart after 422, which resends the request unchanged, to one (section
 * 4); 0 would stop it too, but would also keep nua from storing a 401/407
 * challenge, and nua_authenticate() would then have nothing to answer.
 * Both stick to the handle. 
 *
 * Our SDP-less refresh UPDATE goes out as an extension request
 * (nua_method()), outside nua's session usage: nua would otherwise end the
 * call with BYE on any 5xx to it (its dialog-usage rules), where RFC 4028
 * keeps the session until it expires, and would destroy the dialog on
 * 408/481 before we can send the BYE section 10 asks for. */
#define NST_NUA_RETRY_COUNT 1

typedef enum nst_send_as_e {
  nst_send_session,          /* nua_invite() / nua_update() */
  nst_send_refresh_update    /* nua_method("UPDATE") */
} nst_send_as_t;

static void call_send(nst_call_t *call, nst_method_t method, nst_send_as_t as,
                      nst_hdrs_t const *h, tagi_t const *tags)
{
  nst_hdr_strs_t s;

  call->nc_sent = *h;
  nst_format_hdrs(h, &s);

  if (as == nst_send_refresh_update)
    nua_method(call->nc_nh,
               NUTAG_METHOD("UPDATE"), NUTAG_RETRY_COUNT(NST_NUA_RETRY_COUNT),
               SIPTAG_SUPPORTED_STR("timer"),
               TAG_IF(s.require_timer, SIPTAG_REQUIRE_STR("timer")),
               TAG_IF(s.se[0], SIPTAG_SESSION_EXPIRES_STR(s.se)),
               TAG_IF(s.min_se[0], SIPTAG_MIN_SE_STR(s.min_se)),
               TAG_NEXT(tags));
  else if (method == nst_method_invite)
    nua_invite(call->nc_nh,
               NUTAG_AUTOANSWER(0), NUTAG_RETRY_COUNT(NST_NUA_RETRY_COUNT),
               TAG_IF(s.require_timer, SIPTAG_REQUIRE_STR("timer")),
               TAG_IF(s.se[0], SIPTAG_SESSION_EXPIRES_STR(s.se)),
               TAG_IF(s.min_se[0], SIPTAG_MIN_SE_STR(s.min_se)),
               TAG_NEXT(tags));
  else
    nua_update(call->nc_nh,
               NUTAG_AUTOANSWER(0), NUTAG_RETRY_COUNT(NST_NUA_RETRY_COUNT),
               TAG_IF(s.require_timer, SIPTAG_REQUIRE_STR("timer")),
               TAG_IF(s.se[0], SIPTAG_SESSION_EXPIRES_STR(s.se)),
               TAG_IF(s.min_se[0], SIPTAG_MIN_SE_STR(s.min_se)),
               TAG_NEXT(tags));
}

static nst_hdrs_t call_request_hdrs(nst_call_t const *call)
{
  return nst_uac_request(&call->nc_config,
                         call->nc_session.interval ? &call->nc_session : NULL);
}

/* An INVITE or UPDATE of the application's (initial call, hold, ...). */
static int call_send_app(nst_t *nst, nua_handle_t *nh, nst_method_t method,
                         tagi_t const *tags)
{
  nst_config_t cfg;
  nst_call_t *call;
  nst_hdrs_t h;

  if (call_config_with_tags(nst, nh, tags, &cfg) < 0)
    return -1;
  call = nst_call_get(nst, nh);
  if (call == NULL) {           /* out of memory: at least the request goes */
    if (method == nst_method_invite)
      nua_invite(nh, TAG_NEXT(tags));
    else
      nua_update(nh, TAG_NEXT(tags));
    return 0;
  }

  if (!call->nc_established && method == nst_method_invite)
    call->nc_caller = 1;        /* we place the call: we own the Call-ID */

  call->nc_config = cfg;
  su_free(NULL, call->nc_app_tags);
  call->nc_app_tags = tl_adup(NULL, tags);
  call->nc_app_method = method;
  call->nc_422_retries = 0;
  h = call_request_hdrs(call);
  call_send(call, method, nst_send_session, &h, tags);
  return 0;
}

int nst_invite(nst_t *nst, nua_handle_t *nh, tag_type_t tag, tag_value_t value, ...)
{
  ta_list ta;
  int retval;

  if (nst == NULL || nh == NULL)
    return -1;
  ta_start(ta, tag, value);
  retval = call_send_app(nst, nh, nst_method_invite, ta_args(ta));
  (void)ta_end(ta);  /* Sofia's macro ends in a bare 0 */
  return retval;
}

int nst_update(nst_t *nst, nua_handle_t *nh, tag_type_t tag, tag_value_t value, ...)
{
  ta_list ta;
  int retval;

  if (nst == NULL || nh == NULL)
    return -1;
  ta_start(ta, tag, value);
  retval = call_send_app(nst, nh, nst_method_update, ta_args(ta));
  (void)ta_end(ta);
  return retval;
}

/* ---------------------------------------------------------------------- */
/* Refreshing (RFC 4028 sections 7.4 and 10) */

/* Anything that a refresh must not cross: our own refresh, a request of
 * the application's, or a re-INVITE of the peer's whose ACK is still due
 * (RFC 3261 14.1: one offer/answer at a time; pitfalls.md 5). */
static int call_busy(nst_call_t const *call)
{
  return call->nc_refreshing != nst_method_none ||
         call->nc_app_method != nst_method_none ||
         call->nc_peer_pending;
}

static void call_send_refresh(nst_call_t *call, nst_hdrs_t const *h)
{
  nst_method_t method = call_refresh_method(call);

  call->nc_refreshing = method;
  if (method == nst_method_update && !call->nc_config.refresh_sdp) {
    /* No SDP: a refresh is no reason to renegotiate media (pitfalls.md 11). */
    call_send(call, method, nst_send_refresh_update, h, NULL);
  }
  else {
    /* A re-INVITE, or an UPDATE with SDP (NSTTAG_REFRESH_SDP()), is an
     * offer/answer of nua's session: it reports call states, which the
     * application must not see (on_i_state). */
    call->nc_hide_states = 1;
    call_send(call, method, nst_send_session, h, NULL);
  }
}

static void call_start_refresh(nst_call_t *call)
{
  nst_hdrs_t h = call_request_hdrs(call);

  call->nc_refreshes++;
  call->nc_422_retries = 0;
  call_send_refresh(call, &h);
  call_report(call, nst_ev_refresh_sent, 0, NULL);
}

static void call_refresh_due(void *arg)
{
  nst_call_t *call = arg;

  if (call->nc_ending || !call->nc_session.interval)
    return;
  if (call_busy(call)) {
    SU_DEBUG_5(("nst: %p refresh waits for a pending transaction\n",
                (void *)call->nc_nh));
    call->nc_refresh_waiting = 1;
    return;
  }
  call_start_refresh(call);
}

/* Do @a step as soon as the event being handled is done with. */
static void call_next(nst_call_t *call, enum nst_next_step_e step)
{
  call->nc_next = step;
  nst_sched_arm(&call->nc_next_timer, 0, call_next_due, call);
}

/* Something pending ended: a refresh that came due meanwhile goes now. */
static void call_idle(nst_call_t *call)
{
  if (call->nc_refresh_waiting && !call_busy(call) && !call->nc_ending) {
    call->nc_refresh_waiting = 0;
    call_next(call, nst_next_refresh);
  }
}

static void call_retry_refresh_in(nst_call_t *call, uint64_t ms)
{
  SU_DEBUG_5(("nst: %p refresh again in %llu ms\n", (void *)call->nc_nh,
              (unsigned long long)ms));
  nst_sched_arm(&call->nc_refresh_timer, ms, call_refresh_due, call);
}

/* End the call with BYE (nua gives it a fresh CSeq); @a reason is static. */
static void call_end(nst_call_t *call, char const *reason)
{
  call->nc_ending = 1;
  nst_sched_cancel(&call->nc_refresh_timer);
  nst_sched_cancel(&call->nc_expiry_timer);
  nst_sched_cancel(&call->nc_lifetime_timer);
  call->nc_expires_at = nst_no_time;
  call->nc_bye_reason = reason;
  call_next(call, nst_next_bye);
}

static void call_next_due(void *arg)
{
  nst_call_t *call = arg;
  enum nst_next_step_e step = call->nc_next;

  call->nc_next = nst_next_none;
  switch (step) {
  case nst_next_refresh:
    if (!call_busy(call) && !call->nc_ending)
      call_start_refresh(call);
    break;
  case nst_next_resend_refresh:
    call_send_refresh(call, &call->nc_sent);
    break;
  case nst_next_resend_app:
    call_send(call, call->nc_resend_method, nst_send_session, &call->nc_sent,
              call->nc_app_tags);
    break;
  case nst_next_bye:
    nua_bye(call->nc_nh, SIPTAG_REASON_STR(call->nc_bye_reason), TAG_END());
    break;
  case nst_next_none:
    break;
  }
}

/* RFC 4028 section 10: the session expired. */
static void call_expiry_due(void *arg)
{
  nst_call_t *call = arg;

  if (call->nc_ending)
    return;
  call->nc_expires_at = nst_no_time;
  if (call_report(call, nst_ev_expired, 0, NULL))
    call_end(call, NST_EXPIRY_REASON);
}

/* No refresh yet, and the session ends soon: say so, then wait for the
 * end (unless the callback's doing, e.g. a re-INVITE answered at once,
 * re-armed the timer meanwhile). */
static void call_expiry_warning_due(void *arg)
{
  nst_call_t *call = arg;
  su_duration_t left;

  if (call->nc_ending)
    return;
  if (!call_report(call, nst_ev_expiring, 0, NULL))
    return;
  if (call->nc_ending || nst_sched_remaining_ms(&call->nc_expiry_timer) >= 0)
    return;
  left = su_duration(call->nc_expires_at, su_now());
  nst_sched_arm(&call->nc_expiry_timer, left > 0 ? (uint64_t)left : 0,
                call_expiry_due, call);
}

/* ---------------------------------------------------------------------- */
/* The application's lifetime of a call (field-notes.md, the servlet model) */

nst_lifetime_t nst_set_lifetime(nst_t *nst, nua_handle_t *nh, unsigned seconds,
                                unsigned *return_granted)
{
  nst_call_t *call = nst ? nst_call_find(nst, nh) : NULL;
  nst_lifetime_t outcome;
  unsigned granted = 0;

  if (return_granted)
    *return_granted = 0;
  if (call == NULL || !call->nc_established || call->nc_ending) {
    SU_DEBUG_3(("nst: %p lifetime of %u s rejected: %s\n", (void *)nh, seconds,
                call == NULL ? "no call nst knows" :
                call->nc_ending ? "the call is ending" : "the call is not established"));
    return nst_lifetime_rejected;
  }

  outcome = nst_lifetime_grant(seconds, call->nc_config.lifetime_max, &granted);
  if (granted)
    nst_sched_arm(&call->nc_lifetime_timer, (uint64_t)granted * 1000u,
                  call_lifetime_due, call);
  else
    nst_sched_cancel(&call->nc_lifetime_timer);
  SU_DEBUG_5(("nst: %p lifetime %u s asked, %u s %s\n", (void *)nh, seconds,
              granted, nst_lifetime_name(outcome)));
  if (return_granted)
    *return_granted = granted;
  return outcome;
}

/* The lifetime ran out: the application may extend it from the callback
 * (which re-arms the timer); if it does not, the call ends. */
static void call_lifetime_due(void *arg)
{
  nst_call_t *call = arg;

  if (call->nc_ending)
    return;
  if (!call_report(call, nst_ev_lifetime_expiring, 0, NULL))
    return;
  if (call->nc_ending || nst_sched_remaining_ms(&call->nc_lifetime_timer) >= 0)
    return;
  if (call_report(call, nst_ev_lifetime_expired, 0, NULL) && !call->nc_ending)
    call_end(call, NST_LIFETIME_REASON);
}

/* A failure response to our refresh. */
static void call_refresh_failed(nst_call_t *call, nst_method_t method, int status,
                                char const *phrase, sip_t const *sip)
{
  nst_failure_action_t action = nst_refresh_failure_action(status, method);
  int64_t delay;
  nst_hdrs_t next;

  if (action == nst_fail_raise_interval) {
    nst_hdrs_t resp = nst_read_hdrs(call->nc_nst, sip);

    if (nst_uac_after_422(&call->nc_sent, resp.min_se, call->nc_422_retries, &next)) {
      /* Section 7.4: the refresh goes again, raised, in the same dialog. */
      call->nc_422_retries++;
      call->nc_session.interval = next.se;
      call->nc_session.min_se = next.min_se;
      call->nc_sent = next;
      call_next(call, nst_next_resend_refresh);
      return;
    }
    action = nst_fail_retry_later;
  }

  call->nc_refreshing = nst_method_none;
  if (!call_report(call, nst_ev_refresh_failed, status, phrase))
    return;

  switch (action) {
  case nst_fail_use_reinvite:
    /* pitfalls.md 4: UPDATE refused, re-INVITE now and from now on. */
    call->nc_update_refused = 1;
    call_next(call, nst_next_refresh);
    break;
  case nst_fail_retry_glare:
    call_retry_refresh_in(call, nst_glare_delay_ms(call->nc_caller, g_random_double()));
    break;
  case nst_fail_end_call:
    call_end(call, status == 481
             ? "SIP;cause=481;text=\"Session refresh failed\""
             : "SIP;cause=408;text=\"Session refresh failed\"");
    break;
  default:
    delay = nst_refresh_retry_delay_ms(call->nc_session.interval,
                                       (uint64_t)su_duration(su_now(), call->nc_refreshed_at));
    if (delay >= 0)
      call_retry_refresh_in(call, (uint64_t)delay);
    /* else: the expiry timer ends the call (section 10) */
    break;
  }
}

static int call_on_refresh_response(nst_call_t *call, nst_method_t method,
                                    int status, char const *phrase, sip_t const *sip)
{
  nst_hdrs_t resp;
  nst_outcome_t o;

  if (status >= 300) {
    call_refresh_failed(call, method, status, phrase, sip);
    return 0;
  }

  call->nc_refreshing = nst_method_none;
  call_note_peer(call, sip);
  resp = nst_read_hdrs(call->nc_nst, sip);
  /* Section 7.2: the 2xx decides. A Session-Expires without refresher (a
   * Grandstream PBX answers UPDATE that way) keeps the refresher we sent;
   * a 2xx without Session-Expires turns the timer off. */
  o = nst_negotiate_uac_2xx(&call->nc_sent, &resp);
  o = nst_uac_policy(&call->nc_config, &call->nc_sent, &o);
  call_set_session(call, &o);
  if (call_report(call, nst_ev_refresh_answered, status, phrase))
    call_idle(call);
  return 0;
}

/* A final response to the application's INVITE or UPDATE. */
static int call_on_app_response(nst_call_t *call, nst_method_t method,
                                int status, char const *phrase, sip_t const *sip)
{
  nst_hdrs_t resp = nst_read_hdrs(call->nc_nst, sip), next;
  nst_outcome_t o;

  if (status == 422 && call->nc_app_method == method &&
      nst_uac_after_422(&call->nc_sent, resp.min_se, call->nc_422_retries, &next)) {
    /* Section 7.3: retry with the 422's Min-SE. */
    call->nc_422_retries++;
    call->nc_sent = next;
    if (call->nc_established) {
      call->nc_resend_method = method;
      call_next(call, nst_next_resend_app);
    }
    else {
      /* The failed INVITE ends its dialog: send it again once nua says so
       * (on_i_state), out of the application's sight: the same Call-ID and
       * From address (section 7.3, RFC 3261 8.1.3.5), a new From tag (the
       * section 13 example as erratum 1681 corrects it), the next CSeq. */
      call->nc_restarting = 1;
      su_free(NULL, call->nc_call_id), su_free(NULL, call->nc_from);
      su_free(NULL, call->nc_cseq);
      call->nc_call_id = sip_call_id_dup(NULL, sip->sip_call_id);
      call->nc_from = sip_from_dup(NULL, sip->sip_from);
      if (call->nc_from)
        msg_header_remove_param(call->nc_from->a_common, "tag");
      /* nua starts the new dialog at this CSeq and sends the next one. */
      call->nc_cseq = sip_cseq_create(NULL, sip->sip_cseq->cs_seq,
                                      sip_method_invite, NULL);
    }
    SU_DEBUG_5(("nst: %p 422: retrying with Session-Expires %u\n",
                (void *)call->nc_nh, next.se));
    return 0;
  }

  /* A challenge is not the end of the request: the application answers it
   * with nua_authenticate(), and nua sends it again. */
  if (status == 401 || status == 407)
    return 1;

  if (call->nc_app_method == method)
    call_app_request_done(call);

  if (status >= 300) {
    if (status == 422)
      SU_DEBUG_3(("nst: %p 422 %s: giving up (Min-SE %u, offered %u)\n",
                  (void *)call->nc_nh, phrase, resp.min_se, call->nc_sent.se));
    call_idle(call);
    return 1;
  }

  call_note_peer(call, sip);
  o = nst_negotiate_uac_2xx(&call->nc_sent, &resp);
  o = nst_uac_policy(&call->nc_config, &call->nc_sent, &o);
  call_set_session(call, &o);
  if (call_report(call, nst_ev_negotiated, status, phrase))
    call_idle(call);
  return 1;
}

int nst_call_on_response(nst_call_t *call, nst_method_t method, int status,
                         char const *phrase, sip_t const *sip)
{
  int ours = call->nc_refreshing != nst_method_none && call->nc_refreshing == method;

  if (status == 422)
    call->nc_nst->ns_stats.ns_422_received++;

  /* nua resending our request after 422 on its own (see call_send()):
   * nothing the application needs to hear about. */
  if (status == 100 && phrase && strcmp(phrase, "Re-Negotiating Session Timer") == 0) {
    call->nc_nst->ns_stats.ns_422_received++;   /* it carries the 422 */
    call->nc_hide_recalling = 1;   /* and the "calling" it reports again */
    return 0;
  }
  if (status < 200)
    return !ours;
  if (ours)
    return call_on_refresh_response(call, method, status, phrase, sip);
  return call_on_app_response(call, method, status, phrase, sip);
}

/* ---------------------------------------------------------------------- */
/* Answering */

static void call_respond(nst_call_t *call, int status, char const *phrase,
                         nst_outcome_t const *o, tagi_t const *extra)
{
  nst_hdrs_t h;
  nst_hdr_strs_t s;

  memset(&h, 0, sizeof h);
  if (status == 422) {
    call->nc_nst->ns_stats.ns_422_sent++;
    h.min_se = o->min_se;       /* section 6: never below 90 */
  }
  else if (status == 421) {
    h.require_timer = 1;        /* the extension we require */
  }
  else if (status >= 200 && status < 300 && o->interval) {
    /* We are the server of this transaction. */
    h.se = o->interval;
    h.refresher = nst_label_for(o->refresher, 0);
    h.require_timer = nst_uas_requires_timer(o);
  }
  nst_format_hdrs(&h, &s);

  nua_respond(call->nc_nh, status, phrase,
              NUTAG_AUTOANSWER(0), NUTAG_RETRY_COUNT(NST_NUA_RETRY_COUNT),
              TAG_IF(s.se[0], SIPTAG_SESSION_EXPIRES_STR(s.se)),
              TAG_IF(s.min_se[0], SIPTAG_MIN_SE_STR(s.min_se)),
              TAG_IF(s.require_timer, SIPTAG_REQUIRE_STR("timer")),
              TAG_NEXT(extra));
}

int nst_respond(nst_t *nst, nua_handle_t *nh, int status, char const *phrase,
                tag_type_t tag, tag_value_t value, ...)
{
  nst_call_t *call;
  nst_config_t cfg;
  nst_outcome_t o;
  ta_list ta;

  if (nst == NULL || nh == NULL)
    return -1;

  ta_start(ta, tag, value);
  call = nst_call_find(nst, nh);
  if (call == NULL || call->nc_established || status < 200 || status >= 300) {
    /* Provisional, failure, or a call nst did not see: plain nua. */
    nua_respond(nh, status, phrase, ta_tags(ta));
    (void)ta_end(ta);
    return 0;
  }

  if (call_config_with_tags(nst, nh, ta_args(ta), &cfg) < 0) {
    (void)ta_end(ta);
    return -1;
  }
  call->nc_config = cfg;
  o = nst_negotiate_uas(&call->nc_config, &call->nc_request, NULL);
  if (o.reject)                 /* a per-call Min-SE above the offer */
    memset(&o, 0, sizeof o);    /* too late for 422: answer without timer */
  call_respond(call, status, phrase, &o, ta_args(ta));
  (void)ta_end(ta);

  call_set_session(call, &o);
  call_report(call, nst_ev_negotiated, status, phrase);
  return 0;
}

/* 422 (section 9) or 421 (the "require" policy) to a request. */
static void call_reject(nst_call_t *call, nst_outcome_t const *o, tagi_t const *extra)
{
  if (o->reject == 421)
    call_respond(call, 421, "Extension Required", o, extra);
  else
    call_respond(call, NST_422, o, extra);
}

static int call_reject_in_dialog(nst_call_t *call, nst_outcome_t const *o)
{
  tagi_t const with[] = { { NUTAG_WITH_THIS(call->nc_nst->ns_nua) }, { TAG_END() } };
  call_reject(call, o, with);
  return 0;
}

/* A session refresh request from the peer (section 9): answer it 200 with
 * the timer headers; it re-arms the timers. */
static void call_accept_refresh(nst_call_t *call, nst_outcome_t const *o)
{
  tagi_t const with[] = { { NUTAG_WITH_THIS(call->nc_nst->ns_nua) }, { TAG_END() } };

  call_respond(call, SIP_200_OK, o, with);
  call->nc_refreshes++;
  call_set_session(call, o);
  call_report(call, nst_ev_refresh_received, 200, "OK");
}

int nst_call_on_i_invite(nst_t *nst, nst_call_t *call, nua_handle_t *nh,
                         sip_t const *sip)
{
  nst_hdrs_t req = nst_read_hdrs(nst, sip);
  nst_outcome_t o;

  if (call && call->nc_established) {
    call_note_peer(call, sip);
    o = nst_negotiate_uas(&call->nc_config, &req, &call->nc_session);
    if (o.reject)
      return call_reject_in_dialog(call, &o);
    call->nc_peer_pending = 1;  /* until its ACK */
    call_accept_refresh(call, &o);
    return 1;
  }

  call = nst_call_get(nst, nh);
  if (call == NULL)
    return 1;
  call->nc_request = req;
  call_note_peer(call, sip);
  o = nst_negotiate_uas(&call->nc_config, &req, NULL);
  if (o.reject) {
    /* The application never sees this attempt: the caller will retry with
     * a larger interval, in a new transaction. */
    call->nc_rejected = 1;
    call_reject(call, &o, NULL);
    return 0;
  }
  return 1;
}

int nst_call_on_i_update(nst_call_t *call, sip_t const *sip)
{
  nst_t *nst = call->nc_nst;
  nst_hdrs_t req = nst_read_hdrs(nst, sip);
  nst_outcome_t o;

  call_note_peer(call, sip);
  if (!call->nc_established) {
    /* An early UPDATE (preconditions): no session to refresh yet. */
    nua_respond(call->nc_nh, SIP_200_OK, NUTAG_WITH_THIS(nst->ns_nua), TAG_END());
    return 1;
  }
  o = nst_negotiate_uas(&call->nc_config, &req, &call->nc_session);
  if (o.reject)
    return call_reject_in_dialog(call, &o);
  call_accept_refresh(call, &o);
  return 1;
}

int nst_call_on_i_ack(nst_call_t *call)
{
  if (call->nc_peer_pending) {
    call->nc_peer_pending = 0;
    call_idle(call);
  }
  return 1;
}

/* nua_i_state: hide the states of our own refreshes and 422 retries (the
 * application should not see its call "calling" again because a timer
 * refreshed it), forget the call when it ends. */
int nst_call_on_i_state(nst_call_t *call, int callstate)
{
  if (callstate == nua_callstate_terminated) {
    nua_handle_t *nh = call->nc_nh;

    if (call->nc_restarting) {
      /* The INVITE answered 422 ended its dialog: send it again, raised. */
      tagi_t const same_dialog[] = {
        { SIPTAG_CALL_ID(call->nc_call_id) },
        { SIPTAG_FROM(call->nc_from) },
        { SIPTAG_CSEQ(call->nc_cseq) },
        { TAG_NEXT(call->nc_app_tags) }
      };
      call_send(call, nst_method_invite, nst_send_session, &call->nc_sent,
                same_dialog);
      return 0;
    }
    if (call->nc_rejected) {
      /* The application never saw this handle: ours to destroy. */
      nua_handle_ref(nh);
      call_forget(call);
      nua_handle_destroy(nh);
      nua_handle_unref(nh);
      return 0;
    }
    call_forget(call);
    return 1;
  }

  if (call->nc_rejected)
    return 0;

  if (call->nc_restarting) {
    if (callstate == nua_callstate_calling)
      call->nc_restarting = 0;  /* the application saw "calling" already */
    return 0;
  }

  if (call->nc_hide_states) {
    if (callstate == nua_callstate_ready && call->nc_refreshing == nst_method_none)
      call->nc_hide_states = 0;
    return 0;
  }

  if (callstate == nua_callstate_ready && call->nc_peer_pending) {
    call->nc_peer_pending = 0;
    call_idle(call);
  }

  /* nua's own restart after 422 reports "calling" once more. */
  if (call->nc_hide_recalling && callstate == nua_callstate_calling) {
    call->nc_hide_recalling = 0;
    return 0;
  }
  return 1;
}

int nst_call_on_i_active(nst_call_t *call)
{
  return !call->nc_hide_states && !call->nc_restarting && !call->nc_rejected;
}

int nst_call_on_r_set_params(nst_call_t *call)
{
  if (call->nc_own_set_params == 0)
    return 1;
  call->nc_own_set_params--;
  return 0;
}

int nst_call_on_i_terminated(nst_call_t *call)
{
  return !call->nc_restarting && !call->nc_rejected;
}
