/* SPDX-License-Identifier: LGPL-2.1-or-later */
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

#include "nst_module.h"

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_tagarg.h>

#include <stdlib.h>
#include <string.h>

#define SU_LOG (nst_log)
#include <sofia-sip/su_debug.h>

static int callstate_of(tagi_t const *tags)
{
  int state = -1;
  tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
  return state;
}

/* What nst reads back after the application's nua_set_params(). */
#define NST_NUA_PARAMS_READ_BACK \
  NUTAG_SESSION_TIMER(0), NUTAG_MIN_SE(0), NUTAG_SESSION_REFRESHER(0), \
  NUTAG_UPDATE_REFRESH(0), SIPTAG_SUPPORTED(NULL)

/* nua's parameters as the application left them with nua_set_params():
 * its session-timer ones become nst's settings (as in nst_create()), its
 * Supported nst's list; then nst pins nua's again, so that nua's own
 * engine never has an interval to run with (doc/nua-differences.md). */
static void module_take_nua_params(nst_t *nst, tagi_t const *tags)
{
  unsigned session_timer = 0, min_se = NST_NUA_MIN_SE;
  int refresher = nua_no_refresher, update_refresh = 0;
  sip_supported_t const *supported = NULL;
  nst_config_t cfg = nst->ns_calls.config;
  char const *why;

  tl_gets(tags, NUTAG_SESSION_TIMER_REF(session_timer), NUTAG_MIN_SE_REF(min_se),
          NUTAG_SESSION_REFRESHER_REF(refresher),
          NUTAG_UPDATE_REFRESH_REF(update_refresh),
          SIPTAG_SUPPORTED_REF(supported), TAG_END());
  if (session_timer == 0 && min_se == NST_NUA_MIN_SE &&
      refresher == nua_no_refresher && !update_refresh &&
      (supported == NULL || nst_supported_same(supported, nst->ns_calls.supported)))
    return;   /* nothing of nst's was changed */

  nst_config_from_nua_tags(&cfg, (tagi_t[]) {
      { NUTAG_SESSION_TIMER(session_timer) },
      { TAG_IF(min_se != NST_NUA_MIN_SE, NUTAG_MIN_SE(min_se)) },
      { NUTAG_SESSION_REFRESHER(refresher) },
      { NUTAG_UPDATE_REFRESH(update_refresh) },
      { TAG_END() } });
  if (nst_config_check(&cfg, &why) < 0)
    SU_DEBUG_1(("nst: nua_set_params() asked for session-timer settings nst "
                "refuses, keeping its own: %s\n", why));
  else
    nst->ns_calls.config = cfg;
  if (supported)
    nst->ns_calls.supported = nst_supported_from_tags(nst->ns_home, supported, NULL, 1);

  nst->ns_own_set_params++;
  nua_set_params(nst->ns_nua, NST_NUA_PINS(nst->ns_calls.supported), TAG_END());
}

/* nua_r_set_params of the whole nua: nst's own (pinning) goes no further;
 * the application's is passed on, and nst reads back what it set. */
static int module_on_r_set_params(nst_t *nst)
{
  if (nst->ns_own_set_params > 0) {
    nst->ns_own_set_params--;
    return 0;
  }
  nst->ns_own_get_params++;
  nua_get_params(nst->ns_nua, NST_NUA_PARAMS_READ_BACK, TAG_END());
  return 1;
}

/* Whether a nua_r_get_params answers nst's own read-back: it lists only the
 * parameters nst asked for. The application's own nua_get_params() (e.g.
 * TAG_ANY(), as nst-cli asks for nua's Contact) lists others too, and goes
 * on to the application even when nst's answer is still to come. */
static int is_our_read_back(tagi_t const *tags)
{
  tagi_t const *t;

  for (t = tags; t; t = tl_next(t))
    if (t->t_tag != NULL &&   /* the end: an empty answer lists nothing */
        t->t_tag != nutag_session_timer && t->t_tag != nutag_min_se &&
        t->t_tag != nutag_session_refresher && t->t_tag != nutag_update_refresh &&
        t->t_tag != siptag_supported)
      return 0;
  return 1;
}

/* Act on one nua event; return 1 if the application gets it. May rewrite
 * the status of an INVITE/UPDATE nst answered. */
