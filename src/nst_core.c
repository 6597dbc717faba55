/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst - the negotiation core: RFC 4028 as pure functions.
 */
#include "config.h"

#include "nst_core.h"

#include <string.h>
#include <strings.h>

void nst_config_default(nst_config_t *cfg)
{
  cfg->enabled = 1;
  cfg->session_expires = NST_DEFAULT_SESSION_EXPIRES;
  cfg->min_se = NST_MIN_SE_FLOOR;
  cfg->refresher = nst_pref_auto;
  cfg->refresh_method = nst_refresh_by_allow;
  cfg->peer_policy = nst_peer_default;
  cfg->refresh_sdp = 0;
  cfg->expiry_warning = NST_DEFAULT_EXPIRY_WARNING;
  cfg->lifetime_max = 0;
  cfg->refresh_batch = 0;
  cfg->nua_refresher = nst_nua_no_refresher;
}

void nst_config_for_role(nst_config_t *cfg, int uac)
{
  if (cfg->refresher != nst_pref_auto)
    return;
  if (cfg->nua_refresher == nst_nua_local_refresher)
    cfg->refresher = uac ? nst_pref_uac : nst_pref_uas;
  else if (cfg->nua_refresher == nst_nua_remote_refresher)
    cfg->refresher = uac ? nst_pref_uas : nst_pref_uac;
}

int nst_config_check(nst_config_t const *cfg, char const **why)
{
  char const *dummy;

  if (why == NULL)
    why = &dummy;
  *why = NULL;

  if (cfg->min_se < NST_MIN_SE_FLOOR)
    *why = "Min-SE must be at least 90 seconds (RFC 4028 section 4)";
  else if (cfg->session_expires < cfg->min_se)
    *why = "session interval must not be below Min-SE";
  else if (cfg->refresher != nst_pref_auto && cfg->refresher != nst_pref_uas &&
           cfg->refresher != nst_pref_uac)
    *why = "refresher preference must be 0 (auto), 1 (uas) or 2 (uac)";
  else if (cfg->refresh_method < nst_refresh_by_allow ||
           cfg->refresh_method > nst_refresh_by_invite)
    *why = "refresh method must be 0 (by Allow), 1 (UPDATE) or 2 (re-INVITE)";
  else if (cfg->peer_policy < nst_peer_default || cfg->peer_policy > nst_peer_require)
    *why = "policy for peers without timer must be 0 (default), 1 (no timer), "
           "2 (refresh) or 3 (require)";
  else if ((uint64_t)cfg->refresh_batch >= nst_refresh_delay_ms(cfg->min_se))
    *why = "refresh batch must be shorter than half the Min-SE interval";
  else if ((uint64_t)cfg->expiry_warning * 1000u >= nst_expiry_delay_ms(cfg->min_se))
    /* Else every session of the shortest interval would warn as it starts. */
    *why = "expiry warning must be shorter than the time a session of the "
           "Min-SE interval lasts without refresh (60 s for Min-SE 90)";

  return *why ? -1 : 0;
}

nst_label_t nst_label_parse(char const *value)
{
  if (value == NULL)
    return nst_label_none;
  if (strcasecmp(value, "uac") == 0)
    return nst_label_uac;
  if (strcasecmp(value, "uas") == 0)
    return nst_label_uas;
  return nst_label_invalid;
}

char const *nst_label_name(nst_label_t label)
{
  switch (label) {
  case nst_label_uac: return "uac";
  case nst_label_uas: return "uas";
  default: return NULL;
  }
}

nst_label_t nst_label_for(nst_refresher_t who, int local_is_uac)
{
  if (who == nst_refresher_local)
    return local_is_uac ? nst_label_uac : nst_label_uas;
  if (who == nst_refresher_remote)
    return local_is_uac ? nst_label_uas : nst_label_uac;
  return nst_label_none;
}

nst_refresher_t nst_refresher_for(nst_label_t label, int local_is_uac)
{
  if (label == nst_label_uac)
    return local_is_uac ? nst_refresher_local : nst_refresher_remote;
  if (label == nst_label_uas)
    return local_is_uac ? nst_refresher_remote : nst_refresher_local;
  return nst_refresher_none;
}

static unsigned max_u(unsigned a, unsigned b) { return a > b ? a : b; }
static unsigned min_u(unsigned a, unsigned b) { return a < b ? a : b; }

