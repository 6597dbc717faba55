/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst - the negotiation core: RFC 4028 as pure functions.
 *
 * Header values in, decisions out; no I/O, no nua, no timers. Every clause
 * of RFC 4028 that decides a value lives here and is unit-tested here.
 */
#ifndef NST_CORE_H
#define NST_CORE_H

#include <stdint.h>
#include <sofia-sip/su_tag.h>
#include <nst/nst.h>

/** RFC 4028 section 4: Min-SE is never below 90 seconds. */
#define NST_MIN_SE_FLOOR 90u
/** RFC 4028 section 4: recommended session interval. */
#define NST_DEFAULT_SESSION_EXPIRES 1800u

/** The refresher parameter as written in one transaction. */
typedef enum nst_label_e {
  nst_label_none = 0,   /**< no refresher parameter */
  nst_label_uac,        /**< "uac": the client of this transaction */
  nst_label_uas,        /**< "uas": the server of this transaction */
  nst_label_invalid     /**< present, but neither uac nor uas */
} nst_label_t;

/** Session-timer configuration (module defaults or one call's). */
typedef struct nst_config_s {
  int                  enabled;
  unsigned             session_expires;
  unsigned             min_se;
  int                  refresher;   /**< nst_refresher_pref_t */
  int                  refresh_method; /**< nst_refresh_method_t */
  int                  peer_policy;    /**< nst_peer_policy_t */
  int                  refresh_sdp;    /**< refresh UPDATE carries the SDP */
  unsigned             expiry_warning; /**< s before expiry to warn, 0: never */
  unsigned             lifetime_max;   /**< largest lifetime granted, 0: any */
  unsigned             refresh_batch;  /**< ms grid of refresh times, 0: none */
  int                  nua_refresher;  /**< NUTAG_SESSION_REFRESHER() given
                                            (nst_nua_refresher_t): "we" or
                                            "they" refresh, which names a
                                            role only per call */
} nst_config_t;

/** nua's enum nua_session_refresher, without nua's header in the core. */
typedef enum nst_nua_refresher_e {
  nst_nua_no_refresher = 0,
  nst_nua_local_refresher,
  nst_nua_remote_refresher,
  nst_nua_any_refresher
} nst_nua_refresher_t;

/** What one request or response says about session timers. */
typedef struct nst_hdrs_s {
  unsigned    se;               /**< Session-Expires delta, 0 if absent */
  nst_label_t refresher;        /**< its refresher parameter */
  unsigned    min_se;           /**< Min-SE delta, 0 if absent */
  int         supported_timer;  /**< Supported lists "timer" */
  int         require_timer;    /**< Require lists "timer" */
} nst_hdrs_t;

/** A decision: reject, or run the session with this interval/refresher. */
typedef struct nst_outcome_s {
  int             reject;       /**< 422: answer 422 with min_se;
                                     421: answer 421 with Require: timer */
  unsigned        interval;     /**< seconds; 0 = no session timer */
  nst_refresher_t refresher;    /**< who refreshes (none iff interval 0) */
  unsigned        min_se;       /**< Min-SE to send (422, or later refreshes) */
} nst_outcome_t;

void nst_config_default(nst_config_t *cfg);

/** Override @a cfg with the NSTTAG_* tags in @a tags (nst_tag.c; check
 * the result with nst_config_check()). */
void nst_config_from_tags(nst_config_t *cfg, tagi_t const *tags);

/** nua's own session-timer tags (NUTAG_SESSION_TIMER(), NUTAG_MIN_SE(),
 * NUTAG_SESSION_REFRESHER(), NUTAG_UPDATE_REFRESH()) as nst's settings:
 * an application that configured nua's engine gets the same from nst.
 * A value of 0 ("nua's default") changes nothing. Apply before
 * nst_config_from_tags(), so that NSTTAG_* win. */
void nst_config_from_nua_tags(nst_config_t *cfg, tagi_t const *tags);

/** The refresher preference of a call in which we are the UAC (@a uac) or
 * the UAS: NUTAG_SESSION_REFRESHER()'s local/remote become uac/uas, unless
 * NSTTAG_REFRESHER() chose already. */
void nst_config_for_role(nst_config_t *cfg, int uac);

/** 0 if @a cfg is valid, else -1 with a reason in @a why. */
int nst_config_check(nst_config_t const *cfg, char const **why);

/** Parse a refresher parameter value ("uac", "uas", NULL). */
nst_label_t nst_label_parse(char const *value);

/** "uac", "uas" or NULL. */
char const *nst_label_name(nst_label_t label);

/** The label that names @a who in a transaction where this UA is the
 * client (@a local_is_uac true) or the server. */
nst_label_t nst_label_for(nst_refresher_t who, int local_is_uac);

/** Who refreshes, given the label of a transaction in which this UA is the
 * client (@a local_is_uac true) or the server. */
nst_refresher_t nst_refresher_for(nst_label_t label, int local_is_uac);

/** What a request we send carries (RFC 4028 sections 7.1 and 7.4).
 *
 * @a current is the running session (interval 0 for a new one). */
nst_hdrs_t nst_uac_request(nst_config_t const *cfg, nst_outcome_t const *current);

/** Decide on a request we received (RFC 4028 section 9).
 *
 * @a current is the running session (interval 0 for an initial INVITE). */
nst_outcome_t nst_negotiate_uas(nst_config_t const *cfg, nst_hdrs_t const *request,
                                nst_outcome_t const *current);

