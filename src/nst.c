/*
 * nst - the nua glue: events in, nua calls out.
 *
 * nst creates the nua with a SIP parser in which Session-Expires and Min-SE
 * live in slots nua does not know (so its own session-timer engine never
 * sees them and stays dormant), receives every nua event before the
 * application, answers re-INVITE and UPDATE itself (so the answers carry
 * the timer headers) and drives the per-call timers.
 */
#include "config.h"

#include "nst_core.h"
#include "nst_sched.h"

#include <nst/nst.h>

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/msg_mclass.h>
#include <sofia-sip/su_tagarg.h>
#include <sofia-sip/su_tag_io.h>

#include <glib.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

su_log_t nst_log[] = { SU_LOG_INIT("nst", "NST_DEBUG", 3) };

#define SU_LOG (nst_log)
#include <sofia-sip/su_debug.h>

/* RFC 4028 section 10 (BYE on expiry) names no cause; nua's own engine
 * and most stacks send this one. */
/* RFC 4028 section 6 names the status "Session Interval Too Small". */
#define NST_422 422, "Session Interval Too Small"

#define NST_EXPIRY_REASON "SIP;cause=408;text=\"Session timeout\""

typedef struct nst_call_s nst_call_t;

struct nst_s {
  su_home_t          ns_home[1];
  su_root_t         *ns_root;
  nua_t             *ns_nua;
  msg_mclass_t      *ns_mclass;     /* malloc'd; outlives the nua */
  unsigned short     ns_se_offset;  /* where Session-Expires lands in sip_t */
  unsigned short     ns_min_se_offset;
  nst_config_t       ns_config;
  nua_callback_f     ns_app_callback;
  nua_magic_t       *ns_app_magic;
  nst_callback_f    *ns_ev_callback;
  void              *ns_ev_magic;
  GHashTable        *ns_calls;      /* nua_handle_t * -> nst_call_t * */
};

struct nst_call_s {
  nst_t             *nc_nst;
  nua_handle_t      *nc_nh;         /* we hold a reference */
  nst_config_t       nc_config;
  nst_outcome_t      nc_session;    /* the running session (interval 0: none) */
  nst_hdrs_t         nc_sent;       /* what our pending request offered */
  nst_hdrs_t         nc_request;    /* the peer's initial INVITE */
  int                nc_peer_allows_update;
  int                nc_rejected;   /* we answered the INVITE 422 */
  nst_method_t       nc_refreshing; /* our own refresh in flight */
  int                nc_hide_states;/* hide nua_i_state of our refresh */
  unsigned           nc_refreshes;
  nst_sched_timer_t  nc_refresh_timer;
  nst_sched_timer_t  nc_expiry_timer;
};

/* ---------------------------------------------------------------------- */
/* The parser: Session-Expires and Min-SE in slots of their own. */

static int find_offset(msg_mclass_t const *mc, msg_hclass_t *hc, unsigned short *offset)
{
  msg_href_t const *hr = msg_find_hclass(mc, hc->hc_name, NULL);

  if (hr == NULL || hr->hr_class != hc)
    return -1;
  *offset = hr->hr_offset;
  return 0;
}

/* Clone the default parser, then give the two timer headers new slots after
 * sip_t: nua reads sip->sip_session_expires and sip->sip_min_se, which stay
 * NULL, while SIPTAG_SESSION_EXPIRES() and SIPTAG_MIN_SE() still encode
 * (nua-integration.md section 1). */
static msg_mclass_t *nst_parser_create(unsigned short *se_offset,
                                       unsigned short *min_se_offset)
{
  msg_mclass_t const *def = sip_default_mclass();
  msg_mclass_t *mc = msg_mclass_clone(def, 0, msg_mclass_empty);
  unsigned short se_flags = 0, min_se_flags = 0;
  int i;

  if (mc == NULL)
    return NULL;

  for (i = 0; i < def->mc_hash_size; i++) {
    msg_href_t const *hr = &def->mc_hash[i];

    if (hr->hr_class == NULL)
      continue;
    if (hr->hr_class == sip_session_expires_class)
      se_flags = hr->hr_flags;
    else if (hr->hr_class == sip_min_se_class)
      min_se_flags = hr->hr_flags;
    else if (msg_mclass_insert(mc, hr) < 0)
      goto fail;
  }

  if (msg_mclass_insert_with_mask(mc, sip_session_expires_class, 0, se_flags) < 0 ||
      msg_mclass_insert_with_mask(mc, sip_min_se_class, 0, min_se_flags) < 0 ||
      find_offset(mc, sip_session_expires_class, se_offset) < 0 ||
      find_offset(mc, sip_min_se_class, min_se_offset) < 0)
    goto fail;

  return mc;

fail:
  free(mc);
  return NULL;
}

