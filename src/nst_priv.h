/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst - internal declarations shared by the glue's files.
 *
 *   nst.c         the module: creation, the nua callback, public getters
 *   nst_call.c    one call: sending, refreshing, answering, failures
 *   nst_parser.c  the SIP parser that keeps nua's engine dormant, and the
 *                 timer headers in and out
 */
#ifndef NST_PRIV_H
#define NST_PRIV_H

#include "nst_core.h"
#include "nst_sched.h"

#include <nst/nst.h>

#include <sofia-sip/msg_mclass.h>

#include <glib.h>

typedef struct nst_call_s nst_call_t;

struct nst_s {
  su_home_t          ns_home[1];
  su_root_t         *ns_root;
  nst_sched_t       *ns_sched;      /* every timer of every call */
  nua_t             *ns_nua;
  msg_mclass_t      *ns_mclass;     /* malloc'd; outlives the nua */
  unsigned short     ns_se_offset;  /* where Session-Expires lands in sip_t */
  unsigned short     ns_min_se_offset;
  nst_config_t       ns_config;
  sip_supported_t   *ns_supported;  /* nua's Supported, "timer" in it (ns_home) */
  nua_callback_f     ns_app_callback;
  nua_magic_t       *ns_app_magic;
  nst_callback_f    *ns_ev_callback;
  void              *ns_ev_magic;
  GHashTable        *ns_calls;      /* nua_handle_t * -> nst_call_t * */
  nst_stats_t        ns_stats;
  unsigned           ns_own_set_params; /* nua_r_set_params of ours to come */
  unsigned           ns_own_get_params; /* nua_r_get_params of ours to come */
};

struct nst_call_s {
  nst_t             *nc_nst;
  nua_handle_t      *nc_nh;          /* we hold a reference */
  nst_config_t       nc_config;
  nst_outcome_t      nc_session;     /* the running session (interval 0: none) */
  su_time_t          nc_refreshed_at;/* when it was last (re)armed */
  nst_hdrs_t         nc_sent;        /* what our latest request offered */
  nst_hdrs_t         nc_request;     /* the peer's initial INVITE */
  tagi_t            *nc_app_tags;    /* the application's INVITE/UPDATE tags
                                        while it is pending, to send it again
                                        after 422 (malloc'd) */
  sip_call_id_t     *nc_call_id;     /* of an initial INVITE answered 422 (malloc'd), */
  sip_from_t        *nc_from;        /* which the retry keeps (RFC 4028 7.3), */
  sip_cseq_t        *nc_cseq;        /* with the next CSeq */
  nst_method_t       nc_app_method;  /* ... and its method (none: none pending) */
  unsigned           nc_422_retries; /* for the request in flight */
  unsigned           nc_refreshes;
  nst_method_t       nc_refreshing;  /* our own refresh in flight */
  unsigned           nc_caller:1;    /* we sent the initial INVITE */
  unsigned           nc_established:1;
  unsigned           nc_peer_allows_update:1;
  unsigned           nc_update_refused:1; /* 405/501 to UPDATE seen */
  unsigned           nc_rejected:1;  /* we answered the initial INVITE 422 */
  unsigned           nc_restarting:1;/* initial INVITE sent again after 422 */
  unsigned           nc_peer_pending:1; /* peer's re-INVITE awaits its ACK */
  unsigned           nc_refresh_waiting:1; /* a refresh came due meanwhile */
  unsigned           nc_hide_states:1;  /* hide nua_i_state of our refresh */
  unsigned           nc_ending:1;    /* nst sent BYE */
  unsigned           nc_appl_update:1; /* nua hands us this call's UPDATEs */
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
#define NST_NUA_PINS(supported) \
  NUTAG_SESSION_TIMER(0), NUTAG_SESSION_REFRESHER(nua_no_refresher), \
  NUTAG_MIN_SE(NST_NUA_MIN_SE), NUTAG_UPDATE_REFRESH(0), \
  SIPTAG_SUPPORTED(supported)

/* nst_parser.c */
msg_mclass_t *nst_parser_create(unsigned short *se_offset,
                                unsigned short *min_se_offset);
void const *nst_parser_slot(sip_t const *sip, unsigned short offset);
nst_hdrs_t nst_read_hdrs(nst_t const *nst, sip_t const *sip);

/** Timer headers formatted for SIPTAG_*_STR() (empty string: leave out). */
typedef struct nst_hdr_strs_s {
  char se[64];
  char min_se[24];
  int  require_timer;
} nst_hdr_strs_t;

void nst_format_hdrs(nst_hdrs_t const *h, nst_hdr_strs_t *s);

int nst_is_supported_tag(tag_type_t tag);
/** Whether two Supported lists have the same items in the same order. */
int nst_supported_same(sip_supported_t const *a, sip_supported_t const *b);
/** @a base as nua's Supported tags in @a tags change it, "timer" added. */
sip_supported_t *nst_supported_from_tags(su_home_t *home,
                                         sip_supported_t const *base,
                                         tagi_t const *tags);
/** @a real as one item in @a out (see nst_parser.c); g_free() the result
 * once nua has taken the tag (nua copies it at once). */
char *nst_supported_opaque(sip_supported_t const *real,
                           sip_supported_t *out, msg_param_t items[2]);
/** @a tags without those nst keeps from nua (Supported, nua's timer tags). */
tagi_t *nst_tags_for_nua(su_home_t *home, tagi_t const *tags);

/* nst_call.c */
nst_call_t *nst_call_find(nst_t const *nst, nua_handle_t const *nh);
nst_call_t *nst_call_get(nst_t *nst, nua_handle_t *nh);
void nst_call_free(gpointer call);
void nst_call_info(nst_call_t const *call, int status, char const *phrase,
                   nst_info_t *info);

/** Each returns 1 if the event goes on to the application. */
int nst_call_on_i_invite(nst_t *nst, nst_call_t *call, nua_handle_t *nh,
                         sip_t const *sip);
int nst_call_on_i_update(nst_call_t *call, sip_t const *sip);
int nst_call_on_i_ack(nst_call_t *call);
int nst_call_on_response(nst_call_t *call, nst_method_t method, int status,
                         char const *phrase, sip_t const *sip);
int nst_call_on_plain_response(nst_t *nst, nua_handle_t *nh, nst_method_t method,
                               int status, char const *phrase, sip_t const *sip);
int nst_call_on_i_state(nst_call_t *call, int callstate);
int nst_call_on_i_active(nst_call_t *call);
int nst_call_on_i_terminated(nst_call_t *call);
int nst_call_on_r_set_params(nst_call_t *call);

/* nst_adopt.c: the modules nst_from_handle() finds */
void nst_registry_add(nst_t *nst);
void nst_registry_remove(nst_t *nst);

#endif /* NST_PRIV_H */
