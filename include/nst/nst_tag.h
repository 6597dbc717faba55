/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**@file
 * nst - SIP Session Timers (RFC 4028) for Sofia-SIP nua
 *
 * Tags for configuring nst, in Sofia-SIP's style.
 */
#ifndef NST_TAG_H
/** Defined when <nst/nst_tag.h> has been included. */
#define NST_TAG_H

#include <sofia-sip/su_tag.h>

/** Marks what libnst exports: the library is built with
 * -fvisibility=hidden, so a function or variable is part of the ABI only
 * when its declaration in include/nst/ carries NST_API (README, "Public
 * symbols and versions"; make check's tests/check_symbols.sh compares the
 * two). */
#ifndef NST_API
#if defined(__GNUC__) && __GNUC__ >= 4
#define NST_API __attribute__((visibility("default")))
#else
#define NST_API
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Filter tag matching any nst tag. */
#define NSTTAG_ANY()  nsttag_any, ((tag_value_t)0)
NST_API extern tag_typedef_t nsttag_any;

/**Enable or disable session timers.
 *
 * @par Used with
 *    nst_create(), nst_invite(), nst_respond()
 * @par Parameter type
 *    int (boolean)
 * @par Values
 *    - 0 (false): no Session-Expires is offered or accepted; the call runs
 *      without a session timer (nst still keeps nua's own engine dormant)
 *    - 1 (true): session timers are negotiated (default)
 *
 * Corresponding tag taking reference parameter is NSTTAG_ENABLED_REF().
 */
#define NSTTAG_ENABLED(x)      nsttag_enabled, tag_bool_v((x))
NST_API extern tag_typedef_t nsttag_enabled;
/** NSTTAG_ENABLED() taking a reference, for tl_gets(). */
#define NSTTAG_ENABLED_REF(x)  nsttag_enabled_ref, tag_bool_vr(&(x))
NST_API extern tag_typedef_t nsttag_enabled_ref;

/**Session interval in seconds (Session-Expires we offer or prefer).
 *
 * @par Used with
 *    nst_create(), nst_invite(), nst_respond()
 * @par Parameter type
 *    unsigned
 * @par Values
 *    Seconds, at least the Min-SE in effect. Default 1800 (RFC 4028 section 4).
 *
 * Corresponding tag taking reference parameter is NSTTAG_SESSION_EXPIRES_REF().
 */
#define NSTTAG_SESSION_EXPIRES(x)     nsttag_session_expires, tag_uint_v((x))
NST_API extern tag_typedef_t nsttag_session_expires;
/** NSTTAG_SESSION_EXPIRES() taking a reference, for tl_gets(). */
#define NSTTAG_SESSION_EXPIRES_REF(x) nsttag_session_expires_ref, tag_uint_vr(&(x))
NST_API extern tag_typedef_t nsttag_session_expires_ref;

/**Smallest session interval we accept (Min-SE), in seconds.
 *
 * @par Used with
 *    nst_create(), nst_invite(), nst_respond()
 * @par Parameter type
 *    unsigned
 * @par Values
 *    Seconds, at least 90 (RFC 4028 section 4). Default 90. A smaller value
 *    is refused: nst_create() fails and per-call use is an error.
 *
 * Corresponding tag taking reference parameter is NSTTAG_MIN_SE_REF().
 */
#define NSTTAG_MIN_SE(x)      nsttag_min_se, tag_uint_v((x))
NST_API extern tag_typedef_t nsttag_min_se;
/** NSTTAG_MIN_SE() taking a reference, for tl_gets(). */
#define NSTTAG_MIN_SE_REF(x)  nsttag_min_se_ref, tag_uint_vr(&(x))
NST_API extern tag_typedef_t nsttag_min_se_ref;

/**Refresher preference.
 *
 * @par Used with
 *    nst_create(), nst_invite(), nst_respond()
 * @par Parameter type
 *    int (#nst_refresher_pref_t)
 * @par Values
 *    - #nst_pref_auto (0): let the RFC 4028 defaults decide; as UAS the
 *      caller refreshes when the request left it open
 *    - #nst_pref_uas (1): the callee refreshes when we may choose
 *    - #nst_pref_uac (2): the caller refreshes when we may choose
 *    (the numbering of liblinphone's session_expires_refresher_value)
 *
 * Corresponding tag taking reference parameter is NSTTAG_REFRESHER_REF().
 */