static void const *slot(sip_t const *sip, unsigned short offset)
{
  if (sip == NULL || (size_t)sip->sip_size < offset + sizeof(void *))
    return NULL;
  return *(void * const *)((char const *)sip + offset);
}

/* What a message says about session timers. */
static nst_hdrs_t read_hdrs(nst_t const *nst, sip_t const *sip)
{
  sip_session_expires_t const *x = slot(sip, nst->ns_se_offset);
  sip_min_se_t const *min = slot(sip, nst->ns_min_se_offset);
  nst_hdrs_t h;

  memset(&h, 0, sizeof h);
  if (x) {
    h.se = x->x_delta > UINT32_MAX ? UINT32_MAX : (unsigned)x->x_delta;
    h.refresher = nst_label_parse(x->x_refresher);
  }
  if (min)
    h.min_se = min->min_delta > UINT32_MAX ? UINT32_MAX : (unsigned)min->min_delta;
  if (sip) {
    h.supported_timer = sip_has_feature(sip->sip_supported, "timer");
    h.require_timer = sip_has_feature(sip->sip_require, "timer");
  }
  return h;
}

/* ---------------------------------------------------------------------- */
/* Timer headers for outgoing messages: one function for every kind. */

typedef struct nst_hdr_strs_s {
  char se[64];
  char min_se[24];
} nst_hdr_strs_t;

static void format_hdrs(nst_hdrs_t const *h, nst_hdr_strs_t *s)
{
  char const *label = nst_label_name(h->refresher);

  s->se[0] = s->min_se[0] = '\0';
  if (h->se)
    snprintf(s->se, sizeof s->se, "%u%s%s", h->se,
             label ? ";refresher=" : "", label ? label : "");
  if (h->min_se)
    snprintf(s->min_se, sizeof s->min_se, "%u", h->min_se);
}

/* ---------------------------------------------------------------------- */
/* Calls */

static void call_refresh_due(void *arg);
static void call_expiry_due(void *arg);

static nst_call_t *call_find(nst_t const *nst, nua_handle_t const *nh)
{
  return nh ? g_hash_table_lookup(nst->ns_calls, nh) : NULL;
}

static nst_call_t *call_create(nst_t *nst, nua_handle_t *nh)
{
  nst_call_t *call = g_new0(nst_call_t, 1);

  call->nc_nst = nst;
  call->nc_nh = nua_handle_ref(nh);
  call->nc_config = nst->ns_config;
  if (nst_sched_init(&call->nc_refresh_timer, nst->ns_root) < 0 ||
      nst_sched_init(&call->nc_expiry_timer, nst->ns_root) < 0) {
    SU_DEBUG_1(("nst: cannot create timers for call %p\n", (void *)nh));
  }
  g_hash_table_insert(nst->ns_calls, nh, call);
  return call;
}

static nst_call_t *call_get(nst_t *nst, nua_handle_t *nh)
{
  nst_call_t *call = call_find(nst, nh);
  return call ? call : call_create(nst, nh);
}

/* Hash-table value destructor: cancels the timers first, so that no timer
 * can fire on a freed call. */
static void call_free(gpointer data)
{
  nst_call_t *call = data;

  nst_sched_deinit(&call->nc_refresh_timer);
  nst_sched_deinit(&call->nc_expiry_timer);
  nua_handle_unref(call->nc_nh);
  g_free(call);
}

static void call_forget(nst_call_t *call)
{
  g_hash_table_remove(call->nc_nst->ns_calls, call->nc_nh);
}