/** Whether a 2xx that says @a who refreshes must carry Require: timer
 * (RFC 4028 section 9: when the refresher is the UAC). */
int nst_uas_requires_timer(nst_outcome_t const *outcome);

/** Take the session from a 2xx to our request (RFC 4028 section 7.2). */
nst_outcome_t nst_negotiate_uac_2xx(nst_hdrs_t const *sent, nst_hdrs_t const *response);

/** Apply the policy for peers without timer support to @a outcome of
 * nst_negotiate_uac_2xx(): with nst_peer_refresh or nst_peer_require, a 2xx
 * without Session-Expires to a request that asked for one leaves us the
 * refresher of the interval we offered (section 7.2). */
nst_outcome_t nst_uac_policy(nst_config_t const *cfg, nst_hdrs_t const *sent,
                             nst_outcome_t const *outcome);

/** When the refresher refreshes: at half the interval (RFC 4028 section 10). */
uint64_t nst_refresh_delay_ms(unsigned interval);

/** The refresh delay with NSTTAG_REFRESH_BATCH(): a refresh due
 * @a delay_ms after @a now_ms (milliseconds of the clock) goes at the
 * latest multiple of @a batch_ms on the clock that is not after it, but
 * not before now. Calls whose refreshes fall in the same slot of the grid
 * then refresh at the same instant, in one wake-up of the loop; each at
 * most @a batch_ms early (RFC 4028 section 10 asks for no later than
 * half the interval, and a refresh may come sooner). @a batch_ms 0: the
 * delay as it is. */
uint64_t nst_batched_delay_ms(uint64_t now_ms, uint64_t delay_ms, unsigned batch_ms);

/** When the session expires for the side that does not refresh:
 * interval - min(32, interval/3) (RFC 4028 section 10). */
uint64_t nst_expiry_delay_ms(unsigned interval);

/** When to warn that the session is about to expire, in ms from now, for
 * a session that expires @a expiry_ms from now: @a warning_s seconds
 * before, or at once if the session is shorter than that. -1: no warning
 * (@a warning_s is 0). */
int64_t nst_warning_delay_ms(uint64_t expiry_ms, unsigned warning_s);

/** Default NSTTAG_EXPIRY_WARNING(): seconds of notice before expiry. */
#define NST_DEFAULT_EXPIRY_WARNING 10u

/* ---------------------------------------------------------------------- */
/* Application-controlled call lifetime (the servlet-container model) */

/** Grant a lifetime of @a requested seconds (0: no limit) under the
 * configured maximum @a max (0: none). Sets *@a granted (0: no limit) and
 * returns nst_lifetime_granted if it is what was asked, or
 * nst_lifetime_lowered if the maximum cut it. Never rejects: only the
 * state of a call can (nst_set_lifetime()). */
nst_lifetime_t nst_lifetime_grant(unsigned requested, unsigned max, unsigned *granted);

/* ---------------------------------------------------------------------- */
/* 422 Session Interval Too Small (RFC 4028 sections 6 and 7.3) */

/** At most this many retries after 422 for one request. */
#define NST_MAX_422_RETRIES 2

/** Decide on a 422 to a request that offered @a sent.
 *
 * @a min_se is the 422's Min-SE (0 if it had none), @a retries the retries
 * already made for this request. On 1 (retry), @a next is the request to
 * send: Session-Expires and Min-SE raised to the 422's Min-SE. On 0 the
 * UAC gives up: the 422 has no usable Min-SE, one not larger than what was
 * offered (the peer would only answer 422 again), or too many retries. */
int nst_uac_after_422(nst_hdrs_t const *sent, unsigned min_se, unsigned retries,
                      nst_hdrs_t *next);

/* ---------------------------------------------------------------------- */
/* Refresh failures (RFC 4028 section 10, RFC 3261 sections 12.2.1.2, 14.1) */

typedef enum nst_failure_action_e {
  nst_fail_retry_later,     /**< keep the call; try again before expiry */
  nst_fail_retry_glare,     /**< 491: try again after the 14.1 delay */
  nst_fail_use_reinvite,    /**< 405/501 to UPDATE: re-INVITE from now on */
  nst_fail_raise_interval,  /**< 422: raise to its Min-SE and retry */
  nst_fail_end_call         /**< 408/481: the dialog is gone, BYE */
} nst_failure_action_t;

/** What to do when a refresh sent with @a method fails with @a status. */
nst_failure_action_t nst_refresh_failure_action(int status, nst_method_t method);

/** RFC 3261 section 14.1 delay before retrying after 491, in ms: 2.1-4 s
 * if we own the Call-ID (we sent the initial INVITE), else 0-2 s.
 * @a unit is a random number in [0, 1). */
uint64_t nst_glare_delay_ms(int owns_call_id, double unit);

/** When to try a failed refresh again, in ms from now (or -1: no more
 * tries before the session ends).
 *
 * @a elapsed_ms is the time since the session was last refreshed. Tries go
 * out while the peer still keeps the session, i.e. before
 * nst_expiry_delay_ms(interval): each after half of what remains of that,
 * and at least NST_MIN_RETRY_MS after the previous one, so a transient
 * failure gets several chances without flooding the peer. */
int64_t nst_refresh_retry_delay_ms(unsigned interval, uint64_t elapsed_ms);

/** Smallest gap between two refresh attempts. */
#define NST_MIN_RETRY_MS 2000u

#endif /* NST_CORE_H */
