/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**@file
 * nst - SIP Session Timers (RFC 4028) for Sofia-SIP nua
 *
 * The one header an application includes.
 *
 * nst sits between nua and the application: it creates the nua with a SIP
 * parser that keeps nua's built-in session-timer engine dormant, sees every
 * nua event before the application, negotiates Session-Expires/Min-SE,
 * refreshes the session and ends it with BYE when it expires.
 *
 * A nua application adopts it by changing a few calls:
 *
 *   nua_create(root, cb, magic, tags...)   ->  nst_create(root, cb, magic, tags...)
 *                                              nua = nst_nua(nst);
 *   nua_invite(nh, tags...)                ->  nst_invite(nst, nh, tags...)
 *   nua_respond(nh, 200, "OK", tags...)    ->  nst_respond(nst, nh, 200, "OK", tags...)
 *   nua_update(nh, tags...)                ->  nst_update(nst, nh, tags...)
 *   nua_handle_destroy(nh)                 ->  nst_handle_destroy(nst, nh)
 *   nua_destroy(nua)                       ->  nst_destroy(nst)
 *
 * Everything else (nua_handle(), nua_bye(), the nua callback and its
 * events) stays as it was. All calls must be made in the thread of the
 * su_root given to nst_create(), like nua's own. Optionally,
 * nst_set_callback() reports what the session timer does (negotiated,
 * refreshed, expiring, expired), and nst_get_info() gives a call's timer
 * state at any time. examples/softphone.c is a complete program.
 */
#ifndef NST_H
/** Defined when <nst/nst.h> has been included. */
#define NST_H

#include <sofia-sip/su_log.h>
#include <sofia-sip/nua.h>
#include <nst/nst_tag.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The session-timer module attached to one nua. */
typedef struct nst_s nst_t;

/** Who refreshes the session, from this user agent's point of view.
 *
 * RFC 4028's "uac"/"uas" labels name roles in the transaction that carries
 * them; nst keeps "who refreshes" as local/remote and translates. */
typedef enum nst_refresher_e {
  nst_refresher_none = 0,   /**< no session timer */
  nst_refresher_local,      /**< this UA sends the refreshes */
  nst_refresher_remote      /**< the peer sends the refreshes */
} nst_refresher_t;

/** Refresher preference (the numbering of liblinphone's
 * session_expires_refresher_value). */
typedef enum nst_refresher_pref_e {
  nst_pref_auto = 0,        /**< RFC 4028 defaults: the caller refreshes */
  nst_pref_uas = 1,         /**< the callee refreshes when we may choose */
  nst_pref_uac = 2          /**< the caller refreshes when we may choose */
} nst_refresher_pref_t;

/** How nst refreshes (NSTTAG_REFRESH_METHOD()). */
typedef enum nst_refresh_method_e {
  nst_refresh_by_allow = 0,   /**< UPDATE if the peer's Allow lists it */
  nst_refresh_by_update = 1,  /**< always UPDATE */
  nst_refresh_by_invite = 2   /**< always re-INVITE */
} nst_refresh_method_t;

/** What to do with a peer without session-timer support
 * (NSTTAG_PEER_WITHOUT_TIMER()). */
typedef enum nst_peer_policy_e {
  nst_peer_default = 0,  /**< as UAS refresh ourselves (refresher=uas); as
                              UAC a 2xx without Session-Expires means no
                              timer (RFC 4028 sections 9 and 7.2) */
  nst_peer_no_timer = 1, /**< run no timer with such a peer */
  nst_peer_refresh = 2,  /**< always run a timer: refresh ourselves, also as
                              UAC after a 2xx without Session-Expires (7.2) */
  nst_peer_require = 3   /**< require the extension: Require: timer on our
                              INVITE/UPDATE, 421 to a request without
                              Supported: timer (as PJSIP's "require timer",
                              Asterisk's timers=required) */
} nst_peer_policy_t;