static void call_info(nst_call_t const *call, int status, char const *phrase,
                      nst_info_t *info)
{
  memset(info, 0, sizeof *info);
  info->ni_interval = call->nc_session.interval;
  info->ni_refresher = call->nc_session.refresher;
  if (call->nc_session.refresher == nst_refresher_local)
    info->ni_method = call->nc_peer_allows_update ? nst_method_update : nst_method_invite;
  info->ni_status = status;
  info->ni_phrase = phrase;
  info->ni_refreshes = call->nc_refreshes;
}

static void call_report(nst_call_t *call, nst_event_t event, int status,
                        char const *phrase)
{
  nst_t *nst = call->nc_nst;
  nst_info_t info;

  call_info(call, status, phrase, &info);
  SU_DEBUG_5(("nst: %p %s interval=%u refresher=%s status=%d\n",
              (void *)call->nc_nh, nst_event_name(event), info.ni_interval,
              nst_refresher_name(info.ni_refresher), status));
  if (nst->ns_ev_callback)
    nst->ns_ev_callback(event, nst, call->nc_nh, nua_handle_magic(call->nc_nh),
                        &info, nst->ns_ev_magic);
}

/* One function re-arms the timers from any 2xx (RFC 4028 section 10):
 * the refresher refreshes at half the interval and gives up when the
 * session expires; the other side sends BYE at interval - min(32, interval/3). */
static void call_arm(nst_call_t *call)
{
  unsigned interval = call->nc_session.interval;

  nst_sched_cancel(&call->nc_refresh_timer);
  nst_sched_cancel(&call->nc_expiry_timer);

  if (interval == 0)
    return;

  if (call->nc_session.refresher == nst_refresher_local) {
    nst_sched_arm(&call->nc_refresh_timer, nst_refresh_delay_ms(interval),
                  call_refresh_due, call);
    nst_sched_arm(&call->nc_expiry_timer, (uint64_t)interval * 1000u,
                  call_expiry_due, call);
  }
  else {
    nst_sched_arm(&call->nc_expiry_timer, nst_expiry_delay_ms(interval),
                  call_expiry_due, call);
  }
}

static void call_set_session(nst_call_t *call, nst_outcome_t const *session)
{
  call->nc_session = *session;
  call_arm(call);
}

static void call_note_peer(nst_call_t *call, sip_t const *sip)
{
  if (sip && sip->sip_allow)
    call->nc_peer_allows_update =
      sip_is_allowed(sip->sip_allow, sip_method_update, "UPDATE");
}

/* Per-call configuration: the call's own, overridden by NSTTAG_* in tags. */
static int call_config_from_tags(nst_call_t *call, tagi_t const *tags)
{
  nst_config_t cfg = call->nc_config;
  char const *why;

  tl_gets(tags,
          NSTTAG_ENABLED_REF(cfg.enabled),
          NSTTAG_SESSION_EXPIRES_REF(cfg.session_expires),
          NSTTAG_MIN_SE_REF(cfg.min_se),
          NSTTAG_REFRESHER_REF(cfg.refresher),
          TAG_END());
  if (nst_config_check(&cfg, &why) < 0) {
    SU_DEBUG_1(("nst: call %p: NSTTAG ignored: %s\n", (void *)call->nc_nh, why));
    return -1;
  }
  call->nc_config = cfg;
  return 0;
}

/* ---------------------------------------------------------------------- */
/* Sending requests */

static void call_send(nst_call_t *call, nst_method_t method, tagi_t const *tags)
{
  nst_outcome_t const *current = call->nc_session.interval ? &call->nc_session : NULL;
  nst_hdr_strs_t s;

  call->nc_sent = nst_uac_request(&call->nc_config, current);
  format_hdrs(&call->nc_sent, &s);

  /* NUTAG_AUTOANSWER(0) on the handle: re-INVITEs come to us unanswered
   * (nua-integration.md section 2). */
  if (method == nst_method_invite)
    nua_invite(call->nc_nh,
               NUTAG_AUTOANSWER(0),
               TAG_IF(s.se[0], SIPTAG_SESSION_EXPIRES_STR(s.se)),
               TAG_IF(s.min_se[0], SIPTAG_MIN_SE_STR(s.min_se)),
               TAG_NEXT(tags));
  else
    nua_update(call->nc_nh,
               TAG_IF(s.se[0], SIPTAG_SESSION_EXPIRES_STR(s.se)),
               TAG_IF(s.min_se[0], SIPTAG_MIN_SE_STR(s.min_se)),
               TAG_NEXT(tags));
}