nst_hdrs_t nst_uac_request(nst_config_t const *cfg, nst_outcome_t const *current)
{
  nst_hdrs_t h;

  memset(&h, 0, sizeof h);
  h.supported_timer = 1;     /* section 7.1: always, even with timers off */
  /* Section 7.1 allows Require: timer; only the "require" policy uses it,
   * and then on every refresh too (section 7.4). */
  h.require_timer = cfg->enabled && cfg->peer_policy == nst_peer_require;

  if (current && current->interval) {
    /* A running session has a timer even with timers off here: the peer
     * (or a proxy, section 8.2) put it in a 2xx, and section 7.2 binds us. */
    /* Section 7.4: a refresh carries the Min-SE used so far (the largest
     * from 422s and the peer's requests), the running interval but never
     * less than that Min-SE, and the running refresher (labelled for this
     * transaction, where we are the client). */
    h.min_se = max_u(current->min_se, NST_MIN_SE_FLOOR);
    h.se = max_u(current->interval, h.min_se);
    h.refresher = nst_label_for(current->refresher, 1);
  }
  else if (cfg->enabled) {
    /* Section 7.1: the UAC MAY say it refreshes; it is RECOMMENDED to leave
     * the choice to the UAS otherwise, so only "uac" is ever written. */
    h.se = cfg->session_expires;
    h.refresher = cfg->refresher == nst_pref_uac ? nst_label_uac : nst_label_none;
    h.min_se = cfg->min_se;
  }
  return h;
}

/* Section 9: who refreshes when the request left it to us. */
static nst_refresher_t uas_choose_refresher(nst_config_t const *cfg,
                                            nst_hdrs_t const *request,
                                            nst_outcome_t const *current)
{
  /* A UAC without the extension cannot refresh: the UAS must. */
  if (!request->supported_timer)
    return nst_refresher_local;
  /* The label names roles in this transaction: we are its server. */
  if (request->refresher == nst_label_uac || request->refresher == nst_label_uas)
    return nst_refresher_for(request->refresher, 0);
  /* In a running session keep the refresher we had. */
  if (current && current->interval && current->refresher != nst_refresher_none)
    return current->refresher;
  if (cfg->refresher == nst_pref_uas)
    return nst_refresher_local;
  /* auto and uac: the UAC refreshes (the default practitioners expect). */
  return nst_refresher_remote;
}

nst_outcome_t nst_negotiate_uas(nst_config_t const *cfg, nst_hdrs_t const *request,
                                nst_outcome_t const *current)
{
  nst_outcome_t o;
  unsigned floor;

  memset(&o, 0, sizeof o);
  o.min_se = cfg->min_se;

  if (!cfg->enabled)
    return o;

  /* The smallest interval we may pick: the request's Min-SE, our own
   * Min-SE, and never below 90 (sections 4, 5 and 9). */
  floor = max_u(max_u(request->min_se, cfg->min_se), NST_MIN_SE_FLOOR);
  o.min_se = floor;

  if (!request->supported_timer) {
    if (cfg->peer_policy == nst_peer_no_timer)
      return o;
    if (cfg->peer_policy == nst_peer_require) {
      o.reject = 421;           /* RFC 3261 21.4.15: Extension Required */
      return o;
    }
  }

  if (request->se && request->se < floor) {
    if (request->supported_timer) {
      /* Section 9: too small for us, or below the request's own Min-SE,
       * and the UAC understands 422: tell it the floor. */
      o.reject = 422;
      return o;
    }
    /* A proxy inserted it for a UAC that cannot understand 422: raise it
     * to the floor instead (erratum 1687, as section 8.1 has proxies do). */
    o.interval = floor;
  }
  else if (request->se) {
    /* Section 9: copy the value, reduce it if we prefer a shorter one but
     * never below the floor, and never increase it. */
    o.interval = min_u(request->se, max_u(cfg->session_expires, floor));
  }
  else {
    /* Section 9: no Session-Expires (also a request with Min-SE only): the
     * UAS may ask for a timer itself, not below the request's Min-SE. */
    o.interval = max_u(cfg->session_expires, floor);
  }

  o.refresher = uas_choose_refresher(cfg, request, current);
  return o;
}

int nst_uas_requires_timer(nst_outcome_t const *outcome)
{
  /* We answer as UAS: the refresher is the UAC iff the peer refreshes. */
  return outcome->interval && outcome->refresher == nst_refresher_remote;
}

nst_outcome_t nst_negotiate_uac_2xx(nst_hdrs_t const *sent, nst_hdrs_t const *response)
{
  nst_outcome_t o;

  memset(&o, 0, sizeof o);
  o.min_se = sent->min_se;

  /* Section 7.2: a 2xx without Session-Expires means no session expiration. */
  if (response->se == 0)
    return o;

  /* Section 7.2: the 2xx value is the interval, whatever we offered; but
   * never below the absolute minimum of section 4 (a UAS answering less
   * broke section 9: we will not refresh, or expect refreshes, faster). */
  o.interval = max_u(response->se, NST_MIN_SE_FLOOR);

  if (response->refresher == nst_label_uac || response->refresher == nst_label_uas)
    o.refresher = nst_refresher_for(response->refresher, 1);
  else if (sent->refresher == nst_label_uac || sent->refresher == nst_label_uas)
    o.refresher = nst_refresher_for(sent->refresher, 1);
  else
    /* The UAS must state the refresher; one that did not leaves it to the
     * party that surely can refresh: us, the UAC. */
    o.refresher = nst_refresher_local;
  return o;
}