/** Where nst's timers get their time from (NSTTAG_TIMER_SOURCE()).
 *
 * The default, #nst_timer_auto, is a timerfd wherever the system has one,
 * because that is what an application running in real time wants: with
 * su_timer_t, su_root polls with timeout 0 through the last millisecond
 * before every expiry (it rounds its wait down to whole milliseconds),
 * which costs about 0.8 ms of CPU per timer that fires, i.e. per refresh
 * (bench/RESULTS.md); the timerfd costs none of that, and no su_timer_t
 * per call either.
 * Choose #nst_timer_su only where Sofia's clock is not the kernel's:
 * test harnesses that move time with Sofia's hooks (_su_time,
 * _su_nanotime, s2_fast_forward()), which a kernel timer cannot see.
 * Both take their deadlines from su_now() and fire no earlier than it
 * says. */
typedef enum nst_timer_source_e {
  nst_timer_auto = 0,   /**< timerfd where available, else su_timer (default) */
  nst_timer_su = 1,     /**< one su_timer_t per armed timer: follows Sofia's
                             clock hooks, spins ~1 ms per expiry */
  nst_timer_fd = 2      /**< one Linux timerfd per module, registered on the
                             su_root (any su_port, su_glib's too); without
                             timerfd, nst_create() fails */
} nst_timer_source_t;

/** What nst tells the application (see nst_callback_f).
 *
 * In the order a call meets them: nst_ev_negotiated once the initial
 * INVITE is answered 2xx (and again after each 2xx to an INVITE/UPDATE of
 * the application's, e.g. hold); then, while the session runs, the refresh
 * events; nst_ev_expiring when no refresh came and the session ends soon;
 * nst_ev_expired when nst ends it. The lifetime events come only for calls
 * given a lifetime with nst_set_lifetime(). */
typedef enum nst_event_e {
  nst_ev_negotiated,        /**< interval and refresher agreed (or timer off) */
  nst_ev_refresh_sent,      /**< we sent a refresh (UPDATE or re-INVITE) */
  nst_ev_refresh_answered,  /**< our refresh got its final response */
  nst_ev_refresh_received,  /**< the peer refreshed the session */
  nst_ev_refresh_failed,    /**< our refresh failed (ni_status says how);
                                 reported once nst decided what comes next:
                                 ni_refresh_in_ms >= 0 is the next try, by
                                 ni_method (0: at once, e.g. raised to
                                 ni_interval after 422, or by re-INVITE
                                 after 405/501); with no retry, the expiry
                                 BYE (ni_expires_in_ms), or on 408/481 nst
                                 ends the call now (both -1) */
  nst_ev_expired,           /**< the session expired: nst sent BYE */
  nst_ev_expiring,          /**< the session expires in ni_expires_in_ms
                                 (NSTTAG_EXPIRY_WARNING() before the BYE)
                                 unless a refresh comes: the peer's, ours
                                 being retried, or a re-INVITE/UPDATE the
                                 application sends now */
  nst_ev_lifetime_expiring, /**< the lifetime given with nst_set_lifetime()
                                 ran out: call nst_set_lifetime() from the
                                 callback to extend it, or nst ends the call
                                 when the callback returns */
  nst_ev_lifetime_expired,  /**< the lifetime ran out and was not extended:
                                 nst sent BYE */
  nst_ev_rejected,          /**< nst answered a request of the peer's 422
                                 (ni_min_se: the Min-SE it asked for) or
                                 421 (Require: timer); ni_status says
                                 which. The application sees no such
                                 request: the peer sends it again */
  nst_ev_ended,             /**< the application destroyed the handle with
                                 plain nua_handle_destroy() (nua sent BYE):
                                 nst stopped the call's timers; reported
                                 once, when the next of them came due or
                                 within 30 s, whichever is first.
                                 nst_handle_destroy() ends them at once and
                                 reports nothing */
  nst_ev_refresh_challenged /**< our refresh got 401/407 (ni_status): not a
                                 failure; answer it with nua_authenticate()
                                 as for the application's own requests
                                 (nua_current_request() is the challenge)
                                 and nua sends it again. Unanswered, the
                                 session expires (nst_ev_expired) */
} nst_event_t;