void nst_invite(nst_t *nst, nua_handle_t *nh, tag_type_t tag, tag_value_t value, ...)
{
  nst_call_t *call;
  ta_list ta;

  if (nst == NULL || nh == NULL)
    return;

  ta_start(ta, tag, value);
  call = call_get(nst, nh);
  call_config_from_tags(call, ta_args(ta));
  call_send(call, nst_method_invite, ta_args(ta));
  (void)ta_end(ta);  /* Sofia's macro ends in a bare 0 */
}

void nst_update(nst_t *nst, nua_handle_t *nh, tag_type_t tag, tag_value_t value, ...)
{
  nst_call_t *call;
  ta_list ta;

  if (nst == NULL || nh == NULL)
    return;

  ta_start(ta, tag, value);
  call = call_get(nst, nh);
  call_config_from_tags(call, ta_args(ta));
  call_send(call, nst_method_update, ta_args(ta));
  (void)ta_end(ta);  /* Sofia's macro ends in a bare 0 */
}

/* The refresh itself (RFC 4028 section 7.4): UPDATE when the peer's Allow
 * lists it, else re-INVITE. The UPDATE carries no SDP: a refresh is no
 * reason to renegotiate media. */
static void call_refresh_due(void *arg)
{
  nst_call_t *call = arg;
  nst_method_t method =
    call->nc_peer_allows_update ? nst_method_update : nst_method_invite;

  call->nc_refreshing = method;
  call->nc_hide_states = 1;
  call->nc_refreshes++;

  if (method == nst_method_update) {
    tagi_t tags[] = { { SIPTAG_PAYLOAD_STR("") }, { TAG_END() } };
    call_send(call, method, tags);
  }
  else {
    call_send(call, method, NULL);
  }
  call_report(call, nst_ev_refresh_sent, 0, NULL);
}

/* RFC 4028 section 10: the session expired, send BYE. */
static void call_expiry_due(void *arg)
{
  nst_call_t *call = arg;

  nst_sched_cancel(&call->nc_refresh_timer);
  call_report(call, nst_ev_expired, 0, NULL);
  nua_bye(call->nc_nh, SIPTAG_REASON_STR(NST_EXPIRY_REASON), TAG_END());
}

/* ---------------------------------------------------------------------- */
/* Answering */

static void respond_with_timer(nst_call_t *call, int status, char const *phrase,
                               nst_outcome_t const *o, tagi_t const *extra)
{
  nst_hdrs_t h;
  nst_hdr_strs_t s;
  int require = 0;

  memset(&h, 0, sizeof h);
  if (status == 422) {
    h.min_se = o->min_se;
  }
  else if (status >= 200 && status < 300 && o->interval) {
    /* We are the server of this transaction. */
    h.se = o->interval;
    h.refresher = nst_label_for(o->refresher, 0);
    require = nst_uas_requires_timer(o);
  }
  format_hdrs(&h, &s);

  nua_respond(call->nc_nh, status, phrase,
              NUTAG_AUTOANSWER(0),
              TAG_IF(s.se[0], SIPTAG_SESSION_EXPIRES_STR(s.se)),
              TAG_IF(s.min_se[0], SIPTAG_MIN_SE_STR(s.min_se)),
              TAG_IF(require, SIPTAG_REQUIRE_STR("timer")),
              TAG_NEXT(extra));
}

