/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst - one call: sending, refreshing, answering, failures (src/nst_call.c).
 *
 * Floor 2: the calls use the core, the scheduler and the parser below
 * them; the module (nst.c, nst_adopt.c) above hands them nua's events and
 * the application's requests, and gives them what they share in
 * nst_calls_t. Nothing here knows the module's own structure.
 */
#ifndef NST_CALL_H
#define NST_CALL_H

#include "nst_core.h"
#include "nst_parser.h"
#include "nst_sched.h"
#include "nst_states.h"

#include <nst/nst.h>

#include <glib.h>

typedef struct nst_call_s nst_call_t;

/** What the calls of one module share. */
typedef struct nst_calls_s {
  nst_t              *owner;       /* the module, as the application knows it */
  nua_t              *nua;
  nst_sched_t        *sched;       /* every timer of every call */
  nst_parser_t const *parser;
  nst_config_t        config;      /* what a new call starts with */
  sip_supported_t    *supported;   /* nua's Supported, "timer" in it */
  GHashTable         *table;       /* nua_handle_t * -> nst_call_t * */
  nst_sched_timer_t   gone_check;  /* looks for handles the application
                                      destroyed with nua_handle_destroy() */
  GHashTable         *read_backs;  /* nua_handle_t * -> how many of nst's
                                      nua_get_hparams() are to come back */
  nst_stats_t         stats;
  nst_callback_f     *ev_callback;
  void               *ev_magic;
} nst_calls_t;

struct nst_call_s {
  nst_calls_t       *nc_calls;
  nua_handle_t      *nc_nh;          /* we hold a reference */
  nst_config_t       nc_config;
  nst_outcome_t      nc_session;     /* the running session (interval 0: none) */
  su_time_t          nc_refreshed_at;/* when it was last (re)armed */
  nst_hdrs_t         nc_sent;        /* what our latest request offered */
  nst_hdrs_t         nc_request;     /* the peer's initial INVITE */
  char              *nc_supported;   /* the Supported list the application
                                        gave this call (e.g. without
                                        "timer": nst-cli -T), for every
                                        message nst sends in it (g_malloc'd);
                                        NULL: the module's */
  tagi_t            *nc_app_tags;    /* the application's INVITE/UPDATE tags
                                        while it is pending, to send it again
                                        after 422 (malloc'd) */
  sip_call_id_t     *nc_call_id;     /* of an initial INVITE answered 422 (malloc'd), */
  sip_from_t        *nc_from;        /* which the retry keeps (RFC 4028 7.3), */
  sip_cseq_t        *nc_cseq;        /* with the next CSeq */
  nst_method_t       nc_app_method;  /* ... and its method (none: none pending) */
  unsigned           nc_422_retries; /* for the request in flight */
  unsigned           nc_refreshes;
  /* Where the call is (nst_states.h, doc/call-states.md): what nst does
   * on the wire, and, apart from it, what the application is shown. */
  nst_call_state_t   nc_state;
  nst_view_t         nc_view;
  /* The transactions open in the session (any of them at once), and a
   * refresh that came due while one was: it goes when the last closes. */
  nst_method_t       nc_refreshing;  /* ours: its method (none: closed) */
                                     /* the application's: nc_app_method */
  unsigned           nc_peer_offer:1;   /* the peer's re-INVITE, until its ACK */
  unsigned           nc_refresh_owed:1;
  /* What nst learnt of the call and its peer. */
  unsigned           nc_caller:1;    /* we sent the initial INVITE */
  unsigned           nc_peer_allows_update:1;
  unsigned           nc_update_refused:1; /* 405/501 to UPDATE seen */
  unsigned           nc_appl_update:1; /* nua hands us this call's UPDATEs */
  unsigned           nc_plain_read_back:1; /* the handle's parameters are
                                              read back after a plain
                                              request's 2xx */
  unsigned           nc_disarm_nua:1; /* nua's engine may hold a timer of
                                         its own: the next refresh goes
                                         by re-INVITE */
  unsigned           nc_supported_opaque:1; /* a request/2xx of ours with
                                               the opaque Supported may still
                                               be queued in nua */
  unsigned           nc_own_set_params; /* nua_r_set_params of ours to come */
  nst_sched_timer_t  nc_refresh_timer;
  /* The expiry timer fires twice: NSTTAG_EXPIRY_WARNING() before the end
   * (nst_ev_expiring), then at nc_expires_at (BYE). */
  nst_sched_timer_t  nc_expiry_timer;
  su_time_t          nc_expires_at;  /* 0 s: no expiry armed */
  /* The application's lifetime (nst_set_lifetime()), 0 s: none. */
  nst_sched_timer_t  nc_lifetime_timer;
  /* What to do next, from a 0 ms timer: nua must finish the transaction
   * whose event we are in before the handle takes another request. */
  enum nst_next_step_e {
    nst_next_none = 0,
    nst_next_refresh,        /* start a refresh */
    nst_next_resend_refresh, /* our refresh again, with nc_sent (422) */
    nst_next_resend_app,     /* the application's request again (422) */
    nst_next_bye             /* end the call, Reason nc_bye_reason */
  }                  nc_next;
  nst_method_t       nc_resend_method;
  char const        *nc_bye_reason;  /* a static string */
  nst_sched_timer_t  nc_next_timer;
};