/** Refresh methods. */
typedef enum nst_method_e {
  nst_method_none = 0,
  nst_method_update,        /**< UPDATE (the peer's Allow lists it) */
  nst_method_invite         /**< re-INVITE */
} nst_method_t;

/** The timer state of a call, as given to the application. */
typedef struct nst_info_s {
  unsigned        ni_interval;   /**< negotiated interval in s, 0 = no timer */
  nst_refresher_t ni_refresher;  /**< who refreshes */
  nst_method_t    ni_method;     /**< how this UA refreshes (when local) */
  int             ni_status;     /**< status of the response, if any */
  char const     *ni_phrase;     /**< its phrase, if any */
  unsigned        ni_refreshes;  /**< refreshes seen on this call so far */
  long            ni_refresh_in_ms;  /**< until nst refreshes (0: at once,
                                          with the event), -1: not armed */
  long            ni_expires_in_ms;  /**< until nst ends the session for want
                                          of a refresh (the BYE), -1: none */
  long            ni_lifetime_in_ms; /**< until the lifetime runs out,
                                          -1: no lifetime set */
  unsigned        ni_min_se;     /**< the Min-SE in force; with
                                      nst_ev_rejected 422, the one nst asked
                                      for; with nst_ev_refresh_failed 422,
                                      the peer's */
} nst_info_t;

/** Application callback for session-timer events.
 *
 * Called in the thread of the su_root, like the nua callback, for the call
 * @a nh (with its handle magic @a hmagic). @a info is valid only during the
 * call.
 */
typedef void nst_callback_f(nst_event_t event, nst_t *nst,
                            nua_handle_t *nh, nua_hmagic_t *hmagic,
                            nst_info_t const *info, void *magic);

/** Create the module and its nua.
 *
 * Takes nua_create()'s arguments. The NSTTAG_* tags in the list configure
 * the module's defaults for every call (each can be overridden per call in
 * nst_invite(), nst_update() and nst_respond()):
 *   - NSTTAG_ENABLED(): session timers on (default) or off
 *   - NSTTAG_SESSION_EXPIRES(): the interval offered or preferred (1800 s)
 *   - NSTTAG_MIN_SE(): the smallest interval accepted, at least 90 (90 s)
 *   - NSTTAG_REFRESHER(): who refreshes when we may choose (#nst_pref_auto)
 *   - NSTTAG_REFRESH_METHOD(): UPDATE or re-INVITE (#nst_refresh_by_allow)
 *   - NSTTAG_PEER_WITHOUT_TIMER(): peers without session-timer support
 *     (#nst_peer_default)
 *   - NSTTAG_REFRESH_SDP(): whether a refresh UPDATE carries the SDP (0)
 *   - NSTTAG_EXPIRY_WARNING(): nst_ev_expiring this long before the
 *     expiry BYE (10 s; 0: never)
 *   - NSTTAG_LIFETIME_MAX(): the largest lifetime nst_set_lifetime()
 *     grants (0: no maximum)
 *   - NSTTAG_REFRESH_BATCH(): refreshes on a common grid of this many ms
 *     (0: each at exactly half its interval)
 *
 * and, for the module only, NSTTAG_TIMER_SOURCE(): where its timers get
 * their time from (#nst_timer_auto). nst_tag.h documents each tag.
 * Every other tag goes to nua_create().
 * @a callback receives all nua events (after nst has seen them) with
 * @a magic, exactly as it would from nua.
 *
 * @return the module, or NULL (invalid configuration, e.g. Min-SE below
 * 90 or an interval below Min-SE, an enum out of range, or nua_create()
 * failed); values are refused, never clamped, and the log says why.
 */
NST_API nst_t *nst_create(su_root_t *root, nua_callback_f callback, nua_magic_t *magic,
                          tag_type_t tag, tag_value_t value, ...);

