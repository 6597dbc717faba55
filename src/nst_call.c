/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst - one call: sending, refreshing, answering, failures.
 *
 * A call is in one named state (nst_states.h; doc/call-states.md draws
 * them) and moves only by call_move(), along a transition the table in
 * nst_states.c lists. Apart from it, the view says which of nua's events
 * the application is shown (call_show()). The session itself is "who
 * refreshes" (local/remote), the interval and the Min-SE in force: every
 * 2xx to an INVITE or UPDATE, in either direction, re-arms the timers
 * through call_set_session().
 */
#include "config.h"

#include "nst_call.h"

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
static void calls_check_gone(void *arg);
static void calls_read_back(nst_calls_t *calls, nua_handle_t *nh);
static void call_next(nst_call_t *call, enum nst_next_step_e step);
static int call_busy(nst_call_t const *call);
static void call_set_session(nst_call_t *call, nst_outcome_t const *session,
                             nst_call_event_t event);

/* ---------------------------------------------------------------------- */
/* Lookup and lifetime */

nst_call_t *nst_call_find(nst_calls_t const *calls, nua_handle_t const *nh)
{
  return nh ? g_hash_table_lookup(calls->table, nh) : NULL;
}

nst_call_t *nst_call_get(nst_calls_t *calls, nua_handle_t *nh)
{
  nst_call_t *call = nst_call_find(calls, nh);

  if (call)
    return call;

  /* Plain malloc, not an su_home: a home's block table alone would double
   * what nst costs per call (bench/RESULTS.md). */
  call = g_try_new0(nst_call_t, 1);
  if (call == NULL)
    return NULL;
  call->nc_calls = calls;
  call->nc_nh = nua_handle_ref(nh);
  call->nc_config = calls->config;
  if (nst_sched_init(&call->nc_refresh_timer, calls->sched) < 0 ||
      nst_sched_init(&call->nc_expiry_timer, calls->sched) < 0 ||
      nst_sched_init(&call->nc_next_timer, calls->sched) < 0 ||
      nst_sched_init(&call->nc_lifetime_timer, calls->sched) < 0)
    SU_DEBUG_1(("nst: cannot create timers for call %p\n", (void *)nh));
  g_hash_table_insert(calls->table, nh, call);
  if (nst_sched_remaining_ms(&calls->gone_check) < 0)
    nst_sched_arm(&calls->gone_check, NST_GONE_CHECK_MS, calls_check_gone, calls);
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
  g_free(call->nc_supported);
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
  nst_calls_t *calls = call->nc_calls;

  g_hash_table_remove(calls->table, call->nc_nh);
  if (g_hash_table_size(calls->table) == 0)
    nst_sched_cancel(&calls->gone_check);   /* no call: no timer armed */
}

/* ---------------------------------------------------------------------- */
/* States */

/* The one place a call changes state. An unlisted move is a bug, said at
 * level 1 (the tests fail on it); the call moves all the same. */
static void call_move(nst_call_t *call, nst_call_event_t event, nst_call_state_t to)
{
  nst_call_state_t from = call->nc_state;

  if (!nst_transition_is_listed(from, event, to))
    SU_DEBUG_1(("nst: %p unlisted transition %s --%s--> %s\n", (void *)call->nc_nh,
                nst_call_state_name(from), nst_call_event_name(event),
                nst_call_state_name(to)));
  else
    SU_DEBUG_7(("nst: %p transition %s --%s--> %s\n", (void *)call->nc_nh,
                nst_call_state_name(from), nst_call_event_name(event),
                nst_call_state_name(to)));
  call->nc_state = to;
}

/* The call leaves the table: @a event ends it. */
static void call_move_gone(nst_call_t *call, nst_call_event_t event)
{
  call_move(call, event, nst_cs_gone);
  call_forget(call);
}

void nst_call_destroyed_by_app(nst_call_t *call)
{
  call_move_gone(call, nst_ce_destroyed);
}

/* What the application is shown changes (doc/call-states.md, "view"). */
static void call_show(nst_call_t *call, nst_view_t view)
{
  SU_DEBUG_7(("nst: %p view %s -> %s\n", (void *)call->nc_nh,
              nst_view_name(call->nc_view), nst_view_name(view)));
  call->nc_view = view;
}

/* A 2xx went either way: the session is (or was) up. */
int nst_call_is_established(nst_call_t const *call)
{
  return call->nc_state == nst_cs_session || call->nc_state == nst_cs_refreshing ||
         call->nc_state == nst_cs_ending;
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
  /* A refresh decided on for right after this event (call_next()). */
  if (call->nc_next == nst_next_refresh || call->nc_next == nst_next_resend_refresh)
    info->ni_refresh_in_ms = 0;
  info->ni_expires_in_ms = -1;
  if (call->nc_expires_at.tv_sec) {
    su_duration_t left = su_duration(call->nc_expires_at, su_now());
    info->ni_expires_in_ms = left > 0 ? left : 0;
  }
  info->ni_lifetime_in_ms = nst_sched_remaining_ms(&call->nc_lifetime_timer);
  info->ni_min_se = call->nc_session.min_se;
}

/* Tell the application. Returns 1 if the call is still there afterwards:
 * the application may destroy its handle from the callback
 * (nst_handle_destroy()), and then @a call is gone. */
static int call_report(nst_call_t *call, nst_event_t event, int status,
                       char const *phrase)
{
  nst_calls_t *calls = call->nc_calls;
  nua_handle_t *nh = call->nc_nh;
  nst_info_t info;

  switch (event) {
  case nst_ev_refresh_sent: calls->stats.ns_refreshes_sent++; break;
  case nst_ev_refresh_received: calls->stats.ns_refreshes_received++; break;
  case nst_ev_refresh_failed: calls->stats.ns_refresh_failures++; break;
  case nst_ev_expired: calls->stats.ns_expiries++; break;
  case nst_ev_lifetime_expired: calls->stats.ns_lifetime_ends++; break;
  default: break;
  }
  nst_call_info(call, status, phrase, &info);
  SU_DEBUG_5(("nst: %p %s interval=%u refresher=%s status=%d\n",
              (void *)nh, nst_event_name(event), info.ni_interval,
              nst_refresher_name(info.ni_refresher), status));
  if (calls->ev_callback == NULL)
    return 1;
  calls->ev_callback(event, calls->owner, nh, nua_handle_magic(nh), &info, calls->ev_magic);
  return nst_call_find(calls, nh) == call;
}

