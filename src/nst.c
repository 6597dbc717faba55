/*
 * nst - the module: creation, the nua callback, public getters.
 *
 * nst creates the nua with a SIP parser in which Session-Expires and Min-SE
 * live in slots nua does not know (so its own session-timer engine never
 * sees them and stays dormant), receives every nua event before the
 * application, lets nst_call.c act on it, and forwards what the
 * application should see.
 */
#include "config.h"

#include "nst_priv.h"

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_tagarg.h>

#include <stdlib.h>
#include <string.h>

su_log_t nst_log[] = { SU_LOG_INIT("nst", "NST_DEBUG", 3) };

#define SU_LOG (nst_log)
#include <sofia-sip/su_debug.h>

static int callstate_of(tagi_t const *tags)
{
  int state = -1;
  tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
  return state;
}

/* Act on one nua event; return 1 if the application gets it. May rewrite
 * the status of an INVITE/UPDATE nst answered. */
static int dispatch(nst_t *nst, nua_event_t event, int *status, char const **phrase,
                    nua_handle_t *nh, sip_t const *sip, tagi_t const *tags)
{
  nst_call_t *call = nst_call_find(nst, nh);
  int pass = 1;

  switch (event) {
  case nua_i_invite: {
    int reinvite = call && call->nc_established;
    if (call == NULL && *status >= 200)
      return 1;   /* nua answered it: a re-INVITE in a call nst never saw */
    pass = nst_call_on_i_invite(nst, call, nh, sip);
    if (pass && reinvite)
      *status = 200, *phrase = sip_200_OK;   /* as nua's auto-answer reports it */
    return pass;
  }
  case nua_i_update:
    if (call == NULL) {
      nua_respond(nh, SIP_200_OK, NUTAG_WITH_THIS(nst->ns_nua), TAG_END());
      return 1;
    }
    pass = nst_call_on_i_update(call, sip);
    if (pass)
      *status = 200, *phrase = sip_200_OK;
    return pass;
  case nua_i_ack:
    return call ? nst_call_on_i_ack(call) : 1;
  case nua_r_invite:
    return call ? nst_call_on_response(call, nst_method_invite, *status, *phrase, sip) : 1;
  case nua_r_update:
    return call ? nst_call_on_response(call, nst_method_update, *status, *phrase, sip) : 1;
  case nua_r_method:
    /* Our refresh UPDATEs go out as extension requests (nst_call.c). */
    if (call && call->nc_refreshing == nst_method_update)
      return nst_call_on_response(call, nst_method_update, *status, *phrase, sip);
    return 1;
  case nua_i_state:
    return call ? nst_call_on_i_state(call, callstate_of(tags)) : 1;
  case nua_i_active:
    return call ? nst_call_on_i_active(call) : 1;
  case nua_i_terminated:
    return call ? nst_call_on_i_terminated(call) : 1;
  case nua_r_set_params:
    return call ? nst_call_on_r_set_params(call) : 1;
  case nua_r_shutdown:
    if (*status >= 200)
      g_hash_table_remove_all(nst->ns_calls);   /* cancels every timer */
    return 1;
  default:
    return 1;
  }
}

static void nst_callback(nua_event_t event, int status, char const *phrase,
                         nua_t *nua, nua_magic_t *magic,
                         nua_handle_t *nh, nua_hmagic_t *hmagic,
                         sip_t const *sip, tagi_t tags[])
{
  nst_t *nst = (nst_t *)magic;

  (void)nua;
  SU_DEBUG_9(("nst: event %s %d %s (sip %p)\n", nua_event_name(event), status,
              phrase ? phrase : "", (void *)sip));
  if (dispatch(nst, event, &status, &phrase, nh, sip, tags) && nst->ns_app_callback)
    nst->ns_app_callback(event, status, phrase, nst->ns_nua, nst->ns_app_magic,
                         nh, hmagic, sip, tags);
}

/* ---------------------------------------------------------------------- */
/* The module */