/** Check NSTTAG_* values without creating anything.
 *
 * @param return_why if not NULL, gets what is wrong (a static string), or
 *        NULL when they are valid
 * @param tag, value, ... the tags, as for nst_create() (others are ignored)
 *
 * @return 0 if nst_create() would accept them over nst's defaults, -1 if it
 * would refuse them (Min-SE below 90, an interval below Min-SE, a value out
 * of range). */
NST_API int nst_check_tags(char const **return_why, tag_type_t tag, tag_value_t value, ...);

/** Read session-timer settings from a liblinphone-style configuration file.
 *
 * Section [sip], keys with liblinphone's meaning:
 *   session_expires_enabled (0/1)         -> NSTTAG_ENABLED()
 *   session_expires_value (seconds)       -> NSTTAG_SESSION_EXPIRES()
 *   session_expires_min_value (>= 90)     -> NSTTAG_MIN_SE()
 *   session_expires_refresher_value       -> NSTTAG_REFRESHER()
 *                                            (0 auto, 1 uas, 2 uac)
 * and nst's own keys in the same section (liblinphone ignores them):
 *   nst_refresh_method (0..2)             -> NSTTAG_REFRESH_METHOD()
 *                                            (0 by Allow, 1 UPDATE, 2 re-INVITE)
 *   nst_refresh_sdp (0/1)                 -> NSTTAG_REFRESH_SDP()
 *   nst_peer_without_timer (0..3)         -> NSTTAG_PEER_WITHOUT_TIMER()
 *   nst_expiry_warning (seconds, 0 off)   -> NSTTAG_EXPIRY_WARNING()
 *   nst_lifetime_max (seconds, 0 none)    -> NSTTAG_LIFETIME_MAX()
 *   nst_refresh_batch (ms, 0 none)        -> NSTTAG_REFRESH_BATCH()
 * Absent keys keep nst's defaults; other [sip] keys are ignored (the file
 * may be liblinphone's own); an unknown session_expires_* or nst_* key is
 * reported as a warning.
 *
 * On success, *@a return_tags is a tag list (allocated from @a home) for
 * nst_create() or a per-call nst_invite()/nst_respond(), e.g.
 * nst_create(root, cb, magic, TAG_NEXT(tags)). *@a return_messages, if not
 * NULL, gets the errors and warnings, one per line, each naming the file,
 * the key and the problem (allocated from @a home; NULL if none).
 *
 * @return 0, or -1 if the file cannot be read or a value is invalid (not a
 * number, Min-SE below 90, an interval below Min-SE, a value outside its
 * range): values are refused, never clamped.
 */
NST_API int nst_config_read(su_home_t *home, char const *path,
                            tagi_t **return_tags, char **return_messages);

/** The nua the module created. */
NST_API nua_t *nst_nua(nst_t const *nst);

/** Destroy the module and its nua.
 *
 * Call it where a nua application calls nua_destroy(): after
 * nua_shutdown() has been reported done (nua_r_shutdown 200). Cancels every
 * timer. NULL is accepted. */
NST_API void nst_destroy(nst_t *nst);

/** Destroy a handle: forget its call (cancelling its timers), then
 * nua_handle_destroy(). Use it for call handles instead of
 * nua_handle_destroy(): nua tells nobody about a destroyed handle, so nst
 * would otherwise keep the call's timers until the call ends or nua shuts
 * down (they would then act on a handle nua ignores). */
NST_API void nst_handle_destroy(nst_t *nst, nua_handle_t *nh);

/** Set the callback for session-timer events (NULL: none). */
NST_API void nst_set_callback(nst_t *nst, nst_callback_f *callback, void *magic);

/** Send INVITE (initial or re-INVITE) with the session-timer headers.
 *
 * Like nua_invite(); adds Supported: timer, Session-Expires and Min-SE
 * (RFC 4028 sections 7.1 and 7.4). NSTTAG_* tags override the module's
 * configuration for this call.
 *
 * @return 0 when the request went to nua; -1 (nothing sent) on NULL
 * arguments or NSTTAG_* values nst_create() would refuse, e.g. a Min-SE
 * below 90 (the log says which). */
