/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst - a call's states and the moves between them (src/nst_states.c).
 *
 * Floor 0: names and a table, no I/O. nst_call.c keeps each call in one
 * of these states and moves it only along a transition the table lists;
 * doc/call-states.md draws the table (tests/call-states-doc prints it,
 * tests/check_states.sh checks the drawing against it).
 *
 * Two concerns, kept apart:
 *  - the state: what nst does with the call on the wire;
 *  - the view: which of nua's events the application is shown.
 * Inside an established session, SIP lets three transactions be open at
 * once (ours, the application's, the peer's); they are not states of the
 * call but a set, in nst_call_t (nc_refreshing, nc_app_method,
 * nc_peer_offer), and a refresh that comes due while one is open is owed
 * (nc_refresh_owed) until the last one closes.
 */
#ifndef NST_STATES_H
#define NST_STATES_H

/** What nst does with a call on the wire: a call is in one of these. */
typedef enum nst_call_state_e {
  nst_cs_new,        /**< nst knows the handle; nothing of the call's yet */
  nst_cs_calling,    /**< our initial INVITE is out */
  nst_cs_recalling,  /**< it was answered 422: it goes again, raised, once
                          nua has ended that dialog (RFC 4028 7.3) */
  nst_cs_offered,    /**< the peer's initial INVITE awaits the application's answer */
  nst_cs_refused,    /**< nst answered the peer's initial INVITE 422 or 421:
                          the call is nst's, nua ends it */
  nst_cs_session,    /**< established (a 2xx either way): the timers run */
  nst_cs_refreshing, /**< our refresh is out */
  nst_cs_ending,     /**< nst ends the call with BYE */
  nst_cs_gone,       /**< nst forgot the call (not a state a call is in:
                          where the diagram's arrows end) */
  nst_cs_count
} nst_call_state_t;

/** What moves a call: one of nua's events, a timer, or the application. */
typedef enum nst_call_event_e {
  nst_ce_app_invite,      /**< nst_invite(): the initial INVITE */
  nst_ce_peer_invite,     /**< the peer's initial INVITE, acceptable */
  nst_ce_peer_refused,    /**< the peer's initial INVITE, answered 422/421 */
  nst_ce_app_2xx,         /**< nst_respond() 2xx to the initial INVITE */
  nst_ce_app_plain_2xx,   /**< the application answered with plain
                               nua_respond(): no timer, nst lets go */
  nst_ce_2xx,             /**< a 2xx to an INVITE/UPDATE of the application's
                               (or to its plain nua_invite()) */
  nst_ce_422,             /**< 422 to the initial INVITE: it goes again */
  nst_ce_recall,          /**< nua ended the dialog the 422 ended: the
                               raised INVITE goes */
  nst_ce_refresh_due,     /**< the refresh timer, nothing else open */
  nst_ce_refresh_2xx,     /**< a 2xx to our refresh */
  nst_ce_refresh_422,     /**< 422 to our refresh: it goes again, raised */
  nst_ce_refresh_failed,  /**< another failure: retried later, or by re-INVITE */
  nst_ce_refresh_fatal,   /**< 408/481 to our refresh (RFC 4028 10): BYE */
  nst_ce_peer_refresh,    /**< the peer's re-INVITE/UPDATE, accepted */
  nst_ce_expired,         /**< the session expired (RFC 4028 10): BYE */
  nst_ce_lifetime_ended,  /**< the application's lifetime ran out: BYE */
  nst_ce_terminated,      /**< nua says the call is over */
  nst_ce_destroyed,       /**< the application destroyed the handle
                               (nst_handle_destroy(), or plain
                               nua_handle_destroy() seen by a timer) */
  nst_ce_count
} nst_call_event_t;

/** Which of nua's events for the call the application is shown. */
typedef enum nst_view_e {
  nst_view_all,          /**< all of them */
  nst_view_hide_refresh, /**< not the call states of our refresh re-INVITE
                              (or UPDATE with SDP), until nua says "ready" */
  nst_view_hide_recall,  /**< not those of the INVITE sent again after 422,
                              until nua says "calling" (it said so once) */
  nst_view_none          /**< none: the application never saw this call */
} nst_view_t;

typedef struct nst_transition_s {
  nst_call_state_t from;
  nst_call_event_t event;
  nst_call_state_t to;
} nst_transition_t;

char const *nst_call_state_name(nst_call_state_t state);
char const *nst_call_event_name(nst_call_event_t event);
char const *nst_view_name(nst_view_t view);

/** The @a i th transition of the table, NULL past its end. */
nst_transition_t const *nst_transition_at(unsigned i);

/** Whether the table lists @a from --@a event--> @a to. */
int nst_transition_is_listed(nst_call_state_t from, nst_call_event_t event,
                             nst_call_state_t to);

#endif /* NST_STATES_H */