uint64_t nst_refresh_delay_ms(unsigned interval)
{
  return (uint64_t)interval * 500u;
}

uint64_t nst_batched_delay_ms(uint64_t now_ms, uint64_t delay_ms, unsigned batch_ms)
{
  uint64_t due, slot;

  if (batch_ms == 0)
    return delay_ms;
  due = now_ms + delay_ms;
  slot = due - due % batch_ms;
  return slot > now_ms ? slot - now_ms : 0;
}

uint64_t nst_expiry_delay_ms(unsigned interval)
{
  uint64_t ms = (uint64_t)interval * 1000u;
  uint64_t margin = ms / 3 < 32000u ? ms / 3 : 32000u;
  return ms - margin;
}

int64_t nst_warning_delay_ms(uint64_t expiry_ms, unsigned warning_s)
{
  uint64_t warning_ms = (uint64_t)warning_s * 1000u;

  if (warning_s == 0)
    return -1;
  return expiry_ms > warning_ms ? (int64_t)(expiry_ms - warning_ms) : 0;
}

nst_lifetime_t nst_lifetime_grant(unsigned requested, unsigned max, unsigned *granted)
{
  if (max != 0 && (requested == 0 || requested > max)) {
    *granted = max;
    return nst_lifetime_lowered;
  }
  *granted = requested;
  return nst_lifetime_granted;
}

int nst_uac_after_422(nst_hdrs_t const *sent, unsigned min_se, unsigned retries,
                      nst_hdrs_t *next)
{
  /* Section 7.3 (and doc/pitfalls.md 3): retry only when the 422 names a
   * Min-SE larger than what we offered (anything else would be answered 422
   * again), and only a bounded number of times. */
  if (min_se == 0 || min_se <= sent->se || retries >= NST_MAX_422_RETRIES)
    return 0;

  *next = *sent;
  next->se = min_se;
  next->min_se = max_u(sent->min_se, min_se);
  return 1;
}

nst_failure_action_t nst_refresh_failure_action(int status, nst_method_t method)
{
  switch (status) {
  case 408:   /* RFC 3261 12.2.1.2: the dialog is gone */
  case 481:
    return nst_fail_end_call;
  case 422:
    return nst_fail_raise_interval;
  case 491:
    return nst_fail_retry_glare;
  case 405:   /* Method Not Allowed */
  case 501:   /* Not Implemented */
    return method == nst_method_update ? nst_fail_use_reinvite : nst_fail_retry_later;
  default:    /* 488, 5xx, ...: the session lives on (doc/pitfalls.md 6) */
    return nst_fail_retry_later;
  }
}

uint64_t nst_glare_delay_ms(int owns_call_id, double unit)
{
  if (!(unit >= 0 && unit < 1))   /* also NaN */
    unit = 0;
  /* RFC 3261 14.1: owner 2.1-4 s in units of 10 ms, else 0-2 s. */
  if (owns_call_id)
    return 2100u + (uint64_t)(unit * 191) * 10u;
  return (uint64_t)(unit * 201) * 10u;
}

int64_t nst_refresh_retry_delay_ms(unsigned interval, uint64_t elapsed_ms)
{
  uint64_t deadline = nst_expiry_delay_ms(interval), delay;

  if (elapsed_ms >= deadline)
    return -1;
  delay = (deadline - elapsed_ms) / 2;
  if (delay < NST_MIN_RETRY_MS)
    delay = NST_MIN_RETRY_MS;
  if (elapsed_ms + delay >= deadline)
    return -1;
  return (int64_t)delay;
}

nst_outcome_t nst_uac_policy(nst_config_t const *cfg, nst_hdrs_t const *sent,
                             nst_outcome_t const *outcome)
{
  nst_outcome_t o = *outcome;

  if (o.interval == 0 && sent->se &&
      (cfg->peer_policy == nst_peer_refresh || cfg->peer_policy == nst_peer_require)) {
    /* Section 7.2: a UAC that still wants a timer acts as if the 2xx had
     * Session-Expires with the value it asked for and refresher=uac. */
    o.interval = max_u(sent->se, NST_MIN_SE_FLOOR);
    o.refresher = nst_refresher_local;
  }
  return o;
}