NST_API int nst_invite(nst_t *nst, nua_handle_t *nh, tag_type_t tag, tag_value_t value, ...);

/** Send UPDATE with the session-timer headers (RFC 4028 section 7.4).
 * @return as nst_invite() */
NST_API int nst_update(nst_t *nst, nua_handle_t *nh, tag_type_t tag, tag_value_t value, ...);

/** Answer an incoming INVITE.
 *
 * Like nua_respond(); a 2xx carries the negotiated Session-Expires with its
 * refresher and, when the caller refreshes, Require: timer (RFC 4028
 * section 9). NSTTAG_* tags override the module's configuration for this
 * call and are taken into account before the answer is built.
 *
 * @return 0 when the answer went to nua; -1 (nothing sent: answer again)
 * on NULL arguments or invalid NSTTAG_* values, as nst_invite(). */
NST_API int nst_respond(nst_t *nst, nua_handle_t *nh, int status, char const *phrase,
                        tag_type_t tag, tag_value_t value, ...);

/** Counters of one module, since nst_create(). */
typedef struct nst_stats_s {
  unsigned long ns_refreshes_sent;     /**< refreshes nst sent */
  unsigned long ns_refreshes_received; /**< refreshes of peers nst answered */
  unsigned long ns_refresh_failures;   /**< failure responses to nst's refreshes */
  unsigned long ns_422_sent;           /**< requests nst answered 422 */
  unsigned long ns_422_received;       /**< 422s to nst's requests */
  unsigned long ns_expiries;           /**< calls ended by nst on expiry */
  unsigned long ns_lifetime_ends;      /**< calls ended by nst at the end of
                                            their lifetime */
} nst_stats_t;

/** Fill @a stats with the module's counters; 0, or -1 on NULL arguments. */
NST_API int nst_get_stats(nst_t const *nst, nst_stats_t *stats);

/** The timer state of a call: fills @a info (ni_status 0, ni_phrase
 * NULL), returns 0, or -1 if nst does not know the call. */
NST_API int nst_get_info(nst_t const *nst, nua_handle_t const *nh, nst_info_t *info);

/** Milliseconds until the next timer of the call fires (refresh, or BYE on
 * expiry), or -1 when none is armed. */
NST_API long nst_next_timer_ms(nst_t const *nst, nua_handle_t const *nh);

/** What nst_set_lifetime() did. */
typedef enum nst_lifetime_e {
  nst_lifetime_rejected = -1, /**< not set: the call is not established,
                                   nst does not know it, or it is ending */
  nst_lifetime_granted = 0,   /**< set as asked */
  nst_lifetime_lowered = 1    /**< set, to the configured maximum
                                   (NSTTAG_LIFETIME_MAX()) */
} nst_lifetime_t;

/** Ask that the call @a nh last at most @a seconds from now.
 *
 * The application-controlled lifetime of a SIP servlet container, next to
 * (and independent of) the RFC 4028 session timer: refreshes do not extend
 * it, and it does not touch them. When it runs out, nst first reports
 * nst_ev_lifetime_expiring; a call of nst_set_lifetime() from that
 * callback extends the call by the new amount; otherwise nst ends the call
 * with BYE and Reason: Q.850;cause=16;text="Call lifetime expired" and
 * reports nst_ev_lifetime_expired.
 *
 * @a seconds 0 asks for no limit (the lifetime is cleared). With a
 * configured maximum (NSTTAG_LIFETIME_MAX() > 0), a larger request, or 0,
 * is granted the maximum. Each call replaces the previous lifetime.
 *
 * @param nst            the module
 * @param nh             the call's handle
 * @param seconds        the lifetime asked for, from now (0: no limit)
 * @param return_granted if not NULL, gets the seconds granted (0: no
 *        limit, or rejected)
 * @return nst_lifetime_granted, nst_lifetime_lowered or
 *         nst_lifetime_rejected (only established calls have lifetimes). */
