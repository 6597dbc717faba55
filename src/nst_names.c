/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nst - the names of nst's values (nst.h), for logs and user interfaces.
 * Floor 0: used by every file above, uses nothing of nst's.
 */
#include "config.h"

#include <nst/nst.h>

char const *nst_event_name(nst_event_t event)
{
  switch (event) {
  case nst_ev_negotiated: return "nst_ev_negotiated";
  case nst_ev_refresh_sent: return "nst_ev_refresh_sent";
  case nst_ev_refresh_answered: return "nst_ev_refresh_answered";
  case nst_ev_refresh_received: return "nst_ev_refresh_received";
  case nst_ev_refresh_failed: return "nst_ev_refresh_failed";
  case nst_ev_expired: return "nst_ev_expired";
  case nst_ev_expiring: return "nst_ev_expiring";
  case nst_ev_lifetime_expiring: return "nst_ev_lifetime_expiring";
  case nst_ev_lifetime_expired: return "nst_ev_lifetime_expired";
  case nst_ev_rejected: return "nst_ev_rejected";
  case nst_ev_ended: return "nst_ev_ended";
  case nst_ev_refresh_challenged: return "nst_ev_refresh_challenged";
  }
  return "nst_ev_unknown";
}

char const *nst_lifetime_name(nst_lifetime_t outcome)
{
  switch (outcome) {
  case nst_lifetime_granted: return "granted";
  case nst_lifetime_lowered: return "lowered";
  default: return "rejected";
  }
}

char const *nst_refresher_name(nst_refresher_t refresher)
{
  switch (refresher) {
  case nst_refresher_local: return "local";
  case nst_refresher_remote: return "remote";
  default: return "none";
  }
}

char const *nst_method_name(nst_method_t method)
{
  switch (method) {
  case nst_method_update: return "UPDATE";
  case nst_method_invite: return "INVITE";
  default: return "none";
  }
}