/* nua's parameters that nst holds: nua's engine has nothing to run with
 * (interval 0, no refresher) and nua's Supported is nst's list
 * (doc/nua-differences.md, "one engine"). */
#define NST_NUA_SUPPORTED "timer, 100rel"   /* nua's own default */
#define NST_NUA_MIN_SE 90
#define NST_NUA_TIMER_PINS \
  NUTAG_SESSION_TIMER(0), NUTAG_SESSION_REFRESHER(nua_no_refresher), \
  NUTAG_MIN_SE(NST_NUA_MIN_SE), NUTAG_UPDATE_REFRESH(0)
#define NST_NUA_PINS(supported) NST_NUA_TIMER_PINS, SIPTAG_SUPPORTED(supported)

/* How often nst looks for calls whose handle the application destroyed
 * with plain nua_handle_destroy() (nua shows no event for it). */
#define NST_GONE_CHECK_MS 30000

nst_call_t *nst_call_find(nst_calls_t const *calls, nua_handle_t const *nh);
nst_call_t *nst_call_get(nst_calls_t *calls, nua_handle_t *nh);
void nst_call_free(gpointer call);
int nst_call_is_established(nst_call_t const *call);
/* nst_handle_destroy(): the call goes, its timers with it. */
void nst_call_destroyed_by_app(nst_call_t *call);
void nst_call_info(nst_call_t const *call, int status, char const *phrase,
                   nst_info_t *info);

/* The application's requests (nst_invite(), nst_update(), nst_respond(),
 * nst_set_lifetime()); -1 if its tags are refused. */
int nst_call_send_app(nst_calls_t *calls, nua_handle_t *nh, nst_method_t method,
                      tagi_t const *tags);
int nst_call_respond_app(nst_calls_t *calls, nua_handle_t *nh, int status,
                         char const *phrase, tagi_t const *tags);
nst_lifetime_t nst_call_set_lifetime(nst_calls_t *calls, nua_handle_t *nh,
                                     unsigned seconds, unsigned *return_granted);

/** nua's events; each returns 1 if the event goes on to the application. */
int nst_call_on_i_invite(nst_calls_t *calls, nst_call_t *call, nua_handle_t *nh,
                         sip_t const *sip);
int nst_call_on_i_update(nst_call_t *call, sip_t const *sip);
int nst_call_on_i_ack(nst_call_t *call);
int nst_call_on_response(nst_call_t *call, nst_method_t method, int status,
                         char const *phrase, sip_t const *sip);
int nst_call_on_plain_response(nst_calls_t *calls, nua_handle_t *nh, nst_method_t method,
                               int status, char const *phrase, sip_t const *sip);
int nst_call_on_i_state(nst_call_t *call, int callstate);
int nst_call_on_i_active(nst_call_t *call);
int nst_call_on_i_terminated(nst_call_t *call);
int nst_call_on_r_set_params(nst_call_t *call);
int nst_calls_on_read_back(nst_calls_t *calls, nua_handle_t *nh, tagi_t const *tags);

#endif /* NST_CALL_H */