NST_API nst_lifetime_t nst_set_lifetime(nst_t *nst, nua_handle_t *nh, unsigned seconds,
                                        unsigned *return_granted);

/** The Session-Expires header of @a sip, a message of an nua event.
 *
 * nst's parser keeps Session-Expires out of sip->sip_session_expires (that
 * keeps nua's own engine dormant); this is where to read it. NULL if the
 * message has none. */
NST_API sip_session_expires_t const *nst_session_expires(nst_t const *nst, sip_t const *sip);

/** The Min-SE header of @a sip (see nst_session_expires()), or NULL. */
NST_API sip_min_se_t const *nst_min_se(nst_t const *nst, sip_t const *sip);

/** Name of an event, e.g. "nst_ev_negotiated". */
NST_API char const *nst_event_name(nst_event_t event);

/** Name of a nst_set_lifetime() outcome: "granted", "lowered", "rejected". */
NST_API char const *nst_lifetime_name(nst_lifetime_t outcome);

/** "local", "remote" or "none". */
NST_API char const *nst_refresher_name(nst_refresher_t refresher);

/** "UPDATE", "INVITE" or "none". */
NST_API char const *nst_method_name(nst_method_t method);

/** Log of the module; its level is set by the environment variable
 * NST_DEBUG (0..9), or by SOFIA_DEBUG as for Sofia's own modules. */
NST_API extern su_log_t nst_log[];

/* ---------------------------------------------------------------------- */
/* Adoption helpers */

/** The module that runs the call of @a nh, or NULL: a NULL handle, or a
 * handle of no call nst knows (one that has seen no INVITE, or of a nua
 * nst did not create).
 *
 * For code that holds only the call's handle, as a softphone's call
 * object does when it answers: nst_respond(nst_from_handle(nh), nh, 200,
 * ...) instead of nua_respond(nh, 200, ...). nst knows an incoming call
 * from its INVITE on, an outgoing one from nst_invite(). Call it in the
 * thread of the module's root, like the rest of nst. */
NST_API nst_t *nst_from_handle(nua_handle_t const *nh);

/** Replace the module's settings (the NSTTAG_* tags of nst_create(),
 * but NSTTAG_TIMER_SOURCE()) for the calls that start from now on;
 * running calls keep theirs.
 *
 * For settings the user edits while the account is up (enabled,
 * interval, minimum, refresher). The tags are applied over nst's defaults,
 * as nst_create() applies its own (a tag left out means its default, not
 * the value it had), and checked as nst_create() checks them.
 *
 * @return 0, or -1 (nothing changed) on a NULL module or values
 * nst_create() would refuse, e.g. an interval below Min-SE. */
NST_API int nst_set_params(nst_t *nst, tag_type_t tag, tag_value_t value, ...);

/* ---------------------------------------------------------------------- */
/* Testing with a fast-forwarded clock */

/** Install a fake clock for an application's own tests of session timers.
 *
 * From now on Sofia's clock (su_now(), su_nanotime(), su_monotime(): the
 * clock of every nua, nta and nst timer) runs ahead of the real one by
 * what nst_clock_advance() added; during an advance it is where the
 * advance has put it (the real time the advance takes does not count,
 * unless one step of it takes longer than the step: the clock never goes
 * back). Tests read it with su_now(). Install it before nst_create(): a module
 * created under the fake clock keeps its timers on su_timer_t (#nst_timer_su
 * for #nst_timer_auto; a timerfd runs on the kernel's clock) and keeps
 * nua's stack on the module's root (su_root_threading(root, 0)), so that
 * every timer of the call is on the root nst_clock_advance() runs.
 * Idempotent. The clock is the process's (Sofia's hooks are global): for
 * tests that run their roots in one thread.
 *
 * On a su_glib root, su_glib's GSource reads GLib's clock rather than
 * Sofia's (g_source_get_current_time() on Sofia-SIP 1.12,
 * g_source_get_time() on 1.13): the test program (not a library) puts
 * NST_CLOCK_GLIB_SOURCE_TIME once at file scope.
 *
 * @return 0 */