/* Whether the application destroyed the handle with plain
 * nua_handle_destroy() (nua then sends BYE and shows no more events; our
 * reference keeps the memory). nua has no getter for this: a handle
 * takes a new magic only while it is valid. */
static int handle_is_destroyed(nua_handle_t *nh)
{
  static char probe;
  nua_hmagic_t *magic = nua_handle_magic(nh);
  int valid;

  nua_handle_bind(nh, (nua_hmagic_t *)&probe);
  valid = nua_handle_magic(nh) == (nua_hmagic_t *)&probe;
  if (valid)
    nua_handle_bind(nh, magic);
  return !valid;
}

/* Before a timer acts: a call whose handle is gone ends here, reported
 * once (nst_ev_ended), and nothing goes on the wire. */
static int call_is_gone(nst_call_t *call)
{
  if (!handle_is_destroyed(call->nc_nh))
    return 0;
  nst_sched_cancel(&call->nc_refresh_timer);
  nst_sched_cancel(&call->nc_expiry_timer);
  nst_sched_cancel(&call->nc_lifetime_timer);
  call->nc_expires_at = nst_no_time;
  call_move(call, nst_ce_destroyed, nst_cs_gone);
  if (call_report(call, nst_ev_ended, 0, NULL))
    call_forget(call);
  return 1;
}

static void collect_destroyed(gpointer key, gpointer value, gpointer list)
{
  nst_call_t *call = value;

  /* A refused call's handle is nua's own (the application never saw it). */
  if (call->nc_state != nst_cs_refused && handle_is_destroyed(key))
    g_ptr_array_add(list, key);
}

/* Now and then: calls whose handle is gone, and which no timer of theirs
 * would find (calling, offered, a session without timer), end here too;
 * the others sooner than their next timer. */
static void calls_check_gone(void *arg)
{
  nst_calls_t *calls = arg;
  GPtrArray *gone = g_ptr_array_new();
  guint i;

  g_hash_table_foreach(calls->table, collect_destroyed, gone);
  for (i = 0; i < gone->len; i++) {
    nst_call_t *call = nst_call_find(calls, g_ptr_array_index(gone, i));

    if (call)   /* the application may have forgotten others meanwhile */
      call_is_gone(call);
  }
  g_ptr_array_free(gone, TRUE);
  if (g_hash_table_size(calls->table))
    nst_sched_arm(&calls->gone_check, NST_GONE_CHECK_MS, calls_check_gone, calls);
}

/* ---------------------------------------------------------------------- */
/* nua's engine, woken by plain nua calls
 *
 * A plain nua_invite(), nua_update() or nua_respond() may carry nua's own
 * NUTAG_SESSION_TIMER(), on the request or on its handle (nua_handle(),
 * nua_set_hparams()). nst sees neither, and nua then runs its engine for
 * that call: its Session-Expires goes out, and from the 2xx on it would
 * refresh at interval/2 +- 5 s, or send BYE before the interval ends
 * (session_timer_set() in nua_session.c). No parameter disarms a timer
 * nua has set; the 2xx to an INVITE does, whenever nua's engine
 * negotiates again and finds no timer: so after the 2xx to such a
 * request nst reads the handle's parameters back, and if nua had an
 * interval, takes the call over: its interval becomes nst's, nua's
 * parameters are pinned again, and nst refreshes at once by re-INVITE
 * (its opaque Supported leaves nua's engine without a timer). */

#define NST_NUA_TIMER_READ_BACK NUTAG_SESSION_TIMER(0)

static void calls_read_back(nst_calls_t *calls, nua_handle_t *nh)
{
  guint pending = GPOINTER_TO_UINT(g_hash_table_lookup(calls->read_backs, nh));

  if (pending == 0)
    nua_handle_ref(nh);   /* until the answer comes */
  g_hash_table_insert(calls->read_backs, nh, GUINT_TO_POINTER(pending + 1));
  nua_get_hparams(nh, NST_NUA_TIMER_READ_BACK, TAG_END());
}

static void call_take_over(nst_calls_t *calls, nua_handle_t *nh, unsigned nua_interval)
{
  nst_call_t *call = nst_call_find(calls, nh);
  nst_config_t cfg;
  char const *why;

  SU_DEBUG_1(("nst: %p: a plain nua request gave nua's own session timer "
              "%u s (NUTAG_SESSION_TIMER() on the request or its handle): "
              "nst takes the call over and refreshes now by re-INVITE; give "
              "nua's timer tags to nst_invite()/nst_respond() instead\n",
              (void *)nh, nua_interval));
  if (call == NULL) {
    /* Answered with plain nua_respond(): nua's 2xx carried its interval,
     * and the peer refreshes if it supports timers (nua's rule). nst's
     * re-INVITE settles the session anew (section 7.2). */
    nst_outcome_t o = { 0, nua_interval, nst_refresher_remote, 0 };

    call = nst_call_get(calls, nh);
    if (call == NULL)
      return;
    if (o.interval < call->nc_config.min_se)
      o.interval = call->nc_config.min_se;
    o.min_se = call->nc_config.min_se;
    call_set_session(call, &o, nst_ce_2xx);
    /* The peer's ACK may still be on its way: the re-INVITE waits for it. */
    call->nc_peer_offer = !nua_handle_has_active_call(nh);
  }
  cfg = call->nc_config;
  nst_config_from_nua_tags(&cfg, (tagi_t[]) { { NUTAG_SESSION_TIMER(nua_interval) },
                                              { TAG_END() } });
  if (nst_config_check(&cfg, &why) == 0)
    call->nc_config = cfg;
  call->nc_own_set_params++;
  nua_set_hparams(nh, NST_NUA_TIMER_PINS, NUTAG_AUTOANSWER(0), TAG_END());
  call->nc_disarm_nua = 1;
  if (call_busy(call))
    call->nc_refresh_owed = 1;
  else
    call_next(call, nst_next_refresh);
}