nst_t *nst_create(su_root_t *root, nua_callback_f callback, nua_magic_t *magic,
                  tag_type_t tag, tag_value_t value, ...)
{
  nst_t *nst;
  char const *why;
  int timer_source = nst_timer_auto;
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
  nst_config_from_tags(&nst->ns_config, ta_args(ta));
  tl_gets(ta_args(ta), NSTTAG_TIMER_SOURCE_REF(timer_source), TAG_END());

  if (nst_config_check(&nst->ns_config, &why) < 0) {
    SU_DEBUG_1(("nst_create: %s\n", why));
    (void)ta_end(ta);  /* Sofia's macro ends in a bare 0 */
    su_home_unref(nst->ns_home);
    return NULL;
  }

  nst->ns_sched = nst_sched_create(root, (nst_timer_source_t)timer_source);
  if (nst->ns_sched == NULL) {
    SU_DEBUG_1(("nst_create: no timer source %d\n", timer_source));
    (void)ta_end(ta);
    su_home_unref(nst->ns_home);
    return NULL;
  }

  nst->ns_calls = g_hash_table_new_full(g_direct_hash, g_direct_equal,
                                        NULL, nst_call_free);
  nst->ns_mclass = nst_parser_create(&nst->ns_se_offset, &nst->ns_min_se_offset);
  if (nst->ns_mclass)
    /* Our tags come first: the application cannot switch nua's engine back
     * on by accident (nua ignores the NSTTAG_* ones). */
    nst->ns_nua = nua_create(root, nst_callback, (nua_magic_t *)nst,
                             NUTAG_SIP_PARSER(nst->ns_mclass),
                             NUTAG_SESSION_TIMER(0),
                             NUTAG_SESSION_REFRESHER(nua_no_refresher),
                             ta_tags(ta));
  (void)ta_end(ta);

  if (nst->ns_nua == NULL) {
    SU_DEBUG_1(("%s", "nst_create: cannot create nua\n"));
    nst_destroy(nst);
    return NULL;
  }
  return nst;
}

int nst_check_tags(char const **return_why, tag_type_t tag, tag_value_t value, ...)
{
  nst_config_t cfg;
  ta_list ta;

  nst_config_default(&cfg);
  ta_start(ta, tag, value);
  nst_config_from_tags(&cfg, ta_args(ta));
  (void)ta_end(ta);
  return nst_config_check(&cfg, return_why);
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
  nst_sched_destroy(nst->ns_sched);   /* after the calls and their timers */
  su_home_unref(nst->ns_home);
}

void nst_handle_destroy(nst_t *nst, nua_handle_t *nh)
{
  nst_call_t *call = nst ? nst_call_find(nst, nh) : NULL;

  if (call)
    g_hash_table_remove(nst->ns_calls, nh);   /* cancels its timers */
  if (nh)
    nua_handle_destroy(nh);
}

void nst_set_callback(nst_t *nst, nst_callback_f *callback, void *magic)
{
  if (nst)
    nst->ns_ev_callback = callback, nst->ns_ev_magic = magic;
}

int nst_get_stats(nst_t const *nst, nst_stats_t *stats)
{
  if (nst == NULL || stats == NULL)
    return -1;
  *stats = nst->ns_stats;
  return 0;
}

int nst_get_info(nst_t const *nst, nua_handle_t const *nh, nst_info_t *info)
{
  nst_call_t const *call = nst ? nst_call_find(nst, nh) : NULL;

  if (call == NULL || info == NULL)
    return -1;
  nst_call_info(call, 0, NULL, info);
  return 0;
}

long nst_next_timer_ms(nst_t const *nst, nua_handle_t const *nh)
{
  nst_call_t const *call = nst ? nst_call_find(nst, nh) : NULL;
  nst_info_t info;
  long refresh, expiry;

  if (call == NULL)
    return -1;
  nst_call_info(call, 0, NULL, &info);
  refresh = info.ni_refresh_in_ms, expiry = info.ni_expires_in_ms;
  if (refresh < 0)
    return expiry;
  if (expiry < 0)
    return refresh;
  return refresh < expiry ? refresh : expiry;
}

sip_session_expires_t const *nst_session_expires(nst_t const *nst, sip_t const *sip)
{
  return nst ? nst_parser_slot(sip, nst->ns_se_offset) : NULL;
}

sip_min_se_t const *nst_min_se(nst_t const *nst, sip_t const *sip)
{
  return nst ? nst_parser_slot(sip, nst->ns_min_se_offset) : NULL;
}

char const *nst_event_name(nst_event_t event)
{
  switch (event) {
  case nst_ev_negotiated: return "nst_ev_negotiated";
  case nst_ev_refresh_sent: return "nst_ev_refresh_sent";
  case nst_ev_refresh_answered: return "nst_ev_refresh_answered";
  case nst_ev_refresh_received: return "nst_ev_refresh_received";
  case nst_ev_refresh_failed: return "nst_ev_refresh_failed";
  case nst_ev_expired: return "nst_ev_expired";
  case nst_ev_expiring: return "nst_ev_expiring";
  case nst_ev_lifetime_expiring: return "nst_ev_lifetime_expiring";
  case nst_ev_lifetime_expired: return "nst_ev_lifetime_expired";
  }
  return "nst_ev_unknown";
}

char const *nst_lifetime_name(nst_lifetime_t outcome)
{
  switch (outcome) {
  case nst_lifetime_granted: return "granted";
  case nst_lifetime_lowered: return "lowered";
  default: return "rejected";
  }
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