NST_API int nst_clock_fake(void);

/** Move the fake clock @a ms milliseconds forward, running @a root on the
 * way so that every timer fires in order, at its own time, and what it
 * starts (requests, responses on loopback, nst's events) runs too.
 *
 * @a root is a plain su_root or a su_glib root; NULL runs GLib's default
 * main context instead (where an application attached its su_glib roots'
 * GSources, as GNOME Calls does). A plain root is run from timer to
 * timer; a glib one a millisecond at a time (1,000 steps a second of
 * fake time, a few ms of real time). The clock ends @a ms after where it
 * was (plus the real time of the last step): a step that takes longer
 * than its length (a loaded machine) moves the clock by its real time,
 * and the advance takes that much fewer steps (their real time is not
 * added on top).
 *
 * @return 0, or -1 without moving the clock: no fake clock installed, or a
 * glib root (or NULL) while g_source_get_current_time() and
 * g_source_get_time() are not NST_CLOCK_GLIB_SOURCE_TIME's (the log says
 * which). */
NST_API int nst_clock_advance(su_root_t *root, unsigned long ms);

/** 1 while the fake clock is installed, else 0. */
NST_API int nst_clock_is_fake(void);

/** Uninstall the fake clock: Sofia's clock is the real one again (its
 * hooks as they were before nst_clock_fake()), i.e. it goes back by what
 * was advanced. Destroy the modules and nuas made under the fake clock
 * first: their armed timers would wait that much longer. */
NST_API void nst_clock_real(void);

/** Sofia's clock as a GTimeVal's fields, for NST_CLOCK_GLIB_SOURCE_TIME.
 * @param return_sec  gets the seconds since 1970
 * @param return_usec gets the microseconds */
NST_API void nst_clock_gtimeval(long *return_sec, long *return_usec);

/** g_source_get_time() for NST_CLOCK_GLIB_SOURCE_TIME: what @a caller, the
 * address g_source_get_time() was called from, is given. Called from
 * su_glib (Sofia-SIP 1.13's GSource, which takes it for the wall clock):
 * Sofia's clock, in microseconds since 1970. Called from anywhere else
 * (GIO, the program): GLib's own g_source_get_time() of @a source, its
 * monotonic clock.
 * @param source  a GSource
 * @param caller  __builtin_return_address(0) in g_source_get_time() */
NST_API long long nst_clock_gsource_time(void *source, void const *caller);

/** Put once at file scope in a test program that runs su_glib roots on
 * the fake clock (needs <glib.h>): defines g_source_get_current_time()
 * (which su_glib's GSource reads on Sofia-SIP 1.12) to read Sofia's clock,
 * and g_source_get_time() (which it reads on 1.13) to read Sofia's clock
 * when su_glib calls it, GLib's everywhere else
 * (nst_clock_gsource_time()). Outside a fake clock the first is the same
 * wall clock (GLib's deprecated function reads the real time of day), and
 * the second makes 1.13's su_glib fire its timers. The program's own
 * definitions are the ones the dynamic linker gives su_glib, whatever the
 * link order (GLib's calls to its own functions do not go through them). */
#define NST_CLOCK_GLIB_SOURCE_TIME                                          \
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS                                          \
  void g_source_get_current_time(GSource *source, GTimeVal *timeval)        \
  {                                                                         \
    long sec_, usec_;                                                       \
    (void)source;                                                           \
    nst_clock_gtimeval(&sec_, &usec_);                                      \
    timeval->tv_sec = sec_;                                                 \
    timeval->tv_usec = usec_;                                               \
  }                                                                         \
  G_GNUC_END_IGNORE_DEPRECATIONS                                            \
  gint64 g_source_get_time(GSource *source)                                 \
  {                                                                         \
    return (gint64)nst_clock_gsource_time(source,                           \
                                          __builtin_return_address(0));     \
  }

#ifdef __cplusplus
}
#endif

#endif /* NST_H */
