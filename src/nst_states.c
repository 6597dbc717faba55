/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst - a call's states, the events that move it, and the table of moves.
 * Floor 0: no I/O. doc/call-states.md is this table drawn
 * (tests/check_states.sh fails when the two differ).
 */
#include "config.h"

#include "nst_states.h"

#include <stddef.h>

#define S(x) nst_cs_##x
#define E(x) nst_ce_##x

/* Every move a call makes, grouped by the state it leaves. A move that is
 * not here is a bug: nst_call.c logs it at level 1 (the tests fail on
 * that line) and still makes it, so that a call in the field goes on. */
static nst_transition_t const transitions[] = {
  /* nst knows the handle: who starts the call decides where it goes. */
  { S(new),        E(app_invite),      S(calling) },
  { S(new),        E(peer_invite),     S(offered) },
  { S(new),        E(peer_refused),    S(refused) },
  { S(new),        E(2xx),             S(session) },    /* plain nua_invite()'s 2xx */
  { S(new),        E(terminated),      S(gone) },
  { S(new),        E(destroyed),       S(gone) },

  /* Our initial INVITE. */
  { S(calling),    E(2xx),             S(session) },
  { S(calling),    E(422),             S(recalling) },
  { S(calling),    E(terminated),      S(gone) },       /* failed, cancelled */
  { S(calling),    E(destroyed),       S(gone) },
  { S(recalling),  E(recall),          S(calling) },
  { S(recalling),  E(destroyed),       S(gone) },

  /* The peer's initial INVITE. */
  { S(offered),    E(app_2xx),         S(session) },
  { S(offered),    E(app_plain_2xx),   S(gone) },       /* no timer: nst lets go */
  { S(offered),    E(terminated),      S(gone) },       /* refused by the application, cancelled */
  { S(offered),    E(destroyed),       S(gone) },
  { S(refused),    E(terminated),      S(gone) },       /* nst destroys the handle */

  /* The session. */
  { S(session),    E(2xx),             S(session) },    /* the application's re-INVITE/UPDATE */
  { S(session),    E(peer_refresh),    S(session) },
  { S(session),    E(refresh_due),     S(refreshing) },
  { S(session),    E(expired),         S(ending) },
  { S(session),    E(lifetime_ended),  S(ending) },
  { S(session),    E(terminated),      S(gone) },
  { S(session),    E(destroyed),       S(gone) },

  { S(refreshing), E(refresh_2xx),     S(session) },
  { S(refreshing), E(refresh_422),     S(refreshing) },
  { S(refreshing), E(refresh_failed),  S(session) },    /* again later, or by re-INVITE */
  { S(refreshing), E(refresh_fatal),   S(ending) },
  { S(refreshing), E(2xx),             S(refreshing) },
  { S(refreshing), E(peer_refresh),    S(refreshing) },
  { S(refreshing), E(expired),         S(ending) },
  { S(refreshing), E(lifetime_ended),  S(ending) },
  { S(refreshing), E(terminated),      S(gone) },
  { S(refreshing), E(destroyed),       S(gone) },

  /* BYE is going: what is still answered changes nothing. */
  { S(ending),     E(refresh_2xx),     S(ending) },
  { S(ending),     E(refresh_failed),  S(ending) },
  { S(ending),     E(2xx),             S(ending) },
  { S(ending),     E(peer_refresh),    S(ending) },
  { S(ending),     E(terminated),      S(gone) },
  { S(ending),     E(destroyed),       S(gone) },
};

#undef S
#undef E

char const *nst_call_state_name(nst_call_state_t state)
{
  switch (state) {
  case nst_cs_new: return "new";
  case nst_cs_calling: return "calling";
  case nst_cs_recalling: return "recalling";
  case nst_cs_offered: return "offered";
  case nst_cs_refused: return "refused";
  case nst_cs_session: return "session";
  case nst_cs_refreshing: return "refreshing";
  case nst_cs_ending: return "ending";
  case nst_cs_gone: return "gone";
  case nst_cs_count: break;
  }
  return "unknown";
}

char const *nst_call_event_name(nst_call_event_t event)
{
  switch (event) {
  case nst_ce_app_invite: return "app_invite";
  case nst_ce_peer_invite: return "peer_invite";
  case nst_ce_peer_refused: return "peer_refused";
  case nst_ce_app_2xx: return "app_2xx";
  case nst_ce_app_plain_2xx: return "app_plain_2xx";
  case nst_ce_2xx: return "2xx";
  case nst_ce_422: return "422";
  case nst_ce_recall: return "recall";
  case nst_ce_refresh_due: return "refresh_due";
  case nst_ce_refresh_2xx: return "refresh_2xx";
  case nst_ce_refresh_422: return "refresh_422";
  case nst_ce_refresh_failed: return "refresh_failed";
  case nst_ce_refresh_fatal: return "refresh_fatal";
  case nst_ce_peer_refresh: return "peer_refresh";
  case nst_ce_expired: return "expired";
  case nst_ce_lifetime_ended: return "lifetime_ended";
  case nst_ce_terminated: return "terminated";
  case nst_ce_destroyed: return "destroyed";
  case nst_ce_count: break;
  }
  return "unknown";
}

char const *nst_view_name(nst_view_t view)
{
  switch (view) {
  case nst_view_all: return "all";
  case nst_view_hide_refresh: return "hide_refresh";
  case nst_view_hide_recall: return "hide_recall";
  case nst_view_none: return "none";
  }
  return "unknown";
}

nst_transition_t const *nst_transition_at(unsigned i)
{
  return i < sizeof transitions / sizeof transitions[0] ? &transitions[i] : NULL;
}

int nst_transition_is_listed(nst_call_state_t from, nst_call_event_t event,
                             nst_call_state_t to)
{
  nst_transition_t const *t;
  unsigned i;

  for (i = 0; (t = nst_transition_at(i)) != NULL; i++)
    if (t->from == from && t->event == event && t->to == to)
      return 1;
  return 0;
}