/* The first INVITE or 2xx nst sends for a call reads the handle's
 * parameters back too: nua's timer tags given to the handle itself
 * (nua_handle(), nua_set_hparams()) are not nst's settings, which its
 * own transactions use; nst says so, and pins the handle, so that a
 * plain request on it later does not wake nua's engine either. */
static void call_refuse_handle_timer(nst_call_t *call, unsigned nua_interval)
{
  SU_DEBUG_1(("nst: %p: NUTAG_SESSION_TIMER(%u) on this handle (nua_handle() or "
              "nua_set_hparams()) is refused: nst's calls use nst's settings; "
              "give nua's timer tags to nst_create(), nst_invite() or "
              "nst_respond() instead\n", (void *)call->nc_nh, nua_interval));
  call->nc_own_set_params++;
  nua_set_hparams(call->nc_nh, NST_NUA_TIMER_PINS, TAG_END());
}

/* nua_r_get_params for a handle: returns 1 if it answers calls_read_back(). */
int nst_calls_on_read_back(nst_calls_t *calls, nua_handle_t *nh, tagi_t const *tags)
{
  guint pending = GPOINTER_TO_UINT(g_hash_table_lookup(calls->read_backs, nh));
  unsigned nua_interval = 0;

  if (pending == 0)
    return 0;
  if (pending > 1)
    g_hash_table_insert(calls->read_backs, nh, GUINT_TO_POINTER(pending - 1));
  else
    g_hash_table_remove(calls->read_backs, nh);
  tl_gets(tags, NUTAG_SESSION_TIMER_REF(nua_interval), TAG_END());
  if (nua_interval > 0 && !handle_is_destroyed(nh)) {
    nst_call_t *call = nst_call_find(calls, nh);

    if (call == NULL || call->nc_plain_read_back)
      call_take_over(calls, nh, nua_interval);
    else
      call_refuse_handle_timer(call, nua_interval);
  }
  if (pending == 1) {
    nst_call_t *call = nst_call_find(calls, nh);

    if (call)
      call->nc_plain_read_back = 0;
    nua_handle_unref(nh);
  }
  return 1;
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
  call->nc_refresh_owed = 0;
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

/* Where a 2xx (@a event) takes the call: into the session, out of our
 * refresh if it answers that, and nowhere while BYE is going. */
static nst_call_state_t call_state_after_2xx(nst_call_t const *call, nst_call_event_t event)
{
  switch (call->nc_state) {
  case nst_cs_ending:
    return nst_cs_ending;
  case nst_cs_refreshing:
    return event == nst_ce_refresh_2xx ? nst_cs_session : nst_cs_refreshing;
  default:
    return nst_cs_session;
  }
}

/* The one place a session starts, changes or stops: a 2xx (@a event). */
static void call_set_session(nst_call_t *call, nst_outcome_t const *session,
                             nst_call_event_t event)
{
  call->nc_session = *session;
  call_move(call, event, call_state_after_2xx(call, event));
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
static int call_config_with_tags(nst_calls_t *calls, nua_handle_t *nh, tagi_t const *tags,
                                 nst_config_t *cfg)
{
  nst_call_t const *call = nst_call_find(calls, nh);
  char const *why;

  *cfg = call ? call->nc_config : calls->config;
  nst_config_from_nua_tags(cfg, tags);
  nst_config_from_tags(cfg, tags);
  if (nst_config_check(cfg, &why) < 0) {
    SU_DEBUG_1(("nst: call %p: request refused, NSTTAG_* invalid: %s\n",
                (void *)nh, why));
    return -1;
  }
  return 0;
}

/* nua's Supported for this call: the module's, as the request's own tags
 * change it (in @a home). */
static sip_supported_t *call_supported(nst_call_t const *call, su_home_t *home,
                                       tagi_t const *tags)
{
  /* The module's list has "timer"; a request whose own tags replace the
   * list without it does not support the extension (RFC 4028 7.1: e.g.
   * nst-cli -T), and nua then answers an incoming Require: timer on that
   * call with 420, as a UA without the extension does. The call keeps
   * that list for what nst sends in it on its own (refreshes, answers to
   * the peer's). */
  sip_supported_t const *base = call->nc_calls->supported;

  if (call->nc_supported)
    base = sip_supported_make(home, call->nc_supported);
  return nst_supported_from_tags(home, base, tags, 0);
}

/* The application's request or answer for this call names its own
 * Supported list: keep it for the rest of the call. */
static void call_keep_supported(nst_call_t *call, tagi_t const *tags)
{
  su_home_t home[1] = { SU_HOME_INIT(home) };
  tagi_t const *t;

  for (t = tags; t; t = tl_next(t))
    if (nst_is_supported_tag(t->t_tag))
      break;
  if (t) {
    sip_supported_t *k = call_supported(call, home, tags);
    char *list = k ? sip_header_as_string(home, (sip_header_t *)k) : NULL;

    g_free(call->nc_supported);
    call->nc_supported = g_strdup(list ? list : "");
  }
  su_home_deinit(home);
}

/* Give the handle its real Supported list again (nst_parser.c: between
 * our requests, an incoming "Require: timer" must find "timer" in it). */
static void call_restore_supported(nst_call_t *call, sip_supported_t const *real)
{
  call->nc_own_set_params++;
  nua_set_hparams(call->nc_nh, SIPTAG_SUPPORTED(real), TAG_END());
}

/* A request of ours whose Supported nua saw as opaque may still be queued
 * in nua (and set the handle's list when it starts): once it is answered,
 * the real list goes back again. Not after a challenge: nua sends the
 * request again (nua_authenticate(), or at once with cached credentials),
 * and an UPDATE reads the handle's list anew each time it goes out
 * (nua_update_client_request()): with the real list, nua's engine would
 * resend it unchanged after a 422. */
static void call_request_answered(nst_call_t *call, int status)
{
  if (status == 401 || status == 407)
    return;
  if (call->nc_supported_opaque) {
    su_home_t home[1] = { SU_HOME_INIT(home) };

    call->nc_supported_opaque = 0;
    call_restore_supported(call, call_supported(call, home, call->nc_app_tags));
    su_home_deinit(home);
  }
}

/* What goes with every INVITE, UPDATE and response nst sends through
 * nua: the timer headers, nua's Supported, and the application's tags
 * without those nst keeps (nua's own timer tags and Supported: nst
 * translated them, nst_tags_for_nua()). The one place these tags are
 * written (call_send(), call_respond()).
 *
 * In a session transaction (@a opaque) nua sees the Supported list as one
 * opaque item, so its own session-timer engine sits the transaction out:
 * no resend of an unchanged request after 422 (section 7.3 wants the
 * raised values in the very next one), no timer of its own whatever
 * NUTAG_SESSION_TIMER() says (nst_parser.c, doc/nua-differences.md). The
 * handle gets its real list back at once (call_outgoing_sent()).
 * NUTAG_AUTOANSWER(0) makes nua hand re-INVITEs to us unanswered
 * (doc/nua-differences.md); it sticks to the handle.
 *
 * Outside a session transaction (our refresh UPDATE) the list goes as a
 * plain header, and NUTAG_AUTOANSWER(0) (set by then) not at all: the same
 * message, but without handle parameters in its tags, so nua does not
 * copy the handle's parameters for every refresh (nua_stack_set_params(),
 * bench/RESULTS.md), and the handle keeps the list it has. */
typedef struct nst_outgoing_s {
  su_home_t        home[1];
  nst_hdr_strs_t   strs;
  sip_supported_t *real;
  sip_supported_t  opaque[1];
  msg_param_t      items[2];
  char            *joined;
  int              is_opaque;
  tagi_t           tags[7];
} nst_outgoing_t;

static tagi_t const *call_outgoing(nst_call_t *call, nst_outgoing_t *o,
                                   nst_hdrs_t const *h, int opaque,
                                   tagi_t const *app)
{
  sip_supported_t const *supported;

  su_home_init(o->home);
  nst_format_hdrs(h, &o->strs);
  o->real = call_supported(call, o->home, app);
  o->joined = nst_supported_opaque(o->real, o->opaque, o->items);
  o->is_opaque = opaque;
  supported = opaque ? o->opaque : o->real;
  {
    tagi_t const tags[7] = {
      { TAG_IF(opaque, NUTAG_AUTOANSWER(0)) },
      { TAG_IF(opaque, SIPTAG_SUPPORTED(supported)) },
      { TAG_IF(!opaque, SIPTAG_HEADER((sip_header_t const *)supported)) },
      { TAG_IF(o->strs.require_timer, SIPTAG_REQUIRE_STR("timer")) },
      { TAG_IF(o->strs.se[0], SIPTAG_SESSION_EXPIRES_STR(o->strs.se)) },
      { TAG_IF(o->strs.min_se[0], SIPTAG_MIN_SE_STR(o->strs.min_se)) },
      { TAG_NEXT(nst_tags_for_nua(o->home, app)) }
    };
    memcpy(o->tags, tags, sizeof tags);
  }
  return o->tags;
}

/* nua took the message (it copies the tags at once): the handle gets the
 * real Supported list back, the request or response saw the opaque one.
 * An UPDATE keeps the opaque list on the handle until it is answered
 * (call_request_answered()): nua reads it again for every try of an
 * UPDATE, INVITE only when it starts. Meanwhile an incoming request with
 * "Require: timer" would get 420; it can only be glare, which fails
 * anyway. */
static void call_outgoing_sent(nst_call_t *call, nst_outgoing_t *o,
                               nst_method_t method)
{
  if (o->is_opaque) {
    if (method != nst_method_update)
      call_restore_supported(call, o->real);
    call->nc_supported_opaque = 1;
  }
  g_free(o->joined);
  su_home_deinit(o->home);
}

/* Every INVITE and UPDATE nst sends goes through here, with @a h as its
 * timer headers and the application's @a tags.
 *
 * Our SDP-less refresh UPDATE goes out as an extension request
 * (nua_method()), outside nua's session usage: nua would otherwise end the
 * call with BYE on any 5xx to it (its dialog-usage rules), where RFC 4028
 * keeps the session until it expires, and would destroy the dialog on
 * 408/481 before we can send the BYE section 10 asks for. Outside the
 * session, nua's engine never looks at it. */
typedef enum nst_send_as_e {
  nst_send_session,          /* nua_invite() / nua_update() */
  nst_send_refresh_update    /* nua_method("UPDATE") */
} nst_send_as_t;

static void call_send(nst_call_t *call, nst_method_t method, nst_send_as_t as,
                      nst_hdrs_t const *h, tagi_t const *tags)
{
  nst_outgoing_t o;
  tagi_t const *t = call_outgoing(call, &o, h, as == nst_send_session, tags);

  call->nc_sent = *h;
  if (as == nst_send_refresh_update)
    nua_method(call->nc_nh, NUTAG_METHOD("UPDATE"), TAG_NEXT(t));
  else if (method == nst_method_invite)
    nua_invite(call->nc_nh, TAG_NEXT(t));
  else
    nua_update(call->nc_nh, TAG_NEXT(t));
  call_outgoing_sent(call, &o, as == nst_send_session ? method : nst_method_none);
}

static nst_hdrs_t call_request_hdrs(nst_call_t const *call)
{
  return nst_uac_request(&call->nc_config,
                         call->nc_session.interval ? &call->nc_session : NULL);
}

/* An INVITE or UPDATE of the application's (initial call, hold, ...). */
int nst_call_send_app(nst_calls_t *calls, nua_handle_t *nh, nst_method_t method,
                         tagi_t const *tags)
{
  nst_config_t cfg;
  nst_call_t *call;
  nst_hdrs_t h;
  int first;

  if (call_config_with_tags(calls, nh, tags, &cfg) < 0)
    return -1;
  first = nst_call_find(calls, nh) == NULL;
  call = nst_call_get(calls, nh);
  if (call == NULL) {           /* out of memory: at least the request goes */
    if (method == nst_method_invite)
      nua_invite(nh, TAG_NEXT(tags));
    else
      nua_update(nh, TAG_NEXT(tags));
    return 0;
  }

  if (!nst_call_is_established(call) && method == nst_method_invite) {
    call->nc_caller = 1;        /* we place the call: we own the Call-ID */
    call_move(call, nst_ce_app_invite, nst_cs_calling);
  }

  nst_config_for_role(&cfg, 1);
  call->nc_config = cfg;
  call_keep_supported(call, tags);
  su_free(NULL, call->nc_app_tags);
  call->nc_app_tags = tl_adup(NULL, tags);
  call->nc_app_method = method;
  call->nc_422_retries = 0;
  h = call_request_hdrs(call);
  call_send(call, method, nst_send_session, &h, tags);
  if (first)
    calls_read_back(calls, nh);   /* after the request: nua applies the
                                     handle's own tags when it starts */
  return 0;
}

/* ---------------------------------------------------------------------- */
/* Refreshing (RFC 4028 sections 7.4 and 10) */

/* Anything that a refresh must not cross: our own refresh, a request of
 * the application's, or a re-INVITE of the peer's whose ACK is still due
 * (RFC 3261 14.1: one offer/answer at a time; doc/pitfalls.md 5). */
static int call_busy(nst_call_t const *call)
{
  return call->nc_refreshing != nst_method_none ||
         call->nc_app_method != nst_method_none ||
         call->nc_peer_offer;
}

static void call_send_refresh(nst_call_t *call, nst_hdrs_t const *h)
{
  /* A 2xx to an INVITE of ours makes nua's engine negotiate again, and
   * with the opaque Supported it finds no timer (call_take_over()). */
  nst_method_t method = call->nc_disarm_nua ? nst_method_invite : call_refresh_method(call);

  call->nc_refreshing = method;
  call->nc_disarm_nua = 0;
  if (method == nst_method_update && !call->nc_config.refresh_sdp) {
    /* No SDP: a refresh is no reason to renegotiate media (doc/pitfalls.md 11). */
    call_send(call, method, nst_send_refresh_update, h, NULL);
  }
  else {
    /* A re-INVITE, or an UPDATE with SDP (NSTTAG_REFRESH_SDP()), is an
     * offer/answer of nua's session: it reports call states, which the
     * application must not see (on_i_state). */
    call_show(call, nst_view_hide_refresh);
    call_send(call, method, nst_send_session, h, NULL);
  }
}

static void call_start_refresh(nst_call_t *call)
{
  nst_hdrs_t h = call_request_hdrs(call);

  call->nc_refreshes++;
  call->nc_422_retries = 0;
  call_move(call, nst_ce_refresh_due, nst_cs_refreshing);
  call_send_refresh(call, &h);
  call_report(call, nst_ev_refresh_sent, 0, NULL);
}

static void call_refresh_due(void *arg)
{
  nst_call_t *call = arg;

  if (call_is_gone(call))
    return;

  if (call->nc_state == nst_cs_ending || !call->nc_session.interval)
    return;
  if (call_busy(call)) {
    SU_DEBUG_5(("nst: %p refresh waits for a pending transaction\n",
                (void *)call->nc_nh));
    call->nc_refresh_owed = 1;
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
  if (call->nc_refresh_owed && !call_busy(call) && call->nc_state != nst_cs_ending) {
    call->nc_refresh_owed = 0;
    call_next(call, nst_next_refresh);
  }
}

static void call_retry_refresh_in(nst_call_t *call, uint64_t ms)
{
  SU_DEBUG_5(("nst: %p refresh again in %llu ms\n", (void *)call->nc_nh,
              (unsigned long long)ms));
  nst_sched_arm(&call->nc_refresh_timer, ms, call_refresh_due, call);
}

/* End the call with BYE (nua gives it a fresh CSeq), because of @a event;
 * @a reason is static. */
static void call_end(nst_call_t *call, nst_call_event_t event, char const *reason)
{
  call_move(call, event, nst_cs_ending);
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

  if (call_is_gone(call))
    return;

  call->nc_next = nst_next_none;
  switch (step) {
  case nst_next_refresh:
    if (call->nc_state == nst_cs_session && !call_busy(call))
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

  if (call_is_gone(call))
    return;

  if (call->nc_state == nst_cs_ending)
    return;
  call->nc_expires_at = nst_no_time;
  if (call_report(call, nst_ev_expired, 0, NULL))
    call_end(call, nst_ce_expired, NST_EXPIRY_REASON);
}

/* No refresh yet, and the session ends soon: say so, then wait for the
 * end (unless the callback's doing, e.g. a re-INVITE answered at once,
 * re-armed the timer meanwhile). */
static void call_expiry_warning_due(void *arg)
{
  nst_call_t *call = arg;
  su_duration_t left;

  if (call_is_gone(call))
    return;

  if (call->nc_state == nst_cs_ending)
    return;
  if (!call_report(call, nst_ev_expiring, 0, NULL))
    return;
  if (call->nc_state == nst_cs_ending || nst_sched_remaining_ms(&call->nc_expiry_timer) >= 0)
    return;
  left = su_duration(call->nc_expires_at, su_now());
  nst_sched_arm(&call->nc_expiry_timer, left > 0 ? (uint64_t)left : 0,
                call_expiry_due, call);
}

/* ---------------------------------------------------------------------- */
/* The application's lifetime of a call (doc/field-notes.md, the servlet model) */

nst_lifetime_t nst_call_set_lifetime(nst_calls_t *calls, nua_handle_t *nh,
                                     unsigned seconds, unsigned *return_granted)
{
  nst_call_t *call = nst_call_find(calls, nh);
  nst_lifetime_t outcome;
  unsigned granted = 0;

  if (return_granted)
    *return_granted = 0;
  if (call == NULL || !nst_call_is_established(call) || call->nc_state == nst_cs_ending) {
    SU_DEBUG_3(("nst: %p lifetime of %u s rejected: %s\n", (void *)nh, seconds,
                call == NULL ? "no call nst knows" :
                call->nc_state == nst_cs_ending ? "the call is ending" :
                "the call is not established"));
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

  if (call_is_gone(call))
    return;

  if (call->nc_state == nst_cs_ending)
    return;
  if (!call_report(call, nst_ev_lifetime_expiring, 0, NULL))
    return;
  if (call->nc_state == nst_cs_ending || nst_sched_remaining_ms(&call->nc_lifetime_timer) >= 0)
    return;
  if (call_report(call, nst_ev_lifetime_expired, 0, NULL) && call->nc_state != nst_cs_ending)
    call_end(call, nst_ce_lifetime_ended, NST_LIFETIME_REASON);
}

/* A failure response to our refresh: decide what comes next, then tell
 * the application (so that nst_info_t says what will really happen). */
static void call_refresh_failed(nst_call_t *call, nst_method_t method, int status,
                                char const *phrase, sip_t const *sip)
{
  nst_failure_action_t action = nst_refresh_failure_action(status, method);
  int64_t delay;
  nst_hdrs_t next;

  if (action == nst_fail_raise_interval) {
    nst_hdrs_t resp = nst_read_hdrs(call->nc_calls->parser, sip);

    if (nst_uac_after_422(&call->nc_sent, resp.min_se, call->nc_422_retries, &next)) {
      /* Section 7.4: the refresh goes again, raised, in the same dialog. */
      call->nc_422_retries++;
      call->nc_session.interval = next.se;
      call->nc_session.min_se = next.min_se;
      call->nc_sent = next;
      call_move(call, nst_ce_refresh_422, nst_cs_refreshing);
      call_next(call, nst_next_resend_refresh);
      call_report(call, nst_ev_refresh_failed, status, phrase);
      return;
    }
    action = nst_fail_retry_later;
  }

  call->nc_refreshing = nst_method_none;
  if (action != nst_fail_end_call)
    call_move(call, nst_ce_refresh_failed, nst_cs_session);
  switch (action) {
  case nst_fail_use_reinvite:
    /* doc/pitfalls.md 4: UPDATE refused, re-INVITE now and from now on. */
    call->nc_update_refused = 1;
    call_next(call, nst_next_refresh);
    break;
  case nst_fail_retry_glare:
    call_retry_refresh_in(call, nst_glare_delay_ms(call->nc_caller, g_random_double()));
    break;
  case nst_fail_end_call:
    call_end(call, nst_ce_refresh_fatal, status == 481
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
  call_report(call, nst_ev_refresh_failed, status, phrase);
}

static int call_on_refresh_response(nst_call_t *call, nst_method_t method,
                                    int status, char const *phrase, sip_t const *sip)
{
  nst_hdrs_t resp;
  nst_outcome_t o;

  if (status >= 300 && call->nc_state == nst_cs_ending) {
    /* BYE is going: nothing to retry. */
    call->nc_refreshing = nst_method_none;
    call_move(call, nst_ce_refresh_failed, nst_cs_ending);
    call_report(call, nst_ev_refresh_failed, status, phrase);
    return 0;
  }
  if (status == 401 || status == 407) {
    /* Not a failure (yet): the application answers the challenge with
     * nua_authenticate(), as for its own requests, and nua sends the
     * refresh again; it stays out meanwhile. Unanswered, the session
     * expires (section 10). */
    call_report(call, nst_ev_refresh_challenged, status, phrase);
    return 0;
  }
  if (status >= 300) {
    call_refresh_failed(call, method, status, phrase, sip);
    return 0;
  }

  call->nc_refreshing = nst_method_none;
  call_note_peer(call, sip);
  resp = nst_read_hdrs(call->nc_calls->parser, sip);
  /* Section 7.2: the 2xx decides. A Session-Expires without refresher (a
   * Grandstream PBX answers UPDATE that way) keeps the refresher we sent;
   * a 2xx without Session-Expires turns the timer off. */
  o = nst_negotiate_uac_2xx(&call->nc_sent, &resp);
  o = nst_uac_policy(&call->nc_config, &call->nc_sent, &o);
  call_set_session(call, &o, nst_ce_refresh_2xx);
  if (call_report(call, nst_ev_refresh_answered, status, phrase))
    call_idle(call);
  return 0;
}

/* What a request nst did not send offered: nua's Supported (with
 * "timer"), no Session-Expires (nua's engine adds none, nst_parser.c). */
static nst_hdrs_t const nst_plain_request = { 0, nst_label_none, 0, 1, 0 };

/* A final response to the application's INVITE or UPDATE: one it sent
 * through nst, or with plain nua_invite()/nua_update() (whose 2xx binds us
 * all the same, section 7.2). */
static int call_on_app_response(nst_call_t *call, nst_method_t method,
                                int status, char const *phrase, sip_t const *sip)
{
  nst_hdrs_t resp = nst_read_hdrs(call->nc_calls->parser, sip), next;
  nst_outcome_t o;
  int plain = call->nc_app_method != method;   /* not sent through nst */

  if (plain)
    call->nc_sent = nst_plain_request;

  if (status == 422 && call->nc_app_method == method &&
      nst_uac_after_422(&call->nc_sent, resp.min_se, call->nc_422_retries, &next)) {
    /* Section 7.3: retry with the 422's Min-SE. */
    call->nc_422_retries++;
    call->nc_sent = next;
    if (nst_call_is_established(call)) {
      call->nc_resend_method = method;
      call_next(call, nst_next_resend_app);
    }
    else {
      /* The failed INVITE ends its dialog: send it again once nua says so
       * (on_i_state), out of the application's sight: the same Call-ID and
       * From address (section 7.3, RFC 3261 8.1.3.5), a new From tag (the
       * section 13 example as erratum 1681 corrects it), the next CSeq. */
      call_move(call, nst_ce_422, nst_cs_recalling);
      call_show(call, nst_view_hide_recall);
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
  if (plain) {
    call->nc_plain_read_back = 1;
    calls_read_back(call->nc_calls, call->nc_nh);   /* nua's engine may run */
  }
  call_set_session(call, &o, nst_ce_2xx);
  if (call_report(call, nst_ev_negotiated, status, phrase))
    call_idle(call);
  return 1;
}

int nst_call_on_plain_response(nst_calls_t *calls, nua_handle_t *nh, nst_method_t method,
                               int status, char const *phrase, sip_t const *sip)
{
  nst_call_t *call;

  /* A call placed with plain nua_invite(), or a call nst left (answered
   * with plain nua_respond(), or whose 2xx had no timer) that the
   * application changes with plain nua_update()/nua_invite(): the 2xx
   * binds us (section 7.2), so nst runs the timer it negotiated from here
   * on. */
  if (status < 200 || status >= 300 || nst_read_hdrs(calls->parser, sip).se == 0)
    return 1;   /* no timer to run: the call stays the application's alone */
  call = nst_call_get(calls, nh);
  if (call == NULL)
    return 1;
  /* Who made the Call-ID (RFC 3261 14.1, the 491 back-off): we did for
   * an INVITE (a re-INVITE in a call nst left cannot tell: the longer
   * back-off is as valid); an UPDATE does not say, the shorter one. */
  call->nc_caller = method == nst_method_invite;
  /* From now on nst answers the peer's re-INVITEs (refreshes among them),
   * as in the calls it places itself (call_send()). */
  call->nc_own_set_params++;
  nua_set_hparams(nh, NUTAG_AUTOANSWER(0), TAG_END());
  return call_on_app_response(call, method, status, phrase, sip);
}

int nst_call_on_response(nst_call_t *call, nst_method_t method, int status,
                         char const *phrase, sip_t const *sip)
{
  int ours = call->nc_refreshing != nst_method_none && call->nc_refreshing == method;

  if (status == 422)
    call->nc_calls->stats.ns_422_received++;

  if (status < 200)
    return !ours;
  call_request_answered(call, status);
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

  memset(&h, 0, sizeof h);
  if (status == 422) {
    call->nc_calls->stats.ns_422_sent++;
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
  {
    /* As call_send(): nua's engine sits this response out. */
    nst_outgoing_t out;
    tagi_t const *t = call_outgoing(call, &out, &h, 1, extra);

    nua_respond(call->nc_nh, status, phrase, TAG_NEXT(t));
    call_outgoing_sent(call, &out, nst_method_none);
  }
}

/* The application's answer to an initial INVITE (nst_respond()): a 2xx
 * gets the timer headers; anything else, or a call nst did not see, goes
 * to nua as it is. */
int nst_call_respond_app(nst_calls_t *calls, nua_handle_t *nh, int status,
                         char const *phrase, tagi_t const *tags)
{
  nst_call_t *call = nst_call_find(calls, nh);
  nst_config_t cfg;
  nst_outcome_t o;

  if (call == NULL || nst_call_is_established(call) || status < 200 || status >= 300) {
    /* Provisional, failure, or a call nst did not see: as it is, but
     * nua's timer tags stay with nst (they would arm nua's engine on the
     * handle): before the 2xx of a call nst knows they set what the 2xx
     * will say, as in nst_respond()'s 2xx; elsewhere they have no use. */
    su_home_t home[1] = { SU_HOME_INIT(home) };

    if (call && call->nc_state == nst_cs_offered && status < 200) {
      if (call_config_with_tags(calls, nh, tags, &cfg) < 0)
        return -1;
      call->nc_config = cfg;
    }
    nua_respond(nh, status, phrase, TAG_NEXT(nst_tags_without_nua_timer(home, tags)));
    su_home_deinit(home);
    return 0;
  }

  if (call_config_with_tags(calls, nh, tags, &cfg) < 0)
    return -1;
  nst_config_for_role(&cfg, 0);
  call->nc_config = cfg;
  call_keep_supported(call, tags);
  o = nst_negotiate_uas(&call->nc_config, &call->nc_request, NULL);
  if (o.reject)                 /* a per-call Min-SE above the offer */
    memset(&o, 0, sizeof o);    /* too late for 422: answer without timer */
  call_respond(call, status, phrase, &o, tags);
  calls_read_back(calls, nh);

  call_set_session(call, &o, nst_ce_app_2xx);
  call_report(call, nst_ev_negotiated, status, phrase);
  return 0;
}

/* 422 (section 9) or 421 (the "require" policy) to a request; the
 * application hears of it as nst_ev_rejected. Returns 1 if the call is
 * still there. */
static int call_reject(nst_call_t *call, nst_outcome_t const *o, tagi_t const *extra)
{
  nst_outcome_t const kept = call->nc_session;
  int there;

  if (o->reject == 421)
    call_respond(call, 421, "Extension Required", o, extra);
  else
    call_respond(call, NST_422, o, extra);
  call->nc_session.min_se = o->min_se;   /* for the report */
  there = call_report(call, nst_ev_rejected, o->reject,
                      o->reject == 421 ? "Extension Required" : "Session Interval Too Small");
  if (there)
    call->nc_session = kept;
  return there;
}

static int call_reject_in_dialog(nst_call_t *call, nst_outcome_t const *o)
{
  tagi_t const with[] = { { NUTAG_WITH_THIS(call->nc_calls->nua) }, { TAG_END() } };
  call_reject(call, o, with);
  return 0;
}

/* A session refresh request from the peer (section 9): answer it 200 with
 * the timer headers; it re-arms the timers. */
static void call_accept_refresh(nst_call_t *call, nst_outcome_t const *o)
{
  tagi_t const with[] = { { NUTAG_WITH_THIS(call->nc_calls->nua) }, { TAG_END() } };

  call_respond(call, SIP_200_OK, o, with);
  call->nc_refreshes++;
  call_set_session(call, o, nst_ce_peer_refresh);
  call_report(call, nst_ev_refresh_received, 200, "OK");
}

int nst_call_on_i_invite(nst_calls_t *calls, nst_call_t *call, nua_handle_t *nh,
                         sip_t const *sip)
{
  nst_hdrs_t req = nst_read_hdrs(calls->parser, sip);
  nst_outcome_t o;

  if (call && nst_call_is_established(call)) {
    call_note_peer(call, sip);
    o = nst_negotiate_uas(&call->nc_config, &req, &call->nc_session);
    if (o.reject)
      return call_reject_in_dialog(call, &o);
    call->nc_peer_offer = 1;    /* until its ACK */
    call_accept_refresh(call, &o);
    return 1;
  }

  call = nst_call_get(calls, nh);
  if (call == NULL)
    return 1;
  call->nc_request = req;
  call_note_peer(call, sip);
  o = nst_negotiate_uas(&call->nc_config, &req, NULL);
  if (o.reject) {
    /* The application never sees this attempt: the caller will retry with
     * a larger interval, in a new transaction. */
    call_move(call, nst_ce_peer_refused, nst_cs_refused);
    call_show(call, nst_view_none);
    call_reject(call, &o, NULL);
    return 0;
  }
  call_move(call, nst_ce_peer_invite, nst_cs_offered);
  return 1;
}

int nst_call_on_i_update(nst_call_t *call, sip_t const *sip)
{
  nst_calls_t *calls = call->nc_calls;
  nst_hdrs_t req = nst_read_hdrs(calls->parser, sip);
  nst_outcome_t o;

  call_note_peer(call, sip);
  if (!nst_call_is_established(call)) {
    /* An early UPDATE (preconditions): no session to refresh yet. */
    nua_respond(call->nc_nh, SIP_200_OK, NUTAG_WITH_THIS(calls->nua), TAG_END());
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
  if (call->nc_peer_offer) {
    call->nc_peer_offer = 0;
    call_idle(call);
  }
  return 1;
}

/* nua ended the call (nua_callstate_terminated): the INVITE answered 422
 * goes again, a call nst refused is destroyed, any other is forgotten. */
static int call_on_terminated(nst_call_t *call)
{
  nua_handle_t *nh = call->nc_nh;

  switch (call->nc_state) {
  case nst_cs_recalling: {
    /* The INVITE answered 422 ended its dialog: send it again, raised. */
    tagi_t const same_dialog[] = {
      { SIPTAG_CALL_ID(call->nc_call_id) },
      { SIPTAG_FROM(call->nc_from) },
      { SIPTAG_CSEQ(call->nc_cseq) },
      { TAG_NEXT(call->nc_app_tags) }
    };
    call_move(call, nst_ce_recall, nst_cs_calling);
    call_send(call, nst_method_invite, nst_send_session, &call->nc_sent,
              same_dialog);
    return 0;
  }
  case nst_cs_refused:
    /* The application never saw this handle: ours to destroy. */
    nua_handle_ref(nh);
    call_move_gone(call, nst_ce_terminated);
    nua_handle_destroy(nh);
    nua_handle_unref(nh);
    return 0;
  default:
    call_move_gone(call, nst_ce_terminated);
    return 1;
  }
}

/* nua_i_state: the view hides the states of our own refreshes and 422
 * retries (the application should not see its call "calling" again
 * because a timer refreshed it); the call is forgotten when it ends. */
int nst_call_on_i_state(nst_call_t *call, int callstate)
{
  if (callstate >= nua_callstate_completed)
    call_request_answered(call, 200);   /* a 2xx of ours waited for PRACK */
  if (callstate == nua_callstate_terminated)
    return call_on_terminated(call);

  switch (call->nc_view) {
  case nst_view_none:
    return 0;
  case nst_view_hide_recall:
    if (callstate == nua_callstate_calling)
      call_show(call, nst_view_all);  /* the application saw "calling" already */
    return 0;
  case nst_view_hide_refresh:
    if (callstate == nua_callstate_ready && call->nc_refreshing == nst_method_none)
      call_show(call, nst_view_all);
    return 0;
  case nst_view_all:
    break;
  }

  if (call->nc_state == nst_cs_offered &&
      (callstate == nua_callstate_completed || callstate == nua_callstate_ready)) {
    /* The application answered with plain nua_respond(): its 2xx carried
     * no Session-Expires, so the session has no timer (section 9). nst
     * says so and leaves the call to the application and nua. */
    memset(&call->nc_session, 0, sizeof call->nc_session);
    calls_read_back(call->nc_calls, call->nc_nh);
    call_move(call, nst_ce_app_plain_2xx, nst_cs_gone);
    if (call_report(call, nst_ev_negotiated, 200, sip_200_OK))
      call_forget(call);
    return 1;
  }

  if (callstate == nua_callstate_ready && call->nc_peer_offer) {
    call->nc_peer_offer = 0;
    call_idle(call);
  }

  return 1;
}

int nst_call_on_i_active(nst_call_t *call)
{
  return call->nc_view == nst_view_all;
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
  return call->nc_view != nst_view_hide_recall && call->nc_view != nst_view_none;
}