void nst_respond(nst_t *nst, nua_handle_t *nh, int status, char const *phrase,
                 tag_type_t tag, tag_value_t value, ...)
{
  nst_call_t *call;
  nst_outcome_t o;
  ta_list ta;

  if (nst == NULL || nh == NULL)
    return;

  ta_start(ta, tag, value);
  call = call_find(nst, nh);
  if (call == NULL || call->nc_session.interval || status < 200 || status >= 300) {
    /* Provisional, failure, or a call nst did not see: plain nua. */
    nua_respond(nh, status, phrase, ta_tags(ta));
    (void)ta_end(ta);  /* Sofia's macro ends in a bare 0 */
    return;
  }

  call_config_from_tags(call, ta_args(ta));
  o = nst_negotiate_uas(&call->nc_config, &call->nc_request, NULL);
  if (o.reject)                 /* a per-call Min-SE above the offer */
    memset(&o, 0, sizeof o);    /* too late for 422: answer without timer */
  respond_with_timer(call, status, phrase, &o, ta_args(ta));
  (void)ta_end(ta);  /* Sofia's macro ends in a bare 0 */

  call_set_session(call, &o);
  call_report(call, nst_ev_negotiated, status, phrase);
}

/* ---------------------------------------------------------------------- */
/* Events from nua */

static void forward(nst_t *nst, nua_event_t event, int status, char const *phrase,
                    nua_handle_t *nh, nua_hmagic_t *hmagic, sip_t const *sip,
                    tagi_t tags[])
{
  if (nst->ns_app_callback)
    nst->ns_app_callback(event, status, phrase, nst->ns_nua, nst->ns_app_magic,
                         nh, hmagic, sip, tags);
}

static int callstate_of(tagi_t const *tags)
{
  int state = -1;
  tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
  return state;
}

/* An INVITE: initial (decide, let the application answer) or a re-INVITE
 * (answer it ourselves: the refresh of section 9). Returns 1 to forward. */
static int on_i_invite(nst_t *nst, nst_call_t *call, nua_handle_t *nh,
                       sip_t const *sip)
{
  nst_hdrs_t req = read_hdrs(nst, sip);
  nst_outcome_t o;

  if (call && nua_handle_has_active_call(nh)) {
    o = nst_negotiate_uas(&call->nc_config, &req, &call->nc_session);
    call_note_peer(call, sip);
    if (o.reject) {
      respond_with_timer(call, NST_422, &o,
                         (tagi_t[]){ { NUTAG_WITH_THIS(nst->ns_nua) }, { TAG_END() } });
      return 0;
    }
    respond_with_timer(call, SIP_200_OK, &o,
                       (tagi_t[]){ { NUTAG_WITH_THIS(nst->ns_nua) }, { TAG_END() } });
    call->nc_refreshes++;
    call_set_session(call, &o);
    call_report(call, nst_ev_refresh_received, 200, "OK");
    return 1;
  }

  call = call_get(nst, nh);
  call->nc_request = req;
  call_note_peer(call, sip);
  o = nst_negotiate_uas(&call->nc_config, &req, NULL);
  if (o.reject) {
    /* RFC 4028 section 9: 422 with our Min-SE; the application never sees
     * this attempt, the caller will retry with a larger interval. */
    call->nc_rejected = 1;
    respond_with_timer(call, NST_422, &o, NULL);
    return 0;
  }
  return 1;
}

static int on_i_update(nst_t *nst, nst_call_t *call, sip_t const *sip)
{
  nst_hdrs_t req = read_hdrs(nst, sip);
  nst_outcome_t o;
  tagi_t with[] = { { NUTAG_WITH_THIS(nst->ns_nua) }, { TAG_END() } };

  o = nst_negotiate_uas(&call->nc_config, &req, &call->nc_session);
  call_note_peer(call, sip);
  if (o.reject) {
    respond_with_timer(call, NST_422, &o, with);
    return 0;
  }
  respond_with_timer(call, SIP_200_OK, &o, with);
  if (nua_handle_has_active_call(call->nc_nh)) {
    call->nc_refreshes++;
    call_set_session(call, &o);
    call_report(call, nst_ev_refresh_received, 200, "OK");
  }
  return 1;
}