static int dispatch(nst_t *nst, nua_event_t event, int *status, char const **phrase,
                    nua_handle_t *nh, sip_t const *sip, tagi_t const *tags)
{
  nst_call_t *call = nst_call_find(&nst->ns_calls, nh);
  int pass = 1;

  switch (event) {
  case nua_i_invite: {
    int reinvite = call && nst_call_is_established(call);
    if (call == NULL && *status >= 200)
      return 1;   /* nua answered it: a re-INVITE in a call nst never saw */
    pass = nst_call_on_i_invite(&nst->ns_calls, call, nh, sip);
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
    if (call == NULL)
      return nst_call_on_plain_response(&nst->ns_calls, nh, nst_method_invite, *status, *phrase, sip);
    return nst_call_on_response(call, nst_method_invite, *status, *phrase, sip);
  case nua_r_update:
    if (call == NULL)
      return nst_call_on_plain_response(&nst->ns_calls, nh, nst_method_update, *status, *phrase, sip);
    return nst_call_on_response(call, nst_method_update, *status, *phrase, sip);
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
    return call ? nst_call_on_r_set_params(call) : module_on_r_set_params(nst);
  case nua_r_get_params:
    if (nh && is_our_read_back(tags) && nst_calls_on_read_back(&nst->ns_calls, nh, tags))
      return 0;   /* nst's, after a plain nua request (nst_call.c) */
    if (call == NULL && nst->ns_own_get_params > 0 && is_our_read_back(tags)) {
      nst->ns_own_get_params--;
      module_take_nua_params(nst, tags);
      return 0;
    }
    return 1;
  case nua_r_shutdown:
    if (*status >= 200) {
      g_hash_table_remove_all(nst->ns_calls.table);   /* cancels every timer */
      nst_sched_cancel(&nst->ns_calls.gone_check);
    }
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
  nst_config_default(&nst->ns_calls.config);

  ta_start(ta, tag, value);
  nst_config_from_nua_tags(&nst->ns_calls.config, ta_args(ta));
  nst_config_from_tags(&nst->ns_calls.config, ta_args(ta));
  tl_gets(ta_args(ta), NSTTAG_TIMER_SOURCE_REF(timer_source), TAG_END());

  if (nst_config_check(&nst->ns_calls.config, &why) < 0) {
    SU_DEBUG_1(("nst_create: %s\n", why));
    (void)ta_end(ta);  /* Sofia's macro ends in a bare 0 */
    su_home_unref(nst->ns_home);
    return NULL;
  }

  nst->ns_calls.sched = nst_sched_create(root, (nst_timer_source_t)timer_source);
  if (nst->ns_calls.sched == NULL) {
    SU_DEBUG_1(("nst_create: no timer source %d\n", timer_source));
    (void)ta_end(ta);
    su_home_unref(nst->ns_home);
    return NULL;
  }

  if (nst_sched_init(&nst->ns_calls.gone_check, nst->ns_calls.sched) < 0)
    SU_DEBUG_1(("%s", "nst_create: no memory for a timer\n"));
  nst->ns_calls.owner = nst;
  nst->ns_calls.parser = &nst->ns_parser;
  nst->ns_calls.table = g_hash_table_new_full(g_direct_hash, g_direct_equal,
                                              NULL, nst_call_free);
  nst->ns_calls.read_backs = g_hash_table_new(g_direct_hash, g_direct_equal);
  if (nst_parser_init(&nst->ns_parser) < 0)
    SU_DEBUG_1(("%s", "nst_create: no memory for the parser\n"));
  nst->ns_calls.supported = nst_supported_from_tags(nst->ns_home,
    sip_supported_make(nst->ns_home, NST_NUA_SUPPORTED), ta_args(ta), 1);
  if (nst->ns_parser.np_mclass && nst->ns_calls.supported) {
    /* nua's own timer tags were translated above and do not reach nua
     * (nst_tags_for_nua()), nor does Supported, which nst keeps. */
    tagi_t *nua_tags = nst_tags_for_nua(nst->ns_home, ta_args(ta));
    nst->ns_nua = nua_create(root, nst_callback, (nua_magic_t *)nst,
                             NUTAG_SIP_PARSER(nst->ns_parser.np_mclass),
                             NST_NUA_PINS(nst->ns_calls.supported),
                             TAG_NEXT(nua_tags));
    su_free(nst->ns_home, nua_tags);
  }
  (void)ta_end(ta);

  nst->ns_calls.nua = nst->ns_nua;
  if (nst->ns_nua == NULL) {
    SU_DEBUG_1(("%s", "nst_create: cannot create nua\n"));
    nst_destroy(nst);
    return NULL;
  }
  nst_registry_add(nst);
  return nst;
}

int nst_check_tags(char const **return_why, tag_type_t tag, tag_value_t value, ...)
{
  nst_config_t cfg;
  ta_list ta;

  nst_config_default(&cfg);
  ta_start(ta, tag, value);
  nst_config_from_nua_tags(&cfg, ta_args(ta));
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
  nst_registry_remove(nst);
  if (nst->ns_calls.table)
    g_hash_table_destroy(nst->ns_calls.table);
  if (nst->ns_calls.read_backs) {
    GHashTableIter i;
    gpointer nh;

    g_hash_table_iter_init(&i, nst->ns_calls.read_backs);
    while (g_hash_table_iter_next(&i, &nh, NULL))
      nua_handle_unref(nh);
    g_hash_table_destroy(nst->ns_calls.read_backs);
  }
  if (nst->ns_nua)
    nua_destroy(nst->ns_nua);
  nst_parser_deinit(&nst->ns_parser);   /* only after nua: its messages use it */
  if (nst->ns_calls.sched)
    nst_sched_deinit(&nst->ns_calls.gone_check);
  nst_sched_destroy(nst->ns_calls.sched);   /* after the calls and their timers */
  su_home_unref(nst->ns_home);
}

void nst_handle_destroy(nst_t *nst, nua_handle_t *nh)
{
  nst_call_t *call = nst ? nst_call_find(&nst->ns_calls, nh) : NULL;

  if (call)
    nst_call_destroyed_by_app(call);   /* cancels its timers */
  if (nh)
    nua_handle_destroy(nh);
}

void nst_set_callback(nst_t *nst, nst_callback_f *callback, void *magic)
{
  if (nst)
    nst->ns_calls.ev_callback = callback, nst->ns_calls.ev_magic = magic;
}

int nst_get_stats(nst_t const *nst, nst_stats_t *stats)
{
  if (nst == NULL || stats == NULL)
    return -1;
  *stats = nst->ns_calls.stats;
  return 0;
}

int nst_get_info(nst_t const *nst, nua_handle_t const *nh, nst_info_t *info)
{
  nst_call_t const *call = nst ? nst_call_find(&nst->ns_calls, nh) : NULL;

  if (call == NULL || info == NULL)
    return -1;
  nst_call_info(call, 0, NULL, info);
  return 0;
}

long nst_next_timer_ms(nst_t const *nst, nua_handle_t const *nh)
{
  nst_call_t const *call = nst ? nst_call_find(&nst->ns_calls, nh) : NULL;
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
  return nst ? nst_parser_slot(sip, nst->ns_parser.np_se_offset) : NULL;
}

sip_min_se_t const *nst_min_se(nst_t const *nst, sip_t const *sip)
{
  return nst ? nst_parser_slot(sip, nst->ns_parser.np_min_se_offset) : NULL;
}

/* ---------------------------------------------------------------------- */
/* The application's requests: the calls (nst_call.c) do the work */

int nst_invite(nst_t *nst, nua_handle_t *nh, tag_type_t tag, tag_value_t value, ...)
{
  ta_list ta;
  int retval;

  if (nst == NULL || nh == NULL)
    return -1;
  ta_start(ta, tag, value);
  retval = nst_call_send_app(&nst->ns_calls, nh, nst_method_invite, ta_args(ta));
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
  retval = nst_call_send_app(&nst->ns_calls, nh, nst_method_update, ta_args(ta));
  (void)ta_end(ta);
  return retval;
}

int nst_respond(nst_t *nst, nua_handle_t *nh, int status, char const *phrase,
                tag_type_t tag, tag_value_t value, ...)
{
  ta_list ta;
  int retval;

  if (nst == NULL || nh == NULL)
    return -1;
  ta_start(ta, tag, value);
  retval = nst_call_respond_app(&nst->ns_calls, nh, status, phrase, ta_args(ta));
  (void)ta_end(ta);
  return retval;
}

nst_lifetime_t nst_set_lifetime(nst_t *nst, nua_handle_t *nh, unsigned seconds,
                                unsigned *return_granted)
{
  if (nst == NULL) {
    if (return_granted)
      *return_granted = 0;
    return nst_lifetime_rejected;
  }
  return nst_call_set_lifetime(&nst->ns_calls, nh, seconds, return_granted);
}
