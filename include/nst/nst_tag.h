/*
 * nst - SIP Session Timers (RFC 4028) for Sofia-SIP nua
 *
 * Tags for configuring nst, in Sofia-SIP's style.
 */
#ifndef NST_TAG_H
/** Defined when <nst/nst_tag.h> has been included. */
#define NST_TAG_H

#include <sofia-sip/su_tag.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Filter tag matching any nst tag. */
#define NSTTAG_ANY()  nsttag_any, ((tag_value_t)0)
extern tag_typedef_t nsttag_any;

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
extern tag_typedef_t nsttag_enabled;
#define NSTTAG_ENABLED_REF(x)  nsttag_enabled_ref, tag_bool_vr(&(x))
extern tag_typedef_t nsttag_enabled_ref;

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
extern tag_typedef_t nsttag_session_expires;
#define NSTTAG_SESSION_EXPIRES_REF(x) nsttag_session_expires_ref, tag_uint_vr(&(x))
extern tag_typedef_t nsttag_session_expires_ref;

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
extern tag_typedef_t nsttag_min_se;
#define NSTTAG_MIN_SE_REF(x)  nsttag_min_se_ref, tag_uint_vr(&(x))
extern tag_typedef_t nsttag_min_se_ref;

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
extern tag_typedef_t nsttag_refresher;
#define NSTTAG_REFRESHER_REF(x)  nsttag_refresher_ref, tag_int_vr(&(x))
extern tag_typedef_t nsttag_refresher_ref;

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
extern tag_typedef_t nsttag_refresh_method;
#define NSTTAG_REFRESH_METHOD_REF(x)  nsttag_refresh_method_ref, tag_int_vr(&(x))
extern tag_typedef_t nsttag_refresh_method_ref;

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
extern tag_typedef_t nsttag_peer_without_timer;
#define NSTTAG_PEER_WITHOUT_TIMER_REF(x)  nsttag_peer_without_timer_ref, tag_int_vr(&(x))
extern tag_typedef_t nsttag_peer_without_timer_ref;

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
extern tag_typedef_t nsttag_timer_source;
#define NSTTAG_TIMER_SOURCE_REF(x)  nsttag_timer_source_ref, tag_int_vr(&(x))
extern tag_typedef_t nsttag_timer_source_ref;

#ifdef __cplusplus
}
#endif

#endif /* NST_TAG_H */