/* A final response to an INVITE or UPDATE we sent. Returns 1 to forward. */
static int on_r_request(nst_t *nst, nst_call_t *call, nst_method_t method,
                        int status, char const *phrase, sip_t const *sip)
{
  int ours = call->nc_refreshing == method;
  nst_hdrs_t response;
  nst_outcome_t o;

  if (status < 200)
    return !ours;

  if (ours)
    call->nc_refreshing = nst_method_none;

  if (status >= 300) {
    /* The session lives on until it expires (RFC 4028 section 10). */
    if (ours)
      call_report(call, nst_ev_refresh_answered, status, phrase);
    return !ours;
  }

  call_note_peer(call, sip);
  response = read_hdrs(nst, sip);
  o = nst_negotiate_uac_2xx(&call->nc_sent, &response);
  call_set_session(call, &o);
  call_report(call, ours ? nst_ev_refresh_answered : nst_ev_negotiated,
              status, phrase);
  return !ours;
}

/* nua_i_state: hide the states our own refresh goes through (the
 * application should not see its call "calling" again because a timer
 * refreshed it); forget the call when it terminates. */
static int on_i_state(nst_call_t *call, tagi_t const *tags)
{
  int state = callstate_of(tags);

  if (state == nua_callstate_terminated) {
    int rejected = call->nc_rejected;
    nua_handle_t *nh = call->nc_nh;

    if (rejected)
      nua_handle_ref(nh);
    call_forget(call);
    if (rejected) {
      /* The application never saw this handle: ours to destroy. */
      nua_handle_destroy(nh);
      nua_handle_unref(nh);
    }
    return !rejected;
  }

  if (call->nc_rejected)
    return 0;

  if (call->nc_hide_states) {
    if (state == nua_callstate_ready && call->nc_refreshing == nst_method_none)
      call->nc_hide_states = 0;
    return 0;
  }
  return 1;
}

static void nst_callback(nua_event_t event, int status, char const *phrase,
                         nua_t *nua, nua_magic_t *magic,
                         nua_handle_t *nh, nua_hmagic_t *hmagic,
                         sip_t const *sip, tagi_t tags[])
{
  nst_t *nst = (nst_t *)magic;
  nst_call_t *call = call_find(nst, nh);
  int pass = 1;

  (void)nua;

  switch (event) {
  case nua_i_invite:
    pass = on_i_invite(nst, call, nh, sip);
    if (pass && call && nua_handle_has_active_call(nh))
      status = 200, phrase = "OK";  /* as nua's own auto-answer reports it */
    break;
  case nua_i_update:
    if (call) {
      pass = on_i_update(nst, call, sip);
      status = 200, phrase = "OK";
    }
    else
      nua_respond(nh, SIP_200_OK, NUTAG_WITH_THIS(nst->ns_nua), TAG_END());
    break;
  case nua_r_invite:
    if (call)
      pass = on_r_request(nst, call, nst_method_invite, status, phrase, sip);
    break;
  case nua_r_update:
    if (call)
      pass = on_r_request(nst, call, nst_method_update, status, phrase, sip);
    break;
  case nua_i_active:
    pass = !(call && call->nc_hide_states);
    break;
  case nua_i_state:
    if (call)
      pass = on_i_state(call, tags);
    break;
  case nua_i_terminated:
    pass = !(call && call->nc_rejected);
    break;
  case nua_r_shutdown:
    if (status >= 200)
      g_hash_table_remove_all(nst->ns_calls);
    break;
  default:
    break;
  }

  if (pass)
    forward(nst, event, status, phrase, nh, hmagic, sip, tags);
}

/* ---------------------------------------------------------------------- */
/* The module */