#define NSTTAG_REFRESHER(x)      nsttag_refresher, tag_int_v((x))
NST_API extern tag_typedef_t nsttag_refresher;
/** NSTTAG_REFRESHER() taking a reference, for tl_gets(). */
#define NSTTAG_REFRESHER_REF(x)  nsttag_refresher_ref, tag_int_vr(&(x))
NST_API extern tag_typedef_t nsttag_refresher_ref;

/**How nst refreshes when it is the refresher.
 *
 * @par Used with
 *    nst_create(), nst_invite(), nst_respond()
 * @par Parameter type
 *    int (#nst_refresh_method_t)
 * @par Values
 *    - #nst_refresh_by_allow (0): UPDATE when the peer's Allow lists it,
 *      else re-INVITE; re-INVITE from then on after 405/501 (default)
 *    - #nst_refresh_by_update (1): always UPDATE (re-INVITE after 405/501)
 *    - #nst_refresh_by_invite (2): always re-INVITE
 *
 * Corresponding tag taking reference parameter is NSTTAG_REFRESH_METHOD_REF().
 */
#define NSTTAG_REFRESH_METHOD(x)      nsttag_refresh_method, tag_int_v((x))
NST_API extern tag_typedef_t nsttag_refresh_method;
/** NSTTAG_REFRESH_METHOD() taking a reference, for tl_gets(). */
#define NSTTAG_REFRESH_METHOD_REF(x)  nsttag_refresh_method_ref, tag_int_vr(&(x))
NST_API extern tag_typedef_t nsttag_refresh_method_ref;

/**Policy for peers without session-timer support.
 *
 * @par Used with
 *    nst_create(), nst_invite(), nst_respond()
 * @par Parameter type
 *    int (#nst_peer_policy_t)
 * @par Values
 *    nst_peer_default (0), nst_peer_no_timer (1), nst_peer_refresh (2),
 *    nst_peer_require (3)
 *
 * Corresponding tag taking reference parameter is NSTTAG_PEER_WITHOUT_TIMER_REF().
 */
#define NSTTAG_PEER_WITHOUT_TIMER(x)      nsttag_peer_without_timer, tag_int_v((x))
NST_API extern tag_typedef_t nsttag_peer_without_timer;
/** NSTTAG_PEER_WITHOUT_TIMER() taking a reference, for tl_gets(). */
#define NSTTAG_PEER_WITHOUT_TIMER_REF(x)  nsttag_peer_without_timer_ref, tag_int_vr(&(x))
NST_API extern tag_typedef_t nsttag_peer_without_timer_ref;

/**Whether a refresh UPDATE carries the session's SDP.
 *
 * @par Used with
 *    nst_create(), nst_invite(), nst_respond()
 * @par Parameter type
 *    int (boolean)
 * @par Values
 *    - 0 (false): the refresh UPDATE has no body (default): a refresh is no
 *      reason to renegotiate media, and RFC 4028 section 10 recommends it
 *    - 1 (true): the refresh UPDATE is an offer of the current SDP, with
 *      the same o= version (for peers that want one); it then goes through
 *      nua's session, whose rules end the call on a 5xx, 408 or 481 to it
 *    Re-INVITE refreshes always carry the SDP.
 *
 * Corresponding tag taking reference parameter is NSTTAG_REFRESH_SDP_REF().
 */
#define NSTTAG_REFRESH_SDP(x)      nsttag_refresh_sdp, tag_bool_v((x))
NST_API extern tag_typedef_t nsttag_refresh_sdp;
/** NSTTAG_REFRESH_SDP() taking a reference, for tl_gets(). */
#define NSTTAG_REFRESH_SDP_REF(x)  nsttag_refresh_sdp_ref, tag_bool_vr(&(x))
NST_API extern tag_typedef_t nsttag_refresh_sdp_ref;

/**How long before expiry nst warns with nst_ev_expiring, in seconds.
 *
 * @par Used with
 *    nst_create(), nst_invite(), nst_respond()
 * @par Parameter type
 *    unsigned
 * @par Values
 *    Seconds before nst would send BYE for want of a refresh; 0: no
 *    warning. Default 10. Must be shorter than a session of the Min-SE
 *    interval lasts unrefreshed (60 s for Min-SE 90).
 *
 * Corresponding tag taking reference parameter is NSTTAG_EXPIRY_WARNING_REF().
 */