nst_t *nst_create(su_root_t *root, nua_callback_f callback, nua_magic_t *magic,
                  tag_type_t tag, tag_value_t value, ...)
{
  nst_t *nst;
  char const *why;
  ta_list ta;

  su_log_init(nst_log);

  if (root == NULL)
    return NULL;

  nst = su_home_new(sizeof *nst);
  if (nst == NULL)
    return NULL;

  nst->ns_root = root;
  nst->ns_app_callback = callback;
  nst->ns_app_magic = magic;
  nst_config_default(&nst->ns_config);

  ta_start(ta, tag, value);
  tl_gets(ta_args(ta),
          NSTTAG_ENABLED_REF(nst->ns_config.enabled),
          NSTTAG_SESSION_EXPIRES_REF(nst->ns_config.session_expires),
          NSTTAG_MIN_SE_REF(nst->ns_config.min_se),
          NSTTAG_REFRESHER_REF(nst->ns_config.refresher),
          TAG_END());

  if (nst_config_check(&nst->ns_config, &why) < 0) {
    SU_DEBUG_1(("nst_create: %s\n", why));
    (void)ta_end(ta);  /* Sofia's macro ends in a bare 0 */
    su_home_unref(nst->ns_home);
    return NULL;
  }

  nst->ns_calls = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, call_free);
  nst->ns_mclass = nst_parser_create(&nst->ns_se_offset, &nst->ns_min_se_offset);
  if (nst->ns_mclass)
    /* Our tags are given first so that the application cannot switch the
     * built-in engine back on; nua ignores the NSTTAG_* ones. */
    nst->ns_nua = nua_create(root, nst_callback, (nua_magic_t *)nst,
                             NUTAG_SIP_PARSER(nst->ns_mclass),
                             NUTAG_SESSION_TIMER(0),
                             NUTAG_SESSION_REFRESHER(nua_no_refresher),
                             NUTAG_APPL_METHOD("UPDATE"),
                             ta_tags(ta));
  (void)ta_end(ta);  /* Sofia's macro ends in a bare 0 */

  if (nst->ns_nua == NULL) {
    SU_DEBUG_1(("nst_create: cannot create nua\n"));
    nst_destroy(nst);
    return NULL;
  }
  return nst;
}

nua_t *nst_nua(nst_t const *nst)
{
  return nst ? nst->ns_nua : NULL;
}

void nst_destroy(nst_t *nst)
{
  if (nst == NULL)
    return;
  if (nst->ns_calls)
    g_hash_table_destroy(nst->ns_calls);
  if (nst->ns_nua)
    nua_destroy(nst->ns_nua);
  free(nst->ns_mclass);   /* only after nua: its messages use the parser */
  su_home_unref(nst->ns_home);
}

void nst_set_callback(nst_t *nst, nst_callback_f *callback, void *magic)
{
  if (nst)
    nst->ns_ev_callback = callback, nst->ns_ev_magic = magic;
}

int nst_get_info(nst_t const *nst, nua_handle_t const *nh, nst_info_t *info)
{
  nst_call_t const *call = nst ? call_find(nst, nh) : NULL;

  if (call == NULL || info == NULL)
    return -1;
  call_info(call, 0, NULL, info);
  return 0;
}

long nst_next_timer_ms(nst_t const *nst, nua_handle_t const *nh)
{
  nst_call_t const *call = nst ? call_find(nst, nh) : NULL;
  long refresh, expiry;

  if (call == NULL)
    return -1;
  refresh = nst_sched_remaining_ms(&call->nc_refresh_timer);
  expiry = nst_sched_remaining_ms(&call->nc_expiry_timer);
  if (refresh < 0)
    return expiry;
  if (expiry < 0)
    return refresh;
  return refresh < expiry ? refresh : expiry;
}

sip_session_expires_t const *nst_session_expires(nst_t const *nst, sip_t const *sip)
{
  return nst ? slot(sip, nst->ns_se_offset) : NULL;
}

sip_min_se_t const *nst_min_se(nst_t const *nst, sip_t const *sip)
{
  return nst ? slot(sip, nst->ns_min_se_offset) : NULL;
}

char const *nst_event_name(nst_event_t event)
{
  switch (event) {
  case nst_ev_negotiated: return "nst_ev_negotiated";
  case nst_ev_refresh_sent: return "nst_ev_refresh_sent";
  case nst_ev_refresh_answered: return "nst_ev_refresh_answered";
  case nst_ev_refresh_received: return "nst_ev_refresh_received";
  case nst_ev_expired: return "nst_ev_expired";
  }
  return "nst_ev_unknown";
}

char const *nst_refresher_name(nst_refresher_t refresher)
{
  switch (refresher) {
  case nst_refresher_local: return "local";
  case nst_refresher_remote: return "remote";
  default: return "none";
  }
}

char const *nst_method_name(nst_method_t method)
{
  switch (method) {
  case nst_method_update: return "UPDATE";
  case nst_method_invite: return "INVITE";
  default: return "none";
  }
}