#define NSTTAG_EXPIRY_WARNING(x)      nsttag_expiry_warning, tag_uint_v((x))
NST_API extern tag_typedef_t nsttag_expiry_warning;
/** NSTTAG_EXPIRY_WARNING() taking a reference, for tl_gets(). */
#define NSTTAG_EXPIRY_WARNING_REF(x)  nsttag_expiry_warning_ref, tag_uint_vr(&(x))
NST_API extern tag_typedef_t nsttag_expiry_warning_ref;

/**Largest call lifetime nst_set_lifetime() grants, in seconds.
 *
 * @par Used with
 *    nst_create(), nst_invite(), nst_respond()
 * @par Parameter type
 *    unsigned
 * @par Values
 *    Seconds; 0: no maximum (default). A request above it, or for no
 *    limit, is granted this value.
 *
 * Corresponding tag taking reference parameter is NSTTAG_LIFETIME_MAX_REF().
 */
#define NSTTAG_LIFETIME_MAX(x)      nsttag_lifetime_max, tag_uint_v((x))
NST_API extern tag_typedef_t nsttag_lifetime_max;
/** NSTTAG_LIFETIME_MAX() taking a reference, for tl_gets(). */
#define NSTTAG_LIFETIME_MAX_REF(x)  nsttag_lifetime_max_ref, tag_uint_vr(&(x))
NST_API extern tag_typedef_t nsttag_lifetime_max_ref;

/**Send the refreshes of all calls on a common grid of this many ms.
 *
 * The clock is cut into slots of this many milliseconds. The refreshes due
 * (at half their intervals) within the same slot go out together at its
 * start, in the order they are due, in one wake-up of the loop, and the
 * transactions' timers (nta's Timer K) share their deadlines. A wake-up
 * sends at most 100 refreshes ahead of time, so that no burst holds the
 * loop for long: the rest of a dense slot goes in bursts of up to 100,
 * each when the first of it is due. Each refresh is at most this much
 * early; none is late. It trades timing for CPU on a busy server:
 * 1000 (a 1 s grid, nua's own engine's granularity) is the setting for a
 * server with many calls (bench/RESULTS.md has the figures); a softphone
 * with a few calls saves nothing by it and keeps the default.
 * (With NSTTAG_TIMER_SOURCE(nst_timer_su), each refresh goes at the
 * start of its slot.)
 *
 * @par Used with
 *    nst_create(), nst_invite(), nst_respond()
 * @par Parameter type
 *    unsigned
 * @par Values
 *    Milliseconds, shorter than half the Min-SE interval; 0: every refresh
 *    exactly at half its interval (default).
 *
 * Corresponding tag taking reference parameter is NSTTAG_REFRESH_BATCH_REF().
 */
#define NSTTAG_REFRESH_BATCH(x)      nsttag_refresh_batch, tag_uint_v((x))
NST_API extern tag_typedef_t nsttag_refresh_batch;
/** NSTTAG_REFRESH_BATCH() taking a reference, for tl_gets(). */
#define NSTTAG_REFRESH_BATCH_REF(x)  nsttag_refresh_batch_ref, tag_uint_vr(&(x))
NST_API extern tag_typedef_t nsttag_refresh_batch_ref;

/**Where nst's timers get their time from.
 *
 * @par Used with
 *    nst_create() only (one source per module)
 * @par Parameter type
 *    int (#nst_timer_source_t)
 * @par Values
 *    - #nst_timer_auto (0): a Linux timerfd where the system has one, else
 *      su_timer_t (default; see #nst_timer_source_t for why)
 *    - #nst_timer_su (1): su_timer_t, for clocks moved by Sofia's time
 *      hooks (s2_fast_forward() in tests)
 *    - #nst_timer_fd (2): a timerfd, or nst_create() fails
 *
 * Corresponding tag taking reference parameter is NSTTAG_TIMER_SOURCE_REF().
 */
#define NSTTAG_TIMER_SOURCE(x)      nsttag_timer_source, tag_int_v((x))
NST_API extern tag_typedef_t nsttag_timer_source;
/** NSTTAG_TIMER_SOURCE() taking a reference, for tl_gets(). */
#define NSTTAG_TIMER_SOURCE_REF(x)  nsttag_timer_source_ref, tag_int_vr(&(x))
NST_API extern tag_typedef_t nsttag_timer_source_ref;

#ifdef __cplusplus
}
#endif

#endif /* NST_TAG_H */
